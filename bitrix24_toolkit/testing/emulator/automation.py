"""Event delivery and robot runs of the emulated portal, so automations are tested without a portal.

Events: every successful ``crm.{lead,deal,contact,company}.{add,update,delete}`` and ``crm.item.*`` write
queues one payload (reference 9.2) per handler bound with ``event.bind`` (table ``"event_handler"``) and per
outgoing webhook (:meth:`AutomationMixin.add_outgoing_webhook`) in :attr:`~AutomationMixin.pending_events`.
:meth:`~AutomationMixin.flush_events` delivers them, in order, on a background delivery thread and waits:

- to the in-process app given to :meth:`~AutomationMixin.deliver_to` (a WSGI or ASGI callable), for one
  handler URL or, without ``url``, for every handler URL;
- else by HTTP POST when the handler URL is on the loopback interface (127.0.0.1, localhost, ::1);
- else it is recorded as undeliverable (status ``None``).

With ``emu.auto_deliver = True`` every write schedules a flush itself (without waiting). Application
handlers get ``auth[access_token]`` of the binding app (issued by the emulator's OAuth server) and the
app's :meth:`~AutomationMixin.application_token`; outgoing webhooks get no tokens.

Robots: :meth:`~AutomationMixin.run_robot` POSTs the robot request of reference 9.3 to the robot's
``HANDLER`` (same routing) and returns a :class:`RobotRun`; the handler's ``bizproc.event.send`` lands in
:attr:`~AutomationMixin.robot_results`.
"""

from __future__ import annotations

import collections
import hashlib
import random
import threading
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...protocol.encoding import decode_php_query
from .dispatch import Outcome
from .event_payloads import WRITE_METHODS, app_auth, event_body, events_of_write, robot_body, webhook_auth
from .handler_calls import HandlerApp, call_app, is_loopback, post_loopback
from .methods.bizproc import LOG_TABLE, REPLY_TABLE, TOKEN_TABLE, installed
from .methods.events import TABLE as HANDLER_TABLE
from .methods.offline_events import queue_offline

if TYPE_CHECKING:
    from .oauth import OAuthServer
    from .state import PortalState

__all__ = ["AutomationMixin", "DeliveryRecord", "PendingEvent", "RobotRun"]

_TOKEN_MARGIN = 60


@dataclass(frozen=True)
class PendingEvent:
    """A payload waiting for delivery."""

    event: str
    url: str
    body: bytes = field(repr=False)
    #: an in-process app attached to an outgoing webhook (else routing by URL)
    app: HandlerApp | None = field(default=None, repr=False)

    @property
    def payload(self) -> dict[str, Any]:
        """The payload decoded (nested, strings), for assertions."""
        return decode_php_query(self.body)


@dataclass(frozen=True)
class DeliveryRecord:
    """What happened to one delivery: the handler's HTTP status, or ``None`` and the reason."""

    event: str
    url: str
    status: int | None
    error: str | None = None
    body: bytes = field(default=b"", repr=False)


@dataclass(frozen=True)
class RobotRun:
    """One robot invocation: its token (to find the reply) and the handler's HTTP status."""

    code: str
    event_token: str
    workflow_id: str
    document_id: tuple[str, str, str]
    status: int | None
    error: str | None = None


@dataclass
class _Outgoing:
    event: str
    target: str | HandlerApp
    token: str
    handler_id: int


