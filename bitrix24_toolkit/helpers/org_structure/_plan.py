"""The plan: each source department and employee matched to the portal by a stable key, and its action.

Departments: the department pages (``department.add/update/get``) have no external code (no ``XML_ID``),
so a source code is linked to a portal department by, in order: the ``ids`` map of an earlier run
(:attr:`OrgReport.department_ids`, code -> id), the same name under the same (matched) parent, or, for a
renamed or moved department, the one unmatched department whose head is the source head. Anything else
is created. Employees: by e-mail (no case), else by the personnel number kept in ``XML_ID``; never by name.
Two source rows matching one portal user (an employee found by personnel number under a new e-mail, and
another row holding the user's old e-mail) are refused, naming both rows: no rule tells which row is the
person, and a guess would overwrite one person with another.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ._portal import PortalDepartment, PortalSnapshot
from ._report import OrgEntry
from ._structure import Department, Employee, OrgStructureError, Problem, Structure

__all__ = ["DepartmentPlan", "EmployeePlan", "Plan", "make_plan"]

#: employee field -> the user.add/user.update field it writes
_USER_FIELDS = {
    "first_name": "NAME",
    "last_name": "LAST_NAME",
    "second_name": "SECOND_NAME",
    "position": "WORK_POSITION",
    "phone": "WORK_PHONE",
    "personnel_number": "XML_ID",
}


@dataclass
class DepartmentPlan:
    """A department's entry and what to send: ``fields`` changed now, ``head`` (an e-mail) set later."""

    source: Department
    entry: OrgEntry
    fields: dict[str, Any] = field(default_factory=dict)
    #: PARENT to send, as a source code (``None``: the portal's top department) when it changes
    parent: str | None = None
    move: bool = False
    #: the head to set after the employees are written (an employee invited by this run)
    head_later: str | None = None


@dataclass
class EmployeePlan:
    """An employee's entry and the user fields to send (``department``: the code for UF_DEPARTMENT)."""

    entry: OrgEntry
    fields: dict[str, Any] = field(default_factory=dict)
    department: str | None = None


@dataclass
class Plan:
    """Everything to write, parents first, and the warnings found on the way."""

    departments: list[DepartmentPlan]
    employees: list[EmployeePlan]
    top: int
    ids: dict[str, int]
    users_by_email: dict[str, int]
    warnings: list[Problem] = field(default_factory=list)


def _key(text: str) -> str:
    return " ".join(text.casefold().replace("ё", "е").split())


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _match_departments(
    structure: Structure, portal: PortalSnapshot, ids: Mapping[str, int], heads: Mapping[str, int]
) -> dict[str, PortalDepartment]:
    """source code -> portal department (see the module docstring for the order)."""
    top = portal.top
    free = {dep_id for dep_id in portal.departments if dep_id != top}
    matched: dict[str, PortalDepartment] = {}
    for code, dep_id in ids.items():
        if dep_id in free and code in {d.code for d in structure.departments}:
            matched[code] = portal.departments[dep_id]
            free.discard(dep_id)
    levels = sorted({d.level for d in structure.departments})
    for level in levels:
        todo = [d for d in structure.departments if d.level == level and d.code not in matched]
        for dep in todo:  # the same name under the same parent
            parent = (
                top if dep.parent is None else (matched[dep.parent].id if dep.parent in matched else None)
            )
            if parent is None:
                continue
            same = [c for c in portal.children.get(parent, []) if c in free]
            same = [c for c in same if _key(portal.departments[c].name) == _key(dep.name)]
            if same:
                matched[dep.code] = portal.departments[min(same)]
                free.discard(min(same))
        for dep in todo:  # renamed or moved: the one free department this head heads
            if dep.code in matched or dep.head is None or dep.head not in heads:
                continue
            headed = [c for c in free if portal.departments[c].head == heads[dep.head]]
            if len(headed) == 1:
                matched[dep.code] = portal.departments[headed[0]]
                free.discard(headed[0])
    return matched


