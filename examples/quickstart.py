"""Quick start: the same calls with the sync and the async client.

Runs against your portal when BITRIX24_WEBHOOK_URL is set (or in .env), else against the built-in demo portal
(an offline emulator with the travel agency's 163 deals):

    python examples/quickstart.py
"""

from __future__ import annotations

import asyncio
import os

from bitrix24_toolkit import AsyncBitrix24, Bitrix24, errors
from bitrix24_toolkit.testing import Emulator

FILTER = {
    "filter": {"STAGE_SEMANTIC_ID": "P"},  # open deals: in progress (S: won, F: lost)
    "select": ["ID", "TITLE", "STAGE_ID"],
    "order": {"ID": "ASC"},
}


def sync_tour(b24: Bitrix24) -> None:
    me = b24.call("user.current")
    print(f"sync:  hello, {me['NAME']} {me['LAST_NAME']}")
    new_id = b24.call("crm.deal.add", {"fields": {"TITLE": "Тур в Сочи, 7 ночей", "OPPORTUNITY": 120000}})
    page = b24.call_full("crm.deal.list", FILTER)
    print(f"sync:  deal {new_id} added; {page.total} open deals, {len(page.result)} on the first page")
    missing = 10**9
    try:
        b24.call("crm.deal.get", {"id": missing})
    except errors.NotFoundError as exc:  # a typed error: its method, code and HTTP status are attributes
        print(f"sync:  no deal {missing}: {type(exc).__name__} from {exc.method} (HTTP {exc.status_code})")


async def async_tour(b24: AsyncBitrix24) -> None:
    me, page = await asyncio.gather(b24.call("user.current"), b24.call_full("crm.deal.list", FILTER))
    print(f"async: hello again, {me['NAME']}; {page.total} open deals")


def main() -> None:
    if os.environ.get("BITRIX24_WEBHOOK_URL"):
        sync_client, async_client = Bitrix24(), AsyncBitrix24()
    else:
        emu = Emulator.demo()
        print(f"No BITRIX24_WEBHOOK_URL set: using the built-in demo portal at {emu.domain}")
        sync_client, async_client = emu.client(), emu.async_client()
    with sync_client as b24:
        sync_tour(b24)

    async def run_async() -> None:
        async with async_client as ab24:
            await async_tour(ab24)

    asyncio.run(run_async())


if __name__ == "__main__":
    main()
