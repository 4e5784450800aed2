"""``b24.crm.status``, ``b24.crm.category(...)``, ``b24.crm.stagehistory``: recorded answers, emulator."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from bitrix24_toolkit import errors
from bitrix24_toolkit.models.directory import StageHistoryItem, Status
from bitrix24_toolkit.testing.cassettes import Cassette
from bitrix24_toolkit.testing.emulator import Emulator
from tests.conftest import Factory
from tests.services.namespaces import child

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
URL = "https://example.bitrix24.com/rest/1/secretcode123456/"


@pytest.fixture
def recorded(make_client: Factory) -> Any:
    """A client replaying the reference's example answers (tests/fixtures/crm.json)."""
    return make_client(URL, transport=Cassette.load(FIXTURES / "crm.json").transport(allow_repeats=True))


# ------------------------------------------------------------------------------- recorded answers
async def test_deal_stages_from_the_reference_example(recorded: Any) -> None:
    stages = await recorded.crm.status.list(filter={"ENTITY_ID": "DEAL_STAGE"}, order={"SORT": "ASC"})
    assert [s.status_id for s in stages][-4:] == ["FINAL_INVOICE", "WON", "LOSE", "APOLOGY"]
    new, won, lose, apology = stages[0], stages[-3], stages[-2], stages[-1]
    assert (new.id, new.sort, new.system, new.category_id) == (101, 10, True, None)
    assert (new.semantics, new.is_final, new.extra and new.extra.semantics) == (None, False, "process")
    assert won.is_success
    assert lose.is_failure
    assert apology.is_failure
    assert apology.extra is not None
    assert apology.extra.semantics == "apology"
    assert apology.system is False


async def test_funnels_from_the_reference_example(recorded: Any) -> None:
    funnels = await (await child(recorded.crm.category(2))).list()
    assert [(f.id, f.name, f.sort, f.is_default) for f in funnels] == [
        (9, "Funnel with Original Name", 200, False),
        (0, "General", 300, True),
    ]
    assert funnels[0].entity_type_id == 2


async def test_stage_history_keys_of_leads_and_deals_read_alike(recorded: Any) -> None:
    lead_rows = (await recorded.crm.stagehistory.list(1, filter={"OWNER_ID": 7}, order={"ID": "ASC"})).items
    deal_page = await recorded.crm.stagehistory.list(2, filter={"owner_id": 21}, order={"id": "ASC"})
    assert lead_rows
    assert deal_page.total == len(deal_page.items) == 3
    lead, deal = lead_rows[0], deal_page.items[0]
    assert (lead.stage_id, lead.stage_semantic_id, lead.category_id) == ("NEW", "P", None)
    assert lead["STATUS_ID"] == "NEW"
    assert (deal.id, deal.type_id, deal.owner_id, deal.category_id) == (35, 1, 21, 0)
    assert (deal.stage_id, deal.stage_semantic_id) == ("NEW", "P")
    assert deal.created_time == dt.datetime(2024, 4, 25, 14, 59, 11, tzinfo=dt.UTC)


def test_stage_history_strict_parsing_accepts_both_shapes() -> None:
    lead = StageHistoryItem.from_api(
        {
            "ID": 1,
            "TYPE_ID": 3,
            "OWNER_ID": 2,
            "CREATED_TIME": "",
            "STATUS_ID": "JUNK",
            "STATUS_SEMANTIC_ID": "F",
        }
    )
    assert (lead.stage_id, lead.stage_semantic_id, lead.is_final, lead.created_time) == (
        "JUNK",
        "F",
        True,
        None,
    )


# ---------------------------------------------------------------------------------- the emulator
async def test_directories_and_stage_rows(client: Any) -> None:
    lead_statuses = await client.crm.status.stages("status")
    assert lead_statuses[0].status_id == "NEW"
    assert [s.status_id for s in lead_statuses if s.is_success] == ["CONVERTED"]
    sorts = [s.sort for s in lead_statuses]
    assert sorts == sorted(sorts)
    default = await client.crm.status.deal_stages()
    assert {s.entity_id for s in default} == {"DEAL_STAGE"}
    items = await client.crm.status.entity_items("DEAL_STAGE")
    assert [s.status_id for s in items] == [s.status_id for s in default]
    kinds = {t.id: t for t in await client.crm.status.entity_types()}
    assert kinds["STATUS"].semantic_info == {
        "START_FIELD": "NEW",
        "FINAL_SUCCESS_FIELD": "CONVERTED",
        "FINAL_UNSUCCESS_FIELD": "JUNK",
        "FINAL_SORT": 0,
    }
    assert (await client.crm.status.fields())["ENTITY_ID"].is_immutable


