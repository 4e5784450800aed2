"""Holding structure: which company belongs to which, kept in the company field "Parent company".

The link is a ``crm``-type custom field of companies bound to companies only (reference 7.2), found by its
``XML_ID`` ``holding_parent`` first, then by the code ``UF_CRM_HOLDING_PARENT``; :func:`ensure_parent_field`
creates it when neither exists. Values are read in both stored forms, ``"12"`` and ``"CO_12"``, and written
in the form the field's settings call for (reference 7.3): the plain id for a company-only field (what the UI
stores), ``CO_<id>`` for a field that allows several kinds of objects.

Reading is one fast read of every company (``ID``, ``TITLE`` and the field, keyset pages chained in batches,
the field lookup riding along in the first request): 10,000 companies cost five requests.

::

    code = ensure_parent_field(b24)             # "UF_CRM_HOLDING_PARENT"; a second call creates nothing
    set_parent(b24, 17, 15)                     # refuses a loop, says which chain it would close
    tree = holding_tree(b24)
    print(tree.render())
    holding_totals(b24, 12).summary()
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from ...errors import Bitrix24Error, NotFoundError
from ...protocol.batch import MAX_BATCH, Batch, Outcome
from ...protocol.call import Call, Emit, Flow, Pump, Stream, collect
from ...protocol.rows import chunked, rows_of
from ...services import CrmCalls
from ...services.common import parse_bool, parse_int_result
from ...services.entity import ensure_id
from ...services.userfields import check_field_name
from ..base import helper
from ._model import (
    CompanyNotFoundError,
    HoldingCycleError,
    HoldingFieldError,
    HoldingNode,
    HoldingTree,
    build_tree,
    parse_parent,
)
from ._totals import HoldingTotals, aggregate_deals

__all__ = [
    "PARENT_FIELD",
    "PARENT_LABELS",
    "PARENT_XML_ID",
    "ancestors",
    "clear_parent",
    "ensure_parent_field",
    "holding_totals",
    "holding_tree",
    "parent_value",
    "pick_parent_field",
    "root_of",
    "set_parent",
    "subsidiaries",
]

#: the code the field gets when :func:`ensure_parent_field` creates it
PARENT_FIELD: Final = "UF_CRM_HOLDING_PARENT"
#: the external code the field is found by first
PARENT_XML_ID: Final = "holding_parent"
PARENT_LABELS: Final = {"ru": "Головная компания", "en": "Parent company"}
#: company ids per deal filter (``@COMPANY_ID``): keeps every chained page command a few KB
IDS_PER_DEAL_READ: Final = 100
_DEAL_SELECT: Final = ["ID", "COMPANY_ID", "STAGE_SEMANTIC_ID", "OPPORTUNITY", "CURRENCY_ID"]


# ------------------------------------------------------------------------------------- the field
def _field_list() -> Call[list[dict[str, Any]]]:
    # only the CRM-link fields: the list answers 50 fields a page (crm-company-userfield-list.md), and a
    # portal's company fields may be more than that; the parent field is a CRM link
    return Call(
        "crm.company.userfield.list",
        {"filter": {"USER_TYPE_ID": "crm"}},
        parse=lambda response: rows_of(response.result),
        read_only=True,
    )


def pick_parent_field(
    fields: Sequence[Mapping[str, Any]], field: str | None = None
) -> Mapping[str, Any] | None:
    """The parent-company field among company fields: ``field`` by code if given, else by ``XML_ID``
    ``holding_parent``, else by the code ``UF_CRM_HOLDING_PARENT``; ``None`` when there is none."""

    def code_of(row: Mapping[str, Any]) -> str:
        return str(row.get("FIELD_NAME") or "").upper()

    if field is not None:
        wanted = check_field_name(field)
        return next((row for row in fields if code_of(row) == wanted), None)
    by_xml = [row for row in fields if str(row.get("XML_ID") or "") == PARENT_XML_ID]
    if by_xml:
        return min(by_xml, key=lambda row: int(row.get("ID") or 0))
    return next((row for row in fields if code_of(row) == PARENT_FIELD), None)


def _require_field(fields: Sequence[Mapping[str, Any]], field: str | None) -> Mapping[str, Any]:
    found = pick_parent_field(fields, field)
    if found is None:
        what = f"company field {check_field_name(field)}" if field else "parent-company field"
        raise HoldingFieldError(f"this portal has no {what}: create it with ensure_parent_field(b24)")
    return found


def _allowed_types(uf: Mapping[str, Any]) -> list[str]:
    settings = uf.get("SETTINGS")
    allowed = (
        [str(k).upper() for k, v in settings.items() if str(v).upper() == "Y"]
        if isinstance(settings, Mapping)
        else []
    )
    return allowed or ["LEAD"]  # reference 7.2: with no type enabled the portal forces LEAD


def parent_value(uf: Mapping[str, Any], parent: int) -> str | list[str]:
    """The value to write for a parent link, as the field's settings call for (reference 7.3)."""
    kind = str(uf.get("USER_TYPE_ID") or "")
    code = uf.get("FIELD_NAME")
    if kind == "crm":
        allowed = _allowed_types(uf)
        if "COMPANY" not in allowed:
            raise HoldingFieldError(f"{code} links to {', '.join(allowed)}, not to companies")
        value = str(parent) if len(allowed) == 1 else f"CO_{parent}"
    elif kind in ("integer", "string", "double"):
        value = str(parent)
    else:
        raise HoldingFieldError(f"{code} is of type {kind!r}: it cannot hold a link to a company")
    return [value] if str(uf.get("MULTIPLE") or "N").upper() == "Y" else value


