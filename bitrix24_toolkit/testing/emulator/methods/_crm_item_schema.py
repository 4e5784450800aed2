"""The ``crm.item.*`` record of leads, deals, contacts and companies, field by field, as the pages show it.

The key sets and order follow the example answers of ``crm-item-get.md`` (lead), ``crm-item-add.md`` /
``crm-item-update.md`` (deal) and the tables of ``universal/object-fields.md`` (contact, company). Each
:class:`ItemField` names the legacy stored key it reads (rows keep legacy UPPER_CASE keys), or a derived
value; fields the pages mark "disabled" are always ``null``. ``crm.item.fields`` describes the same
fields with the item vocabulary (``boolean`` flags, ``text`` long strings, ``upperName`` = the key in upper
snake case).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ._crm_schema import field_description

__all__ = ["INT_TYPES", "ITEM_FIELDS", "ItemField", "item_upper_name", "render_value"]

INT_TYPES = frozenset(
    {"integer", "user", "crm_company", "crm_contact", "crm_lead", "crm_quote", "crm_category", "crm_entity"}
)
Derive = Callable[[Mapping[str, Any]], Any]


@dataclass(frozen=True)
class ItemField:
    """One ``crm.item`` field: name, ``crm.item.fields`` type and flags, where its value comes from."""

    name: str
    type: str
    #: the legacy stored key; ``None`` with ``derive=None``: a disabled field (always ``null``)
    legacy: str | None = None
    read_only: bool = False
    multiple: bool = False
    required: bool = False
    immutable: bool = False
    deprecated: bool = False
    status_type: str | None = None
    settings: dict[str, Any] | None = None
    #: a value computed from the row instead of read from ``legacy``
    derive: Derive | None = None
    #: the value sent when nothing is stored (``companyId``/``contactId`` send 0)
    empty: Any = None
    title: str = ""

    @property
    def writable(self) -> bool:
        """Written through crm.item.add/update (a stored, non-read-only field)."""
        return self.legacy is not None and not self.read_only and self.derive is None

    def describe(self) -> dict[str, Any]:
        """The ``crm.item.fields`` entry (crm-item-fields.md example)."""
        out = field_description(self, self.title or self.name)
        out["upperName"] = item_upper_name(self.name)
        return out


def item_upper_name(camel: str) -> str:
    """``assignedById`` -> ``ASSIGNED_BY_ID``, ``parentId1`` -> ``PARENT_ID_1``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[a-zA-Z])(?=\d)", "_", camel).upper()


def render_value(fld: ItemField, row: Mapping[str, Any]) -> Any:
    """The value of one field of a stored row, typed as crm.item.* sends it."""
    if fld.derive is not None:
        return fld.derive(row)
    if fld.legacy is None:
        return None
    value = row.get(fld.legacy)
    if fld.multiple:
        return [int(v) for v in value or []]
    if value is None:
        return fld.empty
    if value == "" and fld.type not in ("string", "text"):
        return fld.empty
    if fld.type in INT_TYPES:
        try:
            return int(value)
        except (TypeError, ValueError):
            return fld.empty
    if fld.type == "double":
        return float(value)
    return value


# ----------------------------------------------------------------------------------- derived values
def _first(type_id: str, value_type: str | None = None, none: Any = "") -> Derive:
    """A flat alias of the first multifield value of a type (and value type), ``""`` when none."""

    def get(row: Mapping[str, Any]) -> Any:
        for entry in row.get(type_id) or []:
            if value_type is None or entry.get("VALUE_TYPE") == value_type:
                return str(entry.get("VALUE") or "")
        return none

    return get


def _last_activity_time(row: Mapping[str, Any]) -> Any:
    return row.get("LAST_ACTIVITY_TIME") or row.get("DATE_CREATE")


def _last_activity_by(row: Mapping[str, Any]) -> Any:
    value = row.get("LAST_ACTIVITY_BY") or row.get("CREATED_BY_ID")
    return None if value in (None, "") else int(value)


def _observers(row: Mapping[str, Any]) -> list[int]:
    return [int(v) for v in row.get("OBSERVERS") or []]


def _zero(row: Mapping[str, Any]) -> int:
    return int(row.get("CATEGORY_ID") or 0)


def _f(name: str, type_: str, legacy: str | None = None, **kw: Any) -> ItemField:
    return ItemField(name, type_, legacy, **kw)


