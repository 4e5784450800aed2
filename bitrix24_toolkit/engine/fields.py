"""The client's per-portal cache of field descriptions, used to check writes before they are sent.

Call factories never remember a portal: a flow that checks a write yields
:class:`~bitrix24_toolkit.protocol.call.KnownFields` and the client that runs it answers from here. The cache
is forgotten whenever a call through the same client adds, changes or deletes a custom field, and each
description is read again after :data:`FIELD_CACHE_TTL` seconds (a field changed elsewhere).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, Final

from ..protocol.call import Call

__all__ = ["FIELD_CACHE_TTL", "FieldCache", "changes_fields"]

#: methods that add, change or delete custom fields (``crm.deal.userfield.add``, ``userfieldconfig.update``)
_CHANGES_FIELDS = re.compile(r"(^|\.)(userfield|userfieldconfig)\.(add|update|delete)$", re.IGNORECASE)


def _changes(method: str) -> bool:
    return bool(_CHANGES_FIELDS.search(method))


def changes_fields(call: Call[Any]) -> bool:
    """Whether ``call`` (or a command of a ``batch``) may change a portal's custom fields."""
    method = call.method.lower()
    if method != "batch":
        return "userfield" in method and _changes(method)
    commands = call.params.get("cmd")
    values = commands.values() if isinstance(commands, Mapping) else commands or ()
    return any(_changes(str(command).split("?", 1)[0]) for command in values)


#: how long a description is trusted: a custom field added or deleted elsewhere (the web UI, another
#: client) is seen within this many seconds; changes through the same client are seen at once
FIELD_CACHE_TTL: Final = 300.0


class FieldCache:
    """Field descriptions by key (``crm.deal``, ``crm.item.2`` ...), shared by one client's threads."""

    def __init__(self, *, ttl: float = FIELD_CACHE_TTL, clock: Callable[[], float] = time.monotonic) -> None:
        self._data: dict[str, tuple[float, Any]] = {}
        self._lock = threading.Lock()
        self._ttl = ttl
        self._clock = clock

    def get(self, key: str) -> Any | None:
        """The cached description, if loaded less than ``ttl`` seconds ago."""
        with self._lock:
            entry = self._data.get(key)
            if entry is None:
                return None
            if self._clock() - entry[0] >= self._ttl:
                del self._data[key]
                return None
            return entry[1]

    def put(self, key: str, fields: Any) -> None:
        """Remember a description."""
        with self._lock:
            self._data[key] = (self._clock(), fields)

    def clear(self) -> None:
        """Forget everything (done for you after a custom field changes through this client)."""
        with self._lock:
            self._data.clear()

    def note(self, call: Call[Any]) -> None:
        """Forget everything if ``call`` may have changed the portal's custom fields."""
        if self._data and changes_fields(call):
            self.clear()
