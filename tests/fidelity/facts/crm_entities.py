"""Documented facts of the legacy ``crm.{lead,contact,company,deal}.*`` methods (area ``crm_entities``).

Record shapes come from the example response and the "Returned Data" table of each ``crm.X.get`` page
(path beside each record); ``*.fields`` descriptions are in :mod:`.crm_entity_fields`. Legacy numbers are
strings of digits, money decimal strings, dates ISO 8601 with an offset, flags ``Y``/``N``; multifields,
userfields and ``PARENT_ID_<n>`` keys appear only when the record has them. Errors: code, description and
HTTP status of the page's "Error Handling" section (the example JSON's text where the table drops the
final period).

Where pages disagree (noted beside the fact):

- ``crm.contact.get`` documents ``FACE_ID`` and no ``ADDRESS_COUNTRY_CODE``, while ``crm.contact.fields``
  lists ``ADDRESS_COUNTRY_CODE`` and no ``FACE_ID``. Both examples are captured portal answers, so each
  method follows its own page: the record carries ``FACE_ID`` and omits the country code, ``fields``
  the reverse.
- ``crm.lead.get`` shows ``COMPANY_ID: null``, ``crm.lead.list`` ``"0"`` for a lead without a company; a
  fresh lead is sent as ``null`` (both are allowed by the shape).
- Not found: ``crm.deal.*``/``crm.lead.*``/``crm.contact.get``/``crm.company.get`` say ``Not found``;
  ``crm.contact.update`` says ``Contact is not found``, ``crm.company.update``/``.delete`` ``Company is not
  found`` and ``crm.contact.delete`` ``ERROR_CORE`` ``Element not found``. Each method follows its page
  (the wording differs by method on real portals as well: the update/delete proxies check existence
  themselves).
- ``crm.company.fields`` marks ``LAST_ACTIVITY_TIME``/``_BY`` writable, the other three pages read-only;
  each entity follows its page.
- ``crm.deal.fields`` marks ``IS_RETURN_CUSTOMER``/``IS_REPEATED_APPROACH`` writable and the
  ``crm.deal.add`` example writes them; they are writable.
- The list pages say ``UF_*`` selects custom fields "excluding multiple fields", yet the same pages' default
  (``*`` + ``UF_*``) and portals in practice send multiple userfields (as arrays); they are selected.
- ``crm.company.get`` sends ``"REVENUE": "0"`` (a plain double), money fields ``"0.00"``: REVENUE is
  rendered without a fixed scale.
"""

from __future__ import annotations

from typing import Any

from ..shapes import DATETIME, DECSTR, INT, INTSTR, STR, YN, DocError, ListOf, MethodDoc, Obj, OneOf, Opt

__all__ = [
    "COMPANY_RECORD",
    "CONTACT_RECORD",
    "DEAL_RECORD",
    "ERRORS",
    "FILE_VALUE",
    "LEAD_RECORD",
    "METHODS",
    "MULTIFIELD",
    "RECORDS",
]

_BASE = "api-reference/crm"
_PAGES = {"lead": "leads", "contact": "contacts", "company": "companies", "deal": "deals"}

_NOT_EMULATED: dict[str, str] = {
    "add": "params REGISTER_SONET_EVENT (no live feed); PARENT_ID_<n> links (no smart processes); "
    "Access denied, disk quota and the currency check (no currency directory)",
    "update": "params REGISTER_SONET_EVENT/REGISTER_HISTORY_EVENT; PARENT_ID_<n> links; Access denied, "
    "disk quota and the currency check",
    "get": "PARENT_ID_<n> keys (no smart processes); Access denied (one admin user)",
    "list": "Access denied; 'Failed to get list. General error.'",
    "delete": "Access denied (one admin user)",
    "fields": "PARENT_ID_<n> entries (no smart processes); titles are the emulator's English ones",
}

#: method -> page and what the emulator leaves out of it
METHODS: dict[str, MethodDoc] = {
    f"crm.{entity}.{action}": MethodDoc(
        page=f"{_BASE}/{folder}/crm-{entity}-{action}.md", not_emulated=_NOT_EMULATED[action]
    )
    for entity, folder in _PAGES.items()
    for action in ("add", "get", "list", "update", "delete", "fields")
}