async def test_stage_add_update_delete_in_a_new_funnel(client: Any) -> None:
    categories = await child(client.crm.category(2))
    funnel = await categories.add({"name": "Опт", "sort": 50})
    assert (funnel.name, funnel.sort, funnel.is_default) == ("Опт", 50, False)
    stage_id = await client.crm.status.add(
        Status(entity_id=f"DEAL_STAGE_{funnel.id}", status_id="CHECK", name="Проверка", sort=15)
    )
    stages = await client.crm.status.deal_stages(funnel.id)
    added = next(s for s in stages if s.id == stage_id)
    assert added.status_id == f"C{funnel.id}:CHECK"
    assert added.category_id == funnel.id
    assert stages.index(added) == 1  # sorted after NEW (10)
    # crm-status-update.md: NAME/SORT/COLOR change; SEMANTICS is immutable (crm-status-fields.md)
    assert await client.crm.status.update(stage_id, {"name": "Проверено", "semantics": "F"})
    changed = await client.crm.status.get(stage_id)
    assert (changed.name, changed.is_failure) == ("Проверено", False)
    # crm-status-get.md sends no EXTRA; crm-status-list.md does, on stage rows
    assert changed.extra is None
    listed = next(s for s in await client.crm.status.deal_stages(funnel.id) if s.id == stage_id)
    assert listed.extra is not None
    assert listed.extra.semantics == "process"
    assert await client.crm.status.delete(stage_id)
    system = next(s for s in stages if s.system)
    with pytest.raises(errors.APIError):
        await client.crm.status.delete(system.id)
    renamed = await categories.update(funnel.id, {"name": "Опт-2"})
    assert renamed.name == (await categories.get(funnel.id)).name == "Опт-2"
    assert (await categories.get(0)).is_default
    assert await categories.delete(funnel.id)
    assert [f.id for f in await categories.list()] == [0]


async def test_stage_history_follows_moves_with_stage_names_for_both_kinds(client: Any) -> None:
    lead_id = await client.crm.lead.add({"TITLE": "Лид"})
    await client.crm.lead.update(lead_id, {"STATUS_ID": "IN_PROCESS"})
    deal_id = await client.crm.deal.add({"TITLE": "Сделка"})
    await client.crm.deal.update(deal_id, {"STAGE_ID": "WON"})
    lead_rows = await client.crm.stagehistory.list_all(1, filter={"owner_id": lead_id})
    assert [(r.type_id, r.stage_id) for r in lead_rows] == [(1, "NEW"), (2, "IN_PROCESS")]
    moved = await client.crm.stagehistory.list_all(1, filter={"STAGE_ID": "IN_PROCESS"}, select=["stage_id"])
    assert [r.stage_id for r in moved] == ["IN_PROCESS"]  # sent as STATUS_ID for leads
    deal_rows = await client.crm.stagehistory.list_all(2, filter={"OWNER_ID": deal_id, "STATUS_ID": "WON"})
    assert [(r.type_id, r.stage_semantic_id, r.category_id) for r in deal_rows] == [(3, "S", 0)]


async def test_stage_history_streams_by_id(client: Any, emu: Emulator) -> None:
    for i in range(55):
        emu.call("crm.deal.add", {"fields": {"TITLE": f"D{i}"}})
    emu.reset_stats()
    rows = await client.crm.stagehistory.list_all(2, limit=52)
    assert [r.id for r in rows] == list(range(1, 53))
    assert emu.stats.rows_counted <= 55  # one COUNT in the probe, then keyset pages (start=-1)
    assert emu.stats.rows_skipped == 0  # never an OFFSET
    page = await client.crm.stagehistory.list(2, start=50)
    assert (len(page), page.total, page.next) == (5, 55, None)


async def test_bad_arguments_fail_before_any_request(client: Any, emu: Emulator) -> None:
    emu.reset_stats()
    with pytest.raises(errors.InvalidInputError):
        await client.crm.stagehistory.list(0)
    with pytest.raises(errors.InvalidInputError):
        await client.crm.status.stages("")
    with pytest.raises(errors.InvalidInputError, match="ENTITY_ID"):
        await client.crm.status.add({"STATUS_ID": "X"})
    with pytest.raises(errors.InvalidInputError, match="STATUS_ID"):
        await client.crm.status.update(5, {"STATUS_ID": "X"})
    with pytest.raises(errors.InvalidInputError):
        await (await child(client.crm.category(2))).delete(0)
    with pytest.raises(errors.InvalidInputError, match="name"):
        await (await child(client.crm.category(2))).add({"sort": 5})
    assert not emu.stats.calls
