"""``b24.crm.stagehistory``: stage changes of leads, deals, invoices and smart processes.

Leads (and old invoices) name their stage fields ``STATUS_ID``/``STATUS_SEMANTIC_ID``, the others
``STAGE_ID``/``STAGE_SEMANTIC_ID``. Filters, orders and selects may use either name (or the attribute
name ``stage_id``): they are sent under the name the entity type uses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from ..models.directory import StageHistoryItem
from ..models.meta import Page
from ..models.row_list import RowList
from ..protocol.call import Call, Flow, Stream, collect
from .common import ensure_id, split_operator, translate_filter, translate_order, translate_select
from .listing import page_call, stream_rows

__all__ = ["StageHistoryCalls"]

#: entity types whose history uses the lead-style ``STATUS_*`` keys (1 lead, 5 old invoice)
_STATUS_KEYED = frozenset({1, 5})
_TO_STATUS = {"STAGE_ID": "STATUS_ID", "STAGE_SEMANTIC_ID": "STATUS_SEMANTIC_ID"}
_TO_STAGE = {value: key for key, value in _TO_STATUS.items()}


def _rename(entity_type_id: int, name: str) -> str:
    table = _TO_STATUS if entity_type_id in _STATUS_KEYED else _TO_STAGE
    return table.get(name, name)


class StageHistoryCalls:
    """Stage changes of leads, deals and smart processes, oldest first by id (crm.stagehistory.*)."""

    rest_name: ClassVar[str] = "crm.stagehistory"

    def _params(
        self,
        entity_type_id: int,
        filter: Mapping[str, Any] | None,
        select: Iterable[str] | None,
        order: Mapping[str, str] | None,
    ) -> dict[str, Any]:
        type_id = ensure_id(entity_type_id, "entity_type_id")
        params: dict[str, Any] = {"entityTypeId": type_id}
        flt = translate_filter(StageHistoryItem, filter)
        if flt is not None:
            renamed = {}
            for key, value in flt.items():
                op, name = split_operator(str(key))
                renamed[op + _rename(type_id, name)] = value
            params["filter"] = renamed
        names = translate_select(StageHistoryItem, select)
        if names is not None:
            params["select"] = [_rename(type_id, name) for name in names]
        directions = translate_order(StageHistoryItem, order)
        if directions is not None:
            params["order"] = {_rename(type_id, key): value for key, value in directions.items()}
        return params

    def list(
        self,
        entity_type_id: int,
        *,
        filter: Mapping[str, Any] | None = None,
        select: Iterable[str] | None = None,
        order: Mapping[str, str] | None = None,
        start: int = 0,
    ) -> Call[Page[StageHistoryItem]]:
        """One page of up to 50 stage changes of one entity type (crm.stagehistory.list)."""
        params = self._params(entity_type_id, filter, select, order)
        return page_call(
            "crm.stagehistory.list",
            params,
            StageHistoryItem.model_validate,
            start=start or None,
            wrapper="items",
        )

    def iter_all(
        self,
        entity_type_id: int,
        *,
        filter: Mapping[str, Any] | None = None,
        select: Iterable[str] | None = None,
        order: Mapping[str, str] | None = None,
        limit: int | None = None,
    ) -> Stream[StageHistoryItem]:
        """Every matching stage change, streamed (keyset by ``ID`` unless ordered) (crm.stagehistory.list)."""
        return stream_rows(
            "crm.stagehistory.list",
            self._params(entity_type_id, filter, select, order),
            StageHistoryItem.model_validate,
            wrapper="items",
            limit=limit,
        )

    def list_all(
        self,
        entity_type_id: int,
        *,
        filter: Mapping[str, Any] | None = None,
        select: Iterable[str] | None = None,
        order: Mapping[str, str] | None = None,
        limit: int | None = None,
    ) -> Flow[RowList[StageHistoryItem]]:
        """Every matching stage change in one list, with ``.to_dataframe()`` (crm.stagehistory.list)."""
        stream = self.iter_all(entity_type_id, filter=filter, select=select, order=order, limit=limit)

        def gather() -> Flow[RowList[StageHistoryItem]]:
            rows = yield from collect(stream)
            return RowList(rows, model=StageHistoryItem)

        return gather()
