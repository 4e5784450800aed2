"""``BlogPostCalls()`` (``b24.feed``): posts of the live feed (``log.blogpost.*``).

Destinations: ``"UA"`` (every employee), ``"U<id>"``, ``"DR<id>"`` (a department with its sub-departments),
``"SG<id>"`` (a workgroup); :func:`to_users`, :func:`to_departments`, :func:`to_groups` build them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, Final

from ..errors import InvalidInputError, short_repr
from ..models.meta import Page
from ..models.org import BlogPost
from ..protocol.call import Call
from .common import ensure_id, parse_int_result
from .listing import page_call

__all__ = ["EVERYONE", "BlogPostCalls", "to_departments", "to_groups", "to_users"]

#: the destination "all employees"
EVERYONE: Final = "UA"
_CODE = re.compile(r"UA|U[1-9]\d*|DR[1-9]\d*|SG[1-9]\d*")


def to_users(ids: Iterable[int]) -> list[str]:
    """Destination codes of users (``U<id>``)."""
    return [f"U{ensure_id(i, 'user id')}" for i in ids]


def to_departments(ids: Iterable[int]) -> list[str]:
    """Destination codes of departments (``DR<id>``: with their sub-departments)."""
    return [f"DR{ensure_id(i, 'department id')}" for i in ids]


def to_groups(ids: Iterable[int]) -> list[str]:
    """Destination codes of workgroups (``SG<id>``)."""
    return [f"SG{ensure_id(i, 'group id')}" for i in ids]


def _destinations(to: str | Sequence[str]) -> list[str]:
    codes = [to] if isinstance(to, str) else list(to)
    if not codes:
        raise InvalidInputError("a post needs at least one destination", field="to")
    for code in codes:
        if not isinstance(code, str) or not _CODE.fullmatch(code):
            raise InvalidInputError(
                f"a destination is 'UA', 'U<id>', 'DR<id>' or 'SG<id>', not {short_repr(code)}", field="to"
            )
    return list(dict.fromkeys(codes))


class BlogPostCalls:
    """Posts of the live feed (scope ``log``)."""

    def add(
        self,
        message: str,
        *,
        title: str | None = None,
        to: str | Sequence[str] = EVERYONE,
        important: bool = False,
        tags: Iterable[str] = (),
        user_id: int | None = None,
    ) -> Call[int]:
        """Publish a post (BB-code ``message``) to ``to`` -> the post's id (log.blogpost.add)."""
        if not isinstance(message, str) or not message.strip():
            raise InvalidInputError("a post needs a non-empty message", field="message")
        params: dict[str, Any] = {"POST_MESSAGE": message, "DEST": _destinations(to)}
        if title:
            params["POST_TITLE"] = title
        if important:
            params["IMPORTANT"] = "Y"
        words = [str(tag).strip() for tag in tags if str(tag).strip()]
        if words:
            params["TAGS"] = ",".join(words)
        if user_id is not None:
            params["USER_ID"] = ensure_id(user_id, "user_id")
        return Call("log.blogpost.add", params, parse=parse_int_result)

    def get(
        self, *, post_id: int | None = None, rights: Sequence[str] | None = None, start: int = 0
    ) -> Call[Page[BlogPost]]:
        """Posts the caller may read, newest first, by ``post_id`` or ``rights`` codes (log.blogpost.get)."""
        params: dict[str, Any] = {}
        if post_id is not None:
            params["POST_ID"] = ensure_id(post_id, "post_id")
        elif rights:
            params["LOG_RIGHTS"] = _destinations(rights)
        return page_call("log.blogpost.get", params, BlogPost.model_validate, start=start)
