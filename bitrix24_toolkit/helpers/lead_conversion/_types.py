"""What a lead conversion returns and raises: the objects it used, per-lead reports, typed errors."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

from ...errors import Bitrix24Error, InvalidInputError

__all__ = [
    "ConversionOptions",
    "ConversionReport",
    "ConversionResult",
    "ConvertedObject",
    "LeadAlreadyConvertedError",
    "LeadConversionError",
    "LeadConversionFailedError",
    "LeadConversionIncompleteError",
    "LeadJunkError",
    "LeadNotFoundError",
    "LeadReport",
    "Reason",
    "Status",
    "Via",
]

#: How a conversion came by an object: made now, found through the lead link an earlier run left
#: (``leadId``), found as a duplicate by phone/e-mail or company title, or already linked on the lead.
Via: TypeAlias = Literal["created", "lead_link", "duplicate", "lead"]
Reason: TypeAlias = Literal["missing", "already_converted", "junk", "failed", "incomplete"]
Status: TypeAlias = Literal["converted", "skipped", "failed", "partial"]


@dataclass(frozen=True)
class ConvertedObject:
    """A contact, company or deal of a conversion: its id and whether this run created it."""

    kind: Literal["contact", "company", "deal"]
    id: int
    via: Via = "created"

    @property
    def created(self) -> bool:
        """This run created the object (``False``: an existing one was reused)."""
        return self.via == "created"

    def describe(self) -> str:
        """``contact #12 (created)``, ``company #5 (existing: same phone/e-mail)`` ..."""
        how = {
            "created": "created",
            "lead_link": "found: created from this lead earlier",
            "duplicate": "existing: same phone/e-mail or title",
            "lead": "existing: already linked to the lead",
        }[self.via]
        return f"{self.kind} #{self.id} ({how})"


@dataclass(frozen=True)
class ConversionResult:
    """The outcome of converting one lead: the objects used (``None`` = not asked for) and what was done."""

    lead_id: int
    contact: ConvertedObject | None = None
    company: ConvertedObject | None = None
    deal: ConvertedObject | None = None
    #: product rows copied from the lead to the deal by this run
    product_rows: int = 0
    #: the lead was moved to ``CONVERTED`` by this run
    closed: bool = False
    #: the timeline comment written on the lead by this run
    comment_id: int | None = None

    @property
    def objects(self) -> list[ConvertedObject]:
        """Contact, company and deal, those present."""
        return [o for o in (self.contact, self.company, self.deal) if o is not None]

    @property
    def created(self) -> list[ConvertedObject]:
        """The objects this run created."""
        return [o for o in self.objects if o.created]

    @property
    def reused(self) -> list[ConvertedObject]:
        """The existing objects this run reused."""
        return [o for o in self.objects if not o.created]


class LeadConversionError(Bitrix24Error):
    """A lead could not be converted; ``reason`` says why, ``result`` holds what exists (if anything).

    ``reason``: ``missing`` (no such lead), ``already_converted``, ``junk`` (a failure status), ``failed``
    (a call failed before anything was written) or ``incomplete`` (a step failed midway: ``result`` lists
    what exists, ``cause`` is the error; a rerun resumes where it stopped).
    """

    reason: Reason = "failed"

    def __init__(
        self,
        lead_id: int,
        message: str,
        *,
        result: ConversionResult | None = None,
        cause: Bitrix24Error | None = None,
    ) -> None:
        super().__init__(f"lead {lead_id}: {message}")
        self.lead_id = lead_id
        self.result = result
        self.cause = cause


class LeadNotFoundError(LeadConversionError):
    """The lead does not exist (or is not visible to the caller)."""

    reason: Reason = "missing"


class LeadAlreadyConvertedError(LeadConversionError):
    """The lead is already at its success status (``CONVERTED``); nothing was written."""

    reason: Reason = "already_converted"


class LeadJunkError(LeadConversionError):
    """The lead is at a failure status (``JUNK``): a junk lead is not converted; nothing was written."""

    reason: Reason = "junk"


class LeadConversionFailedError(LeadConversionError):
    """A call failed (``cause``) before anything was written for the lead; rerunning is safe."""

    reason: Reason = "failed"


class LeadConversionIncompleteError(LeadConversionFailedError):
    """A step failed after others succeeded: ``result`` lists what exists; rerunning resumes safely."""

    reason: Reason = "incomplete"


@dataclass(frozen=True)
class LeadReport:
    """One lead of :func:`convert_leads`: converted, skipped (see ``reason``), failed or partial."""

    lead_id: int
    status: Status
    result: ConversionResult | None = None
    reason: Reason | None = None
    error: Bitrix24Error | None = None


