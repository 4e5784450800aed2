"""Typical projects as task templates: create them idempotently, follow their progress.

- :func:`create_project` turns a template (:func:`load_template`: a dict, JSON or YAML) into a workgroup and
  tasks with deadlines, people by role, checklists, parent tasks and dependencies; a rerun creates nothing
  twice;
- :func:`project_progress` tells done / overdue / in progress per task and per responsible person;
- the deadline grammar (``start + 10 working days``, ``after:design + 2 weeks``): :func:`parse_deadline`,
  :func:`add_working_days`, :func:`plan_deadlines`.
"""

from ._create import ProjectResult, create_project, plan_deadlines, task_marker
from ._deadlines import Deadline, add_working_days, parse_deadline
from ._progress import STATES, PersonProgress, ProjectProgress, TaskProgress, project_progress
from ._roles import UnknownUserError
from ._template import (
    LINK_TYPES,
    ChecklistItem,
    Dependency,
    ProjectTemplate,
    ProjectTemplateError,
    TaskSpec,
    load_template,
)

__all__ = [
    "LINK_TYPES",
    "STATES",
    "ChecklistItem",
    "Deadline",
    "Dependency",
    "PersonProgress",
    "ProjectProgress",
    "ProjectResult",
    "ProjectTemplate",
    "ProjectTemplateError",
    "TaskProgress",
    "TaskSpec",
    "UnknownUserError",
    "add_working_days",
    "create_project",
    "load_template",
    "parse_deadline",
    "plan_deadlines",
    "project_progress",
    "task_marker",
]
