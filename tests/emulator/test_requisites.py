"""Requisite presets, requisites, bank details and addresses in the emulator (reference 6.1-6.4)."""

from __future__ import annotations

from typing import Any

import pytest

from bitrix24_toolkit.testing.emulator.dispatch import execute
from bitrix24_toolkit.testing.emulator.state import PortalState


def call(state: PortalState, method: str, **params: Any) -> tuple[int, dict[str, Any]]:
    return execute(state, method, params)


def ok(state: PortalState, method: str, **params: Any) -> Any:
    status, payload = call(state, method, **params)
    assert status == 200, payload
    return payload["result"]


def err(state: PortalState, method: str, **params: Any) -> dict[str, Any]:
    status, payload = call(state, method, **params)
    assert status == 400, payload
    return payload


@pytest.fixture
def state() -> PortalState:
    portal = PortalState(clock=lambda: 1_716_998_748.0)
    portal.insert("company", {"TITLE": "Ромашка", "IS_MY_COMPANY": "N"})  # id 1
    portal.insert("contact", {"NAME": "Ivan"})  # id 1
    return portal


def add_requisite(state: PortalState, **extra: Any) -> int:
    fields = {"ENTITY_TYPE_ID": 4, "ENTITY_ID": 1, "PRESET_ID": 1, "NAME": "Организация", **extra}
    return int(ok(state, "crm.requisite.add", fields=fields))


# ------------------------------------------------------------------------------------------- presets
def test_presets_are_seeded_lazily_with_ru_defaults(state: PortalState) -> None:
    assert "requisite_preset" not in state.tables
    rows = ok(state, "crm.requisite.preset.list", select=["ID", "NAME"], filter={"COUNTRY_ID": 1})
    assert rows == [
        {"ID": "1", "NAME": "Организация"},
        {"ID": "2", "NAME": "ИП"},
        {"ID": "3", "NAME": "Физ. лицо"},
        {"ID": "4", "NAME": "Организация (доп.)"},
    ]
    preset = ok(state, "crm.requisite.preset.get", id=1)
    assert preset["XML_ID"] == "#CRM_REQUISITE_PRESET_DEF_RU_COMPANY#"
    assert (preset["ENTITY_TYPE_ID"], preset["COUNTRY_ID"], preset["ACTIVE"]) == ("8", "1", "Y")
    assert preset["DATE_MODIFY"] == ""
    assert preset["DATE_CREATE"] == "2024-05-29T19:05:48+03:00"


def test_preset_field_list_takes_object_param_and_returns_ints(state: PortalState) -> None:
    status, payload = call(state, "crm.requisite.preset.field.list", preset={"ID": 1})
    assert status == 200
    names = [row["FIELD_NAME"] for row in payload["result"]]
    for code in ("RQ_INN", "RQ_KPP", "RQ_OGRN", "RQ_COMPANY_NAME", "RQ_DIRECTOR", "RQ_OKTMO", "RQ_ADDR"):
        assert code in names
    first = payload["result"][0]
    assert first == {"ID": 1, "FIELD_NAME": "RQ_INN", "FIELD_TITLE": "", "IN_SHORT_LIST": "Y", "SORT": 510}
    assert payload["total"] == len(names)
    ip_fields = [row["FIELD_NAME"] for row in ok(state, "crm.requisite.preset.field.list", preset={"ID": 2})]
    assert {"RQ_OGRNIP", "RQ_LAST_NAME", "RQ_FIRST_NAME", "RQ_SECOND_NAME"} <= set(ip_fields)
    assert err(state, "crm.requisite.preset.field.list", preset={"ID": 99})["error_description"] == (
        "The Preset with ID '99' is not found"
    )


def test_preset_countries_have_int_ids(state: PortalState) -> None:
    countries = ok(state, "crm.requisite.preset.countries")
    assert {"ID": 1, "CODE": "RU", "TITLE": "Russia"} in countries
    assert any(c["ID"] == 122 and c["CODE"] == "US" for c in countries)


