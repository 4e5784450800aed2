"""Documented facts of event subscriptions: ``event.bind``, ``event.get``, ``event.unbind``, ``events``
(pages under ``api-reference/events/``).

All four pages say the method "works only in the context of application authorization"; their examples are
OAuth calls. The pages do not give the answer to a webhook; a portal refuses it with the rest module's
``AuthTypeException`` (``WRONG_AUTH_TYPE``, HTTP 403), recorded here as :data:`WEBHOOK_REFUSED`.
"""

from __future__ import annotations

from ..shapes import INT, INTSTR, STR, DocError, ListOf, MethodDoc, Obj, OneOf

_EVENTS = "api-reference/events/"

METHODS = {
    "event.bind": MethodDoc(
        page=_EVENTS + "event-bind.md",
        not_emulated="handler URL checks against the app's domain; options (ONOFFLINEEVENT minTimeout)",
    ),
    "event.get": MethodDoc(page=_EVENTS + "event-get.md"),
    "event.unbind": MethodDoc(page=_EVENTS + "event-unbind.md"),
    "events": MethodDoc(
        page=_EVENTS + "events.md",
        not_emulated="events of areas the emulator does not store (tasks, invoices, quotes, ...) are listed "
        "and can be bound but never fire; per-type ONCRMDYNAMICITEM*_<id> names",
    ),
}

#: the application context the pages require (not on the pages: rest module ``AuthTypeException``)
WEBHOOK_REFUSED = DocError("WRONG_AUTH_TYPE", "Current authorization type is denied for this method", 403)

# -- event.bind (events/event-bind.md) ---------------------------------------------------------------------
#: the example request
BIND_EXAMPLE = {"event": "ONCRMLEADADD", "handler": "https://www.my-domain.com/handler/"}
#: "result: boolean — success of execution"
BIND_RESULT = True
#: "Possible Error Codes"
EVENT_NOT_FOUND = DocError("ERROR_EVENT_NOT_FOUND", "Event not found", 400)
OFFLINE_BIND_NEEDS_ADMIN = DocError(
    "ACCESS_DENIED", "Access denied! Offline events binding requires administrator access rights", 403
)
AUTH_TYPE_BIND_NEEDS_ADMIN = DocError(
    "ACCESS_DENIED", "Access denied! Event binding with AUTH_TYPE requires administrator access rights", 403
)

# -- event.get (events/event-get.md) -----------------------------------------------------------------------
#: the example's records: ``auth_type`` is a string of digits ("0": the user who caused the event)
ONLINE_HANDLER = Obj({"event": STR, "handler": STR, "auth_type": INTSTR, "offline": 0})
#: an offline subscription has no handler (offline-events.md); the rest module lists it as
#: ``{event, connector_id, offline: 1}`` — not on the event.get page, which shows online handlers only
OFFLINE_HANDLER = Obj({"event": STR, "connector_id": STR, "offline": 1})
HANDLERS = ListOf(OneOf(ONLINE_HANDLER, OFFLINE_HANDLER))

# -- event.unbind (events/event-unbind.md) -----------------------------------------------------------------
#: "The method returns the number of event handlers deleted during the call"
UNBIND_RESULT = Obj({"count": INT})
OFFLINE_UNBIND_NEEDS_ADMIN = DocError(
    "ACCESS_DENIED", "Access denied! Offline events unbinding requires administrator access rights", 403
)
AUTH_TYPE_UNBIND_NEEDS_ADMIN = DocError(
    "ACCESS_DENIED", "Access denied! Event unbinding with AUTH_TYPE requires administrator access rights", 403
)

