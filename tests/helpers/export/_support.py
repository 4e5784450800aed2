"""What the export tests share: emulators to fill and the database read back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from bitrix24_toolkit.testing import Emulator

__all__ = ["DEAL_COMPARED", "db_rows", "filled", "open_db", "portal_deals"]


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
