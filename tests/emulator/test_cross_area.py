"""Behaviour that spans emulator areas: auth type seen by handlers, cascades across modules."""

from __future__ import annotations

import httpx

from bitrix24_toolkit.testing.emulator import Emulator


def test_event_bind_needs_an_application_context() -> None:
    emu = Emulator(limits="off")
    http = httpx.Client(transport=emu.transport())
    bind = {"event": "ONCRMDEALADD", "handler": "https://app.example.test/handler"}
    by_webhook = http.post(emu.webhook_url + "event.bind", json=bind)
    assert by_webhook.status_code == 403
    assert by_webhook.json()["error"] == "WRONG_AUTH_TYPE"
    token = emu.issue_tokens()["access_token"]
    by_app = http.post(emu.client_endpoint + "event.bind", json={**bind, "auth": token})
    assert by_app.json()["result"] is True
    listed = http.post(emu.client_endpoint + "event.get", json={"auth": token}).json()["result"]
    assert [(e["event"], e["handler"]) for e in listed] == [("ONCRMDEALADD", bind["handler"])]


def test_deleting_a_company_deletes_its_requisites_bank_details_and_addresses() -> None:
    emu = Emulator(limits="off")
    company = emu.call("crm.company.add", {"fields": {"TITLE": "ООО «Ромашка»"}})[1]["result"]
    requisite = emu.call(
        "crm.requisite.add",
        {"fields": {"ENTITY_TYPE_ID": 4, "ENTITY_ID": company, "PRESET_ID": 1, "NAME": "Реквизиты"}},
    )[1]["result"]
    emu.call("crm.requisite.bankdetail.add", {"fields": {"ENTITY_ID": requisite, "NAME": "Счёт"}})
    emu.call(
        "crm.address.add",
        {"fields": {"TYPE_ID": 6, "ENTITY_TYPE_ID": 8, "ENTITY_ID": requisite, "CITY": "Москва"}},
    )
    assert emu.call("crm.company.delete", {"id": company})[1]["result"] is True
    assert emu.call("crm.requisite.list", {})[1]["result"] == []
    assert emu.call("crm.requisite.bankdetail.list", {})[1]["result"] == []
    assert emu.call("crm.address.list", {})[1]["result"] == []
