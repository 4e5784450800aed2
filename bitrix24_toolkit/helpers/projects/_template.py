"""A typical project as a template: tasks with relative deadlines, roles, checklists, parents, dependencies.

A template is a dict, or a JSON or YAML file holding one (YAML needs PyYAML, imported only for ``.yaml``
files)::

    name: Store opening                       # the workgroup's name when one is created
    key: store-opening                        # the project key (the tag on every task); create_project(key=)
    roles: {manager: Store manager, it: IT}   # optional: the roles the tasks may name, with what they mean
    deadline_time: "18:00"                    # optional: the time of day of every deadline (default 18:00)
    tasks:
      - key: design                           # unique in the template: letters, digits, _ . -
        title: Store design
        description: Floor plan and shelving
        responsible: manager                  # a role
        accomplices: [it]                     # roles (also: auditors)
        deadline: start + 10 working days     # see _deadlines.py for the grammar
        priority: high                        # low | medium | high (optional)
        checklist: [Floor plan, {title: Brand book check, important: true}]
        parent: null                          # the key of the parent task
        depends_on: [survey, {task: permits, type: finish-finish}]

``depends_on`` names the tasks this one waits for; ``type`` is one of the link types of task.dependence.add:
``start-start`` (0), ``start-finish`` (1), ``finish-start`` (2, the default), ``finish-finish`` (3).

:func:`load_template` checks everything it can without a portal (unknown roles, parents and dependencies,
cycles, bad deadline expressions, duplicate keys) and reports every problem with the task key at fault.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from ...errors import InvalidInputError, short_repr
from ._deadlines import Deadline, parse_deadline
from ._graph import order_tasks

__all__ = [
    "LINK_TYPES",
    "ChecklistItem",
    "Dependency",
    "ProjectTemplate",
    "ProjectTemplateError",
    "TaskSpec",
    "load_template",
]

#: task-dependence-add.md: linkType values
LINK_TYPES: Final = {"start-start": 0, "start-finish": 1, "finish-start": 2, "finish-finish": 3}
_PRIORITIES: Final = {"low": 0, "medium": 1, "high": 2}
_KEY = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_TASK_KEYS: Final = frozenset(
    {"key", "title", "description", "responsible", "accomplices", "auditors", "deadline", "priority",
     "checklist", "parent", "depends_on"}
)  # fmt: skip
_TOP_KEYS: Final = frozenset({"name", "key", "description", "roles", "deadline_time", "tasks"})
MAX_TASKS: Final = 500
MAX_TEXT: Final = 10_000


class ProjectTemplateError(InvalidInputError):
    """A template that cannot be planned; ``problems`` lists every one, each naming its task key."""

    def __init__(self, problems: Sequence[str]) -> None:
        shown = "; ".join(problems[:10]) + (
            f"; ... and {len(problems) - 10} more" if len(problems) > 10 else ""
        )
        super().__init__(f"project template: {shown}", field="template")
        self.problems = list(problems)


@dataclass(frozen=True)
class ChecklistItem:
    """One checklist line of a task (task.checklistitem.add ``TITLE`` / ``IS_IMPORTANT``)."""

    title: str
    important: bool = False


@dataclass(frozen=True)
class Dependency:
    """This task waits for ``task``: a task.dependence.add link from ``task`` to this one."""

    task: str
    link_type: int = LINK_TYPES["finish-start"]


@dataclass(frozen=True)
class TaskSpec:
    """One task of a template (roles by name, the deadline as an expression)."""

    key: str
    title: str
    responsible: str
    description: str = ""
    accomplices: tuple[str, ...] = ()
    auditors: tuple[str, ...] = ()
    deadline: Deadline | None = None
    priority: int | None = None
    checklist: tuple[ChecklistItem, ...] = ()
    parent: str | None = None
    depends_on: tuple[Dependency, ...] = ()

    @property
    def roles(self) -> list[str]:
        """Every role the task names (responsible first)."""
        return list(dict.fromkeys([self.responsible, *self.accomplices, *self.auditors]))


@dataclass(frozen=True)
class ProjectTemplate:
    """A checked template: tasks in an order where parents and deadline anchors come first."""

    name: str
    tasks: tuple[TaskSpec, ...]
    key: str | None = None
    description: str = ""
    #: the roles the template declares (empty: whatever the tasks name)
    roles: dict[str, str] = field(default_factory=dict)
    #: (hour, minute) of every deadline
    deadline_time: tuple[int, int] = (18, 0)

    @property
    def used_roles(self) -> list[str]:
        """Every role some task names, in the order they first appear."""
        return list(dict.fromkeys(role for task in self.tasks for role in task.roles))

    def task(self, key: str) -> TaskSpec:
        """The task with this key."""
        return next(task for task in self.tasks if task.key == key)


# ------------------------------------------------------------------------------------------ reading
def _read_file(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InvalidInputError(
            f"cannot read template {path}: {exc.strerror or exc}", field="template"
        ) from exc
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            yaml = importlib.import_module("yaml")  # optional: only YAML templates need it
        except ImportError as exc:
            raise ImportError(
                'YAML templates need PyYAML: pip install "bitrix24-toolkit[projects]" '
                "(or use a .json template)"
            ) from exc
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise InvalidInputError(f"template {path} is not valid YAML: {exc}", field="template") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInputError(
            f"template {path} is not valid JSON (line {exc.lineno}): {exc.msg}", field="template"
        ) from exc


def load_template(source: ProjectTemplate | Mapping[str, Any] | str | Path) -> ProjectTemplate:
    """A checked :class:`ProjectTemplate` from a dict, a ``.json``/``.yaml`` file path, or a template."""
    if isinstance(source, ProjectTemplate):
        return source
    if isinstance(source, str | Path):
        source = _read_file(Path(source))
    if not isinstance(source, Mapping):
        raise InvalidInputError(
            f"a project template must be a dict or a .json/.yaml file, not {type(source).__name__}",
            field="template",
        )
    return _Checker(source).template()


# ------------------------------------------------------------------------------------------ checking
def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _names(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Sequence):
        return list(value)
    return [value]


class _Checker:
    """Reads a raw template, collecting every problem before giving up."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = raw
        self.problems: list[str] = []

    def problem(self, where: str, text: str) -> None:
        self.problems.append(f"{where}: {text}")

    def template(self) -> ProjectTemplate:
        raw = self.raw
        for extra in sorted(set(map(str, raw)) - _TOP_KEYS):
            self.problem("template", f"unknown key {extra!r} (known: {', '.join(sorted(_TOP_KEYS))})")
        name = _text(raw.get("name")) or ""
        key = raw.get("key")
        if key is not None and (not isinstance(key, str) or not check_project_key(key, quiet=True)):
            self.problem("template", f"key {short_repr(key)} must be 1-64 letters, digits, _ . -")
        declared = self.roles(raw.get("roles"))
        deadline_time = self.deadline_time(raw.get("deadline_time"))
        tasks_raw = raw.get("tasks")
        if not isinstance(tasks_raw, Sequence) or isinstance(tasks_raw, str) or not tasks_raw:
            self.problem("template", "'tasks' must be a non-empty list of tasks")
            tasks_raw = []
        if len(tasks_raw) > MAX_TASKS:
            self.problem("template", f"{len(tasks_raw)} tasks is more than {MAX_TASKS}")
            tasks_raw = []
        tasks = [task for index, item in enumerate(tasks_raw) if (task := self.task(index, item)) is not None]
        keys = [task.key for task in tasks]
        for dup in sorted({k for k in keys if keys.count(k) > 1}):
            self.problem(f"task {dup!r}", "the key is used by more than one task")
        self.links(tasks, declared)
        ordered = self.ordered(tasks) if not self.problems else tasks
        if self.problems:
            raise ProjectTemplateError(self.problems)
        return ProjectTemplate(
            name=name or (key if isinstance(key, str) else "") or "Project",
            tasks=tuple(ordered),
            key=key if isinstance(key, str) else None,
            description=_text(raw.get("description")) or "",
            roles=declared,
            deadline_time=deadline_time,
        )

    def roles(self, value: Any) -> dict[str, str]:
        if value is None:
            return {}
        if isinstance(value, Mapping):
            return {str(k): str(v or "") for k, v in value.items()}
        if isinstance(value, Sequence) and not isinstance(value, str):
            return {str(v): "" for v in value}
        self.problem("template", "'roles' must be a list of role names or a dict of role -> description")
        return {}

    def deadline_time(self, value: Any) -> tuple[int, int]:
        if value is None:
            return (18, 0)
        found = _TIME.match(value) if isinstance(value, str) else None
        if found is None:
            self.problem("template", f"deadline_time {short_repr(value)} must be HH:MM, such as '18:00'")
            return (18, 0)
        return int(found[1]), int(found[2])

    def task(self, index: int, raw: Any) -> TaskSpec | None:
        if not isinstance(raw, Mapping):
            self.problem(f"tasks[{index}]", "a task must be a dict with key, title and responsible")
            return None
        key = raw.get("key")
        if not isinstance(key, str) or not _KEY.match(key):
            self.problem(f"tasks[{index}]", f"key {short_repr(key)} must be 1-64 letters, digits, _ . -")
            return None
        where = f"task {key!r}"
        for extra in sorted(set(map(str, raw)) - _TASK_KEYS):
            self.problem(where, f"unknown key {extra!r} (known: {', '.join(sorted(_TASK_KEYS))})")
        title = _text(raw.get("title"))
        if title is None:
            self.problem(where, "a title is required")
        description = raw.get("description") or ""
        if not isinstance(description, str):
            self.problem(where, "the description must be a text")
            description = ""
        if (title is not None and len(title) > 250) or len(description) > MAX_TEXT:
            self.problem(where, f"the title (250) or the description ({MAX_TEXT}) is too long")
        responsible = _text(raw.get("responsible"))
        if responsible is None:
            self.problem(where, "a responsible role is required")
        deadline = None
        if raw.get("deadline") is not None:
            try:
                deadline = parse_deadline(raw["deadline"])
            except ValueError as exc:
                self.problem(where, str(exc))
        priority = None
        if raw.get("priority") is not None:
            priority = _PRIORITIES.get(str(raw["priority"]).lower())
            if priority is None:
                self.problem(where, f"priority {short_repr(raw['priority'])} must be low, medium or high")
        parent = raw.get("parent")
        if parent is not None and not isinstance(parent, str):
            self.problem(where, f"parent {short_repr(parent)} must be a task key")
            parent = None
        return TaskSpec(
            key=key,
            title=title or "",
            responsible=responsible or "",
            description=description.strip(),
            accomplices=tuple(self.role_names(where, "accomplices", raw.get("accomplices"))),
            auditors=tuple(self.role_names(where, "auditors", raw.get("auditors"))),
            deadline=deadline,
            priority=priority,
            checklist=tuple(self.checklist(where, raw.get("checklist"))),
            parent=parent,
            depends_on=tuple(self.dependencies(where, raw.get("depends_on"))),
        )

    def role_names(self, where: str, name: str, value: Any) -> Iterable[str]:
        for role in _names(value):
            if _text(role) is None:
                self.problem(where, f"{name}: {short_repr(role)} is not a role name")
            else:
                yield role.strip()

    def checklist(self, where: str, value: Any) -> Iterable[ChecklistItem]:
        titles: set[str] = set()
        for item in _names(value):
            title = _text(item) if not isinstance(item, Mapping) else _text(item.get("title"))
            important = bool(item.get("important")) if isinstance(item, Mapping) else False
            if title is None or len(title) > 250:
                self.problem(where, f"checklist item {short_repr(item)} needs a title (up to 250 characters)")
            elif title in titles:
                self.problem(where, f"checklist item {title!r} appears twice")
            else:
                titles.add(title)
                yield ChecklistItem(title, important)

    def dependencies(self, where: str, value: Any) -> Iterable[Dependency]:
        targets: set[str] = set()
        for item in _names(value):
            target, kind = item, "finish-start"
            if isinstance(item, Mapping):
                target, kind = item.get("task"), item.get("type", "finish-start")
            if not isinstance(target, str) or not target:
                self.problem(where, f"depends_on {short_repr(item)} must name a task key")
                continue
            link = kind if isinstance(kind, int) and not isinstance(kind, bool) else LINK_TYPES.get(str(kind))
            if link not in LINK_TYPES.values():
                self.problem(
                    where, f"link type {short_repr(kind)} must be one of {', '.join(LINK_TYPES)} (or 0-3)"
                )
                continue
            assert link is not None
            if target in targets:  # one link per pair of tasks (task.dependence.add would get it twice)
                self.problem(where, f"depends_on names task {target!r} twice")
                continue
            targets.add(target)
            yield Dependency(target, link)

    def links(self, tasks: Sequence[TaskSpec], declared: Mapping[str, str]) -> None:
        known = {task.key for task in tasks}
        for task in tasks:
            where = f"task {task.key!r}"
            if declared:
                for role in task.roles:
                    if role and role not in declared:
                        self.problem(
                            where, f"unknown role {role!r} (the template declares {', '.join(declared)})"
                        )
            if task.parent is not None and task.parent not in known:
                self.problem(where, f"unknown parent task {task.parent!r}")
            if task.parent == task.key:
                self.problem(where, "a task cannot be its own parent")
            if (
                task.deadline is not None
                and task.deadline.after is not None
                and task.deadline.after not in known
            ):
                self.problem(where, f"the deadline refers to an unknown task {task.deadline.after!r}")
            for dep in task.depends_on:
                if dep.task not in known:
                    self.problem(where, f"depends on an unknown task {dep.task!r}")
                elif dep.task == task.key:
                    self.problem(where, "a task cannot depend on itself")

    def ordered(self, tasks: Sequence[TaskSpec]) -> list[TaskSpec]:
        """Tasks with parents and deadline anchors first; a cycle in a graph is a problem."""
        ordered, cycles = order_tasks(tasks)
        for label, cycle in cycles.items():
            self.problem(f"task {cycle[0]!r}", f"a cycle in the {label}: {' -> '.join(cycle)}")
        return ordered


def check_project_key(key: object, *, quiet: bool = False) -> bool:
    """Whether ``key`` can be a project key (the tag and the ``XML_ID`` prefix of its tasks)."""
    ok = isinstance(key, str) and bool(_KEY.match(key))
    if not ok and not quiet:
        raise InvalidInputError(
            f"project key {short_repr(key)} must be 1-64 letters, digits, _ . - (it tags every task)",
            field="key",
        )
    return ok
