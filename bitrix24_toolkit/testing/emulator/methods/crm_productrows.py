"""``crm.{deal,lead}.productrows.{get,set}``: ``set`` replaces the whole set.

Pages: api-reference/crm/deals/crm-deal-productrows-{get,set}.md, crm/leads/crm-lead-productrows-{get,set}.md.
Output types are mixed as the pages' examples send them: ``"ID": "5"`` (string), ``"PRODUCT_ID": 450``
(int), ``"PRICE": 899.1`` (number), ``"PRICE_ACCOUNT": "899.10"`` (string). Price model (the examples bear it
out): ``PRICE`` is the final unit price, discount applied and tax added whatever ``TAX_INCLUDED`` says;
``PRICE_EXCLUSIVE`` = without tax, ``PRICE_NETTO`` = before discount without tax, ``PRICE_BRUTTO`` = before
discount with tax; discount type 1 is an absolute ``DISCOUNT_SUM`` per unit, type 2 a percent
``DISCOUNT_RATE``. Defaults follow the set pages' field table; a row naming a catalog product takes its name
and measure from it. When the owner's ``IS_MANUAL_OPPORTUNITY`` is not ``Y`` its ``OPPORTUNITY`` (and a
deal's ``TAX_VALUE``) follow the rows' sum.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..registry import Ctx, PortalError, method, not_found
from ._crm_common import to_int
from ._crm_schema import ENTITIES, EntitySpec
from .crm_products import TABLE as PRODUCT_TABLE

__all__ = ["TABLE", "compute_row", "render_product_row"]

TABLE = "productrow"
#: the catalog's default measure (a product without its own measure is counted in pieces)
_DEFAULT_MEASURE = (796, "pcs")

_RATE_REQUIRED = (
    "Discount Rate (DISCOUNT_RATE) is required if Percentage Discount Type (DISCOUNT_TYPE_ID) is defined"
)
_SUM_REQUIRED_100 = (
    "Discount Sum (DISCOUNT_SUM) is required if Percentage Discount Type (DISCOUNT_TYPE_ID) is defined "
    "and Discount Rate (DISCOUNT_RATE) is 100%"
)
_SUM_REQUIRED = (
    "Discount Sum (DISCOUNT_SUM) is required if Monetary Discount Type (DISCOUNT_TYPE_ID) is defined"
)


def _r(value: float) -> float:
    return round(value + 0.0, 4)


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        return float(str(value).strip())
    except ValueError:
        return None


def _given(raw: Mapping[str, Any], key: str) -> bool:
    return raw.get(key) not in (None, "")


def _check_discount(raw: Mapping[str, Any]) -> None:
    """The set pages' discount refusals (ERROR_CORE, the text ends with ``<br>`` as messages are joined)."""
    dtype = to_int(raw.get("DISCOUNT_TYPE_ID"))
    if dtype == 2 and not _given(raw, "DISCOUNT_RATE"):
        raise PortalError("ERROR_CORE", _RATE_REQUIRED + "<br>", 400)
    if dtype == 2 and _num(raw.get("DISCOUNT_RATE")) == 100 and not _given(raw, "DISCOUNT_SUM"):
        raise PortalError("ERROR_CORE", _SUM_REQUIRED_100 + "<br>", 400)
    if dtype == 1 and not _given(raw, "DISCOUNT_SUM"):
        raise PortalError("ERROR_CORE", _SUM_REQUIRED + "<br>", 400)


def _prices(raw: Mapping[str, Any]) -> dict[str, Any]:
    tax = _num(raw.get("TAX_RATE"))
    factor = 1 + (tax or 0.0) / 100
    dtype = to_int(raw.get("DISCOUNT_TYPE_ID")) or 2
    rate = _num(raw.get("DISCOUNT_RATE")) or 0.0
    dsum = _num(raw.get("DISCOUNT_SUM"))
    price = _num(raw.get("PRICE"))
    exclusive_in = _num(raw.get("PRICE_EXCLUSIVE"))
    netto_in = _num(raw.get("PRICE_NETTO"))
    if price is None and exclusive_in is not None:
        price = exclusive_in * factor
    if price is None and netto_in is not None:
        off = (dsum or 0.0) if dtype == 1 or rate >= 100 else netto_in * rate / 100
        price = (netto_in - off) * factor
    price = price or 0.0
    exclusive = price / factor
    if dtype == 1 or rate >= 100:
        discount = dsum or 0.0
        netto = exclusive + discount
        if dtype == 1:
            rate = discount / netto * 100 if netto else 0.0
    else:
        netto = exclusive / (1 - rate / 100)
        discount = netto - exclusive
    return {
        "PRICE": _r(price),
        "PRICE_EXCLUSIVE": _r(exclusive),
        "PRICE_NETTO": _r(netto),
        "PRICE_BRUTTO": _r(netto * factor),
        "DISCOUNT_TYPE_ID": dtype,
        "DISCOUNT_RATE": _r(rate),
        "DISCOUNT_SUM": _r(discount),
        "TAX_RATE": tax,
    }


