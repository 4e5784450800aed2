"""Documented facts of ``crm.item.*`` (``api-reference/crm/universal/crm-item-*.md``, ``object-fields.md``).

Item records come from the example responses (``crm.item.get``: a lead; ``crm.item.add``/``update``: a
deal) and the per-type tables of ``universal/object-fields.md`` (contact, company: no example answer).
``crm.item.*`` names are camelCase, ids and users ints, money numbers, flags ``Y``/``N``, dates ISO 8601
with an offset; fields the page marks "disabled" are always ``null`` (note on the ``crm.item.add`` page).
Userfields (``ufCrm...``) and ``parentId<N>`` keys exist only on portals that have them; the fidelity
portal is empty, so the record key sets below are exact.

Where pages disagree (noted beside the fact, and what was chosen):

- Unknown ``entityTypeId``: the example JSONs of ``crm.item.add``/``update``/``fields`` and
  ``crm.category.list``/``update`` say ``Smart process not found``, the error tables of the other pages
  ``SPA not found``. The example answers are captured from portals: ``Smart process not found``.
- Missing item: ``crm.item.get``'s example and the ``crm.category.get``/``update``/``delete`` pages say
  ``Element not found``; the ``crm.item.get``/``delete`` tables and ``delete``'s example ``Item not found``.
  Both come from one portal message (the common not-found error of the item/category controllers):
  ``Element not found``, the majority.
- ``webformId``: ``crm.item.add``'s deal shows ``null``, ``update``'s deal and ``get``'s lead ``0``; both
  are allowed, the emulator sends ``0``.
- ``crm.item.list``'s example answer is not in the order its request asks for (``lastName``, ``name``);
  the order asked for is what a portal does.
- ``crm.item.fields`` (an SPA example) lists no ``fm``: ``crm.item.list`` says ``fm`` "is not a CRM object
  field", so descriptions cover the record's keys without ``fm`` and ``entityTypeId``.
- Statuses and funnels: :mod:`.crm_directories`.
"""

from __future__ import annotations

import re
from typing import Any

from ..shapes import (
    BOOL,
    DATETIME,
    DICT,
    FLOAT,
    INT,
    LIST,
    STR,
    YN,
    DocError,
    ListOf,
    MethodDoc,
    Obj,
    OneOf,
    Opt,
)

__all__ = [
    "COMPANY_ITEM",
    "CONTACT_ITEM",
    "DEAL_ITEM",
    "ERRORS",
    "FIELD_DESCRIPTION",
    "FM_ENTRY",
    "ITEMS",
    "ITEM_COMMON_FIELD_FACTS",
    "ITEM_TYPED_FIELD_FACTS",
    "LEAD_ITEM",
    "LIST_FILTER_ERROR",
    "LIST_ORDER_DIRECTION_ERROR",
    "LIST_ORDER_FIELD_ERROR",
    "METHODS",
    "UF_DESCRIPTION",
    "upper_name",
]

_U = "api-reference/crm/universal"

_NO_SPA = "smart processes, invoices (31), quotes (7) and other types: entityTypeId 1-4 only; Access denied"

#: method -> page and what the emulator leaves out of it
METHODS: dict[str, MethodDoc] = {
    "crm.item.add": MethodDoc(
        f"{_U}/crm-item-add.md",
        f"{_NO_SPA}; parentId<N> links; CRM_FIELD_ERROR_VALUE_NOT_VALID checks; plan restrictions",
    ),
    "crm.item.get": MethodDoc(f"{_U}/crm-item-get.md", f"{_NO_SPA}; searchContent is null"),
    "crm.item.list": MethodDoc(f"{_U}/crm-item-list.md", f"{_NO_SPA}; 'has invalid value' filter check"),
    "crm.item.update": MethodDoc(
        f"{_U}/crm-item-update.md", f"{_NO_SPA}; stage permission refusal; plan restrictions"
    ),
    "crm.item.delete": MethodDoc(f"{_U}/crm-item-delete.md", _NO_SPA),
    "crm.item.fields": MethodDoc(
        f"{_U}/crm-item-fields.md", f"{_NO_SPA}; titles are the emulator's English ones"
    ),
}

