"""The roots of the namespace tree: ``b24.crm`` and ``b24.user``."""

from __future__ import annotations

from functools import cached_property

from ..models.meta import User
from ..protocol.call import Call
from .common import FieldCache
from .entity import CompanyCalls, ContactCalls, DealCalls, LeadCalls

__all__ = ["CrmCalls", "UserCalls"]


class CrmCalls:
    """CRM: leads, contacts, companies, deals and everything around them (scope ``crm``)."""

    def __init__(self, cache: FieldCache | None = None) -> None:
        self.cache = cache if cache is not None else FieldCache()

    @cached_property
    def lead(self) -> LeadCalls:
        """Leads (crm.lead.*)."""
        return LeadCalls(self.cache)

    @cached_property
    def contact(self) -> ContactCalls:
        """Contacts (crm.contact.*)."""
        return ContactCalls(self.cache)

    @cached_property
    def company(self) -> CompanyCalls:
        """Companies (crm.company.*)."""
        return CompanyCalls(self.cache)

    @cached_property
    def deal(self) -> DealCalls:
        """Deals (crm.deal.*)."""
        return DealCalls(self.cache)


class UserCalls:
    """Employees (scope ``user``)."""

    def current(self) -> Call[User]:
        """The user the webhook or token acts as (user.current)."""
        return Call("user.current", {}, parse=lambda r: User.model_validate(r.result), read_only=True)
