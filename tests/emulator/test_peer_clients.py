"""Other Bitrix24 libraries get the answers a portal gives: fast-bitrix24 and b24pysdk against emu.serve()."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest

from bitrix24_toolkit.testing.emulator import Emulator

DEALS = 130


@pytest.fixture
def served() -> Iterator[tuple[Emulator, str]]:
    emu = Emulator(limits="standard")
    for i in range(1, DEALS + 1):
        emu.call("crm.deal.add", {"fields": {"TITLE": f"Deal {i}", "OPPORTUNITY": i * 10}})
    with emu.serve() as url:
        yield emu, url


def test_fast_bitrix24(served: tuple[Emulator, str]) -> None:
    fast = pytest.importorskip("fast_bitrix24")
    emu, url = served
    bitrix = fast.Bitrix(url, verbose=False)
    deals = bitrix.get_all("crm.deal.list", {"select": ["ID", "TITLE"]})
    assert sorted(int(d["ID"]) for d in deals) == list(range(1, DEALS + 1))
    ids = bitrix.call("crm.lead.add", [{"fields": {"TITLE": f"Lead {i}"}} for i in range(60)])
    # fast-bitrix24 sends batches concurrently and returns ids in completion order, not input order
    assert sorted(ids) == list(range(1, 61))
    titles = {emu.call("crm.lead.get", {"id": lead_id})[1]["result"]["TITLE"] for lead_id in ids}
    assert titles == {f"Lead {i}" for i in range(60)}
    by_id = bitrix.get_by_ID("crm.deal.get", [1, 2, 3])
    assert {key: value["TITLE"] for key, value in by_id.items()} == {
        "1": "Deal 1",
        "2": "Deal 2",
        "3": "Deal 3",
    }
    assert emu.stats.rejected_rate == 0


def test_b24pysdk(served: tuple[Emulator, str], monkeypatch: pytest.MonkeyPatch) -> None:
    sdk = pytest.importorskip("b24pysdk")
    caller = importlib.import_module("b24pysdk.api.callers.call_method")
    # b24pysdk hard-codes https://; the served emulator speaks plain HTTP on loopback.
    monkeypatch.setattr(
        caller._MethodCaller, "_base_url", property(lambda self: f"http://{self._domain}/rest")
    )
    emu, url = served
    token = sdk.BitrixWebhook(domain=url.split("/")[2], webhook_token=f"1/{emu.secret}")
    fast = list(token.call_list_fast("crm.deal.list", {"select": ["ID", "TITLE"]})["result"])
    assert [int(d["ID"]) for d in fast] == list(range(1, DEALS + 1))
    assert len(token.call_list("crm.deal.list", {"select": ["ID"]})["result"]) == DEALS
    assert token.call_method("crm.deal.get", {"id": 5})["result"]["TITLE"] == "Deal 5"
    batch = token.call_batch({f"l{i}": ("crm.lead.add", {"fields": {"TITLE": f"L{i}"}}) for i in range(40)})
    assert list(batch["result"]["result"].values()) == list(range(1, 41))
    assert emu.stats.rejected_rate == 0
