"""``b24.crm.requisite`` with ``.preset`` and ``.bankdetail``: both clients against the emulator."""

from __future__ import annotations

from typing import Any

import pytest

from bitrix24_toolkit import errors
from bitrix24_toolkit.models.requisites import BankDetail, Preset, Requisite
from bitrix24_toolkit.testing.emulator import Emulator
from tests.services.requisites_support import (
    add_bankdetail,
    add_company,
    add_requisite,
    requisite_api,
    result,
)


async def ru_company_preset(rq: Any) -> Preset:
    """The RU "Организация" preset, found by country and name as the reference advises (not by id)."""
    presets: list[Preset] = await rq.preset.for_country(1)
    return next(p for p in presets if p.name == "Организация")


async def test_presets_are_found_by_country(client: Any) -> None:
    rq = requisite_api(client)
    russian = await rq.preset.for_country(1)
    assert {p.name for p in russian} >= {"Организация", "ИП", "Физ. лицо"}
    assert {p.country_id for p in russian} == {1}
    assert all(isinstance(p.id, int) and p.entity_type_id == 8 for p in russian)
    american = await rq.preset.for_country(122, active_only=True)
    assert [p.name for p in american] == ["Company"]
    countries = await rq.preset.countries()
    assert {(c.id, c.code) for c in countries} >= {(1, "RU"), (122, "US"), (46, "DE")}


async def test_preset_fields_and_details(client: Any) -> None:
    rq = requisite_api(client)
    preset = await ru_company_preset(rq)
    again = await rq.preset.get(preset.id)
    assert again.name == "Организация"
    assert again.xml_id is not None
    assert again.xml_id.startswith("#CRM_REQUISITE_PRESET_DEF_")
    fields = await rq.preset.fields_of(preset.id)
    names = [f.field_name for f in fields]
    assert {"RQ_INN", "RQ_KPP", "RQ_OGRN", "RQ_COMPANY_NAME"} <= set(names)
    inn = next(f for f in fields if f.field_name == "RQ_INN")
    assert inn.in_short_list is True
    assert isinstance(inn.sort, int)
    assert [f.sort for f in fields] == sorted(f.sort or 0 for f in fields)
    assert (await rq.preset.fields())["NAME"].is_required is True
    page = await rq.preset.list(filter={"country_id": 1}, order={"sort": "ASC"}, select=["id", "name"])
    assert page.total == len(page.items) >= 3
    assert page.items[0].country_id is None  # not selected


async def test_requisite_round_trip_with_rq_fields(client: Any, emu: Emulator) -> None:
    rq = requisite_api(client)
    company_id = add_company(emu)
    preset = await ru_company_preset(rq)
    requisite_id = await rq.add(
        Requisite(
            entity_type_id=4,
            entity_id=company_id,
            preset_id=preset.id,
            name="Основные реквизиты",
            rq_company_name="ООО «Ромашка»",
            rq_company_full_name="ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ «РОМАШКА»",
            rq_inn="1717586110",
            rq_kpp="770501001",
            rq_ogrn=5077746476209,  # a number: written as text
            rq_director="Иванов И. И.",
        )
    )
    assert isinstance(requisite_id, int)
    got = await rq.get(requisite_id)
    assert (got.id, got.entity_type_id, got.entity_id, got.preset_id) == (
        requisite_id,
        4,
        company_id,
        preset.id,
    )
    assert (got.rq_inn, got.rq_kpp, got.rq_ogrn) == ("1717586110", "770501001", "5077746476209")
    assert got.rq_director == "Иванов И. И."
    assert got.rq_vat_payer is False
    assert got.rq_accountant is None
    assert got.date_modify is None

    assert await rq.update(
        requisite_id, {"rq_kpp": "770501002", "RQ_VAT_PAYER": True, "RQ_ACCOUNTANT": "Петрова"}
    )
    changed = await rq.get(requisite_id)
    assert (changed.rq_kpp, changed.rq_vat_payer, changed.rq_accountant) == ("770501002", True, "Петрова")
    assert changed.rq_inn == "1717586110"
    assert changed.date_modify is not None

    mine = await rq.for_owner(4, company_id)
    assert [r.id for r in mine] == [requisite_id]
    page = await rq.list(filter={"entity_id": company_id}, select=["id", "rq_inn"])
    assert [(r.id, r.rq_inn) for r in page.items] == [(requisite_id, "1717586110")]

    assert await rq.delete(requisite_id)
    with pytest.raises(errors.NotFoundError):
        await rq.get(requisite_id)
    assert await rq.for_owner(4, company_id) == []


