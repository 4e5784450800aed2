"""The documented standard fields of the classic CRM kinds and which of them a write may set.

Taken from the official pages' ``*.fields`` answers (``crm-lead-fields.md``, ``crm-deal-fields.md``,
``crm-contact-fields.md``, ``crm-company-fields.md``: ``isReadOnly``, ``isImmutable``). A write whose keys
are all writable standard fields needs no ``*.fields`` request to be checked: every portal has them, and
nothing in it would be refused. Any other key (a custom ``UF_*`` field, a read-only one, a typo) is still
checked against the portal's own ``*.fields`` (see ``services/field_safety.py``).
``tests/services/test_static_write_checks.py`` compares these tables with the emulator's ``*.fields`` answers.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

__all__ = ["STANDARD_FIELDS", "StandardFields", "standard_fields"]


@dataclass(frozen=True)
class StandardFields:
    """One kind's standard fields: read-only, writable, and immutable (writable on create only)."""

    read_only: frozenset[str]
    writable: frozenset[str]
    immutable: frozenset[str] = frozenset()

    @property
    def names(self) -> frozenset[str]:
        """Every documented standard field of the kind."""
        return self.read_only | self.writable

    def allows(self, keys: Collection[str], *, updating: bool) -> bool:
        """Whether every key is a standard field this write may set (on update: not immutable)."""
        if updating:
            return all(key in self.writable and key not in self.immutable for key in keys)
        return all(key in self.writable for key in keys)


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


_MULTIFIELDS = " PHONE EMAIL WEB IM LINK"
_ADDRESS = (
    " ADDRESS ADDRESS_2 ADDRESS_CITY ADDRESS_POSTAL_CODE ADDRESS_REGION ADDRESS_PROVINCE ADDRESS_COUNTRY"
    " ADDRESS_COUNTRY_CODE ADDRESS_LOC_ADDR_ID"
)
_UTM = " UTM_SOURCE UTM_MEDIUM UTM_CAMPAIGN UTM_CONTENT UTM_TERM"
_SYSTEM = " ID CREATED_BY_ID MODIFY_BY_ID DATE_CREATE DATE_MODIFY"
_HAS = " HAS_PHONE HAS_EMAIL HAS_IMOL"

#: rest name -> its standard fields (``crm.lead`` ...)
STANDARD_FIELDS: Final[Mapping[str, StandardFields]] = MappingProxyType(
    {
        "crm.lead": StandardFields(
            read_only=_names(
                _SYSTEM + _HAS + " STATUS_SEMANTIC_ID MOVED_BY_ID MOVED_TIME IS_RETURN_CUSTOMER DATE_CLOSED"
                " LAST_ACTIVITY_TIME LAST_ACTIVITY_BY"
            ),
            writable=_names(
                "TITLE HONORIFIC NAME SECOND_NAME LAST_NAME BIRTHDATE COMPANY_TITLE SOURCE_ID"
                " SOURCE_DESCRIPTION STATUS_ID STATUS_DESCRIPTION POST CURRENCY_ID OPPORTUNITY"
                " IS_MANUAL_OPPORTUNITY OPENED COMMENTS ASSIGNED_BY_ID COMPANY_ID CONTACT_ID CONTACT_IDS"
                " ORIGINATOR_ID ORIGIN_ID" + _ADDRESS + _UTM + _MULTIFIELDS
            ),
        ),
        "crm.deal": StandardFields(
            read_only=_names(
                _SYSTEM + " STAGE_SEMANTIC_ID IS_NEW QUOTE_ID MOVED_BY_ID MOVED_TIME LEAD_ID"
                " LAST_ACTIVITY_TIME LAST_ACTIVITY_BY"
            ),
            writable=_names(
                "TITLE TYPE_ID CATEGORY_ID STAGE_ID IS_RECURRING IS_RETURN_CUSTOMER IS_REPEATED_APPROACH"
                " PROBABILITY CURRENCY_ID OPPORTUNITY IS_MANUAL_OPPORTUNITY TAX_VALUE COMPANY_ID CONTACT_ID"
                " CONTACT_IDS BEGINDATE CLOSEDATE OPENED CLOSED COMMENTS ASSIGNED_BY_ID SOURCE_ID"
                " SOURCE_DESCRIPTION ADDITIONAL_INFO LOCATION_ID ORIGINATOR_ID ORIGIN_ID" + _UTM
            ),
            immutable=_names("CATEGORY_ID"),  # a deal changes funnel with crm.item.update only
        ),
        "crm.contact": StandardFields(
            read_only=_names(_SYSTEM + _HAS + " LEAD_ID LAST_ACTIVITY_TIME LAST_ACTIVITY_BY"),
            writable=_names(
                "HONORIFIC NAME SECOND_NAME LAST_NAME PHOTO BIRTHDATE TYPE_ID SOURCE_ID SOURCE_DESCRIPTION"
                " POST COMMENTS OPENED EXPORT ASSIGNED_BY_ID COMPANY_ID COMPANY_IDS ORIGINATOR_ID ORIGIN_ID"
                " ORIGIN_VERSION" + _ADDRESS + _UTM + _MULTIFIELDS
            ),
        ),
        "crm.company": StandardFields(
            read_only=_names(_SYSTEM + _HAS + " LEAD_ID LAST_COMMUNICATION_TIME"),
            writable=_names(
                "TITLE COMPANY_TYPE LOGO ADDRESS_LEGAL BANKING_DETAILS INDUSTRY EMPLOYEES CURRENCY_ID"
                " REVENUE OPENED COMMENTS IS_MY_COMPANY ASSIGNED_BY_ID CONTACT_ID ORIGINATOR_ID ORIGIN_ID"
                " ORIGIN_VERSION LAST_ACTIVITY_TIME LAST_ACTIVITY_BY"
                + _ADDRESS
                + _ADDRESS.replace(" ADDRESS", " REG_ADDRESS")
                + _UTM
                + _MULTIFIELDS
            ),
        ),
    }
)


def standard_fields(rest_name: str) -> StandardFields | None:
    """The standard fields of ``crm.lead``/``crm.deal``/``crm.contact``/``crm.company`` (else ``None``)."""
    return STANDARD_FIELDS.get(rest_name)
