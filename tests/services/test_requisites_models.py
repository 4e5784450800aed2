"""Requisite models parse the reference's example answers (section 6, ``tests/fixtures/requisites.json``)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from bitrix24_toolkit import errors
from bitrix24_toolkit.models.requisites import (
    Address,
    AddressType,
    BankDetail,
    Country,
    Preset,
    PresetField,
    Requisite,
    RequisiteLink,
)
from bitrix24_toolkit.testing.cassettes import Cassette
from tests.conftest import Factory
from tests.services.requisites_support import requisite_api

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "requisites.json"


def recorded(method: str) -> Any:
    """The recorded ``result`` of a method in the requisites cassette."""
    exchanges = json.loads(FIXTURE.read_text(encoding="utf-8"))["exchanges"]
    return next(item["body"]["result"] for item in exchanges if item["method"] == method)


async def test_requisite_get_answer_parses_through_both_clients(make_client: Factory) -> None:
    client = make_client("https://portal.example/rest/1/code/", transport=Cassette.load(FIXTURE).transport())
    requisite = await requisite_api(client).get(41)
    assert isinstance(requisite, Requisite)
    assert (requisite.id, requisite.entity_type_id, requisite.entity_id, requisite.preset_id) == (
        41,
        4,
        3028,
        1,
    )
    assert (requisite.rq_inn, requisite.rq_kpp, requisite.rq_ogrn) == (
        "1717586110",
        "770501001",
        "5077746476209",
    )
    assert requisite.rq_company_name == "ООО «Ромашка»"
    assert requisite.rq_director == "Иванов И. И."
    assert requisite.rq_vat_payer is False
    assert requisite.active is True
    assert requisite.address_only is False
    assert requisite.sort == 500
    assert requisite.date_create == dt.datetime(
        2024, 5, 23, 18, 18, 25, tzinfo=dt.timezone(dt.timedelta(hours=3))
    )
    assert requisite.date_modify is None  # "" until the first update
    assert requisite.modify_by_id is None
    assert requisite.created_by_id == 1
    assert requisite.rq_accountant is None
    assert requisite.code is None


def test_requisite_get_answer_has_no_key_the_model_misses() -> None:
    requisite = Requisite.from_api(recorded("crm.requisite.get"), strict=True)
    assert requisite.custom_fields == {}


async def test_link_get_answer_with_mixed_types_parses_through_both_clients(make_client: Factory) -> None:
    raw = recorded("crm.requisite.link.get")
    assert isinstance(raw["ENTITY_TYPE_ID"], int)
    assert isinstance(raw["REQUISITE_ID"], str)
    client = make_client("https://portal.example/rest/1/code/", transport=Cassette.load(FIXTURE).transport())
    link = await requisite_api(client).link.get(31, 315)
    assert link == RequisiteLink(
        entity_type_id=31,
        entity_id=315,
        requisite_id=60,
        bank_detail_id=24,
        mc_requisite_id=2,
        mc_bank_detail_id=2,
    )


def test_link_zero_means_not_selected() -> None:
    link = RequisiteLink.model_validate(
        {
            "ENTITY_TYPE_ID": "2",
            "ENTITY_ID": "7",
            "REQUISITE_ID": "5",
            "BANK_DETAIL_ID": "0",
            "MC_REQUISITE_ID": 0,
            "MC_BANK_DETAIL_ID": None,
        }
    )
    assert (link.requisite_id, link.bank_detail_id, link.mc_requisite_id, link.mc_bank_detail_id) == (
        5,
        None,
        None,
        None,
    )


def test_list_answers_parse() -> None:
    [row] = [Requisite.model_validate(item) for item in recorded("crm.requisite.list")]
    assert (row.id, row.entity_type_id, row.entity_id, row.name) == (41, 4, 3028, "Headquarters details")
    presets = [Preset.model_validate(item) for item in recorded("crm.requisite.preset.list")]
    assert [(p.id, p.name) for p in presets] == [(1, "Организация"), (2, "ИП"), (3, "Физ. лицо")]
    [bank] = [BankDetail.model_validate(item) for item in recorded("crm.requisite.bankdetail.list")]
    assert (bank.id, bank.entity_id, bank.name) == (11, 27, "Chase")


def test_countries_and_preset_fields_come_as_real_ints() -> None:
    # reference 6.1, verbatim shapes
    countries = [
        Country.model_validate(row)
        for row in [{"ID": 1, "CODE": "RU", "TITLE": "Россия"}, {"ID": 122, "CODE": "US"}]
    ]
    assert [(c.id, c.code) for c in countries] == [(1, "RU"), (122, "US")]
    field = PresetField.model_validate(
        {"ID": 1, "FIELD_NAME": "RQ_INN", "FIELD_TITLE": "", "IN_SHORT_LIST": "Y", "SORT": 510}
    )
    assert (field.id, field.field_name, field.field_title, field.in_short_list, field.sort) == (
        1,
        "RQ_INN",
        None,  # the portal's "" (no value) reads as None
        True,
        510,
    )


def test_preset_with_every_documented_field() -> None:
    preset = Preset.from_api(
        {
            "ID": "1",
            "ENTITY_TYPE_ID": "8",
            "COUNTRY_ID": "1",
            "NAME": "Организация",
            "XML_ID": "#CRM_REQUISITE_PRESET_DEF_RU_COMPANY#",
            "ACTIVE": "Y",
            "SORT": "500",
            "DATE_CREATE": "2024-05-23T18:18:25+03:00",
            "DATE_MODIFY": "",
            "CREATED_BY_ID": "1",
            "MODIFY_BY_ID": "0",
        },
        strict=True,
    )
    assert (preset.entity_type_id, preset.country_id, preset.active, preset.sort) == (8, 1, True, 500)
    assert preset.date_modify is None
    assert preset.modify_by_id is None


def test_address_row_from_the_reference() -> None:
    address = Address.from_api(
        {
            "TYPE_ID": "1",
            "ENTITY_TYPE_ID": "8",
            "ENTITY_ID": "7335",
            "ADDRESS_1": "Address 1",
            "ADDRESS_2": "701",
            "CITY": "Los Angeles",
            "POSTAL_CODE": "625003",
            "REGION": "California",
            "PROVINCE": "California",
            "COUNTRY": "USA",
            "COUNTRY_CODE": None,
            "LOC_ADDR_ID": "479",
            "ANCHOR_TYPE_ID": "3",
            "ANCHOR_ID": "17192",
        },
        strict=True,
    )
    assert address.key == (AddressType.ACTUAL, 8, 7335)
    assert (address.address_2, address.postal_code, address.country_code) == ("701", "625003", None)
    assert (address.loc_addr_id, address.anchor_type_id, address.anchor_id) == (479, 3, 17192)


def test_address_types_are_the_portal_ints() -> None:
    assert (AddressType.ACTUAL, AddressType.REGISTERED, AddressType.LEGAL) == (1, 4, 6)
    assert (AddressType.MAILING, AddressType.BENEFICIARY, AddressType.SHIPPING) == (8, 9, 11)
    assert AddressType.NAMES[AddressType.LEGAL] == "Legal address"


def test_other_countries_fields_and_custom_fields_are_kept() -> None:
    requisite = Requisite.model_validate(
        {"ID": "9", "RQ_IIN": "123456789012", "RQ_CNPJ": "11.222.333/0001-81", "UF_CRM_SEGMENT": "B2B"}
    )
    assert requisite["RQ_IIN"] == "123456789012"
    # every RQ_* of crm.requisite.fields is declared; only custom fields are extras
    assert (requisite.rq_iin, requisite.rq_cnpj) == ("123456789012", "11.222.333/0001-81")
    assert requisite.custom_fields == {
        "UF_CRM_SEGMENT": "B2B",
    }


def test_writes_use_the_portal_forms() -> None:
    requisite = Requisite(entity_type_id=4, entity_id=12, preset_id=1, rq_inn=7707083893, rq_vat_payer=True)
    assert requisite.to_api() == {
        "ENTITY_TYPE_ID": 4,
        "ENTITY_ID": 12,
        "PRESET_ID": 1,
        "RQ_INN": "7707083893",  # a number given for a text field is written as text
        "RQ_VAT_PAYER": "Y",
    }
    assert BankDetail(rq_acc_num=40702810900000000001).to_api() == {"RQ_ACC_NUM": "40702810900000000001"}


def test_bad_values_are_refused_when_parsing() -> None:
    with pytest.raises(errors.InvalidInputError, match="Requisite"):
        Requisite.from_api({"ID": "forty-one"})