# ----------------------------------------------------------------------------------- item records
#: crm_multifield entry (crm-item-get.md example, object-fields.md "fm")
FM_ENTRY = Obj(
    {"id": INT, "valueType": STR, "value": STR, "typeId": OneOf("PHONE", "EMAIL", "WEB", "IM", "LINK")}
)
_NULL = None  # a field the page marks "disabled": always null (crm-item-add.md note)
_USER = INT
_DT = Opt(DATETIME)
_IDS = ListOf(INT)

#: common fields, object-fields.md#common
_COMMON: dict[str, Any] = {
    "id": INT,
    "createdTime": DATETIME,
    "updatedTime": DATETIME,
    "createdBy": _USER,
    "updatedBy": _USER,
    "assignedById": _USER,
    "opened": YN,
    "webformId": Opt(INT),
    "lastActivityBy": Opt(INT),
    "lastActivityTime": _DT,
    "utmSource": Opt(STR),
    "utmMedium": Opt(STR),
    "utmCampaign": Opt(STR),
    "utmContent": Opt(STR),
    "utmTerm": Opt(STR),
    "observers": _IDS,
    "entityTypeId": INT,
}
#: flat aliases of the first multifield values (crm-item-get.md example: "" when there is none)
_CONTACT_DATA: dict[str, Any] = {
    "phoneMobile": STR,
    "phoneWork": STR,
    "phoneMailing": STR,
    "emailHome": STR,
    "emailWork": STR,
    "emailMailing": STR,
    "imol": STR,
    "email": STR,
    "phone": STR,
    "hasPhone": YN,
    "hasEmail": YN,
    "hasImol": YN,
    "fm": ListOf(FM_ENTRY),
}

#: crm-item-get.md example (entityTypeId 1) + object-fields.md#lead
LEAD_ITEM = Obj(
    {
        **_COMMON,
        **_CONTACT_DATA,
        "dateCreateShort": _NULL,
        "dateModifyShort": _NULL,
        "companyId": INT,  # 0 without a company (example)
        "contactId": INT,
        "stageId": STR,
        "isConvert": _NULL,
        "statusDescription": Opt(STR),
        "stageSemanticId": OneOf("P", "S", "F"),
        "productId": _NULL,
        "opportunity": FLOAT,
        "currencyId": STR,
        "sourceId": Opt(STR),
        "sourceDescription": Opt(STR),
        "title": Opt(STR),
        "name": Opt(STR),
        "lastName": Opt(STR),
        "secondName": Opt(STR),
        "shortName": _NULL,
        "companyTitle": Opt(STR),
        "post": Opt(STR),
        "address": _NULL,
        "comments": Opt(STR),
        "originatorId": Opt(STR),
        "originId": Opt(STR),
        "dateClosed": _DT,
        "birthdate": _DT,
        "honorific": Opt(STR),
        "login": _NULL,
        "isReturnCustomer": YN,
        "searchContent": Opt(STR),
        "isManualOpportunity": YN,
        "movedBy": Opt(INT),
        "movedTime": _DT,
        "skype": Opt(STR),
        "icq": Opt(STR),
        "contactIds": _IDS,
    }
)

