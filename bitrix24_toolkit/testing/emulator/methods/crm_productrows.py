"""``crm.{deal,lead}.productrows.{get,set}`` (reference 5.8): ``set`` replaces the whole set.

Output types are mixed exactly as the portal sends them: ``"ID": "5"`` (string), ``"PRODUCT_ID": 450``
(int), ``"PRICE": 899.1`` (float), ``"PRICE_ACCOUNT": "899.10"`` (string). The emulator's price model:
``PRICE`` is the final unit price (after discount, tax included); ``PRICE_EXCLUSIVE`` = without tax,
``PRICE_NETTO`` = before discount without tax, ``PRICE_BRUTTO`` = before discount with tax; discount
type 1 is an absolute ``DISCOUNT_SUM`` per unit, type 2 a percent ``DISCOUNT_RATE``. When the owner's
``IS_MANUAL_OPPORTUNITY`` is not ``Y`` its ``OPPORTUNITY`` (and a deal's ``TAX_VALUE``) follow the rows'
sum (recalculation details are unconfirmed).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..registry import Ctx, PortalError, method
from ._crm_common import get_row, id_param, to_float, to_int
from ._crm_schema import ENTITIES, EntitySpec

__all__ = ["TABLE", "compute_row", "render_product_row"]

TABLE = "productrow"


def _r(value: float) -> float:
    return round(value + 0.0, 2)


def compute_row(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A stored product row (typed) with prices, discount and tax worked out from the input."""
    qty = to_float(raw.get("QUANTITY"))
    quantity = 1.0 if qty is None else qty
    tax = to_float(raw.get("TAX_RATE")) or 0.0
    factor = 1 + tax / 100
    dtype = to_int(raw.get("DISCOUNT_TYPE_ID")) or 2
    rate = to_float(raw.get("DISCOUNT_RATE")) or 0.0
    dsum = to_float(raw.get("DISCOUNT_SUM"))
    price = to_float(raw.get("PRICE"))
    if price is None and to_float(raw.get("PRICE_EXCLUSIVE")) is not None:
        price = (to_float(raw.get("PRICE_EXCLUSIVE")) or 0.0) * factor
    netto_in = to_float(raw.get("PRICE_NETTO"))
    if price is None and netto_in is not None:
        off = (dsum or 0.0) if dtype == 1 else netto_in * rate / 100
        price = (netto_in - off) * factor
    price = price or 0.0
    exclusive = price / factor
    if dtype == 1:
        discount = dsum or 0.0
        netto = exclusive + discount
        rate = discount / netto * 100 if netto else 0.0
    else:
        netto = exclusive / (1 - rate / 100) if rate < 100 else exclusive
        discount = netto - exclusive
    return {
        "PRODUCT_ID": to_int(raw.get("PRODUCT_ID")) or 0,
        "PRODUCT_NAME": str(raw.get("PRODUCT_NAME") or ""),
        "PRODUCT_DESCRIPTION": raw.get("PRODUCT_DESCRIPTION"),
        "PRICE": _r(price),
        "PRICE_EXCLUSIVE": _r(exclusive),
        "PRICE_NETTO": _r(netto),
        "PRICE_BRUTTO": _r(netto * factor),
        "QUANTITY": quantity,
        "DISCOUNT_TYPE_ID": dtype,
        "DISCOUNT_RATE": _r(rate),
        "DISCOUNT_SUM": _r(discount),
        "TAX_RATE": tax if raw.get("TAX_RATE") not in (None, "") else None,
        "TAX_INCLUDED": "Y" if str(raw.get("TAX_INCLUDED", "N")).upper() == "Y" else "N",
        "MEASURE_CODE": to_int(raw.get("MEASURE_CODE")) or 796,
        "MEASURE_NAME": str(raw.get("MEASURE_NAME") or "pcs"),
        "SORT": to_int(raw.get("SORT")) or 10,
        "XML_ID": raw.get("XML_ID"),
    }


def _num(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def render_product_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A stored row in the portal's mixed types."""
    return {
        "ID": str(row["ID"]),
        "OWNER_ID": str(row["OWNER_ID"]),
        "OWNER_TYPE": row["OWNER_TYPE"],
        "PRODUCT_ID": row["PRODUCT_ID"],
        "PRODUCT_NAME": row["PRODUCT_NAME"],
        "ORIGINAL_PRODUCT_NAME": row["PRODUCT_NAME"],
        "PRODUCT_DESCRIPTION": row.get("PRODUCT_DESCRIPTION"),
        "PRICE": row["PRICE"],
        "PRICE_EXCLUSIVE": row["PRICE_EXCLUSIVE"],
        "PRICE_NETTO": row["PRICE_NETTO"],
        "PRICE_BRUTTO": row["PRICE_BRUTTO"],
        "PRICE_ACCOUNT": f"{row['PRICE']:.2f}",
        "QUANTITY": _num(row["QUANTITY"]),
        "DISCOUNT_TYPE_ID": row["DISCOUNT_TYPE_ID"],
        "DISCOUNT_RATE": _num(row["DISCOUNT_RATE"]),
        "DISCOUNT_SUM": _num(row["DISCOUNT_SUM"]),
        "TAX_RATE": row.get("TAX_RATE"),
        "TAX_INCLUDED": row["TAX_INCLUDED"],
        "CUSTOMIZED": "Y",
        "MEASURE_CODE": row["MEASURE_CODE"],
        "MEASURE_NAME": row["MEASURE_NAME"],
        "SORT": row["SORT"],
        "XML_ID": row.get("XML_ID"),
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


def _register(spec: EntitySpec) -> None:
    @method(f"crm.{spec.name}.productrows.get")
    def get(ctx: Ctx) -> list[dict[str, Any]]:
        """The owner's product rows."""
        owner_id = id_param(ctx)
        get_row(ctx.state, spec, owner_id)
        return [render_product_row(r) for r in _owner_rows(ctx, spec, owner_id)]

    @method(f"crm.{spec.name}.productrows.set")
    def set_(ctx: Ctx) -> bool:
        """Replace the owner's product rows; returns ``true``."""
        owner_id = id_param(ctx)
        owner = get_row(ctx.state, spec, owner_id)
        raw_rows = ctx.param("rows")
        if isinstance(raw_rows, Mapping):
            raw_rows = list(raw_rows.values())
        if raw_rows in (None, ""):
            raw_rows = []
        if not isinstance(raw_rows, list):
            raise PortalError("", "Parameter 'rows' must be array.", 400)
        table = ctx.state.table(TABLE)
        for old in _owner_rows(ctx, spec, owner_id):
            del table[int(old["ID"])]
        total, tax_total = 0.0, 0.0
        for raw in raw_rows:
            if not isinstance(raw, Mapping):
                continue
            row = compute_row(raw)
            row.update({"OWNER_ID": owner_id, "OWNER_TYPE": spec.owner_type})
            ctx.state.insert(TABLE, row)
            total += row["PRICE"] * row["QUANTITY"]
            tax_total += (row["PRICE"] - row["PRICE_EXCLUSIVE"]) * row["QUANTITY"]
        if owner.get("IS_MANUAL_OPPORTUNITY") != "Y":
            owner["OPPORTUNITY"] = _r(total)
            if spec.name == "deal":
                owner["TAX_VALUE"] = _r(tax_total)
        return True


for _name in ("deal", "lead"):
    _register(ENTITIES[_name])
