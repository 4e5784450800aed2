"""The CRM in DuckDB: export it, ask SQL for the funnel, then rerun (only what changed is read).

Runs against your portal when BITRIX24_WEBHOOK_URL is set (or in .env), else against the built-in demo portal,
where it also changes a deal and deletes another between the two runs to show the incremental rerun:

    python examples/export_duckdb.py                 # writes crm.duckdb in the current directory
    python examples/export_duckdb.py other.duckdb

Needs duckdb: pip install "bitrix24-toolkit[duckdb]".
"""

from __future__ import annotations

import os
import sys

import duckdb

from bitrix24_toolkit import Bitrix24
from bitrix24_toolkit.helpers import export
from bitrix24_toolkit.testing import Emulator

FUNNEL = """
SELECT s.name AS stage, COUNT(d.id) AS deals, SUM(d.opportunity) AS amount, d.currency_id AS currency
FROM deal d JOIN status s ON s.entity_id = 'DEAL_STAGE' AND s.status_id = d.stage_id
WHERE d.category_id = 0
GROUP BY s.name, s.sort, d.currency_id
ORDER BY s.sort
"""


def main() -> None:
    path = sys.argv[1] if len(sys.argv) > 1 else "crm.duckdb"
    target = f"duckdb:///{path}"
    demo = not os.environ.get("BITRIX24_WEBHOOK_URL")
    if demo:
        print("No BITRIX24_WEBHOOK_URL set: using the built-in demo portal")
    emu = Emulator.demo() if demo else None
    with emu.client() if emu is not None else Bitrix24() as b24:
        report = export(b24, target)
        print(report)

        with duckdb.connect(path) as con:
            print("\nThe default funnel, from SQL:")
            for stage, deals, amount, currency in con.execute(FUNNEL).fetchall():
                print(f"  {stage:<28} {deals:>4} deals  {amount or 0:>14,.2f} {currency}")
            ((people,),) = con.execute("SELECT COUNT(*) FROM users").fetchall()
            print(f"  ({people} users in the users table for names of responsibles)")

        if emu is not None:
            first = b24.call("crm.deal.list", {"order": {"ID": "ASC"}, "select": ["ID"]})
            b24.call("crm.deal.update", {"id": first[0]["ID"], "fields": {"STAGE_ID": "WON"}})
            b24.call("crm.deal.delete", {"id": first[1]["ID"]})
            emu.reset_stats()
        again = export(b24, target)
        deal = again.entities["deal"]
        print(f"\nRerun: deals {deal.mode}, {deal.written} written, {deal.deleted} deleted", end="")
        print(f" in {emu.stats.requests} HTTP requests" if emu is not None else "")


if __name__ == "__main__":
    main()
