"""Fixtures of the export tests: a real PostgreSQL server (one per session, a fresh database per test) and
``target_url``, the same test against an embedded DuckDB file and against PostgreSQL.

Without PostgreSQL binaries the PostgreSQL tests skip, saying why; ``B24_REQUIRE_POSTGRES=1`` (set by
``.ci/run``) makes them fail instead, so CI never passes by skipping them.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from bitrix24_toolkit.testing.postgres_server import postgres_binaries, running_postgres

__all__ = ["pg_server", "pg_url", "target_url"]


def _unavailable(reason: str) -> None:
    """Skip, or fail when the environment requires PostgreSQL (CI)."""
    if os.environ.get("B24_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"B24_REQUIRE_POSTGRES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A PostgreSQL server on loopback for the whole session: its URL (the ``postgres`` database)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable('psycopg is not installed: pip install -e ".[test]"')
    binaries = postgres_binaries()
    if binaries is None:
        _unavailable("no PostgreSQL server binaries (initdb, postgres): apt-get install postgresql")
    assert binaries is not None
    with running_postgres(binaries) as url:
        yield url


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A fresh, empty database of the session's server for one test (dropped after it): its URL."""
    import psycopg

    name = f"t_{secrets.token_hex(6)}"
    with psycopg.connect(pg_server, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name} TEMPLATE template0")
    try:
        yield _with_database(pg_server, name)
    finally:
        with psycopg.connect(pg_server, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=["duckdb", "postgresql"])
def target_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An export target: a DuckDB file in ``tmp_path`` (``duckdb:////abs/path``) or a fresh PostgreSQL
    database."""
    if request.param == "duckdb":
        return "duckdb:///" + str(tmp_path / "export.duckdb")
    return str(request.getfixturevalue("pg_url"))
