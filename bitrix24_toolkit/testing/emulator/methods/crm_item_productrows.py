"""``crm.item.productrow.list``: the product rows of CRM objects, camelCase, on the rows of
``crm.{deal,lead}.productrows.*``.

Page: api-reference/crm/universal/product-rows/crm-item-productrow-list.md (fields: the
``crm_item_product_row`` object of api-reference/crm/data-types.md). The filter must hold the keys
``=ownerType`` (the short type code: ``D`` deals, ``L`` leads) and ``=ownerId`` ("The following keys must
be present"); ``=`` "works with arrays as well", so ``{"=ownerId": [1, 2, 3]}`` reads the rows of several
owners. Every operator of :mod:`..query` works on the documented fields (``>id`` keyset paging,
``@ownerId``, ``>price`` ...); ``order`` takes ``asc``/``desc`` (default ``id`` ascending). The answer is
``{"productRows": [...]}`` + ``total``/``next``, real numbers (``id``, ``ownerId`` are ints).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..listing import list_rows
from ..query import filter_fields, parse_condition, require_array
from ..registry import Ctx, ListResult, PortalError, method
from ._crm_common import to_int
from .crm_productrows import TABLE

__all__ = ["render_item_product_row"]

#: crm_item_product_row field -> the stored key (``None``: a constant of an emulated portal)
_STORED: dict[str, str | None] = {
    "id": "ID",
    "ownerId": "OWNER_ID",
    "ownerType": "OWNER_TYPE",
    "productId": "PRODUCT_ID",
    "productName": "PRODUCT_NAME",
    "price": "PRICE",
    "priceAccount": "PRICE",
    "priceExclusive": "PRICE_EXCLUSIVE",
    "priceNetto": "PRICE_NETTO",
    "priceBrutto": "PRICE_BRUTTO",
    "quantity": "QUANTITY",
    "discountTypeId": "DISCOUNT_TYPE_ID",
    "discountRate": "DISCOUNT_RATE",
    "discountSum": "DISCOUNT_SUM",
    "taxRate": "TAX_RATE",
    "taxIncluded": "TAX_INCLUDED",
    "customized": None,
    "measureCode": "MEASURE_CODE",
    "measureName": "MEASURE_NAME",
    "sort": "SORT",
    "xmlId": "XML_ID",
    "type": None,
    "storeId": None,
}
_CONSTANTS: dict[str, Any] = {"customized": "Y", "type": 1, "storeId": None}
_BY_LOWER = {name.lower(): name for name in _STORED}
_REQUIRED = ("=ownerType", "=ownerId")


def _number(value: Any) -> float | int | None:
    if value is None:
        return None
    number = float(value)
    return int(number) if number.is_integer() else number


def _value(row: Mapping[str, Any], name: str) -> Any:
    field = _BY_LOWER.get(name.lower(), name)
    key = _STORED.get(field)
    if key is None:
        return _CONSTANTS.get(field)
    value = row.get(key)
    if field == "productName":
        return value or f"[{row['ID']}]"
    if field in ("id", "ownerId", "productId", "discountTypeId", "measureCode", "sort"):
        return to_int(value)
    if key in ("PRICE", "PRICE_EXCLUSIVE", "PRICE_NETTO", "PRICE_BRUTTO", "QUANTITY", "TAX_RATE") or key in (
        "DISCOUNT_RATE",
        "DISCOUNT_SUM",
    ):
        return _number(value)
    return "" if value is None and field == "xmlId" else value


def render_item_product_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A stored product row as ``crm.item.productrow.*`` sends it (camelCase keys, real numbers)."""
    return {name: _value(row, name) for name in _STORED}


def _refuse_unknown(names: list[str], what: str) -> None:
    for name in names:
        if name.lower() not in _BY_LOWER:
            raise PortalError("INVALID_ARG_VALUE", f"Invalid {what}: unknown field '{name}'", 400)


@method("crm.item.productrow.list")
def productrow_list(ctx: Ctx) -> ListResult:
    """Product rows of the owners the filter names: ``{"productRows": [...]}``, 50 a page."""
    raw = ctx.param("filter")
    if raw is None:
        raise PortalError("100", "Could not find value for parameter {filter}", 400)
    flt = require_array(raw, "filter") or {}
    missing = [key for key in _REQUIRED if key not in flt]
    if missing:
        # the page: "The following keys must be present: =ownerType, =ownerId" (wording unconfirmed)
        raise PortalError("INVALID_ARG_VALUE", f"Required filter keys are missing: {', '.join(missing)}", 400)
    _refuse_unknown(filter_fields(flt), "filter")
    order = require_array(ctx.param("order"), "order") or {}
    _refuse_unknown([str(name) for name in order], "order")
    spec = {_BY_LOWER[str(k).lower()]: str(v).upper() for k, v in order.items()}
    owner_ids = _owner_ids(flt)
    table = ctx.state.table(TABLE)
    if owner_ids is not None:  # an index on the owner, as the portal's table has
        table = {key: row for key, row in table.items() if row.get("OWNER_ID") in owner_ids}
    result = list_rows(table, _with_id_key(flt), spec or None, ctx.param("start"), _value, id_field="id")
    result.result = {"productRows": [render_item_product_row(row) for row in result.result]}
    return result


def _owner_ids(flt: Mapping[str, Any]) -> set[int] | None:
    """The owner ids a ``=ownerId`` (or ``@ownerId``) condition allows, when it is a plain id or list."""
    for key, value in flt.items():
        cond = parse_condition(str(key), value)
        if cond.field.lower() != "ownerid" or cond.op not in ("=", "@"):
            continue
        values = value if isinstance(value, list | tuple) else [value]
        ids = {to_int(v) for v in values}
        if None not in ids:
            return {i for i in ids if i is not None}
    return None


def _with_id_key(flt: Mapping[str, Any]) -> dict[str, Any]:
    """The filter with its id conditions named ``id`` exactly (for the id index of :func:`list_rows`)."""
    out: dict[str, Any] = {}
    for key, value in flt.items():
        cond = parse_condition(str(key), value)
        if cond.field.lower() == "id" and cond.field != "id":
            key = str(key)[: len(str(key)) - len(cond.field)] + "id"
        out[str(key)] = value
    return out
