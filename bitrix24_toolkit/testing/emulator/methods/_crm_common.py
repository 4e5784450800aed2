"""Shared pieces of the CRM entity methods: parameter checks, value coercion and the two renderings.

Rows are stored typed (ints for ids and users, floats for money, ``"Y"``/``"N"`` chars, ISO strings for
dates, lists of ``{"ID", "VALUE_TYPE", "VALUE", "TYPE_ID"}`` for multifields). The legacy methods render
numbers as strings, empty dates as ``""`` and multifield ids as strings (reference 1.6, 5.4);
``crm.item.*`` renders real ints and floats under camelCase names (reference 5.11).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..registry import PortalError, not_found
from ..userfield_store import userfields_for
from ._crm_schema import MULTIFIELDS, EntitySpec, Field

if TYPE_CHECKING:
    from ..registry import Ctx
    from ..state import PortalState

__all__ = [
    "coerce",
    "fields_param",
    "get_row",
    "id_param",
    "params_param",
    "render_file",
    "render_item_value",
    "render_legacy_value",
    "render_multifield",
    "to_date",
    "to_float",
    "to_int",
    "uf_rows",
    "write_file",
    "write_multifield",
    "yn",
]

_LINK_TYPES = frozenset(
    {"crm_company", "crm_contact", "crm_lead", "crm_quote", "crm_deal", "user", "file", "crm_category"}
)


#: ``double`` columns sent without a fixed scale (crm-company-get.md: ``"REVENUE": "0"``; money columns
#: such as OPPORTUNITY are ``"1000000.00"``)
_PLAIN_DOUBLES = frozenset({"REVENUE"})


# ------------------------------------------------------------------------------------------ params
def id_param(ctx: Ctx, name: str = "id") -> int:
    """A positive integer ``id`` parameter, else the legacy "ID is not defined or invalid." error."""
    value = to_int(ctx.param(name))
    if value is None or value <= 0:
        raise PortalError("", "ID is not defined or invalid.", 400)
    return value


def fields_param(ctx: Ctx) -> dict[str, Any]:
    """The ``fields`` parameter as a dict, else "Parameter 'fields' must be array."."""
    value = ctx.param("fields")
    if isinstance(value, list) and not value:
        return {}
    if not isinstance(value, Mapping):
        raise PortalError("", "Parameter 'fields' must be array.", 400)
    return dict(value)


def params_param(ctx: Ctx) -> dict[str, Any]:
    """The optional ``params`` parameter as a dict, else "Parameter 'params' must be array."."""
    value = ctx.param("params")
    if value is None or (isinstance(value, list) and not value):
        return {}
    if not isinstance(value, Mapping):
        raise PortalError("", "Parameter 'params' must be array.", 400)
    return dict(value)


def get_row(
    state: PortalState, spec: EntitySpec, row_id: int, error: PortalError | None = None
) -> dict[str, Any]:
    """The stored row, or ``error`` (default: the legacy "Not found")."""
    row = state.table(spec.name).get(row_id)
    if row is None:
        raise error or not_found()
    return row


def uf_rows(state: PortalState, spec: EntitySpec) -> list[dict[str, Any]]:
    """The userfield definitions of an entity (table ``"userfield"``)."""
    return userfields_for(state, spec.uf_entity)


# ---------------------------------------------------------------------------------------- coercion
def to_int(value: Any) -> int | None:
    """``"12"``/``12``/``12.0`` -> 12; anything else -> ``None``."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip()
    if text.lstrip("-").isdigit():
        return int(text)
    return None


def to_float(value: Any) -> float | None:
    """A money/double value as float (``"1 000,50"`` is not accepted; ``""`` -> ``None``)."""
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        return round(float(str(value).strip()), 2)
    except ValueError:
        return None


def yn(value: Any) -> str:
    """Bitrix booleans: ``Y``/``true``/``1`` -> ``"Y"``, anything else ``"N"``."""
    return "Y" if str(value).strip().lower() in ("y", "true", "1") else "N"


def to_date(value: Any, tz: dt.tzinfo, *, date_only: bool = False) -> str | None:
    """An ISO 8601 datetime with offset (dates at midnight of the portal timezone); ``None`` if empty."""
    if value is None or value == "" or value is False:
        return None
    text = str(value).strip()
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = dt.datetime.strptime(text, "%d.%m.%Y")
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    if date_only:
        parsed = parsed.replace(hour=0, minute=0, second=0, microsecond=0)
    return parsed.replace(microsecond=0).isoformat()


def coerce(fld: Field, value: Any, tz: dt.tzinfo) -> Any:
    """A written value stored with the type of its field."""
    if fld.multiple:
        items = list(value.values()) if isinstance(value, Mapping) else value
        if not isinstance(items, list | tuple):
            items = [items]
        return [v for v in (to_int(i) for i in items) if v]
    if fld.type in _LINK_TYPES:
        number = to_int(value)
        if fld.type == "crm_category":
            return number or 0
        return number if number else None
    if fld.type == "integer":
        return to_int(value)
    if fld.type == "double":
        return to_float(value)
    if fld.type == "char":
        return yn(value)
    if fld.type in ("date", "datetime"):
        return to_date(value, tz, date_only=fld.type == "date")
    return None if value is None else str(value)


