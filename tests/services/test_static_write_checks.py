"""Writes of standard fields only are checked from the static table: no ``*.fields`` request.

The table (``models/standard_fields.py``) comes from the official ``*-fields.md`` pages, as the emulator's
``*.fields`` answers do; the first test keeps the two from drifting apart. Keys outside the table's writable
set (custom ``UF_*``, read-only, immutable on update, typos) still take the one cached ``*.fields`` read.
"""

from __future__ import annotations

from typing import Any

import pytest

from bitrix24_toolkit import InvalidInputError
from bitrix24_toolkit.models.standard_fields import STANDARD_FIELDS, standard_fields
from bitrix24_toolkit.services.crm_kinds import CompanyCalls, ContactCalls, DealCalls, LeadCalls
from bitrix24_toolkit.testing import Emulator

KINDS = [
    "crm.lead", "crm.deal", "crm.contact", "crm.company", "crm.requisite", "crm.requisite.bankdetail",
    "crm.address",
]


def _fields_reads(emu: Emulator, rest: str = "crm.lead") -> int:
    return emu.stats.calls.get(f"{rest}.fields", 0)


@pytest.mark.parametrize("rest", KINDS)
def test_the_static_table_is_the_emulators_fields_answer(rest: str) -> None:
    status, payload = Emulator(limits="off").call(f"{rest}.fields", {})
    assert status == 200, payload
    described = {name: info for name, info in payload["result"].items() if not name.startswith("UF_")}
    table = STANDARD_FIELDS[rest]
    assert table.names == set(described)
    assert table.read_only == {name for name, info in described.items() if info["isReadOnly"]}
    assert table.immutable == {name for name, info in described.items() if info["isImmutable"]}
    assert not table.read_only & table.writable


def test_every_classic_kind_has_its_table() -> None:
    for calls in (LeadCalls, DealCalls, ContactCalls, CompanyCalls):
        assert standard_fields(calls.rest_name) is STANDARD_FIELDS[calls.rest_name]
    assert standard_fields("crm.item") is None  # not a classic kind: every key goes to crm.item.fields


async def test_add_many_of_standard_fields_sends_only_the_batches(client: Any, emu: Emulator) -> None:
    rows = [
        {"TITLE": f"Lead {i}", "NAME": "Ирина", "PHONE": [{"VALUE": "+7 900", "VALUE_TYPE": "WORK"}]}
        for i in range(2000)
    ]
    done = await client.crm.lead.add_many(rows)
    assert done.all_ok
    assert len(done.values) == 2000
    assert emu.stats.calls == {"batch": 40, "crm.lead.add": 2000}  # the commands inside; no crm.lead.fields
    assert emu.stats.requests == 40


async def test_one_custom_field_takes_one_fields_read(client: Any, emu: Emulator) -> None:
    status, payload = emu.call(
        "crm.lead.userfield.add", {"fields": {"FIELD_NAME": "REGION", "USER_TYPE_ID": "string"}}
    )
    assert status == 200, payload
    emu.reset_stats()
    rows = [{"TITLE": f"Lead {i}", "UF_CRM_REGION": "77"} for i in range(100)]
    assert (await client.crm.lead.add_many(rows)).all_ok
    assert _fields_reads(emu) == 1
    assert emu.stats.requests == 3  # crm.lead.fields + two batches
    assert (await client.crm.lead.add_many(rows[:10])).all_ok
    assert _fields_reads(emu) == 1  # cached by the client


async def test_single_writes_of_standard_fields_send_one_request(client: Any, emu: Emulator) -> None:
    lead = await client.crm.lead.add({"TITLE": "A", "STATUS_ID": "NEW"})
    assert await client.crm.lead.update(lead, {"TITLE": "B", "OPPORTUNITY": 10})
    deal = await client.crm.deal.add({"TITLE": "D", "CATEGORY_ID": 0})  # immutable: fine on create
    assert await client.crm.deal.update(deal, {"STAGE_ID": "PREPARATION"})
    assert emu.stats.calls == {
        "crm.lead.add": 1,
        "crm.lead.update": 1,
        "crm.deal.add": 1,
        "crm.deal.update": 1,
    }
    _, payload = emu.call("crm.lead.get", {"id": lead})
    assert payload["result"]["TITLE"] == "B"


@pytest.mark.parametrize(
    ("rest", "fields", "updating", "message"),
    [
        ("lead", {"TITLE": "A", "TITEL": "typo"}, False, "unknown field 'TITEL'.*did you mean 'TITLE'"),
        (
            "lead",
            {"TITLE": "A", "DATE_CREATE": "2024-01-01T00:00:00+03:00"},
            False,
            "'DATE_CREATE' is read-only",
        ),
        ("deal", {"LEAD_ID": 5}, False, "'LEAD_ID' is read-only.*crm.item.add"),
        ("deal", {"CATEGORY_ID": 1}, True, "'CATEGORY_ID' cannot be changed after creation"),
        ("contact", {"NAME": "A", "UF_CRM_NOPE": "1"}, False, "unknown field 'UF_CRM_NOPE'"),
    ],
)
async def test_other_keys_are_still_checked_against_the_portal(
    client: Any, emu: Emulator, rest: str, fields: dict[str, Any], updating: bool, message: str
) -> None:
    namespace = getattr(client.crm, rest)
    record = await namespace.add({"TITLE": "seed"} if rest != "contact" else {"NAME": "seed"})
    emu.reset_stats()
    write = namespace.update(record, fields) if updating else namespace.add_many([fields])
    with pytest.raises(InvalidInputError, match=message):
        await write
    assert emu.stats.calls == {f"crm.{rest}.fields": 1}  # refused after the one read, nothing written


async def test_import_of_system_fields_still_reads_the_fields(client: Any, emu: Emulator) -> None:
    when = "2020-05-01T10:00:00+03:00"
    new_id = await client.crm.company.add({"TITLE": "Old", "DATE_CREATE": when}, params={"IMPORT": "Y"})
    assert new_id > 0
    assert _fields_reads(emu, "crm.company") == 1


async def test_checks_off_are_still_off(make_client: Any, emu: Emulator) -> None:
    client = make_client(emu.webhook_url, transport=emu.transport(), check_fields=False)
    assert await client.crm.lead.add({"TITLE": "A", "UF_CRM_NOPE": "1"}) > 0
    assert emu.stats.calls == {"crm.lead.add": 1}
