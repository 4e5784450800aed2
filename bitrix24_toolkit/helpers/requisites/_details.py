"""A company's (or contact's) full legal details read back as one typed object, and exported as plain dicts.

``company_details(b24, 5)`` reads the company, its requisites, their bank details and addresses in three
requests (batched), and returns :class:`CompanyDetails`; ``requisites_of(b24, "contact", 7)`` does the same
for any owner. ``details.to_dict()`` gives plain dicts that
:func:`~bitrix24_toolkit.helpers.import_requisites` writes back (to the same or another portal: presets
are named by country, kind and name, not by id).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from ...errors import InvalidInputError
from ...models.crm import Company
from ...models.meta import Page
from ...models.requisites import Address, BankDetail, Preset, Requisite
from ...protocol.batch import Batch, Outcome
from ...protocol.call import Flow
from ...services import CrmCalls
from ...services.entity import ensure_id
from ..base import helper
from ._presets import list_presets, preset_kind

__all__ = [
    "OWNER_KINDS",
    "CompanyDetails",
    "RequisiteDetails",
    "company_details",
    "details_of_companies",
    "owner_type_id",
    "requisites_of",
    "with_children",
]

#: owner names -> entityTypeId (requisites belong to contacts and companies only)
OWNER_KINDS: Final[dict[str, int]] = {"contact": 3, "company": 4}
#: requisite keys that are the portal's bookkeeping, not details to export
_BOOKKEEPING: Final = frozenset(
    {"ID", "ENTITY_TYPE_ID", "ENTITY_ID", "PRESET_ID", "DATE_CREATE", "DATE_MODIFY", "CREATED_BY_ID"}
    | {"MODIFY_BY_ID", "COUNTRY_ID", "TYPE_ID", "ANCHOR_TYPE_ID", "ANCHOR_ID", "LOC_ADDR_ID"}
)


def owner_type_id(owner: int | str) -> int:
    """4 for ``"company"``/4, 3 for ``"contact"``/3; InvalidInputError for anything else."""
    if isinstance(owner, str) and owner.strip().lower() in OWNER_KINDS:
        return OWNER_KINDS[owner.strip().lower()]
    if not isinstance(owner, bool) and isinstance(owner, int | str) and str(owner).strip() in ("3", "4"):
        return int(owner)
    raise InvalidInputError(
        f"owner must be 'company' (4) or 'contact' (3): requisites belong to no other kind, not {owner!r}",
        field="owner",
    )


def _plain(model: Requisite | BankDetail | Address) -> dict[str, Any]:
    """The set, non-empty detail fields of a record under their API names (bookkeeping left out)."""
    return {
        key: value
        for key, value in model.to_api().items()
        if key not in _BOOKKEEPING and value is not None and value != ""
    }


@dataclass(frozen=True)
class RequisiteDetails:
    """One requisite with its bank details and its addresses (by type id: 6 legal, 1 actual, 8 postal...)."""

    requisite: Requisite
    bank_details: list[BankDetail] = field(default_factory=list)
    addresses: dict[int, Address] = field(default_factory=dict)
    preset: Preset | None = None

    @property
    def id(self) -> int:
        """The requisite id."""
        return int(self.requisite.id or 0)

    @property
    def inn(self) -> str | None:
        """The INN (``RQ_INN``), if any."""
        return self.requisite.rq_inn or None

    @property
    def kpp(self) -> str | None:
        """The KPP (``RQ_KPP``), if any."""
        return self.requisite.rq_kpp or None

    def to_dict(self) -> dict[str, Any]:
        """Plain dicts: ``preset`` (country, kind, name), ``fields``, ``bank_details``, ``addresses``."""
        preset: dict[str, Any] = {"id": self.requisite.preset_id}
        if self.preset is not None:
            preset.update(
                country_id=self.preset.country_id,
                kind=preset_kind(self.preset),
                name=self.preset.name,
                xml_id=self.preset.xml_id or None,
            )
        return {
            "preset": preset,
            "fields": _plain(self.requisite),
            "bank_details": [_plain(bank) for bank in self.bank_details],
            "addresses": {str(type_id): _plain(address) for type_id, address in self.addresses.items()},
        }


@dataclass(frozen=True)
class CompanyDetails:
    """A company with all its requisites (each with bank details and addresses)."""

    company: Company
    requisites: list[RequisiteDetails] = field(default_factory=list)

    @property
    def id(self) -> int:
        """The company id."""
        return int(self.company.id or 0)

    @property
    def title(self) -> str:
        """The company's name in the CRM."""
        return self.company.title or ""

    def find(self, inn: str, kpp: str | None = None) -> RequisiteDetails | None:
        """The requisite with this INN (and KPP, when given), or ``None``."""
        for details in self.requisites:
            if details.inn == inn and (kpp is None or details.kpp == kpp):
                return details
        return None

    def to_dict(self) -> dict[str, Any]:
        """Plain dicts: ``company`` (id, title, is_my_company) and ``requisites`` (see RequisiteDetails)."""
        return {
            "company": {
                "id": self.id,
                "TITLE": self.title,
                "IS_MY_COMPANY": "Y" if self.company.is_my_company else "N",
            },
            "requisites": [details.to_dict() for details in self.requisites],
        }


