"""From source rows to lead fields: column mapping, phone/e-mail normalisation and row validation.

Everything here is pure: the lead field descriptions (``crm.lead.fields``) and the directories of
``crm_status`` fields are read by the flow in :mod:`._import` and handed in.

A mapping maps a source column to a lead field: ``{"Имя": "NAME", "Телефон": "PHONE",
"Мобильный": "PHONE:MOBILE", "Почта": "EMAIL"}``. Multifields (``PHONE``, ``EMAIL``, ``WEB``, ``IM``)
take an optional ``:VALUE_TYPE`` (default ``WORK``), several columns may feed one, and a cell may hold
several values separated by ``,`` or ``;``. Without a mapping, columns named like a lead field (``TITLE``,
``phone``) or with a usual Russian/English header (``Имя``, ``Телефон``, ``E-mail`` ...) are taken.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ...errors import InvalidInputError
from ...models.meta import FieldInfo
from ._source import SourceRow, SourceTable
from ._values import convert, normalize_email, normalize_phone, phone_variants

__all__ = [
    "ColumnTarget",
    "PreparedLead",
    "checked_defaults",
    "directories_needed",
    "fallback_title",
    "normalize_email",
    "normalize_phone",
    "phone_variants",
    "prepare",
    "resolve_mapping",
]

MULTIFIELDS = ("PHONE", "EMAIL", "WEB", "IM", "LINK")
_ALIASES = {
    "имя": "NAME",
    "фамилия": "LAST_NAME",
    "отчество": "SECOND_NAME",
    "название": "TITLE",
    "название лида": "TITLE",
    "заголовок": "TITLE",
    "телефон": "PHONE",
    "рабочий телефон": "PHONE",
    "мобильный телефон": "PHONE:MOBILE",
    "мобильный": "PHONE:MOBILE",
    "e-mail": "EMAIL",
    "email": "EMAIL",
    "почта": "EMAIL",
    "электронная почта": "EMAIL",
    "компания": "COMPANY_TITLE",
    "название компании": "COMPANY_TITLE",
    "должность": "POST",
    "комментарий": "COMMENTS",
    "комментарии": "COMMENTS",
    "источник": "SOURCE_ID",
    "статус": "STATUS_ID",
    "сумма": "OPPORTUNITY",
    "бюджет": "OPPORTUNITY",
    "валюта": "CURRENCY_ID",
    "сайт": "WEB",
    "адрес": "ADDRESS",
    "дата рождения": "BIRTHDATE",
    "first name": "NAME",
    "last name": "LAST_NAME",
    "phone": "PHONE",
    "mobile": "PHONE:MOBILE",
    "company": "COMPANY_TITLE",
    "comment": "COMMENTS",
    "source": "SOURCE_ID",
    "amount": "OPPORTUNITY",
}
_SPLIT = re.compile(r"[,;\n]+")
_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_YES = {"y", "yes", "да", "1", "true", "д"}
_NO = {"n", "no", "нет", "0", "false", "н"}


@dataclass(frozen=True)
class ColumnTarget:
    """Where one source column goes: a lead field and, for multifields, the ``VALUE_TYPE``."""

    column: int
    name: str
    field: str
    value_type: str | None = None


@dataclass
class PreparedLead:
    """One source row turned into lead fields, or the reasons it cannot be sent."""

    number: int
    source: dict[str, str]
    fields: dict[str, Any] = field(default_factory=dict)
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """The row can be sent."""
        return not self.errors


def _target_of(spec: str, known: Mapping[str, FieldInfo], column: str) -> tuple[str, str | None]:
    name, _, value_type = str(spec).strip().partition(":")
    name = name.strip().upper()
    info = known.get(name)
    if info is None:
        raise InvalidInputError(
            f"mapping: column {column!r} -> {spec!r}: crm.lead has no field {name!r}", field="mapping"
        )
    if info.is_read_only:
        raise InvalidInputError(
            f"mapping: column {column!r} -> {name!r}: the field is read-only", field="mapping"
        )
    if value_type and name not in MULTIFIELDS:
        raise InvalidInputError(
            f"mapping: {spec!r}: only PHONE, EMAIL, WEB, IM and LINK take a ':VALUE_TYPE'", field="mapping"
        )
    if name in MULTIFIELDS:
        return name, (value_type.strip().upper() or "WORK")
    return name, None


def resolve_mapping(
    table: SourceTable, mapping: Mapping[str, str | None] | None, known: Mapping[str, FieldInfo]
) -> tuple[list[ColumnTarget], list[str]]:
    """The targets of the source columns, and the columns left out. Bad targets -> InvalidInputError."""
    targets: list[ColumnTarget] = []
    ignored: list[str] = []
    wanted: dict[str, str | None] = {}
    if mapping is not None:
        wanted = {str(key).strip().casefold(): value for key, value in mapping.items()}
        present = {name.casefold() for name in table.columns}
        missing = [key for key in mapping if str(key).strip().casefold() not in present]
        if missing:
            raise InvalidInputError(
                f"mapping names columns the source does not have: {missing}; columns: {list(table.columns)}",
                field="mapping",
            )
    for index, column in enumerate(table.columns):
        key = column.casefold()
        if mapping is not None:
            spec = wanted.get(key)
        elif column.upper() in known and not known[column.upper()].is_read_only:
            spec = column.upper()
        else:
            spec = _ALIASES.get(key.replace("ё", "е"))
        if not spec:
            ignored.append(column)
            continue
        name, value_type = _target_of(spec, known, column)
        targets.append(ColumnTarget(index, column, name, value_type))
    if not targets:
        raise InvalidInputError(
            f"no column maps to a lead field; columns: {list(table.columns)} (pass mapping=...)",
            field="mapping",
        )
    return targets, ignored


# ----------------------------------------------------------------------------------- cell values


def _multivalue(field_name: str, text: str, region: str) -> str:
    if field_name == "PHONE":
        return normalize_phone(text, region)
    if field_name == "EMAIL":
        return normalize_email(text)
    return text


def fallback_title(fields: Mapping[str, Any]) -> str | None:
    """A title for a lead without one: the person's name, else the company, else the phone or e-mail."""
    person = " ".join(str(fields[key]) for key in ("NAME", "LAST_NAME") if fields.get(key))
    if person:
        return person
    for key in ("COMPANY_TITLE",):
        if fields.get(key):
            return str(fields[key])
    for key in ("PHONE", "EMAIL"):
        values = fields.get(key) or []
        if values:
            return str(values[0]["VALUE"])
    return None


