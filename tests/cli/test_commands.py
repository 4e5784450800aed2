"""Every ``b24`` command with good and bad input, on the built-in demo portal (no BITRIX24_WEBHOOK_URL)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from bitrix24_toolkit.cli.portal import DEMO_BANNER
from bitrix24_toolkit.testing.emulator import Emulator

from .conftest import Invoke, assert_clean_failure

pytestmark = pytest.mark.usefixtures("fast_demo")


@pytest.fixture(scope="module")
def raw_demo() -> Emulator:
    """A demo portal to compute expected numbers from its raw rows (never through the CLI)."""
    return Emulator.demo(limits="off")


# ------------------------------------------------------------------------------------------- basics
def test_no_arguments_shows_the_commands(b24: Invoke) -> None:
    run = b24()
    assert run.code == 0
    for command in ("demo", "call", "list", "funnel", "holding", "requisites", "leads", "emulator"):
        assert command in run.stdout


def test_version(b24: Invoke) -> None:
    run = b24("--version")
    assert run.code == 0
    assert run.stdout.startswith("bitrix24-toolkit ")


def test_unknown_command_and_option_are_usage_errors(b24: Invoke) -> None:
    run = b24("frobnicate")
    assert_clean_failure(run, 2)
    assert "frobnicate" in run.stderr
    assert "b24 --help" in run.stderr
    run = b24("list", "deal", "--colour", "red")
    assert_clean_failure(run, 2)
    assert "b24 list --help" in run.stderr


def test_groups_without_a_command_show_their_commands(b24: Invoke) -> None:
    for group, command in (("holding", "set-parent"), ("requisites", "my-company"), ("leads", "convert")):
        run = b24(group)
        assert run.code == 0
        assert command in run.stdout


# --------------------------------------------------------------------------------------------- call
def test_call_prints_the_result_as_json_with_the_demo_banner_first(b24: Invoke) -> None:
    run = b24("call", "user.current")
    assert run.code == 0, run.text
    assert run.stderr.splitlines()[0] == DEMO_BANNER
    assert json.loads(run.stdout)["ID"] == "1"


def test_call_sends_php_style_parameters(b24: Invoke, raw_demo: Emulator) -> None:
    run = b24(
        "call", "crm.deal.list", "filter[STAGE_ID]=WON", "filter[CATEGORY_ID]=0", "select[]=ID", "--full"
    )
    assert run.code == 0, run.text
    answer = json.loads(run.stdout)
    won = [
        r for r in raw_demo.state.table("deal").values() if r["STAGE_ID"] == "WON" and r["CATEGORY_ID"] == 0
    ]
    assert answer["total"] == len(won)
    assert [set(row) for row in answer["result"]] == [{"ID"}] * min(50, len(won))


def test_call_writes_json_values_typed(b24: Invoke) -> None:
    run = b24("call", "crm.lead.add", "fields[TITLE]=From the terminal", "fields[OPPORTUNITY]:=5000")
    assert run.code == 0, run.text
    assert int(json.loads(run.stdout)) > 0


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["call"], 2, "Missing argument 'METHOD'"),
        (["call", "crm.deal.get", "id"], 2, "expected key=value"),
        (["call", "crm.lead.add", 'fields:={"TITLE": '], 2, "needs a JSON value"),
        (["call", "crm.deal.get", "id=999999"], 1, "Not found"),
        (["call", "crm.nothing.here"], 1, "ERROR_METHOD_NOT_FOUND"),
    ],
)
def test_call_failures(b24: Invoke, args: list[str], code: int, words: str) -> None:
    run = b24(*args)
    assert_clean_failure(run, code)
    assert words in run.stderr


# --------------------------------------------------------------------------------------------- list
def test_list_as_json_reads_every_matching_row(b24: Invoke, raw_demo: Emulator) -> None:
    run = b24("list", "deal", "--filter", "CATEGORY_ID=0", "--select", "ID,TITLE", "--format", "json")
    assert run.code == 0, run.text
    rows = json.loads(run.stdout)
    expected = sorted(i for i, r in raw_demo.state.table("deal").items() if r["CATEGORY_ID"] == 0)
    assert sorted(int(r["ID"]) for r in rows) == expected
    assert len(expected) > 50  # more than one page


def test_list_as_csv_with_operators(b24: Invoke, raw_demo: Emulator) -> None:
    run = b24("list", "lead", "-f", "@ID=1,2,3", "-s", "ID,TITLE,PHONE", "--format", "csv")
    assert run.code == 0, run.text
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    leads = raw_demo.state.table("lead")
    assert [r["ID"] for r in rows] == ["1", "2", "3"]
    assert rows[0]["TITLE"] == leads[1]["TITLE"]
    # a cell starting with "+" would run as a formula in a spreadsheet: it is written as '+7... (issue 16)
    assert rows[0]["PHONE"] == "'" + ", ".join(p["VALUE"] for p in leads[1]["PHONE"])


def test_list_as_table_and_generic_methods(b24: Invoke) -> None:
    run = b24("list", "deal", "--limit", "3", "--order", "ID:desc")
    assert run.code == 0, run.text
    assert "crm.deal.list: 3 rows" in run.stdout
    assert "pick them with --select" in run.stderr
    run = b24("list", "crm.status.list", "-f", "ENTITY_ID=STATUS", "-s", "STATUS_ID,NAME")
    assert run.code == 0, run.text
    assert "CONVERTED" in run.stdout
    assert "JUNK" in run.stdout


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["list", "deal", "--format", "xml"], 2, "'xml' is not one of"),
        (["list", "deal", "-f", "NOPE"], 2, "expected key=value"),
        (["list", "deal", "--order", "ID:sideways"], 2, "--order takes"),
        (["list", "deal", "--limit", "0"], 2, "--limit"),
        (["list", "bad name"], 2, "not an entity or method name"),
        (["list", "crm.nothing.list"], 1, "ERROR_METHOD_NOT_FOUND"),
    ],
)
def test_list_failures(b24: Invoke, args: list[str], code: int, words: str) -> None:
    run = b24(*args)
    assert_clean_failure(run, code)
    assert words in run.stderr


# ------------------------------------------------------------------------------------------- funnel
def test_funnel_table_json_and_chart(b24: Invoke, raw_demo: Emulator, tmp_path: Path) -> None:
    deals = [r for r in raw_demo.state.table("deal").values() if r["CATEGORY_ID"] == 0]
    won = sum(1 for r in deals if r["STAGE_ID"] == "WON")
    run = b24("funnel", "--format", "json")
    assert run.code == 0, run.text
    assert json.loads(run.stdout)["won"] == won
    run = b24("funnel", "--png", "chart.png")
    assert run.code == 0, run.text
    name = raw_demo.call("crm.category.get", {"entityTypeId": 2, "id": 0})[1]["result"]["category"]["name"]
    assert f"{name}: {len(deals)} deals" in run.stdout  # the title is the funnel's name
    assert (tmp_path / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_funnel_by_month_as_csv(b24: Invoke, raw_demo: Emulator) -> None:
    run = b24("funnel", "--category", "1", "--by", "month", "--format", "csv")
    assert run.code == 0, run.text
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    deals = [r for r in raw_demo.state.table("deal").values() if r["CATEGORY_ID"] == 1]
    assert sum(int(r["deals"]) for r in rows) == len(deals)


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["funnel", "--from", "2026-13-01"], 2, "--from takes a date"),
        (["funnel", "--from", "2026-05-01", "--to", "2026-01-01"], 2, "--to must be a later day"),
        (["funnel", "--by", "week"], 2, "'week' is not one of"),
        (["funnel", "--category", "99"], 1, "no such deal funnel"),
    ],
)
def test_funnel_failures(b24: Invoke, args: list[str], code: int, words: str) -> None:
    run = b24(*args)
    assert_clean_failure(run, code)
    assert words in run.stderr


# ------------------------------------------------------------------------------------------ holding
def test_holding_commands(b24: Invoke) -> None:
    run = b24("holding", "tree", "12")
    assert run.code == 0, run.text
    assert run.stdout.splitlines()[0] == "Гостиничная группа Восток (12)"
    assert "Гостевой дом Восток Листвянка (17)" in run.stdout
    assert json.loads(b24("holding", "tree", "--json").stdout)["field"] == "UF_CRM_HOLDING_PARENT"
    assert b24("holding", "ensure-field").stdout.strip() == "UF_CRM_HOLDING_PARENT"
    assert "is now a subsidiary of company 12" in b24("holding", "set-parent", "2", "12").stdout
    assert "nothing changed" in b24("holding", "set-parent", "13", "12").stdout
    assert "has no parent company now" in b24("holding", "set-parent", "13", "0").stdout


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["holding", "set-parent", "12", "17"], 2, "would close"),
        (["holding", "set-parent", "12", "99999"], 1, "parent company 99999"),
        (["holding", "set-parent", "x", "1"], 2, "'COMPANY'"),
        (["holding", "set-parent", "1"], 2, "Missing argument 'PARENT'"),
        (["holding", "tree", "99999"], 1, "company 99999"),
    ],
)
def test_holding_failures(b24: Invoke, args: list[str], code: int, words: str) -> None:
    run = b24(*args)
    assert_clean_failure(run, code)
    assert words in run.stderr


# --------------------------------------------------------------------------------------- requisites
def test_requisites_show_my_company_and_add(b24: Invoke) -> None:
    run = b24("requisites", "my-company")
    assert run.code == 0, run.text
    assert "company #1: Солнечный ветер (my company)" in run.stdout
    assert "INN 7727053079" in run.stdout
    shown = json.loads(b24("requisites", "show", "1", "--json").stdout)
    assert shown["requisites"][0]["fields"]["RQ_KPP"] == "772701001"
    run = b24(
        "requisites", "add", "2", "RQ_COMPANY_NAME=ООО Ромашка", "RQ_INN=7736050003", "RQ_KPP=773601001",
        "--bank", "NAME=Main", "--bank", "RQ_BIK=044525225", "--bank", "RQ_ACC_NUM=40702810938000012345",
    )  # fmt: skip
    assert run.code == 0, run.text
    assert run.stdout.startswith("requisite #")
    assert "added for company 2, bank details [" in run.stdout


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["requisites", "add", "2", "RQ_INN=1234567890"], 2, "wrong check digit"),
        (["requisites", "add", "2"], 2, "Missing argument"),
        (["requisites", "add", "2", "RQ_INN"], 2, "expected key=value"),
        (["requisites", "show", "99999"], 1, "Not found"),
        (["requisites", "add", "2", "RQ_INN=7736050003", "--owner", "deal"], 2, "'deal' is not one of"),
    ],
)
def test_requisites_failures(b24: Invoke, args: list[str], code: int, words: str) -> None:
    run = b24(*args)
    assert_clean_failure(run, code)
    assert words in run.stderr


# -------------------------------------------------------------------------------------------- leads
def test_leads_convert_one_and_by_filter(b24: Invoke, raw_demo: Emulator) -> None:
    run = b24("leads", "convert", "198", "--json")
    assert run.code == 0, run.text
    result = json.loads(run.stdout)
    assert result["lead_id"] == 198
    assert result["closed"] is True
    assert result["deal"]["via"] == "created"
    assert result["contact"]["id"] > 0
    assert "already converted" in b24("leads", "convert", "1").stdout  # a rerun is not a failure
    leads = raw_demo.state.table("lead")
    in_process = [i for i, r in leads.items() if r["STATUS_ID"] == "IN_PROCESS"]
    run = b24("leads", "convert", "--filter", "STATUS_ID=IN_PROCESS", "--no-deal")
    assert run.code == 0, run.text
    assert run.stdout.splitlines()[-1] == f"{len(in_process)} converted, 0 skipped, 0 failed, 0 partial"


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["leads", "convert"], 2, "either a lead id or --filter"),
        (["leads", "convert", "5", "-f", "STATUS_ID=NEW"], 2, "either a lead id or --filter"),
        (["leads", "convert", "99999"], 1, "no such lead"),
        (["leads", "convert", "3"], 1, "JUNK"),
        (["leads", "convert", "0"], 2, "LEAD"),
    ],
)
def test_leads_failures(b24: Invoke, args: list[str], code: int, words: str) -> None:
    run = b24(*args)
    assert_clean_failure(run, code)
    assert words in run.stderr


# ----------------------------------------------------------------------------------------- emulator
def test_emulator_serve_refuses_unknown_limits(b24: Invoke) -> None:
    run = b24("emulator", "serve", "--limits", "none")
    assert_clean_failure(run, 2)
    assert "'none' is not one of" in run.stderr