#: a multifield entry (PHONE/EMAIL/WEB/IM/LINK), every crm.X.get page's example
MULTIFIELD = Obj({"ID": INTSTR, "VALUE_TYPE": STR, "VALUE": STR, "TYPE_ID": STR})
_MULTI = {name: ListOf(MULTIFIELD, min_len=1) for name in ("PHONE", "EMAIL", "WEB", "IM", "LINK")}
_OSTR = Opt(STR)
_OID = Opt(INTSTR)
#: dates of the legacy API: ISO 8601, or "" when empty (crm.lead.get: "BIRTHDATE": "", "DATE_CLOSED": "")
_DATE_OR_EMPTY = OneOf(DATETIME, "")
_SEMANTIC = OneOf("P", "S", "F")
_UTM = {name: _OSTR for name in ("UTM_SOURCE", "UTM_MEDIUM", "UTM_CAMPAIGN", "UTM_CONTENT", "UTM_TERM")}
_ADDRESS_PARTS = ("", "_2", "_CITY", "_POSTAL_CODE", "_REGION", "_PROVINCE", "_COUNTRY", "_COUNTRY_CODE")


def _address(prefix: str, *, country_code: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        prefix + part: _OSTR for part in _ADDRESS_PARTS if country_code or part != "_COUNTRY_CODE"
    }
    out[prefix + "_LOC_ADDR_ID"] = _OID
    return out


def _record(keys: dict[str, Any], *, multifields: bool) -> Obj:
    optional = set(_MULTI) if multifields else set()
    return Obj({**keys, **(_MULTI if multifields else {})}, optional=frozenset(optional))


#: api-reference/crm/leads/crm-lead-get.md (example response + "Returned Data")
LEAD_RECORD = _record(
    {
        "ID": INTSTR,
        "TITLE": STR,
        "HONORIFIC": _OSTR,
        "NAME": _OSTR,
        "SECOND_NAME": _OSTR,
        "LAST_NAME": _OSTR,
        "COMPANY_TITLE": _OSTR,
        "COMPANY_ID": _OID,
        "CONTACT_ID": _OID,
        "IS_RETURN_CUSTOMER": YN,
        "BIRTHDATE": _DATE_OR_EMPTY,
        "SOURCE_ID": _OSTR,
        "SOURCE_DESCRIPTION": _OSTR,
        "STATUS_ID": STR,
        "STATUS_DESCRIPTION": _OSTR,
        "POST": _OSTR,
        "COMMENTS": _OSTR,
        "CURRENCY_ID": STR,
        "OPPORTUNITY": DECSTR,
        "IS_MANUAL_OPPORTUNITY": YN,
        "HAS_PHONE": YN,
        "HAS_EMAIL": YN,
        "HAS_IMOL": YN,
        "ASSIGNED_BY_ID": INTSTR,
        "CREATED_BY_ID": INTSTR,
        "MODIFY_BY_ID": INTSTR,
        "DATE_CREATE": DATETIME,
        "DATE_MODIFY": DATETIME,
        "DATE_CLOSED": _DATE_OR_EMPTY,
        "STATUS_SEMANTIC_ID": _SEMANTIC,
        "OPENED": YN,
        "ORIGINATOR_ID": _OSTR,
        "ORIGIN_ID": _OSTR,
        "MOVED_BY_ID": INTSTR,
        "MOVED_TIME": DATETIME,
        **_address("ADDRESS"),
        **_UTM,
        "LAST_ACTIVITY_BY": INTSTR,
        "LAST_ACTIVITY_TIME": DATETIME,
    },
    multifields=True,
)