async def test_other_countries_fields_round_trip_as_extras(client: Any, emu: Emulator) -> None:
    rq = requisite_api(client)
    company_id = add_company(emu, "ТОО «Алтын»")
    requisite_id = await rq.add(
        {"ENTITY_TYPE_ID": 4, "ENTITY_ID": company_id, "PRESET_ID": 1, "NAME": "KZ", "RQ_IIN": "123456789012"}
    )
    got = await rq.get(requisite_id)
    # every country's RQ_* field is declared (crm/requisites/universal/crm-requisite-fields.md)
    assert got["RQ_IIN"] == got.rq_iin == "123456789012"
    assert "RQ_IIN" not in got.custom_fields


async def test_iter_all_streams_every_requisite(client: Any, emu: Emulator) -> None:
    company_id = add_company(emu)
    ids = [add_requisite(emu, company_id, NAME=f"R{i}") for i in range(53)]
    rq = requisite_api(client)
    assert [r.id for r in await rq.list_all(filter={"ENTITY_TYPE_ID": 4})] == ids
    assert len(await rq.list_all(limit=5)) == 5
    names = [r.name for r in await rq.list_all(select=["NAME"], order={"ID": "DESC"}, limit=3)]
    assert names == ["R52", "R51", "R50"]


async def test_field_safety_names_the_nearest_field(client: Any, emu: Emulator) -> None:
    company_id = add_company(emu)
    requisite_id = add_requisite(emu, company_id)
    rq = requisite_api(client)
    await rq.fields()
    emu.reset_stats()
    new = {"ENTITY_TYPE_ID": 4, "ENTITY_ID": company_id, "PRESET_ID": 1, "NAME": "x"}
    with pytest.raises(errors.InvalidInputError, match="did you mean 'RQ_INN'") as caught:
        await rq.add({**new, "RQ_INNN": "1717586110"})
    assert caught.value.field == "RQ_INNN"
    with pytest.raises(errors.InvalidInputError, match="read-only"):
        await rq.update(requisite_id, {"DATE_CREATE": "2024-01-01T00:00:00+03:00"})
    with pytest.raises(errors.InvalidInputError, match=r"cannot be changed.*other owner"):
        await rq.update(requisite_id, {"ENTITY_ID": company_id + 1})
    with pytest.raises(errors.InvalidInputError, match="did you mean 'RQ_BIK'"):
        await rq.bankdetail.add({"ENTITY_ID": requisite_id, "NAME": "b", "RQ_BIKK": "044525225"})
    # the first check of each kind loads that kind's field list once; nothing was written
    assert set(emu.stats.calls) <= {"crm.requisite.fields", "crm.requisite.bankdetail.fields"}
    assert all(count == 1 for count in emu.stats.calls.values())
    # switched off, the typo goes through and the portal silently drops it
    assert await rq.update(requisite_id, {"RQ_INNN": "1", "RQ_KPP": "770501001"}, check=False)
    assert (await rq.get(requisite_id)).rq_kpp == "770501001"


async def test_custom_requisite_fields_pass_field_safety(client: Any, emu: Emulator) -> None:
    result(
        emu, "crm.requisite.userfield.add", {"fields": {"FIELD_NAME": "SEGMENT", "USER_TYPE_ID": "string"}}
    )
    company_id = add_company(emu)
    rq = requisite_api(client)
    requisite_id = await rq.add(
        {"ENTITY_TYPE_ID": 4, "ENTITY_ID": company_id, "PRESET_ID": 1, "NAME": "x", "UF_CRM_SEGMENT": "B2B"}
    )
    assert (await rq.get(requisite_id))["UF_CRM_SEGMENT"] == "B2B"


async def test_userfield_added_through_the_child_is_usable_at_once(client: Any, emu: Emulator) -> None:
    company_id = add_company(emu)
    rq = requisite_api(client)
    new = {"ENTITY_TYPE_ID": 4, "ENTITY_ID": company_id, "PRESET_ID": 1, "NAME": "x"}
    with pytest.raises(errors.InvalidInputError, match="UF_CRM_OKOGU"):
        await rq.add({**new, "UF_CRM_OKOGU": "4210014"})  # not defined yet: the cached fields say so
    field_id = await rq.userfield.add({"FIELD_NAME": "okogu", "USER_TYPE_ID": "string"})
    [defined] = await rq.userfield.list(filter={"FIELD_NAME": "UF_CRM_OKOGU"})
    assert (defined.id, defined.entity_id) == (field_id, "CRM_REQUISITE")
    requisite_id = await rq.add({**new, "UF_CRM_OKOGU": "4210014"})  # the field cache was refreshed
    assert (await rq.get(requisite_id))["UF_CRM_OKOGU"] == "4210014"


