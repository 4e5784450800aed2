"""Your own company's details ("my company"), as in the guide "how to add your company's requisites".

A seller company is an ordinary company with ``IS_MY_COMPANY=Y`` (reference 6.6) whose requisite and bank
details go on invoices and deals. ``ensure_my_company`` makes sure it exists with its requisite, bank details
and addresses; it is idempotent: it finds the company by the requisite's INN (+KPP), then by title, and
upserts the requisite, so a second run creates nothing. ``my_companies`` lists them with their details and
``pick_my_company`` chooses one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ...errors import Bitrix24Error, InvalidInputError
from ...models.requisites import Preset
from ...protocol.call import Flow
from ...services import CrmCalls
from ...services.field_safety import checked as known_keys
from ..base import helper
from ._details import CompanyDetails, details_of_companies
from ._presets import check_kind, preset_kind, resolve_preset
from ._ru_identifiers import check_bank_detail_fields, check_requisite_fields, validate_inn, validate_kpp
from ._write import Addresses, SavedRequisite, known_requisite_keys, upsert_requisite
from ._write import _address_map as address_map

__all__ = ["MyCompany", "MyCompanyNotFoundError", "ensure_my_company", "my_companies", "pick_my_company"]


class MyCompanyNotFoundError(Bitrix24Error, LookupError):
    """No company with ``IS_MY_COMPANY=Y`` matches (or several do and the choice is ambiguous)."""


@dataclass(frozen=True)
class MyCompany:
    """What ``ensure_my_company`` left on the portal."""

    company_id: int
    #: True when the company itself was created by this call
    created: bool
    requisite: SavedRequisite


@helper
def my_companies() -> Flow[list[CompanyDetails]]:
    """Every company with ``IS_MY_COMPANY=Y``, with requisites, bank details, addresses (crm.company.list)."""
    crm = CrmCalls()
    companies = yield from crm.company.list_all(filter={"IS_MY_COMPANY": "Y"}, order={"ID": "ASC"})
    return (yield from details_of_companies(companies))


def _choose(
    companies: list[CompanyDetails], *, inn: str | None, kpp: str | None, title: str | None
) -> CompanyDetails | None:
    if inn is not None:
        found = [c for c in companies if c.find(inn, kpp) is not None]
        if found:
            return found[0]
    if title is not None:
        wanted = title.strip().casefold()
        found = [c for c in companies if c.title.strip().casefold() == wanted]
        if found:
            return found[0]
    return None


@helper
def pick_my_company(
    *, inn: str | None = None, kpp: str | None = None, title: str | None = None
) -> Flow[CompanyDetails]:
    """Your company with this INN (+KPP) or title; with no criteria, the only one (crm.company.list)."""
    inn = validate_inn(inn, field="inn") if inn is not None else None
    kpp = validate_kpp(kpp, field="kpp") if kpp is not None else None
    companies = yield from my_companies.flow()
    if inn is None and title is None:
        if len(companies) == 1:
            return companies[0]
        raise MyCompanyNotFoundError(
            f"{len(companies)} companies have IS_MY_COMPANY=Y: pass inn= or title= to choose"
            if companies
            else "no company has IS_MY_COMPANY=Y: create one with ensure_my_company()"
        )
    chosen = _choose(companies, inn=inn, kpp=kpp, title=title)
    if chosen is None:
        wanted = ", ".join(f"{k}={v!r}" for k, v in (("inn", inn), ("kpp", kpp), ("title", title)) if v)
        raise MyCompanyNotFoundError(f"none of your {len(companies)} companies matches {wanted}")
    return chosen


@helper
def ensure_my_company(
    title: str,
    requisite: Mapping[str, Any],
    *,
    bank_details: Iterable[Mapping[str, Any]] = (),
    addresses: Addresses | None = None,
    preset: int | Preset | None = None,
    country: int | str = "RU",
    kind: str | None = None,
    company_fields: Mapping[str, Any] | None = None,
) -> Flow[MyCompany]:
    """Make sure your company exists with this requisite, bank details and addresses; idempotent."""
    crm = CrmCalls()
    if not isinstance(title, str) or not title.strip():
        raise InvalidInputError("title: the name of your company is required", field="title")
    # the preset is read and every identifier checked before anything is written
    chosen = yield from resolve_preset(preset, country=country, kind=kind, default_kind="organisation")
    inn_kind = check_kind(kind) if kind is not None else preset_kind(chosen)
    fields = check_requisite_fields(
        {str(key).upper(): value for key, value in requisite.items()},
        country_id=chosen.country_id,
        kind=inn_kind,
    )
    banks = [
        check_bank_detail_fields({str(k).upper(): v for k, v in bank.items()}, country_id=chosen.country_id)
        for bank in bank_details
    ]
    # and every key is known to the portal (company, requisite, bank details, addresses)
    if company_fields:
        yield from known_keys(
            crm.company.rest_name, dict(company_fields), crm.company.fields(), updating=False
        )
    yield from known_requisite_keys(fields, banks, address_map(addresses))
    inn = str(fields["RQ_INN"]) if fields.get("RQ_INN") else None
    kpp = str(fields["RQ_KPP"]) if fields.get("RQ_KPP") else None
    companies = yield from my_companies.flow()
    found = _choose(companies, inn=inn, kpp=kpp, title=title)
    created = found is None
    if found is None:
        data = {**(company_fields or {}), "TITLE": title.strip(), "IS_MY_COMPANY": "Y"}
        company_id: int = yield from crm.company.add(data)
    else:
        company_id = found.id
    saved = yield from upsert_requisite.flow(
        "company",
        company_id,
        fields,
        bank_details=banks,
        addresses=addresses,
        preset=chosen,
        country=country,
        kind=kind,
        key=("RQ_INN", "RQ_KPP") if inn else ("NAME",),
    )
    return MyCompany(company_id, created, saved)
