"""crm.item.*, crm.status.*, crm.category.*, crm.stagehistory.list and product rows of the emulator."""

from __future__ import annotations

from typing import Any

import pytest

from bitrix24_toolkit.testing.emulator.dispatch import execute
from bitrix24_toolkit.testing.emulator.methods.crm_stagehistory import record_stage_change
from bitrix24_toolkit.testing.emulator.state import PortalState

T0 = 1717000000.0


@pytest.fixture
def state() -> PortalState:
    return PortalState(clock=lambda: T0)


def call(state: PortalState, method: str, **params: Any) -> Any:
    status, payload = execute(state, method, params)
    assert status == 200, payload
    return payload


def test_item_add_get_ints_and_legacy_consistency(state: PortalState) -> None:
    lead = call(state, "crm.lead.add", fields={"TITLE": "L"})["result"]
    item = call(
        state,
        "crm.item.add",
        entityTypeId=2,
        fields={"title": "I", "opportunity": 1500.5, "leadId": lead, "foo": 1},
    )["result"]["item"]
    assert item["id"] == 1
    assert item["leadId"] == lead
    assert item["opportunity"] == 1500.5
    assert item["categoryId"] == 0
    assert item["stageId"] == "NEW"
    assert item["assignedById"] == 1
    assert item["createdTime"] == "2024-05-29T19:26:40+03:00"
    assert item["entityTypeId"] == 2
    legacy = call(state, "crm.deal.get", id=1)["result"]
    assert legacy["LEAD_ID"] == str(lead)
    assert legacy["OPPORTUNITY"] == "1500.50"
    call(state, "crm.deal.add", fields={"TITLE": "legacy"})
    got = call(state, "crm.item.get", entityTypeId=2, id=2)["result"]["item"]
    assert got["title"] == "legacy"
    assert got["id"] == 2


def test_item_errors(state: PortalState) -> None:
    status, payload = execute(state, "crm.item.get", {"entityTypeId": 2, "id": 9})
    assert (status, payload["error"], payload["error_description"]) == (400, "NOT_FOUND", "Element not found")
    status, payload = execute(state, "crm.item.list", {"entityTypeId": 999})
    # crm-item-list.md: an unknown entityTypeId is NOT_FOUND
    assert (status, payload["error"], payload["error_description"]) == (
        400,
        "NOT_FOUND",
        "Smart process not found",
    )


def test_item_list_filter_logic_or_select_and_paging(state: PortalState) -> None:
    for i in range(1, 53):
        call(state, "crm.item.add", entityTypeId=4, fields={"title": f"Co {i}"})
    page = call(state, "crm.item.list", entityTypeId=4, order={"id": "DESC"}, select=["title"])
    assert page["total"] == 52
    assert page["next"] == 50
    assert page["result"]["items"][0] == {"id": 52, "title": "Co 52"}
    flt = {">id": 50, "0": {"logic": "OR", "1": {"title": "Co 1"}, "2": {"=title": "Co 52"}}}
    rows = call(state, "crm.item.list", entityTypeId=4, filter=flt, select=["id"])["result"]["items"]
    assert rows == [{"id": 52}]
    fast = call(state, "crm.item.list", entityTypeId=4, filter={">id": 2}, start=-1)
    assert fast["total"] == 0
    assert "next" not in fast
    assert len(fast["result"]["items"]) == 50
    assert "fm" in fast["result"]["items"][0]


def test_item_userfield_names(state: PortalState) -> None:
    state.insert(
        "userfield",
        {
            "ENTITY_ID": "CRM_COMPANY",
            "FIELD_NAME": "UF_CRM_1747309879",
            "USER_TYPE_ID": "string",
            "MULTIPLE": "N",
            "SORT": 100,
        },
    )
    item = call(state, "crm.item.add", entityTypeId=4, fields={"ufCrm_1747309879": "v"})["result"]["item"]
    assert item["ufCrm_1747309879"] == "v"
    orig = call(state, "crm.item.get", entityTypeId=4, id=item["id"], useOriginalUfNames="Y")["result"][
        "item"
    ]
    assert orig["UF_CRM_1747309879"] == "v"
    assert call(state, "crm.company.get", id=item["id"])["result"]["UF_CRM_1747309879"] == "v"
    fields = call(state, "crm.item.fields", entityTypeId=4)["result"]["fields"]
    assert fields["ufCrm_1747309879"]["upperName"] == "UF_CRM_1747309879"
    assert fields["title"]["upperName"] == "TITLE"


