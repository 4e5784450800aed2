"""Default CRM directories (table ``"status"``) and deal funnels (table ``"category"``), seeded lazily.

Status rows are stored typed (``ID``/``SORT`` ints, ``CATEGORY_ID`` int or ``None``) and rendered as
strings by ``crm.status.*`` (reference 5.5). The default deal funnel is category ``0`` ("General");
funnel N keeps its stages in directory ``DEAL_STAGE_N`` with ids prefixed ``C{N}:``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..state import PortalState

__all__ = [
    "CATEGORY_TABLE",
    "STATUS_TABLE",
    "add_status",
    "create_funnel_stages",
    "deal_directory",
    "ensure_directories",
    "first_stage",
    "semantic_of",
    "stage_category",
    "stages_of",
]

STATUS_TABLE = "status"
CATEGORY_TABLE = "category"
_SEEDED = "crm_directories_seeded"

_PROCESS, _SUCCESS, _FAILURE = "#39A8EF", "#7BD500", "#FF5752"

#: (STATUS_ID, NAME, COLOR, SEMANTICS, EXTRA.SEMANTICS, SYSTEM)
_DEAL_STAGES: tuple[tuple[str, str, str, str | None, str, str], ...] = (
    ("NEW", "New", _PROCESS, None, "process", "Y"),
    ("PREPARATION", "Document preparation", "#2FC6F6", None, "process", "N"),
    ("PREPAYMENT_INVOICE", "Prepayment invoice", "#55D0E0", None, "process", "N"),
    ("EXECUTING", "In progress", "#47E4C2", None, "process", "N"),
    ("FINAL_INVOICE", "Final invoice", "#FFA900", None, "process", "N"),
    ("WON", "Deal successful", _SUCCESS, "S", "success", "Y"),
    ("LOSE", "Deal failed", _FAILURE, "F", "failure", "Y"),
    ("APOLOGY", "Failure reason analysis", _FAILURE, "F", "apology", "N"),
)
_LEAD_STATUSES: tuple[tuple[str, str, str, str | None, str, str], ...] = (
    ("NEW", "Unassigned", _PROCESS, None, "process", "Y"),
    ("IN_PROCESS", "In progress", "#2FC6F6", None, "process", "N"),
    ("PROCESSED", "Processed", "#55D0E0", None, "process", "N"),
    ("CONVERTED", "Good lead", _SUCCESS, "S", "success", "Y"),
    ("JUNK", "Junk lead", _FAILURE, "F", "failure", "Y"),
)
#: quote stages (crm-status-entity-types.md: start DRAFT, success APPROVED, failure DECLAINED)
_QUOTE_STATUSES: tuple[tuple[str, str, str, str | None, str, str], ...] = (
    ("DRAFT", "New", _PROCESS, None, "process", "Y"),
    ("SENT", "Sent to client", "#2FC6F6", None, "process", "N"),
    ("APPROVED", "Approved", _SUCCESS, "S", "success", "Y"),
    ("DECLAINED", "Declined", _FAILURE, "F", "failure", "Y"),
)
_PLAIN: dict[str, tuple[tuple[str, str], ...]] = {
    "CALL_LIST": (
        ("IN_WORK", "In progress"),
        ("SUCCESS", "Success"),
        ("WRONG_NUMBER", "Wrong number"),
        ("STOP_CALLING", "Do not call"),
    ),
    "SOURCE": (
        ("CALL", "Call"),
        ("EMAIL", "E-Mail"),
        ("WEB", "Website"),
        ("ADVERTISING", "Advertising"),
        ("PARTNER", "Existing client"),
        ("RECOMMENDATION", "By recommendation"),
        ("TRADE_SHOW", "Show/Exhibition"),
        ("WEBFORM", "CRM form"),
        ("CALLBACK", "Callback"),
        ("RC_GENERATOR", "Sales boost"),
        ("STORE", "Online Store"),
        ("OTHER", "Other"),
    ),
    "CONTACT_TYPE": (
        ("CLIENT", "Clients"),
        ("SUPPLIER", "Suppliers"),
        ("PARTNER", "Partners"),
        ("OTHER", "Other"),
    ),
    "COMPANY_TYPE": (
        ("CUSTOMER", "Client"),
        ("SUPPLIER", "Supplier"),
        ("COMPETITOR", "Competitor"),
        ("PARTNER", "Partner"),
        ("OTHER", "Other"),
    ),
    "DEAL_TYPE": (
        ("SALE", "Sales"),
        ("COMPLEX", "Integrated sale"),
        ("GOODS", "Merchandise sales"),
        ("SERVICES", "Service sales"),
        ("SERVICE", "After-sales service"),
    ),
    "INDUSTRY": (
        ("IT", "Information Technology"),
        ("TELECOM", "Telecommunication"),
        ("MANUFACTURING", "Manufacturing"),
        ("BANKING", "Banking Services"),
        ("CONSULTING", "Consulting"),
        ("FINANCE", "Finance"),
        ("GOVERNMENT", "Government"),
        ("DELIVERY", "Delivery"),
        ("ENTERTAINMENT", "Entertainment"),
        ("NOTPROFIT", "Non-profit"),
        ("OTHER", "Other"),
    ),
    "EMPLOYEES": (
        ("EMPLOYEES_1", "less than 50"),
        ("EMPLOYEES_2", "50-250"),
        ("EMPLOYEES_3", "250-500"),
        ("EMPLOYEES_4", "over 500"),
    ),
    "HONORIFIC": (("HNR_EN_1", "Mr."), ("HNR_EN_2", "Mrs."), ("HNR_EN_3", "Ms."), ("HNR_EN_4", "Dr.")),
}


def add_status(state: PortalState, row: dict[str, Any]) -> int:
    """Insert one directory row (typed) and return its id."""
    base: dict[str, Any] = {
        "ENTITY_ID": "",
        "STATUS_ID": "",
        "NAME": "",
        "NAME_INIT": "",
        "SORT": 10,
        "SYSTEM": "N",
        "CATEGORY_ID": None,
        "COLOR": None,
        "SEMANTICS": None,
        "EXTRA": None,
    }
    base.update(row)
    return state.insert(STATUS_TABLE, base)


def _add_stages(
    state: PortalState,
    entity_id: str,
    stages: tuple[tuple[str, str, str, str | None, str, str], ...],
    *,
    prefix: str = "",
    category: int | None = None,
) -> None:
    for index, (code, name, color, semantics, extra, system) in enumerate(stages):
        add_status(
            state,
            {
                "ENTITY_ID": entity_id,
                "STATUS_ID": prefix + code,
                "NAME": name,
                "NAME_INIT": name if system == "Y" else "",
                "SORT": (index + 1) * 10,
                "SYSTEM": system,
                "CATEGORY_ID": category,
                "COLOR": color,
                "SEMANTICS": semantics,
                "EXTRA": {"SEMANTICS": extra, "COLOR": color},
            },
        )


def ensure_directories(state: PortalState) -> None:
    """Seed the default directories and the default deal funnel once per portal."""
    if state.meta.get(_SEEDED):
        return
    state.meta[_SEEDED] = True
    _add_stages(state, "STATUS", _LEAD_STATUSES)
    _add_stages(state, "DEAL_STAGE", _DEAL_STAGES)
    _add_stages(state, "QUOTE_STATUS", _QUOTE_STATUSES)
    for entity_id, items in _PLAIN.items():
        for index, (code, name) in enumerate(items):
            add_status(
                state,
                {
                    "ENTITY_ID": entity_id,
                    "STATUS_ID": code,
                    "NAME": name,
                    "NAME_INIT": name,
                    "SORT": (index + 1) * 10,
                    "SYSTEM": "Y",
                },
            )
    state.table(CATEGORY_TABLE).setdefault(
        0,
        {
            "ID": 0,
            "NAME": "General",
            "SORT": 300,
            "ENTITY_TYPE_ID": 2,
            "IS_DEFAULT": "Y",
            "CREATED_DATE": state.now_iso(),
        },
    )


def create_funnel_stages(state: PortalState, category_id: int) -> None:
    """Give a new deal funnel its ``C{N}:`` stages, copied from the default set."""
    _add_stages(
        state, f"DEAL_STAGE_{category_id}", _DEAL_STAGES, prefix=f"C{category_id}:", category=category_id
    )


def deal_directory(category_id: int) -> str:
    """``0`` -> ``DEAL_STAGE``, ``N`` -> ``DEAL_STAGE_N``."""
    return "DEAL_STAGE" if not category_id else f"DEAL_STAGE_{category_id}"


def stages_of(state: PortalState, entity_id: str) -> list[dict[str, Any]]:
    """The rows of one directory ordered by SORT, then ID."""
    ensure_directories(state)
    rows = [r for r in state.table(STATUS_TABLE).values() if r["ENTITY_ID"] == entity_id]
    return sorted(rows, key=lambda r: (int(r["SORT"]), int(r["ID"])))


def first_stage(state: PortalState, entity_id: str) -> str | None:
    """The first in-progress stage of a directory (``NEW`` / ``C1:NEW``)."""
    rows = stages_of(state, entity_id)
    for row in rows:
        if not row.get("SEMANTICS"):
            return str(row["STATUS_ID"])
    return str(rows[0]["STATUS_ID"]) if rows else None


def semantic_of(state: PortalState, entity_id: str, status_id: str | None) -> str | None:
    """``P``/``S``/``F`` of a stage in a directory, or ``None`` when the stage is not there."""
    for row in stages_of(state, entity_id):
        if row["STATUS_ID"] == status_id:
            return str(row.get("SEMANTICS") or "P")
    return None


def stage_category(stage_id: str) -> int:
    """The funnel a deal stage id belongs to by its prefix (``C3:WON`` -> 3, ``WON`` -> 0)."""
    if stage_id.startswith("C") and ":" in stage_id:
        head = stage_id[1 : stage_id.index(":")]
        if head.isdigit():
            return int(head)
    return 0
