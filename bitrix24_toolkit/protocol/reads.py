"""Which calls only read: what may be repeated after an unknown outcome (a lost answer) and what may not.

A method is a read by its name (``*.get``, ``*.list``, ``*.fields``, and the few in :data:`READ_METHODS`);
a call by its own ``read_only`` mark, else its name; a ``batch`` only when every command in it is a read.
Unknown methods count as writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from .call import Call

__all__ = ["READ_METHODS", "is_read_call", "is_read_method"]

#: Methods that only read, beyond the ``*.get`` / ``*.list`` / ``*.fields`` naming rule.
READ_METHODS: Final = frozenset(
    {
        "user.current",
        "profile",
        "scope",
        "methods",
        "method.get",
        "server.time",
        "app.info",
        "events",
        "event.get",
        "crm.duplicate.findbycomm",
        "crm.requisite.preset.countries",
        "crm.enum.addresstype",
        "crm.userfield.types",
        "crm.status.entity.types",
        "crm.status.entity.items",
        "crm.dealcategory.stage.list",
        "crm.deal.contact.items.get",
        "crm.lead.contact.items.get",
        "crm.deal.productrows.get",
        "crm.lead.productrows.get",
        "crm.requisite.link.get",
        "bizproc.robot.list",
        "bizproc.activity.list",
    }
)
_READ_SUFFIXES: Final = (".get", ".list", ".fields")


def is_read_method(method: str) -> bool:
    """Whether repeating ``method`` after an unknown outcome is harmless (unknown methods are writes)."""
    name = method.lower()
    return name in READ_METHODS or name.endswith(_READ_SUFFIXES)


def is_read_call(call: Call[Any]) -> bool:
    """Whether repeating ``call`` is harmless: its own mark, else its name (a ``batch``: its commands')."""
    if call.read_only is not None:
        return call.read_only
    if call.method.lower() == "batch":
        commands = call.params.get("cmd")
        values = commands.values() if isinstance(commands, Mapping) else commands
        if isinstance(values, Iterable) and not isinstance(values, str | bytes):
            names = [str(command).split("?", 1)[0] for command in values]
            return bool(names) and all(is_read_method(name) for name in names)
    return is_read_method(call.method)
