"""The four classic CRM object kinds as namespaces: ``b24.crm.lead``, ``.contact``, ``.company``, ``.deal``.

Each is :class:`~bitrix24_toolkit.services.entity.EntityCalls` for its model plus the families that hang
off it (product rows, contact bindings, custom fields).
"""

from __future__ import annotations

from functools import cached_property
from typing import ClassVar

from ..models.crm import Company, Contact, Deal, Lead
from .contact_items import DealContactItemsCalls, LeadContactItemsCalls
from .entity import EntityCalls
from .productrows import DealProductRowsCalls, LeadProductRowsCalls
from .userfields import CompanyUserFieldCalls, ContactUserFieldCalls, DealUserFieldCalls, LeadUserFieldCalls

__all__ = ["CompanyCalls", "ContactCalls", "DealCalls", "LeadCalls"]


class LeadCalls(EntityCalls[Lead]):
    """Leads: potential sales before qualification (crm.lead.*)."""

    rest_name: ClassVar[str] = "crm.lead"
    model = Lead

    @cached_property
    def productrows(self) -> LeadProductRowsCalls:
        """Product rows of leads (crm.lead.productrows.*)."""
        return LeadProductRowsCalls()

    @cached_property
    def contact_items(self) -> LeadContactItemsCalls:
        """Contacts bound to leads (crm.lead.contact.items.*)."""
        return LeadContactItemsCalls()

    @cached_property
    def userfield(self) -> LeadUserFieldCalls:
        """Custom fields of leads (crm.lead.userfield.*)."""
        return LeadUserFieldCalls()


class ContactCalls(EntityCalls[Contact]):
    """Contacts: people of the CRM (crm.contact.*)."""

    rest_name: ClassVar[str] = "crm.contact"
    model = Contact
    _not_listed: ClassVar[frozenset[str]] = frozenset({"FACE_ID"})  # not on crm-contact-fields.md

    @cached_property
    def userfield(self) -> ContactUserFieldCalls:
        """Custom fields of contacts (crm.contact.userfield.*)."""
        return ContactUserFieldCalls()


class CompanyCalls(EntityCalls[Company]):
    """Companies: customers, suppliers and your own companies (crm.company.*)."""

    rest_name: ClassVar[str] = "crm.company"
    model = Company
    #: crm-company-fields.md lists neither (companies have only UTM_SOURCE)
    _not_listed: ClassVar[frozenset[str]] = frozenset({"SOURCE_ID", "SOURCE_DESCRIPTION"})

    @cached_property
    def userfield(self) -> CompanyUserFieldCalls:
        """Custom fields of companies (crm.company.userfield.*)."""
        return CompanyUserFieldCalls()


class DealCalls(EntityCalls[Deal]):
    """Deals: sales moving through a funnel's stages (crm.deal.*)."""

    rest_name: ClassVar[str] = "crm.deal"
    model = Deal

    @cached_property
    def productrows(self) -> DealProductRowsCalls:
        """Product rows of deals (crm.deal.productrows.*)."""
        return DealProductRowsCalls()

    @cached_property
    def contact_items(self) -> DealContactItemsCalls:
        """Contacts bound to deals (crm.deal.contact.items.*)."""
        return DealContactItemsCalls()

    @cached_property
    def userfield(self) -> DealUserFieldCalls:
        """Custom fields of deals (crm.deal.userfield.*)."""
        return DealUserFieldCalls()
