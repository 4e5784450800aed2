"""Requisites (legal details) of companies and contacts, their presets, bank details, addresses and links.

Reference section 6. Legacy ``crm.requisite.*`` methods send every value as a string (``"ID": "41"``), unset
``RQ_*`` fields as ``null`` and ``DATE_MODIFY`` as ``""``; ``crm.requisite.preset.countries`` and
``crm.requisite.preset.field.list`` send real ints; ``crm.requisite.link.get`` mixes both
(``"ENTITY_TYPE_ID": 31`` but ``"REQUISITE_ID": "60"``). The value types below take every form.
"""

from __future__ import annotations

from typing import ClassVar, Final

from pydantic import ConfigDict

from .base import BitrixModel
from .values import DateTime, Int, LinkId, YesNo

__all__ = [
    "Address",
    "AddressType",
    "BankDetail",
    "Country",
    "Preset",
    "PresetField",
    "Requisite",
    "RequisiteLink",
]


class _Texts(BitrixModel):
    # RQ_* values are strings on the portal; an INN or account number given as a number is written as text.
    model_config = ConfigDict(coerce_numbers_to_str=True)


class _RecordHeader(_Texts):
    """The fields requisites and bank details share: id, naming, activity, sort and audit."""

    id: Int = None
    name: str | None = None
    code: str | None = None
    xml_id: str | None = None
    originator_id: str | None = None
    active: YesNo = None
    sort: Int = None
    date_create: DateTime = None
    date_modify: DateTime = None
    created_by_id: LinkId = None
    modify_by_id: LinkId = None


class Preset(BitrixModel):
    """A requisite template (``crm.requisite.preset.*``): which ``RQ_*`` fields a country's form shows."""

    id: Int = None
    entity_type_id: Int = None
    country_id: Int = None
    name: str | None = None
    xml_id: str | None = None
    active: YesNo = None
    sort: Int = None
    date_create: DateTime = None
    date_modify: DateTime = None
    created_by_id: LinkId = None
    modify_by_id: LinkId = None


class PresetField(BitrixModel):
    """One field of a preset (``crm.requisite.preset.field.list``; ids and sort come as real ints)."""

    id: Int = None
    field_name: str | None = None
    field_title: str | None = None
    in_short_list: YesNo = None
    sort: Int = None


class Country(BitrixModel):
    """A country with its own preset field set (``crm.requisite.preset.countries``); Russia is 1."""

    id: Int = None
    code: str | None = None
    title: str | None = None


class Requisite(_RecordHeader):
    """Legal details of a company (``ENTITY_TYPE_ID`` 4) or contact (3) (``crm.requisite.*``).

    Every ``RQ_*`` field of ``crm.requisite.fields`` is declared (all countries'); ``UF_CRM_*`` custom
    fields are kept as extras: ``requisite["UF_CRM_1694526604"]``.
    """

    #: entityTypeId of requisites as owners of addresses (reference 5.1)
    owner_type_id: ClassVar[int] = 8

    entity_type_id: Int = None
    entity_id: Int = None
    preset_id: Int = None
    address_only: YesNo = None
    rq_name: str | None = None
    rq_first_name: str | None = None
    rq_last_name: str | None = None
    rq_second_name: str | None = None
    rq_company_id: str | None = None
    rq_company_name: str | None = None
    rq_company_full_name: str | None = None
    rq_company_reg_date: str | None = None
    rq_director: str | None = None
    rq_accountant: str | None = None
    rq_ceo_name: str | None = None
    rq_ceo_work_pos: str | None = None
    rq_contact: str | None = None
    rq_email: str | None = None
    rq_phone: str | None = None
    rq_fax: str | None = None
    rq_ident_type: str | None = None
    rq_ident_doc: str | None = None
    rq_ident_doc_ser: str | None = None
    rq_ident_doc_num: str | None = None
    rq_ident_doc_pers_num: str | None = None
    rq_ident_doc_date: str | None = None
    rq_ident_doc_issued_by: str | None = None
    rq_ident_doc_dep_code: str | None = None
    rq_inn: str | None = None
    rq_kpp: str | None = None
    rq_usrle: str | None = None
    rq_ifns: str | None = None
    rq_ogrn: str | None = None
    rq_ogrnip: str | None = None
    rq_okpo: str | None = None
    rq_oktmo: str | None = None
    rq_okved: str | None = None
    rq_edrpou: str | None = None
    rq_drfo: str | None = None
    rq_kbe: str | None = None
    rq_iin: str | None = None
    rq_bin: str | None = None
    rq_st_cert_ser: str | None = None
    rq_st_cert_num: str | None = None
    rq_st_cert_date: str | None = None
    rq_vat_payer: YesNo = None
    rq_vat_id: str | None = None
    rq_vat_cert_ser: str | None = None
    rq_vat_cert_num: str | None = None
    rq_vat_cert_date: str | None = None
    rq_residence_country: str | None = None
    rq_base_doc: str | None = None
    rq_regon: str | None = None
    rq_krs: str | None = None
    rq_pesel: str | None = None
    rq_legal_form: str | None = None
    rq_siret: str | None = None
    rq_siren: str | None = None
    rq_capital: str | None = None
    rq_rcs: str | None = None
    rq_cnpj: str | None = None
    rq_state_reg: str | None = None
    rq_mnpl_reg: str | None = None
    rq_cpf: str | None = None