#: api-reference/crm/deals/crm-deal-get.md (example response + "Deal Type" table)
DEAL_RECORD = _record(
    {
        "ID": INTSTR,
        "TITLE": STR,
        "TYPE_ID": _OSTR,
        "STAGE_ID": STR,
        "PROBABILITY": _OID,
        "CURRENCY_ID": STR,
        "OPPORTUNITY": DECSTR,
        "IS_MANUAL_OPPORTUNITY": YN,
        "TAX_VALUE": Opt(DECSTR),
        "LEAD_ID": _OID,
        "COMPANY_ID": _OID,
        "CONTACT_ID": _OID,
        "QUOTE_ID": _OID,
        "BEGINDATE": _DATE_OR_EMPTY,
        "CLOSEDATE": _DATE_OR_EMPTY,
        "ASSIGNED_BY_ID": INTSTR,
        "CREATED_BY_ID": INTSTR,
        "MODIFY_BY_ID": INTSTR,
        "DATE_CREATE": DATETIME,
        "DATE_MODIFY": DATETIME,
        "OPENED": YN,
        "CLOSED": YN,
        "COMMENTS": _OSTR,
        "ADDITIONAL_INFO": _OSTR,
        "LOCATION_ID": _OSTR,
        "CATEGORY_ID": INTSTR,
        "STAGE_SEMANTIC_ID": _SEMANTIC,
        "IS_NEW": YN,
        "IS_RECURRING": YN,
        "IS_RETURN_CUSTOMER": YN,
        "IS_REPEATED_APPROACH": YN,
        "SOURCE_ID": _OSTR,
        "SOURCE_DESCRIPTION": _OSTR,
        "ORIGINATOR_ID": _OSTR,
        "ORIGIN_ID": _OSTR,
        "MOVED_BY_ID": INTSTR,
        "MOVED_TIME": DATETIME,
        "LAST_ACTIVITY_TIME": DATETIME,
        **_UTM,
        "LAST_ACTIVITY_BY": INTSTR,
    },
    multifields=False,
)

#: a stored file as the read methods send it (null when none): tutorials/crm/how-to-add-crm-objects/
#: how-to-add-lead-with-files.md shows {"id": 37375, "showUrl": "...", "downloadUrl": "..."}
FILE_VALUE = Obj({"id": INT, "showUrl": STR, "downloadUrl": STR})

#: api-reference/crm/contacts/crm-contact-get.md (example response + table; FACE_ID yes, country code no)
CONTACT_RECORD = _record(
    {
        "ID": INTSTR,
        "POST": _OSTR,
        "COMMENTS": _OSTR,
        "HONORIFIC": _OSTR,
        "NAME": _OSTR,
        "SECOND_NAME": _OSTR,
        "LAST_NAME": _OSTR,
        "PHOTO": Opt(FILE_VALUE),
        "LEAD_ID": _OID,
        "TYPE_ID": _OSTR,
        "SOURCE_ID": _OSTR,
        "SOURCE_DESCRIPTION": _OSTR,
        "COMPANY_ID": _OID,
        "BIRTHDATE": _DATE_OR_EMPTY,
        "EXPORT": YN,
        "HAS_PHONE": YN,
        "HAS_EMAIL": YN,
        "HAS_IMOL": YN,
        "DATE_CREATE": DATETIME,
        "DATE_MODIFY": DATETIME,
        "ASSIGNED_BY_ID": INTSTR,
        "CREATED_BY_ID": INTSTR,
        "MODIFY_BY_ID": INTSTR,
        "OPENED": YN,
        "ORIGINATOR_ID": _OSTR,
        "ORIGIN_ID": _OSTR,
        "ORIGIN_VERSION": _OSTR,
        "FACE_ID": _OID,
        "LAST_ACTIVITY_TIME": DATETIME,
        **_address("ADDRESS", country_code=False),
        **_UTM,
        "LAST_ACTIVITY_BY": INTSTR,
    },
    multifields=True,
)

#: api-reference/crm/companies/crm-company-get.md (example response + table)
COMPANY_RECORD = _record(
    {
        "ID": INTSTR,
        "COMPANY_TYPE": _OSTR,
        "TITLE": STR,
        "LOGO": Opt(FILE_VALUE),
        "LEAD_ID": _OID,
        "HAS_PHONE": YN,
        "HAS_EMAIL": YN,
        "HAS_IMOL": YN,
        "ASSIGNED_BY_ID": INTSTR,
        "CREATED_BY_ID": INTSTR,
        "MODIFY_BY_ID": INTSTR,
        "BANKING_DETAILS": _OSTR,
        "INDUSTRY": _OSTR,
        "REVENUE": Opt(DECSTR),
        "CURRENCY_ID": _OSTR,
        "EMPLOYEES": _OSTR,
        "COMMENTS": _OSTR,
        "DATE_CREATE": DATETIME,
        "DATE_MODIFY": DATETIME,
        "OPENED": YN,
        "IS_MY_COMPANY": YN,
        "ORIGINATOR_ID": _OSTR,
        "ORIGIN_ID": _OSTR,
        "ORIGIN_VERSION": _OSTR,
        **_address("ADDRESS"),
        "ADDRESS_LEGAL": _OSTR,
        **_address("REG_ADDRESS"),
        **_UTM,
        "LAST_ACTIVITY_BY": INTSTR,
        "LAST_ACTIVITY_TIME": DATETIME,
        "LAST_COMMUNICATION_TIME": Opt(DATETIME),
    },
    multifields=True,
)

