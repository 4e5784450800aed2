"""Find companies by INN (and KPP) across the portal: ``find_companies_by_inn(b24, "7707083893")``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...models.crm import Company
from ...models.requisites import Requisite
from ...protocol.call import Flow
from ...services import CrmCalls
from ..base import helper
from ._ru_identifiers import validate_inn, validate_kpp

__all__ = ["CompanyMatch", "find_companies_by_inn"]


@dataclass(frozen=True)
class CompanyMatch:
    """A company found by INN, with the requisite that carries it."""

    company: Company
    requisite: Requisite

    @property
    def company_id(self) -> int:
        """The company id."""
        return int(self.company.id or 0)


@helper
def find_companies_by_inn(
    inn: str, kpp: str | None = None, *, check: bool = True
) -> Flow[list[CompanyMatch]]:
    """Companies whose requisites carry this INN (and KPP), across the portal (crm.requisite.list)."""
    crm = CrmCalls()
    number = validate_inn(inn, field="inn") if check else str(inn).strip()
    flt: dict[str, Any] = {"ENTITY_TYPE_ID": 4, "RQ_INN": number}
    if kpp is not None:
        flt["RQ_KPP"] = validate_kpp(kpp, field="kpp") if check else str(kpp).strip()
    requisites = yield from crm.requisite.list_all(filter=flt)
    owners = sorted({int(rq.entity_id) for rq in requisites if rq.entity_id})
    companies = {c.id: c for c in (yield from crm.company.get_many(owners))} if owners else {}
    return [CompanyMatch(companies[rq.entity_id], rq) for rq in requisites if rq.entity_id in companies]