@pytest.mark.parametrize(
    "attempt",
    [
        lambda rq: rq.get(0),
        lambda rq: rq.get("abc"),
        lambda rq: rq.get(True),
        lambda rq: rq.delete(-3),
        lambda rq: rq.update(None, {"NAME": "x"}),
        lambda rq: rq.for_owner(2, 5),  # deals have no requisites
        lambda rq: rq.for_owner(4, 0),
        lambda rq: rq.add({"ENTITY_TYPE_ID": 2, "ENTITY_ID": 5, "PRESET_ID": 1, "NAME": "x"}),
        lambda rq: rq.add({"ENTITY_TYPE_ID": 4, "ENTITY_ID": 5, "NAME": "x"}),  # no PRESET_ID
        lambda rq: rq.add({"ENTITY_TYPE_ID": 4, "PRESET_ID": 1, "NAME": "x"}),  # no ENTITY_ID
        lambda rq: rq.add({"ENTITY_TYPE_ID": "four", "ENTITY_ID": 5, "PRESET_ID": 1}),
        lambda rq: rq.preset.get(0),
        lambda rq: rq.preset.fields_of("x"),
        lambda rq: rq.preset.for_country(-1),
        lambda rq: rq.bankdetail.get(0),
        lambda rq: rq.bankdetail.for_requisite(None),
        lambda rq: rq.bankdetail.add({"NAME": "no requisite"}),
        lambda rq: rq.list(select="ID"),
        lambda rq: rq.list(order={"ID": "UP"}),
    ],
)
async def test_bad_arguments_fail_before_any_request(client: Any, emu: Emulator, attempt: Any) -> None:
    emu.reset_stats()
    with pytest.raises(errors.InvalidInputError):
        await attempt(requisite_api(client))
    assert emu.stats.requests == 0


async def test_bank_details_of_a_requisite(client: Any, emu: Emulator) -> None:
    company_id = add_company(emu)
    requisite_id = add_requisite(emu, company_id)
    other = add_requisite(emu, company_id)
    add_bankdetail(emu, other, "Другой банк")
    rq = requisite_api(client)
    bank_id = await rq.bankdetail.add(
        BankDetail(
            entity_id=requisite_id,
            name="Сбербанк",
            rq_bank_name="ПАО Сбербанк",
            rq_bik="044525225",
            rq_acc_num="40702810900000000001",
            rq_cor_acc_num="30101810400000000225",
            rq_acc_currency="RUB",
        )
    )
    bank = await rq.bankdetail.get(bank_id)
    assert (bank.id, bank.entity_id, bank.country_id, bank.name) == (bank_id, requisite_id, 1, "Сбербанк")
    assert (bank.rq_bik, bank.rq_acc_num, bank.rq_acc_currency) == (
        "044525225",
        "40702810900000000001",
        "RUB",
    )
    assert bank.rq_iban is None
    assert bank.active is True
    assert await rq.bankdetail.update(bank_id, {"rq_swift": "SABRRUMM"})
    assert (await rq.bankdetail.get(bank_id)).rq_swift == "SABRRUMM"
    assert [b.id for b in await rq.bankdetail.for_requisite(requisite_id)] == [bank_id]
    # COUNTRY_ID is neither read-only nor immutable
    # (crm/requisites/bank-detail/crm-requisite-bank-detail-fields.md)
    assert await rq.bankdetail.update(bank_id, {"COUNTRY_ID": 1})
    second = await rq.bankdetail.add({"ENTITY_ID": requisite_id, "NAME": "ВТБ"})
    assert await rq.bankdetail.delete(second)
    assert [b.id for b in await rq.bankdetail.for_requisite(requisite_id)] == [bank_id]
    assert await rq.delete(requisite_id)  # bank details go with their requisite
    with pytest.raises(errors.NotFoundError):
        await rq.bankdetail.get(bank_id)
    assert len(await rq.bankdetail.for_requisite(other)) == 1
