"""Funnel reports on the exported database: the numbers of :func:`~..funnel.funnel_snapshot` and
:func:`~..funnel.lead_funnel`, computed with SQL ``GROUP BY`` on the tables :func:`export` wrote.

No portal and no request: the stage directories come from ``status`` (``DEAL_STAGE`` / ``DEAL_STAGE_<n>``,
``STATUS``, ``SOURCE``), the funnel's name from ``category``, the deals and leads from ``deal`` / ``lead``.
The filters are those of the live helpers, built by the same code (``_deal_filter``) and translated to SQL
with the portal's comparison rules: ``period`` on ``DATE_CREATE`` (end excluded; a date or a naive datetime
is the portal's local time), ``responsible`` ids, ``source`` codes (compared caselessly, ``""`` = none).

The SQL is the subset DuckDB and PostgreSQL both accept; only the placeholders differ (``?`` / ``%s``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ...errors import InvalidInputError
from ...services.common import check_filter_value
from ...services.directory import deal_stage_directory, ensure_category_id
from ..funnel._funnel import Codes, Ids, _deal_filter
from ..funnel._report import FunnelSnapshot, LeadFunnel, Stage
from ..funnel._stats import LeadTally, Period, StageTally, lead_stats_of, snapshot_of
from ._pgurl import without_secrets
from ._state import OFFSET_KEY as _OFFSET_KEY
from ._targets import _driver, ident, parse_target

__all__ = ["db_funnel_snapshot", "db_lead_funnel"]

_SCHEMA = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_OFFSET = re.compile(r"^([+-])(\d{2}):?(\d{2})$")
_DATE_FIELD = "DATE_CREATE"
#: ``semantics`` as stored (``SEMANTICS``, or ``EXTRA.SEMANTICS`` words): success, failure, else in progress
_KINDS = {"S": "S", "SUCCESS": "S", "F": "F", "FAILURE": "F", "APOLOGY": "F"}


def parse_tz(value: dt.tzinfo | str | None) -> dt.tzinfo | None:
    """``tz=`` as a timezone: a ``tzinfo``, an offset ``"+03:00"``, an IANA name ``"Europe/Moscow"``."""
    if value is None or isinstance(value, dt.tzinfo):
        return value
    if isinstance(value, str):
        text = value.strip()
        if text.upper() in ("Z", "UTC"):
            return dt.UTC
        match = _OFFSET.match(text)
        if match:
            sign, hours, minutes = match.groups()
            delta = dt.timedelta(hours=int(hours), minutes=int(minutes))
            if delta < dt.timedelta(hours=24):
                return dt.timezone(-delta if sign == "-" else delta)
        else:
            try:
                return ZoneInfo(text)
            except (ZoneInfoNotFoundError, ValueError, OSError):
                pass
    raise InvalidInputError(
        f"tz must be a tzinfo, an offset such as '+03:00' or a zone name such as 'Europe/Moscow', "
        f"not {value!r}"[:200],
        field="tz",
    )


class Db:
    """An open export database: its dialect, schema, and read queries with ``?`` placeholders."""

    def __init__(self, conn: Any, dialect: str, schema: str | None, shown: str) -> None:
        self.conn, self.dialect, self.schema, self.shown = conn, dialect, schema, shown
        self._tables: set[str] | None = None

    def table(self, name: str) -> str:
        """A table's quoted name, qualified with the schema when there is one."""
        return f"{ident(self.schema)}.{ident(name)}" if self.schema else ident(name)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """The rows of one query, as tuples whatever the connection's row factory."""
        if self.dialect == "postgresql":
            from psycopg.rows import tuple_row

            with self.conn.cursor(row_factory=tuple_row) as cursor:
                cursor.execute(sql.replace("?", "%s"), list(params))
                return list(cursor.fetchall())
        return [tuple(row) for row in self.conn.execute(sql, list(params)).fetchall()]

    def missing(self, *tables: str) -> list[str]:
        """Those of ``tables`` the database (its schema) lacks."""
        if self._tables is None:
            schema = "?" if self.schema else "current_schema()"
            rows = self.query(
                "SELECT table_name FROM information_schema.tables "
                f"WHERE table_catalog = current_database() AND table_schema = {schema}",
                [self.schema] if self.schema else [],
            )
            self._tables = {str(r[0]) for r in rows}
        return [t for t in tables if t not in self._tables]

    def has_column(self, table: str, column: str) -> bool:
        """Whether ``table`` (in the schema) has ``column`` (a database an older export wrote may not)."""
        schema = "?" if self.schema else "current_schema()"
        rows = self.query(
            "SELECT 1 FROM information_schema.columns WHERE table_catalog = current_database() "
            f"AND table_schema = {schema} AND table_name = ? AND column_name = ?",
            [*([self.schema] if self.schema else []), table, column],
        )
        return bool(rows)

    def portal_tz(self) -> dt.tzinfo | None:
        """The portal's UTC offset as the export recorded it in ``_meta`` from the portal's own
        DATE_MODIFY values (``None``: not recorded, or not a readable offset)."""
        if self.missing("_meta"):
            return None
        rows = self.query(f'SELECT "value" FROM {self.table("_meta")} WHERE "key" = ?', [_OFFSET_KEY])
        if not rows or not isinstance(rows[0][0], str):
            return None
        try:
            return parse_tz(rows[0][0])
        except InvalidInputError:
            return None


