"""Make an application's event subscriptions for one handler URL match a declared set (reference 9.1).

``sync_subscriptions(b24, "https://app.example.com/b24/events", ["ONCRMDEALUPDATE", "onCrmDealAdd"])``
reads ``event.get``, binds what is missing (``event.bind``) and unbinds what this handler no longer wants
(``event.unbind``); running it again changes nothing. Subscriptions of other handler URLs are left alone.
Needs an application (OAuth) client: webhooks subscribe through the "outgoing webhook" UI instead.

Offline events (offline-events.md) have no handler URL: ``sync_subscriptions(b24, None, [...],
event_type="offline")`` makes the application's offline subscriptions (of one ``auth_connector``, or those
without one) match the set; an :class:`~bitrix24_toolkit.events.OfflineConsumer` then drains the queue.
``event.unbind`` names no connector (event-unbind.md): unbinding an offline event removes it from every
connector's queue, so the subscriptions of the other connectors to that event (read from ``event.get``
before) are bound again right after, and reported in :attr:`SubscriptionChanges.rebound`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from ...errors import InvalidInputError
from ...protocol.call import Call, Flow
from ...protocol.rows import rows_of
from ..base import helper

__all__ = ["SubscriptionChanges", "sync_subscriptions"]


@dataclass(frozen=True)
class SubscriptionChanges:
    """What :func:`sync_subscriptions` did: event names bound, unbound and already in place."""

    bound: tuple[str, ...]
    unbound: tuple[str, ...]
    kept: tuple[str, ...]
    #: offline only: ``(event, auth_connector)`` subscriptions of *other* connectors (``""``: the queue
    #: without one) that ``event.unbind`` removed with ours and that were bound again
    rebound: tuple[tuple[str, str], ...] = ()

    @property
    def changed(self) -> bool:
        """Whether anything was bound or unbound."""
        return bool(self.bound or self.unbound)


def _current(result: Any, handler_url: str) -> set[str]:
    """The events bound to ``handler_url`` (online handlers only), from an ``event.get`` result."""
    return {
        str(row.get("event", "")).upper()
        for row in rows_of(result)
        if str(row.get("handler", "")) == handler_url and str(row.get("offline", "0")) in ("0", "")
    }


def _offline(result: Any) -> set[tuple[str, str]]:
    """Every offline subscription as ``(event, connector)`` (``""``: none), from an ``event.get`` result."""
    return {
        (str(row.get("event", "")).upper(), str(row.get("connector_id") or ""))
        for row in rows_of(result)
        if str(row.get("offline", "0")) == "1"
    }


def _check(handler_url: str | None, event_type: str, auth_connector: str | None) -> None:
    if event_type not in ("online", "offline"):
        raise InvalidInputError("event_type is 'online' or 'offline'", field="event_type")
    if event_type == "offline":
        if handler_url is not None:
            raise InvalidInputError("offline events have no handler URL: pass None", field="handler_url")
        if auth_connector is not None and not (isinstance(auth_connector, str) and auth_connector.strip()):
            raise InvalidInputError("auth_connector must be a non-empty string", field="auth_connector")
        return
    if auth_connector is not None:
        raise InvalidInputError("auth_connector is for offline events only", field="auth_connector")
    if not isinstance(handler_url, str) or not handler_url.startswith(("https://", "http://")):
        raise InvalidInputError(f"handler_url {handler_url!r} must be an http(s) URL", field="handler_url")


@helper
def sync_subscriptions(
    handler_url: str | None,
    events: Iterable[str],
    *,
    unbind_others: bool = True,
    event_type: Literal["online", "offline"] = "online",
    auth_connector: str | None = None,
) -> Flow[SubscriptionChanges]:
    """Bind ``events`` to ``handler_url`` and (``unbind_others``) unbind this URL's other events.

    With ``event_type="offline"`` and ``handler_url=None`` the same for the application's offline
    subscriptions (``auth_connector``: the source key of the queue; none by default). ``event.unbind``
    names no connector, so the other connectors' subscriptions of an unbound event are bound again
    (``rebound``).
    """
    _check(handler_url, event_type, auth_connector)
    if isinstance(events, str):
        raise InvalidInputError("events is a list of event names, not one string", field="events")
    wanted = {name.strip().upper() for name in events if name and name.strip()}
    answer = yield Call("event.get", {}, read_only=True)
    if handler_url is None:
        connector = (auth_connector or "").strip()
        every = _offline(answer)
        current = {event for event, source in every if source == connector}
        bind: dict[str, Any] = {"event_type": "offline"}
        if connector:
            bind["auth_connector"] = connector
        unbind: dict[str, Any] = {"event_type": "offline"}
    else:
        current = _current(answer, handler_url)
        bind = unbind = {"handler": handler_url}
    to_bind = sorted(wanted - current)
    to_unbind = sorted(current - wanted) if unbind_others else []
    for name in to_bind:
        yield Call("event.bind", {"event": name, **bind})
    rebound: list[tuple[str, str]] = []
    for name in to_unbind:
        yield Call("event.unbind", {"event": name, **unbind})
        if handler_url is None:  # the unbind took every connector's subscription: restore the others'
            for source in sorted(s for event, s in every if event == name and s != connector):
                again: dict[str, Any] = {"event": name, "event_type": "offline"}
                if source:
                    again["auth_connector"] = source
                yield Call("event.bind", again)
                rebound.append((name, source))
    return SubscriptionChanges(
        bound=tuple(to_bind),
        unbound=tuple(to_unbind),
        kept=tuple(sorted(wanted & current)),
        rebound=tuple(rebound),
    )
