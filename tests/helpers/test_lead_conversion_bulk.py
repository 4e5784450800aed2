"""convert_leads against the emulator: report per lead, reruns, crashes midway, shared clients, requests."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import pytest

from bitrix24_toolkit.errors import InvalidInputError
from bitrix24_toolkit.helpers import ConvertedObject, convert_leads
from bitrix24_toolkit.testing.emulator import Emulator
from bitrix24_toolkit.testing.emulator.faults import FaultRule, Faults

from ..conftest import NO_WAIT
from .test_lead_conversion import call, seed_lead

OPEN = ["NEW", "IN_PROCESS", "PROCESSED"]


def by_lead(emu: Emulator, table: str) -> Counter[int]:
    return Counter(r["LEAD_ID"] for r in emu.state.table(table).values() if r.get("LEAD_ID"))


async def test_the_demo_portal_converts_then_a_rerun_finds_everything_done(make_client: Any) -> None:
    emu = Emulator.demo(limits="off")
    client = make_client(emu.webhook_url, transport=emu.transport())
    leads = emu.state.table("lead")
    open_ids = sorted(i for i, r in leads.items() if r["STATUS_ID"] in OPEN)
    junk_ids = sorted(i for i, r in leads.items() if r["STATUS_ID"] == "JUNK")
    deals_before = by_lead(emu, "deal")
    report = await client.run(convert_leads.flow({"@STATUS_ID": [*OPEN, "JUNK"]}))
    assert [r.lead_id for r in report.converted] == open_ids
    assert [(r.lead_id, r.reason) for r in report.skipped] == [(i, "junk") for i in junk_ids]
    assert not report.failed
    assert not report.partial
    deals = by_lead(emu, "deal")
    assert all(deals[i] == 1 and deals_before[i] == 0 for i in open_ids)
    assert all(leads[i]["STATUS_ID"] == "CONVERTED" and leads[i]["CONTACT_ID"] for i in open_ids)
    sizes = {t: len(emu.state.table(t)) for t in ("contact", "company", "deal", "timeline_comment")}
    again = await client.run(convert_leads.flow({"@ID": open_ids + junk_ids}))
    assert Counter(r.reason for r in again) == {"already_converted": len(open_ids), "junk": len(junk_ids)}
    assert {t: len(emu.state.table(t)) for t in sizes} == sizes


async def test_leads_sharing_a_phone_or_a_company_share_the_new_client(client: Any, emu: Emulator) -> None:
    a = seed_lead(emu, COMPANY_TITLE="ООО «Север»")
    b = seed_lead(emu, EMAIL=[], COMPANY_TITLE="ооо «север» ")  # same phone as a
    c = seed_lead(emu, PHONE=[{"VALUE": "+7 900 000 00 01"}], EMAIL=[], COMPANY_TITLE="ООО «Север»")
    report = await client.run(convert_leads.flow(ids=[a, b, c]))
    assert len(report.converted) == 3
    assert len(emu.state.table("contact")) == 2
    assert len(emu.state.table("company")) == 1
    results = {r.lead_id: r.result for r in report}
    assert results[a]
    assert results[b]
    assert results[c]
    assert results[a].contact is not None
    assert results[a].contact.created
    assert results[b].contact == ConvertedObject("contact", results[a].contact.id, "duplicate")
    assert results[c].contact is not None
    assert results[c].contact.created
    companies = {r.company.id for r in results.values() if r and r.company}
    assert len(companies) == 1
    assert report.created_count("company") == 1
    assert report.created_count("deal") == 3


async def test_missing_ids_are_reported_and_a_progress_bar_runs(client: Any, emu: Emulator) -> None:
    lead_id = seed_lead(emu)
    report = await client.run(convert_leads.flow(ids=[lead_id, 9999], progress=True, deal=False))
    assert [(r.lead_id, r.status, r.reason) for r in report] == [
        (lead_id, "converted", None),
        (9999, "skipped", "missing"),
    ]
    assert not emu.state.table("deal")
    assert report.summary() == "1 converted, 1 skipped (missing: 1), 0 failed, 0 partial"


def test_no_filter_and_no_ids_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="filter or ids"):
        next(convert_leads.flow())


def test_answers_lost_midway_then_a_rerun_creates_nothing_twice() -> None:
    emu = Emulator(limits="off")
    ids = [seed_lead(emu, PHONE=[{"VALUE": f"+7900{i:07d}"}], EMAIL=[]) for i in range(120)]
    # a third of the write requests are applied but their answers are lost (the client cannot know)
    emu.faults = Faults(seed=3, rules=[FaultRule("batch", truncated=0.35)])
    with emu.client(retry=NO_WAIT) as b24:
        first = convert_leads(b24, ids=ids)
        emu.faults = None
        second = convert_leads(b24, ids=ids)
    assert first.failed or first.partial  # the lost answers are reported, not hidden
    assert {r.status for r in second} <= {"converted", "skipped"}
    assert all(r.reason == "already_converted" for r in second.skipped)
    assert by_lead(emu, "contact") == Counter(ids)
    assert by_lead(emu, "deal") == Counter(ids)
    assert all(emu.state.table("lead")[i]["STATUS_ID"] == "CONVERTED" for i in ids)


def test_five_hundred_leads_take_a_few_dozen_requests() -> None:
    emu = Emulator(limits="off")
    for i in range(500):
        fields: dict[str, Any] = {
            "TITLE": f"Заявка {i}",
            "NAME": f"Клиент {i}",
            "STATUS_ID": "IN_PROCESS",
            "PHONE": [{"VALUE": f"+7 901 {i:07d}", "VALUE_TYPE": "WORK"}],
        }
        if i % 10 == 0:
            fields["COMPANY_TITLE"] = f"Компания {i}"
        lead_id = call(emu, "crm.lead.add", {"fields": fields})
        if i % 3 == 0:
            rows = [{"PRODUCT_NAME": "Тур", "PRICE": 1000, "QUANTITY": 2}]
            call(emu, "crm.lead.productrows.set", {"id": lead_id, "rows": rows})
    emu.reset_stats()
    with emu.client() as b24:
        report = convert_leads(b24, {"STATUS_ID": "IN_PROCESS"})
    assert len(report.converted) == 500
    # writes: 500 contacts, 50 companies, 500 deals, 167 row sets, 500 lead updates, 500 comments
    writes = 500 + 50 + 500 + 167 + 500 + 500
    assert emu.stats.calls["crm.item.add"] == 1050
    assert emu.stats.calls["crm.deal.productrows.set"] == 167
    # reads: the leads, their links and rows (500 + 30 look-ups), the duplicate checks (under 50 calls)
    floor = math.ceil(writes / 50)
    assert emu.stats.requests <= floor + 18, emu.stats.requests  # 500 leads x 6 steps would be 3,000
