"""Requisite helpers against the emulator (both clients) and with canned results (no HTTP)."""

from __future__ import annotations

from typing import Any

import pytest

from bitrix24_toolkit import Call
from bitrix24_toolkit.errors import InvalidInputError
from bitrix24_toolkit.helpers import (
    PresetNotFoundError,
    add_requisite,
    company_details,
    find_companies_by_inn,
    find_preset,
    import_requisites,
    list_presets,
    preset_fields,
    requisites_of,
    upsert_requisite,
)
from bitrix24_toolkit.models.requisites import AddressType
from bitrix24_toolkit.protocol import APIResponse, drive_flow
from bitrix24_toolkit.protocol.batch import Batch, Outcome
from bitrix24_toolkit.testing.emulator import Emulator

SBER = {
    "RQ_INN": "7707083893",
    "RQ_KPP": "773601001",
    "RQ_OGRN": "1027700132195",
    "RQ_COMPANY_NAME": "ПАО Сбербанк",
}
SBER_BANK = {
    "NAME": "Основной счёт",
    "RQ_BIK": "044525225",
    "RQ_ACC_NUM": "40702810938000012345",
    "RQ_COR_ACC_NUM": "30101810400000000225",
}
ADDRESSES = {
    AddressType.LEGAL: {"ADDRESS_1": "ул. Вавилова, д. 19", "CITY": "Москва", "POSTAL_CODE": "117312"}
}


def _company(emu: Emulator, title: str = "Сбер") -> int:
    status, body = emu.call("crm.company.add", {"fields": {"TITLE": title}})
    assert status == 200
    return int(body["result"])


def _rows(emu: Emulator, table: str) -> list[dict[str, Any]]:
    return list(emu.state.table(table).values())


async def test_presets_are_found_by_country_and_kind(client: Any) -> None:
    presets = await client.run(list_presets.flow(country="RU"))
    assert [p.name for p in presets] == ["Организация", "ИП", "Физ. лицо", "Организация (доп.)"]
    assert (await client.run(find_preset.flow("sole_proprietor"))).name == "ИП"
    assert (await client.run(find_preset.flow("person", country=1))).name == "Физ. лицо"
    german = await client.run(find_preset.flow(country="DE"))
    assert (german.name, german.country_id) == ("Organisation", 46)
    with pytest.raises(PresetNotFoundError, match="no requisite preset for person in country 122"):
        await client.run(find_preset.flow("person", country="US"))
    fields = await client.run(preset_fields.flow(german))
    assert [f.field_name for f in fields] == [
        "RQ_COMPANY_NAME",
        "RQ_VAT_ID",
        "RQ_USRLE",
        "RQ_CEO_NAME",
        "RQ_ADDR",
    ]


async def test_add_writes_requisite_bank_and_addresses_in_one_request(client: Any, emu: Emulator) -> None:
    company_id = _company(emu)
    emu.reset_stats()
    saved = await client.run(
        add_requisite.flow("company", company_id, SBER, bank_details=[SBER_BANK], addresses=ADDRESSES)
    )
    # the preset list (find the RU organisation preset) + one batch for all writes
    assert emu.stats.requests == 2
    assert (saved.created, saved.changed, saved.address_types) == (True, True, [6])
    [requisite] = _rows(emu, "requisite")
    assert (requisite["ENTITY_TYPE_ID"], requisite["ENTITY_ID"], requisite["PRESET_ID"]) == (4, company_id, 1)
    assert (requisite["RQ_INN"], requisite["NAME"]) == ("7707083893", "Организация")
    [bank] = _rows(emu, "bankdetail")
    assert (bank["ENTITY_ID"], bank["RQ_ACC_NUM"], bank["ID"]) == (
        saved.requisite_id,
        SBER_BANK["RQ_ACC_NUM"],
        saved.bank_detail_ids[0],
    )
    [address] = _rows(emu, "address")
    assert (address["TYPE_ID"], address["ENTITY_ID"], address["CITY"]) == (6, saved.requisite_id, "Москва")


