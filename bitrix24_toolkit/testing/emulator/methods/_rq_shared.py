"""Helpers shared by the requisite, user-field, activity and timeline modules (not a method module).

Legacy CRM methods render every stored number as a string, keep ``None`` as ``null`` and answer errors
with an empty code; these helpers keep that in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .. import query
from ..registry import Ctx, ListResult, PortalError
from ..state import PortalState

__all__ = [
    "OWNER_TABLES",
    "describe",
    "field_spec",
    "fields_param",
    "legacy_error",
    "list_rows",
    "owner_row",
    "pick",
    "positive_int",
    "render",
    "render_row",
    "select_param",
    "to_int",
]

_INDEX = "\x00index"

#: CRM owner type id -> table holding its rows (legacy entities; quotes and invoices when present)
OWNER_TABLES: dict[int, str] = {
    1: "lead",
    2: "deal",
    3: "contact",
    4: "company",
    7: "quote",
    31: "smart_invoice",
}


def legacy_error(description: str) -> PortalError:
    """A legacy CRM error: empty code, HTTP 400."""
    return PortalError("", description, 400)


def to_int(value: Any) -> int | None:
    """An integer from an int or a numeric string (``"12"``), else ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def positive_int(value: Any) -> int | None:
    """An integer > 0, else ``None``."""
    number = to_int(value)
    return number if number is not None and number > 0 else None


def render(value: Any) -> Any:
    """A stored value as legacy methods send it: numbers as strings, ``None`` kept, containers as is."""
    if value is None or isinstance(value, str | list | dict):
        return value
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def render_row(row: Mapping[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    """The given keys of a stored row, rendered (absent keys become ``null``)."""
    return {key: render(row.get(key)) for key in keys}


def fields_param(ctx: Ctx, name: str = "fields") -> dict[str, Any]:
    """The ``fields`` object of a legacy call (case-insensitive), or the legacy "must be array" error."""
    value = ctx.param(name)
    if not isinstance(value, dict):
        raise legacy_error(f"Parameter '{name}' must be array.")
    return value


def owner_row(state: PortalState, owner_type_id: int, owner_id: int) -> dict[str, Any] | None:
    """The stored row of a CRM owner (lead/deal/contact/company/quote/invoice), or ``None``."""
    table = OWNER_TABLES.get(owner_type_id, f"dynamic_{owner_type_id}")
    return state.table(table).get(owner_id) if table in state.tables else None


def select_param(ctx: Ctx) -> list[str]:
    """The ``select`` parameter as a list of names (empty = everything)."""
    select = ctx.param("select")
    if isinstance(select, dict):
        select = list(select.values())
    return [str(item) for item in select] if isinstance(select, list) else []


def list_rows(
    ctx: Ctx,
    rows: Iterable[dict[str, Any]],
    render_one: Callable[[dict[str, Any], list[str]], dict[str, Any]],
    *,
    default_order: Mapping[str, str] | None = None,
) -> ListResult:
    """Filter and order rows on their rendered values, then page them; ``render_one(row, select)``.

    A ``filter``/``order`` that is not an object is refused as every legacy list refuses it."""
    for name in ("order", "filter"):
        given = ctx.param(name)
        if given is not None and given != "" and not isinstance(given, dict | list):
            raise legacy_error(f"Parameter '{name}' must be array.")
    flt = ctx.param("filter")
    order = ctx.param("order")
    stored = list(rows)
    shown = [render_one(row, []) | {_INDEX: index} for index, row in enumerate(stored)]
    picked = query.filter_rows(shown, flt if isinstance(flt, dict) else None)
    ordered = query.order_rows(
        picked, order if isinstance(order, dict) else None, default=default_order or {"ID": "ASC"}
    )
    select = select_param(ctx)
    return query.page([render_one(stored[item[_INDEX]], select) for item in ordered], ctx.param("start"))


def field_spec(
    type_: str = "string",
    *,
    required: bool = False,
    read_only: bool = False,
    immutable: bool = False,
    multiple: bool = False,
    title: str = "",
) -> dict[str, Any]:
    """One entry of a ``*.fields`` answer (reference 5.3 shape)."""
    return {
        "type": type_,
        "isRequired": required,
        "isReadOnly": read_only,
        "isImmutable": immutable,
        "isMultiple": multiple,
        "isDynamic": False,
        "title": title,
    }


def describe(table: str, titles: Mapping[str, str]) -> dict[str, Any]:
    """A ``*.fields`` answer from ``"NAME:type:flags ..."`` (R required, O read-only, I immutable, M many)."""
    out: dict[str, Any] = {}
    for item in table.split():
        name, type_, flags = ([*item.split(":"), ""])[:3]
        out[name] = field_spec(
            type_,
            required="R" in flags,
            read_only="O" in flags,
            immutable="I" in flags,
            multiple="M" in flags,
            title=titles.get(name, name),
        )
    return out


def pick(full: dict[str, Any], select: list[str]) -> dict[str, Any]:
    """The selected keys of a rendered row, in select order (``*`` or nothing = all; ``UF_*`` = all UFs)."""
    if not select:
        return full
    wanted: list[str] = []
    for name in select:
        if name == "*":
            wanted.extend(key for key in full if not key.startswith("UF_"))
        elif name == "UF_*":
            wanted.extend(key for key in full if key.startswith("UF_"))
        elif name in full:
            wanted.append(name)
    return {key: full[key] for key in dict.fromkeys(wanted)}
