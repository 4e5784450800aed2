"""``b24.crm.item(entity_type_id)``: camelCase answers on the legacy models, both clients."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from bitrix24_toolkit import errors
from bitrix24_toolkit.models.crm import Company, Deal, Lead
from bitrix24_toolkit.models.item import Item
from bitrix24_toolkit.models.item_keys import camel_to_legacy, item_to_legacy, legacy_to_camel, legacy_to_item
from bitrix24_toolkit.services.item import ItemCalls
from bitrix24_toolkit.testing.emulator import Emulator
from bitrix24_toolkit.testing.emulator.methods._crm_schema import ENTITIES, uf_camel
from tests.services.namespaces import child


def test_key_mapping_agrees_with_every_field_the_emulator_names() -> None:
    for spec in ENTITIES.values():
        for field in spec.fields:
            if not field.item_name:  # multifields live in ``fm``
                continue
            assert camel_to_legacy(spec.type_id, field.item_name) == field.name, field
            assert legacy_to_camel(spec.type_id, field.name) == field.item_name, field


@pytest.mark.parametrize("code", ["UF_CRM_1747309879", "UF_CRM_3_1747309727", "UF_CRM_HOLDING"])
def test_camel_cased_custom_field_codes_map_back(code: str) -> None:
    assert camel_to_legacy(2, uf_camel(code)) == code


def test_documented_exceptions_and_type_specific_names() -> None:
    assert camel_to_legacy(1, "stageId") == "STATUS_ID"
    assert camel_to_legacy(2, "stageId") == "STAGE_ID"
    assert camel_to_legacy(4, "typeId") == "COMPANY_TYPE"
    assert camel_to_legacy(3, "typeId") == "TYPE_ID"
    assert camel_to_legacy(2, "parentId1220") == "PARENT_ID_1220"
    assert legacy_to_camel(2, "PARENT_ID_1220") == "parentId1220"
    assert legacy_to_camel(2, "UF_CRM_X") == "UF_CRM_X"
    assert legacy_to_camel(2, "stageId") == "stageId"


def test_multifields_fold_into_fm_and_back() -> None:
    row = item_to_legacy(
        3,
        {
            "id": 5,
            "entityTypeId": 3,
            "fm": [
                {"id": 7, "typeId": "PHONE", "valueType": "WORK", "value": "+7 999"},
                {"id": 8, "typeId": "EMAIL", "valueType": "HOME", "value": "a@b.c"},
            ],
        },
    )
    assert row == {
        "ID": 5,
        "PHONE": [{"ID": 7, "VALUE_TYPE": "WORK", "VALUE": "+7 999", "TYPE_ID": "PHONE"}],
        "EMAIL": [{"ID": 8, "VALUE_TYPE": "HOME", "VALUE": "a@b.c", "TYPE_ID": "EMAIL"}],
    }
    update = legacy_to_item(
        3, {"PHONE": [{"ID": 7, "VALUE": ""}, {"VALUE": "+1", "VALUE_TYPE": "WORK"}]}, updating=True
    )
    assert update == {
        "fm": {
            "7": {"typeId": "PHONE", "value": ""},
            "n0": {"typeId": "PHONE", "valueType": "WORK", "value": "+1"},
        }
    }


def test_other_kinds_parse_into_a_generic_item_keeping_unknown_keys() -> None:
    calls = ItemCalls(128)
    item = calls._parse_row(
        {
            "id": 6,
            "title": "Заявка",
            "stageId": "DT128_3:NEW",
            "opportunity": 1500.5,
            "ufCrm5_Color": "red",
            "entityTypeId": 128,
            "createdTime": "2024-05-23T18:18:25+02:00",
            "parentId2": 41,
        }
    )
    assert isinstance(item, Item)
    assert (item.id, item.stage_id, item.opportunity) == (6, "DT128_3:NEW", Decimal("1500.5"))
    assert item.date_create == dt.datetime.fromisoformat("2024-05-23T18:18:25+02:00")
    assert item["PARENT_ID_2"] == 41
    assert item["UF_CRM_5_COLOR"] == "red"


async def test_add_and_get_give_the_legacy_model_with_typed_values(client: Any, emu: Emulator) -> None:
    emu.call("crm.deal.userfield.add", {"fields": {"FIELD_NAME": "TOUR_CODE", "USER_TYPE_ID": "string"}})
    deal = await (await child(client.crm.item(2))).add(
        Deal(
            title="Тур",
            opportunity=Decimal("120000.50"),
            currency_id="RUB",
            **{"UF_CRM_TOUR_CODE": "SOCHI-7"},
        )
    )
    assert isinstance(deal, Deal)
    assert deal.opportunity == Decimal("120000.50")
    assert deal["UF_CRM_TOUR_CODE"] == "SOCHI-7"
    assert deal.date_create is not None
    assert deal.date_create.utcoffset() is not None
    assert deal.created_by_id == 1
    again = await (await child(client.crm.item(2))).get(deal.id)
    legacy = await client.crm.deal.get(deal.id)
    for field in ("title", "opportunity", "stage_id", "category_id", "date_create", "created_by_id"):
        assert getattr(again, field) == getattr(legacy, field), field
    assert again.custom_fields == legacy.custom_fields == {"UF_CRM_TOUR_CODE": "SOCHI-7"}


async def test_custom_fields_survive_item_and_legacy_round_trips(client: Any, emu: Emulator) -> None:
    emu.call("crm.company.userfield.add", {"fields": {"FIELD_NAME": "REGION", "USER_TYPE_ID": "string"}})
    company_id = await client.crm.company.add({"TITLE": "ООО «Ромашка»", "UF_CRM_REGION": "Сибирь"})
    company = await (await child(client.crm.item(4))).get(company_id)
    assert isinstance(company, Company)
    await (await child(client.crm.item(4))).update(
        company_id, {"title": "Ромашка-2", **company.custom_fields}
    )
    legacy = await client.crm.company.get(company_id)
    assert (legacy.title, legacy["UF_CRM_REGION"]) == ("Ромашка-2", "Сибирь")
    updated = await (await child(client.crm.item(4))).update(company_id, {"UF_CRM_REGION": "Урал"})
    assert updated["UF_CRM_REGION"] == "Урал"
    assert (await client.crm.company.get(company_id))["UF_CRM_REGION"] == "Урал"


async def test_lead_statuses_company_types_and_multifields(client: Any) -> None:
    lead = await (await child(client.crm.item(1))).add(
        {
            "title": "С сайта",
            "status_id": "IN_PROCESS",
            "PHONE": [{"VALUE": "+79991234567", "VALUE_TYPE": "WORK"}],
        }
    )
    assert isinstance(lead, Lead)
    assert (lead.status_id, lead.status_semantic_id) == ("IN_PROCESS", "P")
    assert [p.value for p in lead.phone or []] == ["+79991234567"]
    phone_id = (lead.phone or [])[0].id
    changed = await (await child(client.crm.item(1))).update(
        lead.id, {"PHONE": [{"ID": phone_id, "VALUE": ""}, {"VALUE": "+70000000000", "VALUE_TYPE": "MOBILE"}]}
    )
    assert [(p.value, p.value_type) for p in changed.phone or []] == [("+70000000000", "MOBILE")]
    legacy = await client.crm.lead.get(lead.id)
    assert legacy.status_id == "IN_PROCESS"
    company = await (await child(client.crm.item(4))).add({"TITLE": "Партнёр", "COMPANY_TYPE": "PARTNER"})
    assert company.company_type == (await client.crm.company.get(company.id)).company_type == "PARTNER"


async def test_lead_link_is_writable_through_item_only(client: Any) -> None:
    lead_id = await client.crm.lead.add({"TITLE": "Лид"})
    with pytest.raises(errors.InvalidInputError, match="LEAD_ID"):
        await client.crm.deal.add({"TITLE": "Сделка", "LEAD_ID": lead_id})
    deal = await (await child(client.crm.item(2))).add(Deal(title="Сделка", lead_id=lead_id))
    assert deal.lead_id == lead_id
    assert (await client.crm.deal.get(deal.id)).lead_id == lead_id


async def test_field_safety_names_the_key_and_the_nearest_one(client: Any, emu: Emulator) -> None:
    with pytest.raises(errors.InvalidInputError, match=r"'TITEL'.*'TITLE'"):
        await (await child(client.crm.item(2))).add({"TITEL": "x"})
    deal = await (await child(client.crm.item(2))).add({"title": "x"})
    with pytest.raises(errors.InvalidInputError, match="read-only"):
        await (await child(client.crm.item(2))).update(deal.id, {"IS_NEW": "N"})
    emu.reset_stats()
    await (await child(client.crm.item(2))).add({"title": "y"})
    assert "crm.item.fields" not in emu.stats.calls  # cached per client
    unchecked = await (await child(client.crm.item(2))).add({"title": "z", "TITEL": "ignored"}, check=False)
    assert unchecked.title == "z"


async def test_category_move_through_item_update(client: Any) -> None:
    funnel = await (await child(client.crm.category(2))).add({"name": "Опт"})
    deal = await (await child(client.crm.item(2))).add({"title": "x"})
    moved = await (await child(client.crm.item(2))).update(
        deal.id, {"category_id": funnel.id, "stage_id": f"C{funnel.id}:NEW"}
    )
    assert (moved.category_id, moved.stage_id) == (funnel.id, f"C{funnel.id}:NEW")


async def test_lists_page_stream_and_fetch_by_ids(client: Any, emu: Emulator) -> None:
    for i in range(51):
        emu.call("crm.deal.add", {"fields": {"TITLE": f"Deal {i}", "OPPORTUNITY": 100 + i}})
    page = await (await child(client.crm.item(2))).list(select=["id", "title"], order={"id": "DESC"})
    assert (len(page), page.total, page.next) == (50, 51, 50)
    assert page.items[0].title == "Deal 50"
    emu.reset_stats()
    rows = await (await child(client.crm.item(2))).list_all(filter={">=opportunity": 110}, select=["title"])
    assert [r.id for r in rows] == list(range(11, 52))
    assert emu.stats.requests == 1  # one probe batch: first page (41 rows) and the highest id
    assert emu.stats.rows_skipped == 0  # keyset on lowercase ``id``, never an OFFSET
    assert [d.id for d in await (await child(client.crm.item(2))).get_many([40, 3, 999])] == [40, 3]
    assert (await (await child(client.crm.item(2))).list(filter={"stage_id": "WON"})).total == 0
    assert await (await child(client.crm.item(2))).delete(3) is True
    with pytest.raises(errors.NotFoundError):
        await (await child(client.crm.item(2))).get(3)


async def test_bad_arguments_fail_before_any_request(client: Any, emu: Emulator) -> None:
    emu.reset_stats()
    with pytest.raises(errors.InvalidInputError):
        await child(client.crm.item(0))
    with pytest.raises(errors.InvalidInputError):
        await (await child(client.crm.item(2))).get(-1)
    with pytest.raises(errors.InvalidInputError, match="ASC"):
        await (await child(client.crm.item(2))).list(order={"id": "up"})
    with pytest.raises(errors.InvalidInputError):
        await (await child(client.crm.item(2))).add({"opportunity": "a lot"})
    assert not emu.stats.calls
