"""The holding structure as data: parent links of companies, the forest they form, and its problems.

Pure code, no requests: :func:`build_tree` turns rows of ``crm.company.list`` (``ID``, ``TITLE`` and the
parent field) into a :class:`HoldingTree`. A parent link is read in both forms a ``crm`` field may hold
(reference 7.3): the plain id ``"12"`` (what the UI stores for a company-only field) and ``"CO_12"``.

Bad data is reported, never crashed on:

- an **orphan** points to a company that is not there (deleted, or not visible): it becomes a root and is
  listed in :attr:`HoldingTree.orphans` with the missing parent's id;
- a **cycle** (``13 -> 14 -> 13``, or a company that is its own parent) is listed in
  :attr:`HoldingTree.cycles`; its smallest id becomes a root so every company still appears once;
- a value that is not a company link (``"C_5"``, ``"abc"``) is listed in :attr:`HoldingTree.invalid` and
  the company becomes a root.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from dataclasses import field as _field
from typing import Any

from ...errors import Bitrix24Error, InvalidInputError, NotFoundError
from ...models.values import CrmRef

__all__ = [
    "COMPANY_TYPE_ID",
    "CompanyNotFoundError",
    "HoldingCycleError",
    "HoldingError",
    "HoldingFieldError",
    "HoldingNode",
    "HoldingTree",
    "build_tree",
    "parse_parent",
]

#: entityTypeId of companies (reference 5.1)
COMPANY_TYPE_ID = 4


class HoldingError(Bitrix24Error):
    """Base class of the holding helpers' own errors."""


class HoldingFieldError(HoldingError):
    """The parent-company field is missing, or it cannot hold a link to a company."""


class HoldingCycleError(HoldingError, InvalidInputError):
    """The new parent link would make a company its own ancestor; ``chain`` is the loop it would close."""

    def __init__(self, message: str, *, chain: list[int]) -> None:
        super().__init__(message, field="parent")
        self.chain = chain


class CompanyNotFoundError(NotFoundError):
    """A company of the holding does not exist (or is not visible to the caller)."""

    def __init__(self, company_id: int, *, method: str = "crm.company.get", role: str = "company") -> None:
        super().__init__(code="", description=f"Not found: {role} {company_id}", method=method)
        self.company_id = company_id


def parse_parent(value: Any) -> int | None:
    """The parent company id of a stored value: ``"12"``, ``12``, ``"CO_12"`` or ``["CO_12"]``; empty -> None.

    A link to another kind of object (``"C_5"``) or a value that is no link raises :class:`ValueError`.
    """
    refs = CrmRef.parse_many(value) if isinstance(value, list | tuple) else [CrmRef.parse(value)]
    for ref in refs:
        if ref is None:
            continue
        if ref.entity_type_id not in (None, COMPANY_TYPE_ID):
            raise ValueError(f"{value!r} links to an object of type {ref.entity_type_id}, not to a company")
        return ref.id
    return None


