"""The source checked as a whole before any request: the department tree and the employees in it.

Refused (:class:`OrgStructureError`, every problem with its table and row): an empty or repeated department
code, an unknown parent (an orphan), a cycle of parents, a head who is not an employee of the file, an
invalid or repeated e-mail, a repeated personnel number, an employee's unknown department, an ``enabled``
cell that is no yes/no. A parent that is no code but the name of exactly one department is that department
(1C:ZUP's list exports show the parent by name); a name shared by several stays a refusal naming them. A
department without a head is a warning: it is created without one (and a head set on the portal is kept).
A disabled employee (``enabled`` false: a leaver in Active Directory) is never invited nor a head; its
department may be unknown.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from ...errors import InvalidInputError
from ._sources import Record, Tables

__all__ = ["Department", "Employee", "OrgStructureError", "Problem", "Structure", "build_structure"]

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True)
class Problem:
    """One refusal: where it is and why."""

    table: str
    row: int | None
    text: str

    def __str__(self) -> str:
        where = f"{self.table} row {self.row}" if self.row is not None else self.table
        return f"{where}: {self.text}"


class OrgStructureError(InvalidInputError):
    """The source cannot be synced as it is; ``problems`` lists each one with its row (nothing was sent)."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        shown = "\n".join(f"  {p}" for p in self.problems[:30])
        more = f"\n  ... and {len(self.problems) - 30} more" if len(self.problems) > 30 else ""
        count = f"{len(self.problems)} problem" + ("" if len(self.problems) == 1 else "s")
        super().__init__(
            f"the org structure was refused, nothing written ({count}):\n{shown}{more}",
            field="source",
        )


@dataclass
class Department:
    """A source department: its code, name, parent's code (``None``: under the portal's top department)."""

    code: str
    name: str
    parent: str | None
    head: str | None = None  # the head's e-mail (lower case)
    sort: int | None = None
    row: int | None = None
    #: set by :func:`build_structure`: 0 for a department right under the portal's top department
    level: int = 0


@dataclass(frozen=True)
class Employee:
    """A source employee: e-mail (lower case) as the key, the fields to write, the department's code."""

    email: str
    department: str
    first_name: str = ""
    last_name: str = ""
    second_name: str = ""
    position: str = ""
    phone: str = ""
    personnel_number: str = ""
    row: int | None = None
    #: ``False``: a leaver in the source (never invited; deactivated only with ``deactivate_missing``)
    enabled: bool = True

    @property
    def full_name(self) -> str:
        """``Last First Second``, as ZUP writes it."""
        return " ".join(p for p in (self.last_name, self.first_name, self.second_name) if p)


@dataclass
class Structure:
    """The checked source: departments parents first, employees, and the warnings."""

    departments: list[Department]
    employees: list[Employee] | None
    warnings: list[Problem] = field(default_factory=list)
    derived: bool = False  # departments made from the employees' department values


def _key(text: str) -> str:
    return " ".join(text.casefold().replace("ё", "е").split())


_NO: Final = frozenset({"false", "0", "no", "n", "нет", "disabled", "off"})
_YES: Final = frozenset({"true", "1", "yes", "y", "да", "enabled", "on", ""})


def _employee(record: Record, problems: list[Problem], by_upn: list[int | None]) -> Employee | None:
    email = record.get("email").strip().lower()
    if not email and record.get("upn"):
        email = record.get("upn").strip().lower()
        by_upn.append(record.row)
    flag = record.get("enabled").strip().casefold()
    if flag not in _NO | _YES:
        problems.append(Problem("employees", record.row, f"enabled {record.get('enabled')!r} is not yes/no"))
        return None
    if not _EMAIL.fullmatch(email):
        text = f"e-mail {email!r} is not valid" if email else "no e-mail (the key of an employee)"
        problems.append(Problem("employees", record.row, text))
        return None
    first, last, second = record.get("first_name"), record.get("last_name"), record.get("second_name")
    if not (first or last) and record.get("full_name"):
        parts = record.get("full_name").split()
        padded = [*parts, "", ""]
        last, first, second = padded[0], padded[1], " ".join(parts[2:])
    return Employee(
        email=email,
        department=record.get("department"),
        first_name=first,
        last_name=last,
        second_name=second,
        position=record.get("position"),
        phone=record.get("phone"),
        personnel_number=record.get("personnel_number"),
        row=record.row,
        enabled=flag not in _NO,
    )


