"""Export targets: ``duckdb:///...`` and ``postgresql://...`` URLs, and one small database API over both.

Both dialects speak the same SQL here (``CREATE TABLE IF NOT EXISTS``, ``INSERT ... ON CONFLICT (...) DO
UPDATE``, ``ALTER TABLE ... ADD COLUMN``); SQL is written with ``?`` placeholders and turned into ``%s``
for psycopg. Rows go in as one array parameter per column, unnested by the database (``INSERT ... SELECT
UNNEST(?::BIGINT[]), ...``): a 2,500-row page is one statement of a few dozen parameters, ten times faster
than binding every value. duckdb and psycopg are imported lazily, in :func:`open_database` only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import unquote

from ...errors import InvalidInputError, short_repr
from ._locks import advisory_key, claim_file, release_file
from ._pgurl import parse_pg_url, without_secrets

__all__ = ["Database", "Target", "ident", "open_database", "parse_target"]

Dialect = Literal["duckdb", "postgresql"]
_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")
#: a URL scheme (RFC 3986), short: only such a word is ever repeated in an error
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{0,19}")
#: rows per INSERT statement
_ROWS_PER_STATEMENT = 5_000
_PIP = {
    "duckdb": 'pip install "bitrix24-toolkit[duckdb]"',
    "postgresql": 'pip install "bitrix24-toolkit[postgres]"',
}


def ident(name: str) -> str:
    """A quoted SQL identifier (lowercase letters, digits and ``_`` only: refused otherwise)."""
    if not _IDENT.match(name):
        raise InvalidInputError(f"not a safe SQL identifier: {short_repr(name)}", field="name")
    return f'"{name}"'


@dataclass(frozen=True)
class Target:
    """A parsed target URL; ``shown`` is the URL with its passwords masked (``repr`` shows only that)."""

    dialect: Dialect
    #: the DuckDB file path (``:memory:`` for tests) or the psycopg connection string (with the password)
    location: str
    shown: str
    #: the passwords in ``location`` (as written and decoded), kept out of every message
    secrets: tuple[str, ...] = field(default=(), compare=False)

    def __repr__(self) -> str:
        return f"Target({self.shown!r})"

    __str__ = __repr__


_EXAMPLES = "a URL such as 'duckdb:///crm.duckdb' or 'postgresql://user@host/db'"


def parse_target(url: object) -> Target:
    """``duckdb:///rel.duckdb``, ``duckdb:////abs.duckdb``, ``duckdb:///:memory:``, ``postgresql://...``."""
    if not isinstance(url, str) or not url.strip():
        raise InvalidInputError(f"target must be {_EXAMPLES}, not {type(url).__name__}", field="target")
    scheme, sep, rest = url.partition("://")
    if not sep or not _SCHEME.fullmatch(scheme):
        # nothing of it is repeated: it may be a key=value connection string holding a password
        why = "a key=value connection string is not taken" if "=" in url else "no scheme given"
        raise InvalidInputError(f"target must be {_EXAMPLES} ({why})", field="target")
    scheme = scheme.lower()
    if scheme == "duckdb":
        if not rest.startswith("/") or rest == "/":
            raise InvalidInputError(
                "a DuckDB target is 'duckdb:///relative/path.duckdb' or 'duckdb:////absolute/path.duckdb' "
                f"(three slashes, then the path), not {short_repr(url)}",
                field="target",
            )
        path = unquote(rest[1:])
        if "?" in path or "#" in path:
            raise InvalidInputError("a DuckDB target takes no query string", field="target")
        return Target("duckdb", path, url)
    if scheme in ("postgresql", "postgres"):
        checked = parse_pg_url(scheme, rest)
        if not checked.located:
            raise InvalidInputError(
                "a PostgreSQL target needs a host or a database: postgresql://user:password@host:5432/db",
                field="target",
            )
        return Target("postgresql", checked.location, checked.shown, checked.secrets)
    raise InvalidInputError(
        f"unknown target scheme {scheme!r}: use duckdb:///path.duckdb or postgresql://user@host/db",
        field="target",
    )


