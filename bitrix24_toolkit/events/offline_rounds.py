"""The offline consumer's loop without I/O: a generator yielding calls, handler runs and sleeps.

:class:`ConsumerBase` holds the settings and the rounds shared by
:class:`~.offline_consumer.OfflineConsumer` and :class:`~.offline_consumer.AsyncOfflineConsumer` (which
drive the generator with their client). A run:

1. *recovers* (a given ``process_id`` only): records this id still holds come from a run that died; each is
   a suspect (it may be what killed that run): marked ``event.offline.error`` first (the portal remembers
   the attempt), fetched again (``error=1``, by ``ID``), handled alone and cleared when it succeeds. One it
   still holds marked ``ERROR=1`` killed the worker twice: it is *parked* (left as it is, never handled
   again by this run; visible in ``event.offline.list``);
2. handles batches (``event.offline.get`` ``clear=0``), then clears what succeeded and marks the rest;
3. while idle, *adopts* (``adopt_after``) the records another process id has held unchanged for that long
   (handled as suspects, as in 1) and *retries* (``retry_failed``) records marked ``ERROR=1``.
"""

from __future__ import annotations

import collections
import inspect
import logging
import signal
import threading
import time
import traceback
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..engine.redaction import SecretFilter, redact
from ..errors import InvalidInputError
from ..protocol.batch import Batch, Outcome
from .dispatcher import Dispatcher
from .offline_records import (
    DEFAULT_BATCH,
    MAX_BATCH,
    OfflineEvent,
    OfflineRun,
    check_number,
    check_process_id,
    clear_call,
    error_call,
    event_of,
    get_call,
    list_call,
    running,
    tally,
)
from .payload import Event, EventAuth

__all__ = ["ConsumerBase", "Handle", "Sleep"]

log = logging.getLogger("bitrix24_toolkit.events.offline")
log.addFilter(SecretFilter())

Registry = dict[str, tuple[Callable[..., Any], ...]]
Rounds = Generator[Any, Any, Any]


@dataclass(frozen=True)
class Sleep:
    """Yielded by the rounds: wait this long (or until :meth:`ConsumerBase.stop`)."""

    seconds: float


@dataclass(frozen=True)
class Handle:
    """Yielded by the rounds: run ``fn(event, client)``; the answer is ``None`` or the exception."""

    fn: Callable[..., Any]
    event: OfflineEvent


@dataclass
class _RunState:
    max_events: int | None
    registry: Registry = field(default_factory=dict)
    #: attempts at each record (by ``ID``) in this run
    attempts: collections.Counter[int] = field(default_factory=collections.Counter)
    #: records this process id holds marked ERROR=1 from a run that died (never handled again here)
    parked: set[int] = field(default_factory=set)
    given_up: set[int] = field(default_factory=set)
    retry_due: bool = True


def settled(outcomes: list[Outcome[Any]]) -> list[Any]:
    """The values of a batch's calls; the first failure is raised, as a failed call's would be."""
    for outcome in outcomes:
        if outcome.error is not None:
            raise outcome.error
    return [outcome.value for outcome in outcomes]


