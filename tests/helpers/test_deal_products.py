"""set_deal_products / deal_products: catalog look-ups, prices with discounts and taxes, the deal amount."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from bitrix24_toolkit.errors import InvalidInputError
from bitrix24_toolkit.helpers import DealProductsError, ProductLine, deal_products, set_deal_products
from bitrix24_toolkit.helpers.deals._products import price_row
from bitrix24_toolkit.testing.emulator import Emulator


def _catalog(emu: Emulator) -> tuple[int, int]:
    sochi = emu.state.insert("product", {"NAME": "Тур в Сочи", "PRICE": 50000.0, "CURRENCY_ID": "RUB"})
    paris = emu.state.insert("product", {"NAME": "Тур в Париж", "PRICE": 900.0, "CURRENCY_ID": "EUR"})
    return sochi, paris


def _deal(emu: Emulator, **fields: Any) -> int:
    status, body = emu.call("crm.deal.add", {"fields": {"TITLE": "Поездка", "CURRENCY_ID": "RUB", **fields}})
    assert status == 200
    return int(body["result"])


async def test_rows_from_catalog_and_free_text(client: Any, emu: Emulator) -> None:
    sochi, _ = _catalog(emu)
    deal_id = _deal(emu)
    lines: list[dict[str, Any]] = [
        {"product": "Тур в Сочи", "quantity": 2, "discount_percent": 10},  # 50000 - 10% = 45000, x2 = 90000
        {"product": sochi, "discount_sum": 1000, "tax_rate": 20},  # (50000 - 1000) * 1.2 = 58800
        {"name": "Страховка", "price": 1500, "quantity": 2, "tax_rate": 20, "tax_included": True},  # 3000
    ]
    result = await client.run(set_deal_products.flow(deal_id, lines))
    # 90000 + 58800 + 3000 = 151800; tax 9800 + 2 * 250 = 10300
    assert result.total == Decimal("151800.00")
    assert result.tax_total == Decimal("10300.00")
    assert result.opportunity == Decimal("151800.00")
    assert result.consistent
    assert [(r.product_id, r.product_name, r.price, r.quantity) for r in result.rows] == [
        (sochi, "Тур в Сочи", Decimal(45000), Decimal(2)),
        (sochi, "Тур в Сочи", Decimal(58800), Decimal(1)),
        (0, "Страховка", Decimal(1500), Decimal(2)),
    ]
    assert (result.rows[1].price_exclusive, result.rows[1].discount_sum) == (Decimal(49000), Decimal(1000))
    assert (result.rows[2].price_exclusive, result.rows[2].tax_rate) == (Decimal(1250), Decimal(20))
    assert float(emu.state.table("deal")[deal_id]["OPPORTUNITY"]) == 151800.0
    again = await client.run(deal_products.flow(deal_id))
    assert again.rows == result.rows
    assert again.total == result.total


def test_manual_amount_is_brought_in_line(emu: Emulator) -> None:
    deal_id = _deal(emu, OPPORTUNITY=5, IS_MANUAL_OPPORTUNITY="Y")
    with emu.client() as b24:
        result = set_deal_products(
            b24, deal_id, [ProductLine(name="A", price=Decimal("10.005"), quantity=Decimal(3))]
        )
        untouched = set_deal_products(
            b24, _deal(emu, OPPORTUNITY=7, IS_MANUAL_OPPORTUNITY="Y"), [], sync_amount=False
        )
    # 10.005 rounds half up to 10.01; x3 = 30.03
    assert result.total == Decimal("30.03")
    assert result.manual_opportunity
    assert emu.state.table("deal")[deal_id]["OPPORTUNITY"] == pytest.approx(30.03)
    assert untouched.opportunity == Decimal(7)
    assert not untouched.consistent


def test_one_batched_lookup(emu: Emulator) -> None:
    _catalog(emu)
    deal_id = _deal(emu)
    with emu.client() as b24:
        before = emu.stats.requests
        set_deal_products(
            b24, deal_id, [{"product": "Тур в Сочи"}, {"product": 1}, {"product": "Тур в Сочи"}]
        )
    # look-up batch (deal + products), productrows.set, read-back batch
    assert emu.stats.requests - before == 3


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ({"product": "Нет такого"}, "is not in the catalog"),
        ({"product": 77}, "is not in the catalog"),
        ({"product": "Тур в Париж"}, "priced in EUR"),
    ],
)
def test_catalog_problems(emu: Emulator, line: dict[str, Any], problem: str) -> None:
    _catalog(emu)
    deal_id = _deal(emu)
    with emu.client() as b24, pytest.raises(DealProductsError, match=problem):
        set_deal_products(b24, deal_id, [line])
    assert emu.state.table("productrow") == {}


def test_ambiguous_names_are_refused(emu: Emulator) -> None:
    _catalog(emu)
    emu.state.insert("product", {"NAME": "Тур в Сочи", "PRICE": 1.0, "CURRENCY_ID": "RUB"})
    with emu.client() as b24, pytest.raises(DealProductsError, match="several"):
        set_deal_products(b24, _deal(emu), [{"product": "Тур в Сочи"}])


@pytest.mark.parametrize(
    "line",
    [
        {},
        {"name": "x", "price": -1},
        {"name": "x", "price": "abc"},
        {"name": "x", "price": 1, "discount_percent": 100},
        {"name": "x", "price": 1, "discount_percent": 5, "discount_sum": 1},
        {"name": "x", "colour": "red"},
    ],
)
def test_bad_lines_are_refused(line: dict[str, Any]) -> None:
    with pytest.raises(InvalidInputError):
        ProductLine.of(line)


def test_price_row_by_hand() -> None:
    # 1000 without tax, 10% off -> 900; tax 20% -> 1080 a unit
    row = price_row(
        ProductLine.of({"name": "x", "price": 1000, "discount_percent": 10, "tax_rate": 20}), None, 10
    )
    assert (row["PRICE"], row["PRICE_EXCLUSIVE"], row["PRICE_NETTO"], row["PRICE_BRUTTO"]) == (
        "1080.00",
        "900.00",
        "1000.00",
        "1200.00",
    )
    assert (row["DISCOUNT_TYPE_ID"], row["DISCOUNT_SUM"], row["DISCOUNT_RATE"]) == (2, "100.00", "10.00")
    # 1200 with tax included (1000 net), 50 off a unit -> 950 net, 1140 with tax
    row = price_row(
        ProductLine.of(
            {"name": "x", "price": 1200, "discount_sum": 50, "tax_rate": 20, "tax_included": True}
        ),
        None,
        10,
    )
    assert (row["PRICE"], row["DISCOUNT_TYPE_ID"], row["DISCOUNT_RATE"], row["TAX_INCLUDED"]) == (
        "1140.00",
        1,
        "5.00",
        "Y",
    )
    with pytest.raises(InvalidInputError):
        price_row(ProductLine.of({"name": "x", "price": 10, "discount_sum": 11}), None, 10)
