"""The engine of lead conversion: settle what exists, then write what is missing, in waves of batches.

Each lead's remaining calls (:func:`~._plan.plan_writes`) go into one ``batch`` request
with ``halt`` so that a failed step stops the steps after it (no deal bound to a contact that was never
created); several leads share a request, whole leads only (at most 50 calls). A lead whose calls did not
run because a neighbour failed goes into the next wave unchanged. Leads that would create the same new
contact (a shared phone or e-mail) or company (the same title) are spread over waves: the first creates
it, the others reuse it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from ...errors import APIError, Bitrix24Error, OutcomeUnknownError, leaves_outcome_unknown
from ...protocol.batch import Batch, Outcome, plan_batch
from ...protocol.call import Call, Flow, Parallel
from ...services.progress import Bar
from ._lookup import find_duplicates, read_deal_rows, read_lead_links
from ._plan import Kind, LeadJob, Planned, comm_values, normalize_comm, plan_writes, read_back
from ._types import (
    ConversionOptions,
    ConvertedObject,
    LeadAlreadyConvertedError,
    LeadConversionError,
    LeadJunkError,
    LeadReport,
    Status,
)

__all__ = ["refusal", "run_jobs", "settle"]

_MAX_CALLS = 50
#: a lead held back this many times by failing neighbours is reported as failed
_MAX_ATTEMPTS = 5


def refusal(lead: Mapping[str, Any]) -> LeadConversionError | None:
    """Why a lead must not be converted (junk or already converted), or ``None``."""
    lead_id = int(lead["ID"])
    status = str(lead.get("STATUS_ID") or "")
    semantic = str(lead.get("STATUS_SEMANTIC_ID") or "")
    if semantic == "F" or (not semantic and status == "JUNK"):
        return LeadJunkError(lead_id, f"the lead is at the failure status {status or 'JUNK'}: not converted")
    if semantic == "S" or (not semantic and status == "CONVERTED"):
        return LeadAlreadyConvertedError(
            lead_id, f"the lead is already converted (status {status or 'CONVERTED'}): nothing written"
        )
    return None


def _link_id(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def settle(job: LeadJob, links: Mapping[Kind, int]) -> None:
    """Objects an earlier run created for the lead (``leadId``), then clients already on the lead."""
    for kind, found in links.items():
        setattr(job, kind, ConvertedObject(kind, found, "lead_link"))
    pairs: tuple[tuple[Kind, str], ...] = (("contact", "CONTACT_ID"), ("company", "COMPANY_ID"))
    for kind, name in pairs:
        linked = _link_id(job.lead.get(name))
        if getattr(job, kind) is None and linked is not None:
            setattr(job, kind, ConvertedObject(kind, linked, "lead"))


def _group_keys(jobs: Sequence[LeadJob], options: ConversionOptions) -> dict[int, dict[Kind, str]]:
    """Per job, the key of the new contact/company it would create; jobs sharing a key share the object."""
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    comms: dict[int, list[str]] = {}
    for job in jobs:
        values = [f"{c}:{normalize_comm(c, v)}" for c in ("PHONE", "EMAIL") for v in comm_values(job.lead, c)]
        comms[job.id] = values
        for value in values[1:]:
            parent[root(value)] = root(values[0])
    keys: dict[int, dict[Kind, str]] = {}
    for job in jobs:
        contact = (
            f"contact:{root(comms[job.id][0])}" if options.dedupe and comms[job.id] else f"contact#{job.id}"
        )
        title = str(job.lead.get("COMPANY_TITLE") or "").strip().casefold()
        company = f"company:{title}" if options.dedupe and title else f"company#{job.id}"
        keys[job.id] = {"contact": contact, "company": company}
    return keys


def _pack(plans: Sequence[Planned]) -> list[list[Planned]]:
    chunks: list[list[Planned]] = []
    size = _MAX_CALLS
    for plan in plans:
        if size + len(plan.calls) > _MAX_CALLS:
            chunks.append([])
            size = 0
        chunks[-1].append(plan)
        size += len(plan.calls)
    return chunks


def _chunk_call(chunk: Sequence[Planned]) -> Call[dict[str, Outcome[Any]]]:
    pairs = {key: call for plan in chunk for key, call in plan.calls}
    (only,) = plan_batch(Batch(pairs, halt=True))  # one chunk: a failed step stops the steps after it
    return only.call()


def _report(job: LeadJob, plan: Planned, outcomes: Mapping[str, Outcome[Any]]) -> LeadReport | None:
    """The lead's report from its outcomes, or ``None`` when none of its calls ran (try again)."""
    result, failed = read_back(plan, outcomes)
    if failed is None:
        return LeadReport(job.id, "converted", result)
    ran = [outcomes[key] for key, _ in plan.calls if outcomes[key].ran]
    if not ran:
        return None
    status: Status = "partial" if any(o.ok for o in ran) else "failed"
    return LeadReport(
        job.id, status, result, reason="incomplete" if status == "partial" else "failed", error=failed.error
    )