def _connect(url: str) -> Db:
    """An owned connection to an export URL; unlike the export, never creates a file or a schema."""
    target = parse_target(url)
    driver = _driver(target.dialect)
    if target.dialect == "duckdb":
        if target.location != ":memory:" and not Path(target.location).is_file():
            raise InvalidInputError(
                f"no DuckDB database at {target.location!r}: run helpers.export(b24, {target.shown!r}) first",
                field="target",
            )
        try:
            return Db(driver.connect(target.location), "duckdb", None, target.shown)
        except driver.Error as exc:  # another process holds the file's lock (an export running)
            message = " ".join(str(exc).split())
        raise InvalidInputError(
            f"cannot open the DuckDB file of {target.shown} (an export still running?): {message}",
            field="target",
        )
    try:
        conn = driver.connect(target.location, autocommit=True)
    except driver.Error as exc:  # libpq may quote the URL it was given, password and all
        message = without_secrets(str(exc), target.secrets)
    else:
        return Db(conn, "postgresql", None, target.shown)
    raise InvalidInputError(f"cannot connect to {target.shown}: {message}", field="target")


@contextmanager
def open_db(target: Any, schema: str | None = None) -> Iterator[Db]:
    """The export database behind a URL (opened and closed here) or an open connection (left open)."""
    if schema is not None and (not isinstance(schema, str) or not _SCHEMA.match(schema)):
        raise InvalidInputError(
            f"schema must be a lowercase SQL name such as 'crm', not {schema!r}"[:200], field="schema"
        )
    if isinstance(target, str):
        db = _connect(target)
        db.schema = schema
        try:
            yield db
        finally:
            db.conn.close()
        return
    module = type(target).__module__.split(".")[0]
    if module not in ("duckdb", "_duckdb", "psycopg"):
        raise InvalidInputError(
            "target must be an export URL (duckdb:///crm.duckdb, postgresql://...) or an open DuckDB / "
            f"psycopg connection, not {type(target).__name__}",
            field="target",
        )
    dialect = "postgresql" if module == "psycopg" else "duckdb"
    idle = dialect == "postgresql" and not target.autocommit and target.info.transaction_status == 0
    try:
        yield Db(target, dialect, schema, "TARGET")
    finally:
        if idle:  # the reads opened a transaction on the caller's connection: end it (it wrote nothing)
            target.rollback()