class ConsumerBase:
    """Settings, the calls and the bookkeeping shared by the sync and async consumers."""

    _async = False

    def __init__(
        self,
        client: Any,
        dispatcher: Dispatcher,
        *,
        process_id: str | None = None,
        batch_size: int = DEFAULT_BATCH,
        auth_connector: str | None = None,
        poll_interval: float = 0.5,
        max_poll_interval: float = 10.0,
        retry_failed: int = 0,
        adopt_after: float | None = 600.0,
    ) -> None:
        if not isinstance(dispatcher, Dispatcher):
            raise InvalidInputError("dispatcher must be a Dispatcher", field="dispatcher")
        check_number(batch_size, "batch_size", minimum=1, integer=True)
        if batch_size > MAX_BATCH:
            raise InvalidInputError(f"batch_size is at most {MAX_BATCH}", field="batch_size")
        check_number(poll_interval, "poll_interval", minimum=0.001)
        check_number(max_poll_interval, "max_poll_interval", minimum=poll_interval)
        check_number(retry_failed, "retry_failed", minimum=0, integer=True)
        if adopt_after is not None:
            check_number(adopt_after, "adopt_after", minimum=0.001)
        if auth_connector is not None and not (isinstance(auth_connector, str) and auth_connector.strip()):
            raise InvalidInputError("auth_connector must be a non-empty string", field="auth_connector")
        self.client, self.dispatcher = client, dispatcher
        self.process_id = check_process_id(process_id)
        self._stable = process_id is not None  # a random id holds nothing from before
        self.batch_size, self.auth_connector = batch_size, auth_connector
        self.poll_interval, self.max_poll_interval = float(poll_interval), float(max_poll_interval)
        self.retry_failed = retry_failed
        self.adopt_after = None if adopt_after is None else float(adopt_after)
        #: the last handler errors, as ``(event name, exception)`` (they are also logged)
        self.failures: collections.deque[tuple[str, BaseException]] = collections.deque(maxlen=100)
        self._stop = threading.Event()
        self._auth = EventAuth(
            domain=client.domain, member_id="", client_endpoint="", server_endpoint="", application_token=""
        )
        #: other process ids' held records as last seen: id -> (record ids, since when unchanged)
        self._watch: dict[str, tuple[frozenset[int], float]] = {}
        self._next_look = 0.0

    def __repr__(self) -> str:
        return f"{type(self).__name__}(process_id={self.process_id!r}, portal={self.client.portal!r})"

    def stop(self) -> None:
        """Ask :meth:`run` to end after the current batch (safe from a signal handler or another thread)."""
        self._stop.set()

    def stop_on(self, *signums: int) -> None:
        """Install handlers that call :meth:`stop` on these signals (default SIGINT, SIGTERM; main thread)."""
        for signum in signums or (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda _signum, _frame: self.stop())

    # ------------------------------------------------------------------------------------- helpers
    def _records(self, result: Any) -> list[OfflineEvent]:
        events = result.get("events") if isinstance(result, Mapping) else None
        return [event_of(r, self._auth) for r in events or [] if isinstance(r, Mapping)]

    def _functions(self) -> Registry:
        """The dispatcher's registry, refused before any request when a function needs the other client."""
        registry = self.dispatcher.handlers()
        for name, functions in registry.items():
            for fn in functions:
                if inspect.iscoroutinefunction(fn) != self._async:
                    wanted = "AsyncOfflineConsumer" if not self._async else "OfflineConsumer"
                    raise InvalidInputError(
                        f"{getattr(fn, '__name__', fn)} (for {name}) is "
                        f"{'an async' if not self._async else 'a plain'} function: run it with {wanted}",
                        field="dispatcher",
                    )
        return registry

    def _failed(self, fn: Callable[..., Any], event: Event, exc: BaseException) -> None:
        trace = redact("".join(traceback.format_exception(exc)))
        log.error("offline handler %s for %s failed\n%s", getattr(fn, "__name__", fn), event.name, trace)
        self.failures.append((event.name, exc))

    def _limit(self, run: OfflineRun, st: _RunState) -> int:
        if st.max_events is None:
            return self.batch_size
        return min(self.batch_size, st.max_events - run.count())

    def _busy(self, run: OfflineRun, st: _RunState) -> bool:
        """Whether the run must take no more records (stopped, or ``max_events`` reached)."""
        return self._stop.is_set() or self._limit(run, st) <= 0

    @staticmethod
    def _check_run(max_events: int | None, idle_timeout: float | None) -> None:
        if max_events is not None:
            check_number(max_events, "max_events", minimum=1, integer=True)
        if idle_timeout is not None:
            check_number(idle_timeout, "idle_timeout", minimum=0)

    def _idle_wait(self, idle_since: float, idle_timeout: float | None, delay: float) -> float | None:
        """Seconds to wait before the next fetch, or ``None`` when the run has been idle long enough."""
        if idle_timeout is None:
            return delay
        left = idle_timeout - (time.monotonic() - idle_since)
        return None if left <= 0 else min(delay, left)

    # -------------------------------------------------------------------------------------- rounds
    def _rounds(self, max_events: int | None, idle_timeout: float | None) -> Generator[Any, Any, OfflineRun]:
        """The consumer's loop without I/O: yields calls, handler runs and sleeps (driven by ``run``)."""
        run, st = OfflineRun(self.process_id), _RunState(max_events, self._functions())
        if self._stable and not self._busy(run, st):
            yield from self._recover(run, st)
        delay, idle_since = self.poll_interval, time.monotonic()
        while not self._stop.is_set():
            if self._limit(run, st) <= 0:
                run.reason = "max_events"
                return run
            st.registry = self._functions()
            fetch = get_call(self.process_id, self._limit(run, st), self.auth_connector)
            events = self._records((yield fetch))
            if events:
                run.batches += 1
                yield from self._batch(run, st, events)
            elif not ((yield from self._adopt(run, st)) or (yield from self._retry(run, st))):
                wait = self._idle_wait(idle_since, idle_timeout, delay)
                if wait is None:
                    run.reason = "idle"
                    return run
                yield Sleep(wait)
                delay = min(delay * 2, self.max_poll_interval)
                continue
            delay, idle_since = self.poll_interval, time.monotonic()
        run.reason = "stopped"
        return run

    def _handle(self, run: OfflineRun, st: _RunState, event: OfflineEvent) -> Generator[Any, Any, bool]:
        """Run the event's functions (its name's, then ``"*"``'s) until one fails; count the attempt."""
        functions = [*st.registry.get(event.name, ()), *st.registry.get("*", ())]
        st.attempts[event.record_id] += 1
        ok = True
        for fn in functions:
            error = yield Handle(fn, event)
            if error is not None:
                ok = False
                self._failed(fn, event, error)
                break
        tally(run, bool(functions), ok)
        if not ok:
            st.retry_due = True
        return ok

    def _batch(self, run: OfflineRun, st: _RunState, events: list[OfflineEvent]) -> Rounds:
        """Handle records this process holds, then clear those that succeeded and mark the others."""
        done: list[OfflineEvent] = []
        failed: list[OfflineEvent] = []
        for event in events:
            (done if (yield from self._handle(run, st, event)) else failed).append(event)
        yield from self._settle(done, failed)

    def _settle(self, done: list[OfflineEvent], failed: list[OfflineEvent]) -> Rounds:
        # clear first: a failed record sharing a MESSAGE_ID with a done one is then the only one left
        if done:
            yield clear_call(self.process_id, [e.record_id for e in done], self.auth_connector)
        if failed:
            yield error_call(self.process_id, [e.message_id for e in failed], self.auth_connector)

    def _list(self, flt: dict[str, Any]) -> Generator[Any, Any, list[OfflineEvent]]:
        """Every ``event.offline.list`` row matching ``flt``, as events (the rows show the holder)."""
        out: list[OfflineEvent] = []
        start: int | None = 0
        while start is not None:
            rows, start = yield list_call(flt, start, self.auth_connector)
            out.extend(event_of(row, self._auth) for row in rows)
        return out

    def _suspects(self, run: OfflineRun, st: _RunState, events: list[OfflineEvent], holder: str) -> Rounds:
        """Records ``holder`` reserved and never settled: mark each erroneous, take it, handle it alone.

        One request per record: a ``batch`` clears the record handled before (when it succeeded), marks the
        next one (a worker dying in its handler leaves it ``ERROR=1``, not a loop; the mark releases it)
        and takes it back under our id (another consumer may have taken it meanwhile).
        """
        groups: dict[str, list[OfflineEvent]] = {}
        for event in sorted(events, key=lambda e: e.record_id):
            groups.setdefault(event.message_id, []).append(event)
        taken = 0
        done: list[int] = []
        for message, group in groups.items():
            if self._busy(run, st):
                break
            ids = [e.record_id for e in group]
            calls = [clear_call(self.process_id, done, self.auth_connector)] if done else []
            calls.append(error_call(holder, [message], self.auth_connector))
            again = get_call(self.process_id, len(ids), self.auth_connector, error=True, flt={"=ID": ids})
            calls.append(again)
            values = yield Batch(calls, halt=True)
            mine = [e for e in self._records(values[-1]) if e.record_id in ids]
            done, failed = [], list[int]()
            for event in mine:
                (done if (yield from self._handle(run, st, event)) else failed).append(event.record_id)
            if failed:  # marked already; the mark of its failure releases it
                yield error_call(self.process_id, [message], self.auth_connector)
            taken += len(mine)
        if done:
            yield clear_call(self.process_id, done, self.auth_connector)
        return taken

    def _recover(self, run: OfflineRun, st: _RunState) -> Rounds:
        """What this process id holds from a run that died: suspects, or parked when marked already."""
        held = yield from self._list({"PROCESS_ID": self.process_id})
        st.parked = {e.record_id for e in held if e.error}
        if st.parked:
            run.gave_up += len(st.parked)
            log.warning(
                "process %s holds %d record(s) marked ERROR=1 from a run that died while handling them "
                "(ids %s): left for a human (event.offline.list; clear them with event.offline.clear)",
                self.process_id,
                len(st.parked),
                sorted(st.parked)[:20],
            )
        suspects = [e for e in held if not e.error]
        if suspects:
            taken = yield from self._suspects(run, st, suspects, self.process_id)
            run.recovered += taken
            run.batches += 1 if taken else 0

    def _adopt(self, run: OfflineRun, st: _RunState) -> Generator[Any, Any, bool]:
        """Take over the records another process id has held, unchanged, for ``adopt_after`` seconds."""
        now = time.monotonic()
        if self.adopt_after is None or now < self._next_look or self._busy(run, st):
            return False
        self._next_look = now + max(self.poll_interval, self.adopt_after / 10)
        alive = running(self.client.domain, self.auth_connector) | {self.process_id}
        held: dict[str, list[OfflineEvent]] = {}
        for event in (yield from self._list({"!PROCESS_ID": "", "ERROR": 0})):
            if event.process_id not in alive:
                held.setdefault(event.process_id, []).append(event)
        watch, worked = {}, False
        for pid, events in sorted(held.items()):
            ids = frozenset(e.record_id for e in events)
            seen = self._watch.get(pid)
            since = seen[1] if seen is not None and seen[0] == ids else now
            if now - since < self.adopt_after or self._busy(run, st):
                watch[pid] = (ids, since)
                continue
            log.warning(
                "adopting %d record(s) process %s has held unchanged for over %gs (a dead consumer?)",
                len(ids),
                pid,
                self.adopt_after,
            )
            taken = yield from self._suspects(run, st, events, pid)
            run.adopted += taken
            run.batches += 1 if taken else 0
            worked = True
        self._watch = watch
        return worked

    def _retry(self, run: OfflineRun, st: _RunState) -> Generator[Any, Any, bool]:
        """A pass over the records marked ``ERROR=1`` (by ``ID``), each tried up to ``retry_failed`` times."""
        if not self.retry_failed or not st.retry_due or self._busy(run, st):
            return False
        st.retry_due, cursor, worked = False, 0, False
        while not self._busy(run, st):
            flt: dict[str, Any] = {">ID": cursor}
            if st.parked:
                flt["!ID"] = sorted(st.parked)
            limit = self._limit(run, st)
            call = get_call(self.process_id, limit, self.auth_connector, error=True, flt=flt, by_id=True)
            events = self._records((yield call))
            if not events:
                break
            cursor = max(e.record_id for e in events)
            done: list[OfflineEvent] = []
            failed: list[OfflineEvent] = []
            tried = False
            for event in events:
                if st.attempts[event.record_id] >= self.retry_failed:  # spent: stays ERROR=1 for a human
                    failed.append(event)
                    if event.record_id not in st.given_up:
                        st.given_up.add(event.record_id)
                        run.gave_up += 1
                    continue
                run.retried += 1
                tried = worked = True
                (done if (yield from self._handle(run, st, event)) else failed).append(event)
            if tried:
                run.batches += 1
            yield from self._settle(done, failed)
        return worked
