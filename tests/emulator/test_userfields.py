"""User fields of CRM entities in the emulator (reference section 7)."""

from __future__ import annotations

from typing import Any

import pytest

from bitrix24_toolkit.testing.emulator.dispatch import execute
from bitrix24_toolkit.testing.emulator.state import PortalState
from bitrix24_toolkit.testing.emulator.userfield_store import userfield_names, userfields_for


def call(state: PortalState, method: str, **params: Any) -> tuple[int, dict[str, Any]]:
    return execute(state, method, params)


def ok(state: PortalState, method: str, **params: Any) -> Any:
    status, payload = call(state, method, **params)
    assert status == 200, payload
    return payload["result"]


HOLDING = {
    "FIELD_NAME": "HOLDING_PARENT",
    "USER_TYPE_ID": "crm",
    "XML_ID": "holding_parent",
    "LABEL": "Головная компания",
    "EDIT_FORM_LABEL": {"ru": "Головная компания", "en": "Parent company"},
    "MULTIPLE": "N",
    "MANDATORY": "N",
    "SHOW_FILTER": "Y",
    "SETTINGS": {"LEAD": "N", "CONTACT": "N", "COMPANY": "Y", "DEAL": "N"},
}


@pytest.fixture
def state() -> PortalState:
    return PortalState()


def test_add_and_get_holding_field(state: PortalState) -> None:
    field_id = ok(state, "crm.company.userfield.add", fields=HOLDING)
    assert isinstance(field_id, int)
    got = ok(state, "crm.company.userfield.get", id=field_id)
    assert got["ID"] == str(field_id)
    assert got["ENTITY_ID"] == "CRM_COMPANY"
    assert got["FIELD_NAME"] == "UF_CRM_HOLDING_PARENT"
    assert got["SORT"] == "100"
    assert got["SHOW_FILTER"] == "I"
    # SHOW_IN_LIST "Defaults to Y" (api-reference/crm/requisites/user-fields/crm-requisite-userfield-add.md)
    assert (got["MULTIPLE"], got["MANDATORY"], got["EDIT_IN_LIST"], got["SHOW_IN_LIST"]) == (
        "N",
        "N",
        "Y",
        "Y",
    )
    assert got["SETTINGS"] == {"LEAD": "N", "CONTACT": "N", "COMPANY": "Y", "DEAL": "N"}
    assert got["EDIT_FORM_LABEL"]["en"] == "Parent company"
    assert got["EDIT_FORM_LABEL"]["de"] == ""
    assert got["LIST_COLUMN_LABEL"]["de"] == "Головная компания"  # LABEL fills labels not given
    assert userfield_names(state, "company") == {"UF_CRM_HOLDING_PARENT"}
    assert [row["ID"] for row in userfields_for(state, "CRM_COMPANY")] == [field_id]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HOLDING", "UF_CRM_HOLDING"),
        ("UF_HOLDING", "UF_CRM_HOLDING"),
        ("holding", "UF_CRM_HOLDING"),
        ("uf_crm_holding", "UF_CRM_HOLDING"),
        ("UF_CRM_A1_B2", "UF_CRM_A1_B2"),
        ("X" * 43, "UF_CRM_" + "X" * 43),
    ],
)
def test_field_name_normalisation(state: PortalState, raw: str, expected: str) -> None:
    field_id = ok(state, "crm.deal.userfield.add", fields={"FIELD_NAME": raw, "USER_TYPE_ID": "string"})
    assert ok(state, "crm.deal.userfield.get", id=field_id)["FIELD_NAME"] == expected


@pytest.mark.parametrize("raw", ["HOLD-ING", "ХОЛДИНГ", "HOLD ING", "X" * 44, "UF_CRM_"])
def test_invalid_field_names_are_core_errors(state: PortalState, raw: str) -> None:
    status, payload = call(
        state, "crm.lead.userfield.add", fields={"FIELD_NAME": raw, "USER_TYPE_ID": "string"}
    )
    assert status == 400
    assert payload["error"] == "ERROR_CORE"


def test_duplicate_name_is_core_error_but_other_entity_is_fine(state: PortalState) -> None:
    ok(state, "crm.contact.userfield.add", fields={"FIELD_NAME": "TAG", "USER_TYPE_ID": "string"})
    status, payload = call(
        state, "crm.contact.userfield.add", fields={"FIELD_NAME": "UF_TAG", "USER_TYPE_ID": "string"}
    )
    assert (status, payload["error"]) == (400, "ERROR_CORE")
    assert ok(state, "crm.lead.userfield.add", fields={"FIELD_NAME": "TAG", "USER_TYPE_ID": "string"}) == 2


@pytest.mark.parametrize(
    ("fields", "missing"),
    [({"USER_TYPE_ID": "string"}, "FIELD_NAME"), ({"FIELD_NAME": "X"}, "USER_TYPE_ID")],
)
def test_missing_required_keys(state: PortalState, fields: dict[str, Any], missing: str) -> None:
    status, payload = call(state, "crm.company.userfield.add", fields=fields)
    assert status == 400
    assert payload == {"error": "", "error_description": f"The '{missing}' field is not found."}


def test_crm_settings_force_lead(state: PortalState) -> None:
    field_id = ok(state, "crm.deal.userfield.add", fields={"FIELD_NAME": "LINK", "USER_TYPE_ID": "crm"})
    assert ok(state, "crm.deal.userfield.get", id=field_id)["SETTINGS"] == {
        "LEAD": "Y",
        "CONTACT": "N",
        "COMPANY": "N",
        "DEAL": "N",
    }