def _moment(text: str, tz: dt.tzinfo | None) -> dt.datetime:
    """A bound as ``_deal_filter`` sends it (``2026-03-01`` or ISO datetime) as an aware datetime."""
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is not None:
        return moment
    if tz is None:
        raise InvalidInputError(
            f"the period bound {text} is a portal-local date or time, and the database does not say "
            "which timezone the portal uses: pass tz='+03:00' (or a zone name), or aware datetimes",
            field="period",
        )
    return moment.replace(tzinfo=tz)


def _int_options(values: Sequence[Any]) -> tuple[list[int], bool]:
    """Ids of an ``@`` filter as the portal compares them (by value); ``""`` also matches no value."""
    ids: list[int] = []
    empty = False
    for value in values:
        if value is None or value == "":
            empty = True
            continue
        try:
            number = Decimal(str(value).strip())
        except ArithmeticError:
            continue  # text never equals a number: matches nothing, as on the portal
        if number.is_finite() and number == number.to_integral_value():
            ids.append(int(number))
    return ids, empty


def _in(expression: str, options: Sequence[Any]) -> str:
    return f"{expression} IN ({', '.join('?' for _ in options)})" if options else "1 = 0"


def _where(flt: dict[str, Any], tz: dt.tzinfo | None, alias: str) -> tuple[str, list[Any]]:
    """The live helper's ``crm.*.list`` filter as a SQL condition on the table ``alias``."""
    conditions: list[str] = []
    params: list[Any] = []
    for key, value in flt.items():
        if key == "CATEGORY_ID":
            conditions.append(f"{alias}.category_id = ?")
            params.append(int(value))
        elif key == f">={_DATE_FIELD}":
            conditions.append(f"{alias}.date_create >= ?")
            params.append(_moment(value, tz))
        elif key == f"<{_DATE_FIELD}":
            conditions.append(f"{alias}.date_create < ?")
            params.append(_moment(value, tz))
        elif key == "@ASSIGNED_BY_ID":
            ids, empty = _int_options(value)
            test = _in(f"{alias}.assigned_by_id", ids)
            conditions.append(f"({test} OR {alias}.assigned_by_id IS NULL)" if empty else test)
            params.extend(ids)
        elif key == "@SOURCE_ID":
            codes = sorted({"" if v is None else str(v).strip().lower() for v in value})
            conditions.append(_in(f"lower(coalesce({alias}.source_id, ''))", codes))
            params.extend(codes)
        else:  # pragma: no cover - _deal_filter builds only the keys above
            raise AssertionError(key)
    return " AND ".join(conditions) or "1 = 1", params


def _checked(flt: dict[str, Any], tz: dt.tzinfo | str | None) -> dt.tzinfo | None:
    """The live helper's refusals of filter values (an empty list ...), and ``tz``, before any query."""
    for key, value in flt.items():
        check_filter_value(key, value)
    return parse_tz(tz)


def _stages(db: Db, directory: str) -> list[Stage]:
    """A stage directory of the ``status`` table as the live helper reads it (``stage_of``)."""
    by_id = "id, " if db.has_column("status", "id") else ""  # the portal's order: SORT, then ID
    rows = db.query(
        f"SELECT status_id, name, sort, semantics, color FROM {db.table('status')} "
        f"WHERE entity_id = ? ORDER BY coalesce(sort, 0), {by_id}status_id",
        [directory],
    )
    return [
        Stage(
            id=str(status_id),
            name=name or str(status_id),
            sort=int(sort or 0),
            semantics=_KINDS.get(str(semantics or "").strip().upper(), "P"),
            color=color or None,
        )
        for status_id, name, sort, semantics, color in rows
        if status_id
    ]


def _funnel_name(db: Db, category_id: int) -> str:
    """The deal funnel's name in ``category``, else ``Funnel N`` (also without the ``categories`` include)."""
    if db.missing("category"):
        return f"Funnel {category_id}"
    rows = db.query(
        f"SELECT name FROM {db.table('category')} WHERE entity_type_id = 2 AND coalesce(id, 0) = ? "
        "AND name IS NOT NULL AND name <> '' ORDER BY sort",
        [category_id],
    )
    return str(rows[0][0]) if rows else f"Funnel {category_id}"


