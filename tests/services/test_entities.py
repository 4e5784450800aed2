"""``b24.crm.{lead,contact,company,deal}``: typed reads, checked writes, paging, bulk — both clients."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from bitrix24_toolkit import errors
from bitrix24_toolkit.models.crm import Deal, Lead
from bitrix24_toolkit.testing.emulator import Emulator
from tests.conftest import Factory


def add_deals(emu: Emulator, count: int) -> list[int]:
    ids = []
    for i in range(count):
        status, payload = emu.call("crm.deal.add", {"fields": {"TITLE": f"Deal {i}", "OPPORTUNITY": 100 + i}})
        assert status == 200
        ids.append(payload["result"])
    return ids


async def test_get_gives_typed_values(client: Any, emu: Emulator) -> None:
    emu.call("crm.deal.userfield.add", {"fields": {"FIELD_NAME": "TOUR_CODE", "USER_TYPE_ID": "string"}})
    deal_id = emu.call(
        "crm.deal.add",
        {"fields": {"TITLE": "Тур в Сочи", "OPPORTUNITY": "120000.50", "UF_CRM_TOUR_CODE": "SOCHI-7"}},
    )[1]["result"]
    deal = await client.crm.deal.get(deal_id)
    assert isinstance(deal, Deal)
    assert deal.id == deal_id
    assert deal.opportunity == Decimal("120000.50")
    assert deal.category_id == 0
    assert deal.opened is True
    assert deal.closed is False
    assert isinstance(deal.date_create, dt.datetime)
    assert deal.date_create.utcoffset() is not None
    assert deal.company_id is None  # "0"/null: no link
    assert deal["UF_CRM_TOUR_CODE"] == "SOCHI-7"
    assert deal.custom_fields["UF_CRM_TOUR_CODE"] == "SOCHI-7"
    assert deal["STAGE_ID"] == deal.stage_id == "NEW"


async def test_custom_fields_survive_read_modify_write(client: Any, emu: Emulator) -> None:
    emu.call("crm.company.userfield.add", {"fields": {"FIELD_NAME": "REGION", "USER_TYPE_ID": "string"}})
    company_id = await client.crm.company.add({"title": "ООО «Ромашка»", "UF_CRM_REGION": "Сибирь"})
    company = await client.crm.company.get(company_id)
    company.title = "ООО «Ромашка-2»"
    assert await client.crm.company.update(company_id, {"TITLE": company.title, **company.custom_fields})
    again = await client.crm.company.get(company_id)
    assert (again.title, again["UF_CRM_REGION"]) == ("ООО «Ромашка-2»", "Сибирь")


async def test_writes_accept_models_and_attribute_names(client: Any) -> None:
    lead_id = await client.crm.lead.add(
        Lead(title="С сайта", name="Анна", opportunity=Decimal("990.10"), opened=False, source_id="WEB")
    )
    lead = await client.crm.lead.get(lead_id)
    assert (lead.title, lead.name, lead.opportunity, lead.opened, lead.source_id) == (
        "С сайта",
        "Анна",
        Decimal("990.10"),
        False,
        "WEB",
    )
    assert await client.crm.lead.update(lead_id, {"status_id": "IN_PROCESS"})
    assert (await client.crm.lead.get(lead_id)).status_id == "IN_PROCESS"


async def test_typos_and_read_only_fields_are_refused_before_any_request(client: Any, emu: Emulator) -> None:
    deal_id = add_deals(emu, 1)[0]
    await client.crm.deal.fields()  # nothing else below may reach the portal
    emu.reset_stats()
    with pytest.raises(errors.InvalidInputError, match="did you mean 'TITLE'") as caught:
        await client.crm.deal.add({"TITEL": "x"})
    assert caught.value.field == "TITEL"
    with pytest.raises(errors.InvalidInputError, match="read-only"):
        await client.crm.deal.add({"TITLE": "x", "LEAD_ID": 5})
    with pytest.raises(errors.InvalidInputError, match="cannot be changed"):
        await client.crm.deal.update(deal_id, {"CATEGORY_ID": 1})
    with pytest.raises(errors.InvalidInputError, match="OPPORTUNITY"):
        await client.crm.deal.add({"OPPORTUNITY": "a lot"})
    with pytest.raises(errors.InvalidInputError, match="positive integer"):
        await client.crm.deal.get(0)
    assert emu.stats.requests == 0
    assert await client.crm.deal.add({"TITEL": "unchecked"}, check=False) > 0


async def test_field_checks_can_be_switched_off_per_client(make_client: Factory, emu: Emulator) -> None:
    unchecked = make_client(emu.webhook_url, transport=emu.transport(), check_fields=False)
    await unchecked.crm.deal.add({"TITEL": "x"})
    assert "crm.deal.fields" not in emu.stats.calls


async def test_list_translates_names_and_pages(client: Any, emu: Emulator) -> None:
    add_deals(emu, 60)
    page = await client.crm.deal.list(
        filter={">=opportunity": 150, "!stage_id": "WON"}, select=["id", "title"], order={"id": "desc"}
    )
    assert (page.total, page.next, len(page)) == (10, None, 10)
    assert [d.id for d in page.items][:2] == [60, 59]
    assert page.items[0].title == "Deal 59"
    with pytest.raises(errors.InvalidInputError, match="ASC"):
        await client.crm.deal.list(order={"ID": "up"})


@pytest.mark.parametrize("count", [0, 1, 49, 50, 51, 101])
async def test_iter_all_returns_each_row_once_in_order(client: Any, emu: Emulator, count: int) -> None:
    ids = add_deals(emu, count)
    emu.reset_stats()
    if isinstance(client, Emulator):  # pragma: no cover
        raise AssertionError
    rows = await client.crm.deal.list_all(select=["ID"])
    assert [d.id for d in rows] == ids
    assert emu.stats.requests <= 2  # the probe, then one request per 2,500 rows
    assert emu.stats.rows_counted <= count  # a single COUNT (the probe); pages use start=-1
    assert emu.stats.rows_skipped == 0  # never an OFFSET


async def test_iter_all_with_another_order_uses_offset_paging(client: Any, emu: Emulator) -> None:
    add_deals(emu, 70)
    rows = await client.crm.deal.list_all(order={"OPPORTUNITY": "DESC"}, limit=55)
    assert [d.opportunity for d in rows][:3] == [Decimal(169), Decimal(168), Decimal(167)]
    assert len(rows) == 55


async def test_streaming_with_both_clients(kind: str, emu: Emulator) -> None:
    add_deals(emu, 75)
    if kind == "sync":
        with emu.client() as b24:
            titles = [d.title for d in b24.crm.deal.iter_all(filter={">ID": 70})]
    else:
        async with emu.async_client() as ab24:
            titles = [d.title async for d in ab24.crm.deal.iter_all(filter={">ID": 70})]
    assert titles == ["Deal 70", "Deal 71", "Deal 72", "Deal 73", "Deal 74"]


async def test_get_many_keeps_the_order_given(client: Any, emu: Emulator) -> None:
    add_deals(emu, 120)
    wanted = [7, 115, 3, 999, 60]
    emu.reset_stats()
    rows = await client.crm.deal.get_many(wanted)
    assert [d.id for d in rows] == [7, 115, 3, 60]
    assert emu.stats.requests == 1


async def test_bulk_results_report_every_item(client: Any, emu: Emulator) -> None:
    result = await client.crm.lead.add_many([{"TITLE": f"Лид {i}"} for i in range(5)])
    assert result.all_ok
    assert result.values == [1, 2, 3, 4, 5]
    updated = await client.crm.lead.update_many({1: {"TITLE": "A"}, 2: {"TITLE": "B"}})
    assert updated.all_ok
    deleted = await client.crm.lead.delete_many([1, 42, 3])
    assert [item.outcome for item in deleted] == ["ok", "error", "ok"]
    assert isinstance(deleted.failed[0].error, errors.NotFoundError)
    assert deleted.failed[0].key == 42


async def test_bulk_write_with_a_lost_answer_is_unknown_not_repeated(client: Any, emu: Emulator) -> None:
    from bitrix24_toolkit.testing.emulator.faults import FaultRule, Faults

    await client.crm.lead.fields()
    emu.faults = Faults(seed=3, rules=[FaultRule("batch", timeout=1.0)])
    result = await client.crm.lead.add_many([{"TITLE": "X"}, {"TITLE": "Y"}])
    assert [item.outcome for item in result] == ["unknown", "unknown"]
    assert len(emu.call("crm.lead.list", {})[1]["result"]) == 2  # written once each, never repeated
    assert emu.stats.calls["batch"] == 1


async def test_user_current(client: Any) -> None:
    me = await client.user.current()
    assert me.id == 1
    assert me.full_name


async def test_boolean_filters_on_yes_no_fields_mean_y_and_n(client: Any, emu: Emulator) -> None:
    emu.call("crm.company.add", {"fields": {"TITLE": "Мы", "IS_MY_COMPANY": "Y"}})
    emu.call("crm.company.add", {"fields": {"TITLE": "Клиент"}})
    mine = await client.crm.company.list_all(filter={"is_my_company": True})
    others = await client.crm.company.list_all(filter={"IS_MY_COMPANY": False})
    assert [c.title for c in mine] == ["Мы"]
    assert [c.title for c in others] == ["Клиент"]


async def test_get_many_fetches_2500_ids_in_one_request(client: Any, emu: Emulator) -> None:
    for start in range(0, 2600, 50):
        emu.call("batch", {"cmd": {f"a{i}": f"crm.deal.add?fields[TITLE]=D{start + i}" for i in range(50)}})
    emu.reset_stats()
    rows = await client.crm.deal.get_many(range(1, 2501))
    assert [d.id for d in rows] == list(range(1, 2501))
    assert emu.stats.requests == 1


async def test_bulk_add_of_2000_items_is_40_requests_with_every_id(client: Any, emu: Emulator) -> None:
    await client.crm.lead.fields()
    emu.reset_stats()
    result = await client.crm.lead.add_many([{"TITLE": f"Лид {i}"} for i in range(2000)])
    assert result.all_ok
    assert sorted(result.values) == list(range(1, 2001))
    assert emu.stats.requests == 40


def test_add_results_in_every_shape_parse_to_the_new_id() -> None:
    from bitrix24_toolkit.protocol import APIResponse
    from bitrix24_toolkit.services.common import parse_int_result

    for result in (5, "5", {"id": 5}, {"ID": "5"}, {"item": {"id": 5, "title": "x"}}):
        assert parse_int_result(APIResponse(result=result)) == 5
