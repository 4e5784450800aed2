"""Export targets: ``duckdb:///...`` and ``postgresql://...`` URLs, and one small database API over both.

Both dialects speak the same SQL here (``CREATE TABLE IF NOT EXISTS``, ``INSERT ... ON CONFLICT (...) DO
UPDATE``, ``ALTER TABLE ... ADD COLUMN``); SQL is written with ``?`` placeholders and turned into ``%s``
for psycopg. Rows go in as one array parameter per column, unnested by the database (``INSERT ... SELECT
UNNEST(?::BIGINT[]), ...``): a 2,500-row page is one statement of a few dozen parameters, ten times faster
than binding every value. duckdb and psycopg are imported lazily, in :func:`open_database` only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import unquote, urlsplit, urlunsplit

from ...errors import InvalidInputError, short_repr

__all__ = ["Database", "Target", "ident", "open_database", "parse_target"]

Dialect = Literal["duckdb", "postgresql"]
_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")
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
    """A parsed target URL; ``shown`` is the URL with its password masked (``repr`` shows only that)."""

    dialect: Dialect
    #: the DuckDB file path (``:memory:`` for tests) or the psycopg connection string (with the password)
    location: str
    shown: str

    def __repr__(self) -> str:
        return f"Target({self.shown!r})"

    __str__ = __repr__


def _masked(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def parse_target(url: object) -> Target:
    """``duckdb:///rel.duckdb``, ``duckdb:////abs.duckdb``, ``duckdb:///:memory:``, ``postgresql://...``."""
    if not isinstance(url, str) or not url.strip():
        raise InvalidInputError(
            "target must be a URL such as 'duckdb:///crm.duckdb' or 'postgresql://user@host/db', "
            f"not {type(url).__name__}",
            field="target",
        )
    scheme, sep, rest = url.partition("://")
    scheme = scheme.lower()
    if not sep:
        raise InvalidInputError(
            "target must be a URL such as 'duckdb:///crm.duckdb' or 'postgresql://user@host/db' "
            "(no scheme given)",
            field="target",
        )
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
        shown = _masked(url)
        try:
            parts = urlsplit(url)
            _ = parts.port  # a bad port raises ValueError
        except ValueError:
            raise InvalidInputError(f"not a valid PostgreSQL URL: {shown}", field="target") from None
        if not parts.hostname and not parts.path.strip("/") and "host=" not in parts.query:
            raise InvalidInputError(
                f"a PostgreSQL target needs a host or a database: postgresql://user:password@host:5432/db, "
                f"not {shown}",
                field="target",
            )
        return Target("postgresql", url, shown)
    raise InvalidInputError(
        f"unknown target scheme {scheme[:20]!r}: use duckdb:///path.duckdb or postgresql://user@host/db",
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

    def __init__(self, dialect: Dialect, connection: Any, schema: str | None, shown: str) -> None:
        self.dialect = dialect
        self._con = connection
        self.schema = schema
        self.shown = shown
        self._in_transaction = False
        self._types: dict[str, dict[str, str]] = {}

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
        """Close the connection."""
        self._con.close()

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


def open_database(target: Target, schema: str | None = None) -> Database:
    """Connect to the target (a DuckDB file is created when missing)."""
    module = _driver(target.dialect)
    if target.dialect == "duckdb":
        try:
            connection = module.connect(target.location)
        except Exception as exc:
            raise InvalidInputError(
                f"cannot open the DuckDB file of {target.shown}: {exc}", field="target"
            ) from None
    else:
        try:
            connection = module.connect(target.location, autocommit=True)
        except Exception as exc:
            text = str(exc)
            parts = urlsplit(target.location)
            if parts.password:
                text = text.replace(parts.password, "***").replace(unquote(parts.password), "***")
            raise InvalidInputError(f"cannot connect to {target.shown}: {text}", field="target") from None
    database = Database(target.dialect, connection, schema, target.shown)
    database.ensure_schema()
    return database
