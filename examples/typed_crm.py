"""Typed CRM objects: read deals as models, write with checked field names, stream every row, bulk-create.

Runs against your portal when BITRIX24_WEBHOOK_URL is set, else against the built-in demo portal:

    python examples/typed_crm.py
"""

from __future__ import annotations

import os
from decimal import Decimal

from bitrix24_toolkit import Bitrix24, errors
from bitrix24_toolkit.models.crm import Lead
from bitrix24_toolkit.testing import Emulator


def main() -> None:
    if os.environ.get("BITRIX24_WEBHOOK_URL"):
        b24 = Bitrix24()
    else:
        print("No BITRIX24_WEBHOOK_URL set: using the built-in demo portal")
        b24 = Emulator.demo().client()
    with b24:
        # Stream every open deal of the default funnel; pages arrive as the loop runs.
        total = Decimal(0)
        count = 0
        for deal in b24.crm.deal.iter_all(
            filter={"category_id": 0, "stage_semantic_id": "P"}, select=["id", "title", "opportunity"]
        ):
            total += deal.opportunity or 0
            count += 1
        print(f"{count} open deals worth {total:,.2f}")

        # Models in, checked names out: a typo is refused before anything is sent.
        lead_id = b24.crm.lead.add(Lead(title="Тур в Шерегеш", name="Пётр", opportunity=Decimal("85000")))
        try:
            b24.crm.lead.update(lead_id, {"STATUS": "IN_PROCESS"})
        except errors.InvalidInputError as exc:
            print(f"refused: {exc}")
        b24.crm.lead.update(lead_id, {"status_id": "IN_PROCESS"})
        lead = b24.crm.lead.get(lead_id)
        print(
            f"lead {lead.id}: {lead.title!r} {lead.status_id} {lead.opportunity} (created {lead.date_create})"
        )

        # Bulk writes report every item: written, refused, or unknown (never silently retried).
        result = b24.crm.lead.add_many(
            [{"TITLE": f"Заявка с выставки №{i}", "SOURCE_ID": "TRADE_SHOW"} for i in range(5)]
        )
        print(f"bulk: {len(result.ok)} written, {len(result.failed)} refused, {len(result.unknown)} unknown")


if __name__ == "__main__":
    main()
