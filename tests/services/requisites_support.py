"""Helpers of the requisite tests: the namespaces over either client, and portal seeding through the emulator.

``b24.crm.requisite``/``b24.crm.address`` are wired into ``CrmCalls`` elsewhere; these tests build the
namespaces directly so that they depend on the requisite factories only.
"""

from __future__ import annotations

from typing import Any

from bitrix24_toolkit.client.async_api import AsyncAddressAPI, AsyncRequisiteAPI
from bitrix24_toolkit.client.sync_api import AddressAPI, RequisiteAPI
from bitrix24_toolkit.services.addresses import AddressCalls
from bitrix24_toolkit.services.requisites import RequisiteCalls
from bitrix24_toolkit.testing.emulator import Emulator
from tests.conftest import AwaitableClient


def requisite_api(client: Any) -> Any:
    """``b24.crm.requisite`` over the test's client (sync ones wrapped to be awaited)."""
    if isinstance(client, AwaitableClient):
        return AwaitableClient(RequisiteAPI(client.inner, RequisiteCalls()))
    return AsyncRequisiteAPI(client, RequisiteCalls())


def address_api(client: Any) -> Any:
    """``b24.crm.address`` over the test's client."""
    if isinstance(client, AwaitableClient):
        return AwaitableClient(AddressAPI(client.inner, AddressCalls()))
    return AsyncAddressAPI(client, AddressCalls())


def result(emu: Emulator, method: str, params: dict[str, Any]) -> Any:
    """Run one method on the portal directly and return its ``result`` (asserting success)."""
    status, payload = emu.call(method, params)
    assert status == 200, payload
    return payload["result"]


def add_company(emu: Emulator, title: str = "ООО «Ромашка»", *, mine: bool = False) -> int:
    """A company (``mine``: one of your own, ``IS_MY_COMPANY=Y``)."""
    fields = {"TITLE": title, "IS_MY_COMPANY": "Y" if mine else "N"}
    return int(result(emu, "crm.company.add", {"fields": fields}))


def add_requisite(emu: Emulator, company_id: int, *, preset_id: int = 1, **fields: Any) -> int:
    """A requisite of a company, straight on the portal."""
    body = {
        "ENTITY_TYPE_ID": 4,
        "ENTITY_ID": company_id,
        "PRESET_ID": preset_id,
        "NAME": "Реквизиты",
        **fields,
    }
    return int(result(emu, "crm.requisite.add", {"fields": body}))


def add_bankdetail(emu: Emulator, requisite_id: int, name: str = "Сбербанк") -> int:
    """A bank detail of a requisite, straight on the portal."""
    body = {"ENTITY_ID": requisite_id, "NAME": name, "RQ_BIK": "044525225"}
    return int(result(emu, "crm.requisite.bankdetail.add", {"fields": body}))
