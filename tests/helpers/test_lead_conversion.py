"""convert_lead against the emulator, with both clients: objects, links, reruns, resumes, refusals."""

from __future__ import annotations

from typing import Any

import pytest

from bitrix24_toolkit.helpers import (
    LeadAlreadyConvertedError,
    LeadConversionError,
    LeadJunkError,
    LeadNotFoundError,
    convert_lead,
)
from bitrix24_toolkit.testing.emulator import Emulator


def call(emu: Emulator, method: str, params: dict[str, Any]) -> Any:
    status, payload = emu.call(method, params)
    assert status == 200, payload
    return payload["result"]


def seed_lead(emu: Emulator, **extra: Any) -> int:
    fields = {
        "TITLE": "Заявка: тур в Сочи",
        "NAME": "Ирина",
        "SECOND_NAME": "Павловна",
        "LAST_NAME": "Смирнова",
        "STATUS_ID": "IN_PROCESS",
        "SOURCE_ID": "WEB",
        "ASSIGNED_BY_ID": 3,
        "OPPORTUNITY": 120000,
        "CURRENCY_ID": "RUB",
        "COMMENTS": "2 взрослых",
        "UTM_SOURCE": "yandex",
        "UTM_CAMPAIGN": "sochi_2026",
        "PHONE": [{"VALUE": "+7 (915) 807-42-42", "VALUE_TYPE": "MOBILE"}],
        "EMAIL": [{"VALUE": "i.smirnova@example.com", "VALUE_TYPE": "HOME"}],
        **extra,
    }
    return int(call(emu, "crm.lead.add", {"fields": fields}))


def rows_with_lead(emu: Emulator, table: str, lead_id: int) -> list[dict[str, Any]]:
    return [r for r in emu.state.table(table).values() if r.get("LEAD_ID") == lead_id]


async def test_a_lead_becomes_a_linked_contact_company_and_deal(client: Any, emu: Emulator) -> None:
    call(emu, "crm.lead.userfield.add", {"fields": {"FIELD_NAME": "NIGHTS", "USER_TYPE_ID": "integer"}})
    call(emu, "crm.deal.userfield.add", {"fields": {"FIELD_NAME": "NIGHTS", "USER_TYPE_ID": "integer"}})
    lead_id = seed_lead(emu, COMPANY_TITLE="ООО «Прайм»", UF_CRM_NIGHTS=7)
    call(emu, "crm.lead.productrows.set", {"id": lead_id, "rows": [
        {"PRODUCT_NAME": "Тур в Сочи", "PRICE": 50000, "QUANTITY": 2},
        {"PRODUCT_NAME": "Трансфер", "PRICE": 20000, "QUANTITY": 1},
    ]})  # fmt: skip
    result = await client.run(convert_lead.flow(lead_id, field_map={"UF_CRM_NIGHTS": "UF_CRM_NIGHTS"}))

    assert result.contact
    assert result.company
    assert result.deal
    assert [o.created for o in result.objects] == [True, True, True]
    (contact,) = rows_with_lead(emu, "contact", lead_id)
    (company,) = rows_with_lead(emu, "company", lead_id)
    (deal,) = rows_with_lead(emu, "deal", lead_id)
    assert (contact["ID"], company["ID"], deal["ID"]) == (
        result.contact.id,
        result.company.id,
        result.deal.id,
    )
    assert (contact["NAME"], contact["SECOND_NAME"], contact["LAST_NAME"]) == (
        "Ирина",
        "Павловна",
        "Смирнова",
    )
    assert [e["VALUE"] for e in contact["PHONE"]] == ["+7 (915) 807-42-42"]
    assert [e["VALUE"] for e in contact["EMAIL"]] == ["i.smirnova@example.com"]
    assert contact["COMPANY_IDS"] == [company["ID"]]
    assert company["TITLE"] == "ООО «Прайм»"
    assert (deal["TITLE"], deal["CURRENCY_ID"], deal["SOURCE_ID"]) == ("Заявка: тур в Сочи", "RUB", "WEB")
    assert (deal["ASSIGNED_BY_ID"], deal["COMMENTS"], deal["UTM_SOURCE"]) == (3, "2 взрослых", "yandex")
    assert deal["CONTACT_IDS"] == [contact["ID"]]
    assert deal["COMPANY_ID"] == company["ID"]
    assert int(deal["UF_CRM_NIGHTS"]) == 7
    deal_rows = [r for r in emu.state.table("productrow").values() if r["OWNER_TYPE"] == "D"]
    assert sorted((r["PRODUCT_NAME"], r["QUANTITY"]) for r in deal_rows) == [
        ("Трансфер", 1),
        ("Тур в Сочи", 2),
    ]
    assert float(deal["OPPORTUNITY"]) == 2 * 50000 + 20000
    assert result.product_rows == 2
    lead = emu.state.table("lead")[lead_id]
    assert (lead["STATUS_ID"], lead["CONTACT_ID"], lead["COMPANY_ID"]) == (
        "CONVERTED",
        contact["ID"],
        company["ID"],
    )
    history = [r for r in emu.state.table("stagehistory").values() if r.get("OWNER_ID") == lead_id]
    assert history[-1]["STATUS_ID"] == "CONVERTED"
    (comment,) = [c for c in emu.state.table("timeline_comment").values() if c["ENTITY_ID"] == lead_id]
    assert comment["ID"] == result.comment_id
    for obj in result.objects:
        assert f"{obj.kind} #{obj.id} (created)" in comment["COMMENT"]


