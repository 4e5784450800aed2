"""The deletion check finds exactly the rows the portal lost, in few rounds, from the ids the table held
before the run's writes; and a row read in the same run is never deleted."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from bitrix24_toolkit.helpers import export
from bitrix24_toolkit.helpers.db_export._deletions import DeletionCheck
from bitrix24_toolkit.helpers.db_export._targets import open_database, parse_target
from bitrix24_toolkit.testing import Emulator
from bitrix24_toolkit.testing.emulator import seed_deals

from ._support import db_rows, portal_deals


def _ok(answer: tuple[int, Any]) -> Any:
    status, payload = answer
    assert status == 200, payload
    return payload


def _check(tmp_path: Path, local: list[int], emu: Emulator) -> tuple[list[int], int, int]:
    """Run the check of a ``deal`` table holding ``local``: (ids found gone, rounds, requests)."""
    db = open_database(parse_target("duckdb:///" + str(tmp_path / f"d{random.random()}.duckdb")))
    try:
        db.execute(f"CREATE TABLE {db.table('deal')} (id BIGINT PRIMARY KEY)")
        db.upsert("deal", ["id"], ["id"], [(i,) for i in local])
        check = DeletionCheck(db, "deal")
        emu.reset_stats()
        gone = emu.client().run(check.rest())
        return sorted(gone), check.rounds, emu.stats.requests
    finally:
        db.close()


def _portal(count: int, gone: set[int]) -> Emulator:
    emu = Emulator(limits="off")
    seed_deals(emu, count, history=False)
    for deal_id in gone:
        emu.state.table("deal").pop(deal_id)
    return emu


@pytest.mark.parametrize(
    "case",
    [
        "none",
        "one",
        "ten_random",
        "sixty_random",
        "a_run_of_120",
        "every_row",
        "first_and_last",
        "dense_window",
    ],
)
def test_the_check_finds_exactly_the_deleted_ids(tmp_path: Path, case: str) -> None:
    count = 5000
    rng = random.Random(case)
    ids = list(range(1, count + 1))
    gone = {
        "none": set(),
        "one": {2500},
        "ten_random": set(rng.sample(ids, 10)),
        "sixty_random": set(rng.sample(ids, 60)),
        "a_run_of_120": set(range(3001, 3121)),
        "every_row": set(ids),
        "first_and_last": {1, count},
        "dense_window": set(range(1001, 1050, 2)),  # 25 in one window of 50 ids
    }[case]
    found, rounds, requests = _check(tmp_path, ids, _portal(count, gone))
    assert found == sorted(gone)
    assert requests == rounds
    if len(gone) <= 10:
        assert rounds <= 3  # 50 ranges of 100 ids, then the ranges that lost a row, then at most once more


def test_sparse_ids_and_rows_the_table_lacks(tmp_path: Path) -> None:
    """Ids with wide gaps; the portal also holds rows the table does not (never counted as deleted)."""
    emu = Emulator(limits="off")
    seed_deals(emu, 3000, history=False)
    deals = emu.state.table("deal")
    local = [i for i in range(1, 3001) if i % 7 == 0 or i > 2900]  # the table knows some of them
    missing = set(random.Random(3).sample(local, 12))
    for deal_id in missing:
        deals.pop(deal_id)
    found, _, _ = _check(tmp_path, local, emu)
    assert found == sorted(missing)


def test_a_tiny_table(tmp_path: Path) -> None:
    emu = _portal(3, {2})
    assert _check(tmp_path, [1, 2, 3], emu)[:2] == ([2], 1)


def test_a_row_read_again_in_the_run_is_not_deleted(tmp_path: Path) -> None:
    """The first round says a deal is gone; before its changed page is read, it is back (as after a restore
    from the recycle bin, modified now): the run writes it and does not delete it."""
    emu = Emulator(limits="off")
    seed_deals(emu, 2000, history=False)
    target = "duckdb:///" + str(tmp_path / "crm.duckdb")
    export(emu.client(), target, entities=["deal"], include=[])
    emu.advance(3600)
    for deal_id in range(100, 300):  # 200 changed deals: the pass reads them in two requests
        _ok(emu.call("crm.deal.update", {"id": deal_id, "fields": {"TITLE": f"changed {deal_id}"}}))
    back = 280
    kept = dict(emu.state.table("deal")[back])
    _ok(emu.call("crm.deal.delete", {"id": back}))
    real = emu.handle
    seen = [0]

    def handle(request: Any) -> Any:
        seen[0] += 1
        if seen[0] == 2:  # after the first request (the deletion check's first round)
            emu.state.table("deal")[back] = {**kept, "DATE_MODIFY": emu.state.now_iso(), "TITLE": "restored"}
        return real(request)

    emu.handle = handle  # type: ignore[method-assign]
    report = export(emu.client(), target, entities=["deal"], include=[])
    assert seen[0] >= 2
    assert report.entities["deal"].deleted == 0
    assert db_rows(target, f"SELECT title FROM deal WHERE id = {back}") == [("restored",)]
    assert {r[0] for r in db_rows(target, "SELECT id FROM deal")} == set(portal_deals(emu))
