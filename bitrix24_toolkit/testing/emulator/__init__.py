"""The offline Bitrix24 portal emulator (see :mod:`.portal` for the options)."""

from __future__ import annotations

from .cost import CostModel, Stats
from .dispatch import execute, load_methods
from .faults import FaultRule, Faults
from .limits import ManualClock
from .portal import DEFAULT_DOMAIN, DEFAULT_SECRET, Emulator
from .registry import Ctx, ListResult, PortalError, method, not_found
from .seed import seed_deals

__all__ = [
    "DEFAULT_DOMAIN",
    "DEFAULT_SECRET",
    "CostModel",
    "Ctx",
    "Emulator",
    "FaultRule",
    "Faults",
    "ListResult",
    "ManualClock",
    "PortalError",
    "Stats",
    "execute",
    "load_methods",
    "method",
    "not_found",
    "seed_deals",
]
