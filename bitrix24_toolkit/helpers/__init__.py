"""Workflows a CRM team lives by, as functions whose first argument is a client.

Each helper returns its value with :class:`~bitrix24_toolkit.Bitrix24` and an awaitable with
:class:`~bitrix24_toolkit.AsyncBitrix24`; inside is one flow (``helper.flow(...)``), testable without HTTP.
"""

from .base import Helper, helper
from .holding import (
    PARENT_FIELD,
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
from .holding_model import (
    CompanyNotFoundError,
    HoldingCycleError,
    HoldingError,
    HoldingFieldError,
    HoldingNode,
    HoldingTree,
    build_tree,
    parse_parent,
)
from .holding_render import render_tree
from .holding_totals import DealBucket, HoldingTotals

__all__ = [
    "PARENT_FIELD",
    "PARENT_XML_ID",
    "CompanyNotFoundError",
    "DealBucket",
    "Helper",
    "HoldingCycleError",
    "HoldingError",
    "HoldingFieldError",
    "HoldingNode",
    "HoldingTotals",
    "HoldingTree",
    "ancestors",
    "build_tree",
    "clear_parent",
    "ensure_parent_field",
    "helper",
    "holding_totals",
    "holding_tree",
    "parse_parent",
    "render_tree",
    "root_of",
    "set_parent",
    "subsidiaries",
]
