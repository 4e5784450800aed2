"""Funnel reports on an exported database (helpers.db_funnel_snapshot / db_lead_funnel) against the live
helpers on the portal the data came from.

Two kinds of databases: filled by hand in the export's table layout (docs/export.md "Tables"), from the
demo emulator's own ``crm.*.list`` answers or from rows written out below for the edge cases (so the
reports are checked apart from the export engine); and written by ``helpers.export`` itself, the check an
analyst makes. The edge cases and the export run on DuckDB and on a real PostgreSQL server (``target_url``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bitrix24_toolkit.errors import InvalidInputError
from bitrix24_toolkit.helpers import funnel_snapshot, lead_funnel
from bitrix24_toolkit.helpers.db_export import export
from bitrix24_toolkit.helpers.db_export._reports import db_funnel_snapshot, db_lead_funnel
from bitrix24_toolkit.testing import Emulator

duckdb = pytest.importorskip("duckdb", reason="the duckdb extra is not installed")

MSK = dt.timezone(dt.timedelta(hours=3))
_TABLES = """
CREATE TABLE deal (id BIGINT PRIMARY KEY, title TEXT, stage_id TEXT, category_id BIGINT,
  opportunity NUMERIC(18,2), currency_id TEXT, assigned_by_id BIGINT, source_id TEXT,
  date_create TIMESTAMPTZ, lead_id BIGINT, _synced_at TIMESTAMPTZ);
CREATE TABLE lead (id BIGINT PRIMARY KEY, title TEXT, status_id TEXT, source_id TEXT,
  assigned_by_id BIGINT, date_create TIMESTAMPTZ, _synced_at TIMESTAMPTZ);
CREATE TABLE status (entity_id TEXT, status_id TEXT, name TEXT, sort INTEGER, semantics TEXT,
  category_id BIGINT, color TEXT, PRIMARY KEY (entity_id, status_id));
CREATE TABLE category (entity_type_id INTEGER, id BIGINT, name TEXT, sort INTEGER, is_default BOOLEAN,
  PRIMARY KEY (entity_type_id, id));
