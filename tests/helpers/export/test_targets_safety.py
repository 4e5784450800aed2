"""Export targets: no password in any text (URLs read the way libpq reads them, fuzzed), malformed URLs
refused as InvalidInputError, and one export at a time per DuckDB file / PostgreSQL schema."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg.conninfo import conninfo_to_dict
from typer.testing import CliRunner

from bitrix24_toolkit.cli import app
from bitrix24_toolkit.errors import InvalidInputError
from bitrix24_toolkit.helpers import export
from bitrix24_toolkit.helpers.db_export._targets import Database, Target, open_database, parse_target
from bitrix24_toolkit.testing import Emulator

from ._support import db_rows

SECRET = "Qz9SecretPw"
FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
#: pieces that meet the corners of the URL grammar (credentials, hosts, ports, escapes, parameters)
_PIECES = st.sampled_from(
    [
        *("@", ":", "/", "?", "#", "%", "%40", "%2F", "%zz", "%00", "[", "]", "[::1]", ","),
        *("=", "&", " ", "\n", "password=", "host=", "user=", "5432", "99999", "0", "db", "bob", "h"),
        *("%77", "pass%77ord="),
    ]
)
_URLISH = st.lists(st.one_of(_PIECES, st.text(max_size=3)), max_size=12).map("".join)


def _refused(url: str) -> InvalidInputError:
    with pytest.raises(InvalidInputError) as caught:
        parse_target(url)
    return caught.value


# ------------------------------------------------------------------------------------ passwords
@pytest.mark.parametrize(
    ("url", "why"),
    [
        (f"postgresql://bob:{SECRET}?x@127.0.0.1:1/db", "%3F"),
        (f"postgresql://bob:x@{SECRET}@127.0.0.1:1/db", "%40"),
        (f"postgresql://bob:x@{SECRET}#y@127.0.0.1:1/db", "%23"),
        (f"postgresql://127.0.0.1:1/db?password={SECRET}#frag", "%23"),
        (f"postgresql://bob:{SECRET}/x@127.0.0.1:1/db", "port"),  # libpq: host bob, port Qz9...
        (f"postgresql://bob:12/{SECRET}@127.0.0.1:1/db", "%2F"),  # libpq: port 12, dbname Qz9...@...
        (f"postgresql://bob:{SECRET}%zz@127.0.0.1:1/db", "%40"),  # libpq quotes the bad escape
        (f"postgresql://bob:{SECRET}%00@127.0.0.1:1/db", "%00"),
        (f"postgresql://bob:{SECRET} x@127.0.0.1:1/db", "%20"),
        (f"postgresql://127.0.0.1:1/db?password={SECRET}=x", "%3D"),
        (f"postgresql://bob:{SECRET}@host:99999/db", "1 to 65535"),
        (f"postgresql://bob:{SECRET}@host:abc/db", "1 to 65535"),
        (f"postgresql://bob:{SECRET}@host:0/db", "1 to 65535"),
        (f"postgresql://bob:{SECRET}@[::1/db", "']'"),
        (f"postgresql://bob:{SECRET}@[::1]x/db", ":port"),
        (f"postgresql://bob:{SECRET}@[nothex]/db", "IPv6"),
        (f"host=127.0.0.1 password={SECRET}", "key=value"),
        (f"host=127.0.0.1 password={SECRET}://x", "key=value"),
        (f"password={SECRET}@x://h/db", "key=value"),
    ],
)
def test_an_ambiguous_or_malformed_url_is_refused_without_repeating_it(url: str, why: str) -> None:
    error = _refused(url)
    assert error.field == "target"
    assert why in str(error)
    for text in (str(error), repr(error), repr(error.args)):
        assert SECRET not in text
    assert error.__cause__ is None


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (f"postgresql://bob:{SECRET}@h:5432/db", "postgresql://bob:***@h:5432/db"),
        (f"POSTGRES://bob:{SECRET}%40x%3F@h/db", "postgres://bob:***@h/db"),
        (f"postgresql://h/db?user=bob&password={SECRET}", "postgresql://h/db?user=bob&password=***"),
        (
            f"postgresql://h/db?pass%77ord={SECRET}&sslmode=disable",
            "postgresql://h/db?pass%77ord=***&sslmode=disable",
        ),
        (f"postgresql://h/?password={SECRET}@x", "postgresql://h/?password=***"),  # '@' after a '/'
        (
            f"postgresql://u:{SECRET}@[::1]:5432,h2:7/db?password={SECRET}2&application_name=a%20b",
            "postgresql://u:***@[::1]:5432,h2:7/db?password=***&application_name=a%20b",
        ),
        ("postgresql://bob@h/db?sslmode=require", "postgresql://bob@h/db?sslmode=require"),
        ("postgresql:///crm", "postgresql:///crm"),
        ("postgresql://?host=%2Ftmp", "postgresql://?host=%2Ftmp"),
    ],
)
def test_every_password_is_masked_and_the_url_means_the_same_to_libpq(url: str, shown: str) -> None:
    target = parse_target(url)
    assert target.shown == shown
    assert SECRET not in repr(target)
    assert SECRET not in str(target)
    _assert_same_to_libpq(target)


def _assert_same_to_libpq(target: Target) -> None:
    """libpq reads ``shown`` as ``location`` with '***' for each password; urllib finds the same one."""
    try:
        real = conninfo_to_dict(target.location)
    except psycopg.Error:
        return  # libpq refuses it (an unknown parameter, ...): the connection error is redacted then
    seen = conninfo_to_dict(target.shown)
    password = real.pop("password", "")
    assert seen.pop("password", "") == ("***" if password else "")
    assert seen == real
    if password:
        assert password in target.secrets
    try:
        split = urlsplit(target.location).password
    except ValueError:
        return
    if split and "password=" not in target.location:
        assert unquote(split) == password


def _target_or_error(url: str) -> Target | InvalidInputError:
    """parse_target's answer: a Target or the InvalidInputError (any other exception fails the test)."""
    try:
        return parse_target(url)
    except InvalidInputError as error:
        return error


