"""Work the CRM day: plan a call on a deal, list my open activities with the UI's counters, comment,
and print the deal's history and the story of a converted lead.

Runs against your portal when BITRIX24_WEBHOOK_URL is set, else against the built-in demo portal (whose
story ends on 30 June 2026 at noon: the counters are taken at that moment):

    python examples/activities.py
"""

from __future__ import annotations

import datetime as dt
import os

from bitrix24_toolkit import Bitrix24
from bitrix24_toolkit.helpers import Owner, add_comment, history, my_activities, plan_activity
from bitrix24_toolkit.testing import Emulator
from bitrix24_toolkit.testing.emulator.demo import DEMO_NOW


def main() -> None:
    now: dt.datetime | None = None  # a real portal: its own clock
    if os.environ.get("BITRIX24_WEBHOOK_URL"):
        b24 = Bitrix24()
    else:
        print("No BITRIX24_WEBHOOK_URL set: using the built-in demo portal")
        b24 = Emulator.demo().client()
        now = DEMO_NOW
    with b24:
        deals = b24.crm.deal.list(
            filter={"stage_semantic_id": "P"}, select=["ID", "TITLE"], order={"ID": "DESC"}
        )
        if not deals.items or deals.items[0].id is None:
            print("no open deals to work on")
            return
        deal = Owner.deal(deals.items[0].id)
        when = (now or dt.datetime.now().astimezone()) + dt.timedelta(hours=3)
        call_id = plan_activity(
            b24, deal, "call", deadline=when, title="Уточнить даты поездки", remind=(15, 60)
        )
        add_comment(b24, deal, "Клиент просил перезвонить после обеда")
        print(f"planned call {call_id} on {deal} for {when:%Y-%m-%d %H:%M}")

        mine = my_activities(b24, now=now)
        counts = mine.counters
        print(
            f"my open activities: {counts.overdue} overdue, {counts.today} today, {counts.upcoming} upcoming"
        )
        busiest = sorted(mine.by_owner.items(), key=lambda pair: -pair[1].total)[:3]
        for owner, per_owner in busiest:
            print(f"  {owner}: {per_owner.total} open ({per_owner.overdue} overdue)")
        for item in mine.today[:3]:
            print(f"  today: {item.subject} ({item.owner})")

        print()
        print(history(b24, deal).render())

        converted = b24.crm.lead.list(filter={"status_id": "CONVERTED"}, select=["ID"], order={"ID": "ASC"})
        if converted.items and converted.items[0].id is not None:
            print()
            print(history(b24, Owner.lead(converted.items[0].id)).render())


if __name__ == "__main__":
    main()
