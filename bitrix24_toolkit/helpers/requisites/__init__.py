"""Company requisites: presets, writes, reads, search by INN, "my company", deal links, Russian identifiers.

- presets: :func:`list_presets`, :func:`find_preset`, :func:`preset_fields`;
- writes: :func:`add_requisite`, :func:`upsert_requisite`, :func:`import_requisites`;
- reads: :func:`company_details`, :func:`requisites_of`, :func:`find_companies_by_inn`;
- your own company: :func:`ensure_my_company`, :func:`my_companies`, :func:`pick_my_company`;
- deals: :func:`link_requisites`;
- checks made before anything is sent: :func:`validate_inn`, :func:`validate_kpp`, :func:`validate_ogrn`,
  :func:`validate_ogrnip`, :func:`validate_bik`, :func:`validate_account`.
"""

from ._details import OWNER_KINDS, CompanyDetails, RequisiteDetails, company_details, requisites_of
from ._linking import RequisiteLinkError, link_requisites
from ._my_company import MyCompany, MyCompanyNotFoundError, ensure_my_company, my_companies, pick_my_company
from ._presets import COUNTRY_IDS, KINDS, PresetNotFoundError, find_preset, list_presets, preset_fields
from ._ru_identifiers import (
    RU_COUNTRY_ID,
    InnKind,
    validate_account,
    validate_bik,
    validate_inn,
    validate_kpp,
    validate_ogrn,
    validate_ogrnip,
)
from ._search import CompanyMatch, find_companies_by_inn
from ._write import RequisiteWriteError, SavedRequisite, add_requisite, import_requisites, upsert_requisite

__all__ = [
    "COUNTRY_IDS",
    "KINDS",
    "OWNER_KINDS",
    "RU_COUNTRY_ID",
    "CompanyDetails",
    "CompanyMatch",
    "InnKind",
    "MyCompany",
    "MyCompanyNotFoundError",
    "PresetNotFoundError",
    "RequisiteDetails",
    "RequisiteLinkError",
    "RequisiteWriteError",
    "SavedRequisite",
    "add_requisite",
    "company_details",
    "ensure_my_company",
    "find_companies_by_inn",
    "find_preset",
    "import_requisites",
    "link_requisites",
    "list_presets",
    "my_companies",
    "pick_my_company",
    "preset_fields",
    "requisites_of",
    "upsert_requisite",
    "validate_account",
    "validate_bik",
    "validate_inn",
    "validate_kpp",
    "validate_ogrn",
    "validate_ogrnip",
]