def test_item_fm_and_delete(state: PortalState) -> None:
    item = call(
        state,
        "crm.item.add",
        entityTypeId=3,
        fields={"name": "A", "fm": [{"typeId": "PHONE", "valueType": "WORK", "value": "+1"}]},
    )
    got = item["result"]["item"]
    assert got["hasPhone"] == "Y"
    assert got["fm"][0]["value"] == "+1"
    entry = got["fm"][0]["id"]
    call(
        state,
        "crm.item.update",
        entityTypeId=3,
        id=got["id"],
        fields={"fm": {str(entry): {"typeId": "PHONE", "value": ""}}},
    )
    assert "PHONE" not in call(state, "crm.contact.get", id=got["id"])["result"]
    assert call(state, "crm.item.delete", entityTypeId=3, id=got["id"])["result"] == []


def test_funnel_move_and_stage_history(state: PortalState) -> None:
    cat = call(state, "crm.category.add", entityTypeId=2, fields={"name": "Second", "sort": 10})["result"]
    assert cat == {
        "category": {
            "id": 1,
            "name": "Second",
            "sort": 10,
            "entityTypeId": 2,
            "isDefault": "N",
            "originId": "",
            "originatorId": "",
        }
    }
    deal = call(state, "crm.deal.add", fields={})["result"]
    call(state, "crm.deal.update", id=deal, fields={"STAGE_ID": "PREPARATION"})
    moved = call(
        state, "crm.item.update", entityTypeId=2, id=deal, fields={"categoryId": 1, "stageId": "C1:EXECUTING"}
    )["result"]["item"]
    assert (moved["categoryId"], moved["stageId"]) == (1, "C1:EXECUTING")
    call(state, "crm.deal.update", id=deal, fields={"STAGE_ID": "C1:LOSE"})
    hist = call(state, "crm.stagehistory.list", entityTypeId=2, order={"ID": "ASC"})
    rows = hist["result"]["items"]
    assert [r["TYPE_ID"] for r in rows] == [1, 2, 5, 3]
    assert rows[2] == {
        "ID": 3,
        "TYPE_ID": 5,
        "OWNER_ID": deal,
        "CREATED_TIME": "2024-05-29T19:26:40+03:00",
        "CATEGORY_ID": 1,
        "STAGE_SEMANTIC_ID": "P",
        "STAGE_ID": "C1:EXECUTING",
    }
    assert hist["total"] == 4
    lead = call(state, "crm.lead.add", fields={"STATUS_ID": "IN_PROCESS"})["result"]
    lead_rows = call(state, "crm.stagehistory.list", entityTypeId=1, filter={"OWNER_ID": lead})["result"][
        "items"
    ]
    assert lead_rows[0]["STATUS_ID"] == "IN_PROCESS"
    assert "STAGE_ID" not in lead_rows[0]
    status, payload = execute(state, "crm.stagehistory.list", {"entityTypeId": 2, "filter": {"FOO": 1}})
    assert (status, payload["error"]) == (400, "INVALID_ARG_VALUE")
    status, payload = execute(state, "crm.stagehistory.list", {"entityTypeId": 2, "order": {"ID": "UP"}})
    assert payload["error"] == "INVALID_ARG_VALUE"
    assert (
        execute(state, "crm.stagehistory.list", {"entityTypeId": 7})[1]["error"]
        == "ENTITY_TYPE_NOT_SUPPORTED"
    )


def test_record_stage_change_for_demo_history(state: PortalState) -> None:
    deal = call(state, "crm.deal.add", fields={})["result"]
    row = state.table("deal")[deal]
    record_stage_change(state, "deal", row, 2, "2024-01-15T10:00:00+03:00")
    rows = call(
        state, "crm.stagehistory.list", entityTypeId=2, filter={"<CREATED_TIME": "2024-02-01T00:00:00+03:00"}
    )["result"]["items"]
    assert [r["CREATED_TIME"] for r in rows] == ["2024-01-15T10:00:00+03:00"]


def test_status_directories(state: PortalState) -> None:
    rows = call(state, "crm.status.list", filter={"ENTITY_ID": "DEAL_STAGE"}, order={"SORT": "ASC"})["result"]
    assert [r["STATUS_ID"] for r in rows] == [
        "NEW",
        "PREPARATION",
        "PREPAYMENT_INVOICE",
        "EXECUTING",
        "FINAL_INVOICE",
        "WON",
        "LOSE",
        "APOLOGY",
    ]
    won = rows[5]
    assert won["SEMANTICS"] == "S"
    assert won["SORT"] == "60"
    assert won["CATEGORY_ID"] is None
    assert won["EXTRA"] == {"SEMANTICS": "success", "COLOR": "#7BD500"}
    assert isinstance(won["ID"], str)
    assert rows[0]["SEMANTICS"] is None
    assert rows[7]["EXTRA"]["SEMANTICS"] == "apology"
    leads = call(state, "crm.status.list", filter={"ENTITY_ID": "STATUS"})["result"]
    assert {r["STATUS_ID"] for r in leads} == {"NEW", "IN_PROCESS", "PROCESSED", "CONVERTED", "JUNK"}
    call(state, "crm.category.add", entityTypeId=2, fields={"name": "F"})
    new_id = call(
        state,
        "crm.status.add",
        fields={"ENTITY_ID": "DEAL_STAGE_1", "STATUS_ID": "CHECK", "NAME": "Check", "SORT": 25},
    )["result"]
    added = call(state, "crm.status.get", id=new_id)["result"]
    assert (added["STATUS_ID"], added["CATEGORY_ID"]) == ("C1:CHECK", "1")
    items = call(state, "crm.status.entity.items", entityId="DEAL_STAGE_1")["result"]
    assert items[2] == {"NAME": "Check", "SORT": 25, "STATUS_ID": "C1:CHECK"}
    types = {t["ID"] for t in call(state, "crm.status.entity.types")["result"]}
    assert {"STATUS", "SOURCE", "DEAL_STAGE", "DEAL_STAGE_1", "HONORIFIC"} <= types


