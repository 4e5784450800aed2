"""``crm.item.productrow.list`` against its page: the example request, the shape, the required keys."""

from __future__ import annotations

from typing import Any

from .conftest import Portal
from .facts import crm_item_productrows as F
from .shapes import ListOf, Obj, assert_shape

METHOD = "crm.item.productrow.list"


def _deal_with_rows(portal: Portal, prices: list[float]) -> int:
    deal = int(portal.ok("crm.deal.add", {"fields": {"TITLE": "Deal with products"}}))
    rows = [
        {"PRODUCT_NAME": f"Item {i}", "PRICE": p, "QUANTITY": 3, "SORT": 10 * i} for i, p in enumerate(prices)
    ]
    assert portal.ok("crm.deal.productrows.set", {"id": deal, "rows": rows}) is True
    return deal


def test_the_pages_example_filter_and_order(portal: Portal) -> None:
    deal = _deal_with_rows(portal, [90000, 5550, 7000])
    _deal_with_rows(portal, [6000])  # another owner's rows never show
    # the page's example: {"=ownerType":"D","=ownerId":13142,">price":5000}, order price desc
    body = portal.call(
        METHOD, {"filter": {"=ownerType": "D", "=ownerId": deal, ">price": 5000}, "order": {"price": "desc"}}
    ).body
    assert_shape(body["result"], Obj({"productRows": ListOf(F.ITEM_PRODUCT_ROW, min_len=3)}))
    rows = body["result"]["productRows"]
    assert [r["price"] for r in rows] == [90000, 7000, 5550]
    assert {r["ownerId"] for r in rows} == {deal}
    assert body["total"] == 3
    legacy = portal.ok("crm.deal.productrows.get", {"id": deal})
    assert sorted(int(r["ID"]) for r in legacy) == sorted(r["id"] for r in rows)


def test_owner_lists_and_keyset_paging_by_id(portal: Portal) -> None:
    owners = [_deal_with_rows(portal, [100.0 + i, 200.0 + i]) for i in range(30)]
    lead = int(portal.ok("crm.lead.add", {"fields": {"TITLE": "Lead"}}))
    portal.ok("crm.lead.productrows.set", {"id": lead, "rows": [{"PRODUCT_NAME": "Lead row", "PRICE": 1}]})
    seen: list[int] = []
    cursor = 0
    while True:
        flt: dict[str, Any] = {"=ownerType": "D", "=ownerId": owners, ">id": cursor}
        answer = portal.call(METHOD, {"filter": flt, "order": {"id": "asc"}, "start": -1}).body
        page = answer["result"]["productRows"]
        if not page:
            break
        assert len(page) <= 50
        seen += [r["id"] for r in page]
        cursor = page[-1]["id"]
    assert len(seen) == 60
    assert seen == sorted(seen)
    leads = portal.ok(METHOD, {"filter": {"=ownerType": "L", "=ownerId": [lead]}})["productRows"]
    assert [(r["ownerType"], r["ownerId"], r["productName"]) for r in leads] == [("L", lead, "Lead row")]


def test_the_required_keys(portal: Portal) -> None:
    # "The following keys must be present: =ownerType, =ownerId"; the table lists INVALID_ARG_VALUE for
    # invalid input and 100 for missing required parameters
    answer = portal.call(METHOD, {"filter": {"=ownerType": "D"}})
    assert (answer.status, answer.body["error"]) == (400, "INVALID_ARG_VALUE")
    assert "=ownerId" in answer.body["error_description"]
    answer = portal.call(METHOD, {})
    assert (answer.status, answer.body["error"]) == (400, "100")
    answer = portal.call(METHOD, {"filter": {"=ownerType": "D", "=ownerId": 1, ">nonsense": 1}})
    assert (answer.status, answer.body["error"]) == (400, "INVALID_ARG_VALUE")