@pytest.mark.parametrize(
    ("fields", "bank", "field"),
    [
        ({**SBER, "RQ_INN": "7707083894"}, SBER_BANK, "RQ_INN"),
        ({**SBER, "RQ_KPP": "7736010"}, SBER_BANK, "RQ_KPP"),
        ({**SBER, "RQ_OGRN": "1027700132196"}, SBER_BANK, "RQ_OGRN"),
        (SBER, {**SBER_BANK, "RQ_BIK": "144525225"}, "RQ_BIK"),
        (SBER, {**SBER_BANK, "RQ_ACC_NUM": "40702810038000012345"}, "RQ_ACC_NUM"),
        (SBER, {**SBER_BANK, "RQ_COR_ACC_NUM": "30101810500000000225"}, "RQ_COR_ACC_NUM"),
        ({**SBER, "RQ_INN": "500100732259"}, SBER_BANK, "RQ_INN"),  # a person's INN on an organisation
    ],
)
async def test_wrong_identifiers_are_refused_before_any_write(
    client: Any, emu: Emulator, fields: dict[str, Any], bank: dict[str, Any], field: str
) -> None:
    company_id = _company(emu)
    emu.reset_stats()
    with pytest.raises(InvalidInputError) as caught:
        await client.run(upsert_requisite.flow("company", company_id, fields, bank_details=[bank]))
    assert caught.value.field == field
    assert field in str(caught.value)
    assert [m for m in emu.stats.calls if m.endswith((".add", ".update"))] == []  # only reads were sent
    assert _rows(emu, "requisite") == []


async def test_foreign_presets_pass_through_unchecked(client: Any, emu: Emulator) -> None:
    company_id = _company(emu, "Muster GmbH")
    fields = {"RQ_COMPANY_NAME": "Muster GmbH", "RQ_VAT_ID": "DE123456789", "RQ_INN": "12"}
    saved = await client.run(add_requisite.flow("company", company_id, fields, country="DE"))
    [requisite] = _rows(emu, "requisite")
    assert (requisite["ID"], requisite["PRESET_ID"], requisite["RQ_INN"]) == (saved.requisite_id, 6, "12")


async def test_a_second_upsert_creates_and_changes_nothing(client: Any, emu: Emulator) -> None:
    company_id = _company(emu)
    first = await client.run(
        upsert_requisite.flow("company", company_id, SBER, bank_details=[SBER_BANK], addresses=ADDRESSES)
    )
    emu.reset_stats()
    second = await client.run(
        upsert_requisite.flow("company", company_id, SBER, bank_details=[SBER_BANK], addresses=ADDRESSES)
    )
    assert (first.created, second.created, second.changed) == (True, False, False)
    assert second.requisite_id == first.requisite_id
    assert second.bank_detail_ids == first.bank_detail_ids
    writes = [m for m in emu.stats.calls if m.endswith((".add", ".update"))]
    assert writes == []
    assert (len(_rows(emu, "requisite")), len(_rows(emu, "bankdetail")), len(_rows(emu, "address"))) == (
        1,
        1,
        1,
    )

    third = await client.run(
        upsert_requisite.flow(
            "company",
            company_id,
            {**SBER, "RQ_DIRECTOR": "Греф Г. О."},
            bank_details=[{**SBER_BANK, "RQ_BANK_NAME": "ПАО Сбербанк"}],
            addresses={**ADDRESSES, AddressType.ACTUAL: {"CITY": "Москва"}},
        )
    )
    assert (third.created, third.changed, third.requisite_id) == (False, True, first.requisite_id)
    [requisite] = _rows(emu, "requisite")
    [bank] = _rows(emu, "bankdetail")
    assert (requisite["RQ_DIRECTOR"], bank["RQ_BANK_NAME"]) == ("Греф Г. О.", "ПАО Сбербанк")
    assert sorted(a["TYPE_ID"] for a in _rows(emu, "address")) == [1, 6]


