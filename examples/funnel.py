"""The sales funnel: set up a funnel, put catalog products in a deal, and read the funnel's statistics.

Runs against your portal when BITRIX24_WEBHOOK_URL is set (read-only there: only the statistics), else
against the built-in demo portal (where it also creates a funnel, products and a deal):

    python examples/funnel.py
    python examples/funnel.py --png docs/img/funnel.png    # also save the funnel chart
"""

from __future__ import annotations

import argparse
import datetime as dt
import os

from bitrix24_toolkit import Bitrix24
from bitrix24_toolkit.helpers import (
    ensure_pipeline,
    funnel_breakdown,
    funnel_flow,
    funnel_snapshot,
    lead_funnel,
    set_deal_products,
)
from bitrix24_toolkit.testing import Emulator


def set_up(b24: Bitrix24) -> None:
    """A funnel for group tours (run twice: the second run changes nothing) and a deal with products."""
    stages: list[str | dict[str, str]] = [
        "Заявка",
        {"id": "OFFER", "name": "Подборка отправлена"},
        {"name": "Предоплата", "color": "#FFA900"},
        {"name": "Тур оплачен", "semantics": "success"},
        {"name": "Отказ", "semantics": "failure"},
    ]
    print(ensure_pipeline(b24, "Групповые туры", stages, remove_missing=True))
    print(ensure_pipeline(b24, "Групповые туры", stages, remove_missing=True))

    b24.call("crm.product.add", {"fields": {"NAME": "Тур на Алтай", "PRICE": 64000, "CURRENCY_ID": "RUB"}})
    deal_id = int(
        b24.call("crm.deal.add", {"fields": {"TITLE": "Алтай, группа 4 чел.", "CURRENCY_ID": "RUB"}})
    )
    products = set_deal_products(
        b24,
        deal_id,
        [
            {"product": "Тур на Алтай", "quantity": 4, "discount_percent": 5},
            {"name": "Страховка", "price": 1500, "quantity": 4, "tax_rate": 20, "tax_included": True},
        ],
    )
    total, amount = products.total, products.opportunity
    print(f"deal {deal_id}: {len(products.rows)} product rows, total {total:,.2f}, deal amount {amount:,.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--png", help="save the funnel chart of the default funnel to this PNG file")
    args = parser.parse_args()
    real = bool(os.environ.get("BITRIX24_WEBHOOK_URL"))
    if real:
        b24 = Bitrix24()
    else:
        print("No BITRIX24_WEBHOOK_URL set: using the built-in demo portal")
        b24 = Emulator.demo().client()
    with b24:
        if not real:
            set_up(b24)
        snapshot = funnel_snapshot(b24, 0)
        print(snapshot.to_markdown())
        spring = (dt.date(2026, 3, 1), dt.date(2026, 6, 1))
        flow = funnel_flow(b24, 0, period=spring)
        print(flow.to_markdown())
        print(f"median days to won: {flow.median_days_to_won or 0:.1f}, funnel changes out: {flow.moved_out}")
        leads = lead_funnel(b24)
        print(leads.title())
        for source in leads.by_source[:3]:  # sources by name (SOURCE_ID kept in source_id)
            code = source.source_id or "-"
            print(f"  {source.name} ({code}): {source.leads} leads, {source.with_deal} with a deal")
        for row in funnel_breakdown(b24, 0, by="responsible").rows:  # people by name, the id beside it
            print(f"{row.label} (user {row.user_id}): {row.total} deals, win rate {row.win_rate or 0:.0%}")
        if args.png:
            snapshot.plot(args.png)
            print(f"chart saved to {args.png}")


if __name__ == "__main__":
    main()
