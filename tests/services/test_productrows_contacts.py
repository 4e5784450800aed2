"""``b24.crm.{deal,lead}.productrows`` and ``.contact_items``: mixed types, replace-all, amounts."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bitrix24_toolkit import errors
from bitrix24_toolkit.models.bindings import ContactBinding
from bitrix24_toolkit.models.products import ProductRow
from bitrix24_toolkit.testing.emulator import Emulator

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_reference_row_reads_with_exact_decimals() -> None:
    exchanges = json.loads((FIXTURES / "crm.json").read_text(encoding="utf-8"))["exchanges"]
    body = next(e["body"] for e in exchanges if e["method"] == "crm.deal.productrows.get")
    row = ProductRow.from_api(body["result"][0])
    assert row.id == 5
    assert isinstance(row.product_id, int)
    assert row.price == Decimal("899.1")  # a float on the wire, read through its repr
    assert row.price_account == Decimal("899.10")  # a string on the wire
    assert row.discount_sum == Decimal("99.9")
    assert row.owner_type == "D"
    assert row.total == row.price * (row.quantity or 1)


async def test_set_replaces_every_row_and_the_amount_follows(client: Any) -> None:
    deal_id = await client.crm.deal.add({"TITLE": "Поставка"})
    rows = [
        ProductRow(product_name="Кресло", price=Decimal("899.10"), quantity=Decimal(2)),
        {"PRODUCT_NAME": "Доставка", "PRICE": "150.00", "DISCOUNT_TYPE_ID": 2, "DISCOUNT_RATE": 10},
        {"product_name": "Сборка", "price": Decimal("99.99"), "quantity": 3, "tax_rate": 20},
    ]
    assert await client.crm.deal.productrows.set(deal_id, rows)
    got = await client.crm.deal.productrows.get(deal_id)
    assert [r.product_name for r in got] == ["Кресло", "Доставка", "Сборка"]
    assert [r.price for r in got] == [Decimal("899.1"), Decimal("150"), Decimal("99.99")]
    assert got[0].price_account == Decimal("899.10")
    assert (got[0].owner_id, got[0].owner_type, got[0].quantity) == (deal_id, "D", Decimal(2))
    # prices keep more than cents (crm-lead-productrows-get.md example: "PRICE": 22175.328)
    assert (got[1].discount_rate, got[1].price_netto) == (Decimal(10), Decimal("166.6667"))
    assert got[2].price_exclusive == Decimal("83.325")
    deal = await client.crm.deal.get(deal_id)
    assert deal.opportunity == sum(r.total for r in got) == Decimal("2248.17")
    # the deal keeps cents, the rows more (crm-lead-productrows-get.md example: "PRICE": 22175.328)
    assert abs(deal.tax_value - sum(r.tax_total for r in got)) <= Decimal("0.01")
    assert await client.crm.deal.productrows.set(deal_id, got[:1])  # rows read back can be written back
    again = await client.crm.deal.productrows.get(deal_id)
    assert [(r.product_name, r.price, r.quantity) for r in again] == [
        ("Кресло", Decimal("899.1"), Decimal(2))
    ]
    assert again[0].id != got[0].id  # replaced, not kept
    assert (await client.crm.deal.get(deal_id)).opportunity == Decimal("1798.20")
    assert await client.crm.deal.productrows.set(deal_id, [])
    assert await client.crm.deal.productrows.get(deal_id) == []
    assert (await client.crm.deal.get(deal_id)).opportunity == 0


async def test_lead_rows_copy_to_a_deal(client: Any) -> None:
    lead_id = await client.crm.lead.add({"TITLE": "Лид"})
    await client.crm.lead.productrows.set(lead_id, [{"PRODUCT_NAME": "Тур", "PRICE": 50000, "QUANTITY": 2}])
    lead_rows = await client.crm.lead.productrows.get(lead_id)
    assert lead_rows[0].owner_type == "L"
    deal_id = await client.crm.deal.add({"TITLE": "Из лида"})
    await client.crm.deal.productrows.set(deal_id, lead_rows)
    deal_rows = await client.crm.deal.productrows.get(deal_id)
    assert [(r.product_name, r.total, r.owner_type) for r in deal_rows] == [("Тур", Decimal(100000), "D")]
    assert (await client.crm.lead.get(lead_id)).opportunity == (
        await client.crm.deal.get(deal_id)
    ).opportunity


async def test_contact_bindings(client: Any) -> None:
    first = await client.crm.contact.add({"NAME": "Анна"})
    second = await client.crm.contact.add({"NAME": "Борис"})
    deal_id = await client.crm.deal.add({"TITLE": "Сделка"})
    assert await client.crm.deal.contact_items.set(deal_id, [first, second])
    bound = await client.crm.deal.contact_items.get(deal_id)
    assert [(b.contact_id, b.is_primary) for b in bound] == [(first, True), (second, False)]
    assert all(isinstance(b, ContactBinding) for b in bound)
    assert (await client.crm.deal.get(deal_id)).contact_id == first
    await client.crm.deal.contact_items.set(
        deal_id,
        [ContactBinding(contact_id=first, sort=10), {"CONTACT_ID": second, "IS_PRIMARY": "Y", "SORT": 20}],
    )
    assert (await client.crm.deal.get(deal_id)).contact_id == second
    assert await client.crm.deal.contact_items.delete(deal_id)
    assert await client.crm.deal.contact_items.get(deal_id) == []
    lead_id = await client.crm.lead.add({"TITLE": "Лид"})
    await client.crm.lead.contact_items.set(lead_id, [{"contact_id": first}])
    assert [b.contact_id for b in await client.crm.lead.contact_items.get(lead_id)] == [first]
    assert (await client.crm.lead.get(lead_id)).is_return_customer is True


async def test_bad_arguments_fail_before_any_request(client: Any, emu: Emulator) -> None:
    emu.reset_stats()
    with pytest.raises(errors.InvalidInputError, match="rows"):
        await client.crm.deal.productrows.set(1, {"PRODUCT_NAME": "x"})
    with pytest.raises(errors.InvalidInputError, match=r"rows\[0\]"):
        await client.crm.deal.productrows.set(1, [{"PRICE": 5}])
    with pytest.raises(errors.InvalidInputError):
        await client.crm.deal.productrows.set(1, [{"PRODUCT_NAME": "x", "PRICE": "дорого"}])
    with pytest.raises(errors.InvalidInputError):
        await client.crm.deal.productrows.get(0)
    with pytest.raises(errors.InvalidInputError, match="CONTACT_ID"):
        await client.crm.deal.contact_items.set(1, [{"SORT": 10}])
    with pytest.raises(errors.InvalidInputError):
        await client.crm.lead.contact_items.set(1, [0])
    assert not emu.stats.calls