def _disabled(name: str, type_: str = "string") -> ItemField:
    return ItemField(name, type_, None, read_only=True)


_HEAD = (
    _f("id", "integer", "ID", read_only=True, title="ID"),
    _f("createdTime", "datetime", "DATE_CREATE", read_only=True, title="Created at"),
)
_CREATED = (
    _f("createdBy", "user", "CREATED_BY_ID", read_only=True, title="Created by"),
    _f("updatedBy", "user", "MODIFY_BY_ID", read_only=True, title="Updated by"),
    _f("assignedById", "user", "ASSIGNED_BY_ID", title="Assigned to"),
    _f("opened", "boolean", "OPENED", required=True, title="Publicly available"),
)
_UPDATED = _f("updatedTime", "datetime", "DATE_MODIFY", read_only=True, title="Updated at")
_WEBFORM = _f("webformId", "integer", "WEBFORM_ID", empty=0, title="Created by CRM form")
_COMPANY = _f("companyId", "crm_company", "COMPANY_ID", empty=0, settings={"parentEntityTypeId": 4})
_CONTACT = _f("contactId", "crm_contact", "CONTACT_ID", empty=0, deprecated=True)
_SOURCE = (
    _f("sourceId", "crm_status", "SOURCE_ID", status_type="SOURCE", title="Source"),
    _f("sourceDescription", "text", "SOURCE_DESCRIPTION"),
)
_ORIGIN = (_f("originatorId", "string", "ORIGINATOR_ID"), _f("originId", "string", "ORIGIN_ID"))
_MOVED = (
    _f("movedBy", "user", "MOVED_BY_ID", read_only=True, title="Moved by"),
    _f("movedTime", "datetime", "MOVED_TIME", read_only=True, title="Moved at"),
)
_ACTIVITY = (
    _f("lastActivityBy", "user", "LAST_ACTIVITY_BY", read_only=True, derive=_last_activity_by),
    _f("lastActivityTime", "datetime", "LAST_ACTIVITY_TIME", read_only=True, derive=_last_activity_time),
)
_UTM = tuple(
    _f(f"utm{part}", "string", f"UTM_{part.upper()}")
    for part in ("Source", "Medium", "Campaign", "Content", "Term")
)
_OBSERVERS = _f("observers", "user", "OBSERVERS", multiple=True, derive=_observers, title="Observers")
_HAS = (
    _f("hasPhone", "boolean", "HAS_PHONE", read_only=True),
    _f("hasEmail", "boolean", "HAS_EMAIL", read_only=True),
    _f("hasImol", "boolean", "HAS_IMOL", read_only=True),
)
_ALIASES = (
    _f("phoneMobile", "string", read_only=True, derive=_first("PHONE", "MOBILE")),
    _f("phoneWork", "string", read_only=True, derive=_first("PHONE", "WORK")),
    _f("phoneMailing", "string", read_only=True, derive=_first("PHONE", "MAILING")),
    _f("emailHome", "string", read_only=True, derive=_first("EMAIL", "HOME")),
    _f("emailWork", "string", read_only=True, derive=_first("EMAIL", "WORK")),
    _f("emailMailing", "string", read_only=True, derive=_first("EMAIL", "MAILING")),
)
_IMOL_EMAIL_PHONE = (
    _f("imol", "string", read_only=True, derive=_first("IM", "IMOL")),
    _f("email", "string", read_only=True, derive=_first("EMAIL")),
    _f("phone", "string", read_only=True, derive=_first("PHONE")),
)
_CONTACT_IDS = _f("contactIds", "crm_contact", "CONTACT_IDS", multiple=True, title="CONTACT_IDS")
_ENTITY_TYPE = _f("entityTypeId", "integer", read_only=True)
_CATEGORY = _f("categoryId", "crm_category", "CATEGORY_ID", derive=_zero, title="Pipeline")

