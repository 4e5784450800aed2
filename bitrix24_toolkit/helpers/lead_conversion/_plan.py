"""Lead conversion without I/O: what to write for one lead, and how to read the answers back.

A :class:`LeadJob` holds one lead as the portal sent it (legacy UPPER_CASE keys), its product rows and the
contact/company/deal already settled for it (found through the lead links, on the lead itself, or as
duplicates). :func:`plan_writes` turns what is still missing into calls that run in order inside one
``batch`` (``halt``): company, contact (bound to the company), deal (bound to both, ``leadId`` set),
the deal's product rows, the lead update (client links, ``CONVERTED``) and a timeline comment. Ids of
objects created in the same request are ``$result[...]`` references (:class:`~bitrix24_toolkit.protocol.
batch.Ref`). REST has no conversion method (reference 8); this is the documented integrator recipe.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ...models.item_keys import legacy_to_item
from ...protocol.batch import Outcome, Ref
from ...protocol.call import Call
from ...protocol.envelope import APIResponse
from ._types import ConversionOptions, ConversionResult, ConvertedObject

__all__ = [
    "MULTIFIELDS",
    "LeadJob",
    "Planned",
    "comm_values",
    "item_id",
    "normalize_comm",
    "plan_writes",
    "read_back",
    "wants_company",
]

Kind = Literal["contact", "company", "deal"]
MULTIFIELDS = ("PHONE", "EMAIL", "WEB", "IM")
_TYPE_IDS: dict[Kind, int] = {"deal": 2, "contact": 3, "company": 4}
_PERSON = ("NAME", "SECOND_NAME", "LAST_NAME", "HONORIFIC", "POST", "BIRTHDATE", "ADDRESS")
_ORIGIN = ("SOURCE_ID", "SOURCE_DESCRIPTION", "ASSIGNED_BY_ID")
_UTM = ("UTM_SOURCE", "UTM_MEDIUM", "UTM_CAMPAIGN", "UTM_CONTENT", "UTM_TERM")
_MONEY = ("OPPORTUNITY", "CURRENCY_ID", "IS_MANUAL_OPPORTUNITY")
#: product row fields a new owner takes; the portal derives the rest (reference 5.8)
_ROW_FIELDS = (
    "PRODUCT_ID",
    "PRODUCT_NAME",
    "PRICE",
    "QUANTITY",
    "DISCOUNT_TYPE_ID",
    "DISCOUNT_RATE",
    "DISCOUNT_SUM",
    "TAX_RATE",
    "TAX_INCLUDED",
    "MEASURE_CODE",
    "MEASURE_NAME",
    "SORT",
)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _text(lead: Mapping[str, Any], key: str) -> str:
    value = lead.get(key)
    return "" if value is None else str(value).strip()


def normalize_comm(kind: str, value: Any) -> str:
    """A phone as its digits, an e-mail in lower case: the form duplicates are compared in."""
    text = str(value or "").strip()
    return re.sub(r"\D", "", text) if kind == "PHONE" else text.lower()


def comm_values(lead: Mapping[str, Any], kind: str) -> list[str]:
    """The lead's phones or e-mails as written, one per normalised value."""
    seen: dict[str, str] = {}
    for entry in lead.get(kind) or []:
        value = entry.get("VALUE") if isinstance(entry, Mapping) else None
        key = normalize_comm(kind, value)
        if key and key not in seen:
            seen[key] = str(value).strip()
    return list(seen.values())


def wants_company(options: ConversionOptions, lead: Mapping[str, Any]) -> bool:
    """A company is asked for: ``company=True``, or ``"auto"`` and the lead names one."""
    if options.company == "auto":
        return bool(_text(lead, "COMPANY_TITLE"))
    return bool(options.company)


@dataclass
class LeadJob:
    """One lead being converted and what is settled for it so far."""

    lead: dict[str, Any]
    rows: list[dict[str, Any]] = field(default_factory=list)
    contact: ConvertedObject | None = None
    company: ConvertedObject | None = None
    deal: ConvertedObject | None = None
    #: product rows a deal found through the lead link already has (``None``: not read)
    deal_rows: int | None = None
    #: times the job's calls were not run because a neighbour in its batch failed
    attempts: int = 0

    @property
    def id(self) -> int:
        """The lead id."""
        return int(self.lead["ID"])

    def needs(self, kind: Kind, options: ConversionOptions) -> bool:
        """The conversion still has to create (or find) an object of this kind."""
        if kind == "contact":
            return options.contact and self.contact is None
        if kind == "company":
            return wants_company(options, self.lead) and self.company is None
        return options.deal and self.deal is None

    def result(self, **done: Any) -> ConversionResult:
        """The objects settled so far as a result."""
        return ConversionResult(self.id, self.contact, self.company, self.deal, **done)


