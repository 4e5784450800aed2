"""Lead conversion flows with canned answers: failure midway, missing lead, resumed run, duplicates."""

from __future__ import annotations

from typing import Any

import pytest

from bitrix24_toolkit.errors import BadRequestError, InvalidInputError, make_api_error
from bitrix24_toolkit.helpers import LeadConversionIncompleteError, LeadNotFoundError, convert_lead
from bitrix24_toolkit.helpers.lead_conversion._lookup import find_duplicates
from bitrix24_toolkit.helpers.lead_conversion._plan import LeadJob, plan_writes
from bitrix24_toolkit.helpers.lead_conversion._types import ConversionOptions

from .lead_conversion_canned import run_canned

LEAD = {
    "ID": "5",
    "TITLE": "Тур в Сочи",
    "NAME": "Иван",
    "LAST_NAME": "Петров",
    "STATUS_ID": "IN_PROCESS",
    "STATUS_SEMANTIC_ID": "P",
    "COMPANY_TITLE": "",
    "CONTACT_ID": None,
    "COMPANY_ID": None,
    "OPPORTUNITY": "5000.00",
    "CURRENCY_ID": "RUB",
    "SOURCE_ID": "WEB",
    "UTM_SOURCE": "yandex",
    "UF_CRM_BUDGET": "big",
    "PHONE": [{"ID": "1", "VALUE": "+7 999 111-22-33", "VALUE_TYPE": "WORK", "TYPE_ID": "PHONE"}],
}


def _options(**kwargs: Any) -> ConversionOptions:
    base: dict[str, Any] = {
        "contact": True,
        "company": "auto",
        "deal": True,
        "deal_category": 0,
        "deal_stage": None,
        "dedupe": True,
        "copy_products": True,
        "close_lead": True,
        "field_map": None,
    }
    return ConversionOptions.build(**{**base, **kwargs})


class Portal:
    """Canned answers; ``fail`` names a crm.item.add entityTypeId that is refused."""

    def __init__(
        self, *, links: dict[int, list[dict[str, Any]]] | None = None, fail: int | None = None
    ) -> None:
        self.links = links or {}
        self.fail = fail
        self.adds: list[tuple[int, dict[str, Any]]] = []
        self.next_id = 10

    def __call__(self, method: str, params: dict[str, Any]) -> Any:
        if method == "crm.lead.get":
            return dict(LEAD)
        if method == "crm.lead.productrows.get":
            return [
                {"ID": "3", "PRODUCT_NAME": "Тур", "PRICE": "2500.00", "QUANTITY": "2", "OWNER_TYPE": "L"}
            ]
        if method == "crm.item.list":
            return {"items": self.links.get(int(params["entityTypeId"]), [])}
        if method == "crm.duplicate.findbycomm":
            return []
        if method == "crm.item.add":
            type_id = int(params["entityTypeId"])
            if type_id == self.fail:
                raise make_api_error("ERROR_CORE", "Required fields are empty", method=method)
            self.adds.append((type_id, params["fields"]))
            self.next_id += 1
            return {"item": {"id": self.next_id}}
        if method in ("crm.deal.productrows.set", "crm.lead.update"):
            return True
        if method == "crm.timeline.comment.add":
            return 77
        if method == "crm.deal.fields":  # the field_map target is checked before anything is read
            return {
                "TITLE": {"type": "string", "isReadOnly": False},
                "UF_CRM_DEAL_BUDGET": {"type": "string", "isReadOnly": False},
            }
        raise AssertionError(f"unexpected call {method}")


def test_a_failure_midway_reports_what_was_created() -> None:
    portal, log = Portal(fail=2), list[str]()
    with pytest.raises(LeadConversionIncompleteError) as caught:
        run_canned(convert_lead.flow(5), portal, log)
    error = caught.value
    assert error.reason == "incomplete"
    assert error.lead_id == 5
    assert isinstance(error.cause, BadRequestError)
    assert error.result is not None
    assert error.result.contact is not None
    assert (error.result.contact.id, error.result.contact.created) == (11, True)
    assert error.result.deal is None
    assert not error.result.closed
    # halt: nothing after the failed deal ran (no rows, no lead update, no comment)
    assert log[-1] == "crm.item.add"
    assert "crm.lead.update" not in log


