"""Every envelope quirk of the reference, replayed from the recorded fixtures through both clients."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bitrix24_toolkit import errors
from bitrix24_toolkit.engine.retry import RetryPolicy
from bitrix24_toolkit.models import Company, Deal, ProductRow, StageHistoryItem
from bitrix24_toolkit.models.values import CrmRef
from bitrix24_toolkit.testing.cassettes import Cassette
from tests.conftest import Factory

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
URL = "https://example.bitrix24.test/rest/1/fakewebhooksecret1/"


def replay(make_client: Factory, name: str, **options: Any) -> Any:
    return make_client(URL, transport=Cassette.load(FIXTURES / f"{name}.json").transport(), **options)


async def test_envelopes(make_client: Factory) -> None:
    b24 = replay(make_client, "envelopes")
    added = await b24.call_full(
        "crm.deal.add",
        {"fields": {"CURRENCY_ID": "EUR", "OPPORTUNITY": 1000000, "STAGE_ID": "NEW", "TITLE": "New Deal #1"}},
    )
    assert added.result == 3465
    assert added.time is not None
    assert added.time.operating_reset_at is not None
    assert (
        await b24.call("crm.deal.update", {"fields": {"TITLE": "New Deal #1 (renamed)"}, "id": 3465}) is True
    )
    assert await b24.call("crm.deal.delete", {"id": 3465}) is True
    with pytest.raises(errors.NotFoundError, match=r"crm.deal.get failed: Not found \(HTTP 400\)"):
        await b24.call("crm.deal.get", {"id": 999})
    with pytest.raises(errors.NotFoundError) as zero:  # "error": 0
        await b24.call("crm.requisite.get", {"id": 57})
    assert zero.value.code == "0"
    # 503 then 200, 429 then 200: the retry policy repeats reads after a limit
    assert (await b24.call("crm.deal.list", {"select": ["ID", "TITLE"], "start": 0}))[0]["ID"] == "410"
    assert (await b24.call("crm.company.list", {"select": ["ID", "TITLE"], "start": 0}))[0]["ID"] == "12"
    with pytest.raises(errors.AuthenticationError) as denied:
        await b24.call("profile")
    assert denied.value.code == "INVALID_CREDENTIALS"
    with pytest.raises(errors.MethodNotFoundError):
        await b24.call("crm.deal.nosuchmethod")


async def test_non_json_answers(make_client: Factory) -> None:
    b24 = replay(make_client, "envelopes", retry=RetryPolicy(attempts=1))
    with pytest.raises(errors.ResponseFormatError, match="HTML page") as html:
        await b24.call("crm.contact.list", {"start": 0})
    assert html.value.status_code == 502
    with pytest.raises(errors.ResponseFormatError, match="truncated JSON") as cut:
        await b24.call("crm.company.get", {"id": 1})
    assert cut.value.status_code == 200


async def test_paging_quirks(make_client: Factory) -> None:
    b24 = replay(make_client, "paging")
    first = await b24.call_full(
        "crm.deal.list", {"order": {"ID": "ASC"}, "select": ["ID", "TITLE"], "start": 0}
    )
    assert (len(first.result), first.next) == (50, 50)
    last = await b24.call_full(
        "crm.deal.list", {"order": {"ID": "ASC"}, "select": ["ID", "TITLE"], "start": 50}
    )
    assert last.next is None  # absent on the last page
    fast = await b24.call_full(
        "crm.deal.list",
        {"filter": {">ID": 50}, "order": {"ID": "ASC"}, "select": ["ID", "TITLE"], "start": -1},
    )
    assert (fast.total, fast.next) == (0, None)


async def test_crm_shapes_parse_into_models(make_client: Factory) -> None:
    b24 = replay(make_client, "crm")
    deal = Deal.from_api(await b24.call("crm.deal.get", {"id": 410}))
    assert (deal.opportunity, deal.company_id, deal.lead_id) == (Decimal("1000000.00"), 9, None)
    parents = [Company.from_api(await b24.call("crm.company.get", {"id": i})) for i in (12, 15, 16)]
    refs = [CrmRef.parse(c.get("UF_CRM_HOLDING_PARENT")) for c in parents]
    assert refs[0] is None
    assert [r.id for r in refs[1:] if r is not None] == [12, 12]  # "12" and "CO_12" both read
    stages = await b24.call(
        "crm.status.list", {"filter": {"ENTITY_ID": "DEAL_STAGE"}, "order": {"SORT": "ASC"}}
    )
    assert stages[0]["STATUS_ID"] == "NEW"
    assert (await b24.call("crm.category.list", {"entityTypeId": 2}))["categories"][0]["id"] == 9
    leads = await b24.call(
        "crm.stagehistory.list", {"entityTypeId": 1, "filter": {"OWNER_ID": 7}, "order": {"ID": "ASC"}}
    )
    deals = await b24.call(
        "crm.stagehistory.list", {"entityTypeId": 2, "filter": {"OWNER_ID": 21}, "order": {"ID": "ASC"}}
    )
    lead_row = StageHistoryItem.model_validate(leads["items"][0])
    deal_row = StageHistoryItem.model_validate(deals["items"][0])
    assert lead_row.stage_id
    assert deal_row.stage_id
    assert deal_row.category_id is not None
    rows = [ProductRow.model_validate(r) for r in await b24.call("crm.deal.productrows.get", {"id": 410})]
    assert isinstance(rows[0].price, Decimal)