"""


def _blank(value: Any) -> Any:
    return None if value in ("", None) else value


def _int(value: Any) -> int | None:
    return None if _blank(value) is None else int(value)


def _moment(value: Any) -> dt.datetime | None:
    return None if _blank(value) is None else dt.datetime.fromisoformat(value)


def fill(path: Path, portal: Emulator, schema: str | None = None) -> None:
    """The portal's deals, leads, directories and funnels in the export's layout (a hand-made export)."""
    client = portal.client()
    deals = client.crm.deal.list_all(select=["*"], raw=True)
    leads = client.crm.lead.list_all(select=["*"], raw=True)
    statuses = portal.call("crm.status.list", {})[1]["result"]
    categories = portal.call("crm.category.list", {"entityTypeId": 2})[1]["result"]["categories"]
    con = duckdb.connect(str(path))
    if schema:
        con.execute(f"CREATE SCHEMA {schema}; SET schema = '{schema}'")
    con.execute(_TABLES)
    con.executemany(
        "INSERT INTO deal VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())",
        [
            [
                int(d["ID"]),
                d["TITLE"],
                _blank(d["STAGE_ID"]),
                _int(d["CATEGORY_ID"]),
                None if _blank(d["OPPORTUNITY"]) is None else Decimal(d["OPPORTUNITY"]),
                _blank(d["CURRENCY_ID"]),
                _int(d["ASSIGNED_BY_ID"]),
                _blank(d["SOURCE_ID"]),
                _moment(d["DATE_CREATE"]),
                _int(d["LEAD_ID"]),
            ]
            for d in deals
        ],
    )
    con.executemany(
        "INSERT INTO lead VALUES (?, ?, ?, ?, ?, ?, now())",
        [
            [
                int(r["ID"]),
                r["TITLE"],
                _blank(r["STATUS_ID"]),
                _blank(r["SOURCE_ID"]),
                _int(r["ASSIGNED_BY_ID"]),
                _moment(r["DATE_CREATE"]),
            ]
            for r in leads
        ],
    )
    con.executemany(
        "INSERT INTO status VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            [
                s["ENTITY_ID"],
                s["STATUS_ID"],
                _blank(s.get("NAME")),
                _int(s.get("SORT")),
                _blank(s.get("SEMANTICS")),
                _int(s.get("CATEGORY_ID")),
                _blank(s.get("COLOR")),
            ]
            for s in statuses
        ],
    )
    con.executemany(
        "INSERT INTO category VALUES (2, ?, ?, ?, ?)",
        [[c["id"], c["name"], c["sort"], c.get("isDefault") == "Y"] for c in categories],
    )
    con.close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, str]:
    """A client of the demo portal and the URL of a database holding the same data."""
    path = tmp_path_factory.mktemp("db") / "demo.duckdb"
    portal = Emulator.demo(limits="off")
    fill(path, portal)
    return portal.client(), f"duckdb:///{path}"


MARCH = (dt.date(2026, 3, 1), dt.date(2026, 4, 1))
CASES: list[dict[str, Any]] = [
    {},
    {"category_id": 1},
    {"period": MARCH},
    {"period": (dt.datetime(2026, 2, 10, 12, 30), None)},
    {"period": (None, dt.datetime(2026, 4, 2, 9, 0, tzinfo=dt.UTC))},
    {"responsible": 2},
    {"responsible": [3, "5"]},
    {"category_id": 1, "responsible": 4},
    {"source": "WEB"},
    {"source": ["call", "PARTNER"]},
    {"category_id": 1, "period": MARCH, "source": ["EMAIL", "CALL"]},
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: ",".join(c) or "all")
def test_the_snapshot_equals_the_live_one(demo: tuple[Any, str], case: dict[str, Any]) -> None:
    client, url = demo
    live = funnel_snapshot(client, **case)
    on_db = db_funnel_snapshot(url, **case, tz="+03:00")
    assert on_db == live
    assert live.total > 0
    assert live.filters == on_db.filters


@pytest.mark.parametrize(
    "case", [c for c in CASES if "category_id" not in c], ids=lambda c: ",".join(c) or "all"
)
def test_the_lead_funnel_equals_the_live_one(demo: tuple[Any, str], case: dict[str, Any]) -> None:
    client, url = demo
    live = lead_funnel(client, **case)
    assert db_lead_funnel(url, **case, tz="Europe/Moscow") == live
    assert live.leads > 0


def test_the_demo_numbers_are_those_of_the_portal(demo: tuple[Any, str]) -> None:
    """Not only equal to the helper: the counts and sums an analyst would check by hand."""
    client, url = demo
    snap = db_funnel_snapshot(url)
    deals = client.crm.deal.list_all(
        select=["ID", "STAGE_ID", "OPPORTUNITY", "CURRENCY_ID"], filter={"CATEGORY_ID": 0}, raw=True
    )
    won = [d for d in deals if d["STAGE_ID"] == "WON"]
    assert snap.total == len(deals)
    assert snap.won == len(won)
    assert snap.won_amounts["RUB"] == sum(Decimal(d["OPPORTUNITY"]) for d in won if d["CURRENCY_ID"] == "RUB")
    assert snap.category_name == "Продажи туров"
    assert [r.stage.id for r in snap.stages][:2] == ["NEW", "PREPARATION"]
    leads = db_lead_funnel(url)
    linked = {d["LEAD_ID"] for d in client.crm.deal.list_all(select=["LEAD_ID"], raw=True) if d["LEAD_ID"]}
    assert leads.with_deal == len(linked)
    assert leads.leads == len(client.crm.lead.list_all(select=["ID"]))


# ------------------------------------------------------------------------------------------- edge cases
def _raw(url: str) -> Any:
    """A plain connection to a target URL, to write tables by hand."""
    if url.startswith("duckdb:///"):
        return duckdb.connect(url[len("duckdb:///") :])
    import psycopg

    return psycopg.connect(url, autocommit=True)


def _tiny(url: str) -> str:
    """Rows written out by hand: an unknown stage, empty amount and currency, sources in other cases."""
    con = _raw(url)
    for statement in _TABLES.split(";"):
        if statement.strip():
            con.execute(statement)
    con.execute(
        """INSERT INTO status VALUES
        ('DEAL_STAGE', 'NEW', 'New', 10, NULL, 0, '#39A8EF'),
        ('DEAL_STAGE', 'WORK', NULL, 20, '', 0, ''),
        ('DEAL_STAGE', 'WON', 'Won', 60, 's', 0, NULL),
        ('DEAL_STAGE', 'LOSE', 'Lost', 70, 'F', 0, NULL),
        ('STATUS', 'NEW', 'Fresh', 10, NULL, NULL, NULL),
        ('STATUS', 'CONVERTED', 'Good', 40, 'S', NULL, NULL),
        ('STATUS', 'JUNK', 'Bad', 50, 'F', NULL, NULL),
        ('SOURCE', 'WEB', 'Site', 10, NULL, NULL, NULL)"""
    )
    con.execute(
        """INSERT INTO deal (id, stage_id, category_id, opportunity, currency_id, assigned_by_id,
        source_id, date_create, lead_id) VALUES
        (1, 'NEW', 0, 100.50, 'RUB', 1, 'WEB', '2026-02-28T23:30:00+03:00', 10),
        (2, 'NEW', 0, NULL, NULL, NULL, 'web', '2026-03-01T00:30:00+03:00', NULL),
        (3, 'WON', 0, 200, 'RUB', 2, NULL, '2026-03-15T12:00:00+03:00', 11),
        (4, 'WON', 0, 5.25, 'USD', 2, 'CALL', '2026-03-31T23:59:00+03:00', 11),
        (5, 'LOSE', 0, 7, 'RUB', 1, 'CALL', '2026-04-01T00:00:00+03:00', NULL),
        (6, 'GONE', 0, 9, 'RUB', 1, 'WEB', '2026-03-02T10:00:00+03:00', NULL),
        (7, 'WON', 1, 1000, 'RUB', 1, 'WEB', '2026-03-02T10:00:00+03:00', 12)"""
    )
    con.execute(
        """INSERT INTO lead (id, status_id, source_id, assigned_by_id, date_create) VALUES
        (10, 'CONVERTED', 'WEB', 1, '2026-03-01T00:10:00+03:00'),
        (11, 'CONVERTED', NULL, 2, '2026-03-05T00:00:00+03:00'),
        (12, 'JUNK', 'WEB', 1, '2026-03-06T00:00:00+03:00'),
        (13, 'NEW', 'OTHER', NULL, '2026-02-28T22:00:00+00:00'),
        (14, 'ODD', 'WEB', 1, NULL)"""
    )
    con.close()
    return url


def test_unknown_stages_empty_amounts_and_names(target_url: str) -> None:
    snap = db_funnel_snapshot(_tiny(target_url))
    rows = {r.stage.id: r for r in snap.stages}
    assert [r.stage.id for r in snap.stages] == ["NEW", "WORK", "WON", "LOSE"]
    assert rows["WORK"].stage.name == "WORK"
    assert rows["WORK"].stage.semantics == "P"
    assert rows["WORK"].stage.color is None
    assert rows["WON"].stage.semantics == "S"
    assert rows["NEW"].count == 2
    assert rows["NEW"].amounts == {"": Decimal(0), "RUB": Decimal("100.50")}
    assert rows["NEW"].reached == 4  # itself, nothing later in progress, and the two won
    assert snap.won_amounts == {"RUB": Decimal(200), "USD": Decimal("5.25")}
    assert (snap.open, snap.won, snap.lost, snap.unknown_stage) == (2, 2, 1, 1)
    assert snap.win_rate == pytest.approx(2 / 3)
    assert snap.category_name == "Funnel 0"  # the category table is empty


def test_dates_are_the_portals_local_days(target_url: str) -> None:
    url = _tiny(target_url)
    march = db_funnel_snapshot(url, period=MARCH, tz="+03:00")
    assert (march.open, march.won, march.lost, march.unknown_stage) == (1, 2, 0, 1)  # 2, 3, 4 (+ 6)
    in_utc = db_funnel_snapshot(url, period=MARCH, tz="UTC")
    assert (in_utc.open, in_utc.won, in_utc.lost) == (0, 2, 1)  # 2 is Feb 28 in UTC, 5 is March 31
    aware = db_funnel_snapshot(
        url, period=(dt.datetime(2026, 3, 1, tzinfo=MSK), dt.datetime(2026, 4, 1, tzinfo=MSK))
    )
    assert aware.stages == march.stages
    assert aware.unknown_stage == 1
    assert march.filters == {"period": [dt.date(2026, 3, 1), dt.date(2026, 4, 1)]}
    with pytest.raises(InvalidInputError, match="tz="):
        db_funnel_snapshot(url, period=MARCH)  # which day a deal belongs to depends on the portal's zone


def test_responsible_and_source_filters(target_url: str) -> None:
    url = _tiny(target_url)
    assert db_funnel_snapshot(url, responsible=2).total == 2
    assert db_funnel_snapshot(url, responsible=["2", 1]).total == 4
    assert db_funnel_snapshot(url, responsible=["x"]).total == 0
    assert db_funnel_snapshot(url, source="WEB").total == 2  # 'web' too, as the portal compares
    assert db_funnel_snapshot(url, source=["", "call"]).total == 3
    other = db_funnel_snapshot(url, 1, source="web")  # funnel 1 has no stage directory: deal 7 is unknown
    assert (other.total, other.unknown_stage, other.stages, other.category_name) == (0, 1, [], "Funnel 1")
    with pytest.raises(InvalidInputError, match="empty list"):
        db_funnel_snapshot(url, responsible=[])


def test_the_lead_funnel_by_hand(target_url: str) -> None:
    url = _tiny(target_url)
    leads = db_lead_funnel(url)
    assert (leads.leads, leads.with_deal) == (5, 3)  # lead 11 has two deals: counted once
    assert [(r.source_id, r.name, r.leads, r.with_deal, r.converted, r.junk) for r in leads.by_source] == [
        ("WEB", "Site", 3, 2, 1, 1),
        ("OTHER", "OTHER", 1, 0, 0, 0),
        ("", "(no source)", 1, 1, 1, 0),
    ]
    assert [(r.stage.id, r.count) for r in leads.statuses] == [("NEW", 1), ("CONVERTED", 2), ("JUNK", 1)]
    march = db_lead_funnel(url, period=MARCH, tz=MSK)
    assert march.leads == 4  # lead 13 is 01:00 on March 1st in Moscow; lead 14 has no date
    assert db_lead_funnel(url, responsible=1, source="web").leads == 3


def test_open_connections_and_schemas(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    portal = Emulator.demo(limits="off")
    fill(path, portal, schema="crm")
    con = duckdb.connect(str(path))
    try:
        live = funnel_snapshot(portal.client(), 1)
        assert db_funnel_snapshot(con, 1, schema="crm") == live
        assert db_lead_funnel(con, schema="crm") == lead_funnel(portal.client())
        assert con.execute("SELECT count(*) FROM crm.deal").fetchone() == (163,)  # still open
        with pytest.raises(
            InvalidInputError, match=r"no table deal, status in schema 'crm2'.*helpers\.export"
        ):
            db_funnel_snapshot(con, schema="crm2")
    finally:
        con.close()


def test_bad_targets_are_refused_clearly(tmp_path: Path) -> None:
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    with pytest.raises(InvalidInputError, match=r"no table lead, deal, status.*helpers\.export"):
        db_lead_funnel(f"duckdb:///{empty}")
    missing = tmp_path / "nothing.duckdb"
    with pytest.raises(InvalidInputError, match="no DuckDB database"):
        db_funnel_snapshot(f"duckdb:///{missing}")
    assert not missing.exists()  # a report never creates a database
    with pytest.raises(InvalidInputError, match="target"):
        db_funnel_snapshot("sqlite:///x.db")
    with pytest.raises(InvalidInputError, match="open DuckDB / psycopg connection"):
        db_funnel_snapshot(object())
    with pytest.raises(InvalidInputError, match="schema"):
        db_funnel_snapshot(f"duckdb:///{empty}", schema="Crm; DROP")
    with pytest.raises(InvalidInputError, match="tz"):
        db_funnel_snapshot(f"duckdb:///{empty}", tz="+25:00")
    with pytest.raises(InvalidInputError, match="tz"):
        db_funnel_snapshot(f"duckdb:///{empty}", tz="Europe")  # a folder of zones, not a zone
    with pytest.raises(InvalidInputError, match="empty list"):  # the input first, before the target
        db_lead_funnel(f"duckdb:///{missing}", source=[])
    with pytest.raises(InvalidInputError, match="category_id"):
        db_funnel_snapshot(f"duckdb:///{empty}", -1)


def test_a_password_never_shows(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError) as caught:
        db_funnel_snapshot("postgresql://analyst:s3cret-pw@127.0.0.1:1/crm")
    assert "s3cret-pw" not in str(caught.value)
    assert "***" in str(caught.value)


# ------------------------------------------------------------------------------ on what helpers.export wrote
LEAD_CASES = [c for c in CASES if "category_id" not in c]


def _assert_reports_equal(client: Any, target: Any, schema: str | None = None) -> None:
    for case in CASES:
        live = funnel_snapshot(client, **case)
        assert db_funnel_snapshot(target, **case, schema=schema, tz="Europe/Moscow") == live, case
    for case in LEAD_CASES:
        live_leads = lead_funnel(client, **case)
        assert db_lead_funnel(target, **case, schema=schema, tz="+03:00") == live_leads, case


def test_on_an_export_the_reports_equal_the_live_helpers(target_url: str) -> None:
    """As an analyst checks it: export the demo portal, compare; change it through REST, rerun, compare."""
    portal = Emulator.demo(limits="off")
    client = portal.client()
    export(client, target_url)
    _assert_reports_equal(client, target_url)
    before = db_funnel_snapshot(target_url)
    deals = client.crm.deal.list_all(select=["ID", "STAGE_ID"], filter={"CATEGORY_ID": 0}, raw=True)
    moved = [d for d in deals if d["STAGE_ID"] == "NEW"][:3]
    for deal in moved:
        client.crm.deal.update(int(deal["ID"]), {"STAGE_ID": "WON", "OPPORTUNITY": 123456.78})
    client.crm.deal.update(int(deals[-1]["ID"]), {"SOURCE_ID": "WEB", "CURRENCY_ID": "EUR"})
    for deal in [d for d in deals if d["STAGE_ID"] == "LOSE"][:2]:
        client.crm.deal.delete(int(deal["ID"]))
    for n in range(3):
        client.crm.deal.add(
            {
                "TITLE": f"new {n}",
                "STAGE_ID": "PREPARATION",
                "OPPORTUNITY": 1000 + n,
                "CURRENCY_ID": "RUB",
                "CATEGORY_ID": 0,
                "ASSIGNED_BY_ID": 2,
                "SOURCE_ID": "CALL",
            }
        )
    client.crm.lead.update(
        int(client.crm.lead.list_all(select=["ID"], raw=True)[0]["ID"]), {"STATUS_ID": "JUNK"}
    )
    stale = db_funnel_snapshot(target_url)
    assert stale == before  # nothing re-read yet: the database is what the export wrote
    assert stale != funnel_snapshot(client)
    export(client, target_url)
    _assert_reports_equal(client, target_url)
    after = db_funnel_snapshot(target_url)
    assert (after.won, after.lost) == (before.won + len(moved), before.lost - 2)
    assert after.total == before.total + 1  # three added, two (lost) deleted


def test_an_export_in_a_schema_read_through_a_psycopg_connection(pg_url: str) -> None:
    import psycopg
    from psycopg.rows import dict_row

    client = Emulator.demo(limits="off").client()
    export(client, pg_url, entities=("deal", "lead"), include=("statuses", "categories"), schema="crm")
    with psycopg.connect(pg_url, row_factory=dict_row) as con:  # not autocommit, rows as dicts
        _assert_reports_equal(client, con, schema="crm")
        assert con.info.transaction_status == psycopg.pq.TransactionStatus.IDLE  # no transaction left open
        assert con.execute("SELECT count(*) AS n FROM crm.deal").fetchone() == {"n": 163}
    with pytest.raises(InvalidInputError, match=r"no table deal, status.*helpers\.export"):
        db_funnel_snapshot(pg_url)  # the tables are in schema crm, not in public


def test_a_wrong_password_is_not_shown(pg_url: str) -> None:
    from urllib.parse import urlsplit

    parts = urlsplit(pg_url)
    assert parts.password  # the server wants one (scram-sha-256 over TCP)
    wrong = pg_url.replace(f":{parts.password}@", ":x-Wr0ng-pw@", 1)
    with pytest.raises(InvalidInputError, match="cannot connect") as caught:
        db_funnel_snapshot(wrong)
    assert "Wr0ng" not in str(caught.value)
    assert "***" in str(caught.value)
