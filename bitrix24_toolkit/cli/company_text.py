"""A company's requisites, bank details and addresses as readable lines (``b24 requisites``, ``b24 demo``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from ..helpers import CompanyDetails, RequisiteDetails
from ..models.requisites import AddressType

__all__ = ["company_lines", "requisite_lines"]

#: the identifiers shown first, in this order, with short labels
_MAIN: Final = (
    ("RQ_COMPANY_NAME", ""),
    ("RQ_NAME", ""),
    ("RQ_INN", "INN"),
    ("RQ_KPP", "KPP"),
    ("RQ_OGRN", "OGRN"),
    ("RQ_OGRNIP", "OGRNIP"),
)
_BANK: Final = (
    ("RQ_BANK_NAME", ""),
    ("RQ_BIK", "BIK"),
    ("RQ_ACC_NUM", "account"),
    ("RQ_COR_ACC_NUM", "corr."),
)
_ADDRESS_PARTS: Final = ("POSTAL_CODE", "COUNTRY", "REGION", "CITY", "ADDRESS_1", "ADDRESS_2")


def _joined(fields: Mapping[str, Any], keys: tuple[tuple[str, str], ...]) -> str:
    parts = [f"{label} {fields[key]}".strip() for key, label in keys if fields.get(key)]
    return ", ".join(parts)


def requisite_lines(details: RequisiteDetails, indent: str = "  ") -> list[str]:
    """The lines of one requisite: identifiers, director, bank details, addresses."""
    data = details.to_dict()
    fields: dict[str, Any] = data["fields"]
    preset = data["preset"].get("name") or f"preset {data['preset'].get('id')}"
    lines = [
        f"{indent}requisite #{details.id} ({preset}): {_joined(fields, _MAIN) or fields.get('NAME', '')}"
    ]
    if fields.get("RQ_DIRECTOR"):
        lines.append(f"{indent}  director: {fields['RQ_DIRECTOR']}")
    for bank in data["bank_details"]:
        lines.append(f"{indent}  bank: {_joined(bank, _BANK) or bank.get('NAME', '')}")
    for type_id in sorted(details.addresses):
        name = AddressType.NAMES.get(type_id, f"address type {type_id}").lower()
        plain = data["addresses"][str(type_id)]
        text = ", ".join(str(plain[k]) for k in _ADDRESS_PARTS if plain.get(k))
        lines.append(f"{indent}  {name}: {text}")
    return lines


def company_lines(company: CompanyDetails) -> list[str]:
    """A title line (``(my company)`` when it is one) and the lines of each requisite."""
    mine = " (my company)" if company.company.is_my_company else ""
    lines = [f"company #{company.id}: {company.title}{mine}"]
    for details in company.requisites:
        lines += requisite_lines(details)
    if not company.requisites:
        lines.append("  no requisites")
    return lines
