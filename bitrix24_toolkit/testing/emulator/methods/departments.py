"""The company structure: ``department.get/add/update/delete/fields`` (pages ``api-reference/departments/``).

Departments are rows of table ``"department"``: ``ID``, ``NAME``, ``SORT``, ``PARENT`` (``None`` for the
top department) and ``UF_HEAD`` (``None`` when no head). A portal is born with its top department 1 (the
company), so an untouched portal gets it on first use. The structure is a tree: one top department, every
other one below an existing department. Errors are ``ERROR_CORE`` with the pages' texts, HTTP 400.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..query import compile_filter, order_rows, page
from ..registry import Ctx, ListResult, PortalError, method

__all__ = ["TABLE", "department_record", "department_rows"]

TABLE = "department"
#: the name of the top department a fresh portal has
TOP_NAME = "Company"

_FIELDS = {
    "ID": "ID",
    "NAME": "Department Name",
    "SORT": "Sort Order",
    "PARENT": "Parent Department",
    "UF_HEAD": "Manager",
}


def _error(text: str) -> PortalError:
    return PortalError("ERROR_CORE", text, 400)


def department_rows(ctx: Ctx) -> dict[int, dict[str, Any]]:
    """The departments by id (the top department is created on a fresh portal's first use)."""
    table = ctx.state.table(TABLE)
    if not table and ctx.state.counters.get(TABLE, 0) == 0:
        ctx.state.insert(TABLE, {"NAME": TOP_NAME, "SORT": 500, "PARENT": None, "UF_HEAD": 1})
    return table


def department_record(row: Mapping[str, Any]) -> dict[str, Any]:
    """A department as department.get sends it: ids as strings, SORT a number; no PARENT/UF_HEAD if unset."""
    out: dict[str, Any] = {"ID": str(row["ID"]), "NAME": row["NAME"], "SORT": int(row.get("SORT") or 0)}
    if row.get("PARENT"):
        out["PARENT"] = str(row["PARENT"])
    if row.get("UF_HEAD"):
        out["UF_HEAD"] = str(row["UF_HEAD"])
    return out


def _int(value: Any) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return 0


def _target(ctx: Ctx) -> dict[str, Any]:
    row = department_rows(ctx).get(_int(ctx.param("ID")))
    if row is None:
        raise _error("Department not found")
    return row


def _parent(ctx: Ctx, raw: Any, own_id: int | None) -> int | None:
    """A checked PARENT: an existing department, or none only while the structure has no top."""
    rows = department_rows(ctx)
    parent = _int(raw)
    if parent <= 0:
        others = [key for key, row in rows.items() if not row.get("PARENT") and key != own_id]
        if others:
            raise _error("There can only be one top-level department in the company structure")
        return None
    if parent not in rows or parent == own_id or (own_id is not None and parent in _subtree(rows, own_id)):
        raise _error("Department not found")
    return parent


def _subtree(rows: Mapping[int, Mapping[str, Any]], root: int) -> set[int]:
    found: set[int] = set()
    frontier = [root]
    while frontier:
        current = frontier.pop()
        children = [key for key, row in rows.items() if row.get("PARENT") == current and key not in found]
        found.update(children)
        frontier.extend(children)
    return found


def _get(row: Mapping[str, Any], name: str) -> Any:
    return row.get(name)


@method("department.fields", scope="department")
def department_fields(ctx: Ctx) -> dict[str, str]:
    """``department.fields``: field code -> title."""
    return dict(_FIELDS)


@method("department.get", scope="department")
def department_get(ctx: Ctx) -> ListResult:
    """``department.get``: filter by ID/NAME/SORT/PARENT/UF_HEAD, ``sort``+``order``, 50 a page."""
    # PHP keys are case-sensitive: upper-case keys filter, lower-case ``sort``/``order`` sort
    flt = {name: ctx.params[name] for name in _FIELDS if ctx.params.get(name) not in (None, "")}
    if "NAME" in flt:  # "The full name of the department should be specified"
        flt["=NAME"] = flt.pop("NAME")
    predicate = compile_filter(flt, _get)
    rows = [row for row in department_rows(ctx).values() if predicate(row)]
    field = str(ctx.params.get("sort") or "ID").upper()
    direction = str(ctx.params.get("order") or "ASC").upper()
    if field not in _FIELDS:
        field = "ID"
    ordered = order_rows(rows, {field: direction if direction in ("ASC", "DESC") else "ASC"}, _get)
    result = page(ordered, ctx.param("START"))
    result.result = [department_record(row) for row in result.result]
    return result


@method("department.add", scope="department")
def department_add(ctx: Ctx) -> int:
    """``department.add {NAME*, PARENT*, SORT?, UF_HEAD?}`` -> the new id."""
    name = str(ctx.param("NAME") or "").strip()
    if not name:
        raise _error("Department name not provided.<br>")
    parent = _parent(ctx, ctx.param("PARENT"), None)
    row = {
        "NAME": name,
        "SORT": _int(ctx.param("SORT")) if ctx.param("SORT") not in (None, "") else 500,
        "PARENT": parent,
        "UF_HEAD": _int(ctx.param("UF_HEAD")) or None,
    }
    return ctx.state.insert(TABLE, row)


@method("department.update", scope="department")
def department_update(ctx: Ctx) -> bool:
    """``department.update {ID*, NAME?, SORT?, PARENT?, UF_HEAD?}`` -> ``true``."""
    row = _target(ctx)
    changes: dict[str, Any] = {}
    if ctx.param("NAME") is not None:
        name = str(ctx.param("NAME")).strip()
        if not name:
            raise _error("Department name not provided.<br>")
        changes["NAME"] = name
    if ctx.param("SORT") not in (None, ""):
        changes["SORT"] = _int(ctx.param("SORT"))
    if ctx.param("PARENT") is not None:
        changes["PARENT"] = _parent(ctx, ctx.param("PARENT"), int(row["ID"]))
    if ctx.param("UF_HEAD") is not None:
        changes["UF_HEAD"] = _int(ctx.param("UF_HEAD")) or None
    row.update(changes)
    return True


@method("department.delete", scope="department")
def department_delete(ctx: Ctx) -> bool:
    """``department.delete {ID*}`` -> ``true``; its sub-departments go with it (an iblock section tree)."""
    row = _target(ctx)
    rows = department_rows(ctx)
    for key in [int(row["ID"]), *_subtree(rows, int(row["ID"]))]:
        del rows[key]
    return True
