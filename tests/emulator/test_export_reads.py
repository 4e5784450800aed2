"""What an incremental export reads, as the official pages describe it (issue 21).

``crm.{deal,lead,contact,company}.list`` (crm-deal-list.md and its siblings): ``>=``/``>`` on
``DATE_MODIFY`` with ISO 8601 values in any offset (compared as instants), ``order`` by ``DATE_MODIFY``
desc, ``>=ID``/``<=ID`` ranges with ``select ["ID"]`` and a ``total`` that counts the filter (also as
``result_total`` of a ``batch``, batch.md); ``DATE_CREATE``/``DATE_MODIFY`` set on add and moved on every
update (crm-deal-fields.md: "Date modified"); ``crm.*.delete`` removes the row from every list;
``crm.activity.list`` on ``LAST_UPDATED``; ``crm.stagehistory.list`` keyset by ``>ID``.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any
from urllib.parse import urlencode

import pytest

from bitrix24_toolkit.testing.emulator.portal import Emulator

ENTITIES = ("deal", "lead", "contact", "company")


def ok(emu: Emulator, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    status, body = emu.call(method, params or {})
    assert status == 200, (method, body)
    assert "error" not in body, (method, body)
    return body


def ids(body: dict[str, Any]) -> list[int]:
    return [int(row["ID"]) for row in body["result"]]


def in_offset(text: str, hours: float) -> str:
    """The same instant written with another UTC offset."""
    return dt.datetime.fromisoformat(text).astimezone(dt.timezone(dt.timedelta(hours=hours))).isoformat()


@pytest.mark.parametrize("entity", ENTITIES)
def test_date_modify_filters_compare_instants_whatever_the_offset(fresh_demo: Emulator, entity: str) -> None:
    newest = ok(
        fresh_demo, f"crm.{entity}.list", {"order": {"DATE_MODIFY": "DESC"}, "select": ["ID", "DATE_MODIFY"]}
    )
    stamps = [row["DATE_MODIFY"] for row in newest["result"]]
    moments = [dt.datetime.fromisoformat(s) for s in stamps]
    assert moments == sorted(moments, reverse=True)
    assert len(set(moments)) > 3
    assert set(newest["result"][0]) == {"ID", "DATE_MODIFY"}
    pivot = stamps[3]
    expected_ge = sorted(
        int(r["ID"])
        for r, m in zip(newest["result"], moments, strict=True)
        if m >= dt.datetime.fromisoformat(pivot)
    )
    expected_gt = sorted(
        int(r["ID"])
        for r, m in zip(newest["result"], moments, strict=True)
        if m > dt.datetime.fromisoformat(pivot)
    )
    for hours in (0, 3, -5, 5.5):
        value = in_offset(pivot, hours)
        ge = ok(fresh_demo, f"crm.{entity}.list", {"filter": {">=DATE_MODIFY": value}, "select": ["ID"]})
        gt = ok(fresh_demo, f"crm.{entity}.list", {"filter": {">DATE_MODIFY": value}, "select": ["ID"]})
        assert sorted(ids(ge)) == expected_ge, value
        assert sorted(ids(gt)) == expected_gt, value
        assert ge["total"] == len(expected_ge)
        assert gt["total"] == len(expected_gt)
    utc_z = in_offset(pivot, 0).replace("+00:00", "Z")
    assert (
        sorted(ids(ok(fresh_demo, f"crm.{entity}.list", {"filter": {">=DATE_MODIFY": utc_z}}))) == expected_ge
    )


@pytest.mark.parametrize("entity", ENTITIES)
def test_id_ranges_count_with_select_id(fresh_demo: Emulator, entity: str) -> None:
    every = ok(fresh_demo, f"crm.{entity}.list", {"select": ["ID"], "filter": {">ID": 0}})
    assert set(every["result"][0]) == {"ID"}
    low, high = 5, 30
    ok(fresh_demo, f"crm.{entity}.delete", {"id": 12})
    answer = ok(fresh_demo, f"crm.{entity}.list", {"filter": {">=ID": low, "<=ID": high}, "select": ["ID"]})
    assert ids(answer) == [i for i in range(low, high + 1) if i != 12]
    assert answer["total"] == high - low  # 26 ids, one deleted
    assert "next" not in answer  # one page


def test_totals_inside_a_batch_count_each_filter(fresh_demo: Emulator) -> None:
    commands = {
        "deals": "crm.deal.list?" + urlencode({"filter[>=ID]": 10, "filter[<=ID]": 20, "select[]": "ID"}),
        "leads": "crm.lead.list?" + urlencode({"filter[>=ID]": 1, "filter[<=ID]": 7, "select[]": "ID"}),
        "all": "crm.company.list?" + urlencode({"select[]": "ID"}),
    }
    body = ok(fresh_demo, "batch", {"halt": 0, "cmd": commands})["result"]
    companies = ok(fresh_demo, "crm.company.list", {"select": ["ID"]})["total"]
    assert body["result_total"] == {"deals": 11, "leads": 7, "all": companies}
    assert [int(r["ID"]) for r in body["result"]["deals"]] == list(range(10, 21))


@pytest.mark.parametrize("entity", ENTITIES)
def test_add_sets_both_dates_and_every_update_moves_date_modify(emu: Emulator, entity: str) -> None:
    new = ok(emu, f"crm.{entity}.add", {"fields": {"TITLE": "T", "NAME": "N"}})["result"]
    row = ok(emu, f"crm.{entity}.get", {"id": new})["result"]
    assert row["DATE_CREATE"] == row["DATE_MODIFY"] == emu.state.now_iso()
    seen = [row["DATE_MODIFY"]]
    for step in range(3):
        emu.advance(61)
        ok(emu, f"crm.{entity}.update", {"id": new, "fields": {"COMMENTS": f"change {step}"}})
        seen.append(ok(emu, f"crm.{entity}.get", {"id": new})["result"]["DATE_MODIFY"])
    emu.advance(61)
    type_id = {"lead": 1, "deal": 2, "contact": 3, "company": 4}[entity]
    ok(emu, "crm.item.update", {"entityTypeId": type_id, "id": new, "fields": {"comments": "by item"}})
    seen.append(ok(emu, f"crm.{entity}.get", {"id": new})["result"]["DATE_MODIFY"])
    moments = [dt.datetime.fromisoformat(s) for s in seen]
    assert all(b - a == dt.timedelta(seconds=61) for a, b in itertools.pairwise(moments)), seen
    assert ok(emu, f"crm.{entity}.get", {"id": new})["result"]["DATE_CREATE"] == seen[0]
    # the changed row is what a ">=DATE_MODIFY" rerun finds, and only it
    since = ok(emu, f"crm.{entity}.list", {"filter": {">=DATE_MODIFY": in_offset(seen[-1], 0)}})
    assert ids(since) == [new]


@pytest.mark.parametrize("entity", ENTITIES)
def test_deleted_rows_leave_lists_counts_and_keyset_pages(fresh_demo: Emulator, entity: str) -> None:
    before = ok(fresh_demo, f"crm.{entity}.list", {"select": ["ID"]})["total"]
    for gone in (2, 3, 30):
        assert ok(fresh_demo, f"crm.{entity}.delete", {"id": gone})["result"] is True
    after = ok(fresh_demo, f"crm.{entity}.list", {"select": ["ID"]})
    assert after["total"] == before - 3
    keyset = ok(fresh_demo, f"crm.{entity}.list", {"filter": {">ID": 1}, "order": {"ID": "ASC"}, "start": -1})
    assert ids(keyset)[:3] == [4, 5, 6]
    assert not set(ids(keyset)) & {2, 3, 30}
    status, body = fresh_demo.call(f"crm.{entity}.get", {"id": 2})
    assert status == 400
    assert body["error_description"] == "Not found"


def test_deleting_a_deal_removes_its_product_rows(fresh_demo: Emulator) -> None:
    owner = next(
        r["OWNER_ID"] for r in fresh_demo.state.table("productrow").values() if r["OWNER_TYPE"] == "D"
    )
    flt = {"=ownerType": "D", "=ownerId": owner}
    assert ok(fresh_demo, "crm.item.productrow.list", {"filter": flt})["result"]["productRows"]
    ok(fresh_demo, "crm.deal.delete", {"id": owner})
    answer = ok(fresh_demo, "crm.item.productrow.list", {"filter": flt})
    assert answer["result"]["productRows"] == []
    assert answer["total"] == 0


def test_activity_list_on_last_updated_and_its_fields(fresh_demo: Emulator) -> None:
    newest = ok(
        fresh_demo, "crm.activity.list", {"order": {"LAST_UPDATED": "DESC"}, "select": ["ID", "LAST_UPDATED"]}
    )
    stamps = [dt.datetime.fromisoformat(r["LAST_UPDATED"]) for r in newest["result"]]
    assert stamps == sorted(stamps, reverse=True)
    pivot = newest["result"][5]["LAST_UPDATED"]
    want = sorted(
        int(r["ID"])
        for r, m in zip(newest["result"], stamps, strict=True)
        if m >= dt.datetime.fromisoformat(pivot)
    )
    got = ok(
        fresh_demo,
        "crm.activity.list",
        {"filter": {">=LAST_UPDATED": in_offset(pivot, -2)}, "select": ["ID"]},
    )
    assert sorted(ids(got)) == want
    assert got["total"] == len(want)
    fields = ok(fresh_demo, "crm.activity.fields")["result"]
    assert fields["LAST_UPDATED"]["type"] == "datetime"
    assert fields["ID"]["type"] == "integer"
    assert {"OWNER_ID", "OWNER_TYPE_ID", "SUBJECT", "CREATED", "COMMUNICATIONS"} <= set(fields)


@pytest.mark.parametrize(("type_id", "stage_key"), [(2, "STAGE_ID"), (1, "STATUS_ID")])
def test_stage_history_keyset_by_id(fresh_demo: Emulator, type_id: int, stage_key: str) -> None:
    everything: list[int] = []
    cursor = 0
    while True:
        params = {"entityTypeId": type_id, "filter": {">ID": cursor}, "order": {"ID": "ASC"}, "start": -1}
        items = ok(fresh_demo, "crm.stagehistory.list", params)["result"]["items"]
        if not items:
            break
        everything += [int(i["ID"]) for i in items]
        cursor = everything[-1]
        assert all(stage_key in i and i["OWNER_ID"] for i in items)
    stored = sorted(
        k for k, r in fresh_demo.state.table("stagehistory").items() if r["ENTITY_TYPE_ID"] == type_id
    )
    assert everything == stored
    assert len(stored) > 50
    tail = ok(
        fresh_demo,
        "crm.stagehistory.list",
        {"entityTypeId": type_id, "filter": {">ID": stored[-10]}, "order": {"ID": "DESC"}},
    )
    assert [int(i["ID"]) for i in tail["result"]["items"]] == stored[-9:][::-1]
    assert tail["total"] == 9


def test_stage_moves_append_history_a_rerun_finds_by_id(emu: Emulator) -> None:
    deal = ok(emu, "crm.deal.add", {"fields": {"TITLE": "D"}})["result"]
    last = max(emu.state.table("stagehistory"))
    ok(emu, "crm.deal.update", {"id": deal, "fields": {"STAGE_ID": "PREPARATION"}})
    ok(emu, "crm.deal.update", {"id": deal, "fields": {"STAGE_ID": "WON"}})
    new = ok(emu, "crm.stagehistory.list", {"entityTypeId": 2, "filter": {">ID": last}})["result"]["items"]
    assert [(i["STAGE_ID"], i["TYPE_ID"]) for i in new] == [("PREPARATION", 2), ("WON", 3)]


def test_directories_categories_and_users_are_read_whole(fresh_demo: Emulator) -> None:
    statuses = ok(fresh_demo, "crm.status.list")
    stored = fresh_demo.state.table("status")
    assert statuses["total"] == len(stored) == len(statuses["result"])
    assert {r["ENTITY_ID"] for r in statuses["result"]} >= {"STATUS", "DEAL_STAGE", "DEAL_STAGE_1", "SOURCE"}
    categories = ok(fresh_demo, "crm.category.list", {"entityTypeId": 2})["result"]["categories"]
    assert [(c["id"], c["isDefault"]) for c in categories] == [(0, "Y"), (1, "N")]
    first = ok(fresh_demo, "user.get", {})
    assert first["total"] == len(fresh_demo.state.table("user"))
    people = first["result"]
    if "next" in first:
        people += ok(fresh_demo, "user.get", {"start": first["next"]})["result"]
    assert sorted(int(u["ID"]) for u in people) == sorted(fresh_demo.state.table("user"))
    assert {"ID", "ACTIVE", "NAME", "LAST_NAME", "EMAIL", "UF_DEPARTMENT"} <= set(people[0])


def test_userfield_add_and_delete_change_deal_fields(fresh_demo: Emulator) -> None:
    before = ok(fresh_demo, "crm.deal.fields")["result"]
    fields = {"FIELD_NAME": "EXPORT_BUDGET", "USER_TYPE_ID": "money", "EDIT_FORM_LABEL": "Budget"}
    uf_id = ok(fresh_demo, "crm.deal.userfield.add", {"fields": fields})["result"]
    added = ok(fresh_demo, "crm.deal.fields")["result"]
    assert set(added) - set(before) == {"UF_CRM_EXPORT_BUDGET"}
    assert added["UF_CRM_EXPORT_BUDGET"]["type"] == "money"
    ok(fresh_demo, "crm.deal.update", {"id": 1, "fields": {"UF_CRM_EXPORT_BUDGET": "1500.50|RUB"}})
    row = ok(fresh_demo, "crm.deal.list", {"filter": {"ID": 1}, "select": ["ID", "UF_*"]})["result"][0]
    assert row["UF_CRM_EXPORT_BUDGET"] == "1500.50|RUB"
    ok(fresh_demo, "crm.deal.userfield.delete", {"id": uf_id})
    assert set(ok(fresh_demo, "crm.deal.fields")["result"]) == set(before)