async def test_a_rerun_creates_nothing_and_says_already_converted(client: Any, emu: Emulator) -> None:
    lead_id = seed_lead(emu)
    await client.run(convert_lead.flow(lead_id))
    before = {t: len(emu.state.table(t)) for t in ("contact", "company", "deal", "timeline_comment")}
    with pytest.raises(LeadAlreadyConvertedError) as caught:
        await client.run(convert_lead.flow(lead_id))
    assert caught.value.reason == "already_converted"
    assert {t: len(emu.state.table(t)) for t in before} == before


async def test_a_run_after_a_crash_resumes_from_the_lead_links(client: Any, emu: Emulator) -> None:
    lead_id = seed_lead(emu)
    rows = [{"PRODUCT_NAME": "Тур", "PRICE": 1000, "QUANTITY": 3}]
    call(emu, "crm.lead.productrows.set", {"id": lead_id, "rows": rows})
    # an earlier run created the contact and the deal, then died before copying rows and closing the lead
    earlier = call(emu, "crm.item.add", {"entityTypeId": 3, "fields": {"name": "Ирина", "leadId": lead_id}})
    deal = call(emu, "crm.item.add", {"entityTypeId": 2, "fields": {"title": "x", "leadId": lead_id}})
    result = await client.run(convert_lead.flow(lead_id))
    assert result.contact is not None
    assert (result.contact.id, result.contact.via) == (
        earlier["item"]["id"],
        "lead_link",
    )
    assert result.deal is not None
    assert (result.deal.id, result.deal.via) == (deal["item"]["id"], "lead_link")
    assert len(rows_with_lead(emu, "contact", lead_id)) == 1
    assert len(rows_with_lead(emu, "deal", lead_id)) == 1
    owned = [r for r in emu.state.table("productrow").values() if r["OWNER_TYPE"] == "D"]
    assert [(r["OWNER_ID"], r["QUANTITY"]) for r in owned] == [(deal["item"]["id"], 3)]
    assert result.product_rows == 1
    assert result.closed
    assert emu.state.table("lead")[lead_id]["STATUS_ID"] == "CONVERTED"


async def test_existing_clients_are_reused_by_phone_and_by_title(client: Any, emu: Emulator) -> None:
    person = call(emu, "crm.contact.add", {"fields": {"NAME": "Ирина", "PHONE": [{"VALUE": "89158074242"}]}})
    firm = call(emu, "crm.company.add", {"fields": {"TITLE": "ООО «Прайм»"}})
    lead_id = seed_lead(emu, COMPANY_TITLE="ооо «прайм»")
    result = await client.run(convert_lead.flow(lead_id, company=True))
    # "+7 (915) 807-42-42" and "89158074242" differ in digits: only an exact digit match is a duplicate
    assert result.contact is not None
    assert result.contact.created
    assert result.company is not None
    assert (result.company.id, result.company.via) == (firm, "duplicate")
    other = seed_lead(emu, PHONE=[{"VALUE": "8 915 807 42 42"}], EMAIL=[])
    second = await client.run(convert_lead.flow(other, company=False))
    assert second.contact is not None
    assert (second.contact.id, second.contact.via) == (person, "duplicate")
    assert second.company is None
    assert len(emu.state.table("contact")) == 2


async def test_dedupe_off_and_an_open_lead_rerun_writes_nothing(client: Any, emu: Emulator) -> None:
    call(emu, "crm.contact.add", {"fields": {"NAME": "Ирина", "PHONE": [{"VALUE": "+79158074242"}]}})
    lead_id = seed_lead(emu)
    first = await client.run(convert_lead.flow(lead_id, dedupe=False, close_lead=False))
    assert first.contact is not None
    assert first.contact.created
    assert not first.closed
    assert emu.state.table("lead")[lead_id]["STATUS_ID"] == "IN_PROCESS"
    assert emu.state.table("lead")[lead_id]["CONTACT_ID"] == first.contact.id
    emu.reset_stats()
    again = await client.run(convert_lead.flow(lead_id, dedupe=False, close_lead=False))
    assert [o.via for o in again.objects] == ["lead_link", "lead_link"]
    assert again.comment_id is None
    assert emu.stats.requests == 1  # one batch of reads, no writes


@pytest.mark.parametrize("status", ["JUNK", "CONVERTED"])
async def test_junk_and_converted_leads_are_refused(client: Any, emu: Emulator, status: str) -> None:
    lead_id = seed_lead(emu, STATUS_ID=status)
    expected = LeadJunkError if status == "JUNK" else LeadAlreadyConvertedError
    with pytest.raises(expected) as caught:
        await client.run(convert_lead.flow(lead_id))
    assert isinstance(caught.value, LeadConversionError)
    assert caught.value.lead_id == lead_id
    assert not emu.state.table("contact")
    assert not emu.state.table("deal")


async def test_a_missing_lead_is_refused(client: Any, emu: Emulator) -> None:
    with pytest.raises(LeadNotFoundError, match="lead 4242"):
        await client.run(convert_lead.flow(4242))


def test_the_sync_client_calls_it_directly() -> None:
    emu = Emulator(limits="off")
    lead_id = seed_lead(emu, COMPANY_TITLE="")
    with emu.client() as b24:
        result = convert_lead(b24, lead_id, deal_category=0, contact=True)
    assert result.company is None
    assert result.deal is not None
    assert result.deal.created
