"""``b24.crm.duplicate``, ``b24.crm.activity`` (+ ``todo``) and ``b24.crm.timeline.comment``, both clients."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bitrix24_toolkit import errors
from bitrix24_toolkit.models.activity import Activity
from bitrix24_toolkit.services.timeline import timeline_entity_type
from bitrix24_toolkit.testing.emulator import Emulator

MSK = dt.timezone(dt.timedelta(hours=3))


async def test_duplicates_by_phone_and_email(client: Any) -> None:
    contact = await client.crm.contact.add({"NAME": "Анна", "PHONE": [{"VALUE": "+7 (999) 123-45-67"}]})
    lead = await client.crm.lead.add({"TITLE": "Лид", "EMAIL": [{"VALUE": "Anna@Example.com"}]})
    found = await client.crm.duplicate.find_by_comm("phone", ["79991234567"])
    assert (found.contact, found.lead, found.empty) == ([contact], [], False)
    by_mail = await client.crm.duplicate.find_by_comm("EMAIL", ["anna@example.com"], entity_type="lead")
    assert by_mail.lead == [lead]
    nothing = await client.crm.duplicate.find_by_comm("EMAIL", ["nobody@example.com"])
    assert nothing.empty


async def test_todo_and_activity_lifecycle(client: Any) -> None:
    deal_id = await client.crm.deal.add({"TITLE": "Сделка"})
    deadline = dt.datetime(2025, 2, 3, 15, 0, 0, 123, tzinfo=MSK)
    todo_id = await client.crm.activity.todo.add(
        2, deal_id, deadline, title="Позвонить", description="Уточнить даты", ping_offsets=[0, 15]
    )
    todo = await client.crm.activity.get(todo_id)
    assert isinstance(todo, Activity)
    assert todo.is_todo
    assert (todo.owner_type_id, todo.owner_id, todo.subject) == (2, deal_id, "Позвонить")
    assert todo.deadline == deadline.replace(microsecond=0)
    assert (todo.completed, todo.status) == (False, 1)
    call_id = await client.crm.activity.add(
        Activity(
            owner_type_id=2,
            owner_id=deal_id,
            type_id=2,
            subject="Входящий звонок",
            responsible_id=1,  # required (crm-activity-add.md: "The field RESPONSIBLE_ID is not defined...")
            start_time=dt.datetime(2025, 2, 1, 10, 0, tzinfo=MSK),
            communications=[{"VALUE": "+79991234567", "TYPE": "PHONE"}],
        )
    )
    rows = await client.crm.activity.list_all(filter={"owner_id": deal_id}, order={"ID": "ASC"})
    assert [a.id for a in rows] == [todo_id, call_id]
    assert await client.crm.activity.update(todo_id, {"completed": True})
    done = await client.crm.activity.get(todo_id)
    assert (done.completed, done.status) == (True, 2)
    page = await client.crm.activity.list(filter={"COMPLETED": "N"}, select=["ID", "SUBJECT"])
    assert [(a.id, a.subject) for a in page] == [(call_id, "Входящий звонок")]
    assert (await client.crm.activity.fields())["OWNER_ID"].is_immutable
    assert await client.crm.activity.delete(call_id)
    with pytest.raises(errors.NotFoundError):
        await client.crm.activity.get(call_id)


async def test_timeline_comments(client: Any) -> None:
    deal_id = await client.crm.deal.add({"TITLE": "Сделка"})
    first = await client.crm.timeline.comment.add(2, deal_id, "Клиент просил перезвонить")
    second = await client.crm.timeline.comment.add("DEAL", deal_id, "[B]Важно[/B]")
    comment = await client.crm.timeline.comment.get(first)
    assert (comment.entity_type, comment.entity_id, comment.comment) == (
        "deal",
        deal_id,
        "Клиент просил перезвонить",
    )
    assert comment.created is not None
    page = await client.crm.timeline.comment.list(filter={"ENTITY_TYPE": "DEAL", "ENTITY_ID": deal_id})
    assert [c.id for c in page] == [first, second]
    assert await client.crm.timeline.comment.update(second, "Неважно") == second
    assert (await client.crm.timeline.comment.get(second)).comment == "Неважно"
    assert await client.crm.timeline.comment.delete(first)
    assert [c.id for c in await client.crm.timeline.comment.list(filter={"entity_id": deal_id})] == [second]


@pytest.mark.parametrize(
    ("given", "sent"), [(2, "deal"), ("Lead", "lead"), (128, "dynamic_128"), ("dynamic_1046", "dynamic_1046")]
)
def test_timeline_entity_types(given: Any, sent: str) -> None:
    assert timeline_entity_type(given) == sent


async def test_bad_arguments_fail_before_any_request(client: Any, emu: Emulator) -> None:
    emu.reset_stats()
    with pytest.raises(errors.InvalidInputError, match="20"):
        await client.crm.duplicate.find_by_comm("PHONE", [f"+7999000{i:04}" for i in range(21)])
    with pytest.raises(errors.InvalidInputError, match="type"):
        await client.crm.duplicate.find_by_comm("FAX", ["1"])
    with pytest.raises(errors.InvalidInputError, match="values"):
        await client.crm.duplicate.find_by_comm("PHONE", "+79991234567")
    with pytest.raises(errors.InvalidInputError, match="entity_type"):
        await client.crm.duplicate.find_by_comm("PHONE", ["1"], entity_type="DEAL")
    with pytest.raises(errors.InvalidInputError, match="deadline"):
        await client.crm.activity.todo.add(2, 1, "")
    with pytest.raises(errors.InvalidInputError, match="OWNER_ID"):
        await client.crm.activity.update(1, {"OWNER_ID": 5})
    with pytest.raises(errors.InvalidInputError, match="TYPE_ID"):
        await client.crm.activity.add({"OWNER_TYPE_ID": 2, "OWNER_ID": 1})
    with pytest.raises(errors.InvalidInputError, match="comment"):
        await client.crm.timeline.comment.add("deal", 1, "  ")
    with pytest.raises(errors.InvalidInputError, match="entity_type"):
        await client.crm.timeline.comment.add(0, 1, "x")
    assert not emu.stats.calls
