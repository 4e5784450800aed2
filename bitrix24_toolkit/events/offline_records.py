"""Offline queue records as events, run tallies, settings checks, the calls and the running registry.

The parts of :mod:`.offline` without a loop: :class:`OfflineEvent` (a queue record as an
:class:`~.payload.Event`), :class:`OfflineRun` (what a run did), the ``event.offline.*`` calls a consumer
makes, :func:`reserved_batches`, and the per-process registry that refuses two live runs of one
``process_id`` on one portal.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..client.sync_client import Bitrix24
from ..errors import InvalidInputError
from ..protocol.call import Call
from ..protocol.envelope import APIResponse
from ..protocol.rows import rows_of
from .payload import Event, EventAuth

__all__ = ["OfflineEvent", "OfflineRun", "reserved_batches"]

#: a process id we send: letters, digits and ``_ - . :``, at most 255 (the portal's column width)
_PROCESS_ID = re.compile(r"[A-Za-z0-9_.:\-]{1,255}")
#: event.offline.get's default ``limit`` (event-offline-get.md); the page names no maximum, we stop at 1,000
DEFAULT_BATCH, MAX_BATCH = 50, 1000


@dataclass(frozen=True)
class OfflineEvent(Event):
    """An :class:`Event` from an offline record, plus its ``record_id`` (``ID``), ``message_id``, time."""

    record_id: int = 0
    message_id: str = ""
    timestamp: str = ""
    #: ``event.offline.list`` rows only: the holder's ``PROCESS_ID`` and the ``ERROR`` mark
    process_id: str = ""
    error: bool = False


@dataclass
class OfflineRun:
    """What :meth:`OfflineConsumer.run` did: events processed / failed / without a handler, batches."""

    process_id: str
    processed: int = 0
    failed: int = 0
    unhandled: int = 0
    batches: int = 0
    #: why the run ended: ``"max_events"``, ``"idle"`` or ``"stopped"``
    reason: str = ""
    #: records held by this ``process_id`` from a run that died, handled one at a time at the start
    recovered: int = 0
    #: records taken over from another process id that held them longer than ``adopt_after``
    adopted: int = 0
    #: attempts at records marked ``ERROR=1`` (``retry_failed``)
    retried: int = 0
    #: records left ``ERROR=1`` after their last allowed attempt in this run, or parked (see the docs)
    gave_up: int = 0

    def count(self) -> int:
        """Events handled so far (processed, failed or without a handler)."""
        return self.processed + self.failed + self.unhandled


def _texts(value: Any) -> Any:
    """Record data as an event payload has it: every leaf a string (``event.id`` reads ``"5"``)."""
    if isinstance(value, Mapping):
        return {str(k): _texts(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_texts(v) for v in value]
    return "" if value is None else str(value)


def event_of(record: Mapping[str, Any], auth: EventAuth) -> OfflineEvent:
    """One ``event.offline.get``/``.list`` record as an :class:`OfflineEvent`."""
    data = record.get("EVENT_DATA")
    stamp = str(record.get("TIMESTAMP_X") or "")
    try:
        ts: int | None = int(dt.datetime.fromisoformat(stamp).timestamp()) if stamp else None
    except ValueError:
        ts = None
    rid = str(record.get("ID", ""))
    return OfflineEvent(
        name=str(record.get("EVENT_NAME", "")).upper(),
        data=_texts(data) if isinstance(data, Mapping) else {},
        auth=auth,
        ts=ts,
        raw=dict(record),
        record_id=int(rid) if rid.isdigit() else 0,
        message_id=str(record.get("MESSAGE_ID", "")),
        timestamp=stamp,
        process_id=str(record.get("PROCESS_ID") or ""),
        error=str(record.get("ERROR", "0")) not in ("0", "", "N"),
    )


def check_process_id(value: str | None) -> str:
    """A given process id checked, or a random one (32 hex digits)."""
    if value is None:
        return secrets.token_hex(16)
    if not isinstance(value, str) or not _PROCESS_ID.fullmatch(value):
        raise InvalidInputError(
            "process_id is 1-255 letters, digits or _ - . : (unique per live consumer)", field="process_id"
        )
    return value


def check_number(value: Any, name: str, *, minimum: float, integer: bool = False) -> None:
    """Refuse a setting that is not a number (an integer) of at least ``minimum``."""
    kinds = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or value < minimum:
        kind = "an integer" if integer else "a number"
        raise InvalidInputError(f"{name} must be {kind} >= {minimum}", field=name)


def tally(run: OfflineRun, handled: bool, ok: bool) -> None:
    """Count one event: processed, failed, or without a handler (cleared too)."""
    if not handled:
        run.unhandled += 1
    elif ok:
        run.processed += 1
    else:
        run.failed += 1


# --------------------------------------------------------------------------------------------- calls
# With a process_id each of these is safe to repeat after an unknown outcome: a repeated get re-selects
# the batch the process holds; clear and error of the same records change nothing more.
def get_call(
    pid: str,
    limit: int,
    connector: str | None,
    *,
    error: bool = False,
    flt: Mapping[str, Any] | None = None,
    by_id: bool = False,
) -> Call[Any]:
    """``event.offline.get`` with ``clear=0`` under ``pid`` (``error=1``: erroneous records too)."""
    params: dict[str, Any] = {"clear": 0, "process_id": pid, "limit": limit}
    if error:
        params["error"] = 1
    if flt:
        params["filter"] = dict(flt)
    if by_id:
        params["order"] = {"ID": "ASC"}
    if connector is not None:
        params["auth_connector"] = connector
    return Call("event.offline.get", params, read_only=True)


def clear_call(pid: str, ids: Sequence[int], connector: str | None) -> Call[Any]:
    """``event.offline.clear`` of these records of ``pid`` (by ``id``, event-offline-clear.md)."""
    params: dict[str, Any] = {"process_id": pid, "id": list(ids)}
    if connector is not None:
        params["auth_connector"] = connector
    return Call("event.offline.clear", params, read_only=True)


def error_call(pid: str, messages: Sequence[str], connector: str | None) -> Call[Any]:
    """``event.offline.error`` of the records of ``pid`` with these ``MESSAGE_ID`` (its only selector)."""
    params: dict[str, Any] = {"process_id": pid, "message_id": sorted(set(messages))}
    if connector is not None:
        params["auth_connector"] = connector
    return Call("event.offline.error", params, read_only=True)


def _page(response: APIResponse) -> tuple[list[dict[str, Any]], int | None]:
    rows = [dict(r) for r in rows_of(response.result) if isinstance(r, Mapping)]
    return rows, None if response.next is None else int(response.next)


def list_call(flt: Mapping[str, Any], start: int, connector: str | None) -> Call[Any]:
    """One page of ``event.offline.list`` (rows and the next ``start``), changing nothing."""
    params: dict[str, Any] = {"filter": dict(flt), "start": start}
    if connector is not None:
        params["auth_connector"] = connector
    return Call("event.offline.list", params, parse=_page, read_only=True)


def reserved_batches(client: Bitrix24, *, auth_connector: str | None = None) -> dict[str, int]:
    """``event.offline.list``: the process ids holding reserved records, and how many each holds."""
    if not isinstance(client, Bitrix24):
        raise InvalidInputError("reserved_batches needs a Bitrix24 client", field="client")
    held: dict[str, int] = {}
    start: int | None = 0
    while start is not None:
        rows, start = client.run(list_call({"!PROCESS_ID": ""}, start, auth_connector))
        for row in rows:
            pid = str(row.get("PROCESS_ID") or "")
            if pid:
                held[pid] = held.get(pid, 0) + 1
    return held


# ---------------------------------------------------------------------------------- running registry
_RUNNING: set[tuple[str, str, str]] = set()
_RUNNING_LOCK = threading.Lock()


def claim(portal: str, connector: str | None, pid: str) -> tuple[str, str, str]:
    """Note a run of ``pid`` on this portal's queue, refusing a second live one in this process."""
    key = (portal, connector or "", pid)
    with _RUNNING_LOCK:
        if key in _RUNNING:
            raise InvalidInputError(
                f"a consumer with process_id {pid!r} is already running on this portal in this process: "
                "two runs with one process_id would re-select each other's batch (give each its own id)",
                field="process_id",
            )
        _RUNNING.add(key)
    return key


def release(key: tuple[str, str, str]) -> None:
    """The run noted by :func:`claim` has ended."""
    with _RUNNING_LOCK:
        _RUNNING.discard(key)


def running(portal: str, connector: str | None) -> set[str]:
    """The process ids running on this portal's queue in this process (alive: never adopted)."""
    with _RUNNING_LOCK:
        return {pid for p, c, pid in _RUNNING if p == portal and c == (connector or "")}
