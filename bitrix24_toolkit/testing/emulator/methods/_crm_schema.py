"""Field tables of the four classic CRM entities (lead, deal, contact, company) for the emulator.

One :class:`Field` per standard field: its legacy UPPER_CASE name, ``*.fields`` type and flags, and the
camelCase name ``crm.item.*`` uses for the same stored value (reference 5.2-5.4, 5.11 and the official
"CRM object fields" page). Rows of tables ``"lead"``/``"deal"``/``"contact"``/``"company"`` use the legacy
names as keys.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

__all__ = [
    "ENTITIES",
    "ENTITY_BY_TYPE_ID",
    "IMPORT_FIELDS",
    "MULTIFIELDS",
    "EntitySpec",
    "Field",
    "camel_of",
    "uf_camel",
]

#: contact-data multifields, stored as lists of {"ID", "VALUE_TYPE", "VALUE", "TYPE_ID"}
MULTIFIELDS = ("PHONE", "EMAIL", "WEB", "IM", "LINK")

#: read-only system fields a caller may still write with ``params[IMPORT]=Y`` (reference 5.2 documents
#: this for companies and contacts; the emulator allows it for all four entities so demo data can carry
#: a history)
IMPORT_FIELDS = frozenset({"DATE_CREATE", "DATE_MODIFY", "CREATED_BY_ID", "MODIFY_BY_ID"})

_CAMEL_OVERRIDES = {
    "CREATED_BY_ID": "createdBy",
    "MODIFY_BY_ID": "updatedBy",
    "MOVED_BY_ID": "movedBy",
    "DATE_CREATE": "createdTime",
    "DATE_MODIFY": "updatedTime",
    "STATUS_ID": "stageId",
    "STATUS_SEMANTIC_ID": "stageSemanticId",
    "COMPANY_TYPE": "typeId",
}


def camel_of(name: str) -> str:
    """``ASSIGNED_BY_ID`` -> ``assignedById`` (with the documented exceptions such as ``createdTime``)."""
    if name in _CAMEL_OVERRIDES:
        return _CAMEL_OVERRIDES[name]
    head, *rest = name.lower().split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def uf_camel(name: str) -> str:
    """``UF_CRM_1747309879`` -> ``ufCrm_1747309879``, ``UF_CRM_3_1747309727`` -> ``ufCrm3_1747309727``,
    ``UF_CRM_HOLDING`` -> ``ufCrmHolding`` (reference 5.11: an underscore survives before a digit)."""
    lowered = name.lower()
    prefix = ""
    spa = re.match(r"^uf_crm_(\d+)(_.+)$", lowered)
    if spa:
        prefix, lowered = "ufCrm" + spa.group(1), spa.group(2)
    return prefix + re.sub(r"_([a-z])", lambda m: m.group(1).upper(), lowered)


@dataclass(frozen=True)
class Field:
    """One standard field of an entity."""

    name: str
    type: str
    title: str
    read_only: bool = False
    immutable: bool = False
    multiple: bool = False
    status_type: str | None = None
    settings: dict[str, Any] | None = None
    deprecated: bool = False
    #: camelCase name in crm.item.*; ``""`` = not exposed there
    camel: str | None = None
    #: writable through crm.item.* even though the legacy API marks it read-only (``leadId``)
    item_writable: bool = False
    #: ``isRequired`` of ``*.fields`` (a description only: the legacy add does not refuse its absence)
    required: bool = False
    #: listed by ``*.fields`` / sent in ``get``/``list`` records (the pages differ for a few fields)
    in_fields: bool = True
    in_record: bool = True

    @property
    def item_name(self) -> str:
        """The crm.item.* name of this field."""
        return camel_of(self.name) if self.camel is None else self.camel

    def describe(self) -> dict[str, Any]:
        """The ``*.fields`` description (reference 5.3)."""
        return field_description(self, self.title)


def field_description(spec: Any, title: str) -> dict[str, Any]:
    """One ``*.fields`` entry, as both the legacy and the ``crm.item.fields`` pages shape it."""
    out: dict[str, Any] = {
        "type": spec.type,
        "isRequired": spec.required,
        "isReadOnly": spec.read_only,
        "isImmutable": spec.immutable,
        "isMultiple": spec.multiple,
        "isDynamic": False,
    }
    if spec.deprecated:
        out["isDeprecated"] = True
    if spec.status_type:
        out["statusType"] = spec.status_type
    out["title"] = title
    if spec.settings is not None:
        out["settings"] = dict(spec.settings)
    return out


@dataclass(frozen=True)
class EntitySpec:
    """An entity: its table, entityTypeId, userfield ENTITY_ID and standard fields."""

    name: str
    type_id: int
    uf_entity: str
    owner_type: str
    fields: tuple[Field, ...]
    by_name: dict[str, Field] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        self.by_name.update({f.name: f for f in self.fields})

    @property
    def by_camel(self) -> dict[str, Field]:
        """Fields exposed by crm.item.*, by camelCase name."""
        return {f.item_name: f for f in self.fields if f.item_name}


def _f(name: str, type_: str, title: str, **kw: Any) -> Field:
    return Field(name, type_, title, **kw)


def _link(name: str, type_: str, title: str, parent: int, **kw: Any) -> Field:
    return Field(name, type_, title, settings={"parentEntityTypeId": parent}, **kw)


_ID = _f("ID", "integer", "ID", read_only=True)
_NAMES = (
    _f("HONORIFIC", "crm_status", "Salutation", status_type="HONORIFIC"),
    _f("NAME", "string", "First name"),
    _f("SECOND_NAME", "string", "Second name"),
    _f("LAST_NAME", "string", "Last name"),
)
_HAS = (
    _f("HAS_PHONE", "char", "Has phone", read_only=True),
    _f("HAS_EMAIL", "char", "Has email", read_only=True),
    _f("HAS_IMOL", "char", "Has Open Channel", read_only=True),
)
_PEOPLE_BY = (
    _f("ASSIGNED_BY_ID", "user", "Responsible person"),
    _f("CREATED_BY_ID", "user", "Created by", read_only=True),
    _f("MODIFY_BY_ID", "user", "Modified by", read_only=True),
)
_DATES = (
    _f("DATE_CREATE", "datetime", "Created on", read_only=True),
    _f("DATE_MODIFY", "datetime", "Modified on", read_only=True),
)
_SOURCE = (
    _f("SOURCE_ID", "crm_status", "Source", status_type="SOURCE"),
    _f("SOURCE_DESCRIPTION", "string", "Source information"),
)
_ORIGIN = (
    _f("ORIGINATOR_ID", "string", "External source"),
    _f("ORIGIN_ID", "string", "Item ID in data source"),
)
_ORIGIN_VERSION = _f("ORIGIN_VERSION", "string", "Original version")
_UTM = (
    _f("UTM_SOURCE", "string", "Ad system"),
    _f("UTM_MEDIUM", "string", "Traffic type"),
    _f("UTM_CAMPAIGN", "string", "Ad campaign UTM"),
    _f("UTM_CONTENT", "string", "Campaign contents"),
    _f("UTM_TERM", "string", "Campaign search term"),
)
_MOVED = (
    _f("MOVED_BY_ID", "user", "MOVED_BY_ID", read_only=True),
    _f("MOVED_TIME", "datetime", "MOVED_TIME", read_only=True),
)
_MONEY = (
    _f("CURRENCY_ID", "crm_currency", "Currency"),
    _f("OPPORTUNITY", "double", "Amount"),
    _f("IS_MANUAL_OPPORTUNITY", "char", "IS_MANUAL_OPPORTUNITY"),
)
_MULTI = tuple(_f(n, "crm_multifield", n.title(), multiple=True, camel="") for n in MULTIFIELDS)
_CONTACTS = (
    _f("CONTACT_ID", "crm_contact", "Contact", deprecated=True),
    _f("CONTACT_IDS", "crm_contact", "Contacts", multiple=True),
)


def _last_activity(*, read_only: bool = True) -> tuple[Field, ...]:
    """``LAST_ACTIVITY_TIME``/``_BY``: the creation (and creator) until a timeline activity moves them."""
    return (
        _f("LAST_ACTIVITY_TIME", "datetime", "Last activity", read_only=read_only),
        _f("LAST_ACTIVITY_BY", "user", "Last activity by", read_only=read_only),
    )


def _address(prefix: str, title: str, *, country_code_in_record: bool = True) -> tuple[Field, ...]:
    """The split address fields (crm-lead-fields.md and siblings): ``<prefix>``, ``_2`` ... ``_LOC_ADDR_ID``.

    Plain strings on the row; crm.item.* exposes only the first line, ``ADDRESS`` (``address``).
    """
    parts = [
        ("", title),
        ("_2", f"{title} (line 2)"),
        ("_CITY", "City"),
        ("_POSTAL_CODE", "Zip"),
        ("_REGION", "Region"),
        ("_PROVINCE", "State / Province"),
        ("_COUNTRY", "Country"),
    ]
    out = [
        _f(prefix + part, "string", text, camel=None if prefix + part == "ADDRESS" else "")
        for part, text in parts
    ]
    out.append(
        _f(prefix + "_COUNTRY_CODE", "string", "Country code", camel="", in_record=country_code_in_record)
    )
    out.append(_f(prefix + "_LOC_ADDR_ID", "integer", "Location address ID", camel=""))
    return tuple(out)


# Field order follows each entity's crm-X-fields.md example response.
LEAD = EntitySpec(
    "lead",
    1,
    "CRM_LEAD",
    "L",
    (
        _ID,
        _f("TITLE", "string", "Lead name"),
        *_NAMES,
        _f("BIRTHDATE", "date", "Date of birth"),
        _f("COMPANY_TITLE", "string", "Company name"),
        *_SOURCE,
        _f("STATUS_ID", "crm_status", "Stage", status_type="STATUS"),
        _f("STATUS_DESCRIPTION", "string", "More about this stage"),
        _f("STATUS_SEMANTIC_ID", "string", "Status details", read_only=True),
        _f("POST", "string", "Position"),
        *_address("ADDRESS", "Address"),
        *_MONEY,
        _f("OPENED", "char", "Available to everyone"),
        _f("COMMENTS", "string", "Comment"),
        *_HAS,
        *_PEOPLE_BY,
        *_MOVED[:1],
        *_DATES,
        *_MOVED[1:],
        _link("COMPANY_ID", "crm_company", "Company", 4),
        *_CONTACTS,
        _f("IS_RETURN_CUSTOMER", "char", "Repeat lead", read_only=True),
        _f("DATE_CLOSED", "datetime", "Completed on", read_only=True),
        *_ORIGIN,
        *_UTM,
        *_last_activity(),
        *_MULTI,
    ),
)

DEAL = EntitySpec(
    "deal",
    2,
    "CRM_DEAL",
    "D",
    (
        _ID,
        _f("TITLE", "string", "Name"),
        _f("TYPE_ID", "crm_status", "Type", status_type="DEAL_TYPE"),
        _f("CATEGORY_ID", "crm_category", "Pipeline", immutable=True),
        _f("STAGE_ID", "crm_status", "Deal stage", status_type="DEAL_STAGE"),
        _f("STAGE_SEMANTIC_ID", "string", "Stage group", read_only=True),
        _f("IS_NEW", "char", "New deal", read_only=True),
        _f("IS_RECURRING", "char", "Recurring deal"),
        # crm-deal-fields.md: writable (the crm-deal-add.md example writes both)
        _f("IS_RETURN_CUSTOMER", "char", "Repeat deal"),
        _f("IS_REPEATED_APPROACH", "char", "Repeat inquiry"),
        _f("PROBABILITY", "integer", "Probability"),
        *_MONEY,
        _f("TAX_VALUE", "double", "Tax rate"),
        _link("COMPANY_ID", "crm_company", "Company", 4),
        *_CONTACTS,
        _link("QUOTE_ID", "crm_quote", "Quote", 7, read_only=True),
        _f("BEGINDATE", "date", "Start date"),
        _f("CLOSEDATE", "date", "End date"),
        _f("OPENED", "char", "Available to everyone"),
        _f("CLOSED", "char", "Closed"),
        _f("COMMENTS", "string", "Comment"),
        *_PEOPLE_BY,
        *_MOVED[:1],
        *_DATES,
        *_MOVED[1:],
        *_SOURCE,
        _link("LEAD_ID", "crm_lead", "Lead", 1, read_only=True, item_writable=True),
        _f("ADDITIONAL_INFO", "string", "Additional information"),
        _f("LOCATION_ID", "location", "Location"),
        *_ORIGIN,
        *_UTM,
        *_last_activity(),
    ),
)

CONTACT = EntitySpec(
    "contact",
    3,
    "CRM_CONTACT",
    "C",
    (
        _ID,
        _NAMES[0],
        # crm-contact-fields.md marks the three name fields isRequired (one of them is enough on add)
        *(replace(f, required=True) for f in _NAMES[1:]),
        _f("PHOTO", "file", "Photo"),
        _f("BIRTHDATE", "date", "Date of birth"),
        _f("TYPE_ID", "crm_status", "Contact type", status_type="CONTACT_TYPE"),
        *_SOURCE,
        _f("POST", "string", "Position"),
        # crm-contact-get.md sends no ADDRESS_COUNTRY_CODE (crm-contact-fields.md lists it)
        *_address("ADDRESS", "Address", country_code_in_record=False),
        _f("COMMENTS", "string", "Comment"),
        _f("OPENED", "char", "Available to everyone"),
        _f("EXPORT", "char", "Included in export"),
        *_HAS,
        *_PEOPLE_BY,
        *_DATES,
        _f("COMPANY_ID", "crm_company", "Company", deprecated=True),
        _f("COMPANY_IDS", "crm_company", "Companies", multiple=True),
        _link("LEAD_ID", "crm_lead", "Lead", 1, read_only=True, item_writable=True),
        *_ORIGIN,
        _ORIGIN_VERSION,
        # crm-contact-get.md sends FACE_ID (crm-contact-fields.md does not list it)
        _f("FACE_ID", "integer", "Face ID", read_only=True, camel="", in_fields=False),
        *_UTM,
        *_last_activity(),
        *_MULTI,
    ),
)

COMPANY = EntitySpec(
    "company",
    4,
    "CRM_COMPANY",
    "CO",
    (
        _ID,
        _f("TITLE", "string", "Company name", required=True),
        _f("COMPANY_TYPE", "crm_status", "Company type", status_type="COMPANY_TYPE"),
        _f("LOGO", "file", "Logo"),
        *_address("ADDRESS", "Address"),
        _f("ADDRESS_LEGAL", "string", "Legal address"),
        *_address("REG_ADDRESS", "Legal address"),
        _f("BANKING_DETAILS", "string", "Payment details"),
        _f("INDUSTRY", "crm_status", "Industry", status_type="INDUSTRY"),
        _f("EMPLOYEES", "crm_status", "Employees", status_type="EMPLOYEES"),
        _f("CURRENCY_ID", "crm_currency", "Currency"),
        _f("REVENUE", "double", "Annual revenue"),
        _f("OPENED", "char", "Available to everyone"),
        _f("COMMENTS", "string", "Comment"),
        *_HAS,
        _f("IS_MY_COMPANY", "char", "My company"),
        *_PEOPLE_BY,
        *_DATES,
        # crm-company-fields.md: the company's contacts (multiple; not sent by get/list)
        _f("CONTACT_ID", "crm_contact", "Contact", multiple=True, camel=""),
        _link("LEAD_ID", "crm_lead", "Lead", 1, read_only=True, item_writable=True),
        *_ORIGIN,
        _ORIGIN_VERSION,
        *_UTM,
        # crm-company-fields.md alone marks these two writable
        *_last_activity(read_only=False),
        _f("LAST_COMMUNICATION_TIME", "string", "Last communication", read_only=True, camel=""),
        *_MULTI,
    ),
)

ENTITIES: dict[str, EntitySpec] = {spec.name: spec for spec in (LEAD, DEAL, CONTACT, COMPANY)}
ENTITY_BY_TYPE_ID: dict[int, EntitySpec] = {spec.type_id: spec for spec in ENTITIES.values()}