@FUZZ
@given(
    st.one_of(st.text(), _URLISH, _URLISH.map("postgresql://".__add__), _URLISH.map("postgres://".__add__))
)
def test_any_text_gives_a_target_or_invalid_input(url: str) -> None:
    target = _target_or_error(url)
    if isinstance(target, InvalidInputError):
        assert target.field == "target"
        return
    assert isinstance(target.shown, str)
    if target.dialect == "postgresql":
        _assert_same_to_libpq(target)


@FUZZ
@given(
    user=st.text("abc_.-%41", max_size=4),
    password=_URLISH,
    rest=_URLISH,
    place=st.sampled_from(["userinfo", "query", "query-after"]),
)
def test_a_password_never_shows_whatever_it_holds(user: str, password: str, rest: str, place: str) -> None:
    if place == "userinfo":
        url = f"postgresql://{user}:{SECRET}{password}@{rest}"
    elif place == "query":
        url = f"postgresql://{user}/db?password={SECRET}{password}"
    else:
        url = f"postgresql://h/{user}?sslmode=disable&password={SECRET}{password}&{rest}"
    target = _target_or_error(url)
    if isinstance(target, InvalidInputError):
        assert SECRET not in str(target)
        assert SECRET not in repr(target)
        return
    assert SECRET not in target.shown
    assert SECRET not in repr(target)
    assert any(SECRET in secret for secret in target.secrets)


def test_a_driver_message_that_quotes_the_password_is_left_out() -> None:
    # a location parse_target would refuse, given straight: libpq's message quotes the whole token
    location = f"postgresql://bob:{SECRET}%zz@127.0.0.1:1/db"
    with pytest.raises(psycopg.ProgrammingError, match=SECRET):
        conninfo_to_dict(location)
    target = Target("postgresql", location, "postgresql://bob:***@127.0.0.1:1/db", (f"{SECRET}%zz",))
    with pytest.raises(InvalidInputError, match="left out") as caught:
        open_database(target)
    assert SECRET not in str(caught.value)
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


