"""A user's script, checked with ``mypy --strict`` by test_user_types.py (never executed)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, assert_type

from bitrix24_toolkit import AsyncBitrix24, Bitrix24
from bitrix24_toolkit.models import Company, Deal, Lead, Page, Requisite, RowList, User
from bitrix24_toolkit.protocol.batch import Outcome
from bitrix24_toolkit.services.bulk import BulkResult


def sync_script(b24: Bitrix24) -> None:
    deal = b24.crm.deal.get(5)
    assert_type(deal, Deal)
    assert_type(deal.opportunity, Decimal | None)
    assert_type(b24.crm.lead.list(filter={">ID": 5}), Page[Lead])
    assert_type(b24.crm.company.list_all(), RowList[Company])
    assert_type(b24.crm.company.list_all().to_dataframe(), Any)  # a pandas DataFrame (pandas has no stubs)
    assert_type(b24.crm.company.list_all(raw=True), RowList[dict[str, Any]])
    plain: list[Company] = b24.crm.company.list_all()  # still a list
    assert_type(plain, list[Company])
    for row in b24.crm.deal.iter_all(raw=True):
        assert_type(row, dict[str, Any])
    assert_type(b24.crm.deal.add({"TITLE": "x"}), int)
    assert_type(b24.crm.lead.add_many([{"TITLE": "x"}]), BulkResult)
    assert_type(b24.crm.requisite.get(1), Requisite)
    assert_type(b24.user.current(), User)
    assert_type(b24.batch([("crm.deal.get", {"id": 1})]), list[Outcome[Any]])
    assert_type(b24.batch({"a": ("crm.deal.get", {"id": 1})}), dict[str, Outcome[Any]])


async def async_script(b24: AsyncBitrix24) -> None:
    assert_type(await b24.crm.deal.get(5), Deal)
    assert_type(await b24.crm.deal.list_all(limit=10), RowList[Deal])
    async for deal in b24.crm.deal.iter_all():
        assert_type(deal, Deal)
    assert_type(await b24.user.current(), User)


def helper_script(b24: Bitrix24, ab24: AsyncBitrix24) -> None:
    from collections.abc import Awaitable

    from bitrix24_toolkit import Call
    from bitrix24_toolkit.helpers import helper
    from bitrix24_toolkit.protocol import Flow

    @helper
    def title(deal_id: int) -> Flow[str]:
        return str((yield Call("crm.deal.get", {"id": deal_id}))["TITLE"])

    assert_type(title(b24, 1), str)
    assert_type(title(ab24, 1), Awaitable[str])
