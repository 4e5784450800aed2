"""Event subscriptions: ``event.bind``, ``event.get``, ``event.unbind``, ``events`` (pages events/*.md).

The bookkeeping (table ``"event_handler"``) lives here; delivery is in ``automation.py``. All four need an
application context: the framework puts ``ctx.extra["auth_type"]`` (``"webhook"``/``"oauth"``); a call
without that key is treated as an application call. Event names compare case-insensitively and are stored
upper-case. User 1 is the administrator; another user binds and sees only handlers run as itself.
Offline bindings (``event_type=offline``, administrator only) fill the queue of :mod:`.offline_events`.
"""

from __future__ import annotations

from typing import Any

from ..registry import Ctx, PortalError, method

TABLE = "event_handler"

_ENTITY_EVENTS = {
    "LEAD": ("ADD", "UPDATE", "DELETE"),
    "DEAL": ("ADD", "UPDATE", "DELETE", "MOVETOCATEGORY"),
    "CONTACT": ("ADD", "UPDATE", "DELETE"),
    "COMPANY": ("ADD", "UPDATE", "DELETE"),
    "QUOTE": ("ADD", "UPDATE", "DELETE"),
    "INVOICE": ("ADD", "UPDATE", "DELETE", "SETSTATUS"),
    "REQUISITE": ("ADD", "UPDATE", "DELETE"),
    "BANKDETAIL": ("ADD", "UPDATE", "DELETE"),
    "ADDRESS": ("REGISTER", "UNREGISTER"),
    "ACTIVITY": ("ADD", "UPDATE", "DELETE"),
    "CURRENCY": ("ADD", "UPDATE", "DELETE"),
    "PRODUCT": ("ADD", "UPDATE", "DELETE"),
    "PRODUCTPROPERTY": ("ADD", "UPDATE", "DELETE"),
    "PRODUCTSECTION": ("ADD", "UPDATE", "DELETE"),
    "MEASURE": ("ADD", "UPDATE", "DELETE"),
    "DEALRECURRING": ("ADD", "UPDATE", "DELETE", "EXPOSE"),
    "INVOICERECURRING": ("ADD", "UPDATE", "DELETE", "EXPOSE"),
    "TIMELINECOMMENT": ("ADD", "UPDATE", "DELETE"),
    "DYNAMICITEM": ("ADD", "UPDATE", "DELETE"),
    "TYPE": ("ADD", "UPDATE", "DELETE"),
    "DOCUMENTGENERATORDOCUMENT": ("ADD", "UPDATE", "DELETE"),
}
_UF_EVENTS = ("ADD", "UPDATE", "DELETE", "SETENUMVALUES")
_UF_ENTITIES = ("LEAD", "DEAL", "COMPANY", "CONTACT", "QUOTE", "INVOICE", "REQUISITE")

#: event names by the scope that offers them (events.md example); ``basic`` is the global scope
SCOPE_EVENTS: dict[str, tuple[str, ...]] = {
    "basic": (
        "ONAPPUNINSTALL",
        "ONAPPINSTALL",
        "ONAPPUPDATE",
        "ONAPPPAYMENT",
        "ONAPPTEST",
        "ONAPPMETHODCONFIRM",
        "ONOFFLINEEVENT",
    ),
    "user": ("ONUSERADD",),
    "crm": (
        *(f"ONCRM{entity}{action}" for entity, actions in _ENTITY_EVENTS.items() for action in actions),
        *(f"ONCRM{entity}USERFIELD{action}" for entity in _UF_ENTITIES for action in _UF_EVENTS),
    ),
    "task": tuple(
        f"ONTASK{what}{action}" for what in ("", "COMMENT") for action in ("ADD", "UPDATE", "DELETE")
    ),
}
#: every event name a portal offers to ``event.bind`` (upper-case)
EVENTS: tuple[str, ...] = tuple(name for names in SCOPE_EVENTS.values() for name in names)
_KNOWN = frozenset(EVENTS)
#: events.md: ``user_brief``/``user_basic`` are versions of ``user``
_ALIASES = {"user_brief": "user", "user_basic": "user"}
_WRONG_AUTH = ("WRONG_AUTH_TYPE", "Current authorization type is denied for this method", 403)


def _app_key(ctx: Ctx) -> str:
    return str(ctx.extra.get("app_id") or ctx.extra.get("client_id") or "app")


def _text(ctx: Ctx, name: str) -> str:
    value = ctx.param(name)
    return "" if value is None else str(value).strip()


def _app_only(ctx: Ctx) -> None:
    """The pages: "works only in the context of application authorization" (rest AuthTypeException)."""
    if ctx.extra.get("auth_type", "oauth") == "webhook":
        raise PortalError(*_WRONG_AUTH)


def _admin(ctx: Ctx) -> bool:
    return ctx.user_id == 1  # the portal's administrator (profile's ADMIN)


def _denied(text: str) -> PortalError:
    return PortalError("ACCESS_DENIED", f"Access denied! {text}", 403)


def _event_type(ctx: Ctx) -> bool:
    """``event_type``: ``online`` (default) or ``offline``; True for offline."""
    kind = _text(ctx, "event_type").lower()
    if kind not in ("", "online", "offline"):
        raise PortalError("ERROR_ARGUMENT", "Value must be one of {online|offline}", 400)
    return kind == "offline"


def _scoped_events(ctx: Ctx, scopes: set[str]) -> list[str]:
    wanted = {_ALIASES.get(name, name) for name in scopes}
    return [name for scope, names in SCOPE_EVENTS.items() if scope in wanted for name in names]


