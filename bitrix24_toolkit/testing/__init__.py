"""Testing tools: the offline portal emulator, cassettes and the pytest plugin.

Names are imported lazily so that loading the pytest plugin stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .emulator import CostModel, Emulator, FaultRule, Faults, ManualClock

__all__ = ["CostModel", "Emulator", "FaultRule", "Faults", "ManualClock"]


def __getattr__(name: str) -> Any:
    """Import emulator names on first use (an explicit import of this package's own emulator)."""
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from . import emulator

    value = getattr(emulator, name)
    globals()[name] = value
    return value