def test_a_missing_lead_is_a_typed_error_and_nothing_is_written() -> None:
    def handler(method: str, params: dict[str, Any]) -> Any:
        if method == "crm.lead.get":
            raise make_api_error("", "Not found", method=method)
        return {"items": []} if method == "crm.item.list" else []

    log: list[str] = []
    with pytest.raises(LeadNotFoundError) as caught:
        run_canned(convert_lead.flow(404), handler, log)
    assert caught.value.reason == "missing"
    assert not any(m.endswith((".add", ".update", ".set")) for m in log)


def test_a_resumed_run_reuses_the_contact_an_earlier_run_created() -> None:
    portal = Portal(links={3: [{"id": 40, "leadId": 5}]})
    result = run_canned(convert_lead.flow(5, field_map={"UF_CRM_BUDGET": "UF_CRM_DEAL_BUDGET"}), portal)
    assert result.contact is not None
    assert (result.contact.id, result.contact.via) == (40, "lead_link")
    assert [type_id for type_id, _ in portal.adds] == [2]  # only the deal is new
    deal = portal.adds[0][1]
    assert deal["contactIds"] == [40]
    assert "companyId" not in deal
    assert deal["leadId"] == 5
    assert deal["UF_CRM_DEAL_BUDGET"] == "big"
    assert (deal["title"], deal["opportunity"], deal["utmSource"]) == ("Тур в Сочи", "5000.00", "yandex")
    assert result.product_rows == 1
    assert result.closed
    assert result.comment_id == 77


def test_duplicates_of_several_leads_in_one_call_are_told_apart() -> None:
    a = LeadJob({"ID": "1", "PHONE": [{"VALUE": "+7 (900) 000-00-01"}]})
    b = LeadJob({"ID": "2", "EMAIL": [{"VALUE": "B@Example.com"}], "PHONE": [{"VALUE": "89000000099"}]})

    def handler(method: str, params: dict[str, Any]) -> Any:
        if method == "crm.duplicate.findbycomm":
            return {"CONTACT": [9, 7]} if params["type"] == "PHONE" else {"CONTACT": [9]}
        assert method == "crm.contact.list"
        assert sorted(params["filter"]["@ID"]) == [7, 9]
        return [
            {"ID": "7", "PHONE": [{"VALUE": "79000000001"}]},
            {"ID": "9", "EMAIL": [{"VALUE": "b@example.com"}]},
        ]

    run_canned(find_duplicates([a, b], _options()), handler)
    assert a.contact is not None
    assert (a.contact.id, a.contact.via) == (7, "duplicate")
    assert b.contact is not None
    assert b.contact.id == 9


def test_the_plan_maps_fields_and_prefixes_the_stage() -> None:
    options = _options(
        deal_category=3, deal_stage="PREPARATION", field_map={"UF_CRM_BUDGET": "contact.UF_CRM_X"}
    )
    lead = {**LEAD, "COMPANY_TITLE": "ООО «Ромашка»"}
    plan = plan_writes(LeadJob(lead), options)
    steps = [key.removeprefix("l5_") for key, _ in plan.calls]
    assert steps == ["company", "contact", "deal", "lead", "note"]  # no rows were read: nothing to copy
    calls = dict(plan.calls)
    company = calls["l5_company"].params["fields"]
    contact = calls["l5_contact"].params["fields"]
    deal = calls["l5_deal"].params["fields"]
    assert company["title"] == "ООО «Ромашка»"
    assert company["leadId"] == 5
    assert contact["companyIds"] == ["$result[l5_company][item][id]"]
    assert contact["UF_CRM_X"] == "big"
    assert contact["fm"] == [{"typeId": "PHONE", "valueType": "WORK", "value": "+7 999 111-22-33"}]
    assert (deal["categoryId"], deal["stageId"]) == (3, "C3:PREPARATION")
    assert deal["contactIds"] == ["$result[l5_contact][item][id]"]
    update = calls["l5_lead"].params["fields"]
    assert update["STATUS_ID"] == "CONVERTED"
    assert update["COMPANY_ID"] == "$result[l5_company][item][id]"
    assert "$result[l5_deal][item][id]" in calls["l5_note"].params["fields"]["COMMENT"]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"company": "yes"}, "company"),
        ({"deal_category": -1}, "deal_category"),
        ({"field_map": {"UF_CRM_A": "invoice.UF_CRM_B"}}, "field_map"),
        ({"dedupe": 1}, "dedupe"),
    ],
)
def test_bad_options_are_refused_before_any_request(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        run_canned(convert_lead.flow(5, **kwargs), Portal())
    assert caught.value.field == field
