"""Legacy ``crm.{lead,contact,company,deal}.{add,get,list,update,delete,fields}``.

Pages: ``api-reference/crm/{leads,contacts,companies,deals}/crm-<entity>-<action>.md``. Numbers render as
strings, empty dates as ``""``, multifields only when non-empty (string ``ID``s), files as
``{"id", "showUrl", "downloadUrl"}``, userfields under their ``UF_*`` codes. ``list`` supports every
filter operator of :mod:`..query`, ``order``, ``select`` masks (``*``, ``UF_*``; multifields only when
listed; none = ``*`` + ``UF_*``) and 50-row pages. Not-found wording differs by method, as the pages say.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from ..listing import list_rows
from ..query import parse_condition, require_array
from ..registry import Ctx, ListResult, PortalError, method
from ._crm_common import (
    fields_param,
    get_row,
    id_param,
    params_param,
    render_file,
    render_legacy_value,
    render_multifield,
    uf_rows,
    yn,
)
from ._crm_directory import ensure_directories
from ._crm_schema import ENTITIES, MULTIFIELDS, EntitySpec
from ._crm_store import create_entity, delete_entity, update_entity
from ._crm_uf import uf_descriptions, uf_empty

__all__ = ["legacy_select", "render_legacy"]

#: (entity, action) -> the not-found answer of that page (default: "" / "Not found", HTTP 400)
_NOT_FOUND: dict[tuple[str, str], tuple[str, str]] = {
    ("contact", "update"): ("", "Contact is not found"),  # crm-contact-update.md
    ("contact", "delete"): ("ERROR_CORE", "Element not found"),  # crm-contact-delete.md
    ("company", "update"): ("", "Company is not found"),  # crm-company-update.md
    ("company", "delete"): ("", "Company is not found"),  # crm-company-delete.md
}


def _not_found(spec: EntitySpec, action: str) -> PortalError:
    code, text = _NOT_FOUND.get((spec.name, action), ("", "Not found"))
    return PortalError(code, text, 400)


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_EMAIL_LABELS = {"WORK": "Work e-mail", "HOME": "Personal e-mail", "MAILING": "Newsletter e-mail"}


def _check_emails(spec: EntitySpec, fields: Mapping[str, Any]) -> None:
    """An ``EMAIL`` entry that is not an address refuses the whole write (``ERROR_CORE``): wording of
    crm-contact-add.md ("The field Work e-mail contains ...") and crm-company-add.md ("The E-mail field
    contains ..."); leads share the contact wording."""
    raw = fields.get("EMAIL")
    items = list(raw.values()) if isinstance(raw, Mapping) else raw if isinstance(raw, list) else []
    for item in items:
        if not isinstance(item, Mapping) or item.get("VALUE") in (None, ""):
            continue
        if not _EMAIL.match(str(item["VALUE"]).strip()):
            if spec.name == "company":
                raise PortalError("ERROR_CORE", "The E-mail field contains an invalid address", 400)
            label = _EMAIL_LABELS.get(str(item.get("VALUE_TYPE") or "WORK").upper(), "Other e-mail")
            raise PortalError("ERROR_CORE", f"The field {label} contains an invalid address", 400)


_LAST_ACTIVITY_FALLBACK = {"LAST_ACTIVITY_TIME": "DATE_CREATE", "LAST_ACTIVITY_BY": "CREATED_BY_ID"}

#: field types a legacy filter compares exactly, whatever its LIKE prefix
_EXACT_ONLY = frozenset({"crm_status", "crm_contact", "crm_company", "crm_multifield"})


def _record_fields(spec: EntitySpec) -> list[str]:
    """What ``*`` selects: the non-multiple standard fields a record carries."""
    return [f.name for f in spec.fields if not f.multiple and f.in_record]


def legacy_select(state_ufs: list[str], spec: EntitySpec, select: Any) -> list[str]:
    """Expand a legacy ``select``: ``*`` = non-multiple standard fields, ``UF_*`` = userfields, ``ID``
    always; no select at all is ``*`` + ``UF_*`` (crm-deal-list.md: "By default, all fields are taken")."""
    if isinstance(select, Mapping):
        select = list(select.values())
    names = [str(s) for s in select] if isinstance(select, list | tuple) and select else ["*", "UF_*"]
    out: list[str] = ["ID"]
    for name in names:
        key = name.upper()
        if key == "*":
            out.extend(_record_fields(spec))
        elif key == "UF_*":
            out.extend(state_ufs)
        elif key in MULTIFIELDS and key in spec.by_name:
            out.append(key)
        elif key in spec.by_name and spec.by_name[key].in_record and not spec.by_name[key].multiple:
            out.append(key)  # CONTACT_IDS & co. are not selectable (crm-deal-list.md)
        elif name in state_ufs:
            out.append(name)
    return list(dict.fromkeys(out))


def render_legacy(
    spec: EntitySpec, row: Mapping[str, Any], ufs: list[dict[str, Any]], select: list[str] | None = None
) -> dict[str, Any]:
    """One row as ``crm.X.get`` (all fields) or ``crm.X.list`` (selected fields) sends it."""
    uf_by_name = {str(u["FIELD_NAME"]): u for u in ufs}
    names = select or [
        f.name for f in spec.fields if (not f.multiple and f.in_record) or f.name in MULTIFIELDS
    ] + list(uf_by_name)
    out: dict[str, Any] = {}
    for name in names:
        if name in uf_by_name:
            out[name] = row[name] if name in row else uf_empty(uf_by_name[name])
            continue
        fld = spec.by_name[name]
        if name in MULTIFIELDS:
            if row.get(name):
                out[name] = render_multifield(row[name])
            continue
        if fld.type == "file":
            out[name] = render_file(spec, row.get("ID"), name, row.get(name))
            continue
        value = row.get(name)
        if value is None and name in _LAST_ACTIVITY_FALLBACK:
            value = row.get(_LAST_ACTIVITY_FALLBACK[name])  # rows saved before the field existed
        out[name] = render_legacy_value(fld, value)
    return out


def _getter(spec: EntitySpec) -> Callable[[Mapping[str, Any], str], Any]:
    def get(row: Mapping[str, Any], name: str) -> Any:
        key = name.upper()
        if key in MULTIFIELDS:
            return [e["VALUE"] for e in row.get(key) or []]
        return row.get(key)

    return get


def _known_filter(spec: EntitySpec, ufs: list[str], flt: Any) -> dict[str, Any]:
    """Drop filter keys naming unknown fields: legacy list methods ignore them instead of failing."""
    flt = require_array(flt, "filter")
    if not flt:
        return {}
    known = set(spec.by_name) | set(ufs)
    out: dict[str, Any] = {}
    for key, value in flt.items():
        cond = parse_condition(str(key), value)
        name = cond.field.upper()
        if name not in known:
            continue
        fld = spec.by_name.get(name)
        if fld is not None and fld.type in _EXACT_ONLY and "%" in cond.op:
            # crm-contact-list.md: LIKE does not work on crm_status/crm_contact/crm_company fields, and
            # multifields (PHONE, EMAIL ...) filter on exact matches only
            key = ("!=" if cond.op.startswith("!") else "=") + cond.field
        out[str(key)] = value
    return out


def _register(spec: EntitySpec) -> None:
    prefix = f"crm.{spec.name}"

    def is_import(ctx: Ctx) -> bool:
        params = ctx.param("params")
        return isinstance(params, Mapping) and yn(params.get("IMPORT", "N")) == "Y"

    @method(f"{prefix}.add")
    def add(ctx: Ctx) -> int:
        """Create a row; returns the new id (int)."""
        fields = fields_param(ctx)
        params_param(ctx)
        _check_emails(spec, fields)
        row = create_entity(ctx.state, spec, fields, user_id=ctx.user_id, import_mode=is_import(ctx))
        return int(row["ID"])

    @method(f"{prefix}.get")
    def get(ctx: Ctx) -> dict[str, Any]:
        """All fields of one row."""
        row = get_row(ctx.state, spec, id_param(ctx))
        return render_legacy(spec, row, uf_rows(ctx.state, spec))

    @method(f"{prefix}.update")
    def update(ctx: Ctx) -> bool:
        """Change a row; returns ``true``."""
        row_id = id_param(ctx)
        fields = fields_param(ctx)
        params_param(ctx)
        row = get_row(ctx.state, spec, row_id, _not_found(spec, "update"))
        _check_emails(spec, fields)
        update_entity(ctx.state, spec, row, fields, user_id=ctx.user_id, import_mode=is_import(ctx))
        return True

    @method(f"{prefix}.delete")
    def delete(ctx: Ctx) -> bool:
        """Delete a row; returns ``true``."""
        row_id = id_param(ctx)
        get_row(ctx.state, spec, row_id, _not_found(spec, "delete"))
        delete_entity(ctx.state, spec, row_id)
        return True

    @method(f"{prefix}.list")
    def list_(ctx: Ctx) -> ListResult:
        """Filtered, ordered, paged rows with the selected fields."""
        ensure_directories(ctx.state)
        ufs = uf_rows(ctx.state, spec)
        uf_names = [str(u["FIELD_NAME"]) for u in ufs]
        get_value = _getter(spec)
        flt = _known_filter(spec, uf_names, ctx.param("filter"))
        order = require_array(ctx.param("order"), "order")
        if isinstance(order, Mapping):
            known = set(spec.by_name) | set(uf_names)
            order = {str(k).upper(): v for k, v in order.items() if str(k).upper() in known}
        select = legacy_select(uf_names, spec, ctx.param("select"))
        result = list_rows(
            ctx.state.table(spec.name),
            flt,
            order if isinstance(order, Mapping) else None,
            ctx.param("start"),
            get_value,
        )
        result.result = [render_legacy(spec, row, ufs, select) for row in result.result]
        return result

    @method(f"{prefix}.fields")
    def fields(ctx: Ctx) -> dict[str, Any]:
        """Field descriptions (reference 5.3), userfields included."""
        out = {f.name: f.describe() for f in spec.fields if f.in_fields}
        out.update(uf_descriptions(ctx.state, spec))
        return out


for _spec in ENTITIES.values():
    _register(_spec)