# ----------------------------------------------------------------------------------------- requisites
def test_requisite_add_get_renders_strings_and_nulls(state: PortalState) -> None:
    rq_id = add_requisite(state, RQ_INN="1717586110", RQ_KPP="770501001", SORT=500)
    assert rq_id == 1
    row = ok(state, "crm.requisite.get", id=rq_id)
    assert row["ID"] == "1"
    assert row["ENTITY_TYPE_ID"] == "4"
    assert row["PRESET_ID"] == "1"
    assert row["RQ_INN"] == "1717586110"
    assert row["SORT"] == "500"
    assert row["RQ_OGRN"] is None
    assert row["MODIFY_BY_ID"] is None
    assert row["DATE_MODIFY"] == ""
    assert row["RQ_VAT_PAYER"] == "N"
    assert ok(state, "crm.requisite.update", id=rq_id, fields={"RQ_OGRN": 5077746476209}) is True
    updated = ok(state, "crm.requisite.get", id=rq_id)
    assert updated["RQ_OGRN"] == "5077746476209"
    assert updated["DATE_MODIFY"] != ""


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"ENTITY_TYPE_ID": 2, "ENTITY_ID": 1, "PRESET_ID": 1}, "ENTITY_TYPE_ID is not defined or invalid."),
        ({"ENTITY_ID": 1, "PRESET_ID": 1}, "ENTITY_TYPE_ID is not defined or invalid."),
        ({"ENTITY_TYPE_ID": 4, "PRESET_ID": 1}, "ENTITY_ID is not defined or invalid."),
        ({"ENTITY_TYPE_ID": 4, "ENTITY_ID": 1, "PRESET_ID": 77}, "PRESET_ID is not defined or invalid."),
        ({"ENTITY_TYPE_ID": 4, "ENTITY_ID": 9, "PRESET_ID": 1}, "Entity not found."),
        ({"ENTITY_TYPE_ID": 3, "ENTITY_ID": 9, "PRESET_ID": 3}, "Entity not found."),
    ],
)
def test_requisite_add_errors(state: PortalState, fields: dict[str, Any], message: str) -> None:
    assert err(state, "crm.requisite.add", fields=fields) == {"error": "", "error_description": message}


def test_requisite_not_found_errors(state: PortalState) -> None:
    expected = {"error": "", "error_description": "The Requisite with ID '57' is not found"}
    assert err(state, "crm.requisite.get", id=57) == expected
    assert err(state, "crm.requisite.update", id=57, fields={"NAME": "x"}) == expected
    assert err(state, "crm.requisite.delete", id="57") == expected


def test_requisite_list_filter_and_select_order(state: PortalState) -> None:
    add_requisite(state, NAME="Headquarters details")
    ok(state, "crm.requisite.add", fields={"ENTITY_TYPE_ID": 3, "ENTITY_ID": 1, "PRESET_ID": 3, "NAME": "P"})
    status, payload = call(
        state,
        "crm.requisite.list",
        filter={"ENTITY_TYPE_ID": 4, "ENTITY_ID": 1},
        select=["ENTITY_TYPE_ID", "ENTITY_ID", "ID", "NAME"],
    )
    assert payload["result"] == [
        {"ENTITY_TYPE_ID": "4", "ENTITY_ID": "1", "ID": "1", "NAME": "Headquarters details"}
    ]
    assert payload["total"] == 1
    assert status == 200


def test_requisite_userfield_values_round_trip(state: PortalState) -> None:
    ok(state, "crm.requisite.userfield.add", fields={"FIELD_NAME": "OKVED2", "USER_TYPE_ID": "string"})
    rq_id = add_requisite(state, UF_CRM_OKVED2="62.01", UF_CRM_UNKNOWN="dropped")
    row = ok(state, "crm.requisite.get", id=rq_id)
    assert row["UF_CRM_OKVED2"] == "62.01"
    assert "UF_CRM_UNKNOWN" not in row


# ------------------------------------------------------------------------------------ bank details
def test_bankdetail_crud_and_country_follows_preset(state: PortalState) -> None:
    rq_id = add_requisite(state)
    bank_id = ok(
        state,
        "crm.requisite.bankdetail.add",
        fields={"ENTITY_ID": rq_id, "NAME": "Superbank", "RQ_BIK": "044525225", "COUNTRY_ID": 122},
    )
    row = ok(state, "crm.requisite.bankdetail.get", id=bank_id)
    assert row["ENTITY_ID"] == str(rq_id)
    assert row["COUNTRY_ID"] == "1"
    assert row["RQ_BIK"] == "044525225"
    assert row["RQ_IBAN"] is None
    assert row["DATE_MODIFY"] == ""
    listed = ok(
        state,
        "crm.requisite.bankdetail.list",
        filter={"ENTITY_ID": rq_id},
        select=["ENTITY_ID", "ID", "NAME"],
    )
    assert listed == [{"ENTITY_ID": "1", "ID": str(bank_id), "NAME": "Superbank"}]
    assert ok(state, "crm.requisite.bankdetail.update", id=bank_id, fields={"RQ_ACC_NUM": "40702"}) is True
    assert ok(state, "crm.requisite.bankdetail.get", id=bank_id)["RQ_ACC_NUM"] == "40702"
    assert ok(state, "crm.requisite.bankdetail.delete", id=bank_id) is True
    assert err(state, "crm.requisite.bankdetail.get", id=bank_id)["error_description"] == (
        f"The RequisiteBankDetail with ID '{bank_id}' is not found"
    )


def test_bankdetail_needs_existing_requisite(state: PortalState) -> None:
    payload = err(state, "crm.requisite.bankdetail.add", fields={"ENTITY_ID": 42, "NAME": "x"})
    assert payload == {"error": "", "error_description": "ENTITY_ID is not defined or invalid."}


