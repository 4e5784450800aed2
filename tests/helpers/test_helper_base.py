"""The helper mechanism: one flow, the value with Bitrix24, an awaitable with AsyncBitrix24."""

from __future__ import annotations

from typing import Any

import pytest

from bitrix24_toolkit import Call, errors
from bitrix24_toolkit.helpers import helper
from bitrix24_toolkit.protocol import Flow, drive_flow
from bitrix24_toolkit.testing.emulator import Emulator


@helper
def deal_title(deal_id: int, *, upper: bool = False) -> Flow[str]:
    """The title of a deal (crm.deal.get)."""
    deal = yield Call("crm.deal.get", {"id": deal_id})
    title = str(deal["TITLE"])
    return title.upper() if upper else title


async def test_both_clients(client: Any, emu: Emulator) -> None:
    emu.call("crm.deal.add", {"fields": {"TITLE": "Тур"}})
    assert await client.run(deal_title.flow(1)) == "Тур"
    with emu.client() as b24:
        assert deal_title(b24, 1, upper=True) == "ТУР"
    async with emu.async_client() as ab24:
        assert await deal_title(ab24, 1) == "Тур"


def test_flow_with_canned_results_and_metadata() -> None:
    assert drive_flow(deal_title.flow(7), lambda call: {"TITLE": f"#{call.params['id']}"}) == "#7"
    assert deal_title.__doc__ == "The title of a deal (crm.deal.get)."
    assert deal_title.__name__ == "deal_title"


def test_a_non_client_is_refused() -> None:
    with pytest.raises(errors.InvalidInputError, match="must be a Bitrix24"):
        deal_title("not a client", 1)  # type: ignore[call-overload]
