"""An interrupted export goes on where it stopped: no duplicate row, nothing missing, nothing read twice.

Two ways to interrupt it: an error raised from the database write of a later page (in-process), and a
``kill -9`` of a process exporting over HTTP from a served emulator.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

import pytest

from bitrix24_toolkit.helpers import export
from bitrix24_toolkit.helpers.db_export._targets import Database
from bitrix24_toolkit.testing.emulator import CostModel

from ._support import db_rows, filled, portal_deals

DEALS = 3000


class Boom(RuntimeError):
    """The database write that fails on purpose."""


def _fail_deal_writes(monkeypatch: pytest.MonkeyPatch, after: int) -> list[int]:
    """Make the upsert of the ``after``-th deal page raise (the pages before it are committed)."""
    seen = [0]
    real = Database.upsert

    def upsert(self: Database, table: str, *args: Any, **kwargs: Any) -> int:
        if table == "deal":
            seen[0] += 1
            if seen[0] == after:
                raise Boom("disk full")
        return real(self, table, *args, **kwargs)

    monkeypatch.setattr(Database, "upsert", upsert)
    return seen


def _db_deals(target_url: str) -> dict[int, tuple[Any, ...]]:
    rows = db_rows(
        target_url,
        "SELECT id, title, stage_id, opportunity, currency_id, category_id, date_modify, closed FROM deal",
    )
    return {int(r[0]): tuple(r[1:]) for r in rows}


def test_an_error_from_a_page_write_leaves_a_resumable_full_pass(
    target_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    emu = filled(DEALS)
    b24 = emu.client()
    _fail_deal_writes(monkeypatch, after=2)
    with pytest.raises(Boom):
        export(b24, target_url, entities=["deal"], include=[])
    monkeypatch.undo()
    # the first page is committed with its cursor; the failed one left nothing behind
    assert db_rows(target_url, "SELECT phase, cursor FROM _sync WHERE entity = 'deal'") == [("full", 50)]
    assert db_rows(target_url, "SELECT COUNT(*), MAX(id) FROM deal") == [(50, 50)]

    report = export(b24, target_url, entities=["deal"], include=[])
    deal = report.entities["deal"]
    assert deal.mode == "resumed"
    assert deal.read == DEALS - 50  # nothing read twice
    assert db_rows(target_url, "SELECT COUNT(*), COUNT(DISTINCT id) FROM deal") == [(DEALS, DEALS)]
    assert _db_deals(target_url) == portal_deals(emu)
    assert db_rows(target_url, "SELECT phase, cursor FROM _sync WHERE entity = 'deal'") == [("done", 0)]


def test_an_interrupted_incremental_pass_resumes_with_its_watermark(
    target_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    emu = filled(400)
    emu.advance(3600)
    emu.call("crm.deal.update", {"id": 1, "fields": {"TITLE": "Touched"}})  # the watermark: an hour later
    b24 = emu.client()
    export(b24, target_url, entities=["deal"], include=[])
    (watermark,) = db_rows(target_url, "SELECT watermark FROM _sync WHERE entity = 'deal'")[0]
    emu.advance(3600)  # another hour later, 120 deals change
    changed = list(range(5, 400, 3))[:120]
    for deal_id in changed:
        emu.call("crm.deal.update", {"id": deal_id, "fields": {"TITLE": f"Changed {deal_id}"}})
    _fail_deal_writes(monkeypatch, after=2)
    with pytest.raises(Boom):
        export(b24, target_url, entities=["deal"], include=[])
    monkeypatch.undo()
    phase, cursor, kept = db_rows(
        target_url, "SELECT phase, cursor, watermark FROM _sync WHERE entity = 'deal'"
    )[0]
    # deal 1 (within the overlap of the watermark) and the changed ones: the first page ends at changed[48]
    assert (phase, cursor, kept) == ("incremental", changed[48], watermark)

    report = export(b24, target_url, entities=["deal"], include=[])
    assert report.entities["deal"].mode == "resumed"
    assert report.entities["deal"].read == 1 + len(changed) - 50
    assert _db_deals(target_url) == portal_deals(emu)
    (newer,) = db_rows(target_url, "SELECT watermark FROM _sync WHERE entity = 'deal'")[0]
    assert newer > watermark


_CHILD = """
import sys
from bitrix24_toolkit import Bitrix24
from bitrix24_toolkit.helpers import export
with Bitrix24(sys.argv[1], limits="off") as b24:
    export(b24, sys.argv[2], entities=["deal"], include=[])
print("finished")
"""


@pytest.mark.skipif(sys.platform == "win32", reason="kill -9")
def test_a_killed_export_process_resumes_with_no_duplicate_and_nothing_missing(tmp_path: Any) -> None:
    # slow range reads (50 chained pages at 0.1 s each) leave time to kill the exporter between pages
    emu = filled(DEALS, cost=CostModel(per_request=0.0, per_row=0.0, per_batch_command=0.1, sleep=True))
    target = "duckdb:///" + str(tmp_path / "crm.duckdb")
    with emu.serve() as url:
        child = subprocess.Popen(
            [sys.executable, "-c", _CHILD, url, target], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 60
        # the range requests start only once the first page is committed (the stream emits it first)
        while emu.stats.requests < 3 and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        os.kill(child.pid, signal.SIGKILL)
        out, err = child.communicate(timeout=30)
    assert b"finished" not in out, err
    assert db_rows(target, "SELECT phase, cursor FROM _sync WHERE entity = 'deal'") == [("full", 50)]
    assert db_rows(target, "SELECT COUNT(*) FROM deal") == [(50,)]

    emu.cost = None
    report = export(emu.client(), target, entities=["deal"], include=[])
    assert report.entities["deal"].mode == "resumed"
    assert report.entities["deal"].read == DEALS - 50
    assert db_rows(target, "SELECT COUNT(*), COUNT(DISTINCT id), MIN(id), MAX(id) FROM deal") == [
        (DEALS, DEALS, 1, DEALS)
    ]
    assert _db_deals(target) == portal_deals(emu)
