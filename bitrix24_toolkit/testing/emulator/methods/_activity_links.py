"""An activity's communications and bindings (not a method module).

Page: api-reference/crm/timeline/activities/activity-base/crm-activity-list.md ("Retrieving
COMMUNICATIONS": ``ID``, ``TYPE``, ``VALUE``, ``ENTITY_ID``, ``ENTITY_TYPE_ID``, ``ENTITY_SETTINGS``; the
``filter[BINDINGS]`` note).
"""

from __future__ import annotations

from typing import Any

from ..registry import Ctx
from ._rq_shared import owner_row, positive_int, render, to_int

__all__ = ["bound", "communications", "entity_settings"]

#: communication TYPE by activity type (calls carry phones, e-mails addresses)
_COMM_TYPES = {2: "PHONE", 4: "EMAIL"}
_NAME_KEYS = ("NAME", "SECOND_NAME", "LAST_NAME")


def communications(ctx: Ctx, type_id: int, given: Any) -> list[dict[str, Any]]:
    """The stored form of the given ``COMMUNICATIONS`` (``TYPE`` from the activity type when not given)."""
    out = []
    for item in given if isinstance(given, list) else []:
        if not isinstance(item, dict):
            continue
        out.append(
            {
                "ID": ctx.state.next_id("activity_communication"),
                "TYPE": str(item.get("TYPE") or _COMM_TYPES.get(type_id, "")),
                "VALUE": "" if item.get("VALUE") is None else str(item["VALUE"]),
                "ENTITY_ID": to_int(item.get("ENTITY_ID")) or 0,
                "ENTITY_TYPE_ID": to_int(item.get("ENTITY_TYPE_ID")) or 0,
            }
        )
    return out


def entity_settings(ctx: Ctx, comm: dict[str, Any]) -> dict[str, Any]:
    """``ENTITY_SETTINGS`` of a communication (crm-activity-list.md: a contact's names and company)."""
    row = owner_row(ctx.state, comm["ENTITY_TYPE_ID"], comm["ENTITY_ID"]) or {}
    if comm["ENTITY_TYPE_ID"] == 3:
        company_id = positive_int(row.get("COMPANY_ID"))
        company = owner_row(ctx.state, 4, company_id) if company_id else None
        names = {key: str(row.get(key) or "") for key in _NAME_KEYS}
        return {
            "HONORIFIC": render(row.get("HONORIFIC")),
            **names,
            "COMPANY_TITLE": str((company or {}).get("TITLE") or ""),
            "COMPANY_ID": str(company_id) if company_id else "",
        }
    if comm["ENTITY_TYPE_ID"] == 4:
        return {"COMPANY_TITLE": str(row.get("TITLE") or "")}
    if comm["ENTITY_TYPE_ID"] == 1:
        return {
            **{key: str(row.get(key) or "") for key in _NAME_KEYS},
            "LEAD_TITLE": str(row.get("TITLE") or ""),
        }
    return {}


def _bindings(row: dict[str, Any]) -> list[tuple[int, int]]:
    """The owner and every communication's entity (what ``filter[BINDINGS]`` searches)."""
    out = [(int(row["OWNER_TYPE_ID"]), int(row["OWNER_ID"]))]
    for comm in row.get("COMMUNICATIONS") or []:
        pair = (int(comm.get("ENTITY_TYPE_ID") or 0), int(comm.get("ENTITY_ID") or 0))
        if pair[0] > 0 and pair[1] > 0 and pair not in out:
            out.append(pair)
    return out


def bound(row: dict[str, Any], wanted: list[Any]) -> bool:
    """Whether an activity is bound to any ``{OWNER_TYPE_ID?, OWNER_ID?}`` of ``filter[BINDINGS]``."""
    for item in wanted:
        if not isinstance(item, dict):
            continue
        type_id, owner_id = to_int(item.get("OWNER_TYPE_ID")), to_int(item.get("OWNER_ID"))
        for pair in _bindings(row):
            if (type_id is None or pair[0] == type_id) and (owner_id is None or pair[1] == owner_id):
                return True
    return False