def _prepare(jobs: Sequence[LeadJob], options: ConversionOptions) -> Flow[dict[int, LeadReport]]:
    """Read what settling needs (rows of deals found by link, duplicates); jobs that cannot go on fail."""
    failed: dict[int, LeadReport] = {}
    resumed = [
        job.deal.id
        for job in jobs
        if options.copy_products and job.rows and job.deal is not None and job.deal.via == "lead_link"
    ]
    if resumed:
        counts = yield from read_deal_rows(resumed)
        for job in jobs:
            if job.deal is not None and job.deal.id in counts:
                job.deal_rows = counts[job.deal.id]
    if options.dedupe:
        try:
            yield from find_duplicates(jobs, options)
        except Bitrix24Error as exc:  # without the look-up a new contact could be a duplicate: stop there
            for job in jobs:
                if job.needs("contact", options) or job.needs("company", options):
                    failed[job.id] = LeadReport(job.id, "failed", job.result(), reason="failed", error=exc)
    return failed


def run_jobs(
    jobs: Sequence[LeadJob], options: ConversionOptions, bar: Bar | None = None
) -> Flow[dict[int, LeadReport]]:
    """Convert settled jobs; one report per job."""
    reports = yield from _prepare(jobs, options)
    if bar is not None and reports:
        bar.update(len(reports))
    keys = _group_keys(jobs, options)
    known: dict[str, ConvertedObject] = {}
    pending = [job for job in jobs if job.id not in reports]
    while pending:
        wave: list[LeadJob] = []
        later: list[LeadJob] = []
        claimed: set[str] = set()
        for job in pending:
            for kind, key in keys[job.id].items():
                if job.needs(kind, options) and key in known:
                    setattr(job, kind, replace(known[key], via="duplicate"))
            wanted = {key for kind, key in keys[job.id].items() if job.needs(kind, options)}
            if wanted & claimed:
                later.append(job)  # another lead of this wave creates the shared contact/company
                continue
            claimed |= wanted
            wave.append(job)
        plans = [plan_writes(job, options) for job in wave]
        finished = [LeadReport(p.job.id, "converted", p.job.result()) for p in plans if not p.calls]
        chunks = _pack([p for p in plans if p.calls])
        answers = (yield Parallel([_chunk_call(chunk) for chunk in chunks])) if chunks else []
        uncertain: list[LeadJob] = []  # leads whose shared contact/company may exist without our knowing
        for chunk, answer in zip(chunks, answers, strict=True):
            for plan in chunk:
                if isinstance(answer, Bitrix24Error):  # the whole request failed
                    finished.append(
                        LeadReport(plan.job.id, "failed", plan.job.result(), reason="failed", error=answer)
                    )
                    if maybe_applied(answer):
                        uncertain.append(plan.job)
                    continue
                if any(maybe_applied(answer[key].error) for key, _ in plan.calls):
                    uncertain.append(plan.job)
                report = _report(plan.job, plan, answer)
                for kind, key in keys[plan.job.id].items():
                    obj = getattr(plan.job, kind)
                    if obj is not None and obj.created:
                        known.setdefault(key, obj)
                if report is not None:
                    finished.append(report)
                elif plan.job.attempts + 1 >= _MAX_ATTEMPTS:
                    error = Bitrix24Error("not run: other leads in its batch kept failing; rerun to convert")
                    finished.append(
                        LeadReport(plan.job.id, "failed", plan.job.result(), reason="failed", error=error)
                    )
                else:
                    plan.job.attempts += 1
                    later.append(plan.job)
        if uncertain and later:
            held = yield from _recheck(uncertain, later, keys, known, options)
            for job in [job for job in later if job.id in held]:
                later.remove(job)
                finished.append(
                    LeadReport(job.id, "failed", job.result(), reason="failed", error=held[job.id])
                )
        for report in finished:
            reports[report.lead_id] = report
        if bar is not None and finished:
            bar.update(len(finished))
        pending = later
    return reports


