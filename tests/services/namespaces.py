"""Namespaces returned by calls (``crm.item(2)``, ``crm.category(2)``) for both test clients."""

from __future__ import annotations

import inspect
from typing import Any


async def child(namespace: Any) -> Any:
    """The namespace itself (the sync test wrapper makes ``client.crm.item(2)`` awaitable)."""
    return await namespace if inspect.isawaitable(namespace) else namespace