@dataclass(eq=False)
class HoldingNode:
    """One company in the holding forest: its parent (``None`` for a root), children and depth."""

    id: int
    title: str
    parent_id: int | None = None
    depth: int = 0
    children: list[HoldingNode] = _field(default_factory=list)

    def walk(self) -> Iterator[HoldingNode]:
        """This company and every company below it, depth first, children in id order."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def descendants(self) -> list[HoldingNode]:
        """Every company below this one (not this one), depth first."""
        return list(self.walk())[1:]

    @property
    def ids(self) -> list[int]:
        """The ids of this company and every company below it."""
        return [node.id for node in self.walk()]

    def to_dict(self) -> dict[str, Any]:
        """A plain nested dict: ``id``, ``title``, ``parent_id``, ``depth``, ``children``."""
        return {
            "id": self.id,
            "title": self.title,
            "parent_id": self.parent_id,
            "depth": self.depth,
            "children": [child.to_dict() for child in self.children],
        }

    def __repr__(self) -> str:
        return f"HoldingNode(id={self.id}, title={self.title!r}, children={len(self.children)})"


@dataclass(eq=False)
class HoldingTree:
    """The holding forest: every company read, its roots, and the problems found in the data."""

    field: str
    roots: list[HoldingNode] = _field(default_factory=list)
    nodes: dict[int, HoldingNode] = _field(default_factory=dict)
    #: company id -> the id of its parent that does not exist
    orphans: dict[int, int] = _field(default_factory=dict)
    #: loops of parent links, each from its smallest id following the parents (``[13, 14]``: 13 -> 14 -> 13)
    cycles: list[list[int]] = _field(default_factory=list)
    #: company id -> the stored value that is not a company link
    invalid: dict[int, Any] = _field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.nodes)

    def __contains__(self, company_id: object) -> bool:
        return company_id in self.nodes

    def __iter__(self) -> Iterator[HoldingNode]:
        for root in self.roots:
            yield from root.walk()

    def node(self, company_id: int) -> HoldingNode:
        """The node of a company, or :class:`CompanyNotFoundError`."""
        found = self.nodes.get(int(company_id))
        if found is None:
            raise CompanyNotFoundError(int(company_id), method="crm.company.list")
        return found

    @property
    def holdings(self) -> list[HoldingNode]:
        """The roots that have subsidiaries (companies on their own left out)."""
        return [root for root in self.roots if root.children]

    @property
    def ok(self) -> bool:
        """No orphans, cycles or invalid values were found."""
        return not (self.orphans or self.cycles or self.invalid)

    def ancestors(self, company_id: int) -> list[HoldingNode]:
        """The parent, its parent, ... up to the root (nearest first)."""
        chain: list[HoldingNode] = []
        node = self.node(company_id)
        while node.parent_id is not None and node.parent_id in self.nodes:  # a subtree's top keeps its link
            node = self.nodes[node.parent_id]
            chain.append(node)
        return chain

    def root_of(self, company_id: int) -> HoldingNode:
        """The top of the company's holding (the company itself when it has no parent)."""
        chain = self.ancestors(company_id)
        return chain[-1] if chain else self.node(company_id)

    def subtree(self, company_id: int) -> HoldingTree:
        """The part of the forest under one company, as a tree of its own (depths counted from it)."""
        top = self.node(company_id)
        copies: dict[int, HoldingNode] = {}
        for node in top.walk():
            copy = HoldingNode(node.id, node.title, node.parent_id)
            copies[node.id] = copy
            if node is not top and node.parent_id is not None:
                parent = copies[node.parent_id]
                copy.depth = parent.depth + 1
                parent.children.append(copy)
        return HoldingTree(
            self.field,
            roots=[copies[top.id]],
            nodes=copies,
            orphans={k: v for k, v in self.orphans.items() if k in copies},
            cycles=[c for c in self.cycles if c[0] in copies],
            invalid={k: v for k, v in self.invalid.items() if k in copies},
        )

    def to_dict(self, *, all_companies: bool = False) -> dict[str, Any]:
        """A plain dict: the holdings (or every root) as nested dicts, and the problems found."""
        roots = self.roots if all_companies else self.holdings
        return {
            "field": self.field,
            "roots": [root.to_dict() for root in roots],
            "orphans": dict(self.orphans),
            "cycles": [list(c) for c in self.cycles],
            "invalid": dict(self.invalid),
        }

    def to_records(self, *, all_companies: bool = False) -> list[dict[str, Any]]:
        """One flat dict per company (``id``, ``title``, ``parent_id``, ``root_id``, ``depth``, ``path``)."""
        from ._render import tree_records

        return tree_records(self, all_companies=all_companies)

    def to_dataframe(self, *, all_companies: bool = False) -> Any:
        """The flat records as a pandas DataFrame (needs ``pip install "bitrix24-toolkit[pandas]"``)."""
        from ._render import tree_dataframe

        return tree_dataframe(self, all_companies=all_companies)

    def render(self, *, ids: bool = True, all_companies: bool = False) -> str:
        """The forest as text with box-drawing lines, problems listed below."""
        from ._render import render_tree

        return render_tree(self, ids=ids, all_companies=all_companies)

    def __str__(self) -> str:
        return self.render()

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # IPython / Jupyter
        printer.text(self.render())


def _find_cycles(parents: Mapping[int, int]) -> list[list[int]]:
    """Loops in a child -> parent map, each from its smallest id, in order of that id."""
    state: dict[int, int] = {}  # 1: on the current path, 2: done
    cycles: list[list[int]] = []
    for start in parents:
        path: list[int] = []
        node: int | None = start
        while node is not None and node not in state:
            state[node] = 1
            path.append(node)
            node = parents.get(node)
        if node is not None and state[node] == 1:
            loop = path[path.index(node) :]
            low = loop.index(min(loop))
            cycles.append(loop[low:] + loop[:low])
        for visited in path:
            state[visited] = 2
    return sorted(cycles, key=lambda c: c[0])


def build_tree(rows: Iterable[Mapping[str, Any]], field: str) -> HoldingTree:
    """The forest of company rows (``ID``, ``TITLE``, ``field``); problems are reported, not raised."""
    tree = HoldingTree(field)
    parents: dict[int, int] = {}
    for row in rows:
        company_id = int(row["ID"])
        tree.nodes[company_id] = HoldingNode(company_id, str(row.get("TITLE") or ""))
        raw = row.get(field)
        try:
            parent = parse_parent(raw)
        except ValueError:
            tree.invalid[company_id] = raw
            continue
        if parent is not None:
            parents[company_id] = parent
    for company_id, parent in list(parents.items()):
        if parent not in tree.nodes:
            tree.orphans[company_id] = parent
            del parents[company_id]
    tree.cycles = _find_cycles(parents)
    for loop in tree.cycles:
        del parents[loop[0]]  # the loop's smallest id becomes a root
    for company_id in sorted(tree.nodes):
        node = tree.nodes[company_id]
        parent = parents.get(company_id)
        if parent is None:
            tree.roots.append(node)
        else:
            node.parent_id = parent
            tree.nodes[parent].children.append(node)
    for root in tree.roots:
        for node in root.walk():
            for child in node.children:
                child.depth = node.depth + 1
    return tree
