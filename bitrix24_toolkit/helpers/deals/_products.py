"""Products in a deal: :func:`set_deal_products` from the catalog or free text, :func:`deal_products` typed.

Prices follow the portal's product-row model (reference 5.8): a line's ``price`` is the unit price before
the discount; the discount is a percent (``DISCOUNT_TYPE_ID`` 2) or an absolute amount per unit (1) taken
off the price without tax; the row's ``PRICE`` is the final unit price with tax, so the deal amount is
``sum(PRICE * QUANTITY)``. With ``tax_included`` the given price already contains the tax.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from ...errors import Bitrix24Error, InvalidInputError
from ...models.catalog import CatalogProduct
from ...models.crm import Deal
from ...models.products import ProductRow
from ...protocol.batch import Batch, Outcome
from ...protocol.call import Call, Flow
from ...services import CrmCalls
from ...services.entity import ensure_id
from ..base import helper

__all__ = ["DealProducts", "DealProductsError", "ProductLine", "deal_products", "set_deal_products"]

_CENT = Decimal("0.01")


class DealProductsError(Bitrix24Error):
    """A line names a product the catalog does not have (or has twice), or in another currency."""


def _money(value: Any, name: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidInputError(f"{name} must be a number, not {value!r}", field=name) from None
    if not number.is_finite() or number < 0:
        raise InvalidInputError(f"{name} must be a non-negative number, not {value!r}", field=name)
    return number


def _opt(value: Any, name: str) -> Decimal | None:
    return None if value is None or value == "" else _money(value, name)


@dataclass(frozen=True)
class ProductLine:
    """A wanted row: a catalog ``product`` (id or exact name) or a free-text ``name``, with terms."""

    product: int | str | None = None
    name: str | None = None
    #: unit price before the discount; the catalog price when omitted
    price: Decimal | None = None
    quantity: Decimal = Decimal(1)
    discount_percent: Decimal | None = None
    #: absolute discount per unit (on the price without tax)
    discount_sum: Decimal | None = None
    tax_rate: Decimal | None = None
    tax_included: bool = False
    measure_code: int | None = None
    measure_name: str | None = None

    @classmethod
    def of(cls, value: ProductLine | Mapping[str, Any]) -> ProductLine:
        """A line from a :class:`ProductLine` or a dict with the same keys; numbers are checked."""
        if isinstance(value, ProductLine):
            data: dict[str, Any] = dict(value.__dict__)
        elif isinstance(value, Mapping):
            data = {str(k).lower(): v for k, v in value.items()}
            unknown = set(data) - set(cls.__dataclass_fields__)
            if unknown:
                raise InvalidInputError(f"unknown product line keys: {sorted(unknown)}", field="rows")
        else:
            raise InvalidInputError(f"a product line must be a dict or ProductLine, not {value!r}")
        product = data.get("product")
        if product is not None and not isinstance(product, str):
            product = ensure_id(product, "product")
        if product is None and not data.get("name"):
            raise InvalidInputError("a product line needs a catalog product or a name", field="rows")
        if data.get("discount_percent") is not None and data.get("discount_sum") is not None:
            raise InvalidInputError("give discount_percent or discount_sum, not both", field="rows")
        percent = _opt(data.get("discount_percent"), "discount_percent")
        if percent is not None and percent >= 100:
            raise InvalidInputError("discount_percent must be below 100", field="discount_percent")
        return cls(
            product=product,
            name=data.get("name"),
            price=_opt(data.get("price"), "price"),
            quantity=_money(data.get("quantity", 1), "quantity"),
            discount_percent=percent,
            discount_sum=_opt(data.get("discount_sum"), "discount_sum"),
            tax_rate=_opt(data.get("tax_rate"), "tax_rate"),
            tax_included=bool(data.get("tax_included", False)),
            measure_code=data.get("measure_code"),
            measure_name=data.get("measure_name"),
        )


def price_row(line: ProductLine, product: CatalogProduct | None, sort: int) -> dict[str, Any]:
    """The ``crm.deal.productrows.set`` row of a line (prices worked out, see the module docstring)."""
    price = line.price if line.price is not None else (product.price if product else None)
    if price is None:
        raise InvalidInputError(f"line {line.name or line.product!r} has no price", field="price")
    rate = line.tax_rate or Decimal(0)
    factor = 1 + rate / 100
    netto = price / factor if line.tax_included else price
    if line.discount_sum is not None:
        discount, kind = line.discount_sum, 1
    else:
        discount, kind = netto * (line.discount_percent or Decimal(0)) / 100, 2
    if discount > netto:
        raise InvalidInputError(f"the discount of {line.name or line.product!r} exceeds its price")
    exclusive = netto - discount
    final = (exclusive * factor).quantize(_CENT, ROUND_HALF_UP)
    row: dict[str, Any] = {
        "PRODUCT_ID": product.id if product else 0,
        "PRODUCT_NAME": line.name or (product.name if product else ""),
        "PRICE": str(final),
        "PRICE_EXCLUSIVE": str(exclusive.quantize(_CENT, ROUND_HALF_UP)),
        "PRICE_NETTO": str(netto.quantize(_CENT, ROUND_HALF_UP)),
        "PRICE_BRUTTO": str((netto * factor).quantize(_CENT, ROUND_HALF_UP)),
        "QUANTITY": str(line.quantity),
        "DISCOUNT_TYPE_ID": kind,
        "DISCOUNT_RATE": str((discount / netto * 100 if netto else Decimal(0)).quantize(_CENT)),
        "DISCOUNT_SUM": str(discount.quantize(_CENT, ROUND_HALF_UP)),
        "TAX_INCLUDED": "Y" if line.tax_included else "N",
        "SORT": sort,
    }
    if line.tax_rate is not None:
        row["TAX_RATE"] = str(line.tax_rate)
    if line.measure_code is not None:
        row["MEASURE_CODE"] = line.measure_code
    if line.measure_name is not None:
        row["MEASURE_NAME"] = line.measure_name
    return row


@dataclass
class DealProducts:
    """A deal's product rows read back, with their totals and the deal amount."""

    deal_id: int
    rows: list[ProductRow] = field(default_factory=list)
    opportunity: Decimal = Decimal(0)
    currency_id: str | None = None
    manual_opportunity: bool = False

    @property
    def total(self) -> Decimal:
        """``sum(PRICE * QUANTITY)`` over the rows, rounded to cents."""
        return sum((r.total for r in self.rows), Decimal(0)).quantize(_CENT, ROUND_HALF_UP)

    @property
    def tax_total(self) -> Decimal:
        """The tax contained in :attr:`total`."""
        return sum((r.tax_total for r in self.rows), Decimal(0)).quantize(_CENT, ROUND_HALF_UP)

    @property
    def consistent(self) -> bool:
        """Whether the deal amount equals the rows' total."""
        return self.opportunity.quantize(_CENT) == self.total


