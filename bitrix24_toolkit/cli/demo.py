"""``b24 demo``: a short tour of the built-in demo portal, through the real client and plain REST calls."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

from ..client import Bitrix24
from ..testing.emulator import Emulator

__all__ = ["run_demo"]

HOLDING_FIELD = "UF_CRM_HOLDING_PARENT"


def run_demo() -> int:
    """Build the demo portal, then show my company, the holding, leads and the deal funnel."""
    started = time.perf_counter()
    emu = Emulator.demo(limits="off")
    print(f"Demo portal {emu.domain} (built-in emulator, not your portal: nothing leaves this machine)")
    with emu.client() as b24:
        me = b24.call("user.current")
        print(f"Signed in as {me['NAME']} {me['LAST_NAME']} (user {me['ID']})\n")
        _my_company(b24)
        _holding(b24)
        _leads(b24)
        _deals(b24)
    stats = emu.stats
    print(f"\n{stats.requests} REST requests in {time.perf_counter() - started:.2f} s.")
    return 0


def _all(b24: Bitrix24, method: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Every row of a list method, page by page."""
    rows: list[dict[str, Any]] = []
    start: int | None = 0
    while start is not None:
        page = b24.call_full(method, {**params, "start": start})
        result = page.result
        rows.extend(result["items"] if isinstance(result, dict) and "items" in result else result)
        start = page.next
    return rows


def _my_company(b24: Bitrix24) -> None:
    mine = b24.call("crm.company.list", {"filter": {"IS_MY_COMPANY": "Y"}, "select": ["ID", "TITLE"]})
    if not mine:
        return
    company = mine[0]
    print(f"My company: {company['TITLE']}")
    requisites = b24.call("crm.requisite.list", {"filter": {"ENTITY_TYPE_ID": 4, "ENTITY_ID": company["ID"]}})
    for requisite in requisites[:1]:
        print(
            f"  {requisite.get('RQ_COMPANY_NAME') or requisite.get('NAME')}: INN {requisite.get('RQ_INN')}, "
            f"KPP {requisite.get('RQ_KPP')}, OGRN {requisite.get('RQ_OGRN')}"
        )
        banks = b24.call("crm.requisite.bankdetail.list", {"filter": {"ENTITY_ID": requisite["ID"]}})
        for bank in banks[:1]:
            name, bik, account = bank.get("RQ_BANK_NAME"), bank.get("RQ_BIK"), bank.get("RQ_ACC_NUM")
            print(f"  bank {name}: BIK {bik}, account {account}")
    print()


def _holding(b24: Bitrix24) -> None:
    fields = b24.call("crm.company.userfield.list", {"filter": {"FIELD_NAME": HOLDING_FIELD}})
    if not fields:
        return
    companies = _all(
        b24, "crm.company.list", {"select": ["ID", "TITLE", HOLDING_FIELD], "order": {"ID": "ASC"}}
    )
    titles = {str(c["ID"]): str(c["TITLE"]) for c in companies}
    children: dict[str, list[str]] = defaultdict(list)
    for company in companies:
        parent = str(company.get(HOLDING_FIELD) or "").removeprefix("CO_")
        if parent and parent != "0":
            children[parent].append(str(company["ID"]))
    roots = [cid for cid in children if not any(cid in kids for kids in children.values())]
    print("Holding structure (parent company field):")

    def show(cid: str, depth: int) -> None:
        print(f"  {'    ' * depth}{titles.get(cid, '#' + cid)}")
        for kid in children.get(cid, []):
            show(kid, depth + 1)

    for root in roots:
        show(root, 0)
    print()


def _leads(b24: Bitrix24) -> None:
    statuses = b24.call("crm.status.list", {"filter": {"ENTITY_ID": "STATUS"}, "order": {"SORT": "ASC"}})
    leads = _all(b24, "crm.lead.list", {"select": ["ID", "STATUS_ID", "SOURCE_ID"]})
    by_status = Counter(str(lead["STATUS_ID"]) for lead in leads)
    by_source = Counter(str(lead.get("SOURCE_ID") or "-") for lead in leads)
    print(f"Leads: {len(leads)}")
    for status in statuses:
        print(f"  {status['NAME']:<24} {by_status.get(status['STATUS_ID'], 0):>5}")
    print("  by source: " + ", ".join(f"{src} {n}" for src, n in by_source.most_common()))
    print()


def _deals(b24: Bitrix24) -> None:
    categories = b24.call("crm.category.list", {"entityTypeId": 2})["categories"]
    deals = _all(
        b24, "crm.deal.list", {"select": ["ID", "CATEGORY_ID", "STAGE_ID", "OPPORTUNITY", "CURRENCY_ID"]}
    )
    for category in sorted(categories, key=lambda c: int(c["sort"])):
        entity = "DEAL_STAGE" if int(category["id"]) == 0 else f"DEAL_STAGE_{category['id']}"
        stages = b24.call("crm.status.list", {"filter": {"ENTITY_ID": entity}, "order": {"SORT": "ASC"}})
        in_funnel = [d for d in deals if str(d["CATEGORY_ID"]) == str(category["id"])]
        print(f"Deals in funnel «{category['name']}»: {len(in_funnel)}")
        for stage in stages:
            rows = [d for d in in_funnel if d["STAGE_ID"] == stage["STATUS_ID"]]
            amount = sum(
                (Decimal(str(d["OPPORTUNITY"] or 0)) for d in rows if d["CURRENCY_ID"] == "RUB"), Decimal(0)
            )
            print(f"  {stage['NAME']:<28} {len(rows):>4}  {amount:>14,.2f} RUB")
        print()
