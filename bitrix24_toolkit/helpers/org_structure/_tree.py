"""``org_tree``: the portal's department tree with heads and head counts, as text or plain rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...protocol.call import Flow
from ..base import helper
from ._portal import read_portal

__all__ = ["OrgNode", "OrgTree", "org_tree"]


@dataclass
class OrgNode:
    """A department: its head's name and e-mail, its active employees, its sub-departments."""

    id: int
    name: str
    parent: int | None
    head: str = ""
    head_email: str = ""
    employees: int = 0
    children: list[OrgNode] = field(default_factory=list)


@dataclass
class OrgTree:
    """The departments under the top department (``roots``: more than one when the portal has loose ends)."""

    roots: list[OrgNode]

    def walk(self) -> list[tuple[int, OrgNode]]:
        """``(depth, node)`` pairs, parents first, children by name."""
        out: list[tuple[int, OrgNode]] = []

        def visit(node: OrgNode, depth: int) -> None:
            out.append((depth, node))
            for child in sorted(node.children, key=lambda c: (c.name.casefold(), c.id)):
                visit(child, depth + 1)

        for root in self.roots:
            visit(root, 0)
        return out

    def render(self) -> str:
        """The tree as indented lines: ``name [id] - head (N employees)``."""
        lines = []
        for depth, node in self.walk():
            head = f" - {node.head}" if node.head else " - no head"
            people = f"{node.employees} employee" + ("" if node.employees == 1 else "s")
            lines.append(f"{'  ' * depth}{node.name} [{node.id}]{head} ({people})")
        return "\n".join(lines)

    def to_rows(self) -> list[dict[str, Any]]:
        """One plain row per department, parents first."""
        return [
            {
                "id": node.id,
                "parent": node.parent,
                "level": depth,
                "name": node.name,
                "head": node.head,
                "head_email": node.head_email,
                "employees": node.employees,
            }
            for depth, node in self.walk()
        ]


@helper
def org_tree() -> Flow[OrgTree]:
    """The portal's departments as a tree with heads and active employee counts (department.get, user.get)."""
    portal = yield from read_portal()
    users = {int(u["ID"]): u for u in portal.users}
    nodes: dict[int, OrgNode] = {}
    for dep in portal.departments.values():
        head = users.get(dep.head or 0, {})
        name = " ".join(str(head.get(k) or "") for k in ("NAME", "LAST_NAME")).strip()
        nodes[dep.id] = OrgNode(dep.id, dep.name, dep.parent, name, str(head.get("EMAIL") or ""))
    for user in portal.users:
        if user.get("ACTIVE") in (False, "N"):
            continue
        for dep_id in user.get("UF_DEPARTMENT") or []:
            if str(dep_id).isdigit() and int(dep_id) in nodes:
                nodes[int(dep_id)].employees += 1
    roots: list[OrgNode] = []
    for node in nodes.values():
        parent = nodes.get(node.parent or 0)
        (parent.children if parent is not None else roots).append(node)
    return OrgTree(sorted(roots, key=lambda n: n.id))