def test_list_plain_labels_filter_and_order(state: PortalState) -> None:
    ok(state, "crm.company.userfield.add", fields=HOLDING | {"SORT": 300})
    ok(state, "crm.company.userfield.add", fields={"FIELD_NAME": "A", "USER_TYPE_ID": "string", "SORT": 200})
    ok(state, "crm.company.userfield.add", fields={"FIELD_NAME": "B", "USER_TYPE_ID": "integer", "SORT": 200})
    ok(state, "crm.deal.userfield.add", fields={"FIELD_NAME": "C", "USER_TYPE_ID": "string"})
    _status, payload = call(state, "crm.company.userfield.list")
    assert [row["FIELD_NAME"] for row in payload["result"]] == [
        "UF_CRM_A",
        "UF_CRM_B",
        "UF_CRM_HOLDING_PARENT",
    ]
    assert payload["total"] == 3
    ru = ok(state, "crm.company.userfield.list", filter={"LANG": "ru", "USER_TYPE_ID": "crm"})
    assert ru[0]["EDIT_FORM_LABEL"] == "Головная компания"
    en = ok(state, "crm.company.userfield.list", filter={"LANG": "en", "FIELD_NAME": "UF_CRM_HOLDING_PARENT"})
    assert en[0]["EDIT_FORM_LABEL"] == "Parent company"
    desc = ok(state, "crm.company.userfield.list", order={"ID": "DESC"})
    assert next(row["FIELD_NAME"] for row in desc) == "UF_CRM_B"


def test_list_pages_by_50_with_start(state: PortalState) -> None:
    """crm-deal-userfield-list.md: "returns a single page (max 50 records)"; ``start`` pages on."""
    for number in range(51):
        ok(state, "crm.deal.userfield.add", fields={"FIELD_NAME": f"F{number}", "USER_TYPE_ID": "string"})
    _status, first = call(state, "crm.deal.userfield.list", order={"ID": "ASC"})
    assert (len(first["result"]), first["total"], first["next"]) == (50, 51, 50)
    _status, second = call(state, "crm.deal.userfield.list", order={"ID": "ASC"}, start=50)
    assert [row["FIELD_NAME"] for row in second["result"]] == ["UF_CRM_F50"]
    assert "next" not in second


def test_update_ignores_immutable_keys(state: PortalState) -> None:
    field_id = ok(state, "crm.company.userfield.add", fields=HOLDING)
    changes = {
        "FIELD_NAME": "OTHER",
        "USER_TYPE_ID": "string",
        "MULTIPLE": "Y",
        "MANDATORY": "Y",
        "SORT": 50,
        "EDIT_FORM_LABEL": {"de": "Mutterfirma"},
    }
    assert ok(state, "crm.company.userfield.update", id=field_id, fields=changes) is True
    got = ok(state, "crm.company.userfield.get", id=field_id)
    assert (got["FIELD_NAME"], got["USER_TYPE_ID"], got["MULTIPLE"]) == ("UF_CRM_HOLDING_PARENT", "crm", "N")
    assert (got["MANDATORY"], got["SORT"]) == ("Y", "50")
    assert got["EDIT_FORM_LABEL"]["de"] == "Mutterfirma"
    assert got["EDIT_FORM_LABEL"]["en"] == "Parent company"


def test_delete_removes_values_and_other_entity_cannot_see_field(state: PortalState) -> None:
    field_id = ok(state, "crm.company.userfield.add", fields=HOLDING)
    company = state.insert("company", {"TITLE": "x", "UF_CRM_HOLDING_PARENT": "12"})
    status, payload = call(state, "crm.deal.userfield.get", id=field_id)
    assert (status, payload["error"]) == (400, "")
    assert ok(state, "crm.company.userfield.delete", id=field_id) is True
    assert "UF_CRM_HOLDING_PARENT" not in state.table("company")[company]
    # ERROR_NOT_FOUND, thrown with STATUS_NOT_FOUND (crm/companies/userfields/crm-company-userfield-get.md)
    assert call(state, "crm.company.userfield.get", id=field_id)[0] == 404


def test_enumeration_items(state: PortalState) -> None:
    field = {
        "FIELD_NAME": "SIZE",
        "USER_TYPE_ID": "enumeration",
        "LIST": [{"VALUE": "S"}, {"VALUE": "L", "SORT": 10}],
    }
    field_id = ok(state, "crm.lead.userfield.add", fields=field)
    items = ok(state, "crm.lead.userfield.get", id=field_id)["LIST"]
    assert [item["VALUE"] for item in items] == ["L", "S"]
    first = items[0]["ID"]
    ok(
        state,
        "crm.lead.userfield.update",
        id=field_id,
        fields={"LIST": [{"ID": first, "DEL": "Y"}, {"VALUE": "M"}]},
    )
    assert [item["VALUE"] for item in ok(state, "crm.lead.userfield.get", id=field_id)["LIST"]] == ["S", "M"]


def test_userfield_types(state: PortalState) -> None:
    types = ok(state, "crm.userfield.types")
    assert {"ID": "crm", "title": "Binding to CRM Entities"} in types
    assert types[0] == {"ID": "string", "title": "String"}