#: crm-item-add.md / crm-item-update.md examples (entityTypeId 2) + object-fields.md#deal
DEAL_ITEM = Obj(
    {
        **_COMMON,
        "dateCreateShort": _NULL,
        "dateModifyShort": _NULL,
        "leadId": Opt(INT),
        "companyId": INT,  # 0 without a company (update example)
        "contactId": INT,
        "quoteId": Opt(INT),
        "title": Opt(STR),
        "productId": _NULL,
        "categoryId": INT,
        "stageId": STR,
        "stageSemanticId": OneOf("P", "S", "F"),
        "isNew": YN,
        "isRecurring": YN,
        "isReturnCustomer": YN,
        "isRepeatedApproach": YN,
        "closed": YN,
        "typeId": Opt(STR),
        "opportunity": FLOAT,
        "isManualOpportunity": YN,
        "taxValue": Opt(FLOAT),
        "currencyId": STR,
        "probability": Opt(INT),
        "comments": Opt(STR),
        "begindate": _DT,
        "begindateShort": _NULL,
        "closedate": _DT,
        "closedateShort": _NULL,
        "eventDate": _DT,
        "eventDateShort": _NULL,
        "eventId": Opt(STR),
        "eventDescription": Opt(STR),
        "locationId": Opt(STR),
        "sourceId": Opt(STR),
        "sourceDescription": Opt(STR),
        "originatorId": Opt(STR),
        "originId": Opt(STR),
        "additionalInfo": Opt(STR),
        "searchContent": Opt(STR),
        "orderStage": Opt(STR),
        "movedBy": Opt(INT),
        "movedTime": _DT,
        "isWork": _NULL,
        "isWon": _NULL,
        "isLose": _NULL,
        "receivedAmount": _NULL,
        "lostAmount": _NULL,
        "hasProducts": _NULL,
        "contactIds": _IDS,
    }
)

_FILE = Opt(DICT)  # file fields: {id, url, urlMachine} or null (object-fields.md#common, ufCrm...)

#: object-fields.md#contact (no example answer on the pages)
CONTACT_ITEM = Obj(
    {
        **_COMMON,
        **_CONTACT_DATA,
        "companyId": INT,
        "sourceId": Opt(STR),
        "sourceDescription": Opt(STR),
        "name": Opt(STR),
        "lastName": Opt(STR),
        "secondName": Opt(STR),
        "shortName": _NULL,
        "photo": _FILE,
        "post": Opt(STR),
        "address": _NULL,
        "comments": Opt(STR),
        "leadId": Opt(INT),
        "export": YN,
        "typeId": Opt(STR),
        "originatorId": Opt(STR),
        "originId": Opt(STR),
        "originVersion": Opt(STR),
        "birthdate": _DT,
        "honorific": Opt(STR),
        "searchContent": Opt(STR),
        "categoryId": INT,
        "login": _NULL,
        "companyIds": _IDS,
    }
)

#: object-fields.md#company (no example answer on the pages)
COMPANY_ITEM = Obj(
    {
        **_COMMON,
        **_CONTACT_DATA,
        "title": Opt(STR),
        "logo": _FILE,
        "address": _NULL,
        "addressLegal": _NULL,
        "bankingDetails": Opt(STR),
        "comments": Opt(STR),
        "typeId": Opt(STR),
        "industry": Opt(STR),
        "revenue": Opt(FLOAT),
        "currencyId": Opt(STR),
        "employees": Opt(STR),
        "leadId": Opt(INT),
        "originatorId": Opt(STR),
        "originId": Opt(STR),
        "originVersion": Opt(STR),
        "isMyCompany": YN,
        "searchContent": Opt(STR),
        "categoryId": INT,
        "ufLogo": _FILE,
        "ufStamp": _FILE,
        "ufDirectorSign": _FILE,
        "ufAccountantSign": _FILE,
        "contactIds": _IDS,
    }
)

#: entityTypeId -> documented record
ITEMS: dict[int, Obj] = {1: LEAD_ITEM, 2: DEAL_ITEM, 3: CONTACT_ITEM, 4: COMPANY_ITEM}

# ------------------------------------------------------------------------------ crm.item.fields
#: one description (crm-item-fields.md example): these keys, plus settings/statusType/isDeprecated
FIELD_DESCRIPTION = Obj(
    {
        "type": STR,
        "isRequired": BOOL,
        "isReadOnly": BOOL,
        "isImmutable": BOOL,
        "isMultiple": BOOL,
        "isDynamic": BOOL,
        "title": STR,
        "upperName": STR,
        "settings": DICT,
        "statusType": STR,
        "isDeprecated": True,
    },
    optional=frozenset({"settings", "statusType", "isDeprecated"}),
)