def _driver(dialect: Dialect) -> Any:
    """The DB-API module of a dialect, or ImportError naming the pip command."""
    try:
        if dialect == "duckdb":
            import duckdb

            return duckdb
        import psycopg

        return psycopg
    except ImportError as exc:
        name = "duckdb" if dialect == "duckdb" else "psycopg"
        raise ImportError(f"exporting to {dialect} needs the {name} package: {_PIP[dialect]}") from exc


def require_driver(target: Target) -> None:
    """Raise ImportError (with the pip command) now, before any request, when the driver is missing."""
    _driver(target.dialect)


class Database:
    """One open connection and the few operations the export needs (synchronous, one thread)."""

    def __init__(
        self,
        dialect: Dialect,
        connection: Any,
        schema: str | None,
        shown: str,
        *,
        closer: Callable[[], None] | None = None,
    ) -> None:
        self.dialect = dialect
        self._con = connection
        self.schema = schema
        self.shown = shown
        self._in_transaction = False
        self._types: dict[str, dict[str, str]] = {}
        #: closes the connection and releases the target's lock (run once, by :meth:`close`)
        self._closer: Callable[[], None] | None = closer or connection.close

    def __repr__(self) -> str:
        return f"<Database {self.shown}>"

    # ------------------------------------------------------------------------------------- basics
    def table(self, name: str) -> str:
        """A table's qualified, quoted name."""
        return f"{ident(self.schema)}.{ident(name)}" if self.schema else ident(name)

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.dialect == "postgresql" else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run one statement."""
        if sql.startswith(("CREATE", "ALTER", "DROP")):
            self._types.clear()
        self._con.execute(self._sql(sql), list(params))

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run a query; all its rows."""
        cursor = self._con.execute(self._sql(sql), list(params))
        return [tuple(row) for row in cursor.fetchall()]

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """The first column of the first row (``None`` when there is none)."""
        found = self.rows(sql, params)
        return found[0][0] if found else None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction: committed at the end of the block, rolled back on any error."""
        if self._in_transaction:
            yield
            return
        self._con.execute("BEGIN")
        self._in_transaction = True
        try:
            yield
        except BaseException:
            self._in_transaction = False
            self._con.execute("ROLLBACK")
            raise
        self._in_transaction = False
        self._con.execute("COMMIT")

    def close(self) -> None:
        """Close the connection and release the target's lock (a second call does nothing)."""
        closer, self._closer = self._closer, None
        if closer is not None:
            closer()

    # ------------------------------------------------------------------------------------- schema
    def columns(self, table: str) -> dict[str, str]:
        """The columns of a table and their SQL types (empty when it does not exist)."""
        schema = self.schema or ("main" if self.dialect == "duckdb" else None)
        if schema is None:
            found = self.rows(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = ? AND table_schema = current_schema() ORDER BY ordinal_position",
                [table],
            )
        else:
            found = self.rows(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = ? AND table_schema = ? ORDER BY ordinal_position",
                [table, schema],
            )
        return {str(name): str(kind) for name, kind in found}

    def ensure_schema(self) -> None:
        """``CREATE SCHEMA IF NOT EXISTS`` for ``schema=``."""
        if self.schema:
            self.execute(f"CREATE SCHEMA IF NOT EXISTS {ident(self.schema)}")

    def index(self, table: str, columns: Sequence[str]) -> None:
        """``CREATE INDEX IF NOT EXISTS`` on these columns."""
        name = f"ix_{table}_{'_'.join(columns)}"[:60]
        cols = ", ".join(ident(c) for c in columns)
        self.execute(f"CREATE INDEX IF NOT EXISTS {ident(name)} ON {self.table(table)} ({cols})")

    # -------------------------------------------------------------------------------------- writes
    def upsert(
        self, table: str, columns: Sequence[str], key: Sequence[str], rows: Iterable[Sequence[Any]]
    ) -> int:
        """Insert rows or update them by ``key`` (``INSERT ... SELECT UNNEST(...) ON CONFLICT DO UPDATE``);
        the last row of a key wins when a key repeats. Returns the number of rows written."""
        at = [columns.index(k) for k in key]
        unique: dict[tuple[Any, ...], Sequence[Any]] = {}
        for row in rows:
            unique[tuple(row[i] for i in at)] = row
        if not unique:
            return 0
        cols = ", ".join(ident(c) for c in columns)
        keys = ", ".join(ident(k) for k in key)
        rest = [c for c in columns if c not in key]
        action = (
            "DO UPDATE SET " + ", ".join(f"{ident(c)} = EXCLUDED.{ident(c)}" for c in rest)
            if rest
            else "DO NOTHING"
        )
        types = self._types.get(table)
        if types is None:
            types = self._types[table] = self.columns(table)
        arrays = [f"?::{types[c]}[]" for c in columns]
        if self.dialect == "duckdb":
            source = "SELECT " + ", ".join(f"UNNEST({a})" for a in arrays)
        else:
            source = f"SELECT * FROM unnest({', '.join(arrays)})"
        sql = f"INSERT INTO {self.table(table)} ({cols}) {source} ON CONFLICT ({keys}) {action}"
        values = list(unique.values())
        for start in range(0, len(values), _ROWS_PER_STATEMENT):
            part = values[start : start + _ROWS_PER_STATEMENT]
            self.execute(sql, [[row[i] for row in part] for i in range(len(columns))])
        return len(values)

    def delete_in(self, table: str, column: str, values: Sequence[Any], **where: Any) -> None:
        """``DELETE FROM table WHERE column IN (...)`` (and ``where`` equalities), in chunks."""
        extra = "".join(f" AND {ident(name)} = ?" for name in where)
        for start in range(0, len(values), 1000):
            part = list(values[start : start + 1000])
            if not part:
                continue
            marks = ", ".join("?" for _ in part)
            self.execute(
                f"DELETE FROM {self.table(table)} WHERE {ident(column)} IN ({marks}){extra}",
                [*part, *where.values()],
            )