def maybe_applied(error: BaseException | None) -> bool:
    """The write may have been applied: no answer, an answer we could not read, a server error or a 408
    (a refusal by the portal, a refused token included, applied nothing)."""
    if error is None:
        return False
    if isinstance(error, OutcomeUnknownError):
        return True
    if isinstance(error, APIError) and error.status_code == 408:
        return True
    return isinstance(error, Bitrix24Error) and leaves_outcome_unknown(error)


def _recheck(
    uncertain: Sequence[LeadJob],
    later: Sequence[LeadJob],
    keys: Mapping[int, Mapping[Kind, str]],
    known: dict[str, ConvertedObject],
    options: ConversionOptions,
) -> Flow[dict[int, Bitrix24Error]]:
    """A shared contact/company whose creation has an unknown outcome is looked up again (by the ``leadId``
    it was created with) before a later lead may use it: found, the later leads reuse it; not found (the
    portal may still be applying the lost request) or the look-up failing, the later leads needing it are
    held back: reported failed with nothing written for them, so a rerun finds the object or creates it
    once. Never created twice. Returns the held leads' errors by lead id."""
    doubtful: dict[str, LeadJob] = {}
    for job in uncertain:
        for kind, key in keys[job.id].items():
            if kind != "deal" and key not in known and getattr(job, kind) is None:
                doubtful.setdefault(key, job)
    waiting = {key for job in later for kind, key in keys[job.id].items() if job.needs(kind, options)}
    doubtful = {key: job for key, job in doubtful.items() if key in waiting}
    if not doubtful:
        return {}
    owners = sorted({job.id for job in doubtful.values()})
    why = "it is not found (yet: the portal may still be applying that request)"
    links: dict[int, dict[Kind, int]] = {}
    try:
        links = yield from read_lead_links(("contact", "company"), owners)
    except Bitrix24Error as exc:
        why = f"looking it up failed ({exc})"
    unresolved: set[str] = set()
    for key, job in doubtful.items():
        which: Kind = "contact" if key.startswith("contact") else "company"
        found = links.get(job.id, {}).get(which)
        if found is not None:
            known[key] = ConvertedObject(which, found, "lead_link")
        else:
            unresolved.add(key)
    held: dict[int, Bitrix24Error] = {}
    for job in later:
        shared = [key for kind, key in keys[job.id].items() if job.needs(kind, options) and key in unresolved]
        if shared:
            held[job.id] = OutcomeUnknownError(
                f"not converted: lead {doubtful[shared[0]].id} may have created the contact/company this "
                f"lead shares, and {why}; nothing was written for this lead: rerun to convert it",
                method="batch",
            )
    return held
