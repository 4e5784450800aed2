"""Names people read for the ids in a funnel report: users (``user.get``), sources (``crm.status.list``,
directory ``SOURCE``) and funnels (``crm.category.list``).

Names are decoration: a user the portal does not return (fired and hidden, no access, no ``user`` scope)
reads ``#id``, an unknown source code stays the code, an empty source reads :data:`NO_SOURCE`, a funnel
missing from the list reads ``Funnel N``. The ids stay in the results beside the names.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ...models.directory import Category, Status
from ...models.meta import Page, User
from ...protocol.batch import Batch, Outcome
from ...protocol.call import Flow
from ...protocol.rows import chunked
from ...services import UserCalls

__all__ = [
    "NOBODY",
    "NO_SOURCE",
    "USERS_PER_CALL",
    "funnel_name",
    "person_name",
    "source_label",
    "source_names",
    "unique_names",
    "user_names",
    "value_or",
]

#: the label of deals or leads without a source (``SOURCE_ID`` empty)
NO_SOURCE = "(no source)"
#: the label of deals without a responsible user (``ASSIGNED_BY_ID`` empty)
NOBODY = "(nobody)"
#: ids asked for in one ``user.get`` call: its page size (user-get.md: "always 50 records")
USERS_PER_CALL = 50


def person_name(user: User) -> str:
    """``NAME LAST_NAME``, else the login (when the portal sends one), else the e-mail, else ``#id``."""
    login = user.get("LOGIN")
    for text in (user.full_name, login, user.email):
        if isinstance(text, str) and text.strip():
            return text.strip()
    return f"#{user.id}"


def unique_names(names: Mapping[int, str]) -> dict[int, str]:
    """The same names, those shared by several ids told apart as ``Name (#id)``."""
    seen = Counter(names.values())
    return {key: f"{name} (#{key})" if seen[name] > 1 else name for key, name in names.items()}


def user_names(ids: Iterable[int | None]) -> Flow[dict[int, str]]:
    """Names of the given users in one batch request (``user.get`` by ``@ID``, 50 ids a call).

    Every id gets a label: ``#id`` when ``user.get`` does not return the user or the call fails.
    """
    wanted = sorted({int(i) for i in ids if i})
    if not wanted:
        return {}
    users = UserCalls()
    calls = [users.get(filter={"@ID": chunk}) for chunk in chunked(wanted, USERS_PER_CALL)]
    outcomes: list[Outcome[Page[User]]] = yield Batch(calls)
    found: dict[int, str] = {}
    for outcome in outcomes:
        if outcome.ok and outcome.value is not None:
            found.update({u.id: person_name(u) for u in outcome.value if u.id is not None})
    return unique_names({i: found.get(i, f"#{i}") for i in wanted})


def source_names(rows: Sequence[Status]) -> dict[str, str]:
    """``STATUS_ID`` -> ``NAME`` of the ``SOURCE`` directory (a row without a name keeps its code)."""
    return {str(r.status_id): r.name or str(r.status_id) for r in rows if r.status_id}


def source_label(code: str | None, names: Mapping[str, str]) -> str:
    """A source as people read it: its name, the code when the directory lacks it, :data:`NO_SOURCE`."""
    if not code:
        return NO_SOURCE
    return names.get(code, code)


def funnel_name(categories: Iterable[Category], category_id: int) -> str:
    """The name of deal funnel ``category_id`` in a ``crm.category.list`` answer, else ``Funnel N``."""
    for category in categories:
        if (category.id or 0) == category_id and category.name:
            return category.name
    return f"Funnel {category_id}"


def value_or(outcome: Outcome[Any], default: Any) -> Any:
    """An outcome's value, ``default`` when the call failed (names are never worth failing a report)."""
    return outcome.value if outcome.ok and outcome.value is not None else default
