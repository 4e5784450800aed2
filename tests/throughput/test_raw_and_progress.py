"""``raw=True`` exports skip the models; ``progress=True`` draws a bar with the total the portal gave."""

from __future__ import annotations

from typing import Any

import pytest

from bitrix24_toolkit.services import progress
from bitrix24_toolkit.testing.emulator import Emulator
from tests.throughput.test_paging import clone_deals


class FakeBar:
    """Stands in for tqdm: records what the bar was told."""

    opened: list[FakeBar] = []  # noqa: RUF012

    def __init__(self, desc: str, total: int | None, unit: str) -> None:
        self.desc, self.total, self.unit = desc, total, unit
        self.count = 0
        self.closed = False
        FakeBar.opened.append(self)

    def update(self, n: float = 1) -> None:
        self.count += int(n)

    def refresh(self) -> None:
        return None

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def bars(monkeypatch: pytest.MonkeyPatch) -> list[FakeBar]:
    FakeBar.opened = []
    monkeypatch.setattr(progress, "open_bar", FakeBar)
    return FakeBar.opened


async def test_raw_rows_are_the_portals_dicts(client: Any, emu: Emulator) -> None:
    clone_deals(emu, 120)
    rows = await client.crm.deal.list_all(raw=True, select=["ID", "TITLE", "OPPORTUNITY"])
    assert isinstance(rows[0], dict)
    assert rows[0] == {"ID": "1", "TITLE": "Deal 1", "OPPORTUNITY": "0.00"}
    assert [int(r["ID"]) for r in rows] == list(range(1, 121))


def test_progress_bar_for_a_long_read(bars: list[FakeBar]) -> None:
    emu = Emulator(limits="off")
    clone_deals(emu, 3210)
    with emu.client() as b24:
        rows = b24.crm.deal.list_all(progress=True, select=["ID"])
    assert len(rows) == 3210
    (bar,) = bars
    assert (bar.desc, bar.total, bar.count, bar.closed) == ("crm.deal.list", 3210, 3210, True)


def test_progress_bar_for_bulk_writes(bars: list[FakeBar]) -> None:
    emu = Emulator(limits="off")
    with emu.client() as b24:
        result = b24.crm.lead.add_many([{"TITLE": f"Лид {i}"} for i in range(1234)], progress=True)
    assert result.all_ok
    (bar,) = bars
    assert (bar.total, bar.count, bar.closed, bar.unit) == (1234, 1234, True, "items")


def test_no_bar_unless_asked(bars: list[FakeBar]) -> None:
    emu = Emulator(limits="off")
    clone_deals(emu, 60)
    with emu.client() as b24:
        b24.crm.deal.list_all()
        b24.crm.lead.add_many([{"TITLE": "x"}])
    assert bars == []
