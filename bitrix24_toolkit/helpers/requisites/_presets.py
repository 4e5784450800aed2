"""Requisite presets (templates): list them, find one by country and kind, read its field list.

Preset ids differ from portal to portal (a Russian portal has 1 "Организация", 2 "ИП", 3 "Физ. лицо"; an
English one names them "Organization", "Sole Proprietorship", "Individual"), so presets are found by
``COUNTRY_ID`` and kind: the reserved ``XML_ID`` of the default presets
(``#CRM_REQUISITE_PRESET_DEF_RU_COMPANY#`` ...; the suffixes are unconfirmed, reference 6.1) and, failing
that, the preset's name.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from ...errors import Bitrix24Error, InvalidInputError
from ...models.meta import Page
from ...models.requisites import Preset, PresetField
from ...protocol.call import Flow
from ...services import CrmCalls
from ...services.entity import ensure_id
from ..base import helper
from ._ru_identifiers import InnKind

__all__ = [
    "COUNTRY_IDS",
    "KINDS",
    "PresetNotFoundError",
    "check_kind",
    "choose_preset",
    "country_id_of",
    "find_preset",
    "list_presets",
    "preset_fields",
    "preset_kind",
    "resolve_preset",
]

#: ISO code -> ``COUNTRY_ID`` of ``crm.requisite.preset.countries`` (reference 6.1)
COUNTRY_IDS: Final[dict[str, int]] = {
    "RU": 1,
    "BY": 4,
    "KZ": 6,
    "UA": 14,
    "BR": 34,
    "DE": 46,
    "CO": 77,
    "PL": 110,
    "US": 122,
    "FR": 132,
}
#: the kinds of requisite owner a preset is made for
KINDS: Final[tuple[InnKind, ...]] = ("organisation", "sole_proprietor", "person")

#: the end of a default preset's XML_ID -> kind (#CRM_REQUISITE_PRESET_DEF_RU_COMPANY#; unconfirmed)
_XML_SUFFIXES: Final[dict[str, InnKind]] = {
    "_COMPANY#": "organisation",
    "_INDIVIDUAL#": "sole_proprietor",
    "_PERSON#": "person",
}
#: preset names (lower case) of the default presets in the portal languages we know
_NAMES: Final[dict[str, InnKind]] = {
    "организация": "organisation",
    "юридическое лицо": "organisation",
    "organization": "organisation",
    "organisation": "organisation",
    "company": "organisation",
    "ип": "sole_proprietor",
    "индивидуальный предприниматель": "sole_proprietor",
    "sole proprietorship": "sole_proprietor",
    "sole proprietor": "sole_proprietor",
    "individual entrepreneur": "sole_proprietor",
    "физ. лицо": "person",
    "физическое лицо": "person",
    "физлицо": "person",
    "individual": "person",
    "person": "person",
}


class PresetNotFoundError(Bitrix24Error, LookupError):
    """No preset of the wanted country and kind exists on the portal."""


def country_id_of(country: int | str) -> int:
    """``COUNTRY_ID`` from an id (``1``) or an ISO code (``"RU"``); InvalidInputError for unknown codes."""
    if isinstance(country, str) and not country.strip().isdigit():
        code = country.strip().upper()
        if code not in COUNTRY_IDS:
            known = ", ".join(COUNTRY_IDS)
            raise InvalidInputError(
                f"country {country!r} is not a requisite country (known codes: {known}; or give its id)",
                field="country",
            )
        return COUNTRY_IDS[code]
    return ensure_id(country, "country")


def check_kind(kind: str) -> InnKind:
    """``kind`` as one of :data:`KINDS`, or InvalidInputError."""
    for known in KINDS:
        if kind == known:
            return known
    raise InvalidInputError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}", field="kind")


def preset_kind(preset: Preset) -> InnKind | None:
    """Whom a preset is for (organisation, sole proprietor, person), from its XML_ID or name; else None."""
    xml_id = (preset.xml_id or "").upper()
    if xml_id.startswith("#CRM_REQUISITE_PRESET_DEF_"):
        for suffix, kind in _XML_SUFFIXES.items():
            if xml_id.endswith(suffix):
                return kind
    return _NAMES.get((preset.name or "").strip().lower())


def _rank(preset: Preset) -> tuple[int, int, int, int]:
    by_xml = 0 if (preset.xml_id or "").upper().startswith("#CRM_REQUISITE_PRESET_DEF_") else 1
    active = 0 if preset.active is not False else 1
    return by_xml, active, preset.sort or 0, preset.id or 0


def choose_preset(presets: Iterable[Preset], country_id: int, kind: InnKind) -> Preset:
    """The best preset of this country and kind among ``presets`` (default ones first, then active)."""
    matches = [p for p in presets if p.country_id == country_id and preset_kind(p) == kind]
    if not matches:
        raise PresetNotFoundError(
            f"no requisite preset for {kind} in country {country_id} on this portal: create one in CRM "
            "settings (Requisite templates) or pass preset=<id>"
        )
    return min(matches, key=_rank)


@helper
def list_presets(*, country: int | str | None = None, active_only: bool = False) -> Flow[list[Preset]]:
    """Every requisite preset, or those of one country (``"RU"`` or 1) (crm.requisite.preset.list)."""
    crm = CrmCalls()
    if country is None:
        rows: list[Preset] = []
        start: int | None = 0
        while start is not None:  # presets are few: one page on most portals
            page: Page[Preset] = yield crm.requisite.preset.list(
                filter={"ACTIVE": "Y"} if active_only else None, start=start
            )
            rows.extend(page.items)
            start = page.next if page.items else None
        return rows
    return (yield from crm.requisite.preset.for_country(country_id_of(country), active_only=active_only))


@helper
def find_preset(kind: str = "organisation", *, country: int | str = "RU") -> Flow[Preset]:
    """The preset for an organisation, sole proprietor or person of a country (crm.requisite.preset.list)."""
    crm = CrmCalls()
    wanted = check_kind(kind)
    country_id = country_id_of(country)
    presets = yield from crm.requisite.preset.for_country(country_id)
    return choose_preset(presets, country_id, wanted)


@helper
def preset_fields(preset: int | Preset) -> Flow[list[PresetField]]:
    """The ``RQ_*`` fields a preset shows, in form order (crm.requisite.preset.field.list)."""
    crm = CrmCalls()
    preset_id = preset.id if isinstance(preset, Preset) else preset
    fields: list[PresetField] = yield crm.requisite.preset.fields_of(ensure_id(preset_id, "preset"))
    return fields


def resolve_preset(
    preset: int | Preset | None, *, country: int | str, kind: str | None, default_kind: InnKind
) -> Flow[Preset]:
    """The preset to use: the one given (read when only its id is), else found by country and kind."""
    crm = CrmCalls()
    if isinstance(preset, Preset) and preset.id is not None and preset.country_id is not None:
        return preset
    if preset is not None:
        preset_id = ensure_id(preset.id if isinstance(preset, Preset) else preset, "preset")
        found: Preset = yield crm.requisite.preset.get(preset_id)
        return found
    return (yield from find_preset.flow(kind or default_kind, country=country))
