"""Records the requisite fidelity tests create first, through the documented add methods (no tests)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .conftest import Portal
from .shapes import DocError


def err(doc: DocError, **values: Any) -> DocError:
    """A documented error with the page's placeholders (``{id}``) filled in."""
    return replace(doc, description=doc.description.format(**values)) if doc.description else doc


def company(portal: Portal, **extra: Any) -> int:
    """A company created through ``crm.company.add``."""
    return int(portal.ok("crm.company.add", {"fields": {"TITLE": "Acme", **extra}}))


def requisite(portal: Portal, owner: int, **extra: Any) -> int:
    """``crm.requisite.add`` as its page's example sends it, for ``owner`` (a company)."""
    fields = {
        "ENTITY_TYPE_ID": 4,
        "ENTITY_ID": owner,
        "PRESET_ID": 1,
        "NAME": "Organization",
        "ACTIVE": "Y",
        "ADDRESS_ONLY": "N",
        "SORT": 500,
        "RQ_COMPANY_NAME": 'Ltd. "QuickBooks and other similar platforms"',
        "RQ_COMPANY_REG_DATE": "06.04.2007",
        "RQ_DIRECTOR": "SMITH JOHN",
        "RQ_INN": "1717586110",
        "RQ_KPP": "770501001",
        "RQ_OGRN": "5077746476209",
        "XML_ID": "5e4641fd-1dd9-11e6-b2f2-005056c00008",
        **extra,
    }
    return int(portal.ok("crm.requisite.add", {"fields": fields}))


def bankdetail(portal: Portal, requisite_id: int, name: str = "Superbank") -> int:
    """``crm.requisite.bankdetail.add`` as its page's example sends it."""
    fields = {
        "ENTITY_ID": requisite_id,
        "COUNTRY_ID": 1,
        "NAME": name,
        "RQ_BANK_NAME": "Ltd. Superbank",
        "RQ_BIK": "044525225",
        "RQ_ACC_NUM": "40702810938000060473",
        "RQ_ACC_CURRENCY": "USD",
        "ACTIVE": "Y",
        "SORT": 600,
    }
    return int(portal.ok("crm.requisite.bankdetail.add", {"fields": fields}))
