"""Documented facts of ``crm.status.*``, ``crm.category.*`` and ``crm.dealcategory.stage.list``.

Rows and descriptions come from the example responses and "Returned Data" tables of the pages under
``api-reference/crm/status/`` and ``api-reference/crm/universal/category/`` (path beside each fact).

Where pages disagree (noted beside the fact, and what was chosen):

- ``crm.status.*`` examples put the message in ``error`` and a paraphrase in ``error_description``; the
  ``crm.status.add`` table (and the legacy pages, e.g. ``crm-deal-get.md``) show the legacy proxy's real
  form: empty code, message in ``error_description``, HTTP 400. That form is used for every status error.
- ``crm.status.list`` lists ``Invalid parameters.`` without saying when; a non-object filter/order is
  refused by the legacy list proxy with ``Parameter 'filter' must be array.`` (``crm-deal-list.md``).
- ``crm.status.entity.types`` types ``CATEGORY_ID`` as integer, but its example sends ``0`` for
  ``DEAL_STAGE`` and ``"1"`` for ``DEAL_STAGE_1``: the example (a captured answer) is followed.
- ``crm.status.get``'s example has no ``EXTRA``, ``crm.status.list``'s has it on stage rows: ``EXTRA``
  only in lists.
- ``crm.status.update`` lists only NAME, SORT and COLOR as writable and ``crm.status.fields`` marks
  SEMANTICS immutable: SEMANTICS is not changed by an update.
- Missing funnel and unknown entityTypeId: the same messages as ``crm.item.*`` (see :mod:`.crm_items`).
"""

from __future__ import annotations

from typing import Any

from ..shapes import BOOL, DICT, INT, INTSTR, LIST, STR, YN, DocError, MethodDoc, Obj, OneOf, Opt
from .crm_items import ERRORS as ITEM_ERRORS

__all__ = [
    "CATEGORY_DEAL",
    "CATEGORY_DEFAULT",
    "CATEGORY_FIELDS",
    "ENTITY_ITEM",
    "ENTITY_TYPE",
    "ERRORS",
    "METHODS",
    "PLAIN_DIRECTORIES",
    "SEMANTIC_INFO",
    "STATUS_FIELDS",
    "STATUS_LIST_ROW",
    "STATUS_ROW",
]

_S = "api-reference/crm/status"
_C = "api-reference/crm/universal/category"

#: method -> page and what the emulator leaves out of it
METHODS: dict[str, MethodDoc] = {
    "crm.status.add": MethodDoc(
        f"{_S}/crm-status-add.md", "STATUS_ID length/character limits; Access denied"
    ),
    "crm.status.get": MethodDoc(f"{_S}/crm-status-get.md", "Access denied (one admin user)"),
    "crm.status.list": MethodDoc(
        f"{_S}/crm-status-list.md",
        "directories of invoices and smart processes; quote and call-list rows are the emulator's defaults",
    ),
    "crm.status.update": MethodDoc(f"{_S}/crm-status-update.md", "Access denied (one admin user)"),
    "crm.status.delete": MethodDoc(f"{_S}/crm-status-delete.md", "Access denied (one admin user)"),
    "crm.status.fields": MethodDoc(f"{_S}/crm-status-fields.md"),
    "crm.status.entity.types": MethodDoc(
        f"{_S}/crm-status-entity-types.md", "invoice, document and smart-process directories"
    ),
    "crm.status.entity.items": MethodDoc(f"{_S}/crm-status-entity-items.md", "Access denied"),
    "crm.category.add": MethodDoc(
        f"{_C}/crm-category-add.md", "funnels of smart processes and of contacts/companies: deals only"
    ),
    "crm.category.get": MethodDoc(f"{_C}/crm-category-get.md", "funnels other than deals'"),
    "crm.category.list": MethodDoc(f"{_C}/crm-category-list.md", "funnels other than deals'"),
    "crm.category.update": MethodDoc(f"{_C}/crm-category-update.md", "funnels other than deals'"),
    "crm.category.delete": MethodDoc(f"{_C}/crm-category-delete.md", "funnels other than deals'"),
    "crm.category.fields": MethodDoc(f"{_C}/crm-category-fields.md", "isSystem/code (smart processes only)"),
    "crm.dealcategory.stage.list": MethodDoc(
        "api-reference/crm/outdated/category-old/crm-deal-category-stage-list.md",
        "the page shows no answer: rows are {NAME, SORT, STATUS_ID}",
    ),
}