def compute_row(raw: Mapping[str, Any], product: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A stored product row (typed) worked out from the input and the catalog product it names."""
    quantity = _num(raw.get("QUANTITY"))
    if product is not None:
        default_code, default_name = _DEFAULT_MEASURE
    else:
        default_code, default_name = 0, ""
    code = to_int(raw.get("MEASURE_CODE"))
    name = raw.get("PRODUCT_NAME")
    catalog_name = str(product.get("NAME") or "") if product is not None else None
    return {
        "PRODUCT_ID": to_int(raw.get("PRODUCT_ID")) or 0,
        "PRODUCT_NAME": str(name) if name not in (None, "") else catalog_name,
        "ORIGINAL_PRODUCT_NAME": catalog_name,
        "PRODUCT_DESCRIPTION": raw.get("PRODUCT_DESCRIPTION"),
        **_prices(raw),
        "QUANTITY": 1.0 if quantity is None else quantity,
        "TAX_INCLUDED": "Y" if str(raw.get("TAX_INCLUDED", "N")).upper() == "Y" else "N",
        "MEASURE_CODE": default_code if code is None else code,
        "MEASURE_NAME": str(raw["MEASURE_NAME"]) if _given(raw, "MEASURE_NAME") else default_name,
        "SORT": to_int(raw.get("SORT")) or 0,
        "XML_ID": str(raw.get("XML_ID") or ""),
    }


def _out(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def render_product_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A stored row in the portal's mixed types."""
    name = row.get("PRODUCT_NAME") or f"[{row['ID']}]"
    tax = row.get("TAX_RATE")
    return {
        "ID": str(row["ID"]),
        "OWNER_ID": str(row["OWNER_ID"]),
        "OWNER_TYPE": row["OWNER_TYPE"],
        "PRODUCT_ID": row["PRODUCT_ID"],
        "PRODUCT_NAME": name,
        "ORIGINAL_PRODUCT_NAME": row.get("ORIGINAL_PRODUCT_NAME") or name,
        "PRODUCT_DESCRIPTION": row.get("PRODUCT_DESCRIPTION"),
        "PRICE": _out(row["PRICE"]),
        "PRICE_EXCLUSIVE": _out(row["PRICE_EXCLUSIVE"]),
        "PRICE_NETTO": _out(row["PRICE_NETTO"]),
        "PRICE_BRUTTO": _out(row["PRICE_BRUTTO"]),
        "PRICE_ACCOUNT": f"{row['PRICE']:.2f}",
        "QUANTITY": _out(row["QUANTITY"]),
        "DISCOUNT_TYPE_ID": row["DISCOUNT_TYPE_ID"],
        "DISCOUNT_RATE": _out(row["DISCOUNT_RATE"]),
        "DISCOUNT_SUM": _out(row["DISCOUNT_SUM"]),
        "TAX_RATE": None if tax is None else _out(tax),
        "TAX_INCLUDED": row["TAX_INCLUDED"],
        "CUSTOMIZED": "Y",
        "MEASURE_CODE": row["MEASURE_CODE"],
        "MEASURE_NAME": row["MEASURE_NAME"],
        "SORT": row["SORT"],
        "XML_ID": row.get("XML_ID") or "",
        "TYPE": 1,
        "STORE_ID": None,
        "RESERVE_ID": None,
        "DATE_RESERVE_END": None,
        "RESERVE_QUANTITY": None,
    }


def _owner_rows(ctx: Ctx, spec: EntitySpec, owner_id: int) -> list[dict[str, Any]]:
    rows = [
        r
        for r in ctx.state.table(TABLE).values()
        if r["OWNER_TYPE"] == spec.owner_type and r["OWNER_ID"] == owner_id
    ]
    return sorted(rows, key=lambda r: (int(r["SORT"]), int(r["ID"])))


def _owner(ctx: Ctx, spec: EntitySpec) -> tuple[int, dict[str, Any]]:
    """The ``id`` parameter and its row (the pages' "The parameter id is invalid ..." and "Not found")."""
    owner_id = to_int(ctx.param("id"))
    if owner_id is None or owner_id <= 0:
        raise PortalError("", "The parameter id is invalid or not defined.", 400)
    row = ctx.state.table(spec.name).get(owner_id)
    if row is None:
        raise not_found()
    return owner_id, row


def _rows_param(ctx: Ctx) -> list[Mapping[str, Any]]:
    raw_rows = ctx.param("rows")
    if isinstance(raw_rows, Mapping):
        raw_rows = list(raw_rows.values())
    if raw_rows in (None, ""):
        raw_rows = []
    if not isinstance(raw_rows, list):
        raise PortalError("", "The parameter rows must be array.", 400)
    rows = [raw for raw in raw_rows if isinstance(raw, Mapping)]
    for raw in rows:
        _check_discount(raw)
    return rows


def _register(spec: EntitySpec) -> None:
    @method(f"crm.{spec.name}.productrows.get")
    def get(ctx: Ctx) -> list[dict[str, Any]]:
        """The owner's product rows."""
        owner_id, _ = _owner(ctx, spec)
        return [render_product_row(r) for r in _owner_rows(ctx, spec, owner_id)]

    @method(f"crm.{spec.name}.productrows.set")
    def set_(ctx: Ctx) -> bool:
        """Replace the owner's product rows; returns ``true``."""
        owner_id, owner = _owner(ctx, spec)
        raw_rows = _rows_param(ctx)
        table = ctx.state.table(TABLE)
        for old in _owner_rows(ctx, spec, owner_id):
            del table[int(old["ID"])]
        products = ctx.state.table(PRODUCT_TABLE)
        total, tax_total = 0.0, 0.0
        for raw in raw_rows:
            product_id = to_int(raw.get("PRODUCT_ID")) or 0
            row = compute_row(raw, products.get(product_id) if product_id > 0 else None)
            row.update({"OWNER_ID": owner_id, "OWNER_TYPE": spec.owner_type})
            ctx.state.insert(TABLE, row)
            total += row["PRICE"] * row["QUANTITY"]
            tax_total += (row["PRICE"] - row["PRICE_EXCLUSIVE"]) * row["QUANTITY"]
        if owner.get("IS_MANUAL_OPPORTUNITY") != "Y":
            owner["OPPORTUNITY"] = round(total, 2)
            if spec.name == "deal":
                owner["TAX_VALUE"] = round(tax_total, 2)
        return True


for _name in ("deal", "lead"):
    _register(ENTITIES[_name])