def _department_plans(
    structure: Structure,
    portal: PortalSnapshot,
    matched: Mapping[str, PortalDepartment],
    heads: Mapping[str, int],
) -> list[DepartmentPlan]:
    names = {d.id: d.name for d in portal.departments.values()}
    source_names = {d.code: d.name for d in structure.departments}
    plans = []
    for dep in structure.departments:
        found = matched.get(dep.code)
        entry = OrgEntry("department", dep.code, dep.name, "create", row=dep.row)
        plan = DepartmentPlan(dep, entry, parent=dep.parent)
        head_id = heads.get(dep.head) if dep.head is not None else None
        if dep.head is not None and head_id is None:
            plan.head_later = dep.head
        if found is None:
            plan.move = True
            plan.fields = {"NAME": dep.name, **({"SORT": dep.sort} if dep.sort is not None else {})}
            if head_id is not None:
                plan.fields["UF_HEAD"] = head_id
            where = repr(source_names.get(dep.parent, "")) if dep.parent else "the top department"
            entry.reasons.append(f"under {where}")
            plans.append(plan)
            continue
        entry.id = found.id
        want_parent = (
            portal.top if dep.parent is None else (matched[dep.parent].id if dep.parent in matched else None)
        )
        if want_parent != found.parent:
            plan.move = True
            entry.action = "move"
            was = names.get(found.parent or 0, "none")
            entry.reasons.append(
                f"moved from {was!r} to {source_names.get(dep.parent or '', 'the top department')!r}"
            )
        if _key(found.name) != _key(dep.name) or found.name != dep.name:
            plan.fields["NAME"] = dep.name
            entry.reasons.append(f"renamed from {found.name!r}")
        if dep.sort is not None and dep.sort != found.sort:
            plan.fields["SORT"] = dep.sort
            entry.reasons.append(f"sort {found.sort} -> {dep.sort}")
        if head_id is not None and head_id != found.head:
            plan.fields["UF_HEAD"] = head_id
            entry.reasons.append(f"head: user {found.head or 'none'} -> {head_id} ({dep.head})")
        if plan.head_later is not None:
            entry.reasons.append(f"head: the new employee {plan.head_later}")
        if entry.action != "move":
            entry.action = "update" if plan.fields or plan.head_later else "unchanged"
        plans.append(plan)
    return plans


def _inactive(user: Mapping[str, Any]) -> bool:
    return user.get("ACTIVE") in (False, "N", "n", "0", 0)


def _disabled_plan(
    person: Employee,
    user: Mapping[str, Any] | None,
    me: int | None,
    deactivate: bool,
    warnings: list[Problem],
) -> EmployeePlan:
    """A row disabled in the source (a leaver): never invited; deactivated only with ``deactivate``."""
    entry = OrgEntry("employee", person.email, person.full_name, "unchanged", row=person.row)
    plan = EmployeePlan(entry)
    if user is None:
        entry.reasons.append("disabled in the source: not invited")
        return plan
    entry.id = int(user["ID"])
    if _inactive(user):
        entry.reasons.append("disabled in the source, inactive on the portal")
    elif entry.id == me:
        entry.reasons.append("disabled in the source, but it is the caller: kept active")
        warnings.append(Problem("employees", person.row, f"{person.email} is the caller: not deactivated"))
    elif deactivate:
        entry.action = "deactivate"
        entry.reasons.append("disabled in the source: ACTIVE=N")
        plan.fields = {"ACTIVE": "N"}
    else:
        entry.reasons.append("disabled in the source: kept active (deactivate_missing=False)")
        text = f"user {entry.id} ({person.email}) is disabled in the source: kept active"
        warnings.append(Problem("employees", person.row, text))
    return plan


def _employee_plan(
    person: Employee, user: Mapping[str, Any] | None, dept_id: int | None, names: Mapping[str, str]
) -> EmployeePlan:
    entry = OrgEntry("employee", person.email, person.full_name, "invite", row=person.row)
    plan = EmployeePlan(entry, department=person.department)
    wanted = {_USER_FIELDS[name]: getattr(person, name) for name in _USER_FIELDS if getattr(person, name)}
    if user is None:
        plan.fields = {"EMAIL": person.email, **wanted}
        entry.reasons.append(f"to {names.get(person.department, person.department)!r}")
        return plan
    entry.id = int(user["ID"])
    if _text(user.get("EMAIL")).lower() != person.email:
        plan.fields["EMAIL"] = person.email
        entry.reasons.append(
            f"e-mail {_text(user.get('EMAIL'))!r} -> {person.email!r} (found by personnel number)"
        )
    for name, value in wanted.items():
        if _text(user.get(name)) != value:
            plan.fields[name] = value
            entry.reasons.append(f"{name} {_text(user.get(name))!r} -> {value!r}")
    if _inactive(user):
        plan.fields["ACTIVE"] = "Y"
        entry.reasons.append("inactive on the portal: activated again")
    current = [int(x) for x in user.get("UF_DEPARTMENT") or [] if str(x).strip().isdigit()]
    if dept_id is None or current != [dept_id]:
        entry.action = "move"
        entry.reasons.insert(0, f"to {names.get(person.department, person.department)!r}")
    else:
        plan.department = None
        entry.action = "update" if plan.fields else "unchanged"
    return plan


