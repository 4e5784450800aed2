"""``b24 demo``: the demo portal's story in under a minute, told by the library's own helpers.

The travel agency «Солнечный ветер»: its own company details, the hotel holding it serves, an open lead
converted into a contact, a company and a deal, and where the sales funnel stands (a table and a chart file).
It always runs on a fresh built-in demo portal, never on yours: the conversion writes.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from ..client import Bitrix24
from ..helpers import convert_lead, funnel_snapshot, holding_tree, my_companies
from .commands_leads import result_lines
from .company_text import company_lines
from .output import echo, print_table, section

__all__ = ["run_demo"]

HEADER = (
    "b24 demo: the built-in demo portal of the travel agency «Солнечный ветер» "
    "(an offline emulator, not your portal: nothing leaves this machine)"
)


def _my_company(b24: Bitrix24) -> None:
    companies = my_companies(b24)
    for details in companies[:1]:
        echo("\n".join(company_lines(details)))


def _holding(b24: Bitrix24) -> None:
    tree = holding_tree(b24)
    echo(tree.render())
    echo(f"{len(tree.holdings)} holding(s) read from the company field 'Parent company'")


def _open_lead(b24: Bitrix24) -> dict[str, Any] | None:
    """The first open lead that names its company (else any open lead)."""
    select = ["ID", "TITLE", "STATUS_ID", "NAME", "LAST_NAME", "COMPANY_TITLE"]
    order = {"ID": "ASC"}
    for flt in ({"STATUS_SEMANTIC_ID": "P", "!COMPANY_TITLE": ""}, {"STATUS_SEMANTIC_ID": "P"}):
        rows = b24.call("crm.lead.list", {"filter": flt, "select": select, "order": order})
        if rows:
            return dict(rows[0])
    return None


def _conversion(b24: Bitrix24) -> None:
    lead = _open_lead(b24)
    if lead is None:
        echo("no open lead on this portal")
        return
    who = " ".join(str(lead.get(k) or "") for k in ("NAME", "LAST_NAME")).strip()
    company = f" from {lead['COMPANY_TITLE']}" if lead.get("COMPANY_TITLE") else ""
    echo(f"lead #{lead['ID']} «{lead['TITLE']}»: {who}{company}, status {lead['STATUS_ID']}")
    result = convert_lead(b24, int(lead["ID"]))
    echo("\n".join(result_lines(result)))
    if result.deal is not None:
        deal = b24.crm.deal.get(result.deal.id)
        amount = f"{deal.opportunity or 0:,.2f} {deal.currency_id}"
        echo(f"  the deal: «{deal.title}», stage {deal.stage_id}, {amount}")


def _funnel(b24: Bitrix24, png: str | None) -> None:
    report = funnel_snapshot(b24, 0)
    columns, rows = report.table()
    print_table(columns, rows, title=report.title())
    if png is None:
        return
    try:
        report.plot(png)
    except ImportError:
        echo('chart skipped: it needs matplotlib (pip install "bitrix24-toolkit[plot]")')
        return
    echo(f"chart saved to {Path(png).resolve()}")


def run_demo(png: str | None = "funnel.png") -> int:
    """Tell the demo portal's story; ``png`` is where the funnel chart goes (``None``: no chart)."""
    from ..testing.emulator import Emulator

    started = time.perf_counter()
    echo(HEADER)
    emu = Emulator.demo()
    with emu.client() as b24:
        me = b24.user.current()
        echo(f"signed in as {me.name} {me.last_name} (user {me.id}) on {b24.portal}")
        section("1. My company: the details that go on invoices")
        _my_company(b24)
        section("2. The holding: companies linked by 'Parent company'")
        _holding(b24)
        section("3. A lead becomes a contact, a company and a deal")
        _conversion(b24)
        section("4. The sales funnel today")
        _funnel(b24, png)
    seconds = time.perf_counter() - started
    echo()
    echo(f"done: {emu.stats.requests} REST requests in {seconds:.1f} s.")
    echo(
        "next: b24 --help · b24 list deal --select ID,TITLE,STAGE_ID · "
        "set BITRIX24_WEBHOOK_URL (or .env) to run the commands on your portal"
    )
    return 0
