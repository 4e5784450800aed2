"""The roots of the stateless vocabulary: ``CrmCalls()`` (``b24.crm``) and ``UserCalls()`` (``b24.user``)."""

from __future__ import annotations

from functools import cached_property

from .activity import ActivityCalls
from .addresses import AddressCalls
from .crm_kinds import CompanyCalls, ContactCalls, DealCalls, LeadCalls
from .directory import CategoryCalls, StatusCalls
from .duplicates import DuplicateCalls
from .item import ItemCalls
from .requisites import RequisiteCalls
from .stagehistory import StageHistoryCalls
from .timeline import TimelineCalls
from .users import UserCalls

__all__ = ["CrmCalls", "UserCalls"]


class CrmCalls:
    """CRM: leads, contacts, companies, deals and everything around them (scope ``crm``)."""

    @cached_property
    def lead(self) -> LeadCalls:
        """Leads (crm.lead.*)."""
        return LeadCalls()

    @cached_property
    def contact(self) -> ContactCalls:
        """Contacts (crm.contact.*)."""
        return ContactCalls()

    @cached_property
    def company(self) -> CompanyCalls:
        """Companies (crm.company.*)."""
        return CompanyCalls()

    @cached_property
    def deal(self) -> DealCalls:
        """Deals (crm.deal.*)."""
        return DealCalls()

    def item(self, entity_type_id: int) -> ItemCalls:
        """Objects of any kind by entityTypeId, as the kind's model (crm.item.*)."""
        return ItemCalls(entity_type_id)

    @cached_property
    def status(self) -> StatusCalls:
        """Directories: lead statuses, deal stages, sources, types (crm.status.*)."""
        return StatusCalls()

    def category(self, entity_type_id: int) -> CategoryCalls:
        """Funnels of one object kind, e.g. ``category(2)`` for deals (crm.category.*)."""
        return CategoryCalls(entity_type_id)

    @cached_property
    def stagehistory(self) -> StageHistoryCalls:
        """Stage changes of leads, deals and smart processes (crm.stagehistory.*)."""
        return StageHistoryCalls()

    @cached_property
    def activity(self) -> ActivityCalls:
        """Activities and to-dos (crm.activity.*)."""
        return ActivityCalls()

    @cached_property
    def timeline(self) -> TimelineCalls:
        """Timeline comments (crm.timeline.*)."""
        return TimelineCalls()

    @cached_property
    def requisite(self) -> RequisiteCalls:
        """Requisites of companies and contacts, with bank details, presets, links (crm.requisite.*)."""
        return RequisiteCalls()

    @cached_property
    def address(self) -> AddressCalls:
        """Addresses of requisites and leads (crm.address.*)."""
        return AddressCalls()

    @cached_property
    def duplicate(self) -> DuplicateCalls:
        """Duplicate search by phone or e-mail (crm.duplicate.*)."""
        return DuplicateCalls()