#: crm-item-get.md example (entityTypeId 1), in its order
LEAD_FIELDS = (
    *_HEAD,
    _disabled("dateCreateShort", "datetime"),
    _UPDATED,
    _disabled("dateModifyShort", "datetime"),
    *_CREATED,
    _COMPANY,
    _CONTACT,
    _f("stageId", "crm_status", "STATUS_ID", status_type="STATUS", title="Stage"),
    _disabled("isConvert", "boolean"),
    _f("statusDescription", "text", "STATUS_DESCRIPTION"),
    _f("stageSemanticId", "string", "STATUS_SEMANTIC_ID", read_only=True),
    _disabled("productId"),
    _f("opportunity", "double", "OPPORTUNITY", title="Amount"),
    _f("currencyId", "crm_currency", "CURRENCY_ID", title="Currency"),
    *_SOURCE,
    _f("title", "string", "TITLE", title="Name"),
    _f("name", "string", "NAME"),
    _f("lastName", "string", "LAST_NAME"),
    _f("secondName", "string", "SECOND_NAME"),
    _disabled("shortName"),
    _f("companyTitle", "string", "COMPANY_TITLE"),
    _f("post", "string", "POST"),
    _disabled("address", "text"),
    _f("comments", "text", "COMMENTS"),
    _WEBFORM,
    *_ORIGIN,
    _f("dateClosed", "datetime", "DATE_CLOSED", read_only=True),
    _f("birthdate", "date", "BIRTHDATE"),
    _f("honorific", "crm_status", "HONORIFIC", status_type="HONORIFIC"),
    *_HAS,
    _disabled("login"),
    _f("isReturnCustomer", "boolean", "IS_RETURN_CUSTOMER", read_only=True),
    _f("searchContent", "text", "SEARCH_CONTENT", read_only=True),
    _f("isManualOpportunity", "boolean", "IS_MANUAL_OPPORTUNITY", title="Amount calculation mode"),
    *_MOVED,
    *_ACTIVITY,
    *_ALIASES,
    _f("skype", "string", read_only=True, derive=_first("IM", "SKYPE", None)),
    _f("icq", "string", read_only=True, derive=_first("IM", "ICQ", None)),
    *_IMOL_EMAIL_PHONE,
    *_UTM,
    _OBSERVERS,
    _CONTACT_IDS,
)

#: crm-item-add.md / crm-item-update.md examples (entityTypeId 2), in their order
DEAL_FIELDS = (
    *_HEAD,
    _disabled("dateCreateShort", "datetime"),
    _UPDATED,
    _disabled("dateModifyShort", "datetime"),
    *_CREATED,
    _f("leadId", "crm_lead", "LEAD_ID", settings={"parentEntityTypeId": 1}),
    _COMPANY,
    _CONTACT,
    _f("quoteId", "crm_quote", "QUOTE_ID", settings={"parentEntityTypeId": 7}),
    _f("title", "string", "TITLE", title="Name"),
    _disabled("productId"),
    _f("categoryId", "crm_category", "CATEGORY_ID", title="Pipeline", empty=0),
    _f("stageId", "crm_status", "STAGE_ID", status_type="DEAL_STAGE", title="Stage"),
    _f("stageSemanticId", "string", "STAGE_SEMANTIC_ID", read_only=True),
    _f("isNew", "boolean", "IS_NEW", read_only=True),
    _f("isRecurring", "boolean", "IS_RECURRING"),
    _f("isReturnCustomer", "boolean", "IS_RETURN_CUSTOMER"),
    _f("isRepeatedApproach", "boolean", "IS_REPEATED_APPROACH"),
    _f("closed", "boolean", "CLOSED"),
    _f("typeId", "crm_status", "TYPE_ID", status_type="DEAL_TYPE"),
    _f("opportunity", "double", "OPPORTUNITY", title="Amount"),
    _f("isManualOpportunity", "boolean", "IS_MANUAL_OPPORTUNITY", title="Amount calculation mode"),
    _f("taxValue", "double", "TAX_VALUE", title="Tax amount"),
    _f("currencyId", "crm_currency", "CURRENCY_ID", title="Currency"),
    _f("probability", "integer", "PROBABILITY"),
    _f("comments", "text", "COMMENTS"),
    _f("begindate", "date", "BEGINDATE", title="Start date"),
    _disabled("begindateShort", "datetime"),
    _f("closedate", "date", "CLOSEDATE", title="End date"),
    _disabled("closedateShort", "datetime"),
    _f("eventDate", "datetime", "EVENT_DATE"),
    _disabled("eventDateShort", "datetime"),
    _f("eventId", "crm_status", "EVENT_ID", status_type="EVENT_TYPE"),
    _f("eventDescription", "text", "EVENT_DESCRIPTION"),
    _f("locationId", "location", "LOCATION_ID", read_only=True),
    _WEBFORM,
    *_SOURCE,
    *_ORIGIN,
    _f("additionalInfo", "string", "ADDITIONAL_INFO"),
    _f("searchContent", "text", "SEARCH_CONTENT", read_only=True),
    _f("orderStage", "string", "ORDER_STAGE", read_only=True),
    *_MOVED,
    *_ACTIVITY,
    _disabled("isWork", "boolean"),
    _disabled("isWon", "boolean"),
    _disabled("isLose", "boolean"),
    _disabled("receivedAmount"),
    _disabled("lostAmount"),
    _disabled("hasProducts", "boolean"),
    *_UTM,
    _OBSERVERS,
    _CONTACT_IDS,
)