def test_bankdetail_country_of_us_preset(state: PortalState) -> None:
    rq_id = add_requisite(state, PRESET_ID=5)
    bank_id = ok(state, "crm.requisite.bankdetail.add", fields={"ENTITY_ID": rq_id, "NAME": "Chase"})
    assert ok(state, "crm.requisite.bankdetail.get", id=bank_id)["COUNTRY_ID"] == "122"


# ---------------------------------------------------------------------------------------- addresses
def test_address_add_list_update_delete(state: PortalState) -> None:
    rq_id = add_requisite(state)
    key = {"TYPE_ID": 6, "ENTITY_TYPE_ID": 8, "ENTITY_ID": rq_id}
    assert ok(state, "crm.address.add", fields={**key, "ADDRESS_1": "Тверская, 1", "CITY": "Москва"}) is True
    assert err(state, "crm.address.add", fields=key)["error_description"].startswith("TypeAddress exists")
    rows = ok(state, "crm.address.list", filter={"ENTITY_ID": rq_id})
    assert rows[0]["TYPE_ID"] == "6"
    assert rows[0]["ENTITY_TYPE_ID"] == "8"
    assert rows[0]["ENTITY_ID"] == "1"
    assert (rows[0]["ANCHOR_TYPE_ID"], rows[0]["ANCHOR_ID"]) == ("4", "1")
    assert rows[0]["COUNTRY_CODE"] is None
    assert rows[0]["LOC_ADDR_ID"].isdigit()
    assert ok(state, "crm.address.update", fields={**key, "POSTAL_CODE": 125009}) is True
    assert ok(state, "crm.address.list")[0]["POSTAL_CODE"] == "125009"
    assert ok(state, "crm.address.delete", fields=key) is True
    assert err(state, "crm.address.delete", fields=key)["error_description"] == "TypeAddress not found."
    assert err(state, "crm.address.update", fields=key)["error_description"] == "TypeAddress not found."


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"TYPE_ID": 2, "ENTITY_TYPE_ID": 8, "ENTITY_ID": 1}, "TYPE_ID is not defined or invalid."),
        ({"TYPE_ID": 1, "ENTITY_TYPE_ID": 2, "ENTITY_ID": 1}, "ENTITY_TYPE_ID is not defined or invalid."),
        ({"TYPE_ID": 1, "ENTITY_TYPE_ID": 8, "ENTITY_ID": 99}, "ENTITY_ID is not defined or invalid."),
    ],
)
def test_address_key_errors(state: PortalState, fields: dict[str, Any], message: str) -> None:
    add_requisite(state)
    assert err(state, "crm.address.add", fields=fields)["error_description"] == message


def test_address_types_enum(state: PortalState) -> None:
    items = ok(state, "crm.enum.addresstype")
    # order and names of api-reference/crm/auxiliary/enum/crm-enum-address-type.md's example
    assert [item["ID"] for item in items] == [11, 1, 6, 4, 8, 9]
    assert items[2] == {"ID": 6, "NAME": "Legal address", "SYMBOL_CODE": None, "SYMBOL_CODE_SHORT": None}


def test_rq_addr_in_requisite_add_and_update(state: PortalState) -> None:
    rq_id = add_requisite(state, RQ_ADDR={"6": {"ADDRESS_1": "Legal st."}, "1": {"CITY": "Тула"}})
    rows = {row["TYPE_ID"]: row for row in ok(state, "crm.address.list")}
    assert rows["6"]["ADDRESS_1"] == "Legal st."
    assert rows["1"]["CITY"] == "Тула"
    ok(
        state,
        "crm.requisite.update",
        id=rq_id,
        fields={"RQ_ADDR": {"6": {"CITY": "Москва"}, "1": {"DELETED": "Y"}}},
    )
    rows = {row["TYPE_ID"]: row for row in ok(state, "crm.address.list")}
    assert set(rows) == {"6"}
    assert rows["6"]["CITY"] == "Москва"
    assert rows["6"]["ADDRESS_1"] == "Legal st."


def test_requisite_delete_cascades(state: PortalState) -> None:
    rq_id = add_requisite(state, RQ_ADDR={"6": {"ADDRESS_1": "x"}})
    other = add_requisite(state, RQ_ADDR={"6": {"ADDRESS_1": "y"}})
    ok(state, "crm.requisite.bankdetail.add", fields={"ENTITY_ID": rq_id, "NAME": "b1"})
    ok(state, "crm.requisite.bankdetail.add", fields={"ENTITY_ID": other, "NAME": "b2"})
    assert ok(state, "crm.requisite.delete", id=rq_id) is True
    assert [row["NAME"] for row in ok(state, "crm.requisite.bankdetail.list")] == ["b2"]
    assert [row["ENTITY_ID"] for row in ok(state, "crm.address.list")] == [str(other)]