@helper
def ensure_parent_field() -> Flow[str]:
    """The code of the company field "Parent company", created (crm type, companies only) if missing."""
    fields: list[dict[str, Any]] = yield _field_list()
    found = pick_parent_field(fields)
    if found is not None:
        parent_value(found, 1)  # a field that cannot link to a company is refused here, not at first use
        return str(found["FIELD_NAME"])
    labels = dict(PARENT_LABELS)
    yield Call(
        "crm.company.userfield.add",
        {
            "fields": {
                "FIELD_NAME": PARENT_FIELD,
                "USER_TYPE_ID": "crm",
                "XML_ID": PARENT_XML_ID,
                "LABEL": labels["ru"],
                "EDIT_FORM_LABEL": labels,
                "LIST_COLUMN_LABEL": labels,
                "LIST_FILTER_LABEL": labels,
                "MULTIPLE": "N",
                "MANDATORY": "N",
                "SHOW_FILTER": "Y",
                "SETTINGS": {"LEAD": "N", "CONTACT": "N", "COMPANY": "Y", "DEAL": "N"},
            }
        },
        parse=parse_int_result,
    )
    return PARENT_FIELD


# ------------------------------------------------------------------------------------ the links
def _company(company_id: int) -> Call[dict[str, Any]]:
    return Call("crm.company.get", {"id": company_id}, read_only=True)


def _existing(outcome: Outcome[Any], company_id: int, role: str) -> dict[str, Any]:
    if isinstance(outcome.error, NotFoundError):
        raise CompanyNotFoundError(company_id, role=role) from outcome.error
    row = outcome.unwrap()
    if not isinstance(row, dict):
        raise CompanyNotFoundError(company_id, role=role)
    return row


def _link(row: Mapping[str, Any], code: str) -> int | None:
    try:
        return parse_parent(row.get(code))
    except ValueError:
        return None  # a broken value above does not link anywhere


def _name(company_id: int, titles: Mapping[int, str]) -> str:
    title = titles.get(company_id)
    return f"{title} ({company_id})" if title else str(company_id)


@helper
def set_parent(company: int, parent: int, *, field: str | None = None) -> Flow[bool]:
    """Make ``parent`` the parent company of ``company``; both must exist and no loop may close.

    Returns ``False`` when the link was already stored in that form (nothing written).
    """
    company_id, parent_id = ensure_id(company, "company"), ensure_id(parent, "parent")
    if company_id == parent_id:
        raise HoldingCycleError(
            f"company {company_id} cannot be its own parent", chain=[company_id, company_id]
        )
    outcomes: list[Outcome[Any]] = yield Batch([_field_list(), _company(company_id), _company(parent_id)])
    uf = _require_field(outcomes[0].unwrap(), field)
    code = str(uf["FIELD_NAME"])
    row = _existing(outcomes[1], company_id, "company")
    above = _existing(outcomes[2], parent_id, "parent company")
    value = parent_value(uf, parent_id)
    titles = {company_id: str(row.get("TITLE") or ""), parent_id: str(above.get("TITLE") or "")}
    chain = [company_id, parent_id]
    while (up := _link(above, code)) is not None:
        if up == company_id:
            loop = " -> ".join(_name(i, titles) for i in [*chain, company_id])
            raise HoldingCycleError(
                f"{_name(company_id, titles)} cannot become a subsidiary of {_name(parent_id, titles)}: "
                f"the chain {loop} would close (a company may not become its own ancestor)",
                chain=[*chain, company_id],
            )
        if up in chain:
            break  # a loop already in the data, above and apart from this company
        chain.append(up)
        try:
            above = yield _company(up)
        except NotFoundError:
            break  # the chain ends at a deleted company
        titles[up] = str(above.get("TITLE") or "")
    if row.get(code) == value:
        return False
    yield Call("crm.company.update", {"id": company_id, "fields": {code: value}}, parse=parse_bool)
    return True


