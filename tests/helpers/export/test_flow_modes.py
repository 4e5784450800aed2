"""Modes and phases: ``full`` on the first load, ``resumed`` when a killed pass goes on, ``incremental``
afterwards; the stage history exactly like the entity tables. A kill is an error raised from the transport
after N requests (the run stops there; what it committed stays).

Also the first page asked ahead of the fields: when the fields or the portal's offset changed since the
last run, it is asked again, so the rows are still right.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from bitrix24_toolkit.errors import Bitrix24Error
from bitrix24_toolkit.helpers import export
from bitrix24_toolkit.testing import Emulator
from bitrix24_toolkit.testing.emulator import seed_deals

from ._support import db_rows, portal_deals

ONLY: dict[str, Any] = {"entities": ["deal"], "include": ["stagehistory"]}


class Killed(Bitrix24Error):
    """The connection died: no more requests."""


def _kill_after(emu: Emulator, requests: int) -> list[int]:
    """Make the transport raise from the ``requests + 1``-th request on (``left[0] = big`` revives it)."""
    left = [requests]
    real = emu.handle

    def handle(request: Any) -> Any:
        if left[0] <= 0:
            raise Killed("connection lost")
        left[0] -= 1
        return real(request)

    emu.handle = handle  # type: ignore[method-assign]
    return left


def _sync(target: str) -> dict[str, tuple[Any, ...]]:
    rows = db_rows(target, "SELECT entity, phase, cursor, watermark FROM _sync")
    return {str(r[0]): tuple(r[1:]) for r in rows}


def _history(target: str) -> list[int]:
    return [int(r[0]) for r in db_rows(target, "SELECT id FROM stage_history WHERE entity_type_id = 2")]


def _portal_history(emu: Emulator) -> set[int]:
    return {int(r["ID"]) for r in emu.state.table("stagehistory").values() if int(r["ENTITY_TYPE_ID"]) == 2}


@pytest.mark.parametrize("requests", [1, 2, 4])
def test_a_killed_first_load_is_full_then_resumed_then_incremental(tmp_path: Path, requests: int) -> None:
    emu = Emulator(limits="off")
    seed_deals(emu, 3000)  # 3,000 deals, about 9,000 history rows: several requests of chained pages
    target = "duckdb:///" + str(tmp_path / "crm.duckdb")
    left = _kill_after(emu, requests)
    with pytest.raises(Killed):
        export(emu.client(), target, **ONLY)
    state = _sync(target)
    unfinished = {name: value for name, value in state.items() if value[0] != "done"}
    assert unfinished, state  # the kill came while something was being read
    for name, (phase, _, watermark) in unfinished.items():
        assert phase == "full", (name, state)  # a first load stays a full pass, never "incremental"
        assert watermark is None
    history = _history(target)
    assert len(history) == len(set(history))
    if "stage_history:2" in unfinished:
        assert unfinished["stage_history:2"][1] == max(history, default=0)  # the cursor: what is committed

    left[0] = 10**9
    again = export(emu.client(), target, **ONLY)
    for name in ("deal", "stage_history:2"):
        assert again.entities[name].mode == ("resumed" if name in unfinished else "incremental"), name
    assert {name: value[0] for name, value in _sync(target).items()} == {
        "deal": "done",
        "stage_history:2": "done",
    }
    history = _history(target)
    assert len(history) == len(set(history))
    assert set(history) == _portal_history(emu)
    if "stage_history:2" in unfinished:  # nothing read twice: only what the kill left
        assert again.entities["stage_history:2"].read == len(history) - len(
            [i for i in history if i <= state["stage_history:2"][1]]
        )
    assert {r[0] for r in db_rows(target, "SELECT id FROM deal")} == set(portal_deals(emu))

    third = export(emu.client(), target, **ONLY)
    assert {r.mode for r in third.entities.values()} == {"incremental"}


def test_a_killed_incremental_pass_of_the_stage_history_resumes(tmp_path: Path) -> None:
    emu = Emulator(limits="off")
    seed_deals(emu, 400)
    target = "duckdb:///" + str(tmp_path / "crm.duckdb")
    export(emu.client(), target, **ONLY)
    emu.advance(3600)
    for deal_id in range(1, 121):  # 120 moves: 120 new history rows, more than one page
        emu.call("crm.deal.update", {"id": deal_id, "fields": {"STAGE_ID": "WON" if deal_id % 2 else "LOSE"}})
    before = max(_history(target))
    left = _kill_after(emu, 1)  # the first request (with the first 50 new rows) is answered, not the next
    with pytest.raises(Killed):
        export(emu.client(), target, **ONLY)
    phase, cursor, _ = _sync(target)["stage_history:2"]
    assert phase == "incremental"
    assert cursor == max(_history(target)) > before
    left[0] = 10**9
    again = export(emu.client(), target, **ONLY)
    assert again.entities["stage_history:2"].mode == "resumed"
    assert set(_history(target)) == _portal_history(emu)
    assert export(emu.client(), target, **ONLY).entities["stage_history:2"].mode == "incremental"


def test_full_reads_the_stage_history_again_as_a_full_pass(tmp_path: Path) -> None:
    emu = Emulator(limits="off")
    seed_deals(emu, 200)
    target = "duckdb:///" + str(tmp_path / "crm.duckdb")
    export(emu.client(), target, **ONLY)
    left = _kill_after(emu, 1)
    with pytest.raises(Killed):
        export(emu.client(), target, full=True, **ONLY)
    assert _sync(target)["stage_history:2"][0] == "full"
    left[0] = 10**9
    report = export(emu.client(), target, full=True, **ONLY)
    assert report.entities["stage_history:2"].mode == "resumed"  # the interrupted full pass goes on
    report = export(emu.client(), target, full=True, **ONLY)
    assert report.entities["stage_history:2"].mode == "full"
    assert report.entities["stage_history:2"].read == len(_portal_history(emu))
    assert set(_history(target)) == _portal_history(emu)


# ---------------------------------------------------------------------------------- the page asked ahead
def test_a_multiple_field_added_since_the_last_run_is_read(tmp_path: Path) -> None:
    emu = Emulator(limits="off")
    seed_deals(emu, 120, history=False)
    target = "duckdb:///" + str(tmp_path / "crm.duckdb")
    export(emu.client(), target, entities=["deal"], include=[])
    emu.call(
        "crm.deal.userfield.add",
        {"fields": {"FIELD_NAME": "TAGS", "USER_TYPE_ID": "string", "MULTIPLE": "Y"}},
    )
    emu.advance(3600)
    emu.call("crm.deal.update", {"id": 7, "fields": {"UF_CRM_TAGS": ["a", "b"], "TITLE": "tagged"}})
    report = export(emu.client(), target, entities=["deal"], include=[])
    assert report.entities["deal"].written >= 1
    assert db_rows(
        target, "SELECT n, value FROM deal_multiple WHERE entity_id = 7 AND field = 'UF_CRM_TAGS' ORDER BY n"
    ) == [
        (0, "a"),
        (1, "b"),
    ]
    assert db_rows(target, "SELECT title FROM deal WHERE id = 7") == [("tagged",)]


def test_a_changed_offset_asks_the_first_page_again(tmp_path: Path) -> None:
    emu = Emulator(limits="off")
    seed_deals(emu, 120, history=False)
    target = "duckdb:///" + str(tmp_path / "crm.duckdb")
    export(emu.client(), target, entities=["deal"], include=[])
    assert db_rows(target, "SELECT value FROM _meta WHERE key = 'portal_utc_offset'") == [("+03:00",)]
    emu.state.tz = dt.timezone(dt.timedelta(hours=5))  # the portal now writes its times at +05:00
    emu.advance(3600)
    emu.call("crm.deal.update", {"id": 9, "fields": {"TITLE": "later"}})
    emu.reset_stats()
    report = export(emu.client(), target, entities=["deal"], include=[])
    assert emu.stats.requests == 2  # the page asked ahead with +03:00 is asked again with +05:00
    assert report.entities["deal"].read >= 1
    assert db_rows(target, "SELECT title FROM deal WHERE id = 9") == [("later",)]
    assert db_rows(target, "SELECT value FROM _meta WHERE key = 'portal_utc_offset'") == [("+05:00",)]
    emu.reset_stats()
    export(emu.client(), target, entities=["deal"], include=[])
    assert emu.stats.requests == 1  # the offset recorded: one request again
