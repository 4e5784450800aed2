"""Directories and funnels: ``crm.status.*`` rows, ``crm.category.*`` funnels, stage history rows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import field_validator, model_validator

from .base import BitrixModel, CamelModel
from .values import DateTime, Int, YesNo

__all__ = ["Category", "StageHistoryItem", "Status", "StatusEntityType", "StatusExtra"]


def _semantics(value: Any) -> Any:
    """``""``/``null`` mean "in progress"; ``S``/``F`` upper-cased."""
    if value is None or value == "":
        return None
    return str(value).upper()


class StatusExtra(BitrixModel):
    """``EXTRA`` of a stage: ``semantics`` is ``process``/``success``/``failure``/``apology``."""

    semantics: str | None = None
    color: str | None = None


class Status(BitrixModel):
    """A directory row (``crm.status.list``): a lead status, a deal stage, a source, a type ...

    ``semantics`` is ``None`` for stages in progress, ``"S"`` for success, ``"F"`` for failure.
    """

    id: Int = None
    entity_id: str | None = None
    status_id: str | None = None
    name: str | None = None
    name_init: str | None = None
    sort: Int = None
    system: YesNo = None
    category_id: Int = None
    color: str | None = None
    semantics: str | None = None
    extra: StatusExtra | None = None

    @field_validator("semantics", mode="before")
    @classmethod
    def _check_semantics(cls, value: Any) -> Any:
        return _semantics(value)

    @field_validator("extra", mode="before")
    @classmethod
    def _empty_extra(cls, value: Any) -> Any:
        return None if value in ([], "", None) else value

    @property
    def is_success(self) -> bool:
        """The success stage (``SEMANTICS`` ``S``)."""
        return self.semantics == "S"

    @property
    def is_failure(self) -> bool:
        """A failure stage (``SEMANTICS`` ``F``)."""
        return self.semantics == "F"

    @property
    def is_final(self) -> bool:
        """A success or failure stage."""
        return self.semantics in ("S", "F")


class StatusEntityType(BitrixModel):
    """A directory described by ``crm.status.entity.types`` (``DEAL_STAGE_1`` with ``PREFIX`` ``C1``)."""

    id: str | None = None
    name: str | None = None
    parent_id: str | None = None
    prefix: str | None = None
    entity_type_id: Int = None
    category_id: Int = None
    semantic_info: dict[str, Any] | None = None
    #: ``category_<N>`` for a funnel's directory (crm-status-entity-types.md)
    field_attribute_scope: str | None = None
    is_enabled: bool | None = None
    category_name: str | None = None
    category_sort: Int = None
    is_default_category: bool | None = None

    @field_validator("semantic_info", mode="before")
    @classmethod
    def _empty_info(cls, value: Any) -> Any:
        return None if value in ([], "") else value


class Category(CamelModel):
    """A funnel (``crm.category.*``; deals: ``entity_type_id`` 2, the default funnel has id 0)."""

    id: Int = None
    name: str | None = None
    sort: Int = None
    entity_type_id: Int = None
    is_default: YesNo = None
    origin_id: str | None = None
    originator_id: str | None = None
    #: smart-process funnels only (crm-category-add.md "Object category")
    is_system: YesNo = None
    code: str | None = None


class StageHistoryItem(BitrixModel):
    """A stage change (``crm.stagehistory.list``).

    Leads send ``STATUS_ID``/``STATUS_SEMANTIC_ID`` and deals ``STAGE_ID``/``STAGE_SEMANTIC_ID`` (+
    ``CATEGORY_ID``): both read as :attr:`stage_id`/:attr:`stage_semantic_id` (leads keep
    :attr:`status_id`/:attr:`status_semantic_id` too). ``type_id``: 1 created,
    2 moved to an intermediate stage, 3 moved to a final stage, 5 funnel changed.
    """

    id: Int = None
    type_id: Int = None
    owner_id: Int = None
    created_time: DateTime = None
    category_id: Int = None
    stage_id: str | None = None
    stage_semantic_id: str | None = None
    #: the lead keys as sent (crm-stage-history-list.md: leads have STATUS_ID/STATUS_SEMANTIC_ID)
    status_id: str | None = None
    status_semantic_id: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _lead_keys(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and ("STATUS_ID" in data or "STATUS_SEMANTIC_ID" in data):
            data = dict(data)
            data.setdefault("STAGE_ID", data.get("STATUS_ID"))
            data.setdefault("STAGE_SEMANTIC_ID", data.get("STATUS_SEMANTIC_ID"))
        return data

    @property
    def is_created(self) -> bool:
        """The row of the object's creation (``TYPE_ID`` 1)."""
        return self.type_id == 1

    @property
    def is_final(self) -> bool:
        """A move to a final stage (``TYPE_ID`` 3)."""
        return self.type_id == 3
