"""Call factories of requisite presets (templates): ``crm.requisite.preset.*`` (reference 6.1).

Default presets differ per portal and country; find them by ``COUNTRY_ID`` (and ``XML_ID``/``NAME``), not by
their numeric ids.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from ..models.meta import FieldInfo, Page
from ..models.requisites import Country, Preset, PresetField
from ..protocol.call import Call, Flow, collect
from ..protocol.envelope import APIResponse
from .common import list_params, page_parser, parse_field_map
from .entity import ensure_id
from .paging import iterate

__all__ = ["PresetCalls"]


def _parse_countries(response: APIResponse) -> list[Country]:
    rows = response.result
    if isinstance(rows, Mapping):
        rows = list(rows.values())
    return [Country.model_validate(row) for row in (rows or []) if isinstance(row, Mapping)]


class PresetCalls:
    """Requisite templates: which ``RQ_*`` fields the form of a country shows."""

    rest_name: ClassVar[str] = "crm.requisite.preset"

    def get(self, id: int) -> Call[Preset]:
        """One preset by id (crm.requisite.preset.get)."""
        return Call(
            "crm.requisite.preset.get",
            {"id": ensure_id(id)},
            parse=lambda response: Preset.model_validate(response.result),
            read_only=True,
        )

    def list(
        self,
        *,
        filter: Mapping[str, Any] | None = None,
        select: Iterable[str] | None = None,
        order: Mapping[str, str] | None = None,
        start: int = 0,
    ) -> Call[Page[Preset]]:
        """One page of presets, with ``total`` and ``next`` (crm.requisite.preset.list)."""
        params = list_params(Preset, filter, select, order)
        params["start"] = start
        return Call(
            "crm.requisite.preset.list", params, parse=page_parser(Preset.model_validate), read_only=True
        )

    def for_country(self, country_id: int, *, active_only: bool = False) -> Flow[builtins.list[Preset]]:
        """Every preset of a country (Russia is 1; see ``countries()``) (crm.requisite.preset.list)."""
        flt: dict[str, Any] = {"COUNTRY_ID": ensure_id(country_id, "country_id")}
        if active_only:
            flt["ACTIVE"] = "Y"
        parse = page_parser(Preset.model_validate)
        return collect(
            iterate(
                "crm.requisite.preset.list",
                {"filter": flt},
                lambda response: parse(response).items,
                lambda row: row.id,
            )
        )

    def countries(self) -> Call[builtins.list[Country]]:
        """Countries that have their own preset field sets (crm.requisite.preset.countries)."""
        return Call("crm.requisite.preset.countries", {}, parse=_parse_countries, read_only=True)

    def fields(self) -> Call[dict[str, FieldInfo]]:
        """Descriptions of the preset fields (crm.requisite.preset.fields)."""
        return Call("crm.requisite.preset.fields", {}, parse=parse_field_map, read_only=True)

    def fields_of(self, preset_id: int) -> Call[builtins.list[PresetField]]:
        """The ``RQ_*`` fields a preset shows, in form order (crm.requisite.preset.field.list)."""
        return Call(
            "crm.requisite.preset.field.list",
            {"preset": {"ID": ensure_id(preset_id, "preset_id")}},  # an object parameter (reference 6.1)
            parse=lambda response: page_parser(PresetField.model_validate)(response).items,
            read_only=True,
        )
