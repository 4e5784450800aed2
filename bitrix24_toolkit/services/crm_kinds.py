"""The four classic CRM object kinds as namespaces: ``b24.crm.lead``, ``.contact``, ``.company``, ``.deal``.

Each is :class:`~bitrix24_toolkit.services.entity.EntityCalls` for its model plus the families that hang
off it (product rows, contact bindings, custom fields).
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, ClassVar

from ..models.crm import Company, Contact, Deal, Lead
from .entity import EntityCalls

__all__ = ["CompanyCalls", "ContactCalls", "DealCalls", "LeadCalls"]

if TYPE_CHECKING:  # the child namespaces import ensure_id from entity.py: imported lazily below
    from .contact_items import DealContactItemsCalls, LeadContactItemsCalls
    from .productrows import DealProductRowsCalls, LeadProductRowsCalls
    from .userfields import (
        CompanyUserFieldCalls,
        ContactUserFieldCalls,
        DealUserFieldCalls,
        LeadUserFieldCalls,
    )


class LeadCalls(EntityCalls[Lead]):
    """Calls of leads."""

    rest_name: ClassVar[str] = "crm.lead"
    model = Lead

    @cached_property
    def productrows(self) -> LeadProductRowsCalls:
        """Product rows of leads (crm.lead.productrows.*)."""
        from .productrows import LeadProductRowsCalls

        return LeadProductRowsCalls()

    @cached_property
    def contact_items(self) -> LeadContactItemsCalls:
        """Contacts bound to leads (crm.lead.contact.items.*)."""
        from .contact_items import LeadContactItemsCalls

        return LeadContactItemsCalls()

    @cached_property
    def userfield(self) -> LeadUserFieldCalls:
        """Custom fields of leads (crm.lead.userfield.*)."""
        from .userfields import LeadUserFieldCalls

        return LeadUserFieldCalls(self.cache)


class ContactCalls(EntityCalls[Contact]):
    """Calls of contacts."""

    rest_name: ClassVar[str] = "crm.contact"
    model = Contact

    @cached_property
    def userfield(self) -> ContactUserFieldCalls:
        """Custom fields of contacts (crm.contact.userfield.*)."""
        from .userfields import ContactUserFieldCalls

        return ContactUserFieldCalls(self.cache)


class CompanyCalls(EntityCalls[Company]):
    """Calls of companies."""

    rest_name: ClassVar[str] = "crm.company"
    model = Company

    @cached_property
    def userfield(self) -> CompanyUserFieldCalls:
        """Custom fields of companies (crm.company.userfield.*)."""
        from .userfields import CompanyUserFieldCalls

        return CompanyUserFieldCalls(self.cache)


class DealCalls(EntityCalls[Deal]):
    """Calls of deals."""

    rest_name: ClassVar[str] = "crm.deal"
    model = Deal

    @cached_property
    def productrows(self) -> DealProductRowsCalls:
        """Product rows of deals (crm.deal.productrows.*)."""
        from .productrows import DealProductRowsCalls

        return DealProductRowsCalls()

    @cached_property
    def contact_items(self) -> DealContactItemsCalls:
        """Contacts bound to deals (crm.deal.contact.items.*)."""
        from .contact_items import DealContactItemsCalls

        return DealContactItemsCalls()

    @cached_property
    def userfield(self) -> DealUserFieldCalls:
        """Custom fields of deals (crm.deal.userfield.*)."""
        from .userfields import DealUserFieldCalls

        return DealUserFieldCalls(self.cache)