async def test_upsert_with_another_kpp_adds_a_branch(client: Any, emu: Emulator) -> None:
    company_id = _company(emu)
    await client.run(upsert_requisite.flow("company", company_id, SBER))
    branch = await client.run(upsert_requisite.flow("company", company_id, {**SBER, "RQ_KPP": "773643001"}))
    assert branch.created
    with pytest.raises(InvalidInputError, match="give the KPP"):
        await client.run(upsert_requisite.flow("company", company_id, {"RQ_INN": SBER["RQ_INN"]}))


async def test_company_details_of_the_demo_agency(make_client: Any) -> None:
    emu = Emulator.demo(limits="off")
    client = make_client(emu.webhook_url, transport=emu.transport())
    my_id = next(cid for cid, row in emu.state.table("company").items() if row.get("IS_MY_COMPANY") == "Y")
    raw_rq = [r for r in _rows(emu, "requisite") if (r["ENTITY_TYPE_ID"], r["ENTITY_ID"]) == (4, my_id)]
    emu.reset_stats()
    details = await client.run(company_details.flow(my_id))
    assert emu.stats.requests == 3  # company; requisite list; one batch of bank details + addresses + presets
    assert details.title == "Солнечный ветер"
    assert details.company.is_my_company
    assert [d.id for d in details.requisites] == [r["ID"] for r in raw_rq]
    mine = details.requisites[0]
    raw_banks = [b for b in _rows(emu, "bankdetail") if b["ENTITY_ID"] == mine.id]
    raw_addresses = sorted(
        a["TYPE_ID"] for a in _rows(emu, "address") if a["ENTITY_ID"] == mine.id and a["ENTITY_TYPE_ID"] == 8
    )
    assert [b.rq_acc_num for b in mine.bank_details] == [b["RQ_ACC_NUM"] for b in raw_banks]
    assert list(mine.addresses) == raw_addresses == [1, 6]
    assert mine.preset is not None
    assert mine.preset.name == "Организация"
    assert details.find(mine.inn or "") is mine


async def test_export_and_import_into_a_fresh_portal(client: Any, emu: Emulator) -> None:
    demo = Emulator.demo(limits="off")
    with demo.client() as b24:
        exported = company_details(b24, 1).to_dict()
    [requisite] = exported["requisites"]
    assert requisite["preset"]["kind"] == "organisation"
    assert "ID" not in requisite["fields"]
    company_id = _company(emu, exported["company"]["TITLE"])
    saved = await client.run(import_requisites.flow("company", company_id, exported["requisites"]))
    again = await client.run(import_requisites.flow("company", company_id, exported["requisites"]))
    assert saved[0].created
    assert not again[0].changed
    back = await client.run(requisites_of.flow("company", company_id))
    assert back[0].to_dict()["fields"] == requisite["fields"]
    assert back[0].to_dict()["bank_details"] == requisite["bank_details"]
    assert back[0].to_dict()["addresses"] == requisite["addresses"]


async def test_find_companies_by_inn(client: Any, emu: Emulator) -> None:
    first, second, other = _company(emu, "Сбер"), _company(emu, "Сбер, филиал"), _company(emu, "Другая")
    await client.run(add_requisite.flow("company", first, SBER))
    await client.run(add_requisite.flow("company", second, {**SBER, "RQ_KPP": "773643001"}))
    await client.run(add_requisite.flow("company", other, {"RQ_INN": "7736050003"}))
    found = await client.run(find_companies_by_inn.flow("7707 083893"))
    assert sorted(m.company.id for m in found) == [first, second]
    by_kpp = await client.run(find_companies_by_inn.flow("7707083893", "773643001"))
    assert [(m.company.title, m.requisite.rq_kpp) for m in by_kpp] == [("Сбер, филиал", "773643001")]
    with pytest.raises(InvalidInputError, match="inn"):
        await client.run(find_companies_by_inn.flow("7707083890"))


# ------------------------------------------------------------------------------ canned results, no HTTP
class Canned:
    """A scripted executor: answers calls (also inside batches) from a function, records every method."""

    def __init__(self, answer: Any) -> None:
        self.answer = answer
        self.methods: list[str] = []

    def __call__(self, step: Any) -> Any:
        if isinstance(step, Batch):
            return [Outcome(key, call.method, value=self._parsed(call)) for key, call in step.items()]
        assert isinstance(step, Call)
        return self._parsed(step)

    def _parsed(self, call: Call[Any]) -> Any:
        self.methods.append(call.method)
        raw = self.answer(call)  # the portal's raw result, parsed as the client would
        return call.parse(APIResponse(raw, total=len(raw) if isinstance(raw, list) else None))