#: crm-item-add.md "Custom fields used in the example": a userfield's description
UF_DESCRIPTION = Obj(
    {
        "type": STR,
        "isRequired": BOOL,
        "isReadOnly": BOOL,
        "isImmutable": BOOL,
        "isMultiple": BOOL,
        "isDynamic": True,
        "title": STR,
        "listLabel": STR,
        "formLabel": STR,
        "filterLabel": STR,
        "settings": DICT,
        "items": LIST,
        "upperName": STR,
    },
    optional=frozenset({"items"}),
)

#: crm-item-fields.md example: (type, isReadOnly, isMultiple) of the fields every item type shares
ITEM_COMMON_FIELD_FACTS: dict[str, tuple[str, bool, bool]] = {
    "id": ("integer", True, False),
    "createdTime": ("datetime", True, False),
    "updatedTime": ("datetime", True, False),
    "createdBy": ("user", True, False),
    "updatedBy": ("user", True, False),
    "assignedById": ("user", False, False),
    "opened": ("boolean", False, False),
    "webformId": ("integer", False, False),
    "observers": ("user", False, True),
    "lastActivityBy": ("user", True, False),
    "lastActivityTime": ("datetime", True, False),
}
#: crm-item-fields.md example, fields of the types that have them
ITEM_TYPED_FIELD_FACTS: dict[str, tuple[str, bool, bool]] = {
    "begindate": ("date", False, False),
    "closedate": ("date", False, False),
    "companyId": ("crm_company", False, False),
    "contactId": ("crm_contact", False, False),
    "contactIds": ("crm_contact", False, True),
    "categoryId": ("crm_category", False, False),
    "movedTime": ("datetime", True, False),
    "movedBy": ("user", True, False),
    "stageId": ("crm_status", False, False),
    "sourceId": ("crm_status", False, False),
    "sourceDescription": ("text", False, False),
    "currencyId": ("crm_currency", False, False),
    "isManualOpportunity": ("boolean", False, False),
    "opportunity": ("double", False, False),
    "taxValue": ("double", False, False),
}


def upper_name(camel: str) -> str:
    """``assignedById`` -> ``ASSIGNED_BY_ID``: every example ``upperName`` is its key in upper snake case."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[a-zA-Z])(?=\d)", "_", camel).upper()


# ---------------------------------------------------------------------------------------- errors
ERRORS: dict[str, DocError] = {
    # crm-item-*.md, crm-category-*.md (see the module note on the wording)
    "type_not_found": DocError("NOT_FOUND", "Smart process not found", 400),
    "item_not_found": DocError("NOT_FOUND", "Element not found", 400),
    # crm-item-add.md / crm-item-update.md table: a scalar for a multiple field (code sent as a string, as
    # other engine controllers' pages show it, e.g. crm-timeline-logmessage-list.md)
    "not_iterable": DocError(
        "100", "Expected iterable value for multiple field, but got integer instead", 400
    ),
    # crm-timeline-logmessage-list.md: the REST engine's refusal of a missing action parameter
    "no_entity_type": DocError("100", "Could not find value for parameter {entityTypeId}", 400),
}
#: crm-item-list.md error table: INVALID_ARG_VALUE templates
LIST_FILTER_ERROR = re.compile(r"^Invalid filter: field '[A-Za-z0-9_]+' is not allowed in filter$")
LIST_ORDER_FIELD_ERROR = re.compile(r"^Invalid order: field '[A-Za-z0-9_]+' is not allowed in order$")
LIST_ORDER_DIRECTION_ERROR = re.compile(
    r"^Invalid order: allowed sort directions are ASC, DESC\. But got '.*' for field '[A-Za-z0-9_]+'$"
)