def _money(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value or 0))


@contextmanager
def _database(target: Any, schema: str | None, *tables: str) -> Iterator[Db]:
    with open_db(target, schema) as db:
        missing = db.missing(*tables)
        if missing:
            where = f" in schema {schema!r}" if schema else ""
            raise InvalidInputError(
                f"the database has no table {', '.join(missing)}{where}: "
                f"fill it first with helpers.export(b24, {db.shown!r})",
                field="target",
            )
        yield db


def db_funnel_snapshot(
    target: Any,
    category_id: int = 0,
    *,
    period: Period | None = None,
    responsible: Ids = None,
    source: Codes = None,
    schema: str | None = None,
    tz: dt.tzinfo | str | None = None,
) -> FunnelSnapshot:
    """:func:`funnel_snapshot` read from the exported database with SQL (``deal``, ``status``, ``category``;
    no REST method).

    ``target``: the export's URL (``duckdb:///crm.duckdb``, ``postgresql://...``) or an open DuckDB /
    psycopg connection. ``tz``: the portal's timezone for date (or naive) ``period`` bounds; by default
    the UTC offset the export recorded (``_meta``, from the portal's DATE_MODIFY values).
    """
    category_id = ensure_category_id(category_id)
    flt, chosen = _deal_filter(category_id, period, responsible, source)
    zone = _checked(flt, tz)
    with _database(target, schema, "deal", "status") as db:
        where, params = _where(flt, zone or db.portal_tz(), "d")
        stages = _stages(db, deal_stage_directory(category_id))
        name = _funnel_name(db, category_id)
        rows = db.query(
            "SELECT coalesce(d.stage_id, ''), coalesce(d.currency_id, ''), count(*), "
            f"sum(coalesce(d.opportunity, 0)) FROM {db.table('deal')} d WHERE {where} "
            "GROUP BY coalesce(d.stage_id, ''), coalesce(d.currency_id, '')",
            params,
        )
    tallies: list[StageTally] = [(str(s), str(c), int(n), _money(a)) for s, c, n, a in rows]
    return snapshot_of(tallies, stages, category_id=category_id, category_name=name, filters=chosen)


def db_lead_funnel(
    target: Any,
    *,
    period: Period | None = None,
    responsible: Ids = None,
    source: Codes = None,
    schema: str | None = None,
    tz: dt.tzinfo | str | None = None,
) -> LeadFunnel:
    """:func:`lead_funnel` read from the exported database with SQL (``lead``, ``deal``, ``status``; no REST
    method).

    A lead has a deal when a ``deal`` row names it in ``lead_id``; ``target`` and ``tz`` as in
    :func:`db_funnel_snapshot`.
    """
    flt, _ = _deal_filter(None, period, responsible, source)
    zone = _checked(flt, tz)
    with _database(target, schema, "lead", "deal", "status") as db:
        where, params = _where(flt, zone or db.portal_tz(), "l")
        statuses = _stages(db, "STATUS")
        names = {s.id: s.name for s in _stages(db, "SOURCE")}
        rows = db.query(
            "SELECT coalesce(l.status_id, ''), coalesce(l.source_id, ''), count(*), count(d.lead_id) "
            f"FROM {db.table('lead')} l LEFT JOIN (SELECT DISTINCT lead_id FROM {db.table('deal')} "
            f"WHERE lead_id > 0) d ON d.lead_id = l.id WHERE {where} "
            "GROUP BY coalesce(l.status_id, ''), coalesce(l.source_id, '')",
            params,
        )
    tallies: list[LeadTally] = [(str(s), str(c), int(n), int(w)) for s, c, n, w in rows]
    return lead_stats_of(tallies, statuses, names)
