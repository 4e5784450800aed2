"""Deletions: the local ids compared with the portal's by id range, with counts, never a full re-read.

After the upserts the local table holds every portal row plus the deleted ones. The local ids are split
into up to 10 ranges; one ``crm.<e>.list`` per range (``>=ID``/``<=ID``, ``select ["ID"]``) gives the
portal's count (``total``) and its first 50 ids. A range the portal holds at most 50 rows of is settled by
those ids; a range whose count equals the local one has lost nothing; any other range is split again,
so that a round stays within one ``batch`` request of 50 commands, until the ids settle it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ...protocol.batch import Batch, Outcome
from ...protocol.call import Call, Flow
from ...protocol.envelope import APIResponse
from ...protocol.rows import rows_of
from ._targets import Database
from ._values import to_int

__all__ = ["delete_rows", "find_deletions"]

#: ranges of the first round
FIRST_RANGES = 10
#: commands of one round (one batch request)
ROUND = 50
PAGE = 50


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


def find_deletions(db: Database, entity: str, method: str | None = None) -> Flow[list[int]]:
    """The local ids of ``entity`` the portal no longer has (``crm.<entity>.list`` counts by id range)."""
    method = method or f"crm.{entity}.list"
    ids = [int(row[0]) for row in db.rows(f"SELECT id FROM {db.table(entity)} ORDER BY id")]
    if not ids:
        return []
    todo = split(ids[0], ids[-1], ids, FIRST_RANGES)
    gone: list[int] = []
    while todo:
        calls = [
            Call(
                method,
                {"filter": {">=ID": r.low, "<=ID": r.high}, "select": ["ID"], "order": {"ID": "ASC"}},
                parse=_raw,
                read_only=True,
            )
            for r in todo
        ]
        outcomes: list[Outcome[Any]] = yield Batch(calls)
        unsettled: list[_Range] = []
        for rng, outcome in zip(todo, outcomes, strict=True):
            response: APIResponse = outcome.unwrap()
            rows = rows_of(response.result)
            total = response.total if response.total is not None else len(rows)
            present = {to_int(row.get("ID")) for row in rows}
            if total <= PAGE:
                gone.extend(i for i in rng.ids if i not in present)
            elif total != len(rng.ids):
                # the answer's ids are the range's first 50: they settle the local ids up to the last one
                last = max((i for i in present if i is not None), default=rng.low - 1)
                gone.extend(i for i in rng.ids if i <= last and i not in present)
                rest = [i for i in rng.ids if i > last]
                if rest:
                    unsettled.append(_Range(last + 1, rng.high, rest))
        fan = max(2, ROUND // max(1, len(unsettled)))
        todo = [part for rng in unsettled for part in split(rng.low, rng.high, rng.ids, fan)]
    return gone


def delete_rows(db: Database, entity: str, ids: Sequence[int], owner_type: str | None) -> None:
    """Delete rows, their child rows, their product rows and their queued product-row reads."""
    db.delete_in(entity, "id", ids)
    db.delete_in(f"{entity}_multifield", "entity_id", ids)
    db.delete_in(f"{entity}_multiple", "entity_id", ids)
    if owner_type is not None:
        if db.columns("product_row"):
            db.delete_in("product_row", "owner_id", ids, owner_type=owner_type)
        db.delete_in("_product_queue", "owner_id", ids, owner_type=owner_type)
