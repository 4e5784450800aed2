"""Product rows, legacy products, duplicate search and stage history, as their official pages describe them.

Each test sends the page's example request (records it refers to are made first through the documented add
methods) and compares the answer with ``facts/crm_satellites.py``. Contact bindings: ``test_crm_bindings.py``.
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Portal
from .facts import crm_satellites as F
from .shapes import ListOf, Obj, assert_shape

ROW_OWNERS = [("deal", "D"), ("lead", "L")]
SET = {"deal": "crm.deal.productrows.set", "lead": "crm.lead.productrows.set"}
GET = {"deal": "crm.deal.productrows.get", "lead": "crm.lead.productrows.get"}


def _owner(portal: Portal, entity: str) -> int:
    title = {"deal": "Deal", "lead": "Lead"}[entity]
    return int(portal.ok(f"crm.{entity}.add", {"fields": {"TITLE": f"{title} with products"}}))


def _product(portal: Portal, **fields: Any) -> int:
    # crm-product-add.md example request
    body = {"NAME": "Plastic Chair", "CURRENCY_ID": "USD", "PRICE": 4900, "SORT": 500, **fields}
    return int(portal.ok("crm.product.add", {"fields": body}))


def _close(a: float, b: float) -> bool:
    return abs(a - b) < 0.011


# ------------------------------------------------------------------------------------------ product rows
@pytest.mark.parametrize(("entity", "owner_type"), ROW_OWNERS)
def test_productrows_set_example_then_get(portal: Portal, entity: str, owner_type: str) -> None:
    owner = _owner(portal, entity)
    product = _product(portal)
    rows = [dict(F.SET_EXAMPLE_ROWS[0], PRODUCT_ID=product), dict(F.SET_EXAMPLE_ROWS[1])]
    assert portal.ok(SET[entity], {"id": owner, "rows": rows}) is True
    got = portal.ok(GET[entity], {"id": owner})
    assert_shape(got, ListOf(F.product_row(owner_type), min_len=2))
    first, second = got
    assert first["OWNER_ID"] == str(owner)
    # "If PRODUCT_ID is provided, the name will be taken from the product"
    assert first["PRODUCT_ID"] == product
    assert first["PRODUCT_NAME"] == "Plastic Chair"
    assert first["ORIGINAL_PRODUCT_NAME"] == "Plastic Chair"
    assert (first["MEASURE_CODE"], first["MEASURE_NAME"], first["SORT"]) == (796, "pcs", 10)
    assert (second["PRODUCT_ID"], second["PRODUCT_NAME"]) == (0, "Product #2")
    assert (second["MEASURE_CODE"], second["MEASURE_NAME"], second["SORT"]) == (166, "kg", 20)
    assert (first["QUANTITY"], second["QUANTITY"]) == (10, 5)
    assert (first["DISCOUNT_TYPE_ID"], second["DISCOUNT_TYPE_ID"]) == (1, 2)
    assert (first["TAX_RATE"], second["TAX_RATE"]) == (13, 10)
    renamed = dict(F.SET_EXAMPLE_ROWS[0], PRODUCT_ID=product, PRODUCT_NAME="Chair, red")
    portal.ok(SET[entity], {"id": owner, "rows": [renamed]})
    (row,) = portal.ok(GET[entity], {"id": owner})
    assert (row["PRODUCT_NAME"], row["ORIGINAL_PRODUCT_NAME"]) == ("Chair, red", "Plastic Chair")


@pytest.mark.parametrize(("entity", "owner_type"), ROW_OWNERS)
def test_productrows_derive_prices(portal: Portal, entity: str, owner_type: str) -> None:
    # the get pages' examples: PRICE = PRICE_EXCLUSIVE * (1 + tax), PRICE_NETTO - DISCOUNT_SUM =
    # PRICE_EXCLUSIVE, PRICE_BRUTTO = PRICE_NETTO * (1 + tax) (crm-lead-productrows-get.md row 1429:
    # 32999, 40% -> 13199.6 off, 19799.4, tax 12% -> 22175.328 and 36958.88)
    owner = _owner(portal, entity)
    rows = [
        {
            "PRODUCT_NAME": "Product #2",
            "PRICE_NETTO": 32999,
            "DISCOUNT_TYPE_ID": 2,
            "DISCOUNT_RATE": 40,
            "TAX_RATE": 12,
        },
        *F.SET_EXAMPLE_ROWS[1:],
    ]
    portal.ok(SET[entity], {"id": owner, "rows": rows})
    got = portal.ok(GET[entity], {"id": owner})
    lead_row = got[0]
    assert _close(lead_row["DISCOUNT_SUM"], 13199.6)
    assert _close(lead_row["PRICE_EXCLUSIVE"], 19799.4)
    assert _close(lead_row["PRICE"], 22175.33)
    assert _close(lead_row["PRICE_BRUTTO"], 36958.88)
    for row in got:
        factor = 1 + (row["TAX_RATE"] or 0) / 100
        assert _close(row["PRICE"], row["PRICE_EXCLUSIVE"] * factor), row
        assert _close(row["PRICE_NETTO"] - row["DISCOUNT_SUM"], row["PRICE_EXCLUSIVE"]), row
        assert _close(row["PRICE_BRUTTO"], row["PRICE_NETTO"] * factor), row
        assert _close(float(row["PRICE_ACCOUNT"]), row["PRICE"]), row
    example = got[1]  # PRICE 500 with a 10% discount and 10% tax
    assert _close(example["PRICE"], 500)
    assert _close(example["DISCOUNT_SUM"], example["PRICE_NETTO"] * 0.10)


@pytest.mark.parametrize("entity", ["deal", "lead"])
def test_productrows_defaults(portal: Portal, entity: str) -> None:
    # crm-{deal,lead}-productrows-set.md field table defaults
    owner = _owner(portal, entity)
    portal.ok(SET[entity], {"id": owner, "rows": [{}]})
    (row,) = portal.ok(GET[entity], {"id": owner})
    for key, value in F.ROW_DEFAULTS.items():
        assert row[key] == value, (key, row[key])
    assert row["PRODUCT_NAME"] == f"[{row['ID']}]"


@pytest.mark.parametrize("entity", ["deal", "lead"])
def test_productrows_set_replaces_the_whole_set(portal: Portal, entity: str) -> None:
    owner = _owner(portal, entity)
    portal.ok(SET[entity], {"id": owner, "rows": F.SET_EXAMPLE_ROWS[1:]})
    portal.ok(SET[entity], {"id": owner, "rows": [{"PRODUCT_NAME": "Other", "PRICE": 1}]})
    got = portal.ok(GET[entity], {"id": owner})
    assert [r["PRODUCT_NAME"] for r in got] == ["Other"]
    assert portal.ok(SET[entity], {"id": owner, "rows": []}) is True
    assert portal.ok(GET[entity], {"id": owner}) == []


@pytest.mark.parametrize("entity", ["deal", "lead"])
def test_productrows_refuse_discounts_without_values(portal: Portal, entity: str) -> None:
    owner = _owner(portal, entity)
    portal.ok(SET[entity], {"id": owner, "rows": F.SET_EXAMPLE_ROWS[1:]})
    method = SET[entity]
    percent = {"PRODUCT_NAME": "x", "PRICE": 10, "DISCOUNT_TYPE_ID": 2}
    portal.error(method, {"id": owner, "rows": [percent]}, F.DISCOUNT_RATE_REQUIRED)
    full = {**percent, "DISCOUNT_RATE": 100}
    portal.error(method, {"id": owner, "rows": [full]}, F.DISCOUNT_SUM_REQUIRED_100)
    money = {"PRODUCT_NAME": "x", "PRICE": 10, "DISCOUNT_TYPE_ID": 1}
    portal.error(method, {"id": owner, "rows": [money]}, F.DISCOUNT_SUM_REQUIRED)
    # a refused set changes nothing
    assert [r["PRODUCT_NAME"] for r in portal.ok(GET[entity], {"id": owner})] == ["Product #2"]


@pytest.mark.parametrize("entity", ["deal", "lead"])
def test_productrows_errors(portal: Portal, entity: str) -> None:
    for method in (GET[entity], SET[entity]):
        portal.error(method, {}, F.ROWS_BAD_ID)
        portal.error(method, {"id": "abc", "rows": []}, F.ROWS_BAD_ID)
        portal.error(method, {"id": 5, "rows": []}, F.ROWS_NOT_FOUND)
    owner = _owner(portal, entity)
    portal.error(SET[entity], {"id": owner, "rows": "x"}, F.ROWS_NOT_ARRAY)


# ---------------------------------------------------------------------------------------- legacy products
def test_product_add_get_example(portal: Portal) -> None:
    product = _product(portal)
    got = portal.ok("crm.product.get", {"id": product})
    assert_shape(got, F.PRODUCT)
    assert (got["ID"], got["NAME"], got["CURRENCY_ID"], got["SORT"]) == (
        str(product),
        "Plastic Chair",
        "USD",
        "500",
    )
    assert float(got["PRICE"]) == 4900


def test_product_update_example(portal: Portal) -> None:
    product = _product(portal)
    # crm-product-update.md example 1
    assert (
        portal.ok("crm.product.update", {"id": product, "fields": {"CURRENCY_ID": "EUR", "PRICE": 5000}})
        is True
    )
    got = portal.ok("crm.product.get", {"id": product})
    assert_shape(got, F.PRODUCT)
    assert (got["CURRENCY_ID"], float(got["PRICE"])) == ("EUR", 5000)
    # "It is mandatory to specify CURRENCY_ID to set the price"
    assert portal.ok("crm.product.update", {"id": product, "fields": {"PRICE": 1, "NAME": "Chair"}}) is True
    got = portal.ok("crm.product.get", {"id": product})
    assert (got["NAME"], float(got["PRICE"])) == ("Chair", 5000)


def test_product_list_example(portal: Portal) -> None:
    first = _product(portal, NAME="B chair")
    second = _product(portal, NAME="A chair")
    catalog = portal.ok("crm.product.get", {"id": first})["CATALOG_ID"]
    answer = portal.call(
        "crm.product.list",
        {
            "order": {"NAME": "ASC"},
            "filter": {"CATALOG_ID": catalog},
            "select": ["ID", "NAME", "CURRENCY_ID", "PRICE"],
        },
    )
    assert answer.status == 200
    assert answer.body["total"] == 2
    selected = Obj({key: F.PRODUCT.keys[key] for key in ("ID", "NAME", "CURRENCY_ID", "PRICE")})
    assert_shape(answer.result, ListOf(selected, min_len=2))
    assert [row["ID"] for row in answer.result] == [str(second), str(first)]
    everything = portal.ok("crm.product.list", {})
    assert_shape(everything, ListOf(F.PRODUCT, min_len=2))


def test_product_delete_example(portal: Portal) -> None:
    product = _product(portal)
    assert portal.ok("crm.product.delete", {"id": product}) is True
    answer = portal.call("crm.product.get", {"id": product})
    assert answer.status == 400
    assert answer.body["error_description"] == "Not found"


def test_product_fields_example(portal: Portal) -> None:
    got = portal.ok("crm.product.fields", {})
    assert sorted(got) == sorted(F.PRODUCT_FIELD_TYPES)
    for name, description in got.items():
        assert_shape(description, F.FIELD_DESCRIPTION, f"result.{name}")
        assert description["type"] == F.PRODUCT_FIELD_TYPES[name], name
        assert description["isRequired"] is (name in F.PRODUCT_REQUIRED), name
        assert description["isMultiple"] is False, name


# -------------------------------------------------------------------------------------------- duplicates
def test_findbycomm_example(portal: Portal) -> None:
    ids = [
        int(
            portal.ok(
                "crm.contact.add", {"fields": {"NAME": n, "PHONE": [{"VALUE": v, "VALUE_TYPE": "WORK"}]}}
            )
        )
        for n, v in (("Ann", "8976543"), ("Bob", "11223355"))
    ]
    portal.ok(
        "crm.lead.add",
        {"fields": {"TITLE": "Same phone", "PHONE": [{"VALUE": "8976543", "VALUE_TYPE": "WORK"}]}},
    )
    body = {"entity_type": "CONTACT", "type": "PHONE", "values": ["8976543", "11223355"]}
    got = portal.ok("crm.duplicate.findbycomm", body)
    assert_shape(got, F.DUPLICATES)
    assert got == {"CONTACT": ids}
    every = portal.ok("crm.duplicate.findbycomm", {"type": "PHONE", "values": ["8976543"]})
    assert_shape(every, F.DUPLICATES)
    assert set(every) == {"CONTACT", "LEAD"}


def test_findbycomm_errors(portal: Portal) -> None:
    portal.error("crm.duplicate.findbycomm", {"values": ["8976543"]}, F.DUP_NO_TYPE)
    portal.error("crm.duplicate.findbycomm", {"type": "FAX", "values": ["1"]}, F.dup_bad_type("FAX"))
    portal.error("crm.duplicate.findbycomm", {"type": "EMAIL"}, F.DUP_NO_VALUES)


# ----------------------------------------------------------------------------------------- stage history
def test_stagehistory_deal_example(portal: Portal) -> None:
    deal = int(portal.ok("crm.deal.add", {"fields": {"TITLE": "Moves"}}))
    portal.ok("crm.deal.update", {"id": deal, "fields": {"STAGE_ID": "PREPARATION"}})
    body = {"entityTypeId": 2, "order": {"ID": "ASC"}, "filter": {"OWNER_ID": deal}}
    answer = portal.call("crm.stagehistory.list", body)
    assert answer.status == 200
    assert_shape(answer.result, Obj({"items": ListOf(F.DEAL_HISTORY, min_len=2)}))
    assert answer.body["total"] == 2
    items = answer.result["items"]
    assert [(i["TYPE_ID"], i["STAGE_ID"], i["OWNER_ID"]) for i in items] == [
        (1, "NEW", deal),
        (2, "PREPARATION", deal),
    ]
    # the page's example request selects three fields
    selected = portal.ok("crm.stagehistory.list", {**body, "select": ["ID", "STAGE_ID", "CREATED_TIME"]})
    assert_shape(
        selected,
        Obj(
            {"items": ListOf(Obj({k: F.DEAL_HISTORY.keys[k] for k in ("ID", "STAGE_ID", "CREATED_TIME")}), 2)}
        ),
    )


def test_stagehistory_lead_shape(portal: Portal) -> None:
    lead = int(portal.ok("crm.lead.add", {"fields": {"TITLE": "Moves"}}))
    answer = portal.call("crm.stagehistory.list", {"entityTypeId": 1, "filter": {"OWNER_ID": lead}})
    assert_shape(answer.result, Obj({"items": ListOf(F.LEAD_HISTORY, min_len=1)}))
    assert answer.body["total"] == 1


def test_stagehistory_pages_by_fifty(portal: Portal) -> None:
    deal = int(portal.ok("crm.deal.add", {"fields": {"TITLE": "Many moves"}}))
    for i in range(55):
        portal.ok(
            "crm.deal.update", {"id": deal, "fields": {"STAGE_ID": "PREPARATION" if i % 2 == 0 else "NEW"}}
        )
    answer = portal.call("crm.stagehistory.list", {"entityTypeId": 2, "filter": {"OWNER_ID": deal}})
    assert (answer.body["total"], answer.body["next"], len(answer.result["items"])) == (56, 50, 50)
    rest = portal.call(
        "crm.stagehistory.list", {"entityTypeId": 2, "filter": {"OWNER_ID": deal}, "start": 50}
    )
    assert "next" not in rest.body
    assert len(rest.result["items"]) == 6


def test_stagehistory_errors(portal: Portal) -> None:
    portal.error("crm.stagehistory.list", {"entityTypeId": 3}, F.history_not_supported("CONTACT"))
    portal.error(
        "crm.stagehistory.list", {"entityTypeId": 2, "filter": {"TITLE": "x"}}, F.history_bad_filter("TITLE")
    )
    portal.error(
        "crm.stagehistory.list",
        {"entityTypeId": 1, "filter": {"STAGE_ID": "NEW"}},
        F.history_bad_filter("STAGE_ID"),
    )
    portal.error(
        "crm.stagehistory.list", {"entityTypeId": 2, "order": {"TITLE": "ASC"}}, F.history_bad_order("TITLE")
    )
    portal.error(
        "crm.stagehistory.list",
        {"entityTypeId": 2, "order": {"ID": "UP"}},
        F.history_bad_direction("ID", "UP"),
    )


# ------------------------------------------------------------------------------------------ typed models
def test_typed_models_read_the_documented_records(portal: Portal) -> None:
    from bitrix24_toolkit.models.bindings import ContactBinding
    from bitrix24_toolkit.models.catalog import CatalogProduct
    from bitrix24_toolkit.models.directory import StageHistoryItem
    from bitrix24_toolkit.models.products import ProductRow

    deal = _owner(portal, "deal")
    portal.ok("crm.deal.productrows.set", {"id": deal, "rows": F.SET_EXAMPLE_ROWS[1:]})
    (row,) = portal.ok("crm.deal.productrows.get", {"id": deal})
    # crm-deal-productrows-get.md example values, parsed strictly (every documented key is a model field)
    example = {
        **row,
        "STORE_ID": 0,
        "RESERVE_ID": 31,
        "DATE_RESERVE_END": "2024-12-26",
        "RESERVE_QUANTITY": 1,
    }
    parsed = ProductRow.from_api(example, strict=True)
    assert (parsed.reserve_id, str(parsed.date_reserve_end), parsed.measure_code) == (31, "2024-12-26", 166)
    product = CatalogProduct.from_api(portal.ok("crm.product.get", {"id": _product(portal)}), strict=True)
    assert (product.name, product.preview_picture) == ("Plastic Chair", None)
    ContactBinding.from_api({"CONTACT_ID": 55, "SORT": 100, "ROLE_ID": 0, "IS_PRIMARY": "Y"}, strict=True)
    lead = int(portal.ok("crm.lead.add", {"fields": {"TITLE": "History"}}))
    answer = portal.ok("crm.stagehistory.list", {"entityTypeId": 1, "filter": {"OWNER_ID": lead}})
    item = StageHistoryItem.from_api(answer["items"][0], strict=True)
    assert (item.owner_id, item.type_id, item.stage_id) == (lead, 1, "NEW")


def test_stagehistory_types_and_semantics(portal: Portal) -> None:
    # crm-stage-history-list.md: TYPE_ID 1 creation, 2 intermediate stage, 3 final stage; semantics P/S/F
    deal = int(portal.ok("crm.deal.add", {"fields": {"TITLE": "Won"}}))
    portal.ok("crm.deal.update", {"id": deal, "fields": {"STAGE_ID": "PREPARATION"}})
    portal.ok("crm.deal.update", {"id": deal, "fields": {"STAGE_ID": "WON"}})
    items = portal.ok("crm.stagehistory.list", {"entityTypeId": 2, "filter": {"OWNER_ID": deal}})["items"]
    assert [(i["TYPE_ID"], i["STAGE_SEMANTIC_ID"]) for i in items] == [(1, "P"), (2, "P"), (3, "S")]
    lead = int(portal.ok("crm.lead.add", {"fields": {"TITLE": "Junk"}}))
    portal.ok("crm.lead.update", {"id": lead, "fields": {"STATUS_ID": "JUNK"}})
    rows = portal.ok("crm.stagehistory.list", {"entityTypeId": 1, "filter": {"OWNER_ID": lead}})["items"]
    assert_shape(rows, ListOf(F.LEAD_HISTORY, min_len=2))
    assert [(i["TYPE_ID"], i["STATUS_ID"], i["STATUS_SEMANTIC_ID"]) for i in rows] == [
        (1, "NEW", "P"),
        (3, "JUNK", "F"),
    ]


def test_stagehistory_filter_modifiers(portal: Portal) -> None:
    # crm-stage-history-list.md: exact values, arrays, and the modifiers >=, >, <=, <, @, !@, =, !=, !
    deals = [int(portal.ok("crm.deal.add", {"fields": {"TITLE": f"D{i}"}})) for i in range(3)]
    portal.ok("crm.deal.update", {"id": deals[0], "fields": {"STAGE_ID": "PREPARATION"}})

    def owners(flt: dict[str, Any]) -> list[int]:
        items = portal.ok("crm.stagehistory.list", {"entityTypeId": 2, "filter": flt, "order": {"ID": "ASC"}})
        return [i["OWNER_ID"] for i in items["items"]]

    assert owners({"@OWNER_ID": deals[1:]}) == deals[1:]
    assert owners({"!@OWNER_ID": deals[1:]}) == [deals[0], deals[0]]
    assert owners({"OWNER_ID": deals[1:]}) == deals[1:]
    assert owners({">OWNER_ID": deals[0]}) == deals[1:]
    assert owners({"!=STAGE_ID": "NEW"}) == [deals[0]]
    assert owners({"!STAGE_ID": "NEW"}) == [deals[0]]
    assert owners({"TYPE_ID": 2, "<=OWNER_ID": deals[0]}) == [deals[0]]