def test_upsert_flow_updates_only_what_differs() -> None:
    from bitrix24_toolkit.models.requisites import Preset

    preset = Preset(id=1, country_id=1, name="Организация", xml_id="#CRM_REQUISITE_PRESET_DEF_RU_COMPANY#")
    existing = {
        "ID": "41",
        "PRESET_ID": "1",
        "NAME": "Главные",
        **SBER,
        "RQ_DIRECTOR": "Иванов",
        "RQ_OKPO": None,
    }
    bank = {"ID": "7", "ENTITY_ID": "41", **SBER_BANK, "RQ_SWIFT": None}
    legal = {"TYPE_ID": "6", "ENTITY_TYPE_ID": "8", "ENTITY_ID": "41", **ADDRESSES[6], "REGION": None}
    sent: list[Call[Any]] = []

    def answer(call: Call[Any]) -> Any:
        sent.append(call)
        pages = {
            "crm.requisite.list": [existing],
            "crm.requisite.bankdetail.list": [bank],
            "crm.address.list": [legal],
        }
        if ">ID" in call.params.get("filter", {}):
            return []  # keyset paging asks for rows after the last one: there are none
        return pages.get(call.method, True)

    canned = Canned(answer)
    saved = drive_flow(
        upsert_requisite.flow(
            "company",
            5,
            {**SBER, "RQ_DIRECTOR": "Петров"},
            bank_details=[SBER_BANK],
            addresses=ADDRESSES,
            preset=preset,
        ),
        canned,
    )
    assert [m for m in canned.methods if m != "crm.requisite.list"] == [
        "crm.requisite.bankdetail.list",
        "crm.address.list",
        "crm.requisite.update",
    ]
    assert canned.methods[0] == "crm.requisite.list"
    assert sent[0].params["filter"] == {
        "ENTITY_TYPE_ID": 4,
        "ENTITY_ID": 5,
        "RQ_INN": "7707083893",
        "RQ_KPP": "773601001",
    }
    assert sent[-1].params == {"id": 41, "fields": {"RQ_DIRECTOR": "Петров"}}  # NAME kept, nothing else sent
    assert (saved.requisite_id, saved.created, saved.changed, saved.bank_detail_ids) == (41, False, True, [7])


def test_add_flow_refers_children_to_the_new_requisite() -> None:
    from bitrix24_toolkit.models.requisites import Preset

    preset = Preset(id=3, country_id=1, name="Физ. лицо", xml_id="#CRM_REQUISITE_PRESET_DEF_RU_PERSON#")
    batches: list[list[tuple[str, Call[Any]]]] = []

    def execute(step: Any) -> Any:
        assert isinstance(step, Batch)
        batches.append(step.items())
        values = {"crm.requisite.add": 90, "crm.requisite.bankdetail.add": 12, "crm.address.add": True}
        return [Outcome(key, call.method, value=values[call.method]) for key, call in step.items()]

    saved = drive_flow(
        add_requisite.flow(
            "contact",
            8,
            {"RQ_LAST_NAME": "Петров", "RQ_INN": "500100732259"},
            bank_details=[SBER_BANK],
            addresses={AddressType.MAILING: {"CITY": "Тула"}},
            preset=preset,
        ),
        execute,
    )
    [items] = batches
    assert [key for key, _ in items] == ["rq", "bank0", "addr8"]
    assert items[0][1].params["fields"]["ENTITY_TYPE_ID"] == 3
    assert items[1][1].params["fields"]["ENTITY_ID"] == "$result[rq]"
    assert items[2][1].params["fields"]["ENTITY_ID"] == "$result[rq]"
    assert (saved.requisite_id, saved.bank_detail_ids, saved.address_types) == (90, [12], [8])
