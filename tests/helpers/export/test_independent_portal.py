"""The export against a portal we did not write: the benchmark's independent fake portal (its own process,
``benchmarks/fake_portal.py``, no emulator code). It serves deals and leads only, so every include it lacks
(``ERROR_METHOD_NOT_FOUND``) is skipped and named, the way a webhook without a scope would be, and the deals
still arrive whole."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from benchmarks.fake_process import FakePortalProcess
from bitrix24_toolkit import Bitrix24
from bitrix24_toolkit.cli import app
from bitrix24_toolkit.helpers import export

from ._support import db_rows


@pytest.fixture(scope="module")
def fake() -> Iterator[FakePortalProcess]:
    with FakePortalProcess("--seed-deals", "1234", "--burst", "0", "--no-cost") as portal:
        yield portal


def test_deals_arrive_whole_and_missing_includes_are_named(fake: FakePortalProcess, tmp_path: Path) -> None:
    target = f"duckdb:///{tmp_path / 'fake.duckdb'}"
    with Bitrix24(fake.url) as b24:
        report = export(b24, target, entities=["deal"])
        portal_ids = [d.id for d in b24.crm.deal.list_all(select=["ID"])]
    assert report.entities["deal"].mode == "full"
    assert report.entities["deal"].written == 1234
    assert db_rows(target, "SELECT id FROM deal ORDER BY id") == [(i,) for i in portal_ids]
    # the fake has none of these methods: each include is left out, with the portal's error code
    assert set(report.skipped) >= {"activities", "statuses", "users"}
    assert all("ERROR_METHOD_NOT_FOUND" in reason for reason in report.skipped.values())
    assert "skipped users: ERROR_METHOD_NOT_FOUND" in str(report)
    again = export(b24 := Bitrix24(fake.url), target, entities=["deal"], include=[])
    b24.close()
    assert again.entities["deal"].mode == "incremental"
    assert again.skipped == {}


def test_the_cli_warns_of_each_skipped_include(
    fake: FakePortalProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BITRIX24_WEBHOOK_URL", fake.url)
    target = f"duckdb:///{tmp_path / 'cli.duckdb'}"
    result = CliRunner().invoke(app, ["export", target, "--entity", "deal", "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert "users" in payload["skipped"]
    assert "warning: users skipped" in result.stderr
    assert fake.secret not in result.output
