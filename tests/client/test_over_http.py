"""The clients over a real loopback HTTP server (``http://`` webhook URL), as against an on-premise portal."""

from __future__ import annotations

import pytest

from bitrix24_toolkit import AsyncBitrix24, Bitrix24, errors
from bitrix24_toolkit.testing.emulator import Emulator


def test_sync_client_over_http() -> None:
    emu = Emulator(limits="off")
    emu.call("crm.deal.add", {"fields": {"TITLE": "Тур в Сочи", "STAGE_ID": "NEW"}})
    with emu.serve() as url, Bitrix24(url) as b24:
        assert url.startswith("http://127.0.0.1:")
        assert b24.call("user.current")["ID"] == "1"
        assert b24.call("crm.deal.get", {"id": 1})["TITLE"] == "Тур в Сочи"
        rows = b24.call(
            "crm.deal.list",
            {
                "filter": {">ID": 0, "!STAGE_ID": "WON", "@ID": [1, 2]},
                "select": ["ID", "TITLE"],
                "order": {"ID": "DESC"},
            },
        )
        assert rows == [{"ID": "1", "TITLE": "Тур в Сочи"}]
        with pytest.raises(errors.MethodNotFoundError):
            b24.call("no.such.method")
    with emu.serve() as url, Bitrix24(url.replace(emu.secret, "wrongsecret42")) as bad:
        with pytest.raises(errors.AuthenticationError) as caught:
            bad.call("user.current")
        assert caught.value.code == "INVALID_CREDENTIALS"
        assert "wrongsecret42" not in str(caught.value) + repr(caught.value)


async def test_async_client_over_http() -> None:
    emu = Emulator(limits="off")
    with emu.serve() as url:
        async with AsyncBitrix24(url, encoding="form") as b24:
            new_id = await b24.call("crm.deal.add", {"fields": {"TITLE": "A&B ? 100% [x] #1"}})
            assert (await b24.call("crm.deal.get", {"id": new_id}))["TITLE"] == "A&B ? 100% [x] #1"
