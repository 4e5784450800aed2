"""Deals set up for the business: the pipeline's stages, and the products in a deal.

- :func:`ensure_pipeline`: create or update a deal funnel and its stages, idempotently;
- :func:`set_deal_products`, :func:`deal_products`: product rows from the catalog or free text, typed.
"""

from ._pipeline import PipelineChanges, PipelineError, StageChange, StageSpec, ensure_pipeline
from ._products import DealProducts, DealProductsError, ProductLine, deal_products, set_deal_products

__all__ = [
    "DealProducts",
    "DealProductsError",
    "PipelineChanges",
    "PipelineError",
    "ProductLine",
    "StageChange",
    "StageSpec",
    "deal_products",
    "ensure_pipeline",
    "set_deal_products",
]