RECORDS: dict[str, Obj] = {
    "lead": LEAD_RECORD,
    "deal": DEAL_RECORD,
    "contact": CONTACT_RECORD,
    "company": COMPANY_RECORD,
}

_ID_INVALID = DocError("", "ID is not defined or invalid.", 400)
_NOT_FOUND = DocError("", "Not found", 400)

#: (method, case) -> documented error; every page's "Error Handling" section, HTTP 400 throughout
ERRORS: dict[tuple[str, str], DocError] = {
    # crm-deal-add.md / -update.md, crm-contact-add.md / -update.md, crm-company-add.md: the example JSON
    **{
        (f"crm.{e}.{a}", "fields not an object"): DocError("", "Parameter 'fields' must be array.", 400)
        for e in _PAGES
        for a in ("add", "update")
    },
    **{
        (f"crm.{e}.{a}", "params not an object"): DocError("", "Parameter 'params' must be array.", 400)
        for e in ("deal", "contact", "company")
        for a in ("add", "update")
    },
    # crm-X-get.md, crm-X-update.md, crm-X-delete.md: "ID is not defined or invalid" (the company pages
    # omit it; the company proxy shares the check of the other three, so it answers the same)
    **{(f"crm.{e}.{a}", "id invalid"): _ID_INVALID for e in _PAGES for a in ("get", "update", "delete")},
    # not found, per page
    ("crm.lead.get", "not found"): _NOT_FOUND,  # crm-lead-get.md
    ("crm.lead.update", "not found"): _NOT_FOUND,  # crm-lead-update.md
    ("crm.lead.delete", "not found"): _NOT_FOUND,  # crm-lead-delete.md
    ("crm.deal.get", "not found"): _NOT_FOUND,  # crm-deal-get.md
    ("crm.deal.update", "not found"): _NOT_FOUND,  # crm-deal-update.md
    ("crm.deal.delete", "not found"): _NOT_FOUND,  # crm-deal-delete.md
    ("crm.contact.get", "not found"): _NOT_FOUND,  # crm-contact-get.md
    ("crm.contact.update", "not found"): DocError("", "Contact is not found", 400),  # crm-contact-update.md
    ("crm.contact.delete", "not found"): DocError("ERROR_CORE", "Element not found", 400),  # -delete.md
    ("crm.company.get", "not found"): _NOT_FOUND,  # crm-company-get.md
    ("crm.company.update", "not found"): DocError("", "Company is not found", 400),  # -update.md
    ("crm.company.delete", "not found"): DocError("", "Company is not found", 400),  # -delete.md
    # crm-contact-add.md / -update.md, crm-company-add.md / -update.md: an invalid e-mail (the pages'
    # backticks around the label are markup)
    **{
        (f"crm.contact.{a}", "invalid email"): DocError(
            "ERROR_CORE", "The field Work e-mail contains an invalid address", 400
        )
        for a in ("add", "update")
    },
    **{
        (f"crm.company.{a}", "invalid email"): DocError(
            "ERROR_CORE", "The E-mail field contains an invalid address", 400
        )
        for a in ("add", "update")
    },
    # crm-X-list.md: "Parameter 'filter' must be array." / "Parameter 'order' must be array."
    **{
        (f"crm.{e}.list", "filter not an object"): DocError("", "Parameter 'filter' must be array.", 400)
        for e in _PAGES
    },
    **{
        (f"crm.{e}.list", "order not an object"): DocError("", "Parameter 'order' must be array.", 400)
        for e in _PAGES
    },
}
