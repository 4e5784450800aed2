"""Offline events: the queue CRM writes fill and ``event.offline.{get,clear,error,list}`` (events/*.md).

What the pages say, and how the emulator does it (table ``"event_offline"``, one row per queued record):

- A CRM write that raises an event (the same events online handlers get, :mod:`..event_payloads`) queues
  a record for every application bound to that event with ``event_type=offline`` (offline-events.md), in
  the queue of the binding's ``auth_connector`` (none: the queue "without a source"). A write that passes
  the same ``auth_connector`` is not recorded in that queue ("How to Avoid Cycles").
- The queue keeps the current state, not the history: a deliverable record (not reserved, not marked
  erroneous) is updated in place (``TIMESTAMP_X``, ``EVENT_DATA``) when the same object changes again,
  keeping its ``ID`` and ``MESSAGE_ID``. A record reserved by a process or marked ``ERROR=1`` is left as
  it is and the new change is a new, deliverable record (so a change made while a batch is being handled,
  or after its handling failed, is not lost: the pages say nothing of merging into either). ``MESSAGE_ID``
  names the message (event + object): the first distinct message gets ``"1"``, the next ``"2"`` (as the
  pages' examples).
- ``event.offline.get``: ``clear`` (default 1) deletes the returned records; ``clear=0`` reserves them under
  a ``process_id`` (generated when not given) and hides them from every other request until
  ``event.offline.clear``/``event.offline.error`` or 30 days. A request with a ``process_id`` first gets
  back that process's reserved records ("re-select any unprocessed records from the current process"),
  then reserves new ones up to ``limit`` (default 50; the page names no maximum). ``error=1`` also returns
  records marked erroneous. Parallel requests get disjoint sets: every request runs under the portal lock.
- ``event.offline.error {process_id, message_id}`` (no ``id`` parameter on its page) marks that process's
  records with those ``MESSAGE_ID`` values erroneous and releases them: they stay in the queue with
  ``ERROR=1``, returned only to ``event.offline.get`` with ``error=1``. Records of other processes, and
  unreserved ones with the same ``MESSAGE_ID``, are not touched. ``event.offline.clear {process_id, id?,
  message_id?}`` deletes that process's records only (``id`` over ``message_id``; neither: all of them).
- ``event.offline.list`` reads without changing anything (50 per page, ``start``, default order ``ID``).
- Every method needs an application (OAuth) and an administrator: ``ACCESS_DENIED`` (403) otherwise.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

from ..query import compile_filter, order_rows, page, parse_condition, require_array
from ..registry import Ctx, ListResult, PortalError, method
from .events import TABLE as HANDLER_TABLE
from .events import _app_key, _app_only

if TYPE_CHECKING:
    from ..state import PortalState

__all__ = ["QUEUE_TABLE", "RESERVATION_SECONDS", "queue_offline"]

QUEUE_TABLE = "event_offline"
#: offline-events.md: "The reserved batch is stored for up to 30 days and is then automatically deleted."
RESERVATION_SECONDS = 30 * 24 * 3600
_DEFAULT_LIMIT = 50
_INDEX = "event_offline_pending"  # meta: deliverable record id by "app|connector|MESSAGE_ID"
_MESSAGES = "event_offline_messages"  # meta: MESSAGE_ID by "EVENT_NAME|EVENT_DATA"
_GET_FIELDS = ("ID", "TIMESTAMP_X", "EVENT_NAME", "MESSAGE_ID")
_LIST_FIELDS = (*_GET_FIELDS, "PROCESS_ID", "ERROR")


# --------------------------------------------------------------------------------------------- queue
def _key(app: str, connector: str, message_id: str) -> str:
    return f"{app}\x1f{connector}\x1f{message_id}"


def _row_key(row: Mapping[str, Any]) -> str:
    return _key(str(row["APP"]), str(row["CONNECTOR"]), str(row["MESSAGE_ID"]))


def _index(state: PortalState) -> dict[str, int]:
    """Deliverable records (unreserved, ``ERROR=0``) by app, connector and message (rebuilt when a loaded
    snapshot lacks it)."""
    index = state.meta.get(_INDEX)
    if not isinstance(index, dict):
        table = state.table(QUEUE_TABLE)
        index = {_row_key(r): rid for rid, r in table.items() if not r["PROCESS_ID"] and not r["ERROR"]}
        state.meta[_INDEX] = index
    return index


def _message_id(state: PortalState, event: str, data: Mapping[str, Any]) -> str:
    messages = state.meta.setdefault(_MESSAGES, {})
    text = f"{event}|{json.dumps(data, sort_keys=True)}"
    if text not in messages:
        messages[text] = str(state.next_id("event_offline_message"))
    return str(messages[text])


def queue_offline(state: PortalState, raised: Iterable[tuple[str, int]], params: Mapping[str, Any]) -> int:
    """Queue the offline records of a successful write's events; returns how many were added or updated.

    Called by the portal under its lock (automation.py), with the write's own parameters: a write that
    carries ``auth_connector`` skips the queues of bindings with that same connector.
    """
    source = next((str(v).strip() for k, v in params.items() if str(k).lower() == "auth_connector"), "")
    bindings = [row for row in state.table(HANDLER_TABLE).values() if row.get("OFFLINE")]
    if not bindings:
        return 0
    table, index, now = state.table(QUEUE_TABLE), _index(state), state.clock()
    touched = 0
    for event, object_id in raised:
        data = {"FIELDS": {"ID": object_id}}
        queues = {
            (str(row["APP"]), str(row.get("CONNECTOR", "")))
            for row in bindings
            if row["EVENT"] == event and not (source and str(row.get("CONNECTOR", "")) == source)
        }
        for app, connector in sorted(queues):
            message = _message_id(state, event, data)
            known = index.get(_key(app, connector, message))
            if known is not None and known in table and _deliverable(table[known]):
                table[known].update({"TS": now, "EVENT_DATA": data})
            else:
                row = {
                    "APP": app,
                    "CONNECTOR": connector,
                    "EVENT_NAME": event,
                    "EVENT_DATA": data,
                    "EVENT_ADDITIONAL": False,
                    "MESSAGE_ID": message,
                    "PROCESS_ID": "",
                    "ERROR": 0,
                    "TS": now,
                    "RESERVED_AT": None,
                }
                index[_key(app, connector, message)] = state.insert(QUEUE_TABLE, row)
            touched += 1
    return touched


def _deliverable(row: Mapping[str, Any]) -> bool:
    return not row["PROCESS_ID"] and not row["ERROR"]


def _purge(state: PortalState) -> None:
    """Delete reservations older than 30 days (offline-events.md)."""
    table, horizon = state.table(QUEUE_TABLE), state.clock() - RESERVATION_SECONDS
    for rid in [rid for rid, r in table.items() if r["PROCESS_ID"] and (r["RESERVED_AT"] or 0) < horizon]:
        del table[rid]


# ------------------------------------------------------------------------------------------- params
def _guard(ctx: Ctx) -> None:
    _app_only(ctx)
    if ctx.user_id != 1:  # the pages: "Who can execute the method: administrator"
        raise PortalError("ACCESS_DENIED", "Access denied!", 403)
    _purge(ctx.state)


def _text(ctx: Ctx, name: str) -> str:
    value = ctx.param(name)
    return "" if value is None else str(value).strip()


def _flag(ctx: Ctx, name: str, default: int) -> int:
    text = _text(ctx, name)
    if not text:
        return default
    if text.lstrip("-").isdigit():
        return 1 if int(text) != 0 else 0
    raise PortalError("ERROR_ARGUMENT", f"Argument '{name.upper()}' must be 0 or 1", 400)


def _limit(ctx: Ctx) -> int:
    text = _text(ctx, "limit")
    if not text:
        return _DEFAULT_LIMIT
    if not text.isdigit() or int(text) <= 0:
        raise PortalError("ERROR_ARGUMENT", "Argument 'LIMIT' must be a positive integer", 400)
    return int(text)


def _ids(ctx: Ctx, name: str) -> list[str] | None:
    """An array parameter (``id``/``message_id``) as strings; ``None`` when absent."""
    value = ctx.param(name)
    if value is None:
        return None
    if isinstance(value, Mapping):
        value = list(value.values())  # a PHP array sent form-encoded: message_id[0]=...
    if not isinstance(value, list | tuple) or not all(isinstance(v, str | int) for v in value):
        raise PortalError("ERROR_ARGUMENT", f"Argument '{name.upper()}' must be an array", 400)
    return [str(v).strip() for v in value]


def _process_id(ctx: Ctx) -> str:
    pid = _text(ctx, "process_id")
    if not pid:
        raise PortalError("ERROR_ARGUMENT", "Argument 'PROCESS_ID' is null or empty", 400)
    return pid


def _view(state: PortalState, row: Mapping[str, Any], *, full: bool) -> dict[str, Any]:
    """A record as the pages show it (get: six fields; list: with ``PROCESS_ID`` and ``ERROR``)."""
    out: dict[str, Any] = {
        "ID": str(row["ID"]),
        "TIMESTAMP_X": _stamp(state, row),
        "EVENT_NAME": row["EVENT_NAME"],
        "EVENT_DATA": row["EVENT_DATA"],
        "EVENT_ADDITIONAL": row["EVENT_ADDITIONAL"],
        "MESSAGE_ID": str(row["MESSAGE_ID"]),
    }
    if full:
        out["PROCESS_ID"] = str(row["PROCESS_ID"])
        out["ERROR"] = str(row["ERROR"])
    return out


def _stamp(state: PortalState, row: Mapping[str, Any]) -> str:
    return dt.datetime.fromtimestamp(float(row["TS"]), tz=state.tz).replace(microsecond=0).isoformat()


def _select(
    ctx: Ctx, rows: list[dict[str, Any]], fields: tuple[str, ...], default: str
) -> list[dict[str, Any]]:
    """Filter and order ``rows`` as the page describes (unknown field names are refused)."""
    flt = {str(k).upper(): v for k, v in (require_array(ctx.param("filter"), "filter") or {}).items()}
    order = {str(k).upper(): v for k, v in (require_array(ctx.param("order"), "order") or {}).items()}
    names = [parse_condition(key, value).field for key, value in flt.items()] + list(order)
    wrong = sorted({name for name in names if name not in fields})
    if wrong:
        raise PortalError("ERROR_ARGUMENT", f"Field '{wrong[0]}' is not allowed here", 400)

    def get(row: Mapping[str, Any], name: str) -> Any:
        return _stamp(ctx.state, row) if name == "TIMESTAMP_X" else row.get(name)

    keep = compile_filter(flt, get) if flt else None
    chosen = [row for row in rows if keep is None or keep(row)]
    if not order and default == "TIMESTAMP_X":  # by the stored clock; ties: the older record first
        return sorted(chosen, key=lambda r: (float(r["TS"]), int(r["ID"])))
    if not order:
        return sorted(chosen, key=lambda r: int(r["ID"]))
    chosen.sort(key=lambda r: int(r["ID"]))
    return [cast("dict[str, Any]", row) for row in order_rows(chosen, order, get)]


def _queue(ctx: Ctx) -> list[dict[str, Any]]:
    """This application's records in the queue of the request's ``auth_connector``."""
    app, connector = _app_key(ctx), _text(ctx, "auth_connector")
    return [
        row
        for row in ctx.state.table(QUEUE_TABLE).values()
        if row["APP"] == app and row["CONNECTOR"] == connector
    ]


# ------------------------------------------------------------------------------------------ methods
@method("event.offline.get", scope="basic")
def event_offline_get(ctx: Ctx) -> dict[str, Any]:
    """``event.offline.get {filter?, order?, limit?, clear?, process_id?, auth_connector?, error?}``."""
    _guard(ctx)
    clear, errors, limit = _flag(ctx, "clear", 1), _flag(ctx, "error", 0), _limit(ctx)
    given = _text(ctx, "process_id")
    pid = given or secrets.token_hex(16)  # 32 characters, as a portal's
    queue = [row for row in _queue(ctx) if errors or not row["ERROR"]]
    mine = [row for row in queue if row["PROCESS_ID"] == pid] if given else []
    picked = _select(ctx, mine, _GET_FIELDS, "TIMESTAMP_X")[:limit]
    if len(picked) < limit:
        free = [row for row in queue if not row["PROCESS_ID"]]
        fresh = _select(ctx, free, _GET_FIELDS, "TIMESTAMP_X")[: limit - len(picked)]
        index, now = _index(ctx.state), ctx.state.clock()
        for row in fresh:
            if index.get(_row_key(row)) == row["ID"]:  # an ERROR=1 record is not the indexed one
                del index[_row_key(row)]
            row.update({"PROCESS_ID": pid, "RESERVED_AT": now})
        picked = _select(ctx, picked + fresh, _GET_FIELDS, "TIMESTAMP_X")
    events = [_view(ctx.state, row, full=False) for row in picked]
    if clear:
        table = ctx.state.table(QUEUE_TABLE)
        for row in picked:
            table.pop(int(row["ID"]), None)
    return {"process_id": None if clear else pid, "events": events}


@method("event.offline.clear", scope="basic")
def event_offline_clear(ctx: Ctx) -> bool:
    """``event.offline.clear {process_id, id?, message_id?}`` -> ``true`` (``id`` over ``message_id``)."""
    _guard(ctx)
    pid, ids, messages = _process_id(ctx), _ids(ctx, "id"), _ids(ctx, "message_id")
    if ids is not None and not all(i.isdigit() and int(i) > 0 for i in ids):
        raise PortalError("ERROR_ARGUMENT", "Argument 'ID' must be an array of integers", 400)
    app, table = _app_key(ctx), ctx.state.table(QUEUE_TABLE)
    for rid, row in list(table.items()):
        if row["APP"] != app or row["PROCESS_ID"] != pid:
            continue
        if ids is not None and str(rid) not in ids:
            continue
        if ids is None and messages is not None and str(row["MESSAGE_ID"]) not in messages:
            continue
        del table[rid]
    return True


@method("event.offline.error", scope="basic")
def event_offline_error(ctx: Ctx) -> bool:
    """``event.offline.error {process_id, message_id}``: the records stay, marked ``ERROR=1``, released."""
    _guard(ctx)
    pid, messages = _process_id(ctx), set(_ids(ctx, "message_id") or [])
    app, table = _app_key(ctx), ctx.state.table(QUEUE_TABLE)
    for row in table.values():
        if row["APP"] != app or row["PROCESS_ID"] != pid or str(row["MESSAGE_ID"]) not in messages:
            continue
        # only this process's records; a newer change of the object stays its own deliverable record
        row.update({"ERROR": 1, "PROCESS_ID": "", "RESERVED_AT": None})
    return True


@method("event.offline.list", scope="basic")
def event_offline_list(ctx: Ctx) -> ListResult:
    """``event.offline.list {filter?, order?, start?, auth_connector?}``: the queue, unchanged, 50 a page."""
    _guard(ctx)
    result = page(_select(ctx, _queue(ctx), _LIST_FIELDS, "ID"), ctx.param("start"))
    result.result = [_view(ctx.state, row, full=True) for row in result.result]
    return result