def _read_back(deal_id: int) -> Flow[DealProducts]:
    crm = CrmCalls()
    outcomes: list[Outcome[Any]] = yield Batch([crm.deal.get(deal_id), crm.deal.productrows.get(deal_id)])
    deal: Deal = outcomes[0].unwrap()
    rows: list[ProductRow] = outcomes[1].unwrap()
    return DealProducts(
        deal_id=deal_id,
        rows=rows,
        opportunity=deal.opportunity or Decimal(0),
        currency_id=deal.currency_id,
        manual_opportunity=bool(deal.is_manual_opportunity),
    )


@helper
def deal_products(deal_id: int) -> Flow[DealProducts]:
    """A deal's product rows, typed, with the deal amount (crm.deal.get + crm.deal.productrows.get)."""
    return (yield from _read_back(ensure_id(deal_id, "deal_id")))


def _lookups(lines: list[ProductLine]) -> dict[str, Call[Any]]:
    """One ``crm.product.list`` for all ids and one per name, sent together in one batch."""
    calls: dict[str, Call[Any]] = {}
    ids = sorted({line.product for line in lines if isinstance(line.product, int)})
    if ids:
        calls["ids"] = Call("crm.product.list", {"filter": {"@ID": ids}}, read_only=True)
    names = sorted({line.product for line in lines if isinstance(line.product, str)})
    for index, name in enumerate(names):
        calls[f"name{index}"] = Call("crm.product.list", {"filter": {"NAME": name}}, read_only=True)
    return calls


def _resolve(lines: list[ProductLine], found: list[CatalogProduct], currency: str | None) -> list[Any]:
    by_id = {p.id: p for p in found}
    products: list[CatalogProduct | None] = []
    for line in lines:
        if line.product is None:
            products.append(None)
            continue
        if isinstance(line.product, int):
            matches = [by_id[line.product]] if line.product in by_id else []
        else:
            matches = [p for p in found if (p.name or "") == line.product]
        if len(matches) != 1:
            problem = "is not in the catalog" if not matches else "matches several catalog products"
            raise DealProductsError(f"product {line.product!r} {problem}")
        product = matches[0]
        if line.price is None and currency and product.currency_id and product.currency_id != currency:
            raise DealProductsError(
                f"product {line.product!r} is priced in {product.currency_id}, the deal in {currency}: "
                "give the line a price"
            )
        products.append(product)
    return products


@helper
def set_deal_products(
    deal_id: int, rows: Sequence[ProductLine | Mapping[str, Any]], *, sync_amount: bool = True
) -> Flow[DealProducts]:
    """Replace a deal's product rows; keep ``OPPORTUNITY`` equal to their total; return them read back.

    Catalog products are looked up in one batch with the deal; a manual-amount deal whose amount differs
    from the rows' total is updated when ``sync_amount`` (crm.deal.productrows.set, crm.deal.update).
    """
    deal_id = ensure_id(deal_id, "deal_id")
    if isinstance(rows, str | Mapping) or not isinstance(rows, Sequence):
        raise InvalidInputError("rows must be a list of product lines", field="rows")
    lines = [ProductLine.of(row) for row in rows]
    crm = CrmCalls()
    calls: dict[str, Call[Any]] = {"deal": crm.deal.get(deal_id), **_lookups(lines)}
    outcomes: list[Outcome[Any]] = yield Batch(calls)
    deal: Deal = outcomes[0].unwrap()
    found = {
        product.id: product
        for outcome in outcomes[1:]
        for product in (CatalogProduct.model_validate(raw) for raw in outcome.unwrap() or [])
    }
    products = _resolve(lines, list(found.values()), deal.currency_id)
    pairs = zip(lines, products, strict=True)
    payload = [price_row(line, product, (index + 1) * 10) for index, (line, product) in enumerate(pairs)]
    yield crm.deal.productrows.set(deal_id, payload)
    result = yield from _read_back(deal_id)
    if sync_amount and not result.consistent:
        # a manual amount (IS_MANUAL_OPPORTUNITY=Y) does not follow the rows: set it to their total
        params = {"id": deal_id, "fields": {"OPPORTUNITY": str(result.total)}}
        yield Call("crm.deal.update", params)
        result.opportunity = result.total
    return result
