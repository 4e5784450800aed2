"""``sync_org_structure``: read the source, check it, read the portal, plan, and (unless a dry run) write."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...errors import InvalidInputError
from ...protocol.call import Flow
from ..base import helper
from ._apply import apply_plan
from ._plan import make_plan
from ._portal import read_portal
from ._report import OrgEntry, OrgReport
from ._sources import read_tables
from ._structure import build_structure

__all__ = ["sync_org_structure"]


def _ids(ids: Mapping[str, int] | None) -> dict[str, int]:
    if ids is None:
        return {}
    if not isinstance(ids, Mapping):
        raise InvalidInputError("ids must be a dict {department code: portal id}", field="ids")
    out: dict[str, int] = {}
    for code, value in ids.items():
        if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip().isdigit():
            raise InvalidInputError(f"ids: {code!r} -> {value!r} is not a department id", field="ids")
        out[str(code)] = int(value)
    return out


@helper
def sync_org_structure(
    source: Any,
    *,
    dry_run: bool = False,
    deactivate_missing: bool = False,
    mapping: str | Mapping[str, str] | None = None,
    ids: Mapping[str, int] | None = None,
) -> Flow[OrgReport]:
    """Make the portal's departments and employees match the source (department.get/add/update,
    user.current/get/add/update in batches); returns the plan, and unless ``dry_run`` its outcome.

    ``source``: an :class:`OrgSource`, a CSV/XLSX path, rows or a DataFrame; ``mapping``: ``"zup"``,
    ``"ad"`` or ``{column: field}``; ``ids``: department code -> id of an earlier run
    (:attr:`OrgReport.department_ids`). Leavers are deactivated (``ACTIVE=N``) only with
    ``deactivate_missing``; nobody is deleted. A bad source raises :class:`OrgStructureError` before any
    request (two rows matching one portal user: after the reads, before any write).
    """
    known = _ids(ids)
    structure = build_structure(read_tables(source, mapping))
    portal = yield from read_portal()
    plan = make_plan(structure, portal, ids=known, deactivate_missing=deactivate_missing)
    entries: list[OrgEntry] = [p.entry for p in plan.departments] + [p.entry for p in plan.employees]
    report = OrgReport(entries, dry_run, plan.warnings, requests=portal.requests)
    if not dry_run:
        requests, writes = yield from apply_plan(plan)
        report.requests += requests
        report.writes = writes
    report.department_ids = {p.source.code: p.entry.id for p in plan.departments if p.entry.id is not None}
    return report
