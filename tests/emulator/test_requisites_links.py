"""Requisite links with ownership checks (reference 6.5)."""

from __future__ import annotations

from typing import Any

import pytest

from bitrix24_toolkit.testing.emulator.dispatch import execute
from bitrix24_toolkit.testing.emulator.state import PortalState


def ok(state: PortalState, method: str, **params: Any) -> Any:
    status, payload = execute(state, method, params)
    assert status == 200, payload
    return payload["result"]


def err(state: PortalState, method: str, **params: Any) -> str:
    status, payload = execute(state, method, params)
    assert (status, payload["error"]) == (400, ""), payload
    return str(payload["error_description"])


def requisite(state: PortalState, entity_type_id: int, entity_id: int) -> int:
    fields = {"ENTITY_TYPE_ID": entity_type_id, "ENTITY_ID": entity_id, "PRESET_ID": 1, "NAME": "r"}
    return int(ok(state, "crm.requisite.add", fields=fields))


def bank(state: PortalState, requisite_id: int) -> int:
    return int(ok(state, "crm.requisite.bankdetail.add", fields={"ENTITY_ID": requisite_id, "NAME": "b"}))


@pytest.fixture
def portal() -> dict[str, Any]:
    state = PortalState()
    client = state.insert("company", {"TITLE": "Client", "IS_MY_COMPANY": "N"})
    stranger = state.insert("company", {"TITLE": "Other", "IS_MY_COMPANY": "N"})
    mine = state.insert("company", {"TITLE": "Us", "IS_MY_COMPANY": "Y"})
    contact = state.insert("contact", {"NAME": "Ivan"})
    deal = state.insert("deal", {"TITLE": "D", "COMPANY_ID": client, "CONTACT_IDS": [contact]})
    return {
        "state": state,
        "deal": deal,
        "client_rq": requisite(state, 4, client),
        "stranger_rq": requisite(state, 4, stranger),
        "my_rq": requisite(state, 4, mine),
        "contact_rq": requisite(state, 3, contact),
        "client": client,
        "mine": mine,
    }


def link(p: dict[str, Any], **ids: int) -> dict[str, int]:
    base = {"ENTITY_TYPE_ID": 2, "ENTITY_ID": p["deal"], "REQUISITE_ID": 0, "BANK_DETAIL_ID": 0}
    return base | {"MC_REQUISITE_ID": 0, "MC_BANK_DETAIL_ID": 0} | ids


def test_register_get_list_unregister(portal: dict[str, Any]) -> None:
    state = portal["state"]
    client_bank, my_bank = bank(state, portal["client_rq"]), bank(state, portal["my_rq"])
    fields = link(
        portal,
        REQUISITE_ID=portal["client_rq"],
        BANK_DETAIL_ID=client_bank,
        MC_REQUISITE_ID=portal["my_rq"],
        MC_BANK_DETAIL_ID=my_bank,
    )
    assert ok(state, "crm.requisite.link.register", fields=fields) is True
    got = ok(state, "crm.requisite.link.get", entityTypeId=2, entityId=portal["deal"])
    assert got == {
        "ENTITY_TYPE_ID": 2,
        "ENTITY_ID": portal["deal"],
        "REQUISITE_ID": str(portal["client_rq"]),
        "BANK_DETAIL_ID": str(client_bank),
        "MC_REQUISITE_ID": str(portal["my_rq"]),
        "MC_BANK_DETAIL_ID": str(my_bank),
    }
    listed = ok(state, "crm.requisite.link.list", filter={"@ENTITY_TYPE_ID": [2, 31]})
    assert listed[0]["ENTITY_TYPE_ID"] == "2"
    assert listed[0]["REQUISITE_ID"] == str(portal["client_rq"])
    assert ok(state, "crm.requisite.link.unregister", entityTypeId=2, entityId=portal["deal"]) is True
    assert err(state, "crm.requisite.link.get", entityTypeId=2, entityId=portal["deal"]) == "Not found"


