"""Field safety on reads: a list call's ``filter``, ``select`` and ``order`` keys checked before it is sent.

The portal ignores filter keys it does not know, so a typo turns "some rows" into "every row":
``filter={"STAGE": "WON"}`` on ``crm.deal.list`` matches all deals, and a script that deletes what a filter
matched deletes everything. An unknown ``select`` entry silently yields no column, an unknown ``order`` key no
order. The list factories attach :func:`query_checks` to their calls: the running client answers the
portal's fields from its own per-portal cache (the same cache and ``check_fields`` switch as writes) and
:func:`check_query` refuses unknown names, naming the nearest valid one. Nothing here remembers a portal.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Generator, Iterable, Mapping
from typing import Any, Final

from pydantic import BaseModel

from ..errors import Bitrix24Error, InvalidInputError, short_repr
from ..models.meta import FieldInfo
from ..protocol.call import Call, Flow
from .common import OPERATORS, split_operator
from .field_safety import did_you_mean, known_fields

__all__ = [
    "ALWAYS_SELECTABLE",
    "check_query",
    "checked_query",
    "declared_names",
    "names_used",
    "query_checks",
]

#: ``select`` masks every list method takes: all standard fields, all custom fields (reference 5.2)
ALWAYS_SELECTABLE: Final = frozenset({"*", "UF_*", "uf_*"})
#: how deep filter groups may nest (``{"0": {"logic": "OR", "0": {...}}}``), as the translation allows
_MAX_DEPTH: Final = 8

#: names a method's own page says it does not take, by part, with what to do instead
_UNSUPPORTED: Final[Mapping[str, Mapping[str, str]]] = {
    "crm.deal.list": {
        "CONTACT_IDS": "crm.deal.list does not support CONTACT_IDS (crm-deal-list.md): use "
        "b24.crm.item(2).list_all(filter={'contactIds': [...]}) or CONTACT_ID",
    },
}
#: the only list method whose filter takes ``logic`` groups (crm-contact-list.md: "The `logic` key in the
#: filter is not supported ... use the method crm.item.list"; crm-lead-list.md: "no option to add a logical
#: OR"); elsewhere the portal drops the group and the call matches every record
_GROUPS: Final = frozenset({"crm.item.list"})
#: filter values that are lists of conditions with their own keys (crm-activity-list.md: bindings "can
#: consist of the OWNER_TYPE_ID keys ... and OWNER_ID keys")
_NESTED: Final[Mapping[str, Mapping[str, frozenset[str]]]] = {
    "crm.activity.list": {"BINDINGS": frozenset({"OWNER_TYPE_ID", "OWNER_ID"})},
}
#: characters that start an operator prefix: a name left with one of them is a mistyped operator
_OPERATOR_CHARS: Final = frozenset("=!<>@%")
#: the longest name quoted in a message
_SHOWN: Final = 80


@functools.cache
def declared_names(model: type[BaseModel]) -> frozenset[str]:
    """The API names a model declares (its documented standard fields)."""
    return frozenset(info.alias or name for name, info in model.model_fields.items())


def _shown(name: str) -> str:
    return short_repr(name, _SHOWN)


def _unknown(where: str, part: str, name: str, names: Collection[str], consequence: str) -> InvalidInputError:
    if name[:1] in _OPERATOR_CHARS:
        operators = " ".join(OPERATORS[::-1])
        consequence += f"; the operator prefixes are {operators}"
    nearest = did_you_mean(name, names) if len(name) <= _SHOWN else ""
    return InvalidInputError(
        f"{where}: unknown {part} field {_shown(name)} ({consequence}){nearest}",
        field=f"{part}[{name[:_SHOWN]}]" if part != "select" else "select",
    )


def _refuse_unsupported(where: str, part: str, name: str, method: str) -> None:
    why = _UNSUPPORTED.get(method, {}).get(name)
    if why is not None:
        raise InvalidInputError(f"{where}: {why}", field=f"{part}[{name}]" if part != "select" else "select")


def _check_nested(where: str, key: str, value: Any, allowed: frozenset[str]) -> None:
    conditions = value if isinstance(value, list | tuple) else None
    if not conditions or not all(isinstance(c, Mapping) and c for c in conditions):
        raise InvalidInputError(
            f"{where}: filter[{key}] must be a non-empty list of conditions such as "
            f"[{{'OWNER_TYPE_ID': 2, 'OWNER_ID': 5}}], not {short_repr(value)}",
            field=f"filter[{key}]",
        )
    for condition in conditions:
        for inner in condition:
            if str(inner) not in allowed:
                raise _unknown(
                    where, f"filter[{key}]", str(inner), allowed, "the portal would ignore the condition"
                )


def _check_filter(
    where: str, flt: Mapping[str, Any], names: Collection[str], method: str, depth: int = 0
) -> None:
    if depth > _MAX_DEPTH:
        raise InvalidInputError(
            f"{where}: filter groups nest deeper than {_MAX_DEPTH} levels", field="filter"
        )
    nested = _NESTED.get(method, {})
    for key, value in flt.items():
        text = str(key)
        is_group = text.lower() == "logic" or (isinstance(value, Mapping) and text.isdigit())
        if is_group and method not in _GROUPS:
            raise InvalidInputError(
                f"{where}: the filter takes no logic groups ({_shown(text)}): the portal would drop the "
                "group and match every record; use crm.item.list (b24.crm.item(entity_type_id)) for OR "
                "conditions, or one call per condition",
                field="filter",
            )
        if text.lower() == "logic":
            continue
        if is_group:
            _check_filter(where, value, names, method, depth + 1)
            continue
        _, name = split_operator(text)
        _refuse_unsupported(where, "filter", name, method)
        if name not in names:
            raise _unknown(
                where,
                "filter",
                name,
                names,
                "the portal ignores unknown filter keys: the condition would be "
                "dropped and the call would match more records",
            )
        if name in nested:
            _check_nested(where, name, value, nested[name])


def _select_entries(select: Any) -> list[str]:
    if isinstance(select, str | bytes):
        return [select.decode() if isinstance(select, bytes) else select]
    if isinstance(select, Mapping):  # PHP-style select[0]=ID
        return [str(v) for v in select.values()]
    return [str(v) for v in select] if isinstance(select, Iterable) else []


def _check_select(where: str, select: Any, names: Collection[str], method: str) -> None:
    for name in _select_entries(select):
        if name in ALWAYS_SELECTABLE:
            continue
        _refuse_unsupported(where, "select", name, method)
        if name not in names:
            raise _unknown(where, "select", name, names, "the portal would return no such column")


def _check_order(where: str, order: Any, names: Collection[str], method: str) -> None:
    if not isinstance(order, Mapping):
        return
    for key in order:
        _refuse_unsupported(where, "order", str(key), method)
        if str(key) not in names:
            raise _unknown(where, "order", str(key), names, "the portal would ignore this sort key")


def _filter_names(flt: Mapping[str, Any], out: set[str], depth: int = 0) -> None:
    for key, value in flt.items():
        text = str(key)
        if text.lower() == "logic" or (isinstance(value, Mapping) and text.isdigit()):
            out.add("logic")  # never a declared name: a group is always checked
            if isinstance(value, Mapping) and depth < _MAX_DEPTH:
                _filter_names(value, out, depth + 1)
        else:
            out.add(split_operator(text)[1])


def names_used(params: Mapping[str, Any]) -> set[str]:
    """Every field name a list call's ``filter``, ``select`` and ``order`` use (operators stripped)."""
    out: set[str] = set()
    flt = params.get("filter")
    if isinstance(flt, Mapping):
        _filter_names(flt, out)
    if "select" in params:
        out.update(name for name in _select_entries(params["select"]) if name not in ALWAYS_SELECTABLE)
    order = params.get("order")
    if isinstance(order, Mapping):
        out.update(str(key) for key in order)
    return out