@dataclass(frozen=True)
class ConversionReport:
    """Per-lead outcomes of :func:`convert_leads`, in the order the leads were read."""

    leads: list[LeadReport] = field(default_factory=list)

    def __iter__(self) -> Iterator[LeadReport]:
        return iter(self.leads)

    def __len__(self) -> int:
        return len(self.leads)

    def _with(self, status: Status) -> list[LeadReport]:
        return [r for r in self.leads if r.status == status]

    @property
    def converted(self) -> list[LeadReport]:
        """Leads converted by this run."""
        return self._with("converted")

    @property
    def skipped(self) -> list[LeadReport]:
        """Leads left alone: missing, already converted or junk (see ``reason``)."""
        return self._with("skipped")

    @property
    def failed(self) -> list[LeadReport]:
        """Leads where nothing was written because a call failed."""
        return self._with("failed")

    @property
    def partial(self) -> list[LeadReport]:
        """Leads converted only partly (``result`` shows what exists): rerun to finish them."""
        return self._with("partial")

    def counts(self) -> dict[str, int]:
        """How many leads ended in each status."""
        return dict(Counter(r.status for r in self.leads))

    def created_count(self, kind: str) -> int:
        """How many objects of a kind (``contact``/``company``/``deal``) this run created."""
        return sum(1 for r in self.leads if r.result for o in r.result.created if o.kind == kind)

    def summary(self) -> str:
        """One line: ``3 converted, 1 skipped (junk: 1), 0 failed, 0 partial``."""
        reasons = Counter(r.reason for r in self.skipped if r.reason)
        detail = ", ".join(f"{k}: {v}" for k, v in sorted(reasons.items()))
        skipped = f"{len(self.skipped)} skipped" + (f" ({detail})" if detail else "")
        return (
            f"{len(self.converted)} converted, {skipped}, {len(self.failed)} failed, "
            f"{len(self.partial)} partial"
        )


def _check_bool(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise InvalidInputError(f"{name} must be True or False, not {value!r}", field=name)
    return value


_TARGETS = ("contact", "company", "deal")


@dataclass(frozen=True)
class ConversionOptions:
    """The knobs of a conversion, checked once before any request (see :func:`convert_lead`)."""

    contact: bool = True
    company: bool | Literal["auto"] = "auto"
    deal: bool = True
    deal_category: int = 0
    deal_stage: str | None = None
    dedupe: bool = True
    copy_products: bool = True
    close_lead: bool = True
    #: lead field -> (target kind, target field), from ``field_map``
    field_map: tuple[tuple[str, str, str], ...] = ()

    @classmethod
    def build(
        cls,
        *,
        contact: bool,
        company: bool | str,
        deal: bool,
        deal_category: int,
        deal_stage: str | None,
        dedupe: bool,
        copy_products: bool,
        close_lead: bool,
        field_map: Mapping[str, str] | None,
    ) -> ConversionOptions:
        """Options from the helper's keyword arguments; bad values -> :class:`InvalidInputError`."""
        if company != "auto" and not isinstance(company, bool):
            raise InvalidInputError(
                f"company must be True, False or 'auto', not {company!r}", field="company"
            )
        if isinstance(deal_category, bool) or not isinstance(deal_category, int) or deal_category < 0:
            raise InvalidInputError(
                f"deal_category must be a funnel id (0 = default), not {deal_category!r}",
                field="deal_category",
            )
        stage = None
        if deal_stage is not None:
            if not isinstance(deal_stage, str) or not deal_stage.strip():
                raise InvalidInputError(
                    f"deal_stage must be a stage id, not {deal_stage!r}", field="deal_stage"
                )
            stage = deal_stage.strip()
            prefix = f"C{deal_category}:"
            if deal_category and not stage.startswith(prefix):
                stage = prefix + stage  # stages of funnel N are "C{N}:CODE" (reference 5.5)
        return cls(
            contact=_check_bool("contact", contact),
            company="auto" if company == "auto" else _check_bool("company", company),
            deal=_check_bool("deal", deal),
            deal_category=deal_category,
            deal_stage=stage,
            dedupe=_check_bool("dedupe", dedupe),
            copy_products=_check_bool("copy_products", copy_products),
            close_lead=_check_bool("close_lead", close_lead),
            field_map=_parse_field_map(field_map),
        )


def _parse_field_map(field_map: Mapping[str, str] | None) -> tuple[tuple[str, str, str], ...]:
    """``{"UF_CRM_BUDGET": "UF_CRM_DEAL_BUDGET", "UF_CRM_CITY": "contact.UF_CRM_CITY"}`` -> triples.

    A target without a ``kind.`` prefix is a deal field.
    """
    if field_map is None:
        return ()
    if not isinstance(field_map, Mapping):
        raise InvalidInputError("field_map must be a dict of lead field -> target field", field="field_map")
    out: list[tuple[str, str, str]] = []
    for source, target in field_map.items():
        if not (isinstance(source, str) and source.strip() and isinstance(target, str) and target.strip()):
            raise InvalidInputError(
                f"field_map entries must be non-empty field names, got {source!r}: {target!r}",
                field="field_map",
            )
        kind, dot, name = target.strip().partition(".")
        if not dot:
            kind, name = "deal", kind
        if kind.lower() not in _TARGETS or not name:
            raise InvalidInputError(
                f"field_map target {target!r}: use 'FIELD' (deal) or 'contact.FIELD' / 'company.FIELD' / "
                "'deal.FIELD'",
                field="field_map",
            )
        out.append((source.strip(), kind.lower(), name))
    return tuple(out)