def _employees(records: list[Record], problems: list[Problem], warnings: list[Problem]) -> list[Employee]:
    out: list[Employee] = []
    seen: dict[str, int | None] = {}
    numbers: dict[str, int | None] = {}
    by_upn: list[int | None] = []
    for record in records:
        person = _employee(record, problems, by_upn)
        if person is None:
            continue
        if person.email in seen:
            problems.append(
                Problem("employees", person.row, f"e-mail {person.email} repeats row {seen[person.email]}")
            )
            continue
        seen[person.email] = person.row
        if person.personnel_number:
            if person.personnel_number in numbers:
                where = numbers[person.personnel_number]
                problems.append(
                    Problem(
                        "employees",
                        person.row,
                        f"personnel number {person.personnel_number} repeats row {where}",
                    )
                )
                continue
            numbers[person.personnel_number] = person.row
        out.append(person)
    if by_upn:
        rows = ", ".join(str(r) for r in by_upn[:10]) + (", ..." if len(by_upn) > 10 else "")
        text = (
            f"{len(by_upn)} employee(s) have no e-mail address: their login (UserPrincipalName) is used "
            f"as the address, and it may be no mailbox: rows {rows}"
        )
        warnings.append(Problem("employees", by_upn[0], text))
    return out


def _departments(records: list[Record], problems: list[Problem]) -> dict[str, tuple[Department, str]]:
    """code -> (department, the head as written)."""
    out: dict[str, tuple[Department, str]] = {}
    for record in records:
        code, name = record.get("code"), record.get("name")
        if not code or not name:
            problems.append(Problem("departments", record.row, "no code" if not code else "no name"))
            continue
        if code in out:
            problems.append(
                Problem("departments", record.row, f"code {code!r} repeats row {out[code][0].row}")
            )
            continue
        sort: int | None = None
        if record.get("sort"):
            try:
                sort = int(record.get("sort"))
            except ValueError:
                problems.append(
                    Problem("departments", record.row, f"sort {record.get('sort')!r} is not a number")
                )
        parent = record.get("parent") or None
        out[code] = (Department(code, name, parent, sort=sort, row=record.row), record.get("head"))
    return out


def _order(departments: dict[str, Department], problems: list[Problem]) -> list[Department]:
    """Parents first; orphans and cycles become problems."""
    for dep in departments.values():
        if dep.parent is not None and dep.parent not in departments:
            problems.append(
                Problem("departments", dep.row, f"parent {dep.parent!r} is not a department code")
            )
    levels: dict[str, int] = {}
    cycles: set[frozenset[str]] = set()
    for dep in departments.values():
        chain: list[str] = []
        current: Department | None = dep
        while current is not None and current.code not in levels:
            if current.code in chain:
                loop = chain[chain.index(current.code) :]
                if frozenset(loop) not in cycles:  # each cycle once, from the row that reached it first
                    cycles.add(frozenset(loop))
                    rows = ", ".join(str(departments[c].row) for c in loop)
                    text = f"the parents make a cycle: {' -> '.join([*loop, current.code])} (rows {rows})"
                    problems.append(Problem("departments", departments[loop[0]].row, text))
                for code in chain:
                    levels.setdefault(code, -1)  # known bad: not walked again
                break
            chain.append(current.code)
            parent = current.parent
            current = departments.get(parent) if parent is not None else None
            if parent is not None and current is None:
                break  # an orphan, reported above
        else:
            base = levels[current.code] + 1 if current is not None else 0
            for offset, code in enumerate(reversed(chain)):
                levels[code] = base + offset
    ordered = sorted(
        (d for d in departments.values() if levels.get(d.code, -1) >= 0), key=lambda d: levels[d.code]
    )
    for dep in ordered:
        dep.level = levels[dep.code]
    return ordered