# ----------------------------------------------------------------------------------- crm.status.*
#: crm-status-get.md example and table: legacy strings, no EXTRA
STATUS_ROW = Obj(
    {
        "ID": INTSTR,
        "ENTITY_ID": STR,
        "STATUS_ID": STR,
        "NAME": STR,
        "NAME_INIT": STR,
        "SORT": INTSTR,
        "SYSTEM": YN,
        "CATEGORY_ID": Opt(INTSTR),
        "COLOR": Opt(STR),
        "SEMANTICS": Opt(OneOf("S", "F")),
    }
)
#: crm-status-list.md example: stage rows carry EXTRA {SEMANTICS, COLOR}
STATUS_LIST_ROW = Obj(
    {
        **STATUS_ROW.keys,
        "EXTRA": Obj({"SEMANTICS": OneOf("process", "success", "failure", "apology"), "COLOR": Opt(STR)}),
    },
    optional=frozenset({"EXTRA"}),
)


def _fd(type_: str, title: str, *, req: bool = False, ro: bool = False, imm: bool = False) -> dict[str, Any]:
    return {
        "type": type_,
        "isRequired": req,
        "isReadOnly": ro,
        "isImmutable": imm,
        "isMultiple": False,
        "isDynamic": False,
        "title": title,
    }


#: crm-status-fields.md example, whole
STATUS_FIELDS: dict[str, Any] = {
    "ID": _fd("integer", "ID", ro=True),
    "ENTITY_ID": _fd("string", "Entity ID", req=True, imm=True),
    "STATUS_ID": _fd("string", "Status", req=True, imm=True),
    "SORT": _fd("integer", "Sorting"),
    "NAME": _fd("string", "Name", req=True),
    "NAME_INIT": _fd("string", "Default Name", ro=True),
    "SYSTEM": _fd("char", "System", ro=True),
    "CATEGORY_ID": _fd("integer", "CATEGORY_ID", imm=True),
    "COLOR": _fd("string", "COLOR"),
    "SEMANTICS": _fd("char", "SEMANTICS", imm=True),
    "EXTRA": _fd("crm_status_extra", "Additional Fields"),
}

#: crm-status-entity-items.md example
ENTITY_ITEM = Obj({"NAME": STR, "SORT": INT, "STATUS_ID": STR})

#: crm-status-entity-types.md example: entries present on every portal (others: optional keys)
ENTITY_TYPE = Obj(
    {
        "ID": STR,
        "NAME": STR,
        "SEMANTIC_INFO": OneOf(DICT, LIST),
        "PREFIX": STR,
        "FIELD_ATTRIBUTE_SCOPE": STR,
        "ENTITY_TYPE_ID": INT,
        "IS_ENABLED": BOOL,
        "CATEGORY_ID": OneOf(INT, INTSTR),
        "PARENT_ID": STR,
        "CATEGORY_NAME": STR,
        "CATEGORY_SORT": INT,
        "IS_DEFAULT_CATEGORY": BOOL,
    },
    optional=frozenset(
        {
            "SEMANTIC_INFO",
            "PREFIX",
            "FIELD_ATTRIBUTE_SCOPE",
            "ENTITY_TYPE_ID",
            "IS_ENABLED",
            "CATEGORY_ID",
            "PARENT_ID",
            "CATEGORY_NAME",
            "CATEGORY_SORT",
            "IS_DEFAULT_CATEGORY",
        }
    ),
)
SEMANTIC_INFO = Obj(
    {"START_FIELD": STR, "FINAL_SUCCESS_FIELD": STR, "FINAL_UNSUCCESS_FIELD": STR, "FINAL_SORT": INT}
)
#: crm-status-entity-types.md example: the plain directories and their names
PLAIN_DIRECTORIES: dict[str, str] = {
    "SOURCE": "Sources",
    "CONTACT_TYPE": "Contact type",
    "COMPANY_TYPE": "Company type",
    "EMPLOYEES": "Number of employees",
    "INDUSTRY": "Industry",
    "DEAL_TYPE": "Deal type",
    "HONORIFIC": "Inquiries",
    "CALL_LIST": "Call statuses",
}