def _open_duckdb(module: Any, target: Target, schema: str | None) -> Database:
    key = claim_file(target.location, target.shown)
    try:
        connection = module.connect(target.location)
    except BaseException as exc:
        release_file(key)
        if not isinstance(exc, Exception):
            raise
        text = " ".join(str(exc).split())
        if re.search(r"(?i)could not set lock|conflicting lock", text):
            message = (
                f"another process has the DuckDB file of {target.shown} open (an export still running?) and "
                f"holds its lock: wait for it to finish ({text})"
            )
        else:
            message = f"cannot open the DuckDB file of {target.shown}: {text}"
        failure = InvalidInputError(message, field="target")
    else:

        def close() -> None:
            try:
                connection.close()
            finally:
                release_file(key)

        return Database("duckdb", connection, schema, target.shown, closer=close)
    raise failure from None  # raised here, outside the handler: nothing of the driver's error is chained


def _open_postgresql(module: Any, target: Target, schema: str | None) -> Database:
    try:
        connection = module.connect(target.location, autocommit=True)
    except Exception as exc:  # libpq may quote the connection string: see without_secrets
        failure = InvalidInputError(
            f"cannot connect to {target.shown}: {without_secrets(str(exc), target.secrets)}", field="target"
        )
    else:
        return _locked(Database("postgresql", connection, schema, target.shown), connection)
    raise failure from None


def _locked(database: Database, connection: Any) -> Database:
    """Take the session's advisory lock on the export's schema, or close and refuse."""
    try:
        name = database.schema or database.scalar("SELECT current_schema()") or ""
        key = advisory_key(str(name))
        taken = database.scalar("SELECT pg_try_advisory_lock(?)", [key])
    except BaseException:
        connection.close()
        raise
    if not taken:
        connection.close()
        raise InvalidInputError(
            f"another export into schema {name!r} of {database.shown} is running (it holds the advisory "
            "lock of that schema): wait for it to finish",
            field="target",
        )

    def close() -> None:
        try:
            with suppress(Exception):  # a broken connection: closing it ends the session and its lock
                connection.execute("SELECT pg_advisory_unlock(%s)", [key])
        finally:
            connection.close()

    database._closer = close
    return database


def open_database(target: Target, schema: str | None = None) -> Database:
    """Connect to the target (a DuckDB file is created when missing) and lock it for one export: a second
    export into the same DuckDB file (this process or another) or the same PostgreSQL schema is refused
    with InvalidInputError until :meth:`Database.close`."""
    module = _driver(target.dialect)
    if target.dialect == "duckdb":
        database = _open_duckdb(module, target, schema)
    else:
        database = _open_postgresql(module, target, schema)
    try:
        database.ensure_schema()
    except BaseException:
        database.close()
        raise
    return database
