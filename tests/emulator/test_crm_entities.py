"""Legacy crm.{lead,contact,company,deal}.* of the emulator: shapes, types, filters, paging, errors."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from bitrix24_toolkit.testing.emulator.dispatch import execute
from bitrix24_toolkit.testing.emulator.portal import Emulator
from bitrix24_toolkit.testing.emulator.state import PortalState

T0 = 1717000000.0  # 2024-05-29T19:26:40+03:00


@pytest.fixture
def state() -> PortalState:
    return PortalState(clock=lambda: T0)


def call(state: PortalState, method: str, **params: Any) -> Any:
    status, payload = execute(state, method, params)
    assert status == 200, payload
    return payload["result"]


def fail(state: PortalState, method: str, **params: Any) -> tuple[int, dict[str, Any]]:
    status, payload = execute(state, method, params)
    assert status >= 400
    return status, payload


def test_deal_add_get_types_and_defaults(state: PortalState) -> None:
    new_id = call(state, "crm.deal.add", fields={"TITLE": "D", "OPPORTUNITY": 15000, "FOO": "x", "ID": 77})
    assert new_id == 1
    deal = call(state, "crm.deal.get", id=new_id)
    assert deal["ID"] == "1"
    assert deal["OPPORTUNITY"] == "15000.00"
    assert deal["CURRENCY_ID"] == "RUB"
    assert deal["CATEGORY_ID"] == "0"
    assert deal["STAGE_ID"] == "NEW"
    assert deal["STAGE_SEMANTIC_ID"] == "P"
    assert deal["CLOSED"] == "N"
    assert deal["ASSIGNED_BY_ID"] == "1"
    assert deal["LEAD_ID"] is None
    assert deal["DATE_CREATE"] == "2024-05-29T19:26:40+03:00"
    assert deal["CLOSEDATE"] == "2024-06-05T00:00:00+03:00"
    assert "FOO" not in deal
    assert "PHONE" not in deal


def test_read_only_keys_ignored_unless_import(state: PortalState) -> None:
    lead = call(
        state,
        "crm.lead.add",
        fields={
            "TITLE": "L",
            "DATE_CREATE": "2020-01-01T10:00:00+03:00",
            "IS_RETURN_CUSTOMER": "Y",
            "CREATED_BY_ID": 9,
        },
    )
    got = call(state, "crm.lead.get", id=lead)
    assert got["DATE_CREATE"] == "2024-05-29T19:26:40+03:00"
    assert got["CREATED_BY_ID"] == "1"
    assert got["IS_RETURN_CUSTOMER"] == "N"
    imported = call(
        state,
        "crm.company.add",
        fields={"TITLE": "C", "DATE_CREATE": "2020-01-01T10:00:00+03:00", "CREATED_BY_ID": 9},
        params={"IMPORT": "Y"},
    )
    company = call(state, "crm.company.get", id=imported)
    assert company["DATE_CREATE"] == "2020-01-01T10:00:00+03:00"
    assert company["CREATED_BY_ID"] == "9"
    assert company["IS_MY_COMPANY"] == "N"


def test_lead_semantics(state: PortalState) -> None:
    lead = call(state, "crm.lead.add", fields={"TITLE": "L"})
    got = call(state, "crm.lead.get", id=lead)
    assert (got["STATUS_ID"], got["STATUS_SEMANTIC_ID"], got["DATE_CLOSED"]) == ("NEW", "P", "")
    company = call(state, "crm.company.add", fields={"TITLE": "Co"})
    call(state, "crm.lead.update", id=lead, fields={"STATUS_ID": "CONVERTED", "COMPANY_ID": company})
    got = call(state, "crm.lead.get", id=lead)
    assert got["STATUS_SEMANTIC_ID"] == "S"
    assert got["DATE_CLOSED"] == "2024-05-29T19:26:40+03:00"
    assert got["IS_RETURN_CUSTOMER"] == "Y"
    assert got["COMPANY_ID"] == str(company)


def test_deal_category_immutable_and_foreign_stage_ignored(state: PortalState) -> None:
    cat = call(state, "crm.category.add", entityTypeId=2, fields={"name": "B2B"})["category"]["id"]
    deal = call(state, "crm.deal.add", fields={"CATEGORY_ID": cat})
    assert call(state, "crm.deal.get", id=deal)["STAGE_ID"] == f"C{cat}:NEW"
    call(state, "crm.deal.update", id=deal, fields={"CATEGORY_ID": 0, "STAGE_ID": "WON"})
    got = call(state, "crm.deal.get", id=deal)
    assert (got["CATEGORY_ID"], got["STAGE_ID"]) == (str(cat), f"C{cat}:NEW")
    call(state, "crm.deal.update", id=deal, fields={"STAGE_ID": f"C{cat}:WON"})
    got = call(state, "crm.deal.get", id=deal)
    assert (got["STAGE_SEMANTIC_ID"], got["CLOSED"]) == ("S", "Y")


def test_multifield_rules(state: PortalState) -> None:
    cid = call(
        state,
        "crm.contact.add",
        fields={
            "NAME": "A",
            "PHONE": [
                {"VALUE": "+79990000001", "VALUE_TYPE": "WORK"},
                {"VALUE": "+79990000002", "VALUE_TYPE": "MOBILE"},
            ],
        },
    )
    phones = call(state, "crm.contact.get", id=cid)["PHONE"]
    assert all(isinstance(p["ID"], str) for p in phones)
    assert call(state, "crm.contact.get", id=cid)["HAS_PHONE"] == "Y"
    first, _second = phones
    call(
        state,
        "crm.contact.update",
        id=cid,
        fields={"PHONE": [{"ID": first["ID"], "VALUE": "+70000000000"}, {"VALUE": "+71111111111"}]},
    )
    values = [p["VALUE"] for p in call(state, "crm.contact.get", id=cid)["PHONE"]]
    assert values == ["+70000000000", "+79990000002", "+71111111111"]
    ids = [p["ID"] for p in call(state, "crm.contact.get", id=cid)["PHONE"]]
    call(state, "crm.contact.update", id=cid, fields={"PHONE": [{"ID": i, "VALUE": ""} for i in ids]})
    got = call(state, "crm.contact.get", id=cid)
    assert "PHONE" not in got
    assert got["HAS_PHONE"] == "N"


def test_errors(state: PortalState) -> None:
    assert fail(state, "crm.deal.get", id=5) == (400, {"error": "", "error_description": "Not found"})
    assert fail(state, "crm.deal.update", id=5, fields={})[1]["error_description"] == "Not found"
    assert fail(state, "crm.deal.delete", id=5)[1]["error_description"] == "Not found"
    assert fail(state, "crm.deal.get")[1]["error_description"] == "ID is not defined or invalid."
    assert (
        fail(state, "crm.deal.add", fields="x")[1]["error_description"] == "Parameter 'fields' must be array."
    )
    deal = call(state, "crm.deal.add", fields={})
    assert call(state, "crm.deal.delete", id=deal) is True
    fail(state, "crm.deal.get", id=deal)


def _seed(state: PortalState) -> None:
    for i in range(1, 6):
        call(
            state,
            "crm.company.add",
            fields={
                "TITLE": f"Firm {i}",
                "REVENUE": i * 100,
                "COMPANY_TYPE": "PARTNER" if i % 2 else "CUSTOMER",
            },
        )


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        ({">ID": 3}, [4, 5]),
        ({">=ID": 3}, [3, 4, 5]),
        ({"<ID": 3}, [1, 2]),
        ({"<=REVENUE": 200}, [1, 2]),
        ({"@ID": [1, 5]}, [1, 5]),
        ({"!@ID": [1, 5]}, [2, 3, 4]),
        ({"%TITLE": "rm 3"}, [3]),
        ({"=%TITLE": "Firm%"}, [1, 2, 3, 4, 5]),
        ({"!%TITLE": "3"}, [1, 2, 4, 5]),
        ({"COMPANY_TYPE": "CUSTOMER"}, [2, 4]),
        ({"=COMPANY_TYPE": "CUSTOMER"}, [2, 4]),
        ({"!COMPANY_TYPE": "CUSTOMER"}, [1, 3, 5]),
        ({"!=COMPANY_TYPE": "CUSTOMER"}, [1, 3, 5]),
        ({"UNKNOWN_FIELD": "x", ">ID": 4}, [5]),
    ],
)
def test_list_filter_operators(state: PortalState, flt: dict[str, Any], expected: list[int]) -> None:
    _seed(state)
    rows = call(state, "crm.company.list", filter=flt, select=["ID"])
    assert [int(r["ID"]) for r in rows] == expected


def test_list_order_and_select(state: PortalState) -> None:
    _seed(state)
    call(state, "crm.company.update", id=2, fields={"PHONE": [{"VALUE": "123"}]})
    rows = call(state, "crm.company.list", order={"REVENUE": "DESC"}, select=["TITLE"])
    assert [r["ID"] for r in rows] == ["5", "4", "3", "2", "1"]
    assert set(rows[0]) == {"ID", "TITLE"}
    star = call(state, "crm.company.list", select=["*"], filter={"ID": 2})[0]
    assert "PHONE" not in star
    assert "TITLE" in star
    assert "REVENUE" in star
    with_phone = call(state, "crm.company.list", select=["ID", "PHONE"], filter={"ID": 2})[0]
    assert with_phone["PHONE"][0]["VALUE"] == "123"
    default = call(state, "crm.company.list", filter={"ID": 1})[0]
    assert default["TITLE"] == "Firm 1"
    assert "PHONE" not in default


def test_userfields_in_get_select_and_fields(state: PortalState) -> None:
    state.insert(
        "userfield",
        {
            "ENTITY_ID": "CRM_DEAL",
            "FIELD_NAME": "UF_CRM_NOTE",
            "USER_TYPE_ID": "string",
            "MULTIPLE": "N",
            "MANDATORY": "N",
            "SORT": 100,
            "EDIT_FORM_LABEL": {"en": "Note"},
            "LIST_COLUMN_LABEL": {"en": "Note"},
        },
    )
    deal = call(state, "crm.deal.add", fields={"UF_CRM_NOTE": "hi", "UF_CRM_OTHER": "x"})
    got = call(state, "crm.deal.get", id=deal)
    assert got["UF_CRM_NOTE"] == "hi"
    assert "UF_CRM_OTHER" not in got
    rows = call(state, "crm.deal.list", select=["UF_*"])
    assert rows == [{"ID": "1", "UF_CRM_NOTE": "hi"}]
    assert call(state, "crm.deal.list", filter={"UF_CRM_NOTE": "hi"}, select=["ID"]) == [{"ID": "1"}]
    fields = call(state, "crm.deal.fields")
    assert fields["UF_CRM_NOTE"]["isDynamic"] is True
    assert fields["LEAD_ID"]["isReadOnly"] is True
    assert fields["CATEGORY_ID"]["isImmutable"] is True
    assert fields["STAGE_ID"]["statusType"] == "DEAL_STAGE"
    assert fields["COMPANY_ID"]["settings"] == {"parentEntityTypeId": 4}
    assert set(fields["TITLE"]) == {
        "type",
        "isRequired",
        "isReadOnly",
        "isImmutable",
        "isMultiple",
        "isDynamic",
        "title",
    }


@pytest.mark.parametrize(
    ("count", "start", "size", "total", "nxt"),
    [
        (0, 0, 0, 0, None),
        (1, 0, 1, 1, None),
        (50, 0, 50, 50, None),
        (51, 0, 50, 51, 50),
        (51, 50, 1, 51, None),
        (51, -1, 50, 0, None),
    ],
)
def test_paging(state: PortalState, count: int, start: int, size: int, total: int, nxt: int | None) -> None:
    for i in range(count):
        call(state, "crm.contact.add", fields={"NAME": f"N{i}"})
    status, payload = execute(state, "crm.contact.list", {"start": start, "select": ["ID"]})
    assert status == 200
    assert len(payload["result"]) == size
    assert payload["total"] == total
    assert payload.get("next") == nxt


def test_deal_contact_ids_and_contact_items(state: PortalState) -> None:
    c1 = call(state, "crm.contact.add", fields={"NAME": "A"})
    c2 = call(state, "crm.contact.add", fields={"NAME": "B"})
    deal = call(state, "crm.deal.add", fields={"CONTACT_IDS": [c1, c2]})
    assert call(state, "crm.deal.get", id=deal)["CONTACT_ID"] == str(c1)
    items = call(state, "crm.deal.contact.items.get", id=deal)
    assert items == [
        {"CONTACT_ID": c1, "SORT": 10, "ROLE_ID": 0, "IS_PRIMARY": "Y"},
        {"CONTACT_ID": c2, "SORT": 20, "ROLE_ID": 0, "IS_PRIMARY": "N"},
    ]
    call(
        state,
        "crm.deal.contact.items.set",
        id=deal,
        items=[{"CONTACT_ID": c1, "SORT": 10}, {"CONTACT_ID": c2, "SORT": 20, "IS_PRIMARY": "Y"}],
    )
    assert call(state, "crm.deal.get", id=deal)["CONTACT_ID"] == str(c2)
    # crm-deal-list.md: "The method does not support the field CONTACT_IDS" (crm.item.list has contactIds)
    assert "CONTACT_IDS" not in call(state, "crm.deal.list", select=["CONTACT_IDS"])[0]
    call(state, "crm.deal.contact.items.delete", id=deal)
    assert call(state, "crm.deal.contact.items.get", id=deal) == []
    assert call(state, "crm.deal.get", id=deal)["CONTACT_ID"] is None
    lead = call(state, "crm.lead.add", fields={})
    call(state, "crm.lead.contact.items.set", id=lead, items=[{"CONTACT_ID": c1}])
    assert call(state, "crm.lead.get", id=lead)["IS_RETURN_CUSTOMER"] == "Y"


def test_duplicates(state: PortalState) -> None:
    c = call(
        state,
        "crm.contact.add",
        fields={"PHONE": [{"VALUE": "+7 (999) 123-45-67"}], "EMAIL": [{"VALUE": "Info@Example.com"}]},
    )
    lead = call(state, "crm.lead.add", fields={"PHONE": [{"VALUE": "79991234567"}]})
    found = call(state, "crm.duplicate.findbycomm", type="PHONE", values=["79991234567"])
    assert found == {"LEAD": [lead], "CONTACT": [c]}
    only = call(
        state, "crm.duplicate.findbycomm", type="PHONE", values=["+7 999 123 45 67"], entity_type="CONTACT"
    )
    assert only == {"CONTACT": [c]}
    assert call(state, "crm.duplicate.findbycomm", type="EMAIL", values=["info@example.COM"]) == {
        "CONTACT": [c]
    }
    assert call(state, "crm.duplicate.findbycomm", type="EMAIL", values=["none@x.y"]) == []
    fail(state, "crm.duplicate.findbycomm", type="EMAIL", values=[f"{i}@x" for i in range(21)])


def test_end_to_end_over_http() -> None:
    emulator = Emulator(limits=None)
    with httpx.Client(transport=emulator.transport()) as http:
        added = http.post(emulator.webhook_url + "crm.deal.add", json={"fields": {"TITLE": "Over HTTP"}})
        assert added.json()["result"] == 1
        form = http.post(
            emulator.webhook_url + "crm.deal.list", data={"filter[>=ID]": "1", "select[]": "TITLE"}
        )
        body = form.json()
        assert body["result"] == [{"ID": "1", "TITLE": "Over HTTP"}]
        assert body["total"] == 1
        missing = http.post(emulator.webhook_url + "crm.deal.get", json={"id": 9})
        assert missing.status_code == 400
        assert missing.json() == {"error": "", "error_description": "Not found"}
