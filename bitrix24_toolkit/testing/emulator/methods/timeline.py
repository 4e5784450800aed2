"""Timeline comments: ``crm.timeline.comment.*`` (reference 5.9).

Since crm 23.100.0 only the lowercase ``fields`` key is accepted; ``ENTITY_TYPE`` is a lowercase string
(``lead``, ``deal``, ``contact``, ``company``, ``dynamic_N``). Rows live in table ``"timeline_comment"``;
attached files in :mod:`._files` (``FILE_IDS`` on the row). Answers and errors follow the pages under
api-reference/crm/timeline/comments/ (tests/fidelity/facts/crm_activities.py): ``get`` answers legacy errors
(empty code), ``add``/``update``/``delete`` the controller codes (``NOT_FOUND``, ``OWNER_NOT_FOUND``,
``100``).
"""

from __future__ import annotations

from typing import Any

from ..registry import Ctx, ListResult, PortalError, method
from ._files import comment_file, store_files
from ._rq_shared import field_spec, legacy_error, list_rows, owner_row, pick, positive_int, render_row

TABLE = "timeline_comment"
COMMENT_KEYS = ("ID", "ENTITY_ID", "ENTITY_TYPE", "CREATED", "COMMENT", "AUTHOR_ID", "FILES")
_TYPE_IDS = {"lead": 1, "deal": 2, "contact": 3, "company": 4, "quote": 7, "smart_invoice": 31}


def _owner_type_id(entity_type: Any) -> int | None:
    if not isinstance(entity_type, str):
        return None
    if entity_type in _TYPE_IDS:
        return _TYPE_IDS[entity_type]
    if entity_type.startswith("dynamic_"):
        return positive_int(entity_type[len("dynamic_") :])
    return None


def _fields(ctx: Ctx) -> dict[str, Any]:
    fields = ctx.params.get("fields")  # exactly "fields": FIELDS/Fields/arFields are refused
    if not isinstance(fields, dict):
        raise PortalError(100, "Could not find value for parameter {fields}")  # wording (unconfirmed)
    return fields


def _row_or_error(ctx: Ctx) -> dict[str, Any]:
    if ctx.param("id") in (None, ""):
        raise PortalError(100, "Could not find value for parameter {id}")  # engine wording
    number = positive_int(ctx.param("id"))
    row = ctx.state.table(TABLE).get(number) if number is not None else None
    if row is None:
        raise PortalError("NOT_FOUND", "Not found.")
    return row


def _renderer(ctx: Ctx) -> Any:
    def render_one(row: dict[str, Any], select: list[str]) -> dict[str, Any]:
        full = render_row(row, COMMENT_KEYS)
        files = (comment_file(ctx, int(file_id)) for file_id in row.get("FILE_IDS") or [])
        # an object keyed by file id, ``{}`` without files (crm-timeline-comment-get.md / -list.md)
        full["FILES"] = {str(item["id"]): item for item in files if item is not None}
        return pick(full, select)

    return render_one


def _comment(value: Any) -> str:
    comment = "" if value is None else str(value)
    if not comment.strip():
        raise PortalError("INVALID_ARG_VALUE", "Empty comment.")  # description not on the pages
    return comment


@method("crm.timeline.comment.add")
def comment_add(ctx: Ctx) -> int:
    """``crm.timeline.comment.add {fields: {ENTITY_ID, ENTITY_TYPE, COMMENT, AUTHOR_ID?}}`` -> id."""
    fields = _fields(ctx)
    for name in ("ENTITY_ID", "ENTITY_TYPE", "COMMENT"):
        if name not in fields:
            raise PortalError(100, f"Required field {name} is not provided")  # wording (unconfirmed)
    entity_type = fields["ENTITY_TYPE"]
    type_id, entity_id = _owner_type_id(entity_type), positive_int(fields["ENTITY_ID"])
    if type_id is None or entity_id is None or owner_row(ctx.state, type_id, entity_id) is None:
        raise PortalError("OWNER_NOT_FOUND", "Owner not found.")  # description (unconfirmed)
    comment = _comment(fields["COMMENT"])
    row = {
        "ENTITY_ID": entity_id,
        "ENTITY_TYPE": entity_type,
        "CREATED": ctx.state.now_iso(),
        "COMMENT": comment,
        "AUTHOR_ID": positive_int(fields.get("AUTHOR_ID")) or ctx.user_id,
        "FILE_IDS": store_files(ctx, fields.get("FILES")),
    }
    return ctx.state.insert(TABLE, row)


@method("crm.timeline.comment.get")
def comment_get(ctx: Ctx) -> dict[str, Any]:
    """``crm.timeline.comment.get {id}``: legacy errors (empty code) as crm-timeline-comment-get.md lists."""
    number = positive_int(ctx.param("id"))
    if number is None:
        raise legacy_error("ID is not defined or invalid.")
    row = ctx.state.table(TABLE).get(number)
    if row is None:
        raise legacy_error("Not found.")
    return dict(_renderer(ctx)(row, []))


@method("crm.timeline.comment.update")
def comment_update(ctx: Ctx) -> int:
    """``crm.timeline.comment.update {id, fields: {COMMENT?, FILES?}}`` -> the comment id."""
    row = _row_or_error(ctx)
    fields = _fields(ctx)
    if "COMMENT" in fields:
        row["COMMENT"] = _comment(fields["COMMENT"])
    if "FILES" in fields:  # the given list replaces the attachments
        row["FILE_IDS"] = store_files(ctx, fields["FILES"])
    return int(row["ID"])


@method("crm.timeline.comment.delete")
def comment_delete(ctx: Ctx) -> None:
    """``crm.timeline.comment.delete {id, ownerTypeId?, ownerId?}`` -> ``null`` (the page: always null)."""
    del ctx.state.table(TABLE)[_row_or_error(ctx)["ID"]]


@method("crm.timeline.comment.list")
def comment_list(ctx: Ctx) -> ListResult:
    """``crm.timeline.comment.list {filter: {ENTITY_ID, ENTITY_TYPE}, select?, order?, start?}``."""
    return list_rows(ctx, ctx.state.table(TABLE).values(), _renderer(ctx))


@method("crm.timeline.comment.fields")
def comment_fields(ctx: Ctx) -> dict[str, Any]:
    """``crm.timeline.comment.fields``, as crm-timeline-comment-fields.md answers."""
    return {
        "ID": field_spec("integer", read_only=True, title="ID"),
        "CREATED": field_spec("datetime", read_only=True, title="Date added"),
        "ENTITY_ID": field_spec(
            "integer", required=True, immutable=True, title="ID of the element the comment is attached to"
        ),
        "ENTITY_TYPE": field_spec(
            required=True, immutable=True, title="Type of the element the comment is attached to"
        ),
        "AUTHOR_ID": field_spec("integer", immutable=True, title="Author"),
        "COMMENT": field_spec(title="Comment text"),
        "FILES": field_spec("attached_diskfile", multiple=True, title="File list"),
    }
