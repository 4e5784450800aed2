"""The emulated portal's data: named tables of rows keyed by integer id, id counters and a clock.

Everything in here is JSON-serialisable so that :meth:`PortalState.dump` / :meth:`PortalState.load` can
save a served portal across restarts. Method modules keep their data in tables named after the entity
(``"deal"``, ``"requisite"``, ``"userfield"`` ...) and their settings in :attr:`PortalState.meta`.
"""

from __future__ import annotations

import copy
import datetime as dt
import time
from collections.abc import Callable
from typing import Any

__all__ = ["PortalState"]

_MSK = dt.timezone(dt.timedelta(hours=3))


class PortalState:
    """Tables of rows, id counters, free-form metadata and an injectable clock."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] | None = None,
        tz: dt.tzinfo = _MSK,
    ) -> None:
        self.tables: dict[str, dict[int, dict[str, Any]]] = {}
        self.counters: dict[str, int] = {}
        self.meta: dict[str, Any] = {}
        self.clock: Callable[[], float] = clock or time.time
        self.tz = tz

    # ----------------------------------------------------------------------------------------- time
    def now(self) -> dt.datetime:
        """The portal's current time (aware, in the portal's timezone)."""
        return dt.datetime.fromtimestamp(self.clock(), tz=self.tz).replace(microsecond=0)

    def now_iso(self) -> str:
        """The portal's current time as Bitrix24 renders datetimes (``2024-05-23T18:18:25+03:00``)."""
        return self.now().isoformat()

    # --------------------------------------------------------------------------------------- tables
    def table(self, name: str) -> dict[int, dict[str, Any]]:
        """The rows of a table by id (created empty on first use)."""
        return self.tables.setdefault(name, {})

    def next_id(self, name: str) -> int:
        """Allocate the next id of a table (ids are never reused, as in MySQL auto-increment)."""
        value = self.counters.get(name, 0) + 1
        self.counters[name] = value
        return value

    def insert(self, name: str, row: dict[str, Any], *, id_key: str = "ID") -> int:
        """Insert a row under a new id (stored in ``row[id_key]`` as an int) and return the id."""
        new_id = self.next_id(name)
        row[id_key] = new_id
        self.table(name)[new_id] = row
        return new_id

    # ---------------------------------------------------------------------------------- persistence
    def dump(self) -> dict[str, Any]:
        """A JSON-able snapshot of the whole portal."""
        return {
            "tables": {name: {str(k): v for k, v in rows.items()} for name, rows in self.tables.items()},
            "counters": dict(self.counters),
            "meta": copy.deepcopy(self.meta),
        }

    def load(self, data: dict[str, Any]) -> None:
        """Replace the portal's data with a snapshot made by :meth:`dump`."""
        self.tables = {
            name: {int(k): v for k, v in rows.items()} for name, rows in data.get("tables", {}).items()
        }
        self.counters = {k: int(v) for k, v in data.get("counters", {}).items()}
        self.meta = dict(data.get("meta", {}))
