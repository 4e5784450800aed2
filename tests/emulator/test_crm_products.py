"""crm.product.*: the legacy catalog with numbers as strings, paging, filters and legacy errors."""

from __future__ import annotations

from typing import Any

from bitrix24_toolkit.testing.emulator import Emulator


def _ok(emu: Emulator, method: str, params: dict[str, Any]) -> Any:
    status, body = emu.call(method, params)
    assert status == 200, body
    return body


def test_add_get_update_delete() -> None:
    emu = Emulator(limits="off")
    fields = {
        "NAME": "Тур в Сочи",
        "PRICE": "1500.5",
        "CURRENCY_ID": "RUB",
        "MEASURE": 9,
        "ID": 77,
        "BOGUS": 1,
    }
    product_id = _ok(emu, "crm.product.add", {"fields": fields})["result"]
    assert product_id == 1  # ID and unknown keys are ignored
    got = _ok(emu, "crm.product.get", {"id": product_id})["result"]
    assert got["ID"] == "1"
    assert got["PRICE"] == "1500.50"
    assert got["MEASURE"] == "9"
    assert (got["ACTIVE"], got["VAT_INCLUDED"], got["SECTION_ID"], got["CATALOG_ID"]) == (
        "Y",
        "N",
        None,
        "24",
    )
    assert "BOGUS" not in got
    # crm-product-update.md: "It is mandatory to specify CURRENCY_ID to set the price"
    fields = {"PRICE": 99, "CURRENCY_ID": "RUB", "ACTIVE": "N"}
    assert _ok(emu, "crm.product.update", {"id": 1, "fields": fields})["result"] is True
    got = _ok(emu, "crm.product.get", {"id": 1})["result"]
    assert (got["PRICE"], got["ACTIVE"]) == ("99.00", "N")
    assert _ok(emu, "crm.product.delete", {"id": 1})["result"] is True
    assert emu.call("crm.product.get", {"id": 1}) == (400, {"error": "", "error_description": "Not found"})


def test_name_is_required_and_ids_checked() -> None:
    emu = Emulator(limits="off")
    status, body = emu.call("crm.product.add", {"fields": {"PRICE": 1}})
    assert status == 400
    assert "NAME" in body["error_description"]
    status, body = emu.call("crm.product.get", {"id": "x"})
    assert (status, body["error_description"]) == (400, "ID is not defined or invalid.")


def test_list_pages_filters_and_selects() -> None:
    emu = Emulator(limits="off")
    for n in range(1, 61):
        _ok(emu, "crm.product.add", {"fields": {"NAME": f"Товар {n}", "PRICE": n * 10}})
    first = _ok(emu, "crm.product.list", {"order": {"ID": "ASC"}})
    assert (len(first["result"]), first["total"], first["next"]) == (50, 60, 50)
    rest = _ok(emu, "crm.product.list", {"start": 50})
    assert [r["ID"] for r in rest["result"]] == [str(n) for n in range(51, 61)]
    assert "next" not in rest
    cheap = _ok(emu, "crm.product.list", {"filter": {"<=PRICE": 30}, "select": ["NAME"]})
    assert cheap["result"] == [
        {"ID": "1", "NAME": "Товар 1"},
        {"ID": "2", "NAME": "Товар 2"},
        {"ID": "3", "NAME": "Товар 3"},
    ]
    named = _ok(emu, "crm.product.list", {"filter": {"@ID": [5, 7]}, "order": {"PRICE": "DESC"}})
    assert [r["NAME"] for r in named["result"]] == ["Товар 7", "Товар 5"]
    assert emu.call("crm.product.list", {"filter": {"COLOUR": "red"}})[0] == 400


def test_fields_describe_the_catalog() -> None:
    fields = _ok(Emulator(limits="off"), "crm.product.fields", {})["result"]
    assert fields["PRICE"]["type"] == "double"
    assert fields["NAME"]["isRequired"] is True
    assert fields["ID"]["isReadOnly"] is True
