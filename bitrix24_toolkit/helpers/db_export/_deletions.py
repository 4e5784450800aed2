"""Deletions: the local ids compared with the portal's by id range, with counts, never a full re-read.

The ids are those of the local table before this run's writes: every one the portal still has, plus the
deleted ones (a row added since has an id above the table's largest, outside every range). One
``crm.<e>.list`` per range (``>=ID``/``<=ID``, ``select ["ID"]``) gives the portal's count (``total``)
and its first 50 ids. A range the portal holds at most 50 rows of is settled by those ids; so is one
whose missing ids in that window account for the whole difference of the counts (nothing is missing
beyond it); the rest of any other range is split again. The first round goes into the run's first
request with the fields and probes, the later ones fill the room the pages leave (an
:class:`~._gather.Elastic` step): as many ranges as fit, each at most 50 local ids when there is room.

A deleted company or contact leaves other rows pointing at it: :func:`unlink` clears those references
in the same transaction as the deletion and queues the rows in ``_reread``; :func:`reread_flow` reads
them again (the portal may have put another contact first, or written ``0``), so the table equals it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ...protocol.batch import Batch, Outcome
from ...protocol.call import Call, Flow
from ...protocol.envelope import APIResponse
from ...protocol.rows import rows_of
from ._gather import Elastic
from ._targets import Database, ident
from ._values import to_int

__all__ = ["DeletionCheck", "delete_rows", "find_deletions", "reread_flow", "split", "unlink"]

#: commands of one round (one batch request)
ROUND = 50
PAGE = 50
#: the entities a deleted company / contact may be referenced from (``_fields.type`` names the link)
_LINKED = ("deal", "lead", "contact", "company")


@dataclass(frozen=True)
class _Range:
    low: int
    high: int
    ids: Sequence[int]  # the local ids in [low, high], sorted


def _raw(response: APIResponse) -> APIResponse:
    return response


def split(low: int, high: int, ids: Sequence[int], parts: int) -> list[_Range]:
    """``[low, high]`` in up to ``parts`` ranges holding about as many local ids each, covering it all."""
    parts = max(1, min(parts, len(ids)))
    size = -(-len(ids) // parts)
    chunks = [ids[i : i + size] for i in range(0, len(ids), size)]
    out: list[_Range] = []
    for index, chunk in enumerate(chunks):
        lo = low if index == 0 else chunk[0]
        hi = high if index == len(chunks) - 1 else chunks[index + 1][0] - 1
        out.append(_Range(lo, hi, chunk))
    return out


def _need(rng: _Range) -> int:
    """Ranges of at most 50 local ids: those settle in one answer whatever the portal lost."""
    return -(-len(rng.ids) // PAGE)


class DeletionCheck:
    """The deletion check of one entity table, round by round (:meth:`plan`, then :meth:`absorb`)."""

    def __init__(self, db: Database, entity: str, method: str | None = None) -> None:
        self.method = method or f"crm.{entity}.list"
        ids = [int(row[0]) for row in db.rows(f"SELECT id FROM {db.table(entity)} ORDER BY id")]
        self.todo: list[_Range] = [_Range(ids[0], ids[-1], ids)] if ids else []
        self.asked: list[_Range] = []
        self.gone: list[int] = []
        #: ids the portal has in a checked range that the table lacks (a row restored from the recycle bin
        #: with its old id and modification time, which no incremental read finds): read them again
        self.unknown: set[int] = set()
        self.rounds = 0

    @property
    def want(self) -> int:
        """The commands the next round would use to settle every open range at once (at most 50)."""
        return min(ROUND, sum(_need(r) for r in self.todo))

    def plan(self, room: int) -> list[Call[APIResponse]]:
        """The next round's calls, at most ``room``; ranges left out wait for a later round."""
        room = max(0, room)
        todo, self.todo = self.todo, []
        if room < len(todo):
            self.todo, todo = todo[room:], todo[:room]
        needs = [_need(r) for r in todo]
        if sum(needs) <= room:
            parts = needs
        else:  # one each, the rest in proportion to the ids
            spare = room - len(todo)
            parts = [1 + spare * (n - 1) // max(1, sum(needs) - len(todo)) for n in needs]
            for i in range(len(parts)):  # what the rounding left
                if sum(parts) < room and parts[i] < needs[i]:
                    parts[i] += 1
        self.asked = [part for rng, n in zip(todo, parts, strict=True) for part in split(*_args(rng), n)]
        return [
            Call(
                self.method,
                {"filter": {">=ID": r.low, "<=ID": r.high}, "select": ["ID"], "order": {"ID": "ASC"}},
                parse=_raw,
                read_only=True,
            )
            for r in self.asked
        ]

    def absorb(self, outcomes: Sequence[Outcome[Any]]) -> None:
        """Settle the asked ranges with their answers; what is left goes back to the open ranges."""
        self.rounds += 1 if self.asked else 0
        for rng, outcome in zip(self.asked, outcomes, strict=True):
            response: APIResponse = outcome.unwrap()
            rows = rows_of(response.result)
            present = sorted({i for i in (to_int(row.get("ID")) for row in rows) if i is not None})
            total = response.total if response.total is not None else len(rows)
            local = set(rng.ids)
            self.unknown.update(i for i in present if i not in local)
            if total <= len(present):  # every id of the range is in the answer
                seen = set(present)
                self.gone.extend(i for i in rng.ids if i not in seen)
                continue
            if not present:  # a count without ids: nothing can be told apart, nothing is deleted
                continue
            last = present[-1]
            seen = set(present)
            missing = [i for i in rng.ids if i <= last and i not in seen]
            extra = sum(1 for i in present if i not in local)
            self.gone.extend(missing)
            rest = [i for i in rng.ids if i > last]
            # what the counts say the range lost, against what its first 50 ids showed; a range holding
            # ids the table lacks is never settled by counts (one of those can hide one deletion)
            if rest and (extra or len(rng.ids) - total != len(missing)):
                self.todo.append(_Range(last + 1, rng.high, rest))
        self.asked = []

    def rest(self) -> Flow[list[int]]:
        """The remaining rounds (each an elastic step); the ids the portal no longer has."""
        while self.todo:
            outcomes: list[Outcome[Any]] = yield Elastic([], self.want, self.plan)
            self.absorb(outcomes)
        return self.gone


def _args(rng: _Range) -> tuple[int, int, Sequence[int]]:
    return rng.low, rng.high, rng.ids


def find_deletions(db: Database, entity: str, method: str | None = None) -> Flow[list[int]]:
    """The local ids of ``entity`` the portal no longer has (``crm.<entity>.list`` counts by id range)."""
    return (yield from DeletionCheck(db, entity, method).rest())


def delete_rows(db: Database, entity: str, ids: Sequence[int], owner_type: str | None) -> None:
    """Delete rows, their child rows, their product rows and their queued product-row reads."""
    db.delete_in(entity, "id", ids)
    db.delete_in(f"{entity}_multifield", "entity_id", ids)
    db.delete_in(f"{entity}_multiple", "entity_id", ids)
    db.delete_in("_reread", "id", ids, entity=entity)
    if owner_type is not None:
        if db.columns("product_row"):
            db.delete_in("product_row", "owner_id", ids, owner_type=owner_type)
        db.delete_in("_product_queue", "owner_id", ids, owner_type=owner_type)


# ------------------------------------------------------------------------------------------ references
def _links(db: Database, table: str, kind: str) -> list[tuple[str, str | None, bool]]:
    """(code, column, multiple) of the fields of ``table`` whose type is ``kind`` (``crm_company``)."""
    found = db.rows(
        f"SELECT code, column_name, is_multiple FROM {db.table('_fields')} "
        "WHERE entity = ? AND type = ? AND removed_at IS NULL",
        [table, kind],
    )
    return [(str(code), column or None, bool(multiple)) for code, column, multiple in found]


def _in(ids: Sequence[Any]) -> str:
    return ", ".join("?" for _ in ids)


def unlink(db: Database, entity: str, ids: Sequence[int]) -> int:
    """Clear every reference of the other exported tables to these deleted companies / contacts (the
    link fields, the values of multiple fields) and queue those rows to be read again; the rows touched.
    Runs inside the caller's transaction."""
    if entity not in ("company", "contact") or not ids:
        return 0
    kind = f"crm_{entity}"
    touched = 0
    for table in _LINKED:
        columns = db.columns(table)
        if not columns:
            continue
        rows: set[int] = set()
        for start in range(0, len(ids), 500):
            part = list(ids[start : start + 500])
            for code, column, multiple in _links(db, table, kind):
                if multiple:
                    rows |= _drop_values(db, table, code, [str(i) for i in part])
                elif column and column in columns:
                    where = f"{ident(column)} IN ({_in(part)})"
                    found = db.rows(f"SELECT id FROM {db.table(table)} WHERE {where}", part)
                    if found:
                        rows |= {int(r[0]) for r in found}
                        db.execute(f"UPDATE {db.table(table)} SET {ident(column)} = NULL WHERE {where}", part)
        if rows:
            db.upsert("_reread", ["entity", "id"], ["entity", "id"], [(table, i) for i in sorted(rows)])
            touched += len(rows)
    return touched


def _drop_values(db: Database, table: str, code: str, values: list[str]) -> set[int]:
    """Remove these values of a multiple field and number the rest again from 0; the rows touched."""
    child = f"{table}_multiple"
    if not db.columns(child):
        return set()
    found = db.rows(
        f"SELECT DISTINCT entity_id FROM {db.table(child)} WHERE field = ? AND value IN ({_in(values)})",
        [code, *values],
    )
    owners = sorted(int(r[0]) for r in found)
    if not owners:
        return set()
    db.execute(f"DELETE FROM {db.table(child)} WHERE field = ? AND value IN ({_in(values)})", [code, *values])
    kept = db.rows(
        f"SELECT entity_id, n, value FROM {db.table(child)} WHERE field = ? AND entity_id IN ({_in(owners)}) "
        "ORDER BY entity_id, n",
        [code, *owners],
    )
    db.execute(
        f"DELETE FROM {db.table(child)} WHERE field = ? AND entity_id IN ({_in(owners)})", [code, *owners]
    )
    numbered: list[tuple[Any, ...]] = []
    position: dict[int, int] = {}
    for owner, _, value in kept:
        n = position.get(int(owner), 0)
        position[int(owner)] = n + 1
        numbered.append((int(owner), code, n, value))
    db.upsert(child, ["entity_id", "field", "n", "value"], ["entity_id", "field", "n"], numbered)
    return set(owners)


def reread_flow(
    db: Database, entity: str, select: Sequence[str], write: Callable[[list[dict[str, Any]]], object]
) -> Flow[int]:
    """Read the rows queued in ``_reread`` again and ``write`` them (50 ids a call, ``@ID``), emptying
    the queue in the same transaction; the rows read (crm.<entity>.list)."""
    ids = [
        int(r[0])
        for r in db.rows(f"SELECT id FROM {db.table('_reread')} WHERE entity = ? ORDER BY id", [entity])
    ]
    groups = [ids[i : i + PAGE] for i in range(0, len(ids), PAGE)]
    read = 0
    for at in range(0, len(groups), ROUND):
        round_groups = groups[at : at + ROUND]
        outcomes: list[Outcome[Any]] = yield Batch(
            [
                Call(
                    f"crm.{entity}.list",
                    {"filter": {"@ID": group}, "select": list(select), "order": {"ID": "ASC"}},
                    parse=_raw,
                    read_only=True,
                )
                for group in round_groups
            ]
        )
        for group, outcome in zip(round_groups, outcomes, strict=True):
            rows = [row for row in rows_of(outcome.unwrap().result) if to_int(row.get("ID")) in group]
            read += len(rows)
            with db.transaction():
                write(rows)
                db.delete_in("_reread", "id", group, entity=entity)
    return read