def _items_and_more(outcome: Outcome[Any]) -> tuple[list[Any], bool]:
    """The typed rows of one page and whether the list goes on (a next page exists)."""
    page: Page[Any] = outcome.unwrap()
    return list(page.items), page.next is not None


def with_children(requisites: Sequence[Requisite]) -> Flow[list[RequisiteDetails]]:
    """Requisites with their bank details, addresses and presets: one batch (plus pages beyond 50)."""
    crm = CrmCalls()
    if not requisites:
        return []
    calls: list[Any] = [crm.requisite.preset.list()]
    for requisite in requisites:
        rq_id = ensure_id(requisite.id, "requisite id")
        calls.append(crm.requisite.bankdetail.list(filter={"ENTITY_ID": rq_id}, order={"ID": "ASC"}))
        calls.append(crm.address.list(filter={"ENTITY_TYPE_ID": 8, "ENTITY_ID": rq_id}))
    outcomes: list[Outcome[Any]] = yield Batch(calls)
    presets_page: Page[Preset] = outcomes[0].unwrap()
    presets = {p.id: p for p in presets_page.items}
    if presets_page.next is not None:
        presets = {p.id: p for p in (yield from list_presets.flow())}
    out: list[RequisiteDetails] = []
    for index, requisite in enumerate(requisites):
        banks, more_banks = _items_and_more(outcomes[1 + 2 * index])
        addresses, more_addresses = _items_and_more(outcomes[2 + 2 * index])
        if more_banks:
            banks = yield from crm.requisite.bankdetail.for_requisite(int(requisite.id or 0))
        if more_addresses:
            addresses = yield from crm.address.list_all(
                filter={"ENTITY_TYPE_ID": 8, "ENTITY_ID": requisite.id}
            )
        by_type = {a.type_id: a for a in addresses if a.type_id is not None}
        out.append(
            RequisiteDetails(
                requisite, banks, dict(sorted(by_type.items())), presets.get(requisite.preset_id)
            )
        )
    return out


@helper
def requisites_of(owner: int | str, owner_id: int) -> Flow[list[RequisiteDetails]]:
    """Every requisite of a company or contact, with bank details and addresses (crm.requisite.list ...)."""
    crm = CrmCalls()
    rows = yield from crm.requisite.for_owner(owner_type_id(owner), ensure_id(owner_id, "owner_id"))
    return (yield from with_children(rows))


def details_of_companies(companies: Sequence[Company]) -> Flow[list[CompanyDetails]]:
    """Companies with all their requisites: one batch of requisite lists, one batch of their children."""
    crm = CrmCalls()
    if not companies:
        return []
    calls = [
        crm.requisite.list(filter={"ENTITY_TYPE_ID": 4, "ENTITY_ID": c.id}, order={"ID": "ASC"})
        for c in companies
    ]
    outcomes: list[Outcome[Any]] = yield Batch(calls)
    owned: list[list[Requisite]] = []
    for company, outcome in zip(companies, outcomes, strict=True):
        rows, more = _items_and_more(outcome)
        if more:
            rows = yield from crm.requisite.for_owner(4, int(company.id or 0))
        owned.append(rows)
    children = yield from with_children([rq for rows in owned for rq in rows])
    by_id = {details.id: details for details in children}
    return [
        CompanyDetails(company, [by_id[int(rq.id or 0)] for rq in rows])
        for company, rows in zip(companies, owned, strict=True)
    ]


@helper
def company_details(company_id: int) -> Flow[CompanyDetails]:
    """A company with its requisites, their bank details and addresses (crm.company.get, crm.requisite...)."""
    crm = CrmCalls()
    number = ensure_id(company_id, "company_id")
    company: Company = yield crm.company.get(number)
    found = yield from details_of_companies([company])
    return found[0]


def details_from_mapping(data: Mapping[str, Any]) -> dict[str, Any]:
    """Check the shape of one exported requisite (``fields``, ``bank_details``, ``addresses``, ``preset``)."""
    if not isinstance(data, Mapping) or not isinstance(data.get("fields"), Mapping):
        raise InvalidInputError(
            "an exported requisite is a dict with 'fields' (and optional 'bank_details', 'addresses', "
            "'preset')",
            field="data",
        )
    return dict(data)
