"""What the portal has now: its departments, its users and the caller, read in two or three requests.

The first pages of ``department.get`` and ``user.get`` and ``user.current`` go in one ``batch``; the other
pages (50 rows each, the pages' fixed size) in one more batch per 50 pages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ...errors import ResponseFormatError
from ...models.meta import Page
from ...protocol.batch import MAX_BATCH, Batch
from ...protocol.call import Call, Flow
from ...services.listing import page_call

__all__ = ["PortalDepartment", "PortalSnapshot", "read_portal"]

#: user.get sorted by id, so that pages do not shift while they are read (user-get.md: SORT/ORDER)
_USER_ORDER = {"SORT": "ID", "ORDER": "ASC"}


@dataclass(frozen=True)
class PortalDepartment:
    """A department as department.get gives it."""

    id: int
    name: str
    parent: int | None
    head: int | None
    sort: int | None


@dataclass
class PortalSnapshot:
    """The portal's structure and users when the sync started; ``requests`` it took to read them."""

    departments: dict[int, PortalDepartment]
    users: list[dict[str, Any]]
    me: int
    requests: int = 0
    children: dict[int | None, list[int]] = field(default_factory=dict)

    @property
    def top(self) -> int:
        """The top department (the company): the one without a parent."""
        tops = sorted(d.id for d in self.departments.values() if d.parent is None)
        if not tops:
            raise ResponseFormatError(
                "department.get: the portal's structure has no top department",
                status_code=None,
                snippet="",
                method="department.get",
            )
        return tops[0]


def _int(value: Any) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _department(row: Mapping[str, Any]) -> PortalDepartment | None:
    dep_id = _int(row.get("ID"))
    if dep_id is None:
        return None
    sort = row.get("SORT")
    return PortalDepartment(
        dep_id,
        str(row.get("NAME") or ""),
        _int(row.get("PARENT")),
        _int(row.get("UF_HEAD")),
        int(sort) if isinstance(sort, int | str) and str(sort).strip().lstrip("-").isdigit() else None,
    )


def _pages(method: str, params: Mapping[str, Any], first: Page[Any]) -> list[Call[Page[Any]]]:
    total = first.total or 0
    return [page_call(method, params, dict, start=start) for start in range(MAX_BATCH, total, MAX_BATCH)]


def read_portal() -> Flow[PortalSnapshot]:
    """Every department (department.get), every user (user.get) and the caller (user.current)."""
    first = yield Batch(
        [
            Call("user.current", {}, read_only=True),
            page_call("department.get", {}, dict, start=0),
            page_call("user.get", _USER_ORDER, dict, start=0),
        ]
    )
    me_raw, deps_first, users_first = (outcome.unwrap() for outcome in first)
    requests = 1
    rest = [*_pages("department.get", {}, deps_first), *_pages("user.get", _USER_ORDER, users_first)]
    pages: list[Page[Any]] = [deps_first, users_first]
    if rest:
        outcomes = yield Batch(rest)
        requests += -(-len(rest) // MAX_BATCH)
        pages += [outcome.unwrap() for outcome in outcomes]
    dep_rows = [*deps_first.items]
    user_rows = [*users_first.items]
    for call, page in zip(rest, pages[2:], strict=True):
        (dep_rows if call.method == "department.get" else user_rows).extend(page.items)
    departments: dict[int, PortalDepartment] = {}
    for row in dep_rows:
        dep = _department(row)
        if dep is not None:
            departments[dep.id] = dep
    users = {int(row["ID"]): row for row in user_rows if _int(row.get("ID")) is not None}
    snapshot = PortalSnapshot(
        departments,
        [users[key] for key in sorted(users)],
        _int(me_raw.get("ID") if isinstance(me_raw, Mapping) else None) or 0,
        requests,
    )
    for dep in departments.values():
        snapshot.children.setdefault(dep.parent, []).append(dep.id)
    return snapshot
