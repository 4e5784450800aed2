"""``crm.status.*``, ``crm.category.*`` and ``crm.dealcategory.stage.list`` against the official pages.

Facts are in :mod:`.facts.crm_items` (pages ``api-reference/crm/status/``, ``.../universal/category/`` and
``.../outdated/category-old/crm-deal-category-stage-list.md``).
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Portal
from .facts.crm_directories import (
    CATEGORY_DEAL,
    CATEGORY_DEFAULT,
    CATEGORY_FIELDS,
    ENTITY_ITEM,
    ENTITY_TYPE,
    ERRORS,
    PLAIN_DIRECTORIES,
    SEMANTIC_INFO,
    STATUS_FIELDS,
    STATUS_LIST_ROW,
    STATUS_ROW,
)
from .shapes import INTSTR, STR, ListOf, Obj, assert_shape

# ---------------------------------------------------------------------------------------- statuses
#: crm-status-list.md example: the default deal stages, in SORT order
_DEAL_STAGES = [
    ("NEW", "process"),
    ("PREPARATION", "process"),
    ("PREPAYMENT_INVOICE", "process"),
    ("EXECUTING", "process"),
    ("FINAL_INVOICE", "process"),
    ("WON", "success"),
    ("LOSE", "failure"),
    ("APOLOGY", "apology"),
]


def test_status_list_answers_rows_with_extra_and_total(portal: Portal) -> None:
    # crm-status-list.md example request and answer
    answer = portal.call("crm.status.list", {"order": {"SORT": "ASC"}, "filter": {"ENTITY_ID": "DEAL_STAGE"}})
    assert answer.status == 200
    assert_shape(answer.result, ListOf(STATUS_LIST_ROW, min_len=8))
    assert answer.body["total"] == len(answer.result) == 8
    assert [(r["STATUS_ID"], r["EXTRA"]["SEMANTICS"]) for r in answer.result] == _DEAL_STAGES
    assert [r["SEMANTICS"] for r in answer.result][-3:] == ["S", "F", "F"]
    assert all(r["CATEGORY_ID"] is None for r in answer.result)


def test_status_list_refuses_a_non_object_filter(portal: Portal) -> None:
    portal.error("crm.status.list", {"filter": "ENTITY_ID"}, ERRORS["status_filter"])
    portal.error("crm.status.list", {"order": "SORT"}, ERRORS["status_order"])


def _add_decision(portal: Portal) -> int:
    funnel = portal.ok("crm.category.add", {"entityTypeId": 2, "fields": {"name": "Funnel 1"}})["category"]
    fields = {"ENTITY_ID": f"DEAL_STAGE_{funnel['id']}", "STATUS_ID": "DECISION", "NAME": "Decision making"}
    new_id = portal.ok("crm.status.add", {"fields": {**fields, "SORT": 55, "COLOR": "#FFA900"}})
    assert isinstance(new_id, int)
    return new_id


def test_status_add_prefixes_funnel_stages_and_get_answers_the_row(portal: Portal) -> None:
    # crm-status-add.md example (funnel 1) and crm-status-get.md example
    new_id = _add_decision(portal)
    row = portal.ok("crm.status.get", {"id": new_id})
    assert_shape(row, STATUS_ROW)  # no EXTRA in crm.status.get
    assert (row["STATUS_ID"], row["CATEGORY_ID"], row["SORT"], row["NAME_INIT"], row["SYSTEM"]) == (
        "C1:DECISION",
        "1",
        "55",
        "",
        "N",
    )


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ("DEAL_STAGE", "status_fields"),
        ({"STATUS_ID": "X", "NAME": "x"}, "status_entity_required"),
        ({"ENTITY_ID": "SOURCE", "NAME": "x"}, "status_status_required"),
        ({"ENTITY_ID": "SOURCE", "STATUS_ID": "X"}, "status_name_required"),
        ({"ENTITY_ID": "NO_SUCH_DIRECTORY", "STATUS_ID": "X", "NAME": "x"}, "status_entity_unknown"),
        ({"ENTITY_ID": "SOURCE", "STATUS_ID": "WEB", "NAME": "x"}, "status_duplicate"),
        ({"ENTITY_ID": "DEAL_STAGE", "STATUS_ID": "LATE", "NAME": "x", "SORT": 65}, "status_after_final"),
    ],
)
def test_status_add_refusals(portal: Portal, fields: Any, error: str) -> None:
    # crm-status-add.md error table
    portal.error("crm.status.add", {"fields": fields}, ERRORS[error])


def test_status_update_and_delete(portal: Portal) -> None:
    # crm-status-update.md / crm-status-delete.md examples: result true
    new_id = _add_decision(portal)
    assert (
        portal.ok("crm.status.update", {"id": new_id, "fields": {"NAME": "New name", "COLOR": "#00A9F4"}})
        is True
    )
    row = portal.ok("crm.status.get", {"id": new_id})
    assert (row["NAME"], row["COLOR"]) == ("New name", "#00A9F4")
    assert portal.ok("crm.status.delete", {"id": new_id}) is True
    portal.error("crm.status.get", {"id": new_id}, ERRORS["status_not_found"])


def test_status_update_delete_refusals(portal: Portal) -> None:
    # crm-status-update.md / crm-status-delete.md error tables
    for method in ("crm.status.update", "crm.status.delete"):
        portal.error(method, {"id": "x", "fields": {"NAME": "n"}}, ERRORS["status_bad_id"])
        portal.error(method, {"id": 99999, "fields": {"NAME": "n"}}, ERRORS["status_not_found"])
    won = next(
        r
        for r in portal.ok("crm.status.list", {"filter": {"ENTITY_ID": "DEAL_STAGE"}})
        if r["STATUS_ID"] == "WON"
    )
    portal.error("crm.status.delete", {"id": won["ID"]}, ERRORS["status_system"])
    preparation = next(
        r
        for r in portal.ok("crm.status.list", {"filter": {"ENTITY_ID": "DEAL_STAGE"}})
        if r["STATUS_ID"] == "PREPARATION"
    )
    portal.ok("crm.item.add", {"entityTypeId": 2, "fields": {"stageId": "PREPARATION"}})
    portal.error("crm.status.delete", {"id": preparation["ID"]}, ERRORS["status_in_use"])
    assert portal.ok("crm.status.delete", {"id": won["ID"], "params": {"FORCED": "Y"}}) is True


def test_status_fields_match_the_page(portal: Portal) -> None:
    # crm-status-fields.md example, whole
    assert portal.ok("crm.status.fields", {}) == STATUS_FIELDS


def test_status_entity_items(portal: Portal) -> None:
    # crm-status-entity-items.md example request and answer
    items = portal.ok("crm.status.entity.items", {"entityId": "DEAL_STAGE"})
    assert_shape(items, ListOf(ENTITY_ITEM, min_len=8))
    assert [i["STATUS_ID"] for i in items] == [code for code, _ in _DEAL_STAGES]
    assert [i["SORT"] for i in items] == [10, 20, 30, 40, 50, 60, 70, 80]
    portal.error("crm.status.entity.items", {}, ERRORS["entity_items_id"])


def test_status_entity_types(portal: Portal) -> None:
    # crm-status-entity-types.md example
    portal.ok("crm.category.add", {"entityTypeId": 2, "fields": {"name": "Newest", "sort": 100}})
    types = portal.ok("crm.status.entity.types", {})
    assert_shape(types, ListOf(ENTITY_TYPE, min_len=10))
    by_id = {t["ID"]: t for t in types}
    assert {k: by_id[k]["NAME"] for k in PLAIN_DIRECTORIES} == PLAIN_DIRECTORIES
    assert all(set(by_id[k]) == {"ID", "NAME"} for k in PLAIN_DIRECTORIES)
    lead = by_id["STATUS"]
    assert_shape(lead["SEMANTIC_INFO"], SEMANTIC_INFO)
    assert (lead["NAME"], lead["ENTITY_TYPE_ID"]) == ("Lead stages", 1)
    deal = by_id["DEAL_STAGE"]
    assert (deal["NAME"], deal["FIELD_ATTRIBUTE_SCOPE"], deal["ENTITY_TYPE_ID"], deal["CATEGORY_ID"]) == (
        "General deal stages",
        "",
        2,
        0,
    )
    quote = by_id["QUOTE_STATUS"]
    assert (quote["NAME"], quote["ENTITY_TYPE_ID"], quote["SEMANTIC_INFO"]["FINAL_UNSUCCESS_FIELD"]) == (
        "Quote stages",
        7,
        "DECLAINED",
    )
    funnel = by_id["DEAL_STAGE_1"]
    assert_shape(funnel["SEMANTIC_INFO"], SEMANTIC_INFO)
    assert funnel["SEMANTIC_INFO"]["START_FIELD"] == "C1:NEW"
    assert (funnel["NAME"], funnel["PARENT_ID"], funnel["PREFIX"], funnel["FIELD_ATTRIBUTE_SCOPE"]) == (
        "Newest deal stages",
        "DEAL_STAGE",
        "C1",
        "category_1",
    )
    assert (funnel["ENTITY_TYPE_ID"], funnel["CATEGORY_ID"]) == (2, "1")


# --------------------------------------------------------------------------------------- funnels
def test_category_add_get_update(portal: Portal) -> None:
    # crm-category-add.md example (adapted to deals: isDefault is not writable there)
    fields = {"name": "New Default Funnel", "sort": 50, "isDefault": "Y"}
    added = portal.ok("crm.category.add", {"entityTypeId": 2, "fields": fields})
    assert_shape(added, Obj({"category": CATEGORY_DEAL}))
    assert (added["category"]["name"], added["category"]["sort"], added["category"]["isDefault"]) == (
        "New Default Funnel",
        50,
        "N",
    )
    cat_id = added["category"]["id"]
    # crm-category-get.md example request
    got = portal.ok("crm.category.get", {"entityTypeId": 2, "id": cat_id})
    assert got == added
    # crm-category-update.md example (deals): name and sort change; a negative sort becomes 0
    fields = {"name": "New Funnel Name", "sort": 1000, "isDefault": "Y"}
    updated = portal.ok("crm.category.update", {"entityTypeId": 2, "id": cat_id, "fields": fields})
    assert_shape(updated, Obj({"category": CATEGORY_DEAL}))
    assert (updated["category"]["name"], updated["category"]["sort"], updated["category"]["isDefault"]) == (
        "New Funnel Name",
        1000,
        "N",
    )
    fields = {"sort": -5}
    assert (
        portal.ok("crm.category.update", {"entityTypeId": 2, "id": cat_id, "fields": fields})["category"][
            "sort"
        ]
        == 0
    )


def test_category_list(portal: Portal) -> None:
    # crm-category-list.md example: added funnels and the default one (id 0, no origin keys), by sort
    for name in ("Funnel with Original Name", "Lead Route"):
        portal.ok("crm.category.add", {"entityTypeId": 2, "fields": {"name": name, "sort": 200}})
    answer = portal.call("crm.category.list", {"entityTypeId": 2})
    assert answer.status == 200
    assert answer.body["total"] == 3
    rows = answer.result["categories"]
    assert_shape(rows[:2], ListOf(CATEGORY_DEAL))
    assert_shape(rows[2], CATEGORY_DEFAULT)


def test_category_delete(portal: Portal) -> None:
    # crm-category-delete.md example: result null
    cat_id = portal.ok("crm.category.add", {"entityTypeId": 2, "fields": {"name": "Doomed"}})["category"][
        "id"
    ]
    answer = portal.call("crm.category.delete", {"entityTypeId": 2, "id": cat_id})
    assert (answer.status, answer.body["result"]) == (200, None)
    portal.error("crm.category.get", {"entityTypeId": 2, "id": cat_id}, ERRORS["item_not_found"])


def test_category_refusals(portal: Portal) -> None:
    # crm-category-*.md error tables
    portal.error("crm.category.list", {"entityTypeId": 1152}, ERRORS["type_not_found"])
    portal.error("crm.category.fields", {"entityTypeId": 1}, ERRORS["lead_funnels"])
    portal.error("crm.category.add", {"entityTypeId": 2, "fields": {"sort": 10}}, ERRORS["category_name"])
    portal.error("crm.category.get", {"entityTypeId": 2, "id": 77}, ERRORS["item_not_found"])
    portal.error("crm.category.update", {"entityTypeId": 2, "id": 77, "fields": {}}, ERRORS["item_not_found"])
    portal.error("crm.category.delete", {"entityTypeId": 2, "id": 0}, ERRORS["default_category"])
    cat_id = portal.ok("crm.category.add", {"entityTypeId": 2, "fields": {"name": "Busy"}})["category"]["id"]
    portal.ok("crm.item.add", {"entityTypeId": 2, "fields": {"categoryId": cat_id}})
    answer = portal.call("crm.category.delete", {"entityTypeId": 2, "id": cat_id})
    assert (answer.status, answer.body["error"], answer.body["error_description"]) == (
        400,
        0,
        "Deals related to the funnel Busy found",
    )


def test_category_fields_match_the_page(portal: Portal) -> None:
    # crm-category-fields.md example, whole
    assert portal.ok("crm.category.fields", {"entityTypeId": 2}) == {"fields": CATEGORY_FIELDS}


def test_dealcategory_stage_list(portal: Portal) -> None:
    # crm-deal-category-stage-list.md: stages of a funnel; the default one for id 0; nothing for an unknown
    cat_id = portal.ok("crm.category.add", {"entityTypeId": 2, "fields": {"name": "F"}})["category"]["id"]
    rows = portal.ok("crm.dealcategory.stage.list", {"id": str(cat_id)})
    # the page shows no answer: rows as crm.status.list's equivalent legacy call, SORT a digit string
    assert_shape(rows, ListOf(Obj({"NAME": STR, "SORT": INTSTR, "STATUS_ID": STR}), min_len=8))
    assert rows[0]["STATUS_ID"] == f"C{cat_id}:NEW"
    assert next(r["STATUS_ID"] for r in portal.ok("crm.dealcategory.stage.list", {"id": 0})) == "NEW"
    assert portal.ok("crm.dealcategory.stage.list", {"id": 10}) == []
