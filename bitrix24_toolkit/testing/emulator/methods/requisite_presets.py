"""Requisite presets (templates): ``crm.requisite.preset.*`` (their fields: :mod:`.requisite_preset_fields`).

A fresh portal gets the Russian default presets lazily, on the first call that needs them (reference 6.1):
1 "Организация", 2 "ИП", 3 "Физ. лицо", 4 "Организация (доп.)", plus a US and a German company preset so
that tests can check that foreign requisites pass through untouched. Rows live in table
``"requisite_preset"``; each keeps its field list under ``FIELDS`` (never rendered).
"""

from __future__ import annotations

from typing import Any

from ..registry import Ctx, ListResult, method
from ..state import PortalState
from ._rq_shared import describe, fields_param, legacy_error, list_rows, pick, positive_int, render_row
from ._rq_titles import PRESET_TITLES

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
    (1, "RU", "Russia"),  # the page's example titles it "United States" (a translation slip)
    (4, "BY", "Belarus"),
    (6, "KZ", "Kazakhstan"),
    (14, "UA", "Ukraine"),
    (34, "BR", "Brazil"),
    (46, "DE", "Germany"),
    (77, "CO", "Colombia"),
    (110, "PL", "Poland"),
    (122, "US", "United States"),
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


def preset_or_error(ctx: Ctx, raw_id: Any) -> dict[str, Any]:
    if positive_int(raw_id) is None:  # crm-requisite-preset-field-*.md: "ID is not defined or invalid"
        raise legacy_error("ID is not defined or invalid")
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
    return _render(preset_or_error(ctx, ctx.param("id")), [])


@method("crm.requisite.preset.countries")
def preset_countries(ctx: Ctx) -> list[dict[str, Any]]:
    """``crm.requisite.preset.countries``: countries with preset field sets (ids are ints)."""
    return [{"ID": number, "CODE": code, "TITLE": title} for number, code, title in COUNTRIES]


@method("crm.requisite.preset.fields")
def preset_fields(ctx: Ctx) -> dict[str, Any]:
    """``crm.requisite.preset.fields``: preset fields (presets/crm-requisite-preset-fields.md)."""
    return describe(
        "ID:integer:O ENTITY_TYPE_ID:integer:RI COUNTRY_ID:integer:RI NAME:string:R DATE_CREATE:datetime:O "
        "DATE_MODIFY:datetime:O CREATED_BY_ID:user:O MODIFY_BY_ID:user:O ACTIVE:char SORT:integer "
        "XML_ID:string",
        PRESET_TITLES,
    )


def _writable(fields: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("NAME", "XML_ID", "ACTIVE"):
        if key in fields:
            out[key] = None if fields[key] is None else str(fields[key])
    if "SORT" in fields:
        out["SORT"] = positive_int(fields["SORT"]) or 0
    return out


@method("crm.requisite.preset.add")
def preset_add(ctx: Ctx) -> int:
    """``crm.requisite.preset.add {fields: {ENTITY_TYPE_ID: 8, COUNTRY_ID, NAME, ...}}`` -> id."""
    fields = fields_param(ctx)
    ensure_presets(ctx.state)
    if positive_int(fields.get("ENTITY_TYPE_ID")) != 8:
        raise legacy_error("ENTITY_TYPE_ID is not defined or invalid")
    country = positive_int(fields.get("COUNTRY_ID"))
    if country not in {number for number, _code, _title in COUNTRIES}:
        # undocumented wording, by analogy with ENTITY_TYPE_ID (unconfirmed)
        raise legacy_error("COUNTRY_ID is not defined or invalid")
    row: dict[str, Any] = {
        "ENTITY_TYPE_ID": 8,
        "COUNTRY_ID": country,
        "DATE_CREATE": ctx.state.now_iso(),
        "DATE_MODIFY": "",
        "CREATED_BY_ID": ctx.user_id,
        "MODIFY_BY_ID": None,
        "NAME": "",
        "XML_ID": None,
        "ACTIVE": "Y",
        "SORT": 500,
        "FIELDS": [],
    }
    row.update(_writable(fields))
    return ctx.state.insert(TABLE, row)


@method("crm.requisite.preset.update")
def preset_update(ctx: Ctx) -> bool:
    """``crm.requisite.preset.update {id, fields: {NAME, XML_ID, ACTIVE, SORT}}`` -> ``true``."""
    row = preset_or_error(ctx, ctx.param("id"))
    row.update(_writable(fields_param(ctx)))
    row.update(DATE_MODIFY=ctx.state.now_iso(), MODIFY_BY_ID=ctx.user_id)
    return True


@method("crm.requisite.preset.delete")
def preset_delete(ctx: Ctx) -> bool:
    """``crm.requisite.preset.delete {id}`` -> ``true``; refused while requisites use the preset."""
    row = preset_or_error(ctx, ctx.param("id"))
    if any(item.get("PRESET_ID") == row["ID"] for item in ctx.state.table("requisite").values()):
        raise legacy_error(
            "You cannot delete the template because requisites have already been created for it"
        )
    del ctx.state.table(TABLE)[row["ID"]]
    return True
