"""``b24.crm.timeline.comment``: comments in the timeline of a lead, deal, contact, company or smart process.

The portal wants the lowercase ``fields`` key and ``ENTITY_TYPE`` as a lowercase name (``deal``,
``dynamic_128``); an entityTypeId (2) or an upper-case name (``DEAL``) is converted here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cached_property
from typing import Any, ClassVar

from ..errors import InvalidInputError, short_repr
from ..models.activity import TimelineComment
from ..models.meta import Page
from ..protocol.call import Call
from ..protocol.envelope import APIResponse
from .common import (
    ensure_id,
    parse_bool,
    parse_int_result,
    translate_filter,
    translate_order,
    translate_select,
)
from .listing import page_call

__all__ = ["TimelineCalls", "TimelineCommentCalls", "timeline_entity_type"]

_NAMES = {1: "lead", 2: "deal", 3: "contact", 4: "company", 7: "quote", 14: "order", 31: "smart_invoice"}


def _parse_deleted(response: APIResponse) -> bool:
    """A comment delete: the portal answers ``null`` when done (crm-timeline-comment-delete.md)."""
    return True if response.result is None else parse_bool(response)


def timeline_entity_type(entity_type: str | int) -> str:
    """``2``/``"DEAL"``/``"deal"`` -> ``"deal"``; smart processes (>= 128) -> ``"dynamic_128"``."""
    if isinstance(entity_type, int) and not isinstance(entity_type, bool):
        if entity_type in _NAMES:
            return _NAMES[entity_type]
        if entity_type >= 128:
            return f"dynamic_{entity_type}"
    elif isinstance(entity_type, str) and entity_type.strip():
        text = entity_type.strip().lower()
        return _NAMES[int(text)] if text.isdigit() and int(text) in _NAMES else text
    raise InvalidInputError(
        f"entity_type must be a name such as 'deal' or an entityTypeId, not {short_repr(entity_type)}",
        field="entity_type",
    )


def _comment_text(comment: Any) -> str:
    if not isinstance(comment, str) or not comment.strip():
        raise InvalidInputError("comment must be a non-empty str", field="comment")
    return comment


class TimelineCommentCalls:
    """Timeline comments (crm.timeline.comment.*)."""

    rest_name: ClassVar[str] = "crm.timeline.comment"

    def add(
        self, entity_type: str | int, entity_id: int, comment: str, *, author_id: int | None = None
    ) -> Call[int]:
        """Add a comment to an object's timeline and return its id (crm.timeline.comment.add)."""
        fields: dict[str, Any] = {
            "ENTITY_ID": ensure_id(entity_id, "entity_id"),
            "ENTITY_TYPE": timeline_entity_type(entity_type),
            "COMMENT": _comment_text(comment),
        }
        if author_id is not None:
            fields["AUTHOR_ID"] = ensure_id(author_id, "author_id")
        return Call("crm.timeline.comment.add", {"fields": fields}, parse=parse_int_result)

    def get(self, id: int) -> Call[TimelineComment]:
        """One comment (crm.timeline.comment.get)."""
        return Call(
            "crm.timeline.comment.get",
            {"id": ensure_id(id)},
            parse=lambda r: TimelineComment.model_validate(r.result),
            read_only=True,
        )

    def list(
        self,
        *,
        filter: Mapping[str, Any] | None = None,
        select: Iterable[str] | None = None,
        order: Mapping[str, str] | None = None,
        start: int = 0,
    ) -> Call[Page[TimelineComment]]:
        """One page of comments, e.g. ``filter={"ENTITY_ID": 5, ...}`` (crm.timeline.comment.list)."""
        params: dict[str, Any] = {}
        flt = translate_filter(TimelineComment, filter)
        if flt is not None:
            params["filter"] = {
                key: timeline_entity_type(value)
                if key.endswith("ENTITY_TYPE") and isinstance(value, str | int)
                else value
                for key, value in flt.items()
            }
        names = translate_select(TimelineComment, select)
        if names is not None:
            params["select"] = names
        directions = translate_order(TimelineComment, order)
        if directions is not None:
            params["order"] = directions
        return page_call("crm.timeline.comment.list", params, TimelineComment.model_validate, start=start)

    def update(self, id: int, comment: str) -> Call[int]:
        """Change a comment's text; returns its id (crm.timeline.comment.update)."""
        params = {"id": ensure_id(id), "fields": {"COMMENT": _comment_text(comment)}}
        return Call("crm.timeline.comment.update", params, parse=parse_int_result)

    def delete(self, id: int) -> Call[bool]:
        """Delete a comment (crm.timeline.comment.delete)."""
        return Call("crm.timeline.comment.delete", {"id": ensure_id(id)}, parse=_parse_deleted)


class TimelineCalls:
    """The timeline of CRM objects (crm.timeline.*)."""

    rest_name: ClassVar[str] = "crm.timeline"

    @cached_property
    def comment(self) -> TimelineCommentCalls:
        """Timeline comments (crm.timeline.comment.*)."""
        return TimelineCommentCalls()