def _caller_events(ctx: Ctx) -> list[str]:
    from .basic import caller_scopes

    return _scoped_events(ctx, {*caller_scopes(ctx), "basic"})


@method("event.bind", scope="basic")
def event_bind(ctx: Ctx) -> bool:
    """``event.bind {event, handler, auth_type?, event_type?, auth_connector?}`` -> ``true`` (event-bind)."""
    _app_only(ctx)
    auth_user = int(_text(ctx, "auth_type")) if _text(ctx, "auth_type").isdigit() else 0
    if auth_user > 0 and not _admin(ctx) and auth_user != ctx.user_id:
        raise _denied("Event binding with AUTH_TYPE requires administrator access rights")
    if auth_user <= 0 and not _admin(ctx):
        auth_user = ctx.user_id  # a user's handlers run as that user
    event = _text(ctx, "event").upper()
    if not event:
        raise PortalError("ERROR_ARGUMENT", "Argument 'EVENT' is null or empty", 400)
    offline = _event_type(ctx)
    handler = _text(ctx, "handler")
    connector = ""
    if offline:
        if not _admin(ctx):
            raise _denied("Offline events binding requires administrator access rights")
        handler, auth_user = "", 0
        connector = _text(ctx, "auth_connector")  # the source key of the offline queue (offline-events.md)
    elif not handler:
        raise PortalError("ERROR_ARGUMENT", "Argument 'HANDLER' is null or empty", 400)
    if event not in _caller_events(ctx):
        raise PortalError("ERROR_EVENT_NOT_FOUND", "Event not found", 400)
    app, auth_type = _app_key(ctx), str(auth_user)
    for row in ctx.state.table(TABLE).values():
        same = (row["APP"], row["EVENT"], row["HANDLER"], row["AUTH_TYPE"], row["OFFLINE"])
        if same == (app, event, handler, auth_type, int(offline)) and row.get("CONNECTOR", "") == connector:
            raise PortalError("ERROR_CORE", "Unable to set event handler: Handler already binded", 400)
    row = {"APP": app, "EVENT": event, "HANDLER": handler, "AUTH_TYPE": auth_type, "OFFLINE": int(offline)}
    if offline:
        row["CONNECTOR"] = connector
    ctx.state.insert(TABLE, row)
    return True


@method("event.get", scope="basic")
def event_get(ctx: Ctx) -> list[dict[str, Any]]:
    """``event.get``: this application's handlers (a non-administrator sees only its own)."""
    _app_only(ctx)
    app = _app_key(ctx)
    out: list[dict[str, Any]] = []
    for row in ctx.state.table(TABLE).values():
        if row["APP"] != app or (not _admin(ctx) and row["AUTH_TYPE"] != str(ctx.user_id)):
            continue
        if row["OFFLINE"]:
            out.append({"event": row["EVENT"], "connector_id": row.get("CONNECTOR", ""), "offline": 1})
        else:
            out.append(
                {
                    "event": row["EVENT"],
                    "handler": row["HANDLER"],
                    "auth_type": row["AUTH_TYPE"],
                    "offline": 0,
                }
            )
    return out


@method("event.unbind", scope="basic")
def event_unbind(ctx: Ctx) -> dict[str, int]:
    """``event.unbind {event, handler, auth_type?, event_type?}`` -> ``{"count": N}`` (event-unbind.md).

    Offline: every offline binding of the event goes, whatever its ``auth_connector`` (the page names no
    connector parameter); records already queued stay until they are fetched or cleared.
    """
    _app_only(ctx)
    event = _text(ctx, "event").upper()
    if not event:
        raise PortalError("ERROR_ARGUMENT", "Argument 'EVENT' is null or empty", 400)
    offline = _event_type(ctx)
    handler = _text(ctx, "handler")
    if offline:
        if not _admin(ctx):
            raise _denied("Offline events unbinding requires administrator access rights")
        handler = ""
    elif not handler:
        raise PortalError("ERROR_ARGUMENT", "Argument 'HANDLER' is null or empty", 400)
    auth_type: str | None = None
    if not offline and ctx.param("auth_type") is not None:
        auth_type = _text(ctx, "auth_type") or "0"  # "auth_type=0 or an empty value": the unbound-user ones
        if not _admin(ctx) and auth_type != str(ctx.user_id):
            raise _denied("Event unbinding with AUTH_TYPE requires administrator access rights")
    elif not offline and not _admin(ctx):
        auth_type = str(ctx.user_id)
    app = _app_key(ctx)
    table = ctx.state.table(TABLE)
    doomed = [
        key
        for key, row in table.items()
        if row["APP"] == app
        and row["EVENT"] == event
        and row["OFFLINE"] == int(offline)
        and row["HANDLER"] == handler
        and (auth_type is None or row["AUTH_TYPE"] == auth_type)
    ]
    for key in doomed:
        del table[key]
    return {"count": len(doomed)}


@method("events", scope="basic")
def events_list(ctx: Ctx) -> list[str]:
    """``events``: event names of ``SCOPE``, all with ``FULL``, else of the caller's scopes (events.md)."""
    _app_only(ctx)
    wanted = ctx.param("SCOPE")
    if wanted is not None:
        text = str(wanted).strip().lower()
        return _scoped_events(ctx, {text} if text else {"basic"})
    if str(ctx.param("FULL", "")).strip().lower() in ("1", "true", "y"):
        return list(EVENTS)
    return _caller_events(ctx)
