"""``crm.item`` objects: the four classic kinds parse into their legacy models, others into :class:`Item`.

A ``crm.item`` answer carries fields the legacy methods do not have (``observers``, ``webformId``,
``searchContent``; deals' ``eventDate``/``orderStage``; contacts'/companies' ``categoryId``), so each kind
parses into a subclass of its legacy model that declares them (``isinstance(item, Deal)`` still holds).
Fields the pages mark "disabled" (always ``null``) and the flat aliases of ``fm`` (``phoneWork``,
``email`` ...) are dropped before parsing (:func:`~.item_keys.item_to_legacy`).
"""

from __future__ import annotations

from typing import Final

from pydantic import Field

from .base import BitrixModel
from .crm import Company, Contact, CrmEntity, Deal, Lead
from .values import DateTime, Int, LinkId, Money, YesNo

__all__ = ["ITEM_MODELS", "CompanyItem", "ContactItem", "DealItem", "Item", "LeadItem", "item_model"]


class _ItemOnly(BitrixModel):
    """Fields every ``crm.item`` record has beyond the legacy ones (``object-fields.md#common``)."""

    #: user ids of the observers
    observers: list[int] | None = None
    #: the CRM form that created the item (0: none)
    webform_id: Int = None
    #: the portal's full-text search string (system field)
    search_content: str | None = None


class LeadItem(Lead, _ItemOnly):
    """A lead read through ``crm.item.*`` (entityTypeId 1)."""


class DealItem(Deal, _ItemOnly):
    """A deal read through ``crm.item.*`` (entityTypeId 2): also its event and payment stage."""

    event_date: DateTime = None
    event_id: str | None = None
    event_description: str | None = None
    order_stage: str | None = None


class ContactItem(Contact, _ItemOnly):
    """A contact read through ``crm.item.*`` (entityTypeId 3), with its funnel (``categoryId``)."""

    category_id: Int = None


class CompanyItem(Company, _ItemOnly):
    """A company read through ``crm.item.*`` (entityTypeId 4), with its funnel and contacts."""

    category_id: Int = None
    contact_ids: list[int] | None = Field(default=None, alias="CONTACT_IDS")


class Item(CrmEntity, _ItemOnly):
    """An object of another kind (smart process, invoice, quote) read through ``crm.item.*``.

    Fields have legacy-style names (``stageId`` -> ``stage_id`` / ``STAGE_ID``); keys the model does not
    declare are kept (``item["PARENT_ID_2"]``).
    """

    title: str | None = None
    category_id: Int = None
    stage_id: str | None = None
    previous_stage_id: str | None = None
    stage_semantic_id: str | None = None
    opportunity: Money = None
    is_manual_opportunity: YesNo = None
    tax_value: Money = None
    currency_id: str | None = None
    company_id: LinkId = None
    contact_id: LinkId = None
    contact_ids: list[int] | None = None
    mycompany_id: LinkId = None
    begindate: DateTime = None
    closedate: DateTime = None
    moved_by_id: LinkId = None
    moved_time: DateTime = None
    xml_id: str | None = None


#: entityTypeId -> the model its ``crm.item`` rows parse into
ITEM_MODELS: Final[dict[int, type[CrmEntity]]] = {1: LeadItem, 2: DealItem, 3: ContactItem, 4: CompanyItem}


def item_model(entity_type_id: int) -> type[CrmEntity]:
    """The model of a ``crm.item`` kind: LeadItem, DealItem, ContactItem, CompanyItem, else :class:`Item`."""
    return ITEM_MODELS.get(entity_type_id, Item)
