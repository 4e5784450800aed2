"""``import_leads``: leads from a CSV file, dicts or a DataFrame, checked, deduplicated and written in bulk.

The plan, in requests (10,000 rows, every one new):

1. ``crm.lead.fields`` (1 request) checks the mapping and gives each field's type; the directories of
   mapped ``crm_status`` fields (``SOURCE``, ``STATUS``) follow in one batch (1 request, if any).
2. Every row is validated and normalised before anything is written: phones to E.164, e-mails checked,
   numbers, dates, yes/no and directory values converted. A bad row is reported with its number and the
   reasons; it is not sent.
3. Dedupe (``skip``/``update``): ``crm.duplicate.findbycomm`` takes 20 values per call, 50 calls go in one
   batch request. Each phone is looked up as E.164 and as national digits (``+7999...``, ``8999...``: how
   the portal's index compares them is not documented), so 10,000 phones and 10,000 e-mails are 30
   requests. The leads it names are then read (their
   phones and e-mails, 2,500 per request) to know which row matches which lead.
4. Writes: ``crm.lead.add`` / ``crm.lead.update`` in batches of 50: 200 requests.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from ...errors import InvalidInputError
from ...models.crm import Lead
from ...models.meta import FieldInfo
from ...protocol.batch import Batch
from ...protocol.call import Flow
from ...protocol.rows import chunked
from ...services import BulkResult, CrmCalls
from ...services.common import dump_fields
from ...services.duplicates import MAX_VALUES
from ..base import helper
from ._extra import require_leads_extra
from ._report import ImportReport, ImportRow
from ._rules import (
    PreparedLead,
    checked_defaults,
    directories_needed,
    fallback_title,
    normalize_phone,
    phone_variants,
    prepare,
    resolve_mapping,
)
from ._source import read_source

__all__ = ["Dedupe", "import_leads"]

Dedupe = Literal["skip", "update", "create"]
_KEY_FIELDS = ("PHONE", "EMAIL")


def _phone_key(value: str, region: str) -> str:
    try:
        return normalize_phone(value, region)
    except ValueError:
        return "+" + "".join(ch for ch in value if ch.isdigit())


def _keys(lead: PreparedLead) -> list[tuple[str, str]]:
    return [("PHONE", phone) for phone in lead.phones] + [("EMAIL", email) for email in lead.emails]


def _find_existing(
    crm: CrmCalls, rows: Sequence[PreparedLead], region: str
) -> Flow[dict[tuple[str, str], Lead]]:
    """Existing leads by (``PHONE``, E.164) and (``EMAIL``, lowercase): 20 values a look-up, 50 a request."""
    phones = sorted({variant for row in rows for phone in row.phones for variant in phone_variants(phone)})
    emails = sorted({email for row in rows for email in row.emails})
    calls = [
        crm.duplicate.find_by_comm("PHONE", chunk, entity_type="LEAD")
        for chunk in chunked(phones, MAX_VALUES)
    ]
    calls += [
        crm.duplicate.find_by_comm("EMAIL", chunk, entity_type="LEAD")
        for chunk in chunked(emails, MAX_VALUES)
    ]
    if not calls:
        return {}
    ids: set[int] = set()
    for outcome in (yield Batch(calls)):
        ids.update(outcome.unwrap().lead)  # a failed look-up stops the import: better than duplicates
    if not ids:
        return {}
    leads = yield from crm.lead.get_many(sorted(ids), select=["ID", "TITLE", "PHONE", "EMAIL"])
    found: dict[tuple[str, str], Lead] = {}
    for lead in sorted(leads, key=lambda item: item.id or 0):  # the oldest lead wins a shared value
        for entry in lead.phone or []:
            if entry.value:
                found.setdefault(("PHONE", _phone_key(entry.value, region)), lead)
        for entry in lead.email or []:
            if entry.value:
                found.setdefault(("EMAIL", entry.value.strip().casefold()), lead)
    return found


def _update_fields(row: PreparedLead, lead: Lead, region: str) -> dict[str, Any]:
    """The row's fields minus multifield values the lead already has (a value without ID would be added
    again: reference 5.4)."""
    have = {("PHONE", _phone_key(e.value, region)) for e in lead.phone or [] if e.value}
    have |= {("EMAIL", e.value.strip().casefold()) for e in lead.email or [] if e.value}
    fields: dict[str, Any] = {}
    for key, value in row.fields.items():
        if key in _KEY_FIELDS:
            fresh = [
                entry
                for entry in value
                if (key, entry["VALUE"] if key == "PHONE" else entry["VALUE"].casefold()) not in have
            ]
            if fresh:
                fields[key] = fresh
        else:
            fields[key] = value
    return fields


def _checked(fields: Mapping[str, Any]) -> str | None:
    try:
        dump_fields(Lead, fields)
    except InvalidInputError as exc:
        return str(exc)
    return None


def _bulk_rows(
    result: BulkResult,
    rows: Sequence[PreparedLead],
    lead_ids: Sequence[int | None],
    status: Literal["created", "updated"],
) -> list[ImportRow]:
    out = []
    for item, row, lead_id in zip(result.items, rows, lead_ids, strict=True):
        if item.outcome == "ok":
            new_id = int(item.value) if status == "created" else lead_id
            out.append(ImportRow(row.number, status, new_id, (), row.source))
        elif item.outcome == "unknown":
            reason = f"the answer was lost ({item.error}); check the portal before importing this row again"
            out.append(ImportRow(row.number, "unknown", lead_id, (reason,), row.source))
        else:
            reason = str(item.error) if item.error is not None else "not sent"
            out.append(ImportRow(row.number, "failed", lead_id, (reason,), row.source))
    return out


@helper
def import_leads(
    source: Any,
    *,
    mapping: Mapping[str, str | None] | None = None,
    dedupe: Dedupe = "skip",
    defaults: Mapping[str, Any] | None = None,
    region: str = "RU",
    encoding: str | None = None,
    delimiter: str | None = None,
    progress: bool = False,
) -> Flow[ImportReport]:
    """Import leads from a CSV file, dicts or a DataFrame; returns a report of every row.

    ``mapping``: source column -> lead field (``"PHONE:MOBILE"`` picks a multifield type; ``None`` skips a
    column); without it, columns named like lead fields or usual headers are taken. ``dedupe``: a row
    whose phone or e-mail an existing lead (or an earlier row) has is ``skip``-ped, ``update``-s that lead,
    or is created anyway (``create``, no look-ups). ``defaults``: fields for every new lead
    (``{"SOURCE_ID": "TRADE_SHOW"}``). ``region``: how phones without a country code are read.
    ``progress``: show a bar while writing. See docs/lead-import.md.
    """
    if dedupe not in ("skip", "update", "create"):
        raise InvalidInputError(
            f"dedupe must be 'skip', 'update' or 'create', not {dedupe!r}", field="dedupe"
        )
    require_leads_extra()
    table = read_source(source, encoding=encoding, delimiter=delimiter)
    crm = CrmCalls()
    known: dict[str, FieldInfo] = yield crm.lead.fields()
    targets, ignored = resolve_mapping(table, mapping, known)
    wanted = directories_needed(targets, defaults or {}, known)
    directories: dict[str, dict[str, str]] = {}
    if wanted:
        outcomes = yield Batch([crm.status.entity_items(name) for name in wanted])
        for name, outcome in zip(wanted, outcomes, strict=True):
            directories[name] = {str(s.status_id): str(s.name or s.status_id) for s in outcome.unwrap()}
    fixed = checked_defaults(defaults, known, directories)
    prepared = prepare(table, targets, known, directories, fixed, region)

    done: dict[int, ImportRow] = {}
    valid = []
    for row in prepared:
        if row.ok:
            valid.append(row)
        else:
            done[row.number] = ImportRow(row.number, "failed", None, tuple(row.errors), row.source)
    existing = (yield from _find_existing(crm, valid, region)) if dedupe != "create" else {}

    creates: list[tuple[PreparedLead, dict[str, Any]]] = []
    updates: list[tuple[PreparedLead, int, dict[str, Any]]] = []
    seen: dict[tuple[str, str], int] = {}
    claimed: dict[int, int] = {}
    for row in valid:
        keys = _keys(row)
        earlier = (
            next(((key, seen[key]) for key in keys if key in seen), None) if dedupe != "create" else None
        )
        match = next(((key, existing[key]) for key in keys if key in existing), None)
        for key in keys:
            seen.setdefault(key, row.number)
        if earlier is not None:
            (kind, value), number = earlier
            reason = f"repeats row {number} ({kind} {value})"
            done[row.number] = ImportRow(row.number, "skipped", None, (reason,), row.source)
        elif match is not None:
            (kind, value), lead = match
            lead_id = int(lead.id or 0)
            if dedupe == "skip":
                reason = f"lead {lead_id} has {kind} {value}"
                done[row.number] = ImportRow(row.number, "skipped", lead_id, (reason,), row.source)
            elif lead_id in claimed:
                reason = f"lead {lead_id} ({kind} {value}) is updated from row {claimed[lead_id]}"
                done[row.number] = ImportRow(row.number, "skipped", lead_id, (reason,), row.source)
            else:
                claimed[lead_id] = row.number
                fields = _update_fields(row, lead, region)
                if fields:
                    updates.append((row, lead_id, fields))
                else:
                    reason = f"lead {lead_id} already has these values"
                    done[row.number] = ImportRow(row.number, "skipped", lead_id, (reason,), row.source)
        else:
            fields = {**fixed, **row.fields}
            fields.setdefault("TITLE", fallback_title(fields))
            creates.append((row, fields))

    creates, updates = _drop_unwritable(creates, updates, done)
    if creates:
        result = yield from crm.lead.add_many([fields for _, fields in creates], progress=progress)
        rows = [row for row, _ in creates]
        for report_row in _bulk_rows(result, rows, [None] * len(rows), "created"):
            done[report_row.row] = report_row
    if updates:
        result = yield from crm.lead.update_many(
            [(lead_id, f) for _, lead_id, f in updates], progress=progress
        )
        rows = [row for row, _, _ in updates]
        for report_row in _bulk_rows(result, rows, [lead_id for _, lead_id, _ in updates], "updated"):
            done[report_row.row] = report_row
    used = {
        target.name: target.field + (f":{target.value_type}" if target.value_type else "")
        for target in targets
    }
    return ImportReport(
        rows=[done[row.number] for row in prepared],
        columns=table.columns,
        ignored_columns=tuple(ignored),
        mapping=used,
        encoding=table.encoding,
        delimiter=table.delimiter,
    )


def _drop_unwritable(
    creates: list[tuple[PreparedLead, dict[str, Any]]],
    updates: list[tuple[PreparedLead, int, dict[str, Any]]],
    done: dict[int, ImportRow],
) -> tuple[list[tuple[PreparedLead, dict[str, Any]]], list[tuple[PreparedLead, int, dict[str, Any]]]]:
    """Rows whose fields the Lead model refuses fail here, alone, instead of stopping the bulk write."""
    kept_creates = []
    for row, fields in creates:
        problem = _checked(fields)
        if problem is None:
            kept_creates.append((row, fields))
        else:
            done[row.number] = ImportRow(row.number, "failed", None, (problem,), row.source)
    kept_updates = []
    for row, lead_id, fields in updates:
        problem = _checked(fields)
        if problem is None:
            kept_updates.append((row, lead_id, fields))
        else:
            done[row.number] = ImportRow(row.number, "failed", lead_id, (problem,), row.source)
    return kept_creates, kept_updates
