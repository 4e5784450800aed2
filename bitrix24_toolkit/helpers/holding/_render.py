"""The holding forest for people and tables: box-drawing text, flat records, a pandas DataFrame.

::

    Гостиничная группа Восток (12)
    ├── Отель Восток Казань (13)
    ├── Отель Восток Байкал (15)
    │   └── Гостевой дом Восток Листвянка (17)
    └── Отель Восток Алтай (16)
"""

from __future__ import annotations

import importlib
from typing import Any

from ._model import HoldingNode, HoldingTree

__all__ = ["render_tree", "tree_dataframe", "tree_records"]

_BRANCH, _LAST, _PIPE, _GAP = "├── ", "└── ", "│   ", "    "


def _label(node: HoldingNode, ids: bool) -> str:
    title = node.title or "(no title)"
    return f"{title} ({node.id})" if ids else title


def _render_node(node: HoldingNode, ids: bool, lines: list[str]) -> None:
    lines.append(_label(node, ids))
    # (node, prefix for its own line, prefix for its children's lines)
    stack: list[tuple[HoldingNode, str, str]] = []
    for index, child in reversed(list(enumerate(node.children))):
        last = index == len(node.children) - 1
        stack.append((child, _LAST if last else _BRANCH, _GAP if last else _PIPE))
    while stack:
        current, head, prefix = stack.pop()
        lines.append(head + _label(current, ids))
        for index, child in reversed(list(enumerate(current.children))):
            last = index == len(current.children) - 1
            stack.append((child, prefix + (_LAST if last else _BRANCH), prefix + (_GAP if last else _PIPE)))


def _problems(tree: HoldingTree) -> list[str]:
    lines = [f"! company {cid}: parent {parent} not found" for cid, parent in sorted(tree.orphans.items())]
    lines += ["! cycle: " + " -> ".join(str(i) for i in [*loop, loop[0]]) for loop in tree.cycles]
    lines += [f"! company {cid}: not a company link: {raw!r}" for cid, raw in sorted(tree.invalid.items())]
    return lines


def render_tree(tree: HoldingTree | HoldingNode, *, ids: bool = True, all_companies: bool = False) -> str:
    """A forest or a subtree as text with box-drawing lines; a forest lists its problems below.

    A forest shows only the holdings (roots with subsidiaries) unless ``all_companies`` is true.
    """
    lines: list[str] = []
    if isinstance(tree, HoldingNode):
        _render_node(tree, ids, lines)
        return "\n".join(lines)
    roots = tree.roots if all_companies else tree.holdings
    for root in roots:
        _render_node(root, ids, lines)
    if not roots:
        lines.append("(no holdings)")
    lines += _problems(tree)
    return "\n".join(lines)


def tree_records(tree: HoldingTree, *, all_companies: bool = False) -> list[dict[str, Any]]:
    """One flat dict per company, depth first: ``id``, ``title``, ``parent_id``, ``root_id``, ``depth``,
    ``children`` (count) and ``path`` (titles from the root, joined by `` / ``)."""
    records: list[dict[str, Any]] = []
    for root in tree.roots if all_companies else tree.holdings:
        titles: dict[int, str] = {}
        for node in root.walk():
            above = titles.get(node.parent_id) if node.parent_id is not None else None
            titles[node.id] = f"{above} / {node.title}" if above is not None else node.title
            records.append(
                {
                    "id": node.id,
                    "title": node.title,
                    "parent_id": node.parent_id,
                    "root_id": root.id,
                    "depth": node.depth,
                    "children": len(node.children),
                    "path": titles[node.id],
                }
            )
    return records


def tree_dataframe(tree: HoldingTree, *, all_companies: bool = False) -> Any:
    """The flat records as a pandas DataFrame indexed by company id (needs the ``pandas`` extra)."""
    try:
        pd = importlib.import_module("pandas")  # optional extra, imported only here
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError('holding tree export needs pandas: pip install "bitrix24-toolkit[pandas]"') from exc
    columns = ["id", "title", "parent_id", "root_id", "depth", "children", "path"]
    frame = pd.DataFrame(tree_records(tree, all_companies=all_companies), columns=columns)
    return frame.set_index("id")