class _Heads:
    """The employees indexed by e-mail, personnel number and full name, to find a department's head."""

    def __init__(self, people: list[Employee]) -> None:
        self.by_email = {p.email: p for p in people}
        self.by_number = {p.personnel_number: p for p in people if p.personnel_number}
        self.by_name: dict[str, list[Employee]] = {}
        for person in people:
            self.by_name.setdefault(_key(person.full_name), []).append(person)

    def find(self, spec: str) -> tuple[Employee | None, str | None]:
        """The head by e-mail, personnel number or unique full name; else ``None`` and why."""
        person = self.by_email.get(spec.strip().lower()) or self.by_number.get(spec.strip())
        if person is not None:
            return person, None
        named = self.by_name.get(_key(spec), [])
        if len(named) == 1:
            return named[0], None
        if len(named) > 1:
            return None, f"head {spec!r}: {len(named)} employees have this name (give the e-mail)"
        return None, f"head {spec!r} is not an employee of the employees table"


def _parents_by_name(
    departments: dict[str, Department], by_name: dict[str, list[str]], problems: list[Problem]
) -> None:
    """An unknown parent that names exactly one department becomes its code; several: a problem."""
    for dep in departments.values():
        if dep.parent is None or dep.parent in departments:
            continue
        codes = by_name.get(_key(dep.parent), [])
        if len(codes) == 1:
            dep.parent = codes[0]
        elif len(codes) > 1:
            rows = ", ".join(str(departments[c].row) for c in codes)
            text = (
                f"parent {dep.parent!r} is no code, and {len(codes)} departments have this name (rows {rows})"
            )
            problems.append(Problem("departments", dep.row, text))
            dep.parent = None  # reported: not reported again as an orphan


def build_structure(tables: Tables) -> Structure:
    """Check the tables and resolve the references between them (raises :class:`OrgStructureError`)."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    people = _employees(tables.employees, problems, warnings) if tables.employees is not None else None
    derived = tables.departments is None
    if tables.departments is None:
        values = dict.fromkeys(p.department for p in people or [] if p.department and p.enabled)
        raw = {v: (Department(v, v, None), "") for v in values}
    else:
        raw = _departments(tables.departments, problems)
    departments = {code: dep for code, (dep, _) in raw.items()}
    heads = _Heads(people) if people is not None else None
    for code, (dep, head) in raw.items():
        if not head:
            warnings.append(Problem("departments", dep.row, f"department {code!r} has no head"))
        elif heads is None:
            dep.head = head.strip().lower()  # a portal user's e-mail, checked against the portal
        else:
            person, why = heads.find(head)
            if why is not None:
                problems.append(Problem("departments", dep.row, why))
            elif person is not None and not person.enabled:
                text = f"head {head!r} is disabled in the source (row {person.row}): no head set"
                warnings.append(Problem("departments", dep.row, text))
            elif person is not None:
                dep.head = person.email
    by_name: dict[str, list[str]] = {}
    for code, dep in departments.items():
        by_name.setdefault(_key(dep.name), []).append(code)
    _parents_by_name(departments, by_name, problems)
    resolved: list[Employee] = []
    for person in people or []:
        code = person.department
        if code not in departments:
            names = by_name.get(_key(code), []) if code else []
            if len(names) != 1 and not person.enabled:
                resolved.append(person)  # a leaver: its department is not needed
                continue
            if len(names) != 1:
                why = (
                    "no department"
                    if not code
                    else (f"department {code!r} is neither a code nor a unique name of the departments table")
                )
                problems.append(Problem("employees", person.row, why))
                continue
            code = names[0]
        resolved.append(dataclasses.replace(person, department=code))
    ordered = _order(departments, problems)
    if problems:
        raise OrgStructureError(problems)
    return Structure(ordered, resolved if people is not None else None, warnings, derived)
