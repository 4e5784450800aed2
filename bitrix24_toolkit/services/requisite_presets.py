"""Call factories of requisite presets (templates): ``crm.requisite.preset.*`` (reference 6.1).

Default presets differ per portal and country; find them by ``COUNTRY_ID`` (and ``XML_ID``/``NAME``), not by
their numeric ids.
"""

from __future__ import annotations

import builtins
from typing import Any, ClassVar

from ..models.meta import FieldInfo
from ..models.requisites import Country, Preset, PresetField
from ..protocol.call import Call, Flow
from ..protocol.envelope import APIResponse
from ..protocol.rows import rows_of
from .common import ensure_id, parse_field_map
from .listing import ListFamily

__all__ = ["PresetCalls"]


def _parse_countries(response: APIResponse) -> list[Country]:
    return [Country.model_validate(row) for row in rows_of(response.result)]


class PresetCalls(ListFamily[Preset]):
    """Requisite templates: which ``RQ_*`` fields the form of a country shows (crm.requisite.preset.*)."""

    _checks_names: ClassVar[bool] = True  # the *.list page: filter/select/order by *.fields names

    rest_name: ClassVar[str] = "crm.requisite.preset"
    model = Preset

    def get(self, id: int) -> Call[Preset]:
        """One preset by id (crm.requisite.preset.get)."""
        return Call(
            "crm.requisite.preset.get",
            {"id": ensure_id(id)},
            parse=lambda response: Preset.model_validate(response.result),
            read_only=True,
        )

    def for_country(self, country_id: int, *, active_only: bool = False) -> Flow[builtins.list[Preset]]:
        """Every preset of a country (Russia: 1) (crm.requisite.preset.list, crm.requisite.preset.fields)."""
        flt: dict[str, Any] = {"COUNTRY_ID": ensure_id(country_id, "country_id")}
        if active_only:
            flt["ACTIVE"] = "Y"
        return self.list_all(filter=flt)

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
            parse=lambda response: [PresetField.model_validate(row) for row in rows_of(response.result)],
            read_only=True,
        )
