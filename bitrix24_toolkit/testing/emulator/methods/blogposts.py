"""The live feed: ``log.blogpost.add`` and ``log.blogpost.get`` (pages ``api-reference/log/``).

Posts are rows of table ``"blogpost"``; ``DEST`` (default ``UA``, or the deprecated ``SPERM``) names who
may read one: ``UA`` all employees, ``U<id>`` a user, ``DR<id>`` a department (with its sub-departments),
``SG<id>`` a workgroup. Codes of users, departments or groups the portal lacks are dropped; a post left
with none is refused ("No destination specified"), as is one without ``POST_MESSAGE``. ``get`` answers the
posts the caller may read, newest first: one by ``POST_ID``, by ``LOG_RIGHTS`` codes, by date, 50 a page
(or ``FIRST_ID``/``LAST_ID`` cursors with ``LIMIT`` up to 200).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from ..query import page
from ..registry import Ctx, ListResult, PortalError, method
from ._task_store import date_value
from .departments import department_rows
from .users import find_user

__all__ = ["TABLE", "post_record"]

TABLE = "blogpost"
_CODE = re.compile(r"(UA|U|DR|SG)(\d*)")
_ERROR = "SONET_CONTROLLER_LIVEFEED_BLOGPOST_ADD_ERROR"
_RECORD = (
    "ID BLOG_ID PUBLISH_STATUS TITLE AUTHOR_ID ENABLE_COMMENTS NUM_COMMENTS CODE MICRO DETAIL_TEXT "
    "DATE_PUBLISH CATEGORY_ID HAS_SOCNET_ALL HAS_TAGS HAS_IMAGES HAS_PROPS HAS_COMMENT_IMAGES"
).split()


def _codes(raw: Any) -> list[str]:
    if isinstance(raw, Mapping):  # SPERM: {"UA": ["UA"], "U": ["U1"]}
        raw = [item for value in raw.values() for item in (value if isinstance(value, list) else [value])]
    if isinstance(raw, str):
        raw = [raw]
    return [str(item).strip().upper() for item in raw or [] if str(item).strip()]


def _known(ctx: Ctx, code: str) -> bool:
    match = _CODE.fullmatch(code)
    if match is None:
        return False
    kind, number = match.group(1), match.group(2)
    if kind == "UA":
        return number == ""
    if not number:
        return False
    if kind == "U":
        return find_user(ctx, int(number)) is not None
    if kind == "DR":
        return int(number) in department_rows(ctx)
    return int(number) in ctx.state.table("sonet_group")


def _tag_ids(ctx: Ctx, tags: list[str]) -> str | None:
    ids: dict[str, int] = ctx.state.meta.setdefault("blog_categories", {})
    out = []
    for tag in tags:
        if tag not in ids:
            ids[tag] = len(ids) + 1
        out.append(str(ids[tag]))
    return ",".join(out) or None


@method("log.blogpost.add", scope="log")
def blogpost_add(ctx: Ctx) -> int:
    """``log.blogpost.add {POST_MESSAGE*, POST_TITLE?, DEST?, IMPORTANT?, TAGS?, USER_ID?}`` -> the id."""
    params = {str(key).upper(): value for key, value in ctx.params.items()}
    text = str(params.get("POST_MESSAGE") or "").strip()
    if not text:
        raise PortalError(_ERROR, "Blog post hasn't been added", 400)
    raw_dest = params.get("DEST", params.get("SPERM"))
    dest = [
        code
        for code in dict.fromkeys(_codes(raw_dest if raw_dest is not None else ["UA"]))
        if _known(ctx, code)
    ]
    if not dest:
        raise PortalError(_ERROR, "No destination specified", 400)
    author = ctx.user_id
    if ctx.user_id == 1 and str(params.get("USER_ID") or "").strip().isdigit():
        author = int(str(params["USER_ID"]).strip())
    tags = [tag.strip() for tag in str(params.get("TAGS") or "").split(",") if tag.strip()]
    title = str(params.get("POST_TITLE") or "").strip()
    important = str(params.get("IMPORTANT") or "N").strip().upper() == "Y"
    row = {
        "BLOG_ID": author,  # one blog per author
        "PUBLISH_STATUS": "P",
        "TITLE": title or text[:50],
        "AUTHOR_ID": author,
        "ENABLE_COMMENTS": "Y",
        "NUM_COMMENTS": 0,
        "CODE": None,
        "MICRO": "N" if title else "Y",
        "DETAIL_TEXT": text,
        "DATE_PUBLISH": ctx.state.now_iso(),
        "CATEGORY_ID": _tag_ids(ctx, tags),
        "HAS_SOCNET_ALL": "Y" if "UA" in dest else "N",
        "HAS_TAGS": "Y" if tags else "N",
        "HAS_IMAGES": "N",
        "HAS_PROPS": "Y" if important else "N",
        "HAS_COMMENT_IMAGES": None,
        "DEST": dest,
        "TAGS": tags,
        "IMPORTANT": "Y" if important else "N",
        "IMPORTANT_DATE_END": date_value(params.get("IMPORTANT_DATE_END"), ctx.state.tz),
    }
    return ctx.state.insert(TABLE, row)


def post_record(row: Mapping[str, Any]) -> dict[str, Any]:
    """A post as log.blogpost.get sends it (the example's keys; ids and counts as strings; ``FILES``)."""
    out: dict[str, Any] = {}
    for key in _RECORD:
        value = row.get(key)
        out[key] = value if value is None or isinstance(value, str) else str(value)
    out["FILES"] = []
    return out


def _readers(ctx: Ctx) -> set[str]:
    """The rights codes of the caller: UA, U<id>, DR<each department and its parents>, SG<groups>."""
    me = ctx.user_id
    codes = {"UA", f"U{me}"}
    departments = department_rows(ctx)
    for dep in (find_user(ctx, me) or {}).get("UF_DEPARTMENT") or []:
        current: Any = int(dep)
        while current and current in departments and f"DR{current}" not in codes:
            codes.add(f"DR{current}")
            current = departments[current].get("PARENT")
    for key, group in ctx.state.table("sonet_group").items():
        if me in group.get("MEMBERS", []):
            codes.add(f"SG{key}")
    return codes


@method("log.blogpost.get", scope="log")
def blogpost_get(ctx: Ctx) -> ListResult | list[dict[str, Any]]:
    """``log.blogpost.get {POST_ID?, LOG_RIGHTS?, LOG_DATE_FROM?, LOG_DATE_TO?, FIRST_ID?, LAST_ID?}``."""
    params = {str(key).upper(): value for key, value in ctx.params.items()}
    readers = _readers(ctx)
    rows = [
        row
        for row in ctx.state.table(TABLE).values()
        if row["AUTHOR_ID"] == ctx.user_id or readers & set(row.get("DEST") or [])
    ]
    post_id = str(params.get("POST_ID") or "").strip()
    if post_id:
        rows = [row for row in rows if str(row["ID"]) == post_id]
    elif params.get("LOG_RIGHTS"):
        wanted = set(_codes(params["LOG_RIGHTS"]))
        rows = [row for row in rows if wanted & set(row.get("DEST") or [])]
    low = date_value(params.get("LOG_DATE_FROM"), ctx.state.tz)
    high = date_value(params.get("LOG_DATE_TO"), ctx.state.tz)
    if low:
        rows = [row for row in rows if _at(row) >= dt.datetime.fromisoformat(low)]
    if high:
        rows = [row for row in rows if _at(row) <= dt.datetime.fromisoformat(high)]
    rows.sort(key=lambda row: int(row["ID"]), reverse=True)
    first, last = _number(params.get("FIRST_ID")), _number(params.get("LAST_ID"))
    if first or last:
        limit = _number(params.get("LIMIT")) or 50
        if first:
            rows = [row for row in rows if int(row["ID"]) > first]
        else:
            rows = [row for row in rows if int(row["ID"]) < last]
        return [post_record(row) for row in rows[: min(limit, 200)]]
    result = page(rows, params.get("START"))
    result.result = [post_record(row) for row in result.result]
    return result


def _at(row: Mapping[str, Any]) -> dt.datetime:
    return dt.datetime.fromisoformat(str(row["DATE_PUBLISH"]))


def _number(value: Any) -> int:
    text = str(value if value is not None else "").strip()
    return int(text) if text.isdigit() and int(text) > 0 else 0
