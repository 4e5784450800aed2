"""Requisite presets (templates): ``crm.requisite.preset.*`` and ``crm.requisite.preset.field.list``.

A fresh portal gets the Russian default presets lazily, on the first call that needs them (reference 6.1):
1 "Организация", 2 "ИП", 3 "Физ. лицо", 4 "Организация (доп.)", plus a US and a German company preset so
that tests can check that foreign requisites pass through untouched. Rows live in table
``"requisite_preset"``; each keeps its field list under ``FIELDS`` (never rendered).
"""

from __future__ import annotations

from typing import Any

from ..registry import Ctx, ListResult, method
from ..state import PortalState
from ._rq_shared import field_spec, legacy_error, list_rows, pick, positive_int, render_row

TABLE = "requisite_preset"
_SEEDED = "requisite_presets_seeded"

PRESET_KEYS = (
    "ID",
    "ENTITY_TYPE_ID",
    "COUNTRY_ID",
    "DATE_CREATE",
    "DATE_MODIFY",
    "CREATED_BY_ID",
    "MODIFY_BY_ID",
    "NAME",
    "XML_ID",
    "ACTIVE",
    "SORT",
)

#: crm.requisite.preset.countries (reference 6.1)
COUNTRIES: tuple[tuple[int, str, str], ...] = (
    (1, "RU", "Russia"),
    (4, "BY", "Belarus"),
    (6, "KZ", "Kazakhstan"),
    (14, "UA", "Ukraine"),
    (34, "BR", "Brazil"),
    (46, "DE", "Germany"),
    (77, "CO", "Colombia"),
    (110, "PL", "Poland"),
    (122, "US", "USA"),
    (132, "FR", "France"),
)

_RU_COMPANY = (
    ("RQ_INN", "Y"),
    ("RQ_COMPANY_NAME", "Y"),
    ("RQ_COMPANY_FULL_NAME", "N"),
    ("RQ_OGRN", "N"),
    ("RQ_KPP", "Y"),
    ("RQ_COMPANY_REG_DATE", "N"),
    ("RQ_OKPO", "N"),
    ("RQ_OKTMO", "N"),
    ("RQ_DIRECTOR", "N"),
    ("RQ_ACCOUNTANT", "N"),
    ("RQ_ADDR", "N"),
)
_RU_INDIVIDUAL = (
    ("RQ_LAST_NAME", "Y"),
    ("RQ_FIRST_NAME", "Y"),
    ("RQ_SECOND_NAME", "Y"),
    ("RQ_INN", "Y"),
    ("RQ_OGRNIP", "N"),
    ("RQ_OKPO", "N"),
    ("RQ_OKVED", "N"),
    ("RQ_ADDR", "N"),
)
_RU_PERSON = (
    ("RQ_LAST_NAME", "Y"),
    ("RQ_FIRST_NAME", "Y"),
    ("RQ_SECOND_NAME", "Y"),
    ("RQ_IDENT_DOC", "N"),
    ("RQ_IDENT_DOC_SER", "N"),
    ("RQ_IDENT_DOC_NUM", "N"),
    ("RQ_IDENT_DOC_DATE", "N"),
    ("RQ_IDENT_DOC_ISSUED_BY", "N"),
    ("RQ_IDENT_DOC_DEP_CODE", "N"),
    ("RQ_INN", "N"),
    ("RQ_ADDR", "N"),
)
_US_COMPANY = (("RQ_COMPANY_NAME", "Y"), ("RQ_VAT_ID", "Y"), ("RQ_ADDR", "N"))
_DE_COMPANY = (
    ("RQ_COMPANY_NAME", "Y"),
    ("RQ_VAT_ID", "Y"),
    ("RQ_USRLE", "N"),
    ("RQ_CEO_NAME", "N"),
    ("RQ_ADDR", "N"),
)

# The reserved XML_ID suffixes of the default presets are (unconfirmed): the docs only say that values of
# the form "#CRM_REQUISITE_PRESET_DEF_..." are reserved.
_DEFAULTS: tuple[tuple[str, int, str, int, tuple[tuple[str, str], ...]], ...] = (
    ("Организация", 1, "#CRM_REQUISITE_PRESET_DEF_RU_COMPANY#", 500, _RU_COMPANY),
    ("ИП", 1, "#CRM_REQUISITE_PRESET_DEF_RU_INDIVIDUAL#", 500, _RU_INDIVIDUAL),
    ("Физ. лицо", 1, "#CRM_REQUISITE_PRESET_DEF_RU_PERSON#", 500, _RU_PERSON),
    ("Организация (доп.)", 1, "", 510, _RU_COMPANY),
    ("Company", 122, "#CRM_REQUISITE_PRESET_DEF_US_COMPANY#", 520, _US_COMPANY),
    ("Organisation", 46, "#CRM_REQUISITE_PRESET_DEF_DE_COMPANY#", 530, _DE_COMPANY),
)


