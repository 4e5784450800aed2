"""Lead conversion over REST: ``convert_lead(b24, lead_id)`` and ``convert_leads(b24, filter=...)``.

Bitrix24 has no REST method for conversion (reference 8): ``crm.lead.update`` to ``CONVERTED`` creates
nothing. These helpers follow the documented recipe: a contact from the lead's name fields and
phones/e-mails, a company from ``COMPANY_TITLE``, a deal from the title, amount, currency, source,
responsible, comments and UTM fields, all three created with ``crm.item.add`` and ``leadId`` (the legacy
``LEAD_ID`` is read-only); the deal bound to the contact and company; the product rows copied; the lead
linked to its client and moved to ``CONVERTED``; a timeline comment on the lead naming what was done.

Safe to rerun: before creating anything the helpers look for objects whose ``leadId`` points to the lead
(an earlier run, even one that crashed midway, left them) and reuse them. Existing clients are reused
through ``crm.duplicate.findbycomm`` (phones, e-mails) and, for companies, the exact title.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ...errors import Bitrix24Error, InvalidInputError, NotFoundError
from ...protocol.batch import Batch, Outcome
from ...protocol.call import Call, Flow, collect
from ...services import CrmCalls
from ...services.entity import ensure_id
from ...services.field_safety import checked
from ...services.progress import open_bar
from ..base import helper
from ._lookup import links_call, product_rows_call, read_lead_links, read_product_rows
from ._plan import Kind, LeadJob
from ._run import refusal, run_jobs, settle
from ._types import (
    ConversionOptions,
    ConversionReport,
    ConversionResult,
    LeadConversionFailedError,
    LeadConversionIncompleteError,
    LeadNotFoundError,
    LeadReport,
)

__all__ = ["LEAD_SELECT", "convert_lead", "convert_leads"]

#: what a conversion reads of a lead: every standard field, custom fields, contact data
LEAD_SELECT = ("*", "UF_*", "PHONE", "EMAIL", "WEB", "IM")


def _kinds(options: ConversionOptions) -> list[Kind]:
    kinds: list[Kind] = []
    if options.contact:
        kinds.append("contact")
    if options.company is not False:
        kinds.append("company")
    if options.deal:
        kinds.append("deal")
    return kinds


def _options(**kwargs: Any) -> ConversionOptions:
    return ConversionOptions.build(**kwargs)


def _check_targets(options: ConversionOptions) -> Flow[None]:
    """Refuse ``field_map`` targets the portal does not know, before anything is read or written
    (crm.deal.fields, crm.contact.fields, crm.company.fields; read once per client, cached)."""
    crm = CrmCalls()
    loads = {"deal": crm.deal.fields, "contact": crm.contact.fields, "company": crm.company.fields}
    for kind, load in loads.items():
        targets = {target: None for _, target_kind, target in options.field_map if target_kind == kind}
        if targets:
            yield from checked(f"crm.{kind}", targets, load(), updating=False)


@helper
def convert_lead(
    lead_id: int,
    *,
    contact: bool = True,
    company: bool | str = "auto",
    deal: bool = True,
    deal_category: int = 0,
    deal_stage: str | None = None,
    dedupe: bool = True,
    copy_products: bool = True,
    close_lead: bool = True,
    field_map: Mapping[str, str] | None = None,
) -> Flow[ConversionResult]:
    """Convert one lead into a contact, a company and a deal; safe to rerun (see the module docstring).

    ``company="auto"`` makes a company only when the lead has ``COMPANY_TITLE``; ``deal_stage`` defaults
    to the funnel's first stage; ``field_map`` copies lead fields (``UF_*`` too) to the deal
    (``"UF_CRM_X"``) or another object (``"contact.UF_CRM_Y"``). Raises :class:`LeadNotFoundError`,
    :class:`LeadJunkError`, :class:`LeadAlreadyConvertedError` (nothing written), or
    :class:`LeadConversionFailedError` / :class:`LeadConversionIncompleteError` with ``result`` = what
    exists and ``cause`` = the failed call's error.
    """
    number = ensure_id(lead_id, "lead_id")
    options = _options(
        contact=contact,
        company=company,
        deal=deal,
        deal_category=deal_category,
        deal_stage=deal_stage,
        dedupe=dedupe,
        copy_products=copy_products,
        close_lead=close_lead,
        field_map=field_map,
    )
    yield from _check_targets(options)
    kinds = _kinds(options)
    reads: dict[str, Call[Any]] = {"lead": Call("crm.lead.get", {"id": number}, read_only=True)}
    if options.deal and options.copy_products:
        reads["rows"] = product_rows_call(number)
    reads.update({kind: links_call(kind, [number], 0) for kind in kinds})
    outcomes: list[Outcome[Any]] = yield Batch(reads)  # one request: the lead, its rows, earlier results
    got = dict(zip(reads, outcomes, strict=True))
    if isinstance(got["lead"].error, NotFoundError):
        raise LeadNotFoundError(
            number, "no such lead (or it is not visible to this user)", cause=got["lead"].error
        )
    job = LeadJob(dict(got["lead"].unwrap()), got["rows"].unwrap() if "rows" in got else [])
    problem = refusal(job.lead)
    if problem is not None:
        raise problem
    links: dict[Kind, int] = {}
    for kind in kinds:
        items, _ = got[kind].unwrap()
        ids = [int(i["id"]) for i in items if int(i.get("leadId") or 0) == number]
        if ids:
            links[kind] = min(ids)
    settle(job, links)
    report = (yield from run_jobs([job], options))[number]
    return _result_or_raise(report)


def _result_or_raise(report: LeadReport) -> ConversionResult:
    result = report.result or ConversionResult(report.lead_id)
    if report.status == "converted":
        return result
    cause = report.error if isinstance(report.error, Bitrix24Error) else None
    if report.status == "partial":
        done = ", ".join(o.describe() for o in result.created) or "the steps before it"
        raise LeadConversionIncompleteError(
            report.lead_id,
            f"stopped midway ({cause}); done so far: {done}; rerun to finish",
            result=result,
            cause=cause,
        )
    raise LeadConversionFailedError(report.lead_id, f"nothing written: {cause}", result=result, cause=cause)


@helper
def convert_leads(
    filter: Mapping[str, Any] | None = None,
    *,
    ids: Sequence[int] | None = None,
    contact: bool = True,
    company: bool | str = "auto",
    deal: bool = True,
    deal_category: int = 0,
    deal_stage: str | None = None,
    dedupe: bool = True,
    copy_products: bool = True,
    close_lead: bool = True,
    field_map: Mapping[str, str] | None = None,
    progress: bool = False,
) -> Flow[ConversionReport]:
    """Convert every lead matching ``filter`` (and/or with these ``ids``), batched; a report per lead.

    Options as :func:`convert_lead`. Junk, already converted and missing leads are ``skipped`` with a
    ``reason``; a lead whose step failed is ``failed`` (nothing written) or ``partial`` (``result`` shows
    what exists); rerunning converts what is left and creates nothing twice. ``progress=True`` shows a bar.
    """
    options = _options(
        contact=contact,
        company=company,
        deal=deal,
        deal_category=deal_category,
        deal_stage=deal_stage,
        dedupe=dedupe,
        copy_products=copy_products,
        close_lead=close_lead,
        field_map=field_map,
    )
    if filter is None and ids is None:
        raise InvalidInputError(
            "convert_leads needs a filter or ids (refusing to convert every lead)", field="filter"
        )
    yield from _check_targets(options)
    if filter is not None and not isinstance(filter, Mapping):
        raise InvalidInputError(f"filter must be a dict, not {type(filter).__name__}", field="filter")
    wanted: list[int] = []
    if ids is not None:
        if isinstance(ids, str) or not isinstance(ids, Sequence):
            raise InvalidInputError("ids must be a list of lead ids", field="ids")
        wanted = list(dict.fromkeys(ensure_id(i, "ids") for i in ids))
    flt: dict[str, Any] = dict(filter or {})
    if ids is not None:
        flt["@ID"] = wanted
    leads: list[dict[str, Any]] = []
    if ids is None or wanted:  # keyset read: a few requests for thousands of leads
        leads = yield from collect(CrmCalls().lead.iter_all(filter=flt, select=LEAD_SELECT, raw=True))
    order = [int(lead["ID"]) for lead in leads]
    reports: dict[int, LeadReport] = {}
    for missing in (i for i in wanted if i not in set(order)):
        reports[missing] = LeadReport(
            missing, "skipped", reason="missing", error=LeadNotFoundError(missing, "no such lead")
        )
        order.append(missing)
    jobs: list[LeadJob] = []
    for lead in leads:
        problem = refusal(lead)
        if problem is None:
            jobs.append(LeadJob(lead))
        else:
            reports[int(lead["ID"])] = LeadReport(
                int(lead["ID"]), "skipped", reason=problem.reason, error=problem
            )
    bar = open_bar("converting leads", len(order), "leads") if progress else None
    try:
        if bar is not None and reports:
            bar.update(len(reports))
        if jobs:
            job_ids = [job.id for job in jobs]
            links = yield from read_lead_links(_kinds(options), job_ids)
            rows = (yield from read_product_rows(job_ids)) if options.deal and options.copy_products else {}
            for job in jobs:
                job.rows = rows.get(job.id, [])
                settle(job, links.get(job.id, {}))
            reports.update((yield from run_jobs(jobs, options, bar)))
    finally:
        if bar is not None:
            bar.close()
    return ConversionReport([reports[i] for i in order])
