"""Product rows of deals and leads (``crm.{deal,lead}.productrows.*``; pages
api-reference/crm/deals/crm-deal-productrows-get.md, crm/leads/crm-lead-productrows-get.md).

The portal mixes types in one row: ``"ID": "5"``, ``"PRODUCT_ID": 450``, ``"PRICE": 899.1`` and
``"PRICE_ACCOUNT": "899.10"``; every amount reads as a :class:`~decimal.Decimal`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from .base import BitrixModel
from .values import Date, Int, Money, YesNo

__all__ = ["ProductRow"]


class ProductRow(BitrixModel):
    """One product row. ``price`` is the final unit price (discount applied, tax included as configured);
    ``discount_type_id`` 1 is an absolute ``discount_sum`` per unit, 2 a percent ``discount_rate``."""

    #: keys the portal computes or owns; they are not sent back by ``set``
    output_only: ClassVar[frozenset[str]] = frozenset(
        {
            "ID",
            "OWNER_ID",
            "OWNER_TYPE",
            "ORIGINAL_PRODUCT_NAME",
            "PRICE_ACCOUNT",
            "CUSTOMIZED",
            "TYPE",
            "STORE_ID",
            "RESERVE_ID",
            "DATE_RESERVE_END",
            "RESERVE_QUANTITY",
        }
    )

    id: Int = None
    owner_id: Int = None
    owner_type: str | None = None
    product_id: Int = None
    product_name: str | None = None
    original_product_name: str | None = None
    product_description: str | None = None
    price: Money = None
    price_exclusive: Money = None
    price_netto: Money = None
    price_brutto: Money = None
    price_account: Money = None
    quantity: Money = None
    discount_type_id: Int = None
    discount_rate: Money = None
    discount_sum: Money = None
    tax_rate: Money = None
    tax_included: YesNo = None
    customized: YesNo = None
    measure_code: Int = None
    measure_name: str | None = None
    sort: Int = None
    xml_id: str | None = None
    type: Int = None
    store_id: Int = None
    reserve_id: Int = None
    #: a date (``"2024-12-26"``), as the productrows.get pages document it
    date_reserve_end: Date = None
    reserve_quantity: Money = None

    @property
    def total(self) -> Decimal:
        """``price * quantity`` (quantity 1 when unset): what the row adds to the owner's amount."""
        quantity = Decimal(1) if self.quantity is None else self.quantity
        return (self.price or Decimal(0)) * quantity

    @property
    def tax_total(self) -> Decimal:
        """The tax in :attr:`total` (``(price - price_exclusive) * quantity``), 0 when unknown."""
        if self.price is None or self.price_exclusive is None:
            return Decimal(0)
        quantity = Decimal(1) if self.quantity is None else self.quantity
        return (self.price - self.price_exclusive) * quantity