#: object-fields.md#common + #contact
CONTACT_FIELDS = (
    *_HEAD,
    _UPDATED,
    *_CREATED,
    _f(
        "companyId", "crm_company", "COMPANY_ID", empty=0, deprecated=True, settings={"parentEntityTypeId": 4}
    ),
    *_SOURCE,
    _f("name", "string", "NAME"),
    _f("lastName", "string", "LAST_NAME"),
    _f("secondName", "string", "SECOND_NAME"),
    _disabled("shortName"),
    _f("photo", "file", "PHOTO"),
    _f("post", "string", "POST"),
    _disabled("address", "text"),
    _f("comments", "text", "COMMENTS"),
    _f("leadId", "crm_lead", "LEAD_ID", settings={"parentEntityTypeId": 1}),
    _f("export", "boolean", "EXPORT"),
    _f("typeId", "crm_status", "TYPE_ID", status_type="CONTACT_TYPE"),
    *_ORIGIN,
    _f("originVersion", "string", "ORIGIN_VERSION"),
    _f("birthdate", "date", "BIRTHDATE"),
    _f("honorific", "crm_status", "HONORIFIC", status_type="HONORIFIC"),
    *_HAS,
    _f("searchContent", "text", "SEARCH_CONTENT", read_only=True),
    _CATEGORY,
    _disabled("login"),
    *_ALIASES,
    *_IMOL_EMAIL_PHONE,
    _WEBFORM,
    *_ACTIVITY,
    *_UTM,
    _OBSERVERS,
    _f("companyIds", "crm_company", "COMPANY_IDS", multiple=True),
)

#: object-fields.md#common + #company
COMPANY_FIELDS = (
    *_HEAD,
    _UPDATED,
    *_CREATED,
    _f("title", "string", "TITLE", title="Name"),
    _f("logo", "file", "LOGO"),
    _disabled("address", "text"),
    _disabled("addressLegal", "text"),
    _f("bankingDetails", "text", "BANKING_DETAILS"),
    _f("comments", "text", "COMMENTS"),
    _f("typeId", "crm_status", "COMPANY_TYPE", status_type="COMPANY_TYPE"),
    _f("industry", "crm_status", "INDUSTRY", status_type="INDUSTRY"),
    _f("revenue", "double", "REVENUE"),
    _f("currencyId", "crm_currency", "CURRENCY_ID", title="Currency"),
    _f("employees", "crm_status", "EMPLOYEES", status_type="EMPLOYEES"),
    _f("leadId", "crm_lead", "LEAD_ID", settings={"parentEntityTypeId": 1}),
    *_ORIGIN,
    _f("originVersion", "string", "ORIGIN_VERSION"),
    *_HAS,
    _f("isMyCompany", "boolean", "IS_MY_COMPANY"),
    _f("searchContent", "text", "SEARCH_CONTENT", read_only=True),
    _CATEGORY,
    *_ALIASES,
    *_IMOL_EMAIL_PHONE,
    _f("ufLogo", "file", "UF_LOGO"),
    _f("ufStamp", "file", "UF_STAMP"),
    _f("ufDirectorSign", "file", "UF_DIRECTOR_SIGN"),
    _f("ufAccountantSign", "file", "UF_ACCOUNTANT_SIGN"),
    _WEBFORM,
    *_ACTIVITY,
    *_UTM,
    _OBSERVERS,
    _CONTACT_IDS,
)

#: entityTypeId -> the fields of its crm.item record (``entityTypeId`` and ``fm`` are added on render)
ITEM_FIELDS: dict[int, tuple[ItemField, ...]] = {
    1: LEAD_FIELDS,
    2: DEAL_FIELDS,
    3: CONTACT_FIELDS,
    4: COMPANY_FIELDS,
}
ENTITY_TYPE_FIELD = _ENTITY_TYPE
