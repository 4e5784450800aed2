"""Roles of a project template mapped to people: an e-mail or a user id each, checked before any write."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ...errors import InvalidInputError, short_repr
from ...models.meta import User
from ._template import ProjectTemplate

__all__ = ["RoleUsers", "RoleValues", "UnknownUserError", "resolve_roles", "role_values"]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

#: role -> user id
RoleUsers = dict[str, int]


class UnknownUserError(InvalidInputError):
    """A role names a user the portal does not have (or who is deactivated); nothing was written."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("project roles: " + "; ".join(problems), field="roles")
        self.problems = list(problems)


@dataclass
class RoleValues:
    """The roles a template uses, each with the e-mail or id it was given."""

    emails: list[str] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)
    by_role: dict[str, str | int] = field(default_factory=dict)


def _value(role: str, value: Any) -> str | int:
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31:
        return value
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit() and 0 < int(text) < 2**31:
            return int(text)
        if _EMAIL.match(text) and len(text) <= 254:
            return text
    raise InvalidInputError(
        f"role {role!r}: {short_repr(value)} is neither an e-mail nor a user id", field="roles"
    )


def role_values(template: ProjectTemplate, roles: Mapping[str, Any]) -> RoleValues:
    """Check that every role the template uses is given (as an e-mail or a user id)."""
    if not isinstance(roles, Mapping):
        raise InvalidInputError(
            f"roles must map role names to e-mails or user ids, not {type(roles).__name__}", field="roles"
        )
    used = template.used_roles
    missing = [role for role in used if role not in roles]
    if missing:
        where = {role: next(t.key for t in template.tasks if role in t.roles) for role in missing}
        listed = ", ".join(f"{role!r} (task {task!r})" for role, task in where.items())
        raise InvalidInputError(f"project roles: no user given for {listed}", field="roles")
    out = RoleValues()
    for role in used:
        value = _value(role, roles[role])
        out.by_role[role] = value
        if isinstance(value, int):
            out.ids.append(value)
        else:
            out.emails.append(value)
    out.ids = sorted(set(out.ids))
    variants = {e for email in out.emails for e in (email, email.lower())}
    out.emails = sorted(variants)
    return out


def resolve_roles(values: RoleValues, users: Sequence[User]) -> RoleUsers:
    """role -> user id, refusing unknown e-mails and ids and deactivated users (all named at once)."""
    by_email = {u.email.strip().lower(): u for u in users if u.email and u.id is not None}
    by_id = {u.id: u for u in users if u.id is not None}
    problems: list[str] = []
    out: RoleUsers = {}
    for role, value in values.by_role.items():
        user = by_id.get(value) if isinstance(value, int) else by_email.get(value.lower())
        if user is None or user.id is None:
            kind = "user id" if isinstance(value, int) else "e-mail"
            problems.append(f"role {role!r}: no user with {kind} {value}")
        elif user.active is False:
            problems.append(f"role {role!r}: user {value} (id {user.id}) is deactivated")
        else:
            out[role] = user.id
    if problems:
        raise UnknownUserError(problems)
    return out
