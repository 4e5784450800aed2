"""``crm.product.*``: the legacy product catalog (deprecated on real portals in favour of ``catalog.*``).

Rows live in table ``"product"``, stored typed (``ID``/``SORT``/``SECTION_ID``/``VAT_ID``/``MEASURE`` ints
or ``None``, ``PRICE`` float) and rendered as the legacy API sends them: numbers as strings
(``"ID": "5"``, ``"PRICE": "100.00"``, ``"SORT": "500"``), flags ``"Y"``/``"N"``, ``null`` for empty links.
Keys are the 20 fields of api-reference/crm/outdated/products/crm-product-fields.md (no ``CODE``: the page
does not list it); pictures and product properties (``PROPERTY_*``) are not emulated.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..query import filter_fields, filter_rows, order_rows, page
from ..registry import Ctx, ListResult, PortalError, method, not_found
from ._crm_common import fields_param, id_param, to_float, to_int, yn

__all__ = ["TABLE", "render_product"]

TABLE = "product"
#: the id of the CRM product catalog (an information block) on a fresh portal (unconfirmed: it varies)
CATALOG_ID = 24

_INT_KEYS = ("SECTION_ID", "VAT_ID", "MEASURE", "SORT")
_TEXT_KEYS = ("NAME", "DESCRIPTION", "DESCRIPTION_TYPE", "CURRENCY_ID", "XML_ID")
_FIELD_TYPES: dict[str, str] = {
    "ID": "integer",
    "CATALOG_ID": "integer",
    "PRICE": "double",
    "CURRENCY_ID": "string",
    "NAME": "string",
    "DESCRIPTION": "string",
    "DESCRIPTION_TYPE": "string",
    "ACTIVE": "char",
    "SECTION_ID": "integer",
    "SORT": "integer",
    "VAT_ID": "integer",
    "VAT_INCLUDED": "char",
    "MEASURE": "integer",
    "XML_ID": "string",
    "PREVIEW_PICTURE": "product_file",
    "DETAIL_PICTURE": "product_file",
    "DATE_CREATE": "datetime",
    "TIMESTAMP_X": "datetime",
    "MODIFIED_BY": "integer",
    "CREATED_BY": "integer",
}
#: the page's descriptions of the fields, sent as their titles
_TITLES = {
    "ACTIVE": "Active",
    "CATALOG_ID": "Catalog identifier",
    "CREATED_BY": "Created by",
    "CURRENCY_ID": "Currency identifier",
    "DATE_CREATE": "Product creation date",
    "DESCRIPTION": "Description",
    "DESCRIPTION_TYPE": "Description type",
    "DETAIL_PICTURE": "Detailed picture",
    "ID": "Product identifier",
    "MEASURE": "Unit of measure",
    "MODIFIED_BY": "Modified by",
    "NAME": "Name",
    "PREVIEW_PICTURE": "Preview picture",
    "PRICE": "Price",
    "SECTION_ID": "Section identifier",
    "SORT": "Sort order",
    "TIMESTAMP_X": "Product modification date",
    "VAT_ID": "VAT rate identifier",
    "VAT_INCLUDED": "VAT included in price",
    "XML_ID": "External code",
}
_READ_ONLY = frozenset({"ID", "CATALOG_ID", "DATE_CREATE", "TIMESTAMP_X", "MODIFIED_BY", "CREATED_BY"})


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def render_product(row: Mapping[str, Any], select: list[str] | None = None) -> dict[str, Any]:
    """A stored product as ``crm.product.get``/``list`` send it (only ``select``ed keys when given)."""
    out: dict[str, Any] = {
        "ID": str(row["ID"]),
        "CATALOG_ID": str(row.get("CATALOG_ID", CATALOG_ID)),
        "PRICE": f"{float(row.get('PRICE') or 0.0):.2f}",
        "CURRENCY_ID": row.get("CURRENCY_ID"),
        "NAME": row.get("NAME"),
        "DESCRIPTION": row.get("DESCRIPTION"),
        "DESCRIPTION_TYPE": row.get("DESCRIPTION_TYPE") or "text",
        "ACTIVE": row.get("ACTIVE", "Y"),
        "SECTION_ID": _str_or_none(row.get("SECTION_ID")),
        "SORT": str(row.get("SORT", 500)),
        "VAT_ID": _str_or_none(row.get("VAT_ID")),
        "VAT_INCLUDED": row.get("VAT_INCLUDED", "N"),
        "MEASURE": _str_or_none(row.get("MEASURE")),
        "XML_ID": row.get("XML_ID"),
        "PREVIEW_PICTURE": None,
        "DETAIL_PICTURE": None,
        "DATE_CREATE": row.get("DATE_CREATE") or "",
        "TIMESTAMP_X": row.get("TIMESTAMP_X") or "",
        "MODIFIED_BY": _str_or_none(row.get("MODIFIED_BY")),
        "CREATED_BY": _str_or_none(row.get("CREATED_BY")),
    }
    if select and "*" not in select:
        wanted = {str(name).upper() for name in select}
        out = {key: value for key, value in out.items() if key in wanted or key == "ID"}
    return out


def _apply(row: dict[str, Any], fields: Mapping[str, Any]) -> None:
    """Copy the writable fields (unknown and read-only keys are silently ignored, as on a portal)."""
    for key, value in fields.items():
        name = str(key).upper()
        if name in _READ_ONLY or name not in _FIELD_TYPES:
            continue
        if name == "PRICE":
            row[name] = to_float(value) or 0.0
        elif name in ("ACTIVE", "VAT_INCLUDED"):
            row[name] = yn(value)
        elif name in _INT_KEYS:
            row[name] = to_int(value)
        elif name in _TEXT_KEYS:
            row[name] = None if value is None else str(value)


def _row(ctx: Ctx) -> dict[str, Any]:
    row = ctx.state.table(TABLE).get(id_param(ctx))
    if row is None:
        raise not_found()
    return row


@method("crm.product.add")
def product_add(ctx: Ctx) -> int:
    """Create a catalog product; returns its id (``NAME`` is required)."""
    fields = fields_param(ctx)
    if not str(fields.get("NAME") or "").strip():
        raise PortalError("", "Required field 'NAME' is missing.", 400)
    now = ctx.state.now_iso()
    row: dict[str, Any] = {
        "CATALOG_ID": CATALOG_ID,
        "PRICE": 0.0,
        "CURRENCY_ID": "RUB",
        "ACTIVE": "Y",
        "SORT": 500,
        "VAT_INCLUDED": "N",
        "DESCRIPTION_TYPE": "text",
        "DATE_CREATE": now,
        "TIMESTAMP_X": now,
        "CREATED_BY": ctx.user_id,
        "MODIFIED_BY": ctx.user_id,
    }
    _apply(row, fields)
    return ctx.state.insert(TABLE, row)


@method("crm.product.get")
def product_get(ctx: Ctx) -> dict[str, Any]:
    """One product, numbers as strings."""
    return render_product(_row(ctx))


@method("crm.product.update")
def product_update(ctx: Ctx) -> bool:
    """Change a product's fields; returns ``true``.

    crm-product-update.md: "It is mandatory to specify CURRENCY_ID to set the price": a ``PRICE`` sent
    without ``CURRENCY_ID`` is left unchanged.
    """
    row = _row(ctx)
    fields = fields_param(ctx)
    if not any(str(key).upper() == "CURRENCY_ID" for key in fields):
        fields = {key: value for key, value in fields.items() if str(key).upper() != "PRICE"}
    _apply(row, fields)
    row["TIMESTAMP_X"] = ctx.state.now_iso()
    row["MODIFIED_BY"] = ctx.user_id
    return True


@method("crm.product.delete")
def product_delete(ctx: Ctx) -> bool:
    """Delete a product (rows already in deals keep their copy of name and price)."""
    row = _row(ctx)
    del ctx.state.table(TABLE)[int(row["ID"])]
    return True


@method("crm.product.list")
def product_list(ctx: Ctx) -> ListResult:
    """Products by ``filter``/``order``/``select``, 50 a page with ``total``/``next``."""
    flt, order, select = ctx.param("filter"), ctx.param("order"), ctx.param("select")
    flt = flt if isinstance(flt, Mapping) else None
    order = order if isinstance(order, Mapping) else None
    for name in filter_fields(flt):
        if name.upper() not in _FIELD_TYPES:
            raise PortalError("", f"Unknown filter field '{name}'.", 400)  # wording unconfirmed
    rows = filter_rows(ctx.state.table(TABLE).values(), flt)
    rows = order_rows(rows, order, default={"ID": "ASC"})
    result = page(rows, ctx.param("start"))
    names = [str(n) for n in select] if isinstance(select, list) else None
    result.result = [render_product(row, names) for row in result.result]
    return result


@method("crm.product.fields")
def product_fields(ctx: Ctx) -> dict[str, Any]:
    """Descriptions of the fields of crm-product-fields.md (``NAME`` required)."""
    return {
        name: {
            "type": type_,
            "isRequired": name == "NAME",
            "isReadOnly": name in _READ_ONLY,
            "isImmutable": False,
            "isMultiple": False,
            "isDynamic": False,
            "title": _TITLES[name],
        }
        for name, type_ in _FIELD_TYPES.items()
    }
