"""Event subscriptions: ``event.bind``, ``event.get``, ``event.unbind`` and ``events`` (reference 9.1).

The bookkeeping (table ``"event_handler"``) lives here; delivery is in ``automation.py``.
``event.bind`` needs an application context: the framework puts ``ctx.extra["auth_type"]``
(``"webhook"``/``"oauth"``); a call without that key is treated as an application call. Event names
compare case-insensitively and are stored upper-case.
"""

from __future__ import annotations

from typing import Any

from ..registry import Ctx, PortalError, method

TABLE = "event_handler"

_ENTITY_EVENTS = {
    "LEAD": ("ADD", "UPDATE", "DELETE", "USERFIELDADD", "USERFIELDUPDATE", "USERFIELDDELETE"),
    "DEAL": (
        "ADD",
        "UPDATE",
        "DELETE",
        "MOVETOCATEGORY",
        "USERFIELDADD",
        "USERFIELDUPDATE",
        "USERFIELDDELETE",
    ),
    "CONTACT": ("ADD", "UPDATE", "DELETE", "USERFIELDADD", "USERFIELDUPDATE", "USERFIELDDELETE"),
    "COMPANY": ("ADD", "UPDATE", "DELETE", "USERFIELDADD", "USERFIELDUPDATE", "USERFIELDDELETE"),
    "REQUISITE": ("ADD", "UPDATE", "DELETE", "USERFIELDADD", "USERFIELDUPDATE", "USERFIELDDELETE"),
    "BANKDETAIL": ("ADD", "UPDATE", "DELETE"),
    "ADDRESS": ("REGISTER", "UNREGISTER"),
    "ACTIVITY": ("ADD", "UPDATE", "DELETE"),
    "TIMELINECOMMENT": ("ADD", "UPDATE", "DELETE"),
    "DYNAMICITEM": ("ADD", "UPDATE", "DELETE"),
}
_UF_ENUM = ("LEAD", "DEAL", "CONTACT", "COMPANY", "REQUISITE")

#: every event name a portal offers to ``event.bind`` (upper-case)
EVENTS: tuple[str, ...] = (
    "ONAPPINSTALL",
    "ONAPPUNINSTALL",
    "ONAPPUPDATE",
    "ONAPPPAYMENT",
    "ONOFFLINEEVENT",
    "ONUSERADD",
    *(f"ONCRM{entity}{action}" for entity, actions in _ENTITY_EVENTS.items() for action in actions),
    *(f"ONCRM{entity}USERFIELDSETENUMVALUES" for entity in _UF_ENUM),
)
_KNOWN = frozenset(EVENTS)


def _app_key(ctx: Ctx) -> str:
    return str(ctx.extra.get("app_id") or ctx.extra.get("client_id") or "app")


def _text(ctx: Ctx, name: str) -> str:
    value = ctx.param(name)
    return "" if value is None else str(value).strip()


@method("event.bind", scope="basic")
def event_bind(ctx: Ctx) -> bool:
    """``event.bind {event, handler, auth_type?, event_type?}`` -> ``true`` (application context only)."""
    if ctx.extra.get("auth_type", "oauth") == "webhook":
        # Documented as app-context-only; the exact webhook answer is (unconfirmed).
        raise PortalError("WRONG_AUTH_TYPE", "Current authorization type is denied for this method", 403)
    event = _text(ctx, "event").upper()
    if event not in _KNOWN:
        raise PortalError("ERROR_EVENT_NOT_FOUND", "Event not found")
    offline = _text(ctx, "event_type").lower() == "offline"
    handler = _text(ctx, "handler")
    if not handler and not offline:
        raise PortalError("ERROR_ARGUMENT", "Argument 'handler' is null or empty")  # wording (unconfirmed)
    auth_type = _text(ctx, "auth_type") or "0"
    app = _app_key(ctx)
    for row in ctx.state.table(TABLE).values():
        same = (row["APP"], row["EVENT"], row["HANDLER"], row["AUTH_TYPE"], row["OFFLINE"])
        if same == (app, event, handler, auth_type, int(offline)):
            raise PortalError("ERROR_CORE", "Handler already binded")  # (unconfirmed)
    row = {"APP": app, "EVENT": event, "HANDLER": "" if offline else handler, "AUTH_TYPE": auth_type}
    row["OFFLINE"] = int(offline)
    ctx.state.insert(TABLE, row)
    return True


@method("event.get", scope="basic")
def event_get(ctx: Ctx) -> list[dict[str, Any]]:
    """``event.get``: this application's handlers."""
    app = _app_key(ctx)
    return [
        {
            "event": row["EVENT"],
            "handler": row["HANDLER"],
            "auth_type": row["AUTH_TYPE"],
            "offline": row["OFFLINE"],
        }
        for row in ctx.state.table(TABLE).values()
        if row["APP"] == app
    ]


@method("event.unbind", scope="basic")
def event_unbind(ctx: Ctx) -> dict[str, int]:
    """``event.unbind {event, handler, auth_type?, event_type?}`` -> ``{"count": N}``."""
    event = _text(ctx, "event").upper()
    if not event:
        raise PortalError("ERROR_ARGUMENT", "Argument 'event' is null or empty")  # wording (unconfirmed)
    handler = _text(ctx, "handler")
    auth_type = _text(ctx, "auth_type")
    offline = _text(ctx, "event_type").lower() == "offline"
    app = _app_key(ctx)
    table = ctx.state.table(TABLE)
    doomed = [
        key
        for key, row in table.items()
        if row["APP"] == app
        and row["EVENT"] == event
        and row["OFFLINE"] == int(offline)
        and (offline or not handler or row["HANDLER"] == handler)
        and (not auth_type or row["AUTH_TYPE"] == auth_type)
    ]
    for key in doomed:
        del table[key]
    return {"count": len(doomed)}


@method("events", scope="basic")
def events_list(ctx: Ctx) -> list[str]:
    """``events``: the names of the events a handler can be bound to."""
    return list(EVENTS)
