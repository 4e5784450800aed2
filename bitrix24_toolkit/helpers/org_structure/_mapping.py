"""Column mappings: which source column holds which field of a department or an employee.

Two tables, two sets of fields. Departments: ``code``, ``name``, ``parent`` (the parent's code), ``head``
(the head's e-mail, personnel number or, when unique in the file, full name) and ``sort``. Employees:
``email``, ``last_name``, ``first_name``, ``second_name``, ``full_name`` (one "Фамилия Имя Отчество"
cell, split when the name parts have no columns of their own), ``position``, ``department`` (a
department's code or, when unique, its name), ``phone``, ``personnel_number``, ``upn`` (a login such as
Active Directory's ``UserPrincipalName``: the address used, with a warning, only when the e-mail cell is
empty) and ``enabled`` (``False``/``0``/``no``/``N``/``нет``: a leaver, never invited).

Presets: ``"zup"`` (1C:ZUP's Russian headers), ``"ad"`` (Active Directory attributes, employees only: an AD
export has no department table; its ``department`` attribute names the department; both the LDAP names
(``mail``, ``sn``) and those of PowerShell's ``Get-ADUser | Export-Csv`` (``EmailAddress``, ``Surname``,
``OfficePhone``, ``Enabled``) are known). With no mapping every preset's names are tried (headers are
compared without case, spaces, dots and underscores). When a table has several columns for one field, the
one listed first in the preset wins (``EmailAddress`` before ``mail``; ``OfficePhone`` before
``MobilePhone``), and a row whose cell there is empty takes the next one. A custom mapping is a dict
``{source column: field}``; its columns win, and for a column it does not name the presets still apply.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Final, Literal

from ...errors import InvalidInputError

__all__ = [
    "DEPARTMENT_FIELDS",
    "EMPLOYEE_FIELDS",
    "PRESETS",
    "Table",
    "normalize_header",
    "resolve_columns",
]

Table = Literal["departments", "employees"]

DEPARTMENT_FIELDS: Final = ("code", "name", "parent", "head", "sort")
EMPLOYEE_FIELDS: Final = (
    "email",
    "last_name",
    "first_name",
    "second_name",
    "full_name",
    "position",
    "department",
    "phone",
    "personnel_number",
    "upn",
    "enabled",
)
_REQUIRED: Final[dict[Table, tuple[tuple[str, ...], ...]]] = {
    "departments": (("code",), ("name",)),
    "employees": (("email", "upn"), ("department",), ("last_name", "first_name", "full_name")),
}

#: preset -> table -> field -> the column names that mean it
PRESETS: Final[dict[str, dict[Table, dict[str, tuple[str, ...]]]]] = {
    "default": {
        "departments": {
            "code": ("code", "department_code", "id", "xml_id"),
            "name": ("name", "department", "title"),
            "parent": ("parent", "parent_code", "parent_id"),
            "head": ("head", "head_email", "manager", "uf_head"),
            "sort": ("sort",),
        },
        "employees": {
            "email": ("email", "e-mail", "mail"),
            "last_name": ("last_name", "surname"),
            "first_name": ("first_name", "name"),
            "second_name": ("second_name", "middle_name"),
            "full_name": ("full_name",),
            "position": ("position", "work_position", "job_title"),
            "department": ("department", "department_code"),
            "phone": ("phone", "work_phone"),
            "personnel_number": ("personnel_number", "employee_id", "xml_id"),
            "enabled": ("enabled", "active"),
        },
    },
    "zup": {
        "departments": {
            "code": ("Код", "Код подразделения"),
            "name": ("Подразделение", "Наименование", "Название"),
            "parent": ("Родитель", "Код родителя", "Вышестоящее подразделение"),
            "head": ("Руководитель", "Email руководителя", "Руководитель (email)"),
            "sort": ("Порядок", "Сортировка"),
        },
        "employees": {
            "email": ("Email", "E-mail", "Электронная почта", "Адрес электронной почты"),
            "last_name": ("Фамилия",),
            "first_name": ("Имя",),
            "second_name": ("Отчество",),
            "full_name": ("ФИО", "Сотрудник", "Физическое лицо"),
            "position": ("Должность",),
            "department": ("Подразделение", "Код подразделения"),
            "phone": ("Телефон", "Рабочий телефон", "Мобильный телефон"),
            "personnel_number": ("Табельный номер", "Таб. номер", "Табельный №"),
        },
    },
    "ad": {
        "departments": {},
        "employees": {
            "email": ("EmailAddress", "mail"),
            "upn": ("UserPrincipalName",),
            "first_name": ("GivenName",),
            "last_name": ("Surname", "sn"),
            "second_name": ("middleName", "initials"),
            "full_name": ("displayName", "cn"),
            "position": ("Title",),
            "department": ("Department", "departmentNumber"),
            "phone": ("OfficePhone", "telephoneNumber", "MobilePhone", "mobile"),
            "personnel_number": ("EmployeeID", "employeeNumber"),
            "enabled": ("Enabled",),
        },
    },
}


def normalize_header(name: str) -> str:
    """A header as compared: lower case, no spaces, dots, dashes, underscores (``E-mail`` = ``email``)."""
    return re.sub(r"[\s._\-]+", "", name.strip().lower().replace("ё", "е"))


def _known(preset: str | None, table: Table) -> dict[str, tuple[str, int]]:
    """normalized column name -> (field, rank in the preset), for one preset or (``None``) every preset,
    the first one naming a column winning."""
    names = [preset] if preset is not None else ["default", "zup", "ad"]
    out: dict[str, tuple[str, int]] = {}
    for name in names:
        for field, columns in PRESETS[name][table].items():
            for rank, column in enumerate(columns):
                out.setdefault(normalize_header(column), (field, rank))
    return out


def _custom(mapping: Mapping[str, str], table: Table) -> dict[str, tuple[str, int]]:
    fields = DEPARTMENT_FIELDS if table == "departments" else EMPLOYEE_FIELDS
    every = set(DEPARTMENT_FIELDS) | set(EMPLOYEE_FIELDS)
    out: dict[str, tuple[str, int]] = {}
    for column, field in mapping.items():
        if not isinstance(column, str) or not isinstance(field, str) or field not in every:
            raise InvalidInputError(
                f"mapping: {column!r} -> {field!r} is not a column -> field pair; the fields are "
                f"{', '.join(DEPARTMENT_FIELDS)} (departments) and {', '.join(EMPLOYEE_FIELDS)} (employees)",
                field="mapping",
            )
        if field in fields:
            out[normalize_header(column)] = (field, -1)  # a named column wins over the presets
    return out


def resolve_columns(
    columns: Sequence[str], table: Table, mapping: str | Mapping[str, str] | None
) -> dict[str, list[int]]:
    """field -> the column indexes that hold it, the preferred first; refuses a header without the
    required fields."""
    if isinstance(mapping, str) and mapping not in ("zup", "ad"):
        raise InvalidInputError(f"mapping must be 'zup', 'ad' or a dict, not {mapping!r}", field="mapping")
    known = _known(mapping if isinstance(mapping, str) else None, table)
    if isinstance(mapping, Mapping):
        known = {**known, **_custom(mapping, table)}
    ranked: dict[str, list[tuple[int, int]]] = {}
    for index, column in enumerate(columns):
        hit = known.get(normalize_header(column))
        if hit is not None:
            ranked.setdefault(hit[0], []).append((hit[1], index))
    found = {field: [index for _, index in sorted(hits)] for field, hits in ranked.items()}
    missing = [" or ".join(group) for group in _REQUIRED[table] if not any(f in found for f in group)]
    if missing:
        seen = ", ".join(repr(c) for c in columns) or "none"
        raise InvalidInputError(
            f"the {table} table has no column for {'; '.join(missing)} (its columns: {seen}); "
            "pass mapping='zup', mapping='ad' or a dict {column: field}",
            field="mapping",
        )
    return found
