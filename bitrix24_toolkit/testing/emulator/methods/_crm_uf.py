"""Userfield helpers for the CRM entity methods (definitions come from table ``"userfield"``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..userfield_store import userfield_descriptions
from ._crm_schema import EntitySpec, uf_camel

if TYPE_CHECKING:
    from ..state import PortalState

__all__ = ["uf_descriptions", "uf_empty", "uf_item_names"]


def uf_descriptions(state: PortalState, spec: EntitySpec) -> dict[str, dict[str, Any]]:
    """``*.fields`` entries of the entity's userfields (``isDynamic: true``)."""
    return userfield_descriptions(state, spec.uf_entity)


def uf_empty(uf: dict[str, Any]) -> Any:
    """What an unset userfield reads as: ``[]`` when multiple, ``"0"`` for booleans, else ``""``
    (reference 1.6: empties vary between portals; these are the common shapes)."""
    if uf.get("MULTIPLE") == "Y":
        return []
    if uf.get("USER_TYPE_ID") == "boolean":
        return "0"
    return ""


def uf_item_names(ufs: list[dict[str, Any]], original: bool) -> dict[str, str]:
    """crm.item name -> ``UF_*`` code (camel-cased unless ``useOriginalUfNames=Y``)."""
    return {
        (str(u["FIELD_NAME"]) if original else uf_camel(str(u["FIELD_NAME"]))): str(u["FIELD_NAME"])
        for u in ufs
    }
