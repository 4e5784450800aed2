"""Testing tools: the offline portal emulator, cassettes and the pytest plugin.

Names are imported lazily so that loading the pytest plugin stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .emulator import CostModel, Emulator, FaultRule, Faults, ManualClock

__all__ = ["CostModel", "Emulator", "FaultRule", "Faults", "ManualClock"]

_LAZY = {name: "bitrix24_toolkit.testing.emulator" for name in __all__}


def __getattr__(name: str) -> Any:
    """Import emulator names on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
