"""``b24 funnel`` shows names where people read: the demo people (as user.get answers them), the funnel's
name in the title, the lead sources' names; CSV keeps the ids beside the names."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from bitrix24_toolkit.testing.emulator import Emulator

from .conftest import Invoke, assert_clean_failure

pytestmark = pytest.mark.usefixtures("fast_demo")


@pytest.fixture(scope="module")
def portal() -> Emulator:
    """A demo portal to read the expected names from, through the emulator's own answers."""
    return Emulator.demo(limits="off")


def _answer(emu: Emulator, method: str, params: dict[str, Any]) -> Any:
    status, body = emu.call(method, params)
    assert status == 200, body
    return body["result"]


def test_by_responsible_shows_the_demo_peoples_names(b24: Invoke, portal: Emulator) -> None:
    users = {int(u["ID"]): f"{u['NAME']} {u['LAST_NAME']}" for u in _answer(portal, "user.get", {})}
    deals = [d for d in portal.state.table("deal").values() if d["CATEGORY_ID"] == 0]
    responsible = {int(d["ASSIGNED_BY_ID"]) for d in deals}
    run = b24("funnel", "--by", "responsible", env={"COLUMNS": "400"})  # wide: a name fits on one line
    assert run.code == 0, run.text
    for user_id in responsible:
        assert users[user_id] in run.stdout
    run = b24("funnel", "--by", "responsible")  # narrower: the names may wrap, every word is there
    assert run.code == 0, run.text
    for user_id in responsible:
        assert all(word in run.stdout for word in users[user_id].split())
    funnels = _answer(portal, "crm.category.list", {"entityTypeId": 2})["categories"]
    default = next(c["name"] for c in funnels if c["id"] == 0)
    assert run.stdout.lstrip().startswith(f"{default} by responsible")


def test_by_responsible_as_csv_keeps_the_user_ids(b24: Invoke, portal: Emulator) -> None:
    users = {int(u["ID"]): f"{u['NAME']} {u['LAST_NAME']}" for u in _answer(portal, "user.get", {})}
    run = b24("funnel", "--by", "responsible", "--format", "csv")
    assert run.code == 0, run.text
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert rows
    assert {row["responsible"]: int(row["user id"]) for row in rows} == {
        users[int(row["user id"])]: int(row["user id"]) for row in rows
    }


def test_the_title_is_the_funnels_name(b24: Invoke, portal: Emulator) -> None:
    names = {
        c["id"]: c["name"] for c in _answer(portal, "crm.category.list", {"entityTypeId": 2})["categories"]
    }
    for category in (0, 1):
        run = b24("funnel", "--category", str(category))
        assert run.code == 0, run.text
        title = run.stdout.lstrip().splitlines()[0]
        assert title.startswith(f"{names[category]}: ")
        assert "Funnel" not in title


def test_leads_by_source_show_the_source_names(b24: Invoke, portal: Emulator) -> None:
    names = {
        r["STATUS_ID"]: r["NAME"]
        for r in _answer(portal, "crm.status.list", {"filter": {"ENTITY_ID": "SOURCE"}})
    }
    used = {lead["SOURCE_ID"] for lead in portal.state.table("lead").values()}
    run = b24("funnel", "--leads")
    assert run.code == 0, run.text
    assert run.stdout.lstrip().startswith("Leads: ")
    for code in used:
        assert names[code] in run.stdout
    run = b24("funnel", "--leads", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert {row["source id"]: row["source"] for row in rows} == {code: names[code] for code in used}


def test_leads_take_no_category_or_grouping(b24: Invoke) -> None:
    run = b24("funnel", "--leads", "--by", "month")
    assert_clean_failure(run, 2)
    assert "--leads takes no --by" in run.stderr


def test_a_rate_that_cannot_be_computed_reads_a_dash(b24: Invoke, portal: Emulator) -> None:
    run = b24("funnel")
    assert run.code == 0, run.text
    stages = _answer(portal, "crm.status.list", {"filter": {"ENTITY_ID": "DEAL_STAGE"}})
    first_stage = min((s for s in stages if not s["SEMANTICS"]), key=lambda s: int(s["SORT"]))["NAME"]
    line = next(line for line in run.stdout.splitlines() if first_stage in line)
    assert "–" in line  # the first stage has no previous stage: "from previous" reads a dash
    assert "{}" not in run.stdout
