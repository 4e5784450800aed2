"""Fields of a requisite preset: ``crm.requisite.preset.field.*`` (``crm/requisites/presets/fields/``).

A preset keeps its field list under ``FIELDS`` (rows ``ID``/``FIELD_NAME``/``FIELD_TITLE``/``IN_SHORT_LIST``/
``SORT``, ids unique within the preset). Every call names the preset as an object parameter ``preset: {ID}``
and answers ints (not the legacy strings). Which ``RQ_*`` fields a country offers is not emulated: every
requisite field, ``RQ_ADDR``/``RQ_SIGNATURE``/``RQ_STAMP`` and the requisite user fields can be added.
"""

from __future__ import annotations

from typing import Any

from ..registry import Ctx, ListResult, method
from ..userfield_store import userfield_names
from ._rq_shared import describe, fields_param, legacy_error, positive_int, to_int
from ._rq_titles import PRESET_FIELD_TITLES
from .requisite_presets import preset_or_error
from .requisites import RQ_KEYS

_EXTRA = ("RQ_ADDR", "RQ_SIGNATURE", "RQ_STAMP")


def _preset(ctx: Ctx, *, missing: str | None = None) -> dict[str, Any]:
    spec = ctx.param("preset")
    raw_id = spec.get("ID", spec.get("id")) if isinstance(spec, dict) else None
    if missing is not None and positive_int(raw_id) is None:
        raise legacy_error(missing)
    try:
        return preset_or_error(ctx, raw_id)
    except Exception:
        if missing is not None:
            raise legacy_error(missing) from None
        raise


def _field(ctx: Ctx, row: dict[str, Any]) -> dict[str, Any]:
    number = positive_int(ctx.param("id"))
    if number is None:
        raise legacy_error("ID is not defined or invalid.")
    for item in row["FIELDS"]:
        if item["ID"] == number:
            return dict(item)
    raise legacy_error(f"The PresetField with ID '{number}' is not found")


def _available(ctx: Ctx, row: dict[str, Any]) -> list[str]:
    used = {item["FIELD_NAME"] for item in row["FIELDS"]}
    names = [*RQ_KEYS, *_EXTRA, *sorted(userfield_names(ctx.state, "CRM_REQUISITE"))]
    return [name for name in names if name not in used]


def _apply(item: dict[str, Any], fields: dict[str, Any]) -> None:
    if "FIELD_TITLE" in fields:
        item["FIELD_TITLE"] = "" if fields["FIELD_TITLE"] is None else str(fields["FIELD_TITLE"])
    if "IN_SHORT_LIST" in fields:
        item["IN_SHORT_LIST"] = "Y" if str(fields["IN_SHORT_LIST"]).upper() == "Y" else "N"
    if "SORT" in fields and to_int(fields["SORT"]) is not None:
        item["SORT"] = to_int(fields["SORT"])


@method("crm.requisite.preset.field.fields")
def preset_field_fields(ctx: Ctx) -> dict[str, Any]:
    """``crm.requisite.preset.field.fields``: description of a preset field."""
    return describe(
        "ID:integer:O FIELD_NAME:string:R FIELD_TITLE:string SORT:integer IN_SHORT_LIST:char",
        PRESET_FIELD_TITLES,
    )


@method("crm.requisite.preset.field.list")
def preset_field_list(ctx: Ctx) -> ListResult:
    """``crm.requisite.preset.field.list {preset: {ID}}``: the preset's fields, ints."""
    row = _preset(ctx)
    fields = [dict(item) for item in sorted(row["FIELDS"], key=lambda item: (item["SORT"], item["ID"]))]
    return ListResult(fields, total=len(fields))


@method("crm.requisite.preset.field.get")
def preset_field_get(ctx: Ctx) -> dict[str, Any]:
    """``crm.requisite.preset.field.get {id, preset: {ID}}``."""
    return _field(ctx, _preset(ctx))


@method("crm.requisite.preset.field.add")
def preset_field_add(ctx: Ctx) -> int:
    """``crm.requisite.preset.field.add {preset: {ID}, fields: {FIELD_NAME, ...}}`` -> id in the preset."""
    row = _preset(ctx)
    fields = fields_param(ctx)
    name = str(fields.get("FIELD_NAME") or "")
    if name not in _available(ctx, row):
        raise legacy_error(f"The field '{name}' can not be added.")
    new_id = max((item["ID"] for item in row["FIELDS"]), default=0) + 1
    item = {"ID": new_id, "FIELD_NAME": name, "FIELD_TITLE": "", "IN_SHORT_LIST": "N", "SORT": 500}
    _apply(item, fields)
    row["FIELDS"].append(item)
    return new_id


@method("crm.requisite.preset.field.update")
def preset_field_update(ctx: Ctx) -> bool:
    """``crm.requisite.preset.field.update {id, preset: {ID}, fields}`` -> ``true``.

    ``FIELD_NAME`` is sent every time (the page: "specify the current one" to keep it); another name must
    be one the preset could add (refused as ``add`` refuses it, unconfirmed)."""
    row = _preset(ctx)
    current = _field(ctx, row)
    fields = fields_param(ctx)
    stored = next(item for item in row["FIELDS"] if item["ID"] == current["ID"])
    name = fields.get("FIELD_NAME")
    if name and name != stored["FIELD_NAME"]:
        if name not in _available(ctx, row):
            raise legacy_error(f"The field '{name}' can not be added.")
        stored["FIELD_NAME"] = str(name)
    _apply(stored, fields)
    return True


@method("crm.requisite.preset.field.delete")
def preset_field_delete(ctx: Ctx) -> bool:
    """``crm.requisite.preset.field.delete {id, preset: {ID}}`` -> ``true``."""
    row = _preset(ctx)
    current = _field(ctx, row)
    row["FIELDS"] = [item for item in row["FIELDS"] if item["ID"] != current["ID"]]
    return True


@method("crm.requisite.preset.field.availabletoadd")
def preset_field_available(ctx: Ctx) -> list[str]:
    """``crm.requisite.preset.field.availabletoadd {preset: {ID}}``: field names not yet in the preset."""
    return _available(ctx, _preset(ctx, missing="Template not found."))
