"""Throughput: export every deal, bulk-create leads, batch with references, coalesce concurrent gets.

Runs against your portal when BITRIX24_WEBHOOK_URL is set, else against the built-in demo portal:

    python examples/throughput.py
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import time

from bitrix24_toolkit import AsyncBitrix24, Bitrix24
from bitrix24_toolkit.protocol.batch import Ref
from bitrix24_toolkit.testing import Emulator


def clients() -> tuple[Bitrix24, AsyncBitrix24, Emulator | None]:
    if os.environ.get("BITRIX24_WEBHOOK_URL"):
        return Bitrix24(), AsyncBitrix24(), None
    print("No BITRIX24_WEBHOOK_URL set: using the built-in demo portal (standard limits)")
    emu = Emulator.demo(limits="standard")
    return emu.client(), emu.async_client(), emu


def main() -> None:
    b24, ab24, emu = clients()
    with b24:
        started = time.perf_counter()
        out = io.StringIO()
        writer = csv.writer(out)
        count = 0
        for row in b24.crm.deal.iter_all(select=["ID", "TITLE", "STAGE_ID", "OPPORTUNITY"], raw=True):
            writer.writerow([row["ID"], row["TITLE"], row["STAGE_ID"], row["OPPORTUNITY"]])
            count += 1
        print(f"exported {count} deals as CSV in {time.perf_counter() - started:.2f} s")

        result = b24.crm.lead.add_many([{"TITLE": f"Заявка №{i}", "SOURCE_ID": "WEB"} for i in range(300)])
        written, refused, unknown = len(result.ok), len(result.failed), len(result.unknown)
        print(f"bulk: {written} leads written, {refused} refused, {unknown} unknown")

        outcomes = b24.batch(
            {
                "company": ("crm.company.add", {"fields": {"TITLE": "ООО «Вектор»"}}),
                "contact": ("crm.contact.add", {"fields": {"NAME": "Ирина", "COMPANY_ID": Ref("company")}}),
                "check": ("crm.contact.get", {"id": Ref("contact")}),
            }
        )
        contact, company = outcomes["contact"].unwrap(), outcomes["check"].unwrap()["COMPANY_ID"]
        print(f"batch: contact {contact} works at company {company}")

    async def concurrent() -> None:
        async with ab24:
            deals = await asyncio.gather(*(ab24.crm.deal.get(i) for i in range(1, 101)))
            requests = ab24.coalescer.batch_requests if ab24.coalescer else len(deals)
            print(f"coalesced: {len(deals)} concurrent gets went out in {requests} requests")

    asyncio.run(concurrent())
    if emu is not None:
        print(
            f"portal saw {emu.stats.requests} requests, {emu.stats.rejected_rate} refused for the rate limit"
        )


if __name__ == "__main__":
    main()
