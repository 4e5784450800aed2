"""A product of the CRM catalog as the legacy ``crm.product.*`` methods send it (numbers as strings).

Fields: api-reference/crm/outdated/products/crm-product-fields.md (``code`` is kept for portals that send it).
"""

from __future__ import annotations

from typing import Any

from .base import BitrixModel
from .values import DateTime, Int, Money, YesNo

__all__ = ["CatalogProduct"]


class CatalogProduct(BitrixModel):
    """A catalog product (``crm.product.get``): ``price`` in ``currency_id``; ``vat_id`` points at a rate."""

    id: Int = None
    catalog_id: Int = None
    name: str | None = None
    code: str | None = None
    price: Money = None
    currency_id: str | None = None
    active: YesNo = None
    description: str | None = None
    description_type: str | None = None
    section_id: Int = None
    sort: Int = None
    vat_id: Int = None
    vat_included: YesNo = None
    measure: Int = None
    xml_id: str | None = None
    #: ``product_file``: a file id or a file description object, ``None`` when there is no picture
    preview_picture: Any = None
    detail_picture: Any = None
    date_create: DateTime = None
    timestamp_x: DateTime = None
    created_by: Int = None
    modified_by: Int = None
