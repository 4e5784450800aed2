"""Workgroups and projects: ``sonet_group.create`` and ``sonet_group.get`` (pages
``api-reference/sonet-group/sonet-group-create.md``, ``sonet-group-get.md``).

Groups are rows of table ``"sonet_group"``. ``create`` answers the new id; the caller becomes the owner
(``OWNER_ID`` is honoured for the administrator, user 1) and the only member. ``get`` pages by 50 with
``total``/``next``, ``ORDER`` (``ID`` descending by default), ``FILTER`` with the page's fields and the
shared operators, and ``GROUP_ID``; records are the example's, every value a string.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..query import compile_filter, order_rows, page, parse_condition
from ..registry import Ctx, ListResult, PortalError, method
from ._task_store import date_value
from .users import find_user

__all__ = ["TABLE", "group_record"]

TABLE = "sonet_group"
#: sonet-group-get.md: the filterable fields
_FILTER_FIELDS = frozenset(
    "ID NAME OWNER_ID ACTIVE VISIBLE OPENED CLOSED DATE_CREATE DATE_UPDATE DATE_ACTIVITY IS_EXTRANET".split()
)
_ORDER_FIELDS = _FILTER_FIELDS | {"PROJECT", "NUMBER_OF_MEMBERS", "SUBJECT_ID"}
_RECORD = (
    "ID SITE_ID NAME DESCRIPTION DATE_CREATE DATE_UPDATE ACTIVE VISIBLE OPENED CLOSED SUBJECT_ID OWNER_ID "
    "KEYWORDS NUMBER_OF_MEMBERS DATE_ACTIVITY SUBJECT_NAME PROJECT IS_EXTRANET"
).split()


def _yn(value: Any, default: str) -> str:
    if value is None or value == "":
        return default
    return "Y" if str(value).strip().upper() in ("Y", "TRUE", "1") else "N"


def group_record(row: Mapping[str, Any]) -> dict[str, Any]:
    """A group as sonet_group.get sends it (ids and counts as strings, empty texts as ``null``)."""
    out: dict[str, Any] = {}
    for key in _RECORD:
        value = row.get(key)
        out[key] = (
            None if value is None or value == "" else str(value) if not isinstance(value, str) else value
        )
    return out


@method("sonet_group.create", scope="sonet_group")
def group_create(ctx: Ctx) -> int:
    """``sonet_group.create {NAME*, DESCRIPTION?, VISIBLE?, OPENED?, PROJECT?, OWNER_ID?, ...}`` -> the id."""
    params = {str(key).upper(): value for key, value in ctx.params.items()}
    name = str(params.get("NAME") or "").strip()
    if not name:
        raise PortalError("", "Cannot create group", 400)
    owner = ctx.user_id
    if ctx.user_id == 1 and str(params.get("OWNER_ID") or "").strip().isdigit():
        owner = int(str(params["OWNER_ID"]).strip())
        if find_user(ctx, owner) is None:
            raise PortalError("", "Cannot create group", 400)
    now = ctx.state.now_iso()
    row = {
        "SITE_ID": "s1",
        "NAME": name,
        "DESCRIPTION": str(params.get("DESCRIPTION") or "") or None,
        "DATE_CREATE": now,
        "DATE_UPDATE": now,
        "ACTIVE": "Y",
        "VISIBLE": _yn(params.get("VISIBLE"), "Y"),
        "OPENED": _yn(params.get("OPENED"), "N"),
        "CLOSED": _yn(params.get("CLOSED"), "N"),
        "SUBJECT_ID": int(str(params.get("SUBJECT_ID") or 1))
        if str(params.get("SUBJECT_ID") or 1).isdigit()
        else 1,
        "OWNER_ID": owner,
        "KEYWORDS": str(params.get("KEYWORDS") or "") or None,
        "NUMBER_OF_MEMBERS": 1,
        "DATE_ACTIVITY": now,
        "SUBJECT_NAME": "Workgroups",
        "PROJECT": _yn(params.get("PROJECT"), "N"),
        "IS_EXTRANET": "N",
        "INITIATE_PERMS": str(params.get("INITIATE_PERMS") or "K"),
        "PROJECT_DATE_START": date_value(params.get("PROJECT_DATE_START"), ctx.state.tz),
        "PROJECT_DATE_FINISH": date_value(params.get("PROJECT_DATE_FINISH"), ctx.state.tz),
        "MEMBERS": [owner],
    }
    return ctx.state.insert(TABLE, row)


@method("sonet_group.get", scope="sonet_group")
def group_get(ctx: Ctx) -> ListResult:
    """``sonet_group.get {ORDER?, FILTER?, GROUP_ID?, start?}`` -> groups, 50 a page."""
    raw = ctx.param("FILTER")
    flt: dict[str, Any] = {}
    if isinstance(raw, Mapping):
        for key, value in raw.items():
            cond = parse_condition(str(key).upper(), value)
            if cond.field in _FILTER_FIELDS:
                flt[str(key).upper()] = value
    if ctx.param("GROUP_ID") not in (None, ""):
        flt["=ID"] = ctx.param("GROUP_ID")
    predicate = compile_filter(flt)
    rows = [row for row in ctx.state.table(TABLE).values() if predicate(row)]
    raw_order = ctx.param("ORDER")
    order: dict[str, str] = {"ID": "DESC"}
    if isinstance(raw_order, Mapping) and raw_order:
        order = {
            str(k).upper(): "DESC" if str(v).strip().upper() == "DESC" else "ASC"
            for k, v in raw_order.items()
            if str(k).upper() in _ORDER_FIELDS
        } or order
    result = page(order_rows(rows, order), ctx.param("start"))
    result.result = [group_record(row) for row in result.result]
    return result
