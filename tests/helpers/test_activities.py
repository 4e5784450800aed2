"""plan_activity, my_activities (counters), complete_activity, add_comment and Owner."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bitrix24_toolkit import errors
from bitrix24_toolkit.helpers import Owner, add_comment, complete_activity, my_activities, plan_activity
from bitrix24_toolkit.helpers.activities._activities import classify
from bitrix24_toolkit.models.crm import Deal
from bitrix24_toolkit.testing.emulator import Emulator

from .canned_answers import Canned

MSK = dt.timezone(dt.timedelta(hours=3))
NOW = dt.datetime(2026, 6, 30, 12, 0, tzinfo=MSK)


def _deal(emu: Emulator, title: str = "Тур") -> int:
    return int(emu.call("crm.deal.add", {"fields": {"TITLE": title}})[1]["result"])


def _lead(emu: Emulator) -> int:
    return int(emu.call("crm.lead.add", {"fields": {"TITLE": "Лид"}})[1]["result"])


async def test_plan_complete_and_comment(client: Any, emu: Emulator) -> None:
    deal_id = _deal(emu)
    deadline = dt.datetime(2026, 7, 1, 15, 0, tzinfo=MSK)
    activity_id = await client.run(
        plan_activity.flow(("deal", deal_id), "meeting", deadline=deadline, responsible=3, description="офис")
    )
    row = emu.state.table("activity")[activity_id]
    assert (row["OWNER_TYPE_ID"], row["OWNER_ID"], row["PROVIDER_ID"]) == (2, deal_id, "CRM_TODO")
    assert (row["SUBJECT"], row["DESCRIPTION"], row["RESPONSIBLE_ID"]) == ("Meeting", "офис", 3)
    assert row["DEADLINE"] == "2026-07-01T15:00:00+03:00"
    assert row["COMPLETED"] == "N"

    assert await client.run(complete_activity.flow(activity_id)) is True
    assert emu.state.table("activity")[activity_id]["COMPLETED"] == "Y"

    comment_id = await client.run(add_comment.flow(Owner.deal(deal_id), "Клиент подтвердил встречу"))
    comment = emu.state.table("timeline_comment")[comment_id]
    assert (comment["ENTITY_TYPE"], comment["ENTITY_ID"], comment["COMMENT"]) == (
        "deal",
        deal_id,
        "Клиент подтвердил встречу",
    )


async def test_my_activities_counts_like_the_ui(client: Any, emu: Emulator) -> None:
    deal_a, deal_b, lead = _deal(emu, "A"), _deal(emu, "B"), _lead(emu)
    plan = [  # (owner, deadline, responsible)
        (("deal", deal_a), NOW - dt.timedelta(days=2), 1),  # overdue
        (("deal", deal_a), NOW - dt.timedelta(minutes=1), 1),  # overdue (earlier today)
        (("deal", deal_a), NOW + dt.timedelta(hours=3), 1),  # today
        (("deal", deal_b), dt.datetime(2026, 6, 30, 23, 59, tzinfo=MSK), 1),  # today, last minute
        (("deal", deal_b), dt.datetime(2026, 7, 1, 0, 0, tzinfo=MSK), 1),  # upcoming (tomorrow)
        (("lead", lead), NOW + dt.timedelta(days=10), 1),  # upcoming
        (("lead", lead), NOW - dt.timedelta(days=1), 2),  # someone else's
    ]
    ids = []
    for owner, deadline, user in plan:
        ids.append(await client.run(plan_activity.flow(owner, "call", deadline=deadline, responsible=user)))
    done = await client.run(plan_activity.flow(("lead", lead), "task", deadline=NOW - dt.timedelta(days=5)))
    await client.run(complete_activity.flow(done))

    mine = await client.run(my_activities.flow(1, now=NOW))
    assert mine.counters.as_dict() == {"overdue": 2, "today": 2, "upcoming": 2, "no_deadline": 0, "total": 6}
    assert [item.activity.id for item in mine.items] == ids[:6]  # by deadline, completed left out
    assert [item.due for item in mine.items] == [
        "overdue",
        "overdue",
        "today",
        "today",
        "upcoming",
        "upcoming",
    ]
    assert mine.by_owner[Owner.deal(deal_a)].as_dict() == {
        "overdue": 2,
        "today": 1,
        "upcoming": 0,
        "no_deadline": 0,
        "total": 3,
    }
    assert mine.by_owner[Owner.deal(deal_b)].today == 1
    assert mine.by_owner[Owner.deal(deal_b)].upcoming == 1
    assert mine.by_owner[Owner.lead(lead)].total == 1
    assert {item.kind for item in mine.items} == {"todo"}
    assert "2 overdue, 2 today, 2 upcoming" in mine.render()

    theirs = await client.run(my_activities.flow(2, now=NOW))
    assert theirs.counters.overdue == 1
    assert theirs.counters.total == 1


async def test_my_activities_defaults_to_the_caller_and_the_portal_clock(client: Any, emu: Emulator) -> None:
    deal_id = _deal(emu)
    portal_now = dt.datetime.fromisoformat(emu.state.now_iso())
    await client.run(plan_activity.flow(("deal", deal_id), deadline=portal_now - dt.timedelta(hours=1)))
    await client.run(plan_activity.flow(("deal", deal_id), deadline=portal_now + dt.timedelta(days=3)))
    emu.reset_stats()
    mine = await client.run(my_activities.flow())
    assert mine.user_id == 1  # the webhook's user
    assert abs((mine.now - portal_now).total_seconds()) < 60
    assert (mine.counters.overdue, mine.counters.upcoming) == (1, 1)
    assert emu.stats.requests == 2  # user.current + server.time in one batch, then one page


def test_classify_boundaries() -> None:
    assert classify(None, NOW) == "no_deadline"
    assert classify(NOW, NOW) == "today"  # due now is not yet overdue
    assert classify(NOW - dt.timedelta(seconds=1), NOW) == "overdue"
    assert classify(dt.datetime(2026, 6, 30, 20, 59, tzinfo=dt.UTC), NOW) == "today"  # 23:59 Moscow
    assert classify(dt.datetime(2026, 6, 30, 21, 0, tzinfo=dt.UTC), NOW) == "upcoming"  # midnight Moscow
    assert classify(dt.datetime(2026, 6, 30, 18, 0), NOW) == "today"  # naive: read in now's zone


def test_plan_activity_sends_reminders_and_defaults_with_canned_answers() -> None:
    canned = Canned(lambda method, params: {"id": 42})
    flow = plan_activity.flow(Owner.lead(9), "email", deadline="2026-07-01T10:00:00", remind=(60, 0, 15))
    assert canned.run(flow) == 42
    (call,) = canned.calls
    assert call.method == "crm.activity.todo.add"
    assert dict(call.params) == {
        "ownerTypeId": 1,
        "ownerId": 9,
        "deadline": "2026-07-01T10:00:00",
        "title": "E-mail",
        "pingOffsets": [0, 15, 60],
    }
    relative = Canned(lambda method, params: {"id": 1})
    relative.run(
        plan_activity.flow(("deal", 3), deadline=dt.timedelta(hours=2), remind=None, title="Позвонить")
    )
    sent = dt.datetime.fromisoformat(relative.calls[0].params["deadline"])
    assert abs((sent - dt.datetime.now().astimezone()).total_seconds() - 7200) < 60
    assert "pingOffsets" not in relative.calls[0].params


def test_bad_input_is_refused_before_any_request() -> None:
    with pytest.raises(errors.InvalidInputError, match="kind must be"):
        plan_activity.flow(("deal", 1), "visit", deadline=NOW).send(None)  # type: ignore[arg-type]
    with pytest.raises(errors.InvalidInputError, match="cannot be negative"):
        plan_activity.flow(("deal", 1), deadline=NOW, remind=(-5,)).send(None)
    with pytest.raises(errors.InvalidInputError, match="deadline must be"):
        plan_activity.flow(("deal", 1), deadline=5).send(None)  # type: ignore[arg-type]


def test_owner_forms() -> None:
    assert Owner.of(("deal", 5)) == Owner.of((2, 5)) == Owner.of(Owner.deal(5)) == Owner.of(Deal(id=5))
    assert Owner.of(("DYNAMIC_128", "7")) == Owner(128, 7)
    assert (Owner.lead(3).name, Owner(128, 1).name, str(Owner.company(4))) == (
        "lead",
        "dynamic_128",
        "company 4",
    )
    for bad in (("robot", 1), ("deal", 0), ("deal", "x"), Deal(), 5, ("deal", 1.5)):
        with pytest.raises(errors.InvalidInputError):
            Owner.of(bad)