@helper
def clear_parent(company: int, *, field: str | None = None) -> Flow[bool]:
    """Remove the company's parent link (it becomes a root); ``False`` when it had none."""
    company_id = ensure_id(company, "company")
    outcomes: list[Outcome[Any]] = yield Batch([_field_list(), _company(company_id)])
    code = str(_require_field(outcomes[0].unwrap(), field)["FIELD_NAME"])
    row = _existing(outcomes[1], company_id, "company")
    if row.get(code) in (None, "", [], False):
        return False
    yield Call("crm.company.update", {"id": company_id, "fields": {code: ""}}, parse=parse_bool)
    return True


# ------------------------------------------------------------------------------------- the tree
def _alongside(stream: Stream[dict[str, Any]], extra: Call[Any]) -> Flow[tuple[list[dict[str, Any]], Any]]:
    """Collect a stream, sending ``extra`` in its first batch (no request of its own); returns both."""
    items: list[dict[str, Any]] = []
    extra_outcome: Outcome[Any] | None = None
    pump = Pump(stream)
    for step in pump:
        if isinstance(step, Emit):
            items.extend(step.items)
            continue
        try:
            if (
                extra_outcome is None
                and isinstance(step, Batch)
                and isinstance(step.calls, Sequence)
                and not step.halt
                and len(step.calls) < MAX_BATCH
            ):
                outcomes: list[Outcome[Any]] = yield Batch([*step.calls, extra])
                pump.reply(outcomes[:-1])
                extra_outcome = outcomes[-1]
            else:
                pump.reply((yield step))
        except Bitrix24Error as exc:
            pump.fail(exc)
    if extra_outcome is None:  # the stream never batched: ask on its own
        extra_outcome = (yield Batch([extra]))[0]
    return items, extra_outcome.unwrap()


def _companies(code: str) -> Stream[dict[str, Any]]:
    # check=False: the code is confirmed by the userfield list that rides in the same request (_require_field)
    return CrmCalls().company.iter_all(select=["ID", "TITLE", code], raw=True, check=False)


def _read_tree(field: str | None) -> Flow[HoldingTree]:
    """Every company with its parent link, as a forest; the field lookup rides in the first request."""
    code = check_field_name(field) if field is not None else PARENT_FIELD
    rows, fields = yield from _alongside(_companies(code), _field_list())
    found = str(_require_field(fields, field)["FIELD_NAME"])
    if found != code:  # found by XML_ID under another code: read again with the right one
        rows = yield from collect(_companies(found))
    return build_tree(rows, found)


@helper
def holding_tree(root: int | None = None, *, field: str | None = None) -> Flow[HoldingTree]:
    """The holding forest of every company (or the subtree under ``root``), orphans and loops reported."""
    top = None if root is None else ensure_id(root, "root")
    tree: HoldingTree = yield from _read_tree(field)
    return tree if top is None else tree.subtree(top)


@helper
def subsidiaries(
    company: int, recursive: bool = True, *, field: str | None = None
) -> Flow[list[HoldingNode]]:
    """The companies below ``company`` (depth first), or only its direct subsidiaries."""
    company_id = ensure_id(company, "company")
    tree: HoldingTree = yield from _read_tree(field)
    node = tree.node(company_id)
    return node.descendants() if recursive else list(node.children)


@helper
def root_of(company: int, *, field: str | None = None) -> Flow[HoldingNode]:
    """The head company of ``company``'s holding (the company itself when it has no parent)."""
    company_id = ensure_id(company, "company")
    tree: HoldingTree = yield from _read_tree(field)
    return tree.root_of(company_id)


@helper
def ancestors(company: int, *, field: str | None = None) -> Flow[list[HoldingNode]]:
    """The parent, grandparent, ... of ``company`` up to the head company (nearest first)."""
    company_id = ensure_id(company, "company")
    tree: HoldingTree = yield from _read_tree(field)
    return tree.ancestors(company_id)


@helper
def holding_totals(root: int, *, field: str | None = None) -> Flow[HoldingTotals]:
    """Deals of ``root`` and every company below it: count and amounts of open, won and lost, by currency.

    One read of the tree, then one keyset read of the deals per 100 companies (``@COMPANY_ID``).
    """
    root_id = ensure_id(root, "root")
    tree: HoldingTree = yield from _read_tree(field)
    ids = sorted(tree.node(root_id).ids)
    deals: list[dict[str, Any]] = []
    crm = CrmCalls()
    for chunk in chunked(ids, IDS_PER_DEAL_READ):
        stream = crm.deal.iter_all(filter={"@COMPANY_ID": list(chunk)}, select=_DEAL_SELECT, raw=True)
        deals.extend((yield from collect(stream)))
    return aggregate_deals(root_id, tree.node(root_id).ids, deals)
