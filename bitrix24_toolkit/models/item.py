"""``crm.item`` objects: the four classic kinds map onto their legacy models, others onto :class:`Item`."""

from __future__ import annotations

from typing import Final

from .crm import Company, Contact, CrmEntity, Deal, Lead
from .values import DateTime, Int, LinkId, Money

__all__ = ["ITEM_MODELS", "Item", "item_model"]


class Item(CrmEntity):
    """An object of another kind (smart process, invoice, quote) read through ``crm.item.*``.

    Fields have legacy-style names (``stageId`` -> ``stage_id`` / ``STAGE_ID``); keys the model does not
    declare are kept (``item["PARENT_ID_2"]``).
    """

    title: str | None = None
    category_id: Int = None
    stage_id: str | None = None
    stage_semantic_id: str | None = None
    opportunity: Money = None
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


#: entityTypeId -> the legacy model its ``crm.item`` rows parse into
ITEM_MODELS: Final[dict[int, type[CrmEntity]]] = {1: Lead, 2: Deal, 3: Contact, 4: Company}


def item_model(entity_type_id: int) -> type[CrmEntity]:
    """The model of a ``crm.item`` kind: Lead, Deal, Contact, Company, else :class:`Item`."""
    return ITEM_MODELS.get(entity_type_id, Item)
