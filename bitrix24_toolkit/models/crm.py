"""Leads, contacts, companies and deals (legacy UPPER_CASE names; ``crm.item`` answers map onto them)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from .base import BitrixModel, CamelModel
from .values import DateTime, Int, LinkId, Money, YesNo

__all__ = ["Company", "Contact", "CrmEntity", "CrmFile", "Deal", "Lead", "Multifield"]


class CrmFile(CamelModel):
    """A stored file of a ``file`` field (contact ``PHOTO``, company ``LOGO``): ``{"id", "showUrl", ...}``."""

    id: Int = None
    show_url: str | None = None
    download_url: str | None = None


class Multifield(BitrixModel):
    """One phone, e-mail, web address, messenger or link of a contact-data field (``PHONE`` ...)."""

    id: Int = None
    value_type: str | None = None
    value: str | None = None
    type_id: str | None = None


class CrmEntity(BitrixModel):
    """Fields every CRM object has."""

    #: entityTypeId of the object kind (reference 5.1)
    entity_type_id: ClassVar[int] = 0
    #: the legacy method family, e.g. ``crm.deal``
    rest_name: ClassVar[str] = ""

    id: Int = None
    assigned_by_id: LinkId = None
    created_by_id: LinkId = None
    modify_by_id: LinkId = None
    date_create: DateTime = None
    date_modify: DateTime = None
    opened: YesNo = None
    comments: str | None = None
    source_id: str | None = None
    source_description: str | None = None
    originator_id: str | None = None
    origin_id: str | None = None
    #: the last timeline activity and its author (the creation and creator until one happens)
    last_activity_time: DateTime = None
    last_activity_by: LinkId = None


class _WithAddress(BitrixModel):
    """The deprecated split address of leads, contacts and companies (``ADDRESS``, ``ADDRESS_2`` ...)."""

    address: str | None = None
    address_2: str | None = None
    address_city: str | None = None
    address_postal_code: str | None = None
    address_region: str | None = None
    address_province: str | None = None
    address_country: str | None = None
    address_country_code: str | None = None
    address_loc_addr_id: Int = None


class _WithContactData(CrmEntity):
    phone: list[Multifield] | None = None
    email: list[Multifield] | None = None
    web: list[Multifield] | None = None
    im: list[Multifield] | None = None
    link: list[Multifield] | None = None
    has_phone: YesNo = None
    has_email: YesNo = None
    has_imol: YesNo = None


class _WithUtm(BitrixModel):
    utm_source: str | None = None
    utm_medium: str | None = None
    utm_campaign: str | None = None
    utm_content: str | None = None
    utm_term: str | None = None


class Lead(_WithContactData, _WithAddress, _WithUtm):
    """A lead (``crm.lead.*``; ``crm.item`` entityTypeId 1)."""

    entity_type_id: ClassVar[int] = 1
    rest_name: ClassVar[str] = "crm.lead"

    title: str | None = None
    name: str | None = None
    second_name: str | None = None
    last_name: str | None = None
    honorific: str | None = None
    post: str | None = None
    company_title: str | None = None
    company_id: LinkId = None
    contact_id: LinkId = None
    contact_ids: list[int] | None = None
    status_id: str | None = None
    status_semantic_id: str | None = None
    status_description: str | None = None
    opportunity: Money = None
    currency_id: str | None = None
    is_manual_opportunity: YesNo = None
    is_return_customer: YesNo = None
    date_closed: DateTime = None
    birthdate: DateTime = None
    moved_by_id: LinkId = None
    moved_time: DateTime = None


class Contact(_WithContactData, _WithAddress, _WithUtm):
    """A contact (``crm.contact.*``; ``crm.item`` entityTypeId 3)."""

    entity_type_id: ClassVar[int] = 3
    rest_name: ClassVar[str] = "crm.contact"

    name: str | None = None
    second_name: str | None = None
    last_name: str | None = None
    honorific: str | None = None
    post: str | None = None
    type_id: str | None = None
    company_id: LinkId = None
    company_ids: list[int] | None = None
    lead_id: LinkId = None
    export: YesNo = None
    birthdate: DateTime = None
    photo: CrmFile | None = None
    origin_version: str | None = None
    face_id: Int = None


class Company(_WithContactData, _WithAddress, _WithUtm):
    """A company (``crm.company.*``; ``crm.item`` entityTypeId 4); ``is_my_company`` marks your own."""

    entity_type_id: ClassVar[int] = 4
    rest_name: ClassVar[str] = "crm.company"

    title: str | None = None
    company_type: str | None = None
    industry: str | None = None
    employees: str | None = None
    revenue: Money = None
    currency_id: str | None = None
    banking_details: str | None = None
    is_my_company: YesNo = None
    lead_id: LinkId = None
    contact_id: list[int] | None = Field(default=None, alias="CONTACT_ID")
    logo: CrmFile | None = None
    origin_version: str | None = None
    address_legal: str | None = None
    reg_address: str | None = None
    reg_address_2: str | None = None
    reg_address_city: str | None = None
    reg_address_postal_code: str | None = None
    reg_address_region: str | None = None
    reg_address_province: str | None = None
    reg_address_country: str | None = None
    reg_address_country_code: str | None = None
    reg_address_loc_addr_id: Int = None
    last_communication_time: DateTime = None


class Deal(CrmEntity, _WithUtm):
    """A deal (``crm.deal.*``; ``crm.item`` entityTypeId 2)."""

    entity_type_id: ClassVar[int] = 2
    rest_name: ClassVar[str] = "crm.deal"

    title: str | None = None
    type_id: str | None = None
    category_id: Int = None
    stage_id: str | None = None
    stage_semantic_id: str | None = None
    probability: Int = None
    opportunity: Money = None
    currency_id: str | None = None
    is_manual_opportunity: YesNo = None
    tax_value: Money = None
    company_id: LinkId = None
    contact_id: LinkId = None
    contact_ids: list[int] | None = None
    lead_id: LinkId = None
    quote_id: LinkId = None
    begindate: DateTime = None
    closedate: DateTime = None
    closed: YesNo = None
    is_new: YesNo = None
    is_recurring: YesNo = None
    is_return_customer: YesNo = None
    is_repeated_approach: YesNo = None
    moved_by_id: LinkId = None
    moved_time: DateTime = None
    additional_info: str | None = None
    location_id: str | None = None