def prepare_row(
    row: SourceRow,
    columns: Sequence[str],
    targets: Sequence[ColumnTarget],
    known: Mapping[str, FieldInfo],
    directories: Mapping[str, Mapping[str, str]],
    defaults: Mapping[str, Any],
    region: str,
) -> PreparedLead:
    """One row's own lead fields (``defaults`` only count for the checks), with every problem named."""
    lead = PreparedLead(row.number, dict(zip(columns, row.cells, strict=True)))
    if row.problem:
        lead.errors.append(row.problem)
    fields = lead.fields
    for target in targets:
        text = row.cells[target.column].strip()
        if not text:
            continue
        if target.value_type is not None:
            entries = fields.setdefault(target.field, [])
            for part in (p.strip() for p in _SPLIT.split(text)):
                if not part:
                    continue
                try:
                    value = _multivalue(target.field, part, region)
                except ValueError as exc:
                    lead.errors.append(f"{target.name} ({target.field}): {exc}")
                    continue
                if all(entry["VALUE"].casefold() != value.casefold() for entry in entries):
                    entries.append({"VALUE": value, "VALUE_TYPE": target.value_type})
            continue
        try:
            value = convert(text, target.field, known[target.field], directories)
        except ValueError as exc:
            lead.errors.append(f"{target.name} ({target.field}): {exc}")
            continue
        if target.field in fields and fields[target.field] != value:
            fields[target.field] = f"{fields[target.field]} {value}"  # two columns -> one text field
        else:
            fields[target.field] = value
    for key in [key for key in fields if key in MULTIFIELDS and not fields[key]]:
        del fields[key]
    merged = {**defaults, **fields}
    if not lead.errors and not any(
        merged.get(key) for key in ("TITLE", "NAME", "LAST_NAME", "COMPANY_TITLE", "PHONE", "EMAIL")
    ):
        lead.errors.append("nothing to import: no title, name, company, phone or e-mail")
    for key, info in known.items():
        if info.is_required and not info.is_read_only and key not in ("ID", "TITLE") and not merged.get(key):
            lead.errors.append(f"{key} is required")
    lead.phones = [entry["VALUE"] for entry in fields.get("PHONE", [])]
    lead.emails = [entry["VALUE"].casefold() for entry in fields.get("EMAIL", [])]
    return lead


def checked_defaults(
    defaults: Mapping[str, Any] | None,
    known: Mapping[str, FieldInfo],
    directories: Mapping[str, Mapping[str, str]],
) -> dict[str, Any]:
    """Defaults for every row under the portal's field names, checked once (InvalidInputError if bad)."""
    out: dict[str, Any] = {}
    for key, value in (defaults or {}).items():
        name, _ = _target_of(str(key), known, f"defaults[{key!r}]")
        if name in MULTIFIELDS:
            raise InvalidInputError(f"defaults: {name} cannot have a default", field="defaults")
        try:
            out[name] = (
                value if not isinstance(value, str) else convert(value, name, known[name], directories)
            )
        except ValueError as exc:
            raise InvalidInputError(f"defaults[{key!r}]: {exc}", field="defaults") from exc
    return out


def prepare(
    table: SourceTable,
    targets: Sequence[ColumnTarget],
    known: Mapping[str, FieldInfo],
    directories: Mapping[str, Mapping[str, str]],
    defaults: Mapping[str, Any],
    region: str = "RU",
) -> list[PreparedLead]:
    """Every source row as a :class:`PreparedLead`."""
    return [
        prepare_row(row, table.columns, targets, known, directories, defaults, region) for row in table.rows
    ]


def directories_needed(
    targets: Sequence[ColumnTarget], defaults: Mapping[str, Any], known: Mapping[str, FieldInfo]
) -> list[str]:
    """The ``crm.status`` directories the mapped ``crm_status`` fields use (``SOURCE``, ``STATUS`` ...)."""
    names = [target.field for target in targets] + [str(key).upper() for key in defaults]
    wanted: dict[str, None] = {}
    for name in names:
        info = known.get(name)
        if info is not None and info.type == "crm_status":
            wanted[info.status_type or name] = None
    return list(wanted)