def check_query(where: str, names: Collection[str], params: Mapping[str, Any]) -> None:
    """Refuse ``filter``/``select``/``order`` names of a list call that are not among ``names``.

    ``params`` are the call's parameters under the API's names (``STAGE_ID``; ``stageId`` for crm.item);
    operator prefixes (``>=``, ``!@``, ``=%`` ...) are understood; ``*`` and ``UF_*`` are
    always selectable; logic groups only where the method takes them (``crm.item.list``). ``where`` is the
    REST method.
    """
    flt = params.get("filter")
    if isinstance(flt, Mapping):
        _check_filter(where, flt, names, where)
    if "select" in params:
        _check_select(where, params["select"], names, where)
    if "order" in params:
        _check_order(where, params["order"], names, where)


def checked_query(
    method: str,
    params: Mapping[str, Any],
    load: Call[dict[str, FieldInfo]],
    *,
    names: Callable[[Mapping[str, FieldInfo]], Collection[str]] | None = None,
) -> Flow[None]:
    """Check a ``{method}`` call's names against the running client's fields (nothing when checks are off)."""
    try:
        known = yield from known_fields(load.describes or method.rsplit(".", 1)[0], load)
    except Bitrix24Error as exc:
        exc.add_note(
            f"{load.method} was read to check the names of a {method} call, which was not sent; "
            "pass check=False to skip the check"
        )
        raise
    if known is None:
        return
    check_query(method, names(known) if names is not None else set(known), params)


def query_checks(
    method: str,
    params: Mapping[str, Any],
    load: Call[dict[str, FieldInfo]] | None,
    *,
    names: Callable[[Mapping[str, FieldInfo]], Collection[str]] | None = None,
    standard: Collection[str] = frozenset(),
) -> Callable[[], Generator[Any, Any, None]] | None:
    """The ``checks`` of a list call (see :attr:`~bitrix24_toolkit.protocol.call.Call.checks`), if any.

    Names among ``standard`` (the model's documented fields) need no check, so a list by standard names
    costs no ``*.fields`` request; any other name (a custom field, a typo) is checked against the portal.
    """
    if load is None:
        return None
    used = names_used(params)
    special = set(_UNSUPPORTED.get(method, ())) | set(_NESTED.get(method, ()))
    if all(name in standard for name in used) and not used & special:
        return None
    return lambda: checked_query(method, params, load, names=names)