# -------------------------------------------------------------------------------------- multifields
def write_multifield(state: PortalState, row: dict[str, Any], type_id: str, value: Any) -> None:
    """Legacy write rules: no ``ID`` adds; ``ID`` + ``VALUE`` updates; ``ID`` + empty ``VALUE`` deletes."""
    items = list(value.values()) if isinstance(value, Mapping) else value
    if not isinstance(items, list):
        return
    current: list[dict[str, Any]] = list(row.get(type_id) or [])
    for item in items:
        if not isinstance(item, Mapping):
            continue
        entry_id = to_int(item.get("ID"))
        text = "" if item.get("VALUE") is None else str(item.get("VALUE")).strip()
        existing = next((e for e in current if entry_id and e["ID"] == entry_id), None)
        if existing is not None:
            if not text or str(item.get("DELETE", "")).upper() == "Y":
                current.remove(existing)
                continue
            existing["VALUE"] = text
            if item.get("VALUE_TYPE"):
                existing["VALUE_TYPE"] = str(item["VALUE_TYPE"])
        elif text:
            current.append(
                {
                    "ID": state.next_id("multifield"),
                    "VALUE_TYPE": str(item.get("VALUE_TYPE") or _default_value_type(type_id)),
                    "VALUE": text,
                    "TYPE_ID": type_id,
                }
            )
    row[type_id] = current


# -------------------------------------------------------------------------------------------- files
#: uploaded files of ``file`` fields (contact ``PHOTO``, company ``LOGO``)
FILE_TABLE = "crm_file"


def write_file(state: PortalState, value: Any, current: Any) -> int | None:
    """A ``file`` field write: ``{"fileData": [name, base64]}`` (or the bare pair) stores a new file and
    returns its id; ``{"remove": "Y"}`` clears it; anything else keeps ``current``."""
    data = value
    if isinstance(value, Mapping):
        if yn(value.get("remove", value.get("del", "N"))) == "Y":
            return None
        data = value.get("fileData")
    if isinstance(data, list | tuple) and len(data) >= 2 and data[1]:
        name, content = str(data[0]), str(data[1])
    elif isinstance(data, str) and data:
        name, content = "file", data
    else:
        return current if isinstance(current, int) else None
    return state.insert(FILE_TABLE, {"NAME": name, "CONTENT": content})


def render_file(spec: EntitySpec, owner_id: Any, field_name: str, file_id: Any) -> dict[str, Any] | None:
    """A stored file as the legacy read methods send it: ``{"id", "showUrl", "downloadUrl"}``."""
    if not isinstance(file_id, int):
        return None
    query = f"ownerId={owner_id}&fieldName={field_name}&dynamic=N&fileId={file_id}"
    base = f"/bitrix/components/bitrix/crm.{spec.name}.show/show_file.php"
    return {"id": file_id, "showUrl": f"{base}?{query}", "downloadUrl": f"{base}?auth=&{query}"}


def _default_value_type(type_id: str) -> str:
    return "WORK" if type_id in ("PHONE", "EMAIL", "WEB") else "OTHER"


def render_multifield(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Legacy read shape: string ``ID``s."""
    return [
        {"ID": str(e["ID"]), "VALUE_TYPE": e["VALUE_TYPE"], "VALUE": e["VALUE"], "TYPE_ID": e["TYPE_ID"]}
        for e in entries
    ]


def all_multifields(row: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every multifield entry of a row, in type order."""
    return [e for type_id in MULTIFIELDS for e in row.get(type_id) or []]


# ---------------------------------------------------------------------------------------- rendering
def render_legacy_value(fld: Field, value: Any) -> Any:
    """One stored value as the legacy methods send it (numbers as strings, ``""`` empty dates)."""
    if fld.multiple:
        # PHP int arrays: ids stay ints inside CONTACT_IDS/COMPANY_IDS (unconfirmed)
        return list(value or [])
    if fld.type in ("date", "datetime"):
        return value or ""
    if value is None:
        return None
    if fld.type == "double":
        if fld.name in _PLAIN_DOUBLES:
            number = float(value)
            return str(int(number)) if number.is_integer() else str(number)
        return f"{float(value):.2f}"
    if fld.type in _LINK_TYPES or fld.type == "integer":
        return str(value)
    return value


def render_item_value(fld: Field, value: Any) -> Any:
    """One stored value as crm.item.* sends it (real ints/floats, ``None`` for empty dates)."""
    if fld.multiple:
        return list(value or [])
    if fld.type == "double":
        return None if value is None else float(value)
    if fld.type in ("date", "datetime"):
        return value or None
    return value
