"""``crm.item.*`` against the official pages: each page's example request, adapted to an empty portal.

Facts (record key sets, types, errors) are in :mod:`.facts.crm_items`, taken from
``api-reference/crm/universal/crm-item-*.md`` and ``object-fields.md``.
"""

from __future__ import annotations

from typing import Any

import pytest

from bitrix24_toolkit.models.item import item_model
from bitrix24_toolkit.models.item_keys import item_to_legacy

from .conftest import Portal
from .facts.crm_items import (
    ERRORS,
    FIELD_DESCRIPTION,
    ITEM_COMMON_FIELD_FACTS,
    ITEM_TYPED_FIELD_FACTS,
    ITEMS,
    LIST_FILTER_ERROR,
    LIST_ORDER_DIRECTION_ERROR,
    LIST_ORDER_FIELD_ERROR,
    UF_DESCRIPTION,
    upper_name,
)
from .shapes import ANY, ListOf, Obj, assert_shape


def _add(portal: Portal, type_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    item = portal.ok("crm.item.add", {"entityTypeId": type_id, "fields": fields})["item"]
    assert isinstance(item, dict)
    return item


def _deal_fields(company: int, contacts: list[int], lead: int) -> dict[str, Any]:
    """crm-item-add.md example 1 (deal), with ids of records created here and the default funnel."""
    return {
        "title": "New deal (specifically for REST method examples)",
        "typeId": "SERVICE",
        "stageId": "PREPARATION",
        "probability": 50,
        "currencyId": "EUR",
        "isManualOpportunity": "Y",
        "opportunity": 999.99,
        "taxValue": 99.9,
        "companyId": company,
        "contactId": contacts[0],
        "contactIds": contacts,
        "begindate": "2024-06-18",
        "closedate": "2024-07-30",
        "opened": "N",
        "comments": "[B]Bold text[/B]",
        "assignedById": 1,
        "sourceId": "WEB",
        "sourceDescription": "There should be an additional description about the source",
        "leadId": lead,
        "quoteId": 7,
        "additionalInfo": "There should be additional information",
        "observers": [2, 3],
        "utmSource": "google",
        "utmMedium": "CPC",
    }


@pytest.fixture
def deal_example(portal: Portal) -> dict[str, Any]:
    """The crm-item-add.md deal, with the company, contacts and lead it refers to."""
    company = _add(portal, 4, {"title": "Company"})["id"]
    contacts = [_add(portal, 3, {"name": f"Contact {n}"})["id"] for n in (1, 2)]
    lead = _add(portal, 1, {"title": "Lead"})["id"]
    return _add(portal, 2, _deal_fields(company, contacts, lead))


def test_add_deal_answers_the_documented_record(portal: Portal, deal_example: dict[str, Any]) -> None:
    # crm-item-add.md, "Response Handling"
    assert_shape(deal_example, ITEMS[2])
    assert deal_example["observers"] == [2, 3]
    assert deal_example["quoteId"] == 7
    assert deal_example["contactIds"] == [deal_example["contactId"], deal_example["contactId"] + 1]
    assert deal_example["opportunity"] == 999.99
    assert deal_example["probability"] == 50
    assert deal_example["stageId"] == "PREPARATION"
    assert deal_example["stageSemanticId"] == "P"
    # portal-derived: the creator is the last one active in the timeline, at creation
    assert deal_example["lastActivityBy"] == deal_example["createdBy"] == 1
    assert deal_example["lastActivityTime"] == deal_example["createdTime"]


def test_get_lead_answers_the_documented_record(portal: Portal) -> None:
    # crm-item-get.md example: a lead with a phone and an e-mail
    lead = _add(
        portal,
        1,
        {
            "title": "Lead #250",
            "name": "Admin",
            "lastName": "Admins",
            "sourceId": "TRADE_SHOW",
            "opportunity": 999.9,
            "currencyId": "USD",
            "stageId": "IN_PROCESS",
            "fm": [
                {"valueType": "WORK", "value": "+6111111111", "typeId": "PHONE"},
                {"valueType": "WORK", "value": "admin@example.com", "typeId": "EMAIL"},
            ],
        },
    )
    item = portal.ok("crm.item.get", {"entityTypeId": 1, "id": lead["id"], "useOriginalUfNames": "N"})["item"]
    assert_shape(item, ITEMS[1])
    assert (item["companyId"], item["contactId"]) == (0, 0)  # "0" without links, not null
    assert (item["phone"], item["phoneWork"], item["phoneMobile"]) == ("+6111111111", "+6111111111", "")
    assert (item["email"], item["emailWork"], item["hasPhone"], item["hasEmail"]) == (
        "admin@example.com",
        "admin@example.com",
        "Y",
        "Y",
    )
    assert [(e["typeId"], e["value"]) for e in item["fm"]] == [
        ("PHONE", "+6111111111"),
        ("EMAIL", "admin@example.com"),
    ]


@pytest.mark.parametrize("type_id", [3, 4])
def test_contact_and_company_records_have_the_documented_keys(portal: Portal, type_id: int) -> None:
    # object-fields.md#contact / #company (the pages show no example answer for them)
    item = _add(portal, type_id, {"title": "Co", "name": "Ann"})
    assert_shape(
        portal.ok("crm.item.get", {"entityTypeId": type_id, "id": item["id"]})["item"], ITEMS[type_id]
    )


def test_company_lists_the_contacts_linked_to_it(portal: Portal) -> None:
    # object-fields.md#company: contactIds
    company = _add(portal, 4, {"title": "Co"})["id"]
    contact = _add(portal, 3, {"name": "Ann", "companyIds": [company]})["id"]
    assert portal.ok("crm.item.get", {"entityTypeId": 4, "id": company})["item"]["contactIds"] == [contact]


def test_update_deal_answers_the_documented_record(portal: Portal, deal_example: dict[str, Any]) -> None:
    # crm-item-update.md example: new title, observers, amount
    fields = {"title": "REST Deal #1", "observers": [1, 2, 3], "opportunity": 10000, "companyId": 0}
    item = portal.ok("crm.item.update", {"entityTypeId": 2, "id": deal_example["id"], "fields": fields})[
        "item"
    ]
    assert_shape(item, ITEMS[2])
    assert (item["title"], item["observers"], item["opportunity"], item["companyId"]) == (
        "REST Deal #1",
        [1, 2, 3],
        10000,
        0,
    )


def test_list_leads_with_the_page_filter(portal: Portal) -> None:
    # crm-item-list.md example 1: OR group, @-lists, a range, a flag, ordered by last then first name
    for title, name, last, stage, source, amount in (
        ("Lead #252", "Klaus", "Schmidt", "NEW", "ADVERTISING", 12000),
        ("Lead #253", "Admin", None, "NEW", "WEB", 19000),
        ("Lead #254", "Schmidt", "Schmidt", "IN_PROCESS", "ADVERTISING", 19000),
        ("Lead #255", "Klaus", "Weber", "NEW", "WEB", 19600),
        ("Too cheap", "Tim", "Low", "NEW", "WEB", 100),
        ("Wrong stage", "Tim", "Junk", "JUNK", "WEB", 10000),
    ):
        fields = {"title": title, "name": name, "lastName": last, "stageId": stage, "sourceId": source}
        _add(portal, 1, {**fields, "opportunity": amount, "isManualOpportunity": "Y"})
    select = ["id", "title", "lastName", "name", "stageId", "sourceId", "assignedById", "opportunity"]
    answer = portal.call(
        "crm.item.list",
        {
            "entityTypeId": 1,
            "select": [*select, "isManualOpportunity"],
            "filter": {
                "0": {"logic": "OR", "0": {"!=name": ""}, "1": {"!=lastName": ""}},
                "@stageId": ["NEW", "IN_PROCESS"],
                "@sourceId": ["WEB", "ADVERTISING"],
                "@assignedById": [1, 6],
                ">=opportunity": 5000,
                "<=opportunity": 20000,
                "isManualOpportunity": "Y",
            },
            "order": {"lastName": "ASC", "name": "ASC"},
        },
    )
    assert answer.status == 200
    assert answer.body["total"] == 4
    assert "next" not in answer.body
    # exactly the selected keys, no entityTypeId, no fm (the example's items)
    row = Obj({name: ANY for name in [*select, "isManualOpportunity"]})
    assert_shape(answer.result, Obj({"items": ListOf(row, min_len=4)}))
    # the example lists 253, 255, 252, 254, which is not the order it asks for; the order asked for
    # (lastName, then name, ascending; empty first as in MySQL) is what a portal does
    titles = [i["title"] for i in answer.result["items"]]
    assert titles == ["Lead #253", "Lead #252", "Lead #254", "Lead #255"]


def test_list_pages_by_fifty_with_next_and_total(portal: Portal) -> None:
    # crm-item-list.md "Returned Data": total, and next when more than 50 match
    for n in range(51):
        _add(portal, 3, {"name": f"C{n}"})
    body = portal.call("crm.item.list", {"entityTypeId": 3, "select": ["id"]}).body
    assert (len(body["result"]["items"]), body["total"], body["next"]) == (50, 51, 50)
    body = portal.call("crm.item.list", {"entityTypeId": 3, "select": ["id"], "start": 50}).body
    assert (len(body["result"]["items"]), body["total"], "next" in body) == (1, 51, False)


def test_list_without_select_sends_whole_records(portal: Portal, deal_example: dict[str, Any]) -> None:
    items = portal.ok("crm.item.list", {"entityTypeId": 2, "filter": {"observers": 2}})["items"]
    assert len(items) == 1
    assert_shape(items[0], ITEMS[2])


def _refusal(portal: Portal, params: dict[str, Any]) -> str:
    answer = portal.call("crm.item.list", params)
    assert (answer.status, answer.body.get("error")) == (400, "INVALID_ARG_VALUE"), answer.body
    return str(answer.body["error_description"])


def test_list_refuses_unknown_filter_and_order_fields(portal: Portal) -> None:
    # crm-item-list.md error table
    assert LIST_FILTER_ERROR.match(_refusal(portal, {"entityTypeId": 2, "filter": {"noSuchField": 1}}))
    assert LIST_FILTER_ERROR.match(_refusal(portal, {"entityTypeId": 2, "filter": {">=NO_SUCH": 1}}))
    nested = {"0": {"logic": "OR", "title": "x", "bogus": 1}}
    assert LIST_FILTER_ERROR.match(_refusal(portal, {"entityTypeId": 2, "filter": nested}))
    assert LIST_ORDER_FIELD_ERROR.match(_refusal(portal, {"entityTypeId": 2, "order": {"bogus": "ASC"}}))
    assert LIST_ORDER_DIRECTION_ERROR.match(_refusal(portal, {"entityTypeId": 2, "order": {"id": "UP"}}))


@pytest.mark.parametrize(
    ("method", "extra"),
    [
        ("crm.item.add", {"fields": {"title": "x"}}),
        ("crm.item.get", {"id": 1}),
        ("crm.item.update", {"id": 1, "fields": {"title": "x"}}),
        ("crm.item.delete", {"id": 1}),
        ("crm.item.list", {}),
        ("crm.item.fields", {}),
    ],
)
def test_unknown_entity_type_is_not_found(portal: Portal, method: str, extra: dict[str, Any]) -> None:
    # every crm-item-*.md page: NOT_FOUND for an entityTypeId the portal does not have
    portal.error(method, {"entityTypeId": 1268, **extra}, ERRORS["type_not_found"])


@pytest.mark.parametrize("method", ["crm.item.get", "crm.item.update", "crm.item.delete"])
def test_missing_item_is_not_found(portal: Portal, method: str) -> None:
    # crm-item-get.md / crm-item-delete.md: NOT_FOUND for an id that does not exist
    portal.error(method, {"entityTypeId": 2, "id": 999, "fields": {"title": "x"}}, ERRORS["item_not_found"])


def test_delete_answers_an_empty_array(portal: Portal) -> None:
    # crm-item-delete.md: "result": []
    item = _add(portal, 2, {"title": "Doomed"})
    assert portal.ok("crm.item.delete", {"entityTypeId": 2, "id": item["id"]}) == []
    portal.error("crm.item.get", {"entityTypeId": 2, "id": item["id"]}, ERRORS["item_not_found"])


@pytest.mark.parametrize("type_id", [1, 2, 3, 4])
def test_fields_describe_every_record_key(portal: Portal, type_id: int) -> None:
    # crm-item-fields.md: {"fields": {name: description}}; one entry per field of the record
    fields = portal.ok("crm.item.fields", {"entityTypeId": type_id, "useOriginalUfNames": "N"})["fields"]
    assert_shape(fields, Obj({k: FIELD_DESCRIPTION for k in fields}))
    assert set(fields) == set(ITEMS[type_id].keys) - {"fm", "entityTypeId"}
    assert all(entry["upperName"] == upper_name(name) for name, entry in fields.items())
    for name, (type_, read_only, multiple) in {**ITEM_COMMON_FIELD_FACTS, **ITEM_TYPED_FIELD_FACTS}.items():
        if name in fields:
            got = fields[name]
            assert (got["type"], got["isReadOnly"], got["isMultiple"]) == (type_, read_only, multiple), name


def test_fields_of_deals_match_the_page_entries(portal: Portal) -> None:
    fields = portal.ok("crm.item.fields", {"entityTypeId": 2})["fields"]
    assert fields["companyId"]["settings"] == {"parentEntityTypeId": 4}
    assert fields["contactId"].get("isDeprecated") is True
    assert fields["sourceId"]["statusType"] == "SOURCE"
    assert fields["opened"]["isRequired"] is True


@pytest.mark.parametrize("type_id", [1, 2, 3, 4])
def test_typed_models_declare_every_documented_key(portal: Portal, type_id: int) -> None:
    # object-fields.md: the typed model of each kind parses every documented key (no leftovers)
    item = _add(portal, type_id, {"title": "T", "name": "N", "observers": [1]})
    model = item_model(type_id).model_validate(item_to_legacy(type_id, item))
    # company: the document generator's ufLogo/ufStamp/... are userfields, kept as custom fields
    assert set(model.custom_fields) <= {"UF_LOGO", "UF_STAMP", "UF_DIRECTOR_SIGN", "UF_ACCOUNTANT_SIGN"}
    assert model.get("last_activity_time") is not None
    assert model.get("last_activity_by") == 1
    assert model.get("observers") == [1]


def test_userfields_in_camel_case_or_original_names(portal: Portal) -> None:
    # crm-item-get.md / crm-item-add.md: ufCrm... by default, UF_CRM_... with useOriginalUfNames=Y
    portal.ok("crm.deal.userfield.add", {"fields": {"FIELD_NAME": "TOUR", "USER_TYPE_ID": "string"}})
    item = _add(portal, 2, {"title": "UF", "ufCrmTour": "SOCHI-7"})
    assert item["ufCrmTour"] == "SOCHI-7"
    params = {"entityTypeId": 2, "id": item["id"], "useOriginalUfNames": "Y"}
    original = portal.ok("crm.item.get", params)["item"]
    assert original["UF_CRM_TOUR"] == "SOCHI-7"
    assert "ufCrmTour" not in original
    fields = portal.ok("crm.item.fields", {"entityTypeId": 2})["fields"]
    assert_shape(fields["ufCrmTour"], UF_DESCRIPTION)
    assert fields["ufCrmTour"]["upperName"] == "UF_CRM_TOUR"
    found = portal.ok(
        "crm.item.list", {"entityTypeId": 2, "filter": {"ufCrmTour": "SOCHI-7"}, "select": ["id"]}
    )
    assert found["items"] == [{"id": item["id"]}]


def test_list_by_creation_dates_with_or_logic(portal: Portal) -> None:
    # crm-item-list.md example 2: two day ranges of createdTime joined by OR
    item = _add(portal, 2, {"title": "Today"})
    day = item["createdTime"][:10]
    offset = item["createdTime"][19:]
    today = {">=createdTime": f"{day}T00:00:00{offset}", "<createdTime": f"{day}T23:59:59{offset}"}
    other = {">=createdTime": "2025-02-28T00:00:00+02:00", "<createdTime": "2025-03-01T00:00:00+02:00"}
    params = {"entityTypeId": 2, "select": ["id", "title", "createdTime"]}
    found = portal.ok("crm.item.list", {**params, "filter": {"0": {"logic": "OR", "0": today, "1": other}}})
    assert found["items"] == [{"id": item["id"], "title": "Today", "createdTime": item["createdTime"]}]
    missed = portal.ok("crm.item.list", {**params, "filter": {"0": {"logic": "OR", "0": other}}})
    assert missed["items"] == []


def test_scalar_for_a_multiple_field_is_refused(portal: Portal) -> None:
    # crm-item-add.md / crm-item-update.md error tables: code 100
    portal.error("crm.item.add", {"entityTypeId": 2, "fields": {"observers": 5}}, ERRORS["not_iterable"])
    item = _add(portal, 2, {"title": "x"})
    params = {"entityTypeId": 2, "id": item["id"], "fields": {"contactIds": 5}}
    portal.error("crm.item.update", params, ERRORS["not_iterable"])


def test_missing_entity_type_is_refused_by_the_engine(portal: Portal) -> None:
    portal.error("crm.item.list", {}, ERRORS["no_entity_type"])
    portal.error("crm.category.list", {}, ERRORS["no_entity_type"])