def _leavers(
    portal: PortalSnapshot, seen: set[int], synced: set[int], deactivate: bool, warnings: list[Problem]
) -> list[EmployeePlan]:
    plans = []
    for user in portal.users:
        user_id = int(user["ID"])
        departments = {int(x) for x in user.get("UF_DEPARTMENT") or [] if str(x).strip().isdigit()}
        active = not _inactive(user)
        if (
            user_id in seen
            or not active
            or user_id == portal.me
            or not departments
            or not departments <= synced
        ):
            continue
        if _text(user.get("USER_TYPE")) not in ("", "employee"):
            continue
        email = _text(user.get("EMAIL")).lower()
        if not deactivate:
            warnings.append(
                Problem("portal", None, f"user {user_id} ({email}) is not in the source: kept active")
            )
            continue
        name = " ".join(_text(user.get(k)) for k in ("LAST_NAME", "NAME") if user.get(k))
        entry = OrgEntry("employee", email, name, "deactivate", ["not in the source: ACTIVE=N"], id=user_id)
        plans.append(EmployeePlan(entry, {"ACTIVE": "N"}))
    return plans


def _refuse_double_matches(people: list[Employee], found: Mapping[str, Mapping[str, Any]]) -> None:
    """Refuse (before any write) two source rows that match one portal user."""
    rows: dict[int, list[Employee]] = {}
    for person in people:
        if person.email in found:
            rows.setdefault(int(found[person.email]["ID"]), []).append(person)
    problems = []
    for user_id, persons in rows.items():
        if len(persons) < 2:
            continue
        user = found[persons[0].email]
        how = [
            f"row {p.row} ({p.email}, "
            + ("by e-mail" if _text(user.get("EMAIL")).lower() == p.email else "by personnel number")
            + ")"
            for p in persons
        ]
        text = (
            f"portal user {user_id} ({_text(user.get('EMAIL'))}, personnel number "
            f"{_text(user.get('XML_ID')) or 'none'}) is matched by {' and '.join(how)}; change the e-mail "
            "or the personnel number of that user on the portal first, or fix the rows"
        )
        problems += [Problem("employees", p.row, text) for p in persons]
    if problems:
        raise OrgStructureError(problems)


def make_plan(
    structure: Structure, portal: PortalSnapshot, *, ids: Mapping[str, int], deactivate_missing: bool
) -> Plan:
    """Match the source to the portal and decide each action (refuses a head unknown to the portal)."""
    by_email = {_text(u.get("EMAIL")).lower(): int(u["ID"]) for u in portal.users if u.get("EMAIL")}
    by_xml = {_text(u.get("XML_ID")): u for u in portal.users if _text(u.get("XML_ID"))}
    users = {int(u["ID"]): u for u in portal.users}
    people = structure.employees or []
    found: dict[str, Mapping[str, Any]] = {}
    for person in people:
        user_id = by_email.get(person.email)
        if user_id is not None:
            found[person.email] = users[user_id]
        elif person.personnel_number and person.personnel_number in by_xml:
            found[person.email] = by_xml[person.personnel_number]
    _refuse_double_matches(people, found)
    heads = {email: int(user["ID"]) for email, user in found.items()}
    if structure.employees is None:  # a structure alone: heads are users of the portal
        missing = [d for d in structure.departments if d.head is not None and d.head not in by_email]
        if missing:
            raise OrgStructureError(
                Problem("departments", d.row, f"head {d.head!r} is not a user of the portal") for d in missing
            )
        heads = {d.head: by_email[d.head] for d in structure.departments if d.head is not None}
    matched = _match_departments(structure, portal, ids, heads)
    departments = _department_plans(structure, portal, matched, heads)
    dept_ids = {code: dep.id for code, dep in matched.items()}
    names = {d.code: d.name for d in structure.departments}
    warnings = list(structure.warnings)
    employees = [
        _employee_plan(p, found.get(p.email), dept_ids.get(p.department), names)
        if p.enabled
        else _disabled_plan(p, found.get(p.email), portal.me, deactivate_missing, warnings)
        for p in people
    ]
    if structure.employees is not None:
        seen = {int(user["ID"]) for user in found.values()}
        employees += _leavers(portal, seen, set(dept_ids.values()), deactivate_missing, warnings)
    free = set(portal.departments) - set(dept_ids.values()) - {portal.top}
    warnings += [
        Problem("portal", None, f"department {d} ({portal.departments[d].name!r}) is not in the source: kept")
        for d in sorted(free)
    ]
    return Plan(departments, employees, portal.top, dept_ids, {**by_email, **heads}, warnings)
