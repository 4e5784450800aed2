"""The emulator's method registry: each emulated REST method is a function of a :class:`Ctx`.

Handlers return the ``result`` value (any JSON-able object) or a :class:`ListResult` for paged lists, and
signal failures by raising :class:`PortalError` with the code, description and HTTP status a real portal
answers with (reference section 4). Handlers never build envelopes: the dispatcher does (``time``,
``total``/``next``, errors without ``time``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .state import PortalState

__all__ = ["REGISTRY", "Ctx", "Handler", "ListResult", "PortalError", "method", "not_found"]


class PortalError(Exception):
    """An error answer of the emulated portal."""

    def __init__(self, code: str | int, description: str, status: int = 400) -> None:
        super().__init__(f"{code}: {description}")
        self.code = code
        self.description = description
        self.status = status

    def payload(self) -> dict[str, Any]:
        """The error envelope, exactly as the portal sends it (no ``time``)."""
        return {"error": self.code, "error_description": self.description}


def not_found(description: str = "Not found") -> PortalError:
    """Legacy CRM "not found": empty code, HTTP 400."""
    return PortalError("", description, 400)


@dataclass
class ListResult:
    """A page of a list method; the dispatcher adds ``total`` and ``next`` (absent on the last page)."""

    result: Any
    total: int
    next: int | None = None
    #: rows the server had to count (COUNT query; 0 with ``start=-1``) and skip (OFFSET), for the cost model
    counted: int = 0
    skipped: int = 0


@dataclass
class Ctx:
    """What a handler sees: the portal state, the decoded parameters and who calls."""

    state: PortalState
    params: dict[str, Any]
    method: str
    user_id: int = 1
    in_batch: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def now(self) -> dt.datetime:
        """The portal clock (injectable), timezone-aware."""
        return self.state.now()

    def param(self, name: str, default: Any = None) -> Any:
        """A parameter by exact name, else case-insensitively (PHP arrays are case-sensitive; many
        Bitrix methods normalise ``ID``/``id`` and ``FIELDS``/``fields``)."""
        if name in self.params:
            return self.params[name]
        lowered = name.lower()
        for key, value in self.params.items():
            if key.lower() == lowered:
                return value
        return default


Handler = Callable[[Ctx], Any]

#: method name (lower case) -> (handler, scope)
REGISTRY: dict[str, tuple[Handler, str]] = {}


def method(*names: str, scope: str = "crm") -> Callable[[Handler], Handler]:
    """Register a handler under one or more REST method names (matched case-insensitively)."""

    def register(handler: Handler) -> Handler:
        for name in names:
            REGISTRY[name.lower()] = (handler, scope)
        return handler

    return register
