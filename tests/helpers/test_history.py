"""history(): one chronological, typed timeline from stage history, activities and comments."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from bitrix24_toolkit import errors
from bitrix24_toolkit.helpers import Owner, add_comment, complete_activity, history, plan_activity
from bitrix24_toolkit.protocol.envelope import APIResponse
from bitrix24_toolkit.testing.emulator import Emulator

from .canned_answers import Canned

HOUR = 3600


async def test_a_converted_lead_tells_its_story_in_order(client: Any, emu: Emulator, tmp_path: Path) -> None:
    lead_id = int(emu.call("crm.lead.add", {"fields": {"TITLE": "Тур в Сочи", "NAME": "Анна"}})[1]["result"])
    emu.advance(HOUR)
    await client.run(add_comment.flow(("lead", lead_id), "Хочет вылет в июле"))
    emu.advance(HOUR)
    planned = await client.run(plan_activity.flow(("lead", lead_id), deadline="2030-01-01T10:00:00"))
    emu.advance(HOUR)
    emu.call("crm.lead.update", {"id": lead_id, "fields": {"STATUS_ID": "IN_PROCESS"}})
    emu.advance(HOUR)
    call_id = await client.run(plan_activity.flow(("lead", lead_id), "call", deadline="2030-01-01T12:00:00"))
    emu.advance(HOUR)
    await client.run(complete_activity.flow(call_id))
    emu.advance(HOUR)
    item = emu.call(
        "crm.item.add", {"entityTypeId": 2, "fields": {"title": "Сделка из лида", "leadId": lead_id}}
    )
    deal_id = int(item[1]["result"]["item"]["id"])
    emu.call("crm.lead.update", {"id": lead_id, "fields": {"STATUS_ID": "CONVERTED"}})

    emu.reset_stats()
    story = await client.run(history.flow(Owner.lead(lead_id)))
    assert emu.stats.requests == 1  # everything in one batch
    assert story.title == "Тур в Сочи"
    assert [(event.kind, event.ref_id) for event in story] == [
        ("created", 1),
        ("comment", 1),
        ("activity", planned),
        ("stage", 2),
        ("activity", call_id),
        ("stage", 4),  # row 3 is the deal's own creation
        ("converted", deal_id),
    ]
    times = [event.at for event in story]
    assert times == sorted(times)
    assert times[-1] - times[0] == dt.timedelta(hours=6)
    texts = [event.text for event in story]
    rows = emu.call("crm.status.list", {"filter": {"ENTITY_ID": "STATUS"}})[1]["result"]
    name = {row["STATUS_ID"]: row["NAME"] for row in rows}
    new, working, good = name["NEW"], name["IN_PROCESS"], name["CONVERTED"]
    assert texts[0] == f"created at stage «{new}»"
    assert texts[1] == "Хочет вылет в июле"
    assert texts[2] == "to-do planned (due 2030-01-01 10:00): Call"
    assert texts[3] == f"stage «{new}» → «{working}»"
    assert texts[4] == "to-do done: Call"
    assert texts[5] == f"stage «{working}» → «{good}» (success)"
    assert texts[6] == f"converted: deal {deal_id} «Сделка из лида» created"

    printed = story.render().splitlines()
    assert printed[0] == f"Lead {lead_id} «Тур в Сочи»: 7 events"
    assert printed[4].endswith(f"stage «{new}» → «{working}»")
    dicts = story.to_dicts()
    assert dicts[3]["stage_id"] == "IN_PROCESS"
    assert dicts[3]["at"] == times[3].isoformat()
    with story.to_csv(tmp_path / "story.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert len(list(csv.reader(handle, delimiter=";"))) == 8

    deal_story = await client.run(history.flow(("deal", deal_id)))
    assert [event.kind for event in deal_story][:2] == ["created", "origin"]
    assert deal_story.of_kind("origin")[0].ref_id == lead_id


def test_demo_portal_histories_match_the_raw_data() -> None:
    emu = Emulator.demo(limits="off")
    leads = emu.state.table("lead")
    converted = next(i for i, row in sorted(leads.items()) if row["STATUS_ID"] == "CONVERTED")
    corporate = next(
        i for i, row in sorted(emu.state.table("deal").items()) if int(row.get("CATEGORY_ID") or 0) > 0
    )
    with emu.client() as b24:
        story = history(b24, ("lead", converted))
        deal_story = history(b24, ("deal", corporate))

    stage_rows = [
        r
        for r in emu.state.table("stagehistory").values()
        if r["ENTITY_TYPE_ID"] == 1 and r["OWNER_ID"] == converted
    ]
    activity_rows = [
        r
        for r in emu.state.table("activity").values()
        if (r["OWNER_TYPE_ID"], r["OWNER_ID"]) == (1, converted)
    ]
    comment_rows = [
        r
        for r in emu.state.table("timeline_comment").values()
        if (r["ENTITY_TYPE"], r["ENTITY_ID"]) == ("lead", converted)
    ]
    made = [
        r
        for table in ("deal", "contact", "company")
        for r in emu.state.table(table).values()
        if r.get("LEAD_ID") == converted
    ]
    assert len(story.of_kind("created", "stage")) == len(stage_rows)
    assert len(story.of_kind("activity")) == len(activity_rows)
    assert len(story.of_kind("comment")) == len(comment_rows)
    assert len(story.of_kind("converted")) == len(made) >= 1
    assert story.of_kind("stage")[-1].text.endswith("(success)")
    assert [e.at for e in story] == sorted(e.at for e in story)

    category = int(emu.state.table("deal")[corporate]["CATEGORY_ID"])
    names = {
        row["STATUS_ID"]: row["NAME"]
        for row in emu.call("crm.status.list", {"filter": {"ENTITY_ID": f"DEAL_STAGE_{category}"}})[1][
            "result"
        ]
    }
    first = deal_story.of_kind("created")[0]
    assert first.text == f"created at stage «{names[first.data['stage_id']]}»"


def test_long_lists_are_paged_and_the_funnel_names_follow_the_deal() -> None:
    def answer(method: str, params: dict[str, Any]) -> Any:
        if method == "crm.deal.get":
            return {
                "ID": "5",
                "TITLE": "Корпоратив",
                "CATEGORY_ID": "1",
                "DATE_CREATE": "2026-01-01T10:00:00+03:00",
            }
        if method == "crm.stagehistory.list":
            return APIResponse(
                result={
                    "items": [
                        {
                            "ID": 1,
                            "TYPE_ID": 1,
                            "OWNER_ID": 5,
                            "CREATED_TIME": "2026-01-01T10:00:00+03:00",
                            "CATEGORY_ID": 1,
                            "STAGE_SEMANTIC_ID": "P",
                            "STAGE_ID": "C1:NEW",
                        },
                        {
                            "ID": 2,
                            "TYPE_ID": 3,
                            "OWNER_ID": 5,
                            "CREATED_TIME": "2026-01-03T10:00:00+03:00",
                            "CATEGORY_ID": 1,
                            "STAGE_SEMANTIC_ID": "S",
                            "STAGE_ID": "C1:WON",
                        },
                    ]
                },
                total=2,
            )
        if method == "crm.status.list":
            if params["filter"]["ENTITY_ID"] == "DEAL_STAGE":
                return [{"STATUS_ID": "NEW", "NAME": "Новая"}]
            return [{"STATUS_ID": "C1:NEW", "NAME": "Запрос"}, {"STATUS_ID": "C1:WON", "NAME": "Оплачено"}]
        if method == "crm.activity.list":
            start = int(params.get("start", 0))
            rows = [
                {
                    "ID": str(i),
                    "TYPE_ID": "2",
                    "SUBJECT": f"звонок {i}",
                    "COMPLETED": "Y",
                    "CREATED": "2026-01-02T10:00:00+03:00",
                    "LAST_UPDATED": "2026-01-02T10:00:00+03:00",
                }
                for i in range(start + 1, min(start + 50, 120) + 1)
            ]
            return APIResponse(result=rows, total=120, next=start + 50 if start + 50 < 120 else None)
        if method == "crm.timeline.comment.list":
            return APIResponse(result=[], total=0)
        raise AssertionError(method)

    canned = Canned(answer)
    story = canned.run(history.flow(("deal", 5)))
    assert canned.requests == 2  # the batch, then pages 2 and 3 of the activities together
    names_cat = next(c for c in canned.calls if c.method == "crm.status.list" and "$result" in str(c.params))
    assert names_cat.params["filter"]["ENTITY_ID"] == "DEAL_STAGE_$result[entity][CATEGORY_ID]"
    assert len(story.of_kind("activity")) == 120
    assert [e.text for e in story.of_kind("created", "stage")] == [
        "created at stage «Запрос»",
        "stage «Запрос» → «Оплачено» (success)",
    ]
    assert story.events[-1].kind == "stage"


async def test_a_missing_object_raises(client: Any) -> None:
    with pytest.raises(errors.NotFoundError):
        await client.run(history.flow(("deal", 999)))
