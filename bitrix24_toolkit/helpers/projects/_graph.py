"""The three graphs of a template (parent tasks, dependencies, deadline anchors): cycles and a safe order.

Both walks are iterative, so a long chain of tasks cannot hit Python's recursion limit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._template import TaskSpec

__all__ = ["find_cycle", "order_tasks"]


def find_cycle(graph: Mapping[str, Sequence[str]]) -> list[str]:
    """One cycle of ``graph`` (key -> keys it points to) as a path ending where it starts, or ``[]``."""
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    for root in graph:
        if root in state:
            continue
        path: list[str] = [root]
        todo: list[list[str]] = [list(graph.get(root, ()))]
        state[root] = 1
        while path:
            if not todo[-1]:
                state[path.pop()] = 2
                todo.pop()
                continue
            nxt = todo[-1].pop(0)
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt in graph and nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                todo.append(list(graph.get(nxt, ())))
    return []


def order_tasks(tasks: Sequence[TaskSpec]) -> tuple[list[TaskSpec], dict[str, list[str]]]:
    """Tasks with their parent and deadline anchor first (else in template order), and the cycles found
    (graph name -> cycle path); with a cycle the tasks come back as they were."""
    graphs: dict[str, dict[str, list[str]]] = {
        "parent tasks": {t.key: [t.parent] if t.parent else [] for t in tasks},
        "dependencies": {t.key: [d.task for d in t.depends_on] for t in tasks},
        "deadlines": {t.key: [t.deadline.after] if t.deadline and t.deadline.after else [] for t in tasks},
    }
    cycles = {label: cycle for label, graph in graphs.items() if (cycle := find_cycle(graph))}
    if cycles:
        return list(tasks), cycles
    by_key = {task.key: task for task in tasks}
    before = {k: graphs["parent tasks"][k] + graphs["deadlines"][k] for k in by_key}
    order: list[str] = []
    done: set[str] = set()
    for task in tasks:
        stack = [(task.key, False)]
        while stack:
            key, ready = stack.pop()
            if ready:
                order.append(key)
                continue
            if key in done or key not in by_key:
                continue
            done.add(key)
            stack.append((key, True))
            stack.extend((first, False) for first in reversed(before[key]) if first not in done)
    return [by_key[k] for k in order], {}