@dataclass(frozen=True)
class Planned:
    """The calls of one lead, in order, keyed for one batch."""

    job: LeadJob
    calls: list[tuple[str, Call[Any]]]


def item_id(response: APIResponse) -> int:
    """The id of a ``crm.item.add`` answer (``{"item": {"id": 5}}``)."""
    value = response.result
    if isinstance(value, Mapping):
        value = value.get("item", value)
    if isinstance(value, Mapping):
        value = value.get("id", value.get("ID"))
    return int(value)


def _copy(lead: Mapping[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {key: lead[key] for key in keys if not _empty(lead.get(key))}


def _multifields(lead: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind in MULTIFIELDS:
        entries = [
            {"VALUE": e["VALUE"], "VALUE_TYPE": e.get("VALUE_TYPE") or "WORK"}
            for e in lead.get(kind) or []
            if isinstance(e, Mapping) and not _empty(e.get("VALUE"))
        ]
        if entries:
            out[kind] = entries
    return out


def _mapped(options: ConversionOptions, lead: Mapping[str, Any], kind: Kind) -> dict[str, Any]:
    return {
        target: lead[source]
        for source, target_kind, target in options.field_map
        if target_kind == kind and not _empty(lead.get(source))
    }


def _add(kind: Kind, fields: dict[str, Any]) -> Call[int]:
    type_id = _TYPE_IDS[kind]
    params = {
        "entityTypeId": type_id,
        "fields": legacy_to_item(type_id, fields, updating=False),
        "useOriginalUfNames": "Y",  # custom fields keep their UF_CRM_* codes
    }
    return Call("crm.item.add", params, parse=item_id)


def contact_fields(lead: Mapping[str, Any], options: ConversionOptions) -> dict[str, Any]:
    """A new contact from the lead: name fields, origin, UTM, phones/e-mails, ``leadId``, mapped fields."""
    fields = {**_copy(lead, _PERSON), **_copy(lead, _ORIGIN), **_copy(lead, _UTM), **_multifields(lead)}
    if not fields.get("NAME") and not fields.get("LAST_NAME"):
        fields["NAME"] = _text(lead, "TITLE") or f"Lead #{lead['ID']}"  # a contact needs a name
    fields["LEAD_ID"] = int(lead["ID"])
    fields.update(_mapped(options, lead, "contact"))
    return fields


def company_fields(lead: Mapping[str, Any], options: ConversionOptions) -> dict[str, Any]:
    """A new company from ``COMPANY_TITLE`` (else the lead title), with the lead's contact data."""
    title = _text(lead, "COMPANY_TITLE") or _text(lead, "TITLE") or f"Lead #{lead['ID']}"
    fields: dict[str, Any] = {"TITLE": title, **_copy(lead, ("ASSIGNED_BY_ID",)), **_multifields(lead)}
    fields["LEAD_ID"] = int(lead["ID"])
    fields.update(_mapped(options, lead, "company"))
    return fields


def deal_fields(lead: Mapping[str, Any], options: ConversionOptions) -> dict[str, Any]:
    """A new deal: title, amount, currency, source, responsible, comments, UTM, funnel, ``leadId``."""
    fields = {
        **_copy(lead, ("TITLE", "COMMENTS")),
        **_copy(lead, _MONEY),
        **_copy(lead, _ORIGIN),
        **_copy(lead, _UTM),
        "CATEGORY_ID": options.deal_category,
        "LEAD_ID": int(lead["ID"]),
    }
    if options.deal_stage is not None:
        fields["STAGE_ID"] = options.deal_stage
    fields.update(_mapped(options, lead, "deal"))
    return fields


def product_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The lead's product rows as input rows for another owner."""
    return [{key: row[key] for key in _ROW_FIELDS if not _empty(row.get(key))} for row in rows]


def _target(obj: ConvertedObject | None, made: Mapping[Kind, str], kind: Kind) -> int | str | None:
    """The id of a settled object, a reference to the one created earlier in the batch, or ``None``."""
    if obj is not None:
        return obj.id
    return Ref(made[kind], "item", "id") if kind in made else None


def plan_writes(job: LeadJob, options: ConversionOptions) -> Planned:
    """The calls that finish converting ``job`` (nothing when nothing is left to do)."""
    lead, base = job.lead, f"l{job.id}_"
    calls: list[tuple[str, Call[Any]]] = []
    made: dict[Kind, str] = {}
    if job.needs("company", options):
        made["company"] = base + "company"
        calls.append((made["company"], _add("company", company_fields(lead, options))))
    company = _target(job.company, made, "company")
    if job.needs("contact", options):
        fields = contact_fields(lead, options)
        if company is not None:
            fields["COMPANY_IDS"] = [company]
        made["contact"] = base + "contact"
        calls.append((made["contact"], _add("contact", fields)))
    contact = _target(job.contact, made, "contact")
    rows = product_rows(job.rows) if options.copy_products else []
    deal: int | str | None = None
    if job.needs("deal", options):
        fields = deal_fields(lead, options)
        if company is not None:
            fields["COMPANY_ID"] = company
        if contact is not None:
            fields["CONTACT_IDS"] = [contact]
        made["deal"] = base + "deal"
        calls.append((made["deal"], _add("deal", fields)))
        deal = Ref(made["deal"], "item", "id")
    elif job.deal is not None and job.deal.via == "lead_link" and job.deal_rows == 0:
        deal = job.deal.id  # an earlier run stopped before copying the rows
    if rows and deal is not None:
        calls.append((base + "rows", Call("crm.deal.productrows.set", {"id": deal, "rows": rows})))
    update: dict[str, Any] = {}
    if contact is not None and _empty(lead.get("CONTACT_ID")):
        update["CONTACT_ID"] = contact
    if company is not None and _empty(lead.get("COMPANY_ID")):
        update["COMPANY_ID"] = company
    if options.close_lead:
        update["STATUS_ID"] = "CONVERTED"
    if not calls and not options.close_lead:
        update = {}  # nothing new and the lead stays open: a rerun writes nothing at all
    if update:
        calls.append((base + "lead", Call("crm.lead.update", {"id": job.id, "fields": update})))
    if calls:
        text = _comment(job, made, len(rows) if deal is not None else 0, options.close_lead)
        params = {"fields": {"ENTITY_TYPE": "lead", "ENTITY_ID": job.id, "COMMENT": text}}
        calls.append((base + "note", Call("crm.timeline.comment.add", params, parse=item_id)))
    return Planned(job, calls)


def _comment(job: LeadJob, made: Mapping[Kind, str], rows: int, closed: bool) -> str:
    parts = []
    for kind in ("contact", "company", "deal"):
        obj: ConvertedObject | None = getattr(job, kind)
        if kind in made:
            parts.append(f"{kind} #{Ref(made[kind], 'item', 'id')} (created)")
        elif obj is not None:
            parts.append(obj.describe())
    if rows:
        parts.append(f"{rows} product row(s) copied to the deal")
    head = "Lead converted" if closed else "Lead converted (left open)"
    return f"{head} by bitrix24-toolkit: " + "; ".join(parts or ["nothing to create"]) + "."


def read_back(
    plan: Planned, outcomes: Mapping[str, Outcome[Any]]
) -> tuple[ConversionResult, Outcome[Any] | None]:
    """Apply a batch's outcomes to the job: the result so far and the first failed outcome (if any)."""
    job, base = plan.job, f"l{plan.job.id}_"
    done: dict[str, Any] = {}
    failed: Outcome[Any] | None = None
    for key, call in plan.calls:
        outcome = outcomes[key]
        if not outcome.ok:
            failed = failed or outcome
            continue
        step = key.removeprefix(base)
        if step in ("contact", "company", "deal"):
            setattr(job, step, ConvertedObject(step, int(outcome.value), "created"))  # type: ignore[arg-type]
        elif step == "rows":
            done["product_rows"] = len(call.params["rows"])
            job.deal_rows = done["product_rows"]
        elif step == "lead":
            written = call.params["fields"]
            done["closed"] = "STATUS_ID" in written
            for name, obj in (("CONTACT_ID", job.contact), ("COMPANY_ID", job.company)):
                if name in written and obj is not None:
                    job.lead[name] = obj.id
        elif step == "note":
            done["comment_id"] = outcome.value
    return job.result(**done), failed
