"""Lead conversion look-ups, many leads per request: earlier results, product rows, duplicates.

- **Lead links** (idempotency): ``crm.item.list`` of contacts (3), companies (4) and deals (2) with
  ``leadId`` in a chunk of 50 lead ids: whatever an earlier run created for a lead is found before
  anything is created again (``LEAD_ID`` is read-only in the legacy API; ``leadId`` is what we write).
- **Product rows**: ``crm.lead.productrows.get`` per lead, 50 to a request.
- **Duplicates**: ``crm.duplicate.findbycomm`` with up to 20 phones or e-mails of several leads per call;
  when a call mixes leads, the contacts/companies it found are read back (``PHONE``/``EMAIL``) to tell
  which lead each belongs to. Companies are also matched by exact title (``@TITLE``). Phones compare
  by digits and e-mails case-insensitively; a hit that matches no value in that form is ignored.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ...errors import NotFoundError
from ...protocol.batch import Batch, Outcome
from ...protocol.call import Call, Flow
from ...protocol.envelope import APIResponse
from ...protocol.rows import chunked, rows_of
from ...services.duplicates import MAX_VALUES
from ._plan import Kind, LeadJob, comm_values, normalize_comm
from ._types import ConversionOptions, ConvertedObject

__all__ = [
    "find_duplicates",
    "links_call",
    "product_rows_call",
    "read_deal_rows",
    "read_lead_links",
    "read_product_rows",
]

_CHUNK = 50
_KINDS: dict[Kind, int] = {"contact": 3, "company": 4, "deal": 2}
_CLIENTS: tuple[Kind, ...] = ("contact", "company")
_ENTITY: dict[Kind, str] = {"contact": "CONTACT", "company": "COMPANY"}


def _page(response: APIResponse) -> tuple[list[dict[str, Any]], int | None]:
    """The rows of a ``crm.item.list`` page (``{"items": [...]}``) and where the next page starts."""
    return rows_of(response.result, "items"), response.next


def _rows(response: APIResponse) -> list[dict[str, Any]]:
    return rows_of(response.result)


def _hits(response: APIResponse) -> dict[str, list[int]]:
    raw = response.result
    if not isinstance(raw, Mapping):  # nothing found: an empty PHP array (reference 5.10, unconfirmed)
        return {}
    return {str(k).upper(): [int(i) for i in v or []] for k, v in raw.items()}


def links_call(kind: Kind, lead_ids: list[int], start: int) -> Call[tuple[list[dict[str, Any]], int | None]]:
    params = {
        "entityTypeId": _KINDS[kind],
        "filter": {"@leadId": lead_ids},
        "select": ["id", "leadId"],
        "order": {"id": "ASC"},
        "start": start,
    }
    return Call("crm.item.list", params, parse=_page, read_only=True)


def read_lead_links(kinds: Iterable[Kind], lead_ids: Sequence[int]) -> Flow[dict[int, dict[Kind, int]]]:
    """Per lead, the oldest contact/company/deal whose ``leadId`` points to it."""
    found: dict[int, dict[Kind, int]] = defaultdict(dict)
    pending = [(kind, chunk, 0) for kind in kinds for chunk in chunked(list(lead_ids), _CHUNK)]
    while pending:
        outcomes: list[Outcome[Any]] = yield Batch([links_call(*p) for p in pending])
        later = []
        for (kind, chunk, _), outcome in zip(pending, outcomes, strict=True):
            items, next_start = outcome.unwrap()
            for item in items:
                lead_id, item_id = int(item.get("leadId") or 0), int(item["id"])
                if lead_id and item_id < found[lead_id].get(kind, item_id + 1):
                    found[lead_id][kind] = item_id
            if next_start:
                later.append((kind, chunk, next_start))
        pending = later
    return dict(found)


def product_rows_call(lead_id: int) -> Call[list[dict[str, Any]]]:
    """A lead's product rows (``crm.lead.productrows.get``)."""
    return Call("crm.lead.productrows.get", {"id": lead_id}, parse=_rows, read_only=True)


def read_product_rows(lead_ids: Sequence[int]) -> Flow[dict[int, list[dict[str, Any]]]]:
    """Every lead's product rows (a lead deleted meanwhile has none)."""
    if not lead_ids:
        return {}
    calls = [product_rows_call(i) for i in lead_ids]
    outcomes: list[Outcome[Any]] = yield Batch(calls)
    out: dict[int, list[dict[str, Any]]] = {}
    for lead_id, outcome in zip(lead_ids, outcomes, strict=True):
        if isinstance(outcome.error, NotFoundError):
            out[lead_id] = []
        else:
            out[lead_id] = outcome.unwrap()
    return out


def read_deal_rows(deal_ids: Sequence[int]) -> Flow[dict[int, int]]:
    """How many product rows each deal has."""
    if not deal_ids:
        return {}
    calls = [Call("crm.deal.productrows.get", {"id": i}, parse=_rows, read_only=True) for i in deal_ids]
    outcomes: list[Outcome[Any]] = yield Batch(calls)
    return {deal_id: len(o.unwrap()) for deal_id, o in zip(deal_ids, outcomes, strict=True)}


def _wanted(jobs: Sequence[LeadJob], options: ConversionOptions, kind: Kind) -> list[LeadJob]:
    return [job for job in jobs if job.needs(kind, options)]


