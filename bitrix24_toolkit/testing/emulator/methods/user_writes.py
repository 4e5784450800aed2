"""Inviting and editing users: ``user.add`` and ``user.update`` (pages ``api-reference/user/user-add.md``,
``user-update.md``).

``user.add`` invites: an intranet user needs ``UF_DEPARTMENT``, an extranet one ``EXTRANET: Y`` and
``SONET_GROUP_ID``; the new row is active (an invitation registers the account at once; it has never logged
in, so ``LAST_LOGIN`` is empty) and the answer is the new id. E-mails are unique on a portal (the page's
"A user with this email already exists"). ``user.update`` changes any ``user.add`` field and ``ACTIVE``
(``N``: the employee is dismissed; users are never deleted). Errors carry the pages' codes and texts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..registry import Ctx, PortalError, method
from .users import USER_FIELDS, all_users, find_user

__all__ = ["WRITABLE"]

#: what user.add / user.update take (user.fields codes minus the read-only ones) besides ACTIVE
WRITABLE = frozenset(USER_FIELDS) - {
    "ID",
    "TITLE",
    "LAST_LOGIN",
    "DATE_REGISTER",
    "TIME_ZONE",
    "IS_ONLINE",
    "TIMESTAMP_X",
    "LAST_ACTIVITY_DATE",
    "USER_TYPE",
}
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class _ArgumentError(PortalError):
    """user-add.md's ``ERROR_ARGUMENT`` answers carry an ``argument`` key too."""

    def payload(self) -> dict[str, Any]:
        """``{"error": ..., "error_description": ..., "argument": ""}``."""
        return {**super().payload(), "argument": ""}


def _argument(text: str) -> PortalError:
    return _ArgumentError("ERROR_ARGUMENT", text, 400)


def _email_taken(ctx: Ctx, email: str, own_id: int | None) -> bool:
    wanted = email.strip().lower()
    return any(
        str(row.get("EMAIL") or "").strip().lower() == wanted and row["ID"] != own_id
        for row in all_users(ctx)
    )


def _departments(value: Any) -> list[int]:
    items = value if isinstance(value, list | tuple) else [value]
    out: list[int] = []
    for item in items:
        text = str(item).strip()
        if text.isdigit() and int(text) > 0:
            out.append(int(text))
    return out


def _active(value: Any) -> bool:
    return str(value).strip().lower() not in ("n", "false", "0", "")


def _fields(params: Mapping[str, Any]) -> dict[str, Any]:
    """The writable fields of the request, upper-cased as the pages spell them."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        name = str(key).upper()
        if name in WRITABLE:
            out[name] = _departments(value) if name == "UF_DEPARTMENT" else value
    return out


@method("user.add", scope="user")
def user_add(ctx: Ctx) -> int:
    """``user.add {EMAIL*, UF_DEPARTMENT* | EXTRANET+SONET_GROUP_ID, NAME?, ...}`` -> the new user's id."""
    email = str(ctx.param("EMAIL") or "").strip()
    if not _EMAIL.fullmatch(email):
        raise _argument("wrong_email")
    if _email_taken(ctx, email, None):
        raise _argument("A user with this email already exists")
    extranet = str(ctx.param("EXTRANET") or "").strip().upper() == "Y"
    fields = _fields(ctx.params)
    if extranet:
        groups = ctx.param("SONET_GROUP_ID")
        if not groups:
            raise PortalError("ERROR_GROUPID", "Group code not specified", 400)
        fields.pop("UF_DEPARTMENT", None)
    elif not fields.get("UF_DEPARTMENT"):
        raise _argument("no_extranet_field")
    table = ctx.state.table("user")
    highest = max([1, *table])  # id 1 is the built-in administrator; rows may be seeded without a counter
    ctx.state.counters["user"] = max(ctx.state.counters.get("user", 0), highest)
    row: dict[str, Any] = {
        "XML_ID": "",
        "ACTIVE": True,
        "NAME": "",
        "LAST_NAME": "",
        **fields,
        "EMAIL": email,
        "LAST_LOGIN": "",
        "DATE_REGISTER": ctx.state.now_iso(),
        "IS_ONLINE": "N",
        "USER_TYPE": "extranet" if extranet else "employee",
        "INVITED": True,  # internal: the invitation is not accepted yet (never sent in answers)
    }
    if "ACTIVE" in ctx.params:
        row["ACTIVE"] = _active(ctx.params["ACTIVE"])
    return ctx.state.insert("user", row)


@method("user.update", scope="user")
def user_update(ctx: Ctx) -> bool:
    """``user.update {ID*, ACTIVE?, EMAIL?, NAME?, UF_DEPARTMENT?, ...}`` -> ``true``."""
    raw_id = str(ctx.param("ID") or "").strip()
    user_id = int(raw_id) if raw_id.isdigit() else 0
    current = find_user(ctx, user_id) if user_id > 0 else None
    if current is None:
        raise PortalError("ERROR_CORE", "access_denied", 400)
    fields = _fields(ctx.params)
    if "EMAIL" in fields:
        email = str(fields["EMAIL"] or "").strip()
        if not _EMAIL.fullmatch(email):
            raise PortalError("ERROR_CORE", "wrong_email", 400)
        if _email_taken(ctx, email, user_id):
            raise PortalError("ERROR_CORE", "A user with this email already exists", 400)
        fields["EMAIL"] = email
    table = ctx.state.table("user")
    row = table.get(user_id)
    if row is None:  # the built-in administrator becomes a stored row on its first change
        row = table[user_id] = {key: value for key, value in current.items()}
    row.update(fields)
    if "ACTIVE" in {str(key).upper() for key in ctx.params}:
        row["ACTIVE"] = _active(ctx.param("ACTIVE"))
    return True
