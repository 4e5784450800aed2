"""Field checks answer from the running client's own cache: one stateless vocabulary, two portals.

Portal A has no custom company field; portal B has ``UF_CRM_VAT``. The same call factories (one
``CrmCalls()``) run under a client of each portal, sync and async: B's write with the custom field goes
through, A's is refused before any request, and neither client's cache leaks into the other.
"""

from __future__ import annotations

from typing import Any

import pytest

from bitrix24_toolkit import InvalidInputError
from bitrix24_toolkit.protocol.batch import Batch
from bitrix24_toolkit.protocol.call import Call
from bitrix24_toolkit.services import CrmCalls
from bitrix24_toolkit.testing.emulator import Emulator
from tests.conftest import Factory


def _portal(domain: str, *, vat: bool) -> Emulator:
    emu = Emulator(limits="off", domain=domain)
    if vat:
        status, payload = emu.call(
            "crm.company.userfield.add", {"fields": {"FIELD_NAME": "VAT", "USER_TYPE_ID": "string"}}
        )
        assert status == 200, payload
    return emu


def _calls(emu: Emulator, method: str) -> int:
    return emu.stats.calls.get(method, 0)


def _client(make_client: Factory, emu: Emulator, **kwargs: Any) -> Any:
    return make_client(emu.webhook_url, transport=emu.transport(), **kwargs)


async def test_one_vocabulary_two_portals(make_client: Factory) -> None:
    portal_a, portal_b = _portal("a.bitrix24.test", vat=False), _portal("b.bitrix24.test", vat=True)
    client_a, client_b = _client(make_client, portal_a), _client(make_client, portal_b)
    crm = CrmCalls()  # one vocabulary for both portals: it remembers neither
    fields = {"TITLE": "ООО «Ромашка»"}

    first_a = await client_a.run(crm.company.add(fields))
    assert _calls(portal_a, "crm.company.fields") == 0  # standard keys only: checked from the static table
    assert "UF_CRM_VAT" not in await client_a.run(crm.company.fields())  # fills A's cache
    with_vat = await client_b.run(crm.company.add({**fields, "UF_CRM_VAT": "20"}))
    assert first_a > 0
    assert with_vat > 0
    _, payload = portal_b.call("crm.company.get", {"id": with_vat})
    assert payload["result"]["UF_CRM_VAT"] == "20"

    portal_a.reset_stats()
    with pytest.raises(InvalidInputError, match="UF_CRM_VAT"):
        await client_a.run(crm.company.add({**fields, "UF_CRM_VAT": "20"}))
    assert portal_a.stats.requests == 0  # refused from A's own cache, before any request

    # the same order reversed: B's cache does not make A accept the field, nor A's make B refuse it
    portal_b.reset_stats()
    assert await client_b.run(crm.company.add({**fields, "UF_CRM_VAT": "10"})) > 0
    assert _calls(portal_b, "crm.company.fields") == 0  # cached by B's client
    assert _calls(portal_b, "crm.company.add") == 1


async def test_namespaces_of_two_clients_keep_their_own_fields(make_client: Factory) -> None:
    portal_a, portal_b = _portal("a.bitrix24.test", vat=False), _portal("b.bitrix24.test", vat=True)
    client_a, client_b = _client(make_client, portal_a), _client(make_client, portal_b)
    await client_a.crm.company.add({"TITLE": "A"})
    assert await client_b.crm.company.add({"TITLE": "B", "UF_CRM_VAT": "20"}) > 0
    with pytest.raises(InvalidInputError, match="unknown field 'UF_CRM_VAT'"):
        await client_a.crm.company.add({"TITLE": "A", "UF_CRM_VAT": "20"})


async def test_checks_off_send_the_write_without_reading_fields(make_client: Factory) -> None:
    portal = _portal("a.bitrix24.test", vat=False)
    client = _client(make_client, portal, check_fields=False)
    new_id = await client.crm.company.add({"TITLE": "A", "UF_CRM_VAT": "20"})
    assert new_id > 0
    assert _calls(portal, "crm.company.fields") == 0  # the client's switch: no field list needed
    assert _calls(portal, "crm.company.add") == 1

    checked = _client(make_client, portal)
    with pytest.raises(InvalidInputError):
        await checked.crm.company.add({"TITLE": "A", "UF_CRM_VAT": "20"})
    assert await checked.crm.company.add({"TITLE": "A", "UF_CRM_VAT": "20"}, check=False) > 0  # per call


async def test_a_new_custom_field_through_the_client_is_usable_at_once(make_client: Factory) -> None:
    portal = _portal("a.bitrix24.test", vat=False)
    client = _client(make_client, portal)
    await client.crm.company.fields()  # loads and caches crm.company.fields
    await client.crm.company.add({"TITLE": "before"})  # standard keys only: no read, the cache stays
    await client.crm.company.userfield.add({"FIELD_NAME": "VAT", "USER_TYPE_ID": "string"})
    assert await client.crm.company.add({"TITLE": "after", "UF_CRM_VAT": "20"}) > 0
    assert _calls(portal, "crm.company.fields") == 2  # read again after the field was added

    # a field added inside a batch through the same client forgets the cache too
    add_field = Call(
        "crm.company.userfield.add", {"fields": {"FIELD_NAME": "REGION", "USER_TYPE_ID": "string"}}
    )
    outcomes = await client.run(Batch([add_field]).as_flow())
    assert outcomes[0].ok, outcomes[0].error
    assert await client.crm.company.add({"TITLE": "region", "UF_CRM_REGION": "77"}) > 0
    assert _calls(portal, "crm.company.fields") == 3


async def test_fields_read_by_hand_refresh_the_cache(make_client: Factory) -> None:
    portal = _portal("a.bitrix24.test", vat=True)
    client = _client(make_client, portal)
    await client.crm.company.fields()
    portal.reset_stats()
    assert await client.crm.company.add({"TITLE": "A", "UF_CRM_VAT": "1"}) > 0
    assert portal.stats.requests == 1  # the add only: the fields came from the explicit read