class BankDetail(_RecordHeader):
    """Bank details of a requisite (``crm.requisite.bankdetail.*``; ``ENTITY_ID`` is the requisite id)."""

    entity_id: Int = None
    country_id: Int = None
    rq_bank_name: str | None = None
    rq_bank_addr: str | None = None
    rq_bank_code: str | None = None
    rq_bank_route_num: str | None = None
    rq_bik: str | None = None
    rq_mfo: str | None = None
    rq_acc_name: str | None = None
    rq_acc_num: str | None = None
    rq_acc_type: str | None = None
    rq_iik: str | None = None
    rq_acc_currency: str | None = None
    rq_cor_acc_num: str | None = None
    rq_iban: str | None = None
    rq_swift: str | None = None
    rq_bic: str | None = None
    rq_codeb: str | None = None
    rq_codeg: str | None = None
    rq_rib: str | None = None
    rq_agency_name: str | None = None
    comments: str | None = None


class AddressType:
    """Address type ids of ``crm.enum.addresstype`` (plain ints, as the portal sends them)."""

    ACTUAL: Final = 1
    PHYSICAL: Final = 1
    REGISTERED: Final = 4
    LEGAL: Final = 6
    MAILING: Final = 8
    BENEFICIARY: Final = 9
    SHIPPING: Final = 11
    DELIVERY: Final = 11

    #: id -> English name of the standard types, as crm.enum.addresstype names them (its page's example);
    #: a portal may list more: ask ``b24.crm.address.types()``
    NAMES: ClassVar[dict[int, str]] = {
        11: "Shipping address",
        1: "Physical address",
        6: "Legal address",
        4: "Registered address",
        8: "Mailing address",
        9: "Beneficiary address",
    }


class Address(_Texts):
    """An address (``crm.address.*``); no id: (``TYPE_ID``, ``ENTITY_TYPE_ID``, ``ENTITY_ID``) is the key.

    ``ENTITY_TYPE_ID`` is 8 for a requisite's address (``ENTITY_ID`` = requisite id) or 1 for a lead's;
    ``ANCHOR_TYPE_ID``/``ANCHOR_ID`` (read-only) name the company or contact that owns the requisite.
    """

    type_id: Int = None
    entity_type_id: Int = None
    entity_id: Int = None
    address_1: str | None = None
    address_2: str | None = None
    city: str | None = None
    postal_code: str | None = None
    region: str | None = None
    province: str | None = None
    country: str | None = None
    country_code: str | None = None
    loc_addr_id: LinkId = None
    anchor_type_id: LinkId = None
    anchor_id: LinkId = None

    @property
    def key(self) -> tuple[int | None, int | None, int | None]:
        """(``TYPE_ID``, ``ENTITY_TYPE_ID``, ``ENTITY_ID``): what identifies the address."""
        return self.type_id, self.entity_type_id, self.entity_id


class RequisiteLink(BitrixModel):
    """Which requisites and bank details a deal, quote or invoice uses (``crm.requisite.link.*``).

    ``crm.requisite.link.get`` sends the owner as ints and the four ids as strings; ``0`` ("not selected")
    reads as ``None``. ``mc_*`` are the seller's ("my company") requisite and bank details.
    """

    entity_type_id: Int = None
    entity_id: Int = None
    requisite_id: LinkId = None
    bank_detail_id: LinkId = None
    mc_requisite_id: LinkId = None
    mc_bank_detail_id: LinkId = None
