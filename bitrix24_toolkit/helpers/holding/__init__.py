"""Holding structure: which company belongs to which (the company field "Parent company"), and totals.

- the field and the links: :func:`ensure_parent_field`, :func:`set_parent`, :func:`clear_parent`;
- the forest: :func:`holding_tree`, :func:`subsidiaries`, :func:`root_of`, :func:`ancestors`
  (pure: :func:`build_tree`, :func:`parse_parent`, :func:`render_tree`);
- the deals of a holding: :func:`holding_totals` (pure: :func:`aggregate_deals`).
"""

from ._holding import (
    PARENT_FIELD,
    PARENT_LABELS,
    PARENT_XML_ID,
    ancestors,
    clear_parent,
    ensure_parent_field,
    holding_totals,
    holding_tree,
    root_of,
    set_parent,
    subsidiaries,
)
from ._model import (
    COMPANY_TYPE_ID,
    CompanyNotFoundError,
    HoldingCycleError,
    HoldingError,
    HoldingFieldError,
    HoldingNode,
    HoldingTree,
    build_tree,
    parse_parent,
)
from ._render import render_tree, tree_dataframe, tree_records
from ._totals import DealBucket, HoldingTotals, aggregate_deals

__all__ = [
    "COMPANY_TYPE_ID",
    "PARENT_FIELD",
    "PARENT_LABELS",
    "PARENT_XML_ID",
    "CompanyNotFoundError",
    "DealBucket",
    "HoldingCycleError",
    "HoldingError",
    "HoldingFieldError",
    "HoldingNode",
    "HoldingTotals",
    "HoldingTree",
    "aggregate_deals",
    "ancestors",
    "build_tree",
    "clear_parent",
    "ensure_parent_field",
    "holding_totals",
    "holding_tree",
    "parse_parent",
    "render_tree",
    "root_of",
    "set_parent",
    "subsidiaries",
    "tree_dataframe",
    "tree_records",
]