def test_a_wrong_password_and_an_unknown_parameter_fail_clearly(pg_url: str) -> None:
    parts = urlsplit(pg_url)
    wrong = f"postgresql://{parts.username}:{SECRET}@{parts.hostname}:{parts.port}{parts.path}"
    emu = Emulator.demo()
    with pytest.raises(InvalidInputError, match="password authentication failed") as caught:
        export(emu.client(), wrong, entities=["deal"], include=[])
    assert SECRET not in str(caught.value)
    assert "***" in str(caught.value)
    with pytest.raises(InvalidInputError, match="invalid URI query parameter") as caught:
        export(emu.client(), f"{pg_url}?password={SECRET}&nosuch=1", entities=["deal"], include=[])
    assert SECRET not in str(caught.value)
    assert emu.stats.requests == 0


def test_no_password_in_the_logs_the_report_or_the_cli(
    pg_url: str, caplog: pytest.LogCaptureFixture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parts = urlsplit(pg_url)
    password = unquote(parts.password or "")
    assert password
    url = f"postgresql://{parts.hostname}:{parts.port}{parts.path}?user={parts.username}&password={password}"
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="psycopg")  # psycopg keeps its own logger at WARNING
    with pytest.raises(InvalidInputError):
        export(Emulator.demo().client(), url.replace(f":{parts.port}/", ":1/"), entities=["deal"], include=[])
    report = export(Emulator.demo().client(), url, entities=["deal"], include=[])
    assert "psycopg" in caplog.text  # the driver's debug lines were captured, without the password
    assert password not in caplog.text
    assert report.target.endswith("password=***")
    assert password not in str(report) + repr(report)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BITRIX24_WEBHOOK_URL", raising=False)
    runner = CliRunner()
    for args, code in (([url, "-e", "deal", "-i", "statuses"], 0), ([f"{url}#x", "-e", "deal"], 2)):
        run = runner.invoke(app, ["export", *args], env={"COLUMNS": "200"})
        assert run.exit_code == code, run.stdout + run.stderr
        assert password not in run.stdout + run.stderr
        assert "Traceback" not in run.stdout + run.stderr
    assert db_rows(pg_url, "SELECT COUNT(*) FROM deal") == [(163,)]


# ---------------------------------------------------------------------------------- one at a time
def test_a_second_export_of_this_process_into_the_same_file_is_refused_at_once(tmp_path: Path) -> None:
    os.symlink(tmp_path, tmp_path / "link")
    first = open_database(parse_target(f"duckdb:///{tmp_path}/crm.duckdb"))
    emu = Emulator.demo()
    for other in (f"duckdb:///{tmp_path}/crm.duckdb", f"duckdb:///{tmp_path}/link/./crm.duckdb"):
        with pytest.raises(InvalidInputError, match=r"another export into .* running in this process"):
            export(emu.client(), other, entities=["deal"], include=[])
    assert emu.stats.requests == 0
    open_database(parse_target(f"duckdb:///{tmp_path}/other.duckdb")).close()  # another file: free
    memory = [open_database(parse_target("duckdb:///:memory:")) for _ in range(2)]  # never shared
    first.close()
    first.close()  # twice: nothing more
    export(emu.client(), f"duckdb:///{tmp_path}/link/crm.duckdb", entities=["deal"], include=[])
    for db in memory:
        db.close()


def test_the_lock_is_released_when_an_export_or_an_open_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = f"duckdb:///{tmp_path}/crm.duckdb"
    emu = Emulator.demo()

    def broken(self: Database, table: str, *args: Any, **kwargs: Any) -> int:
        raise RuntimeError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr(Database, "upsert", broken)
        with pytest.raises(RuntimeError, match="disk full"):
            export(emu.client(), target, entities=["deal"], include=[])
    missing = f"duckdb:///{tmp_path}/later/crm.duckdb"
    with pytest.raises(InvalidInputError, match="cannot open the DuckDB file"):
        export(emu.client(), missing, entities=["deal"], include=[])
    (tmp_path / "later").mkdir()
    for url in (target, missing):
        report = export(emu.client(), url, entities=["deal"], include=[])
        assert report.entities["deal"].written == 163


