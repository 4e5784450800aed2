"""The export records the portal's UTC offset (from its DATE_MODIFY values) in ``_meta``, so the reports on
the database need no ``tz=``: the same numbers as the live helpers; an explicit ``tz=`` still wins."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from bitrix24_toolkit.errors import InvalidInputError
from bitrix24_toolkit.helpers import funnel_snapshot, lead_funnel
from bitrix24_toolkit.helpers.db_export import db_funnel_snapshot, db_lead_funnel, export
from bitrix24_toolkit.testing import Emulator

from ._support import db_rows

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 4, 1))
PERIODS: list[Any] = [
    MARCH,
    (dt.date(2026, 2, 10), None),
    (dt.datetime(2026, 2, 10, 12, 30), dt.datetime(2026, 5, 1, 0, 0)),
    (None, dt.date(2026, 4, 2)),
]


def test_the_reports_need_no_tz_and_equal_the_live_helpers(target_url: str) -> None:
    portal = Emulator.demo(limits="off")
    client = portal.client()
    export(client, target_url)
    assert db_rows(target_url, "SELECT value FROM _meta WHERE key = 'portal_utc_offset'") == [("+03:00",)]
    for period in PERIODS:
        for category_id in (0, 1):
            live = funnel_snapshot(client, category_id, period=period)
            assert db_funnel_snapshot(target_url, category_id, period=period) == live, (period, category_id)
        assert db_lead_funnel(target_url, period=period) == lead_funnel(client, period=period), period
    # an explicit tz wins: from half an hour before a deal was made (portal time), read as UTC, misses it
    made = dt.datetime.fromisoformat(portal.call("crm.deal.get", {"id": 40})[1]["result"]["DATE_CREATE"])
    since = (made.replace(tzinfo=None) - dt.timedelta(minutes=30), None)
    local = db_funnel_snapshot(target_url, period=since)
    assert local == funnel_snapshot(client, period=since)
    in_utc = db_funnel_snapshot(target_url, period=since, tz="UTC")
    assert in_utc.total < local.total
    aware = db_funnel_snapshot(target_url, period=(since[0].replace(tzinfo=dt.UTC), None))
    assert (in_utc.total, in_utc.stages) == (aware.total, aware.stages)


def test_another_offset_is_recorded_as_the_portal_writes_it(tmp_path: Path) -> None:
    portal = Emulator.demo(limits="off")
    portal.state.tz = dt.timezone(dt.timedelta(hours=-4, minutes=-30))
    client = portal.client()
    client.crm.deal.update(5, {"TITLE": "written at -04:30"})
    target = "duckdb:///" + str(tmp_path / "crm.duckdb")
    export(client, target, entities=["deal"], include=["statuses", "categories"])
    assert db_rows(target, "SELECT value FROM _meta WHERE key = 'portal_utc_offset'") == [("-04:30",)]
    from bitrix24_toolkit.helpers.db_export._reports import open_db

    with open_db(target) as db:
        assert db.portal_tz() == dt.timezone(dt.timedelta(hours=-4, minutes=-30))


def test_without_a_recorded_offset_a_local_bound_still_needs_tz(tmp_path: Path) -> None:
    import duckdb

    path = tmp_path / "hand.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE deal (id BIGINT PRIMARY KEY, stage_id TEXT, category_id BIGINT, "
        "opportunity NUMERIC(18,2), currency_id TEXT, assigned_by_id BIGINT, source_id TEXT, "
        "date_create TIMESTAMPTZ, lead_id BIGINT); "
        "CREATE TABLE status (entity_id TEXT, status_id TEXT, name TEXT, sort INTEGER, semantics TEXT, "
        "category_id BIGINT, color TEXT)"
    )
    con.close()
    with pytest.raises(InvalidInputError, match="tz="):
        db_funnel_snapshot(f"duckdb:///{path}", period=MARCH)
    assert db_funnel_snapshot(f"duckdb:///{path}", period=MARCH, tz="+03:00").total == 0