def test_contact_requisite_and_zero_links_are_accepted(portal: dict[str, Any]) -> None:
    state = portal["state"]
    assert ok(state, "crm.requisite.link.register", fields=link(portal, REQUISITE_ID=portal["contact_rq"]))
    assert ok(state, "crm.requisite.link.register", fields=link(portal)) is True
    assert ok(state, "crm.requisite.link.get", entityTypeId=2, entityId=portal["deal"])["REQUISITE_ID"] == "0"


def test_ownership_errors(portal: dict[str, Any]) -> None:
    state = portal["state"]
    stranger_rq, client_rq, my_rq = portal["stranger_rq"], portal["client_rq"], portal["my_rq"]
    register = "crm.requisite.link.register"
    assert err(state, register, fields=link(portal, REQUISITE_ID=stranger_rq)) == (
        f"The Requisite with ID '{stranger_rq}' is not assigned to Company with ID '{portal['client']}'"
    )
    assert (
        err(state, register, fields=link(portal, REQUISITE_ID=60))
        == "The Requisite with ID '60' is not found"
    )
    other_bank = bank(state, stranger_rq)
    assert err(state, register, fields=link(portal, REQUISITE_ID=client_rq, BANK_DETAIL_ID=other_bank)) == (
        f"The BankDetail with ID '{other_bank}' is not assigned to Requisite with ID '{client_rq}'"
    )
    assert (
        err(state, register, fields=link(portal, BANK_DETAIL_ID=24))
        == "The BankDetail with ID '24' is not found"
    )
    assert err(state, register, fields=link(portal, MC_REQUISITE_ID=client_rq)) == (
        f"The Requisite with ID '{client_rq}' is not assigned to your company with ID '{portal['mine']}'"
    )
    assert err(state, register, fields=link(portal, MC_REQUISITE_ID=99)) == (
        "The Requisite of your company with ID '99' is not found"
    )
    assert err(state, register, fields=link(portal, MC_REQUISITE_ID=my_rq, MC_BANK_DETAIL_ID=other_bank)) == (
        f"The BankDetail of your company with ID '{other_bank}' is not assigned to "
        f"Requisite of your company with ID '{my_rq}'"
    )


def test_deal_mycompany_is_enforced(portal: dict[str, Any]) -> None:
    state = portal["state"]
    second_mine = state.insert("company", {"TITLE": "Us 2", "IS_MY_COMPANY": "Y"})
    state.table("deal")[portal["deal"]]["MYCOMPANY_ID"] = second_mine
    message = err(state, "crm.requisite.link.register", fields=link(portal, MC_REQUISITE_ID=portal["my_rq"]))
    assert message.endswith(f"is not assigned to your company with ID '{second_mine}'")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ENTITY_TYPE_ID": None}, "ENTITY_TYPE_ID is not defined or invalid."),
        ({"ENTITY_ID": 0}, "ENTITY_ID is not defined or invalid."),
        ({"REQUISITE_ID": None}, "REQUISITE_ID is not defined or invalid."),
        ({"MC_BANK_DETAIL_ID": "x"}, "MC_BANK_DETAIL_ID is not defined or invalid."),
        ({"ENTITY_ID": 777}, "Entity is not found"),
    ],
)
def test_register_validation(portal: dict[str, Any], change: dict[str, Any], message: str) -> None:
    fields = {k: v for k, v in (link(portal) | change).items() if v is not None}
    assert err(portal["state"], "crm.requisite.link.register", fields=fields) == message


def test_get_needs_camel_case_params(portal: dict[str, Any]) -> None:
    state = portal["state"]
    assert err(state, "crm.requisite.link.get", ENTITY_TYPE_ID=2, ENTITY_ID=1) == (
        "entityTypeId is not defined or invalid."
    )
    assert err(state, "crm.requisite.link.get", entityTypeId=2) == "entityId is not defined or invalid."


def test_deleted_requisite_unlinks(portal: dict[str, Any]) -> None:
    state = portal["state"]
    ok(state, "crm.requisite.link.register", fields=link(portal, REQUISITE_ID=portal["client_rq"]))
    ok(state, "crm.requisite.delete", id=portal["client_rq"])
    assert ok(state, "crm.requisite.link.get", entityTypeId=2, entityId=portal["deal"])["REQUISITE_ID"] == "0"