def find_duplicates(jobs: Sequence[LeadJob], options: ConversionOptions) -> Flow[None]:
    """Settle ``contact``/``company`` of jobs that have an existing duplicate (``via="duplicate"``).

    A failed look-up raises: creating without knowing whether a duplicate exists could duplicate.
    """
    # (kind, comm type) -> normalised value -> (value as written, owning jobs)
    pools: dict[tuple[Kind, str], dict[str, tuple[str, set[int]]]] = defaultdict(dict)
    titles: dict[str, tuple[str, set[int]]] = {}  # case-folded title -> (title as written, jobs)
    for kind in _CLIENTS:
        for job in _wanted(jobs, options, kind):
            for comm in ("PHONE", "EMAIL"):
                for value in comm_values(job.lead, comm):
                    entry = pools[(kind, comm)].setdefault(normalize_comm(comm, value), (value, set()))
                    entry[1].add(job.id)
            title = str(job.lead.get("COMPANY_TITLE") or "").strip()
            if kind == "company" and title:
                titles.setdefault(title.casefold(), (title, set()))[1].add(job.id)
    calls: list[Call[Any]] = []
    meta: list[tuple[Kind, str, list[str]]] = []
    for (kind, comm), values in pools.items():
        for chunk in chunked(sorted(values), MAX_VALUES):
            params: dict[str, Any] = {
                "type": comm,
                "values": [values[v][0] for v in chunk],
                "entity_type": _ENTITY[kind],
            }
            calls.append(Call("crm.duplicate.findbycomm", params, parse=_hits, read_only=True))
            meta.append((kind, comm, chunk))
    title_list = sorted(titles)
    for chunk in chunked(title_list, _CHUNK):
        written = [titles[t][0] for t in chunk]
        params = {
            "filter": {"@TITLE": written},  # exact titles, any case (reference 5.2: @ = IN)
            "select": ["ID", "TITLE"],
            "order": {"ID": "ASC"},
            "start": -1,
        }
        calls.append(Call("crm.company.list", params, parse=_rows, read_only=True))
        meta.append(("company", "TITLE", chunk))
    if not calls:
        return None
    outcomes: list[Outcome[Any]] = yield Batch(calls)
    best: dict[tuple[Kind, int], int] = {}  # (kind, lead id) -> duplicate id
    title_best: dict[int, int] = {}
    read_back: dict[Kind, set[int]] = defaultdict(set)
    mixed: list[tuple[Kind, str, list[str]]] = []
    for (kind, comm, chunk), outcome in zip(meta, outcomes, strict=True):
        if comm == "TITLE":
            # "@TITLE" (IN) on a legacy string field is (unconfirmed): a refused look-up only means
            # no match by title; phones and e-mails still decide
            for row in (outcome.value or []) if outcome.ok else []:
                _, owners_of_title = titles.get(str(row.get("TITLE") or "").strip().casefold(), ("", set()))
                for job_id in owners_of_title:
                    title_best[job_id] = min(title_best.get(job_id, int(row["ID"])), int(row["ID"]))
            continue
        ids = outcome.unwrap().get(_ENTITY[kind], [])
        if not ids:
            continue
        owners = set().union(*(pools[(kind, comm)][v][1] for v in chunk))
        if len(owners) == 1:  # every value of the call belongs to one lead: every hit is its duplicate
            _keep(best, kind, next(iter(owners)), min(ids))
        else:
            read_back[kind].update(ids)
            mixed.append((kind, comm, chunk))
    if read_back:
        yield from _attribute(read_back, mixed, pools, best)
    for job in jobs:
        for kind in _CLIENTS:
            if not job.needs(kind, options):
                continue
            found = title_best.get(job.id) if kind == "company" else None
            found = found or best.get((kind, job.id))
            if found:
                setattr(job, kind, ConvertedObject(kind, found, "duplicate"))
    return None


def _keep(best: dict[tuple[Kind, int], int], kind: Kind, job_id: int, found: int) -> None:
    best[(kind, job_id)] = min(best.get((kind, job_id), found), found)


def _attribute(
    read_back: Mapping[Kind, set[int]],
    mixed: list[tuple[Kind, str, list[str]]],
    pools: Mapping[tuple[Kind, str], Mapping[str, tuple[str, set[int]]]],
    best: dict[tuple[Kind, int], int],
) -> Flow[None]:
    """Read the hits of calls that mixed several leads and give each hit to the leads sharing its values."""
    calls: list[Call[Any]] = []
    kinds: list[Kind] = []
    for kind, ids in read_back.items():
        for id_chunk in chunked(sorted(ids), _CHUNK):
            params = {"filter": {"@ID": id_chunk}, "select": ["ID", "PHONE", "EMAIL"], "start": -1}
            calls.append(Call(f"crm.{kind}.list", params, parse=_rows, read_only=True))
            kinds.append(kind)
    outcomes: list[Outcome[Any]] = yield Batch(calls)
    holders: dict[tuple[Kind, str, str], int] = {}  # (kind, comm, normalised value) -> smallest id
    for kind, outcome in zip(kinds, outcomes, strict=True):
        for row in outcome.unwrap():
            for comm in ("PHONE", "EMAIL"):
                for value in comm_values(row, comm):
                    key = (kind, comm, normalize_comm(comm, value))
                    holders[key] = min(holders.get(key, int(row["ID"])), int(row["ID"]))
    for kind, comm, chunk in mixed:
        for value in chunk:
            holder = holders.get((kind, comm, value))
            if holder is not None:
                for job_id in pools[(kind, comm)][value][1]:
                    _keep(best, kind, job_id, holder)
    return None