def ensure_presets(state: PortalState) -> dict[int, dict[str, Any]]:
    """The preset table, seeded with the default presets on first use."""
    table = state.table(TABLE)
    if not state.meta.get(_SEEDED):
        state.meta[_SEEDED] = True
        now = state.now_iso()
        for name, country, xml_id, sort, fields in _DEFAULTS:
            field_rows = [
                {"ID": n, "FIELD_NAME": code, "FIELD_TITLE": "", "IN_SHORT_LIST": short, "SORT": 500 + 10 * n}
                for n, (code, short) in enumerate(fields, start=1)
            ]
            state.insert(
                TABLE,
                {
                    "ENTITY_TYPE_ID": 8,
                    "COUNTRY_ID": country,
                    "DATE_CREATE": now,
                    "DATE_MODIFY": "",
                    "CREATED_BY_ID": 1,
                    "MODIFY_BY_ID": None,
                    "NAME": name,
                    "XML_ID": xml_id,
                    "ACTIVE": "Y",
                    "SORT": sort,
                    "FIELDS": field_rows,
                },
            )
    return table


def preset(state: PortalState, preset_id: Any) -> dict[str, Any] | None:
    """One preset row by id (any id form), or ``None``."""
    number = positive_int(preset_id)
    return ensure_presets(state).get(number) if number is not None else None


def _render(row: dict[str, Any], select: list[str]) -> dict[str, Any]:
    return pick(render_row(row, PRESET_KEYS), select)


def _preset_or_error(ctx: Ctx, raw_id: Any) -> dict[str, Any]:
    row = preset(ctx.state, raw_id)
    if row is None:
        raise legacy_error(f"The Preset with ID '{raw_id}' is not found")
    return row


@method("crm.requisite.preset.list")
def preset_list(ctx: Ctx) -> ListResult:
    """``crm.requisite.preset.list {select?, filter?, order?, start?}``."""
    return list_rows(ctx, ensure_presets(ctx.state).values(), _render)


@method("crm.requisite.preset.get")
def preset_get(ctx: Ctx) -> dict[str, Any]:
    """``crm.requisite.preset.get {id}``: all preset fields as strings."""
    return _render(_preset_or_error(ctx, ctx.param("id")), [])


@method("crm.requisite.preset.countries")
def preset_countries(ctx: Ctx) -> list[dict[str, Any]]:
    """``crm.requisite.preset.countries``: countries with preset field sets (ids are ints)."""
    return [{"ID": number, "CODE": code, "TITLE": title} for number, code, title in COUNTRIES]


@method("crm.requisite.preset.fields")
def preset_fields(ctx: Ctx) -> dict[str, Any]:
    """``crm.requisite.preset.fields``: description of preset fields."""
    return {
        "ID": field_spec("integer", read_only=True, title="ID"),
        "ENTITY_TYPE_ID": field_spec("integer", required=True, immutable=True, title="Entity type"),
        "COUNTRY_ID": field_spec("integer", required=True, immutable=True, title="Country"),
        "DATE_CREATE": field_spec("datetime", read_only=True, title="Created"),
        "DATE_MODIFY": field_spec("datetime", read_only=True, title="Modified"),
        "CREATED_BY_ID": field_spec("user", read_only=True, title="Created by"),
        "MODIFY_BY_ID": field_spec("user", read_only=True, title="Modified by"),
        "NAME": field_spec(required=True, title="Name"),
        "XML_ID": field_spec(title="External ID"),
        "ACTIVE": field_spec("char", title="Active"),
        "SORT": field_spec("integer", title="Sort"),
    }


@method("crm.requisite.preset.field.list")
def preset_field_list(ctx: Ctx) -> ListResult:
    """``crm.requisite.preset.field.list {preset: {ID}}`` (object parameter): the preset's fields, ints."""
    spec = ctx.param("preset")
    raw_id = spec.get("ID", spec.get("id")) if isinstance(spec, dict) else None
    row = _preset_or_error(ctx, raw_id)
    fields = [dict(item) for item in sorted(row["FIELDS"], key=lambda item: (item["SORT"], item["ID"]))]
    return ListResult(fields, total=len(fields))
