"""Documented facts of the offline event queue: ``event.offline.get``, ``.clear``, ``.error``, ``.list``
(pages ``api-reference/events/event-offline-*.md`` and ``offline-events.md``)."""

from __future__ import annotations

from ..shapes import ANY, DATETIME, INTSTR, STR, DocError, ListOf, MethodDoc, Obj, Opt

_EVENTS = "api-reference/events/"

METHODS = {
    "event.offline.get": MethodDoc(
        page=_EVENTS + "event-offline-get.md",
        not_emulated="the rest_offline_extended plan check of clear=0 (always available)",
    ),
    "event.offline.clear": MethodDoc(page=_EVENTS + "event-offline-clear.md"),
    "event.offline.error": MethodDoc(page=_EVENTS + "event-offline-error.md"),
    "event.offline.list": MethodDoc(page=_EVENTS + "event-offline-list.md"),
}

#: every page: "Who can execute the method: administrator"; "Possible Error Codes"
NOT_ADMIN = DocError("ACCESS_DENIED", "Access denied!", 403)

# -- event.offline.get (events/event-offline-get.md) -------------------------------------------------------
#: the example request (with the ``auth_connector`` it names)
GET_EXAMPLE = {
    "filter": {"=MESSAGE_ID": 1, "=EVENT_NAME": "ONCRMLEADADD", ">=ID": 1},
    "auth_connector": "BxTest",
}
#: the example answer's record (``EVENT_DATA``/``EVENT_ADDITIONAL`` are ``false`` there; the queue keeps the
#: identifiers of the changed object, offline-events.md)
GET_EVENT = Obj(
    {
        "ID": INTSTR,
        "TIMESTAMP_X": DATETIME,
        "EVENT_NAME": STR,
        "EVENT_DATA": ANY,
        "EVENT_ADDITIONAL": ANY,
        "MESSAGE_ID": STR,
    }
)
#: ``process_id`` is ``null`` with the default ``clear=1``, the reservation's id with ``clear=0``
GET_RESULT = Obj({"process_id": Opt(STR), "events": ListOf(GET_EVENT)})
#: "limit: Number of records to select. Default is 50"
DEFAULT_LIMIT = 50

# -- event.offline.clear / .error (event-offline-clear.md, event-offline-error.md) -------------------------
#: "result: boolean — Success of execution"
CLEAR_RESULT = True
ERROR_RESULT = True

# -- event.offline.list (events/event-offline-list.md) -----------------------------------------------------
LIST_EXAMPLE = {"filter": {"ERROR": 0}, "order": {"ID": "DESC"}}
LIST_RECORD = Obj(
    {
        "ID": INTSTR,
        "TIMESTAMP_X": DATETIME,
        "EVENT_NAME": STR,
        "EVENT_DATA": ANY,
        "EVENT_ADDITIONAL": ANY,
        "MESSAGE_ID": STR,
        "PROCESS_ID": STR,
        "ERROR": INTSTR,
    }
)
LIST_RESULT = ListOf(LIST_RECORD)
#: "The page size of results is always static: 50 records."
PAGE_SIZE = 50
