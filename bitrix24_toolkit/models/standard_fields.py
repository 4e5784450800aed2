"""The documented standard fields of the classic CRM kinds and which of them a write may set.

Taken from the official pages' ``*.fields`` answers (``crm-lead-fields.md``, ``crm-deal-fields.md``,
``crm-contact-fields.md``, ``crm-company-fields.md``, ``crm-requisite-fields.md``,
``crm-requisite-bank-detail-fields.md``, ``crm-address-fields.md``: ``isReadOnly``, ``isImmutable``).
A write whose keys are all writable standard fields needs no ``*.fields`` request to be checked: every
portal has them, and nothing in it would be refused. Any other key (a custom ``UF_*`` field, a read-only
one, a typo) is still checked against the portal's own ``*.fields`` (see ``services/field_safety.py``).
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
        # requisites, their bank details and addresses: crm-requisite-fields.md,
        # crm-requisite-bank-detail-fields.md, crm-address-fields.md
        "crm.requisite": StandardFields(
            read_only=_names(_SYSTEM),
            writable=_names(
                "ENTITY_TYPE_ID ENTITY_ID PRESET_ID NAME CODE XML_ID ORIGINATOR_ID ACTIVE ADDRESS_ONLY SORT"
                " RQ_NAME RQ_FIRST_NAME RQ_LAST_NAME RQ_SECOND_NAME RQ_COMPANY_ID RQ_COMPANY_NAME"
                " RQ_COMPANY_FULL_NAME RQ_COMPANY_REG_DATE RQ_DIRECTOR RQ_ACCOUNTANT RQ_CEO_NAME"
                " RQ_CEO_WORK_POS RQ_CONTACT RQ_EMAIL RQ_PHONE RQ_FAX RQ_IDENT_TYPE RQ_IDENT_DOC"
                " RQ_IDENT_DOC_SER RQ_IDENT_DOC_NUM RQ_IDENT_DOC_PERS_NUM RQ_IDENT_DOC_DATE"
                " RQ_IDENT_DOC_ISSUED_BY RQ_IDENT_DOC_DEP_CODE RQ_INN RQ_KPP RQ_USRLE RQ_IFNS RQ_OGRN"
                " RQ_OGRNIP RQ_OKPO RQ_OKTMO RQ_OKVED RQ_EDRPOU RQ_DRFO RQ_KBE RQ_IIN RQ_BIN RQ_ST_CERT_SER"
                " RQ_ST_CERT_NUM RQ_ST_CERT_DATE RQ_VAT_PAYER RQ_VAT_ID RQ_VAT_CERT_SER RQ_VAT_CERT_NUM"
                " RQ_VAT_CERT_DATE RQ_RESIDENCE_COUNTRY RQ_BASE_DOC RQ_REGON RQ_KRS RQ_PESEL RQ_LEGAL_FORM"
                " RQ_SIRET RQ_SIREN RQ_CAPITAL RQ_RCS RQ_CNPJ RQ_STATE_REG RQ_MNPL_REG RQ_CPF"
            ),
            immutable=_names("ENTITY_TYPE_ID ENTITY_ID PRESET_ID"),
        ),
        "crm.requisite.bankdetail": StandardFields(
            read_only=_names(_SYSTEM),
            writable=_names(
                "ENTITY_ID COUNTRY_ID NAME CODE XML_ID ACTIVE SORT RQ_BANK_NAME RQ_BANK_ADDR RQ_BANK_CODE"
                " RQ_AGENCY_NAME RQ_BANK_ROUTE_NUM RQ_BIK RQ_MFO RQ_ACC_NAME RQ_ACC_NUM RQ_ACC_TYPE RQ_IIK"
                " RQ_ACC_CURRENCY RQ_COR_ACC_NUM RQ_IBAN RQ_SWIFT RQ_BIC RQ_CODEB RQ_CODEG RQ_RIB COMMENTS"
                " ORIGINATOR_ID"
            ),
            immutable=_names("ENTITY_ID"),
        ),
        "crm.address": StandardFields(
            read_only=_names("ANCHOR_TYPE_ID ANCHOR_ID"),
            writable=_names(
                "TYPE_ID ENTITY_TYPE_ID ENTITY_ID ADDRESS_1 ADDRESS_2 CITY POSTAL_CODE REGION PROVINCE"
                " COUNTRY COUNTRY_CODE LOC_ADDR_ID"
            ),
            immutable=_names("TYPE_ID ENTITY_TYPE_ID ENTITY_ID"),
        ),
    }
)


def standard_fields(rest_name: str) -> StandardFields | None:
    """The standard fields of a classic CRM kind, ``crm.requisite``, its bank details or ``crm.address``."""
    return STANDARD_FIELDS.get(rest_name)