async def test_two_exports_in_one_event_loop_into_one_file(tmp_path: Path) -> None:
    target = f"duckdb:///{tmp_path}/crm.duckdb"
    emu = Emulator.demo()
    async with emu.async_client() as ab24:
        done = await asyncio.gather(
            export(ab24, target, entities=["deal"], include=[]),
            export(ab24, target, entities=["deal"], include=[]),
            return_exceptions=True,
        )
    refused = [r for r in done if isinstance(r, InvalidInputError)]
    assert len(refused) == 1, done
    assert "running in this process" in str(refused[0])
    assert db_rows(target, "SELECT COUNT(*), COUNT(DISTINCT id) FROM deal") == [(163, 163)]


def test_another_process_holding_the_file_gets_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "crm.duckdb"
    code = f"import duckdb, sys; c = duckdb.connect({str(path)!r}); print(1, flush=True); sys.stdin.read()"
    with subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as holder:
        assert holder.stdin is not None
        assert holder.stdout is not None
        assert holder.stdout.readline() == "1\n"
        emu = Emulator.demo()
        with pytest.raises(InvalidInputError, match=r"another process .* holds its lock") as caught:
            export(emu.client(), f"duckdb:///{path}", entities=["deal"], include=[])
        assert caught.value.__cause__ is None
        assert caught.value.__context__ is None
        assert emu.stats.requests == 0
        monkeypatch.chdir(tmp_path)
        monkeypatch.delenv("BITRIX24_WEBHOOK_URL", raising=False)
        run = CliRunner().invoke(
            app, ["export", "duckdb:///crm.duckdb", "-e", "deal"], env={"COLUMNS": "200"}
        )
        holder.stdin.close()  # the holder ends, and its lock with it
        assert run.exit_code == 2
        assert "another process" in run.stderr
        assert "Traceback" not in run.stdout + run.stderr
    export(Emulator.demo().client(), f"duckdb:///{path}", entities=["deal"], include=[])


def _advisory_locks(pg_url: str) -> int:
    rows = db_rows(
        pg_url,
        "SELECT COUNT(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
        "WHERE l.locktype = 'advisory' AND l.granted AND d.datname = current_database()",
    )
    return int(rows[0][0])


def test_two_exports_into_one_postgresql_schema_are_one_at_a_time(pg_url: str) -> None:
    target = parse_target(pg_url)
    crm = open_database(target, "crm")
    assert _advisory_locks(pg_url) == 1
    with pytest.raises(InvalidInputError, match="another export into schema 'crm'"):
        open_database(target, "crm")
    other = open_database(target, "other")  # another schema: its own lock
    public = open_database(target)  # no schema: the connection's current schema, public
    assert _advisory_locks(pg_url) == 3
    emu = Emulator.demo()
    with pytest.raises(InvalidInputError, match="another export into schema 'public'"):
        export(emu.client(), pg_url, entities=["deal"], include=[])
    assert emu.stats.requests == 0
    for db in (crm, other, public):
        db.close()
    assert _advisory_locks(pg_url) == 0
    export(emu.client(), pg_url, entities=["deal"], include=[], schema="crm")
    assert _advisory_locks(pg_url) == 0


def test_a_lost_postgresql_session_frees_the_schema(pg_url: str) -> None:
    target = parse_target(pg_url)
    held = open_database(target, "crm")
    pid = held.scalar("SELECT pg_backend_pid()")
    db_rows(pg_url, f"SELECT pg_terminate_backend({int(pid)})")
    held.close()  # the unlock fails on the dead connection: closing it is enough
    again = open_database(target, "crm")
    again.close()


def test_threads_racing_for_one_file_get_one_open_at_a_time(tmp_path: Path) -> None:
    target = parse_target(f"duckdb:///{tmp_path}/crm.duckdb")
    opened: list[Database] = []
    refused: list[InvalidInputError] = []
    start = threading.Barrier(8)

    def attempt() -> None:
        start.wait()
        try:
            opened.append(open_database(target))
        except InvalidInputError as error:
            refused.append(error)

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert (len(opened), len(refused)) == (1, 7)
    opened[0].close()
    open_database(target).close()
