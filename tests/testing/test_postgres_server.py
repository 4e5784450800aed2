"""``running_postgres``: a real PostgreSQL server on loopback that needs its password and leaves nothing."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bitrix24_toolkit.testing.postgres_server import local_postgres, postgres_binaries, running_postgres

psycopg = pytest.importorskip("psycopg", reason='psycopg is not installed: pip install -e ".[test]"')


@pytest.fixture(scope="module")
def binaries() -> object:
    found = postgres_binaries()
    if found is None:
        reason = "no PostgreSQL server binaries (initdb, postgres): apt-get install postgresql"
        if os.environ.get("B24_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"B24_REQUIRE_POSTGRES=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    return found


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _folders() -> set[Path]:
    return {
        p for base in {Path("/tmp"), Path(os.environ.get("TMPDIR", "/tmp"))} for p in base.glob("b24-pg-*")
    }


def test_binaries_are_the_server_programs(binaries: object) -> None:
    found = postgres_binaries()
    assert found is not None
    for path in (found.initdb, found.pg_ctl, found.postgres):
        assert os.access(path, os.X_OK), path
        assert Path(path).name in ("initdb", "pg_ctl", "postgres")


def test_server_takes_the_password_refuses_a_wrong_one_and_is_gone_after(binaries: object) -> None:
    before = _folders()
    with running_postgres(password="s3cret-Pass_word") as url:
        parts = urlsplit(url)
        assert parts.scheme == "postgresql"
        assert parts.hostname == "127.0.0.1"
        assert parts.username == "b24"
        assert parts.password == "s3cret-Pass_word"
        port = parts.port
        assert port is not None
        assert _port_open(port)
        (folder,) = _folders() - before
        with psycopg.connect(url, connect_timeout=5) as conn:
            user, fsync, sync_commit = conn.execute(
                "SELECT current_user, current_setting('fsync'), current_setting('synchronous_commit')"
            ).fetchone()
            assert (user, fsync, sync_commit) == ("b24", "off", "off")
            conn.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, at TIMESTAMPTZ)")
            conn.execute("INSERT INTO t VALUES (1, '2024-05-23T18:18:25+03:00')")
            hour = conn.execute("SELECT extract(hour FROM at AT TIME ZONE 'UTC') FROM t").fetchone()
            assert hour is not None
            assert int(hour[0]) == 15
        wrong = url.replace("s3cret-Pass_word", "wrong-password")
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            psycopg.connect(wrong, connect_timeout=5)
        no_password = url.replace(":s3cret-Pass_word@", "@")
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(no_password, connect_timeout=5)
        assert folder.is_dir()
    assert not _port_open(port)
    assert not folder.exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url, connect_timeout=2)


def test_a_failing_block_still_stops_and_removes_the_server(binaries: object) -> None:
    before = _folders()
    seen: list[int] = []

    def interrupted_test() -> None:
        with running_postgres() as url:
            seen.append(urlsplit(url).port or 0)
            assert _port_open(seen[0])
            raise KeyboardInterrupt  # what Ctrl-C raises in the middle of a test

    with pytest.raises(KeyboardInterrupt):
        interrupted_test()
    (port,) = seen
    assert port
    assert not _port_open(port)
    assert _folders() - before == set()


def test_each_server_gets_its_own_generated_password(binaries: object) -> None:
    with running_postgres() as first, running_postgres() as second:
        a, b = urlsplit(first), urlsplit(second)
        assert a.port != b.port
        assert a.password
        assert b.password
        assert a.password != b.password
        assert len(a.password) >= 16
        with psycopg.connect(first) as one, psycopg.connect(second) as two:
            one.execute("CREATE TABLE only_here (x INT)")
            seen = two.execute("SELECT count(*) FROM pg_tables WHERE tablename = 'only_here'").fetchone()
            assert seen == (0,)


def test_local_postgres_prefers_postgres_url(monkeypatch: pytest.MonkeyPatch, binaries: object) -> None:
    monkeypatch.setenv("POSTGRES_URL", "postgresql://someone@db.example:5432/reports")
    with local_postgres() as url:
        assert url == "postgresql://someone@db.example:5432/reports"
    monkeypatch.delenv("POSTGRES_URL")
    with local_postgres() as url:
        assert url is not None
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)


def test_an_unusable_role_name_is_refused_before_anything_starts(binaries: object) -> None:
    before = _folders()
    with pytest.raises(ValueError, match="plain lowercase"), running_postgres(role="Robert'); DROP"):
        pass
    assert _folders() - before == set()


@pytest.mark.skipif(os.geteuid() != 0, reason="the server runs as another user only under root")
def test_under_root_without_a_postgres_user_the_server_runs_as_nobody(
    monkeypatch: pytest.MonkeyPatch, binaries: object
) -> None:
    import pwd

    from bitrix24_toolkit.testing import postgres_server

    real = pwd.getpwnam

    def no_postgres(name: str) -> pwd.struct_passwd:
        if name == "postgres":
            raise KeyError(name)
        return real(name)

    monkeypatch.setattr(postgres_server.pwd, "getpwnam", no_postgres)
    with running_postgres() as url, psycopg.connect(url) as conn:
        data = conn.execute("SELECT current_setting('data_directory')").fetchone()
        assert data is not None
        assert Path(data[0]).stat().st_uid == real("nobody").pw_uid
    monkeypatch.undo()
    try:
        postgres_uid = real("postgres").pw_uid
    except KeyError:
        return  # binaries found on PATH of a system without that user: it ran as nobody above
    with running_postgres() as url, psycopg.connect(url) as conn:  # Debian's postgres user when it exists
        data = conn.execute("SELECT current_setting('data_directory')").fetchone()
        assert data is not None
        assert Path(data[0]).stat().st_uid == postgres_uid
