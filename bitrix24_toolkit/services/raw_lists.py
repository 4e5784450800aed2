"""Raw calls of known list methods, checked like the typed ones (``b24.call("crm.deal.list", ...)``).

:func:`raw_call` is what the clients' ``call``, ``call_full``, a batch's ``(method, params)`` pairs and
``Deferred.call`` build: the call as given, with the typed list's field check attached when the method is
a list the library knows (the classic CRM objects, ``crm.item.list`` by its ``entityTypeId`` and its
``useOriginalUfNames``, activities, requisites, addresses, ``crm.status.list``). Parameter names are read
in any case (``FILTER``) and the ``.json`` suffix is understood, as the portal does.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Generator, Mapping
from typing import Any

from ..models.directory import Status
from ..protocol.call import Call
from .common import as_id
from .listing import ListFamily
from .query_safety import declared_names, query_checks
from .root import CrmCalls

__all__ = ["list_checks", "raw_call"]


@functools.cache
def _families() -> dict[str, ListFamily[Any]]:
    crm = CrmCalls()  # stateless factories: one set serves every client
    families: list[ListFamily[Any]] = [
        crm.lead,
        crm.contact,
        crm.company,
        crm.deal,
        crm.activity,
        crm.address,
        crm.requisite,
        crm.requisite.bankdetail,
        crm.requisite.link,
        crm.requisite.preset,
    ]
    return {family._list_method(): family for family in families}


def _by_lower_name(params: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters by lower-case name (the portal reads ``FILTER`` as ``filter``, as crm-deal-list.md's
    own example sends it)."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        out.setdefault(str(key).lower(), value)
    return out


def list_checks(method: str, params: Mapping[str, Any]) -> Callable[[], Generator[Any, Any, None]] | None:
    """The field checks of a raw call of a known list method (``None``: not a known list method)."""
    if not isinstance(method, str) or not isinstance(params, Mapping):
        return None  # Call refuses them with its own message
    name = method.strip().lower().removesuffix(".json")
    lower = _by_lower_name(params)
    query: dict[str, Any] = {part: lower[part] for part in ("filter", "select", "order") if part in lower}
    if name == "crm.item.list":
        entity_type_id = as_id(lower.get("entitytypeid"))
        if entity_type_id is None:
            return None  # the portal refuses the call itself
        if str(lower.get("useoriginalufnames", "N")).upper() == "Y":
            return CrmCalls().item(entity_type_id)._checks(query)
        return query_checks(
            "crm.item.list", query, CrmCalls().item(entity_type_id)._fields_call(original=False)
        )
    if name == "crm.status.list":
        return query_checks(
            "crm.status.list", query, CrmCalls().status.fields(), standard=declared_names(Status)
        )
    family = _families().get(name)
    return family._checks(query) if family is not None else None


def raw_call(method: str, params: Mapping[str, Any]) -> Call[Any]:
    """A raw call of ``method``; a known list method's names are checked before it is sent (the method)."""
    return Call(method, params, checks=list_checks(method, params))
