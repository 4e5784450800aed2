"""Contact bindings of deals and leads (``crm.{deal,lead}.contact.items.*``; pages
api-reference/crm/deals/contacts/crm-deal-contact-items-get.md, crm/leads/management-communication/).
"""

from __future__ import annotations

from .base import BitrixModel
from .values import Int, YesNo

__all__ = ["ContactBinding"]


class ContactBinding(BitrixModel):
    """A contact bound to a deal or lead; the primary one is the legacy ``CONTACT_ID``."""

    contact_id: Int = None
    sort: Int = None
    role_id: Int = None
    is_primary: YesNo = None