def test_categories(state: PortalState) -> None:
    listed = call(state, "crm.category.list", entityTypeId=2)
    assert listed["result"] == {
        "categories": [{"id": 0, "name": "General", "sort": 300, "entityTypeId": 2, "isDefault": "Y"}]
    }
    assert listed["total"] == 1
    status, payload = execute(state, "crm.category.get", {"entityTypeId": 2, "id": 5})
    assert (status, payload["error"]) == (400, "NOT_FOUND")
    cat = call(state, "crm.category.add", entityTypeId=2, fields={"name": "X"})["result"]["category"]
    call(state, "crm.category.update", entityTypeId=2, id=cat["id"], fields={"name": "Y"})
    assert call(state, "crm.category.get", entityTypeId=2, id=cat["id"])["result"]["category"]["name"] == "Y"
    stages = call(state, "crm.dealcategory.stage.list", id=cat["id"])["result"]
    assert stages[0]["STATUS_ID"] == "C1:NEW"
    # crm-category-delete.md: "result": null
    assert call(state, "crm.category.delete", entityTypeId=2, id=cat["id"])["result"] is None
    assert execute(state, "crm.category.list", {"entityTypeId": 3})[1]["error"] == "ENTITY_TYPE_NOT_SUPPORTED"


def test_productrows_math_and_opportunity(state: PortalState) -> None:
    deal = call(state, "crm.deal.add", fields={})["result"]
    rows = [
        {
            "PRODUCT_ID": 450,
            "PRODUCT_NAME": "A",
            "PRICE": 899.1,
            "QUANTITY": 2,
            "DISCOUNT_TYPE_ID": 2,
            "DISCOUNT_RATE": 10,
        },
        {
            "PRODUCT_NAME": "B",
            "PRICE": 120,
            "TAX_RATE": 20,
            "TAX_INCLUDED": "Y",
            "DISCOUNT_TYPE_ID": 1,
            "DISCOUNT_SUM": 50,
        },
    ]
    assert call(state, "crm.deal.productrows.set", id=deal, rows=rows)["result"] is True
    got = call(state, "crm.deal.productrows.get", id=deal)["result"]
    first, second = got
    assert (first["ID"], first["PRODUCT_ID"], first["PRICE"], first["PRICE_ACCOUNT"]) == (
        "1",
        450,
        899.1,
        "899.10",
    )
    assert first["OWNER_TYPE"] == "D"
    assert first["PRICE_NETTO"] == 999.0
    assert first["DISCOUNT_SUM"] == 99.9
    assert second["PRICE_EXCLUSIVE"] == 100.0
    assert second["PRICE_NETTO"] == 150.0
    deal_row = call(state, "crm.deal.get", id=deal)["result"]
    assert deal_row["OPPORTUNITY"] == "1918.20"
    assert deal_row["TAX_VALUE"] == "20.00"
    call(state, "crm.deal.productrows.set", id=deal, rows=[])
    assert call(state, "crm.deal.productrows.get", id=deal)["result"] == []
    assert call(state, "crm.deal.get", id=deal)["result"]["OPPORTUNITY"] == "0.00"
    manual = call(state, "crm.lead.add", fields={"OPPORTUNITY": 5, "IS_MANUAL_OPPORTUNITY": "Y"})["result"]
    call(state, "crm.lead.productrows.set", id=manual, rows=[{"PRICE": 10}])
    assert call(state, "crm.lead.productrows.get", id=manual)["result"][0]["OWNER_TYPE"] == "L"
    assert call(state, "crm.lead.get", id=manual)["result"]["OPPORTUNITY"] == "5.00"
    assert execute(state, "crm.deal.productrows.get", {"id": 99})[1]["error_description"] == "Not found"