# --------------------------------------------------------------------------------- crm.category.*
#: crm-category-get.md example / crm-category-add.md "Object category" (deals: originId/originatorId)
CATEGORY_DEAL = Obj(
    {
        "id": INT,
        "name": STR,
        "sort": INT,
        "entityTypeId": 2,
        "isDefault": YN,
        "originId": STR,
        "originatorId": STR,
    }
)
#: crm-category-list.md example: the default deal funnel (id 0) has no originId/originatorId
CATEGORY_DEFAULT = Obj({"id": 0, "name": STR, "sort": INT, "entityTypeId": 2, "isDefault": "Y"})


def _cf(type_: str, upper: str, *, req: bool = False, ro: bool = False) -> dict[str, Any]:
    return {
        "type": type_,
        "isRequired": req,
        "isReadOnly": ro,
        "isImmutable": False,
        "isMultiple": False,
        "isDynamic": False,
        "title": upper,
        "upperName": upper,
    }


#: crm-category-fields.md example (entityTypeId 2), whole
CATEGORY_FIELDS: dict[str, Any] = {
    "id": _cf("integer", "ID", ro=True),
    "name": _cf("string", "NAME"),
    "sort": _cf("integer", "SORT"),
    "entityTypeId": _cf("integer", "ENTITY_TYPE_ID", req=True, ro=True),
    "isDefault": _cf("boolean", "IS_DEFAULT", ro=True),
    "originId": _cf("string", "ORIGIN_ID"),
    "originatorId": _cf("string", "ORIGINATOR_ID"),
}


# ---------------------------------------------------------------------------------------- errors
ERRORS: dict[str, DocError] = {
    **ITEM_ERRORS,
    # crm-category-*.md: a type without funnels; {entityTypeName} is the type's code
    "lead_funnels": DocError("ENTITY_TYPE_NOT_SUPPORTED", "Entity type LEAD is not supported", 400),
    # crm-category-add.md
    "category_name": DocError(0, "Field 'NAME' is required", 400),  # type: ignore[arg-type]
    # crm-category-delete.md (deals)
    "default_category": DocError(0, "Default deal category cannot be deleted", 400),  # type: ignore[arg-type]
    # crm-status-get.md / update / delete tables
    "status_not_found": DocError("", "Status is not found.", 400),
    "status_bad_id": DocError("", "Invalid identifier.", 400),
    "status_system": DocError(
        "", 'CRM System Status can be deleted only if parameter FORCED is specified and equal to "Y".', 400
    ),
    "status_in_use": DocError("", "There are active items in this status.", 400),
    # crm-status-add.md table
    "status_fields": DocError("", "Parameter 'fields' must be array.", 400),
    "status_entity_required": DocError("", "The field ENTITY_ID is required.", 400),
    "status_status_required": DocError("", "The field STATUS_ID is required.", 400),
    "status_name_required": DocError("", "The field Title is required.", 400),
    "status_entity_unknown": DocError("", "Specified entity type is not supported.", 400),
    "status_duplicate": DocError("ERROR_CORE", "The specified status ID already exists.", 400),
    "status_after_final": DocError(
        "",
        "Cannot create more stages after the final stage because the final successful stage already "
        "exists. Try using sort order values less than that of the final stage.",
        400,
    ),
    # crm-status-entity-items.md table
    "entity_items_id": DocError("", "The parameter entityId is not defined or invalid.", 400),
    # crm-deal-list.md (legacy list proxy), see the module note
    "status_filter": DocError("", "Parameter 'filter' must be array.", 400),
    "status_order": DocError("", "Parameter 'order' must be array.", 400),
}