class AutomationMixin:
    """Event delivery and robot runs of :class:`~.portal.Emulator` (see the module docstring)."""

    state: PortalState
    oauth: OAuthServer
    domain: str
    user_id: int
    seed: int | str
    lock: threading.RLock

    def now(self) -> float:  # provided by Emulator
        raise NotImplementedError

    def _init_automation(self) -> None:
        self._routes: dict[str | None, HandlerApp] = {}
        self._outgoing: list[_Outgoing] = []
        self._events_lock = threading.Lock()
        self._deliverer: ThreadPoolExecutor | None = None
        self._grants: dict[tuple[str, int], dict[str, Any]] = {}
        self._rng = random.Random(f"automation:{self.seed}")
        #: payloads waiting for :meth:`flush_events`
        self.pending_events: list[PendingEvent] = []
        #: the last deliveries (newest last)
        self.delivery_log: collections.deque[DeliveryRecord] = collections.deque(maxlen=1000)
        #: deliver after every write, on the background thread, without being asked
        self.auto_deliver = False
        #: queue bound; payloads beyond it are dropped and counted in :attr:`dropped_events`
        self.max_pending = 10_000
        self.dropped_events = 0

    # --------------------------------------------------------------------------------- configuration
    def application_token(self, client_id: str = "local.emulator") -> str:
        """The application token the portal gives app ``client_id`` at install (stable per portal)."""
        seed = f"{self.domain}|{client_id}|{self.seed}|application_token"
        return hashlib.md5(seed.encode(), usedforsecurity=False).hexdigest()

    def deliver_to(self, app: HandlerApp | None, *, url: str | None = None) -> None:
        """Deliver to an in-process WSGI/ASGI app: for handler ``url``, or every URL (``None`` removes)."""
        if app is None:
            self._routes.pop(url, None)
        else:
            self._routes[url] = app

    def add_outgoing_webhook(self, event: str, target: str | HandlerApp) -> str:
        """An outgoing webhook (portal UI) for ``event`` to a URL or an app; returns its application token."""
        with self.lock:
            handler_id = self.state.next_id(HANDLER_TABLE)
        token = hashlib.md5(
            f"{self.domain}|outgoing|{handler_id}|{self.seed}".encode(), usedforsecurity=False
        ).hexdigest()
        self._outgoing.append(_Outgoing(event.strip().upper(), target, token, handler_id))
        return token

    # ------------------------------------------------------------------------------------ observing
    def _observe_write(self, method: str, params: Mapping[str, Any], outcome: Outcome, user_id: int) -> None:
        """Queue the events of a successful CRM write (called by the portal under its lock)."""
        if method not in WRITE_METHODS:
            return
        raised = events_of_write(method, params, outcome)
        if not raised:
            return
        queue_offline(self.state, raised, params)  # offline bindings (event_type=offline): the queue
        ts = int(self.now())
        queued: list[PendingEvent] = []
        for name, object_id in raised:
            for row in self.state.table(HANDLER_TABLE).values():
                if row["EVENT"] == name and not row.get("OFFLINE") and row.get("HANDLER"):
                    auth = self._app_auth(str(row["APP"]), user_id)
                    body = event_body(name, int(row["ID"]), object_id, ts, auth)
                    queued.append(PendingEvent(name, str(row["HANDLER"]), body))
            member = self.oauth.member_id
            for hook in self._outgoing:
                if hook.event == name:
                    body = event_body(
                        name, hook.handler_id, object_id, ts, webhook_auth(self.domain, member, hook.token)
                    )
                    app = None if isinstance(hook.target, str) else hook.target
                    queued.append(
                        PendingEvent(name, hook.target if isinstance(hook.target, str) else "", body, app)
                    )
        if queued:
            self._enqueue(queued)

    def _enqueue(self, events: list[PendingEvent]) -> None:
        with self._events_lock:
            room = max(0, self.max_pending - len(self.pending_events))
            self.pending_events.extend(events[:room])
            self.dropped_events += len(events) - min(room, len(events))
        if self.auto_deliver:
            self._delivery_thread().submit(self._deliver_pending)

    def _app_auth(self, app: str, user_id: int) -> dict[str, str]:
        return app_auth(
            self.domain, self.oauth.member_id, self.application_token(app), self._grant(app, user_id)
        )

    def _grant(self, client_id: str, user_id: int) -> dict[str, Any] | None:
        """A live token response for the app (reused while it lives); ``None`` for an unknown app."""
        secret = self.oauth.clients.get(client_id)
        if secret is None:
            return None
        grant = self._grants.get((client_id, user_id))
        live = grant is not None and self.oauth.access.get(grant["access_token"]) is not None
        if grant is None or not live or grant["expires"] <= self.now() + _TOKEN_MARGIN:
            grant = self.oauth.issue(client_id, secret, user_id=user_id)
            self._grants[(client_id, user_id)] = grant
        return grant

    # ------------------------------------------------------------------------------------ delivering
    def _delivery_thread(self) -> ThreadPoolExecutor:
        with self._events_lock:
            if self._deliverer is None:
                self._deliverer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="emulator-events")
            return self._deliverer

    def _post(self, url: str, body: bytes, app: HandlerApp | None) -> tuple[int | None, str | None]:
        target = app or self._routes.get(url) or self._routes.get(None)
        try:
            if target is not None:
                return call_app(target, url, body), None
            if is_loopback(url):
                return post_loopback(url, body), None
        except Exception as exc:  # the handler's failure is its own; the portal just notes it
            return None, f"{type(exc).__name__}: {exc}"
        return None, f"{url or 'handler'} is not reachable offline (use deliver_to() or a loopback URL)"

    def _deliver_pending(self) -> list[DeliveryRecord]:
        with self._events_lock:
            batch, self.pending_events = self.pending_events, []
        records = []
        for item in batch:
            status, error = self._post(item.url, item.body, item.app)
            records.append(DeliveryRecord(item.event, item.url, status, error, item.body))
        self.delivery_log.extend(records)
        return records

    def flush_events(self, *, timeout: float | None = 30.0) -> list[DeliveryRecord]:
        """Deliver every pending payload, in order, on the delivery thread; wait and return the records."""
        future: Future[list[DeliveryRecord]] = self._delivery_thread().submit(self._deliver_pending)
        return future.result(timeout=timeout)

    # ---------------------------------------------------------------------------------------- robots
    def run_robot(
        self,
        code: str,
        *,
        document_id: tuple[str, str, str] = ("crm", "CCrmDocumentDeal", "DEAL_1"),
        properties: Mapping[str, Any] | None = None,
        user_id: int | None = None,
        timeout: float | None = 30.0,
    ) -> RobotRun:
        """Invoke an installed robot (or action) for a document, as a running business process does."""
        with self.lock:
            row = installed(self.state, code)
            if row is None:
                raise KeyError(f"no robot or action {code!r} is installed (bizproc.robot.add)")
            values = self._robot_properties(row, properties or {})
            workflow_id = "A" + "_".join(f"{self._rng.randrange(10**5):05d}" for _ in range(4))
            token = (
                f"{self._rng.getrandbits(56):014x}.{self._rng.randrange(10**8):08d}|{workflow_id}|"
                + "".join(
                    self._rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
                    for _ in range(32)
                )
            )
            wait = str(row.get("USE_SUBSCRIPTION") or "Y").upper() != "N"  # empty: waits (reference 9.3)
            self.state.insert(
                TOKEN_TABLE,
                {
                    "TOKEN": token,
                    "CODE": code,
                    "KIND": row["KIND"],
                    "WORKFLOW_ID": workflow_id,
                    "DOCUMENT_ID": list(document_id),
                    "USE_SUBSCRIPTION": "Y" if wait else "N",
                    "USED": 0,
                },
            )
            runner = int(row.get("AUTH_USER_ID") or user_id or self.user_id)
            body = robot_body(
                code=code,
                workflow_id=workflow_id,
                document_id=document_id,
                document_type=_document_type(row, document_id),
                event_token=token,
                properties=values,
                use_subscription=wait,
                timeout_duration=0,
                ts=int(self.now()),
                auth=self._app_auth(str(row["APP"]), runner),
            )
        url = str(row["HANDLER"])
        future = self._delivery_thread().submit(self._post, url, body, None)
        status, error = future.result(timeout=timeout)
        return RobotRun(code, token, workflow_id, document_id, status, error)

    @staticmethod
    def _robot_properties(row: Mapping[str, Any], given: Mapping[str, Any]) -> dict[str, Any]:
        declared = row.get("PROPERTIES") or {}
        values: dict[str, Any] = {}
        for key, spec in declared.items() if isinstance(declared, Mapping) else ():
            if isinstance(spec, Mapping) and spec.get("Default") not in (None, ""):
                values[key] = spec["Default"]
        values.update(given)
        for key, spec in declared.items() if isinstance(declared, Mapping) else ():
            if (
                isinstance(spec, Mapping)
                and str(spec.get("Required", "N")).upper() == "Y"
                and key not in values
            ):
                raise ValueError(f"robot {row['CODE']!r}: required property {key!r} has no value")
        return values

    @property
    def robot_results(self) -> list[dict[str, Any]]:
        """Every accepted ``bizproc.event.send`` (token, code, document, return values, log message)."""
        with self.lock:
            return [dict(row) for row in self.state.table(REPLY_TABLE).values()]

    def robot_result(self, event_token: str) -> dict[str, Any] | None:
        """The reply sent with ``event_token``, if any."""
        return next((row for row in self.robot_results if row["EVENT_TOKEN"] == event_token), None)

    @property
    def robot_log(self) -> list[dict[str, Any]]:
        """Every ``bizproc.activity.log`` line."""
        with self.lock:
            return [dict(row) for row in self.state.table(LOG_TABLE).values()]


def _document_type(row: Mapping[str, Any], document_id: tuple[str, str, str]) -> tuple[str, str, str]:
    declared = row.get("DOCUMENT_TYPE")
    if isinstance(declared, list) and len(declared) == 3:
        return (str(declared[0]), str(declared[1]), str(declared[2]))
    module, entity, doc = document_id
    return (module, entity, doc.rsplit("_", 1)[0] if "_" in doc else doc)
