"""What the export tests share: emulators to fill, the database read back, and a stand-in for
``crm.item.productrow.list`` while the emulator lacks it (see /work/notes/emulator_gaps_21.md).

The stand-in follows the method's page
(``api-reference/crm/universal/product-rows/crm-item-productrow-list.md``):
``=ownerType`` and ``=ownerId`` (a value or a list) are required, ``>id`` and the other prefixes filter, rows
come 50 a page under ``productRows`` in camelCase with ``total``/``next``. It is registered only when the
emulator has no handler of that name, so the emulator's own implementation wins once it exists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from bitrix24_toolkit.testing import Emulator
from bitrix24_toolkit.testing.emulator.registry import REGISTRY, Ctx, ListResult, PortalError, method

__all__ = ["DEAL_COMPARED", "db_rows", "ensure_productrow_list", "filled", "open_db", "portal_deals"]

_CAMEL = {
    "ID": "id",
    "OWNER_ID": "ownerId",
    "OWNER_TYPE": "ownerType",
    "PRODUCT_ID": "productId",
    "PRODUCT_NAME": "productName",
    "PRICE": "price",
    "PRICE_ACCOUNT": "priceAccount",
    "PRICE_EXCLUSIVE": "priceExclusive",
    "PRICE_NETTO": "priceNetto",
    "PRICE_BRUTTO": "priceBrutto",
    "QUANTITY": "quantity",
    "DISCOUNT_TYPE_ID": "discountTypeId",
    "DISCOUNT_RATE": "discountRate",
    "DISCOUNT_SUM": "discountSum",
    "TAX_RATE": "taxRate",
    "TAX_INCLUDED": "taxIncluded",
    "CUSTOMIZED": "customized",
    "MEASURE_CODE": "measureCode",
    "MEASURE_NAME": "measureName",
    "SORT": "sort",
    "XML_ID": "xmlId",
    "TYPE": "type",
    "STORE_ID": "storeId",
}


def ensure_productrow_list() -> None:
    """Register the stand-in ``crm.item.productrow.list`` unless the emulator has one."""
    if "crm.item.productrow.list" in REGISTRY:
        return
    from bitrix24_toolkit.testing.emulator.methods.crm_productrows import TABLE, render_product_row
    from bitrix24_toolkit.testing.emulator.query import compile_filter, order_rows, page

    @method("crm.item.productrow.list")
    def productrow_list(ctx: Ctx) -> ListResult:
        """Product rows of CRM objects (the stand-in, see the module docstring)."""
        flt = ctx.param("filter")
        if not isinstance(flt, Mapping) or "=ownerType" not in flt or "=ownerId" not in flt:
            raise PortalError("", "The filter must contain =ownerType and =ownerId", 400)
        rows = [
            {_CAMEL[k]: v for k, v in render_product_row(r).items() if k in _CAMEL}
            for r in ctx.state.table(TABLE).values()
        ]
        for row in rows:
            row["id"], row["ownerId"] = int(row["id"]), int(row["ownerId"])
        rows = [r for r in rows if compile_filter(dict(flt))(r)]
        order = ctx.param("order") or {"id": "ASC"}
        rows = order_rows(rows, {str(k): str(v).upper() for k, v in order.items()}, lambda r, n: r.get(n))
        result = page(rows, ctx.param("start"))
        result.result = {"productRows": result.result}
        return result


def filled(deals: int, *, leads: int = 0, **options: Any) -> Emulator:
    """An empty emulator with this many deals (and leads), written straight into its state (no HTTP)."""
    emu = Emulator(limits="off", **options)
    base = dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    for number in range(1, deals + 1):
        emu.call(
            "crm.deal.add",
            {
                "fields": {
                    "TITLE": f"Deal {number}",
                    "OPPORTUNITY": f"{number * 10}.50",
                    "CURRENCY_ID": "RUB",
                    "STAGE_ID": "NEW" if number % 3 else "WON",
                    "BEGINDATE": (base + dt.timedelta(days=number % 300)).isoformat(),
                }
            },
        )
    for number in range(1, leads + 1):
        emu.call(
            "crm.lead.add",
            {
                "fields": {
                    "TITLE": f"Lead {number}",
                    "PHONE": [{"VALUE": f"+7900{number:07d}", "VALUE_TYPE": "WORK"}],
                }
            },
        )
    return emu


def open_db(target_url: str) -> Any:
    """A DB-API connection to the target (DuckDB file or PostgreSQL), for reading back."""
    if target_url.startswith("duckdb:///"):
        import duckdb

        return duckdb.connect(target_url[len("duckdb:///") :])
    import psycopg

    return psycopg.connect(target_url, autocommit=True)


def db_rows(target_url: str, sql: str) -> list[tuple[Any, ...]]:
    """All rows of a query on the target (the connection is closed after it)."""
    con = open_db(target_url)
    try:
        return [tuple(row) for row in con.execute(sql).fetchall()]
    finally:
        con.close()


#: the deal fields compared row by row with the portal
DEAL_COMPARED = (
    "ID",
    "TITLE",
    "STAGE_ID",
    "OPPORTUNITY",
    "CURRENCY_ID",
    "CATEGORY_ID",
    "DATE_MODIFY",
    "CLOSED",
)


def portal_deals(emu: Emulator) -> dict[int, tuple[Any, ...]]:
    """Every deal of the portal as (title, stage, amount, currency, funnel, modified, closed), by id,
    read with crm.deal.list pages straight from the emulator (no client involved)."""
    out: dict[int, tuple[Any, ...]] = {}
    start: int | None = 0
    while start is not None:
        answer = emu.call(
            "crm.deal.list", {"order": {"ID": "ASC"}, "select": list(DEAL_COMPARED), "start": start}
        )
        rows, start = _rows_next(answer)
        for row in rows:
            out[int(row["ID"])] = (
                row["TITLE"],
                row["STAGE_ID"],
                Decimal(str(row["OPPORTUNITY"])).quantize(Decimal("0.01")),
                row["CURRENCY_ID"],
                int(row["CATEGORY_ID"]),
                dt.datetime.fromisoformat(row["DATE_MODIFY"]),
                row["CLOSED"] == "Y",
            )
    return out


def _rows_next(answer: tuple[int, Any]) -> tuple[list[dict[str, Any]], int | None]:
    status, payload = answer
    assert status == 200, payload
    return list(payload["result"]), payload.get("next")