# -- events (events/events.md) -----------------------------------------------------------------------------
#: result: event names, upper case
EVENT_NAMES = ListOf(STR, min_len=1)
#: names of the page's example (``FULL``); ``ONCRMDYNAMICITEMADD_147`` & co are per smart-process type and
#: left out here
DOCUMENTED_EVENTS = (
    "ONAPPUNINSTALL",
    "ONAPPINSTALL",
    "ONAPPUPDATE",
    "ONAPPPAYMENT",
    "ONAPPTEST",
    "ONAPPMETHODCONFIRM",
    "ONOFFLINEEVENT",
    "ONUSERADD",
    "ONCRMINVOICEADD",
    "ONCRMINVOICEUPDATE",
    "ONCRMINVOICEDELETE",
    "ONCRMINVOICESETSTATUS",
    "ONCRMLEADADD",
    "ONCRMLEADUPDATE",
    "ONCRMLEADDELETE",
    "ONCRMLEADUSERFIELDADD",
    "ONCRMLEADUSERFIELDUPDATE",
    "ONCRMLEADUSERFIELDDELETE",
    "ONCRMLEADUSERFIELDSETENUMVALUES",
    "ONCRMDEALADD",
    "ONCRMDEALUPDATE",
    "ONCRMDEALDELETE",
    "ONCRMDEALMOVETOCATEGORY",
    "ONCRMDEALUSERFIELDADD",
    "ONCRMDEALUSERFIELDUPDATE",
    "ONCRMDEALUSERFIELDDELETE",
    "ONCRMDEALUSERFIELDSETENUMVALUES",
    "ONCRMCOMPANYADD",
    "ONCRMCOMPANYUPDATE",
    "ONCRMCOMPANYDELETE",
    "ONCRMCOMPANYUSERFIELDADD",
    "ONCRMCOMPANYUSERFIELDUPDATE",
    "ONCRMCOMPANYUSERFIELDDELETE",
    "ONCRMCOMPANYUSERFIELDSETENUMVALUES",
    "ONCRMCONTACTADD",
    "ONCRMCONTACTUPDATE",
    "ONCRMCONTACTDELETE",
    "ONCRMCONTACTUSERFIELDADD",
    "ONCRMCONTACTUSERFIELDUPDATE",
    "ONCRMCONTACTUSERFIELDDELETE",
    "ONCRMCONTACTUSERFIELDSETENUMVALUES",
    "ONCRMQUOTEADD",
    "ONCRMQUOTEUPDATE",
    "ONCRMQUOTEDELETE",
    "ONCRMQUOTEUSERFIELDADD",
    "ONCRMQUOTEUSERFIELDUPDATE",
    "ONCRMQUOTEUSERFIELDDELETE",
    "ONCRMQUOTEUSERFIELDSETENUMVALUES",
    "ONCRMINVOICEUSERFIELDADD",
    "ONCRMINVOICEUSERFIELDUPDATE",
    "ONCRMINVOICEUSERFIELDDELETE",
    "ONCRMINVOICEUSERFIELDSETENUMVALUES",
    "ONCRMCURRENCYADD",
    "ONCRMCURRENCYUPDATE",
    "ONCRMCURRENCYDELETE",
    "ONCRMPRODUCTADD",
    "ONCRMPRODUCTUPDATE",
    "ONCRMPRODUCTDELETE",
    "ONCRMPRODUCTPROPERTYADD",
    "ONCRMPRODUCTPROPERTYUPDATE",
    "ONCRMPRODUCTPROPERTYDELETE",
    "ONCRMPRODUCTSECTIONADD",
    "ONCRMPRODUCTSECTIONUPDATE",
    "ONCRMPRODUCTSECTIONDELETE",
    "ONCRMACTIVITYADD",
    "ONCRMACTIVITYUPDATE",
    "ONCRMACTIVITYDELETE",
    "ONCRMREQUISITEADD",
    "ONCRMREQUISITEUPDATE",
    "ONCRMREQUISITEDELETE",
    "ONCRMREQUISITEUSERFIELDADD",
    "ONCRMREQUISITEUSERFIELDUPDATE",
    "ONCRMREQUISITEUSERFIELDDELETE",
    "ONCRMREQUISITEUSERFIELDSETENUMVALUES",
    "ONCRMBANKDETAILADD",
    "ONCRMBANKDETAILUPDATE",
    "ONCRMBANKDETAILDELETE",
    "ONCRMADDRESSREGISTER",
    "ONCRMADDRESSUNREGISTER",
    "ONCRMMEASUREADD",
    "ONCRMMEASUREUPDATE",
    "ONCRMMEASUREDELETE",
    "ONCRMDEALRECURRINGADD",
    "ONCRMDEALRECURRINGUPDATE",
    "ONCRMDEALRECURRINGDELETE",
    "ONCRMDEALRECURRINGEXPOSE",
    "ONCRMINVOICERECURRINGADD",
    "ONCRMINVOICERECURRINGUPDATE",
    "ONCRMINVOICERECURRINGDELETE",
    "ONCRMINVOICERECURRINGEXPOSE",
    "ONCRMTIMELINECOMMENTADD",
    "ONCRMTIMELINECOMMENTUPDATE",
    "ONCRMTIMELINECOMMENTDELETE",
    "ONCRMDYNAMICITEMADD",
    "ONCRMDYNAMICITEMUPDATE",
    "ONCRMDYNAMICITEMDELETE",
    "ONCRMTYPEADD",
    "ONCRMTYPEUPDATE",
    "ONCRMTYPEDELETE",
    "ONCRMDOCUMENTGENERATORDOCUMENTADD",
    "ONCRMDOCUMENTGENERATORDOCUMENTUPDATE",
    "ONCRMDOCUMENTGENERATORDOCUMENTDELETE",
    "ONTASKADD",
    "ONTASKUPDATE",
    "ONTASKDELETE",
    "ONTASKCOMMENTADD",
    "ONTASKCOMMENTUPDATE",
    "ONTASKCOMMENTDELETE",
)
