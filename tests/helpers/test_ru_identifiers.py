"""Russian identifiers: known-valid examples pass, each broken variant is refused naming field and rule."""

from __future__ import annotations

import random
from typing import Any

import pytest

from bitrix24_toolkit.errors import InvalidInputError
from bitrix24_toolkit.helpers import (
    validate_account,
    validate_bik,
    validate_inn,
    validate_kpp,
    validate_ogrn,
    validate_ogrnip,
)
from bitrix24_toolkit.helpers.requisites._ru_identifiers import (
    check_bank_detail_fields,
    check_requisite_fields,
)
from bitrix24_toolkit.testing.emulator import Emulator, demo_identifiers

# Sberbank's public details (independently known to be valid)
SBER = {
    "inn": "7707083893",
    "kpp": "773601001",
    "ogrn": "1027700132195",
    "bik": "044525225",
    "cor": "30101810400000000225",
}
# A settlement account at Sberbank: key digit 9 found by hand (prefix "225" + account, weights 7,1,3)
SBER_ACCOUNT = "40702810938000012345"


def test_known_valid_values_pass_and_are_normalised() -> None:
    assert validate_inn(SBER["inn"]) == "7707083893"
    assert validate_inn(" 7707 083893 ") == "7707083893"
    assert validate_inn(7707083893) == "7707083893"
    assert validate_inn("500100732259") == "500100732259"  # a person's INN (12 digits)
    assert validate_kpp("773601001") == "773601001"
    assert validate_kpp("7736ab001") == "7736AB001"  # reason code may be letters
    assert validate_ogrn(SBER["ogrn"]) == SBER["ogrn"]
    assert validate_ogrn("5077746476209") == "5077746476209"  # the reference's OGRN is valid
    assert validate_ogrnip("304500116000157") == "304500116000157"
    assert validate_bik(SBER["bik"]) == SBER["bik"]
    assert validate_account(SBER["cor"], SBER["bik"], kind="correspondent") == SBER["cor"]
    assert validate_account("3010-1810-1452-5000-0974", "044525974", kind="correspondent") == (
        "30101810145250000974"  # Tinkoff's correspondent account
    )
    assert validate_account(SBER_ACCOUNT, SBER["bik"]) == SBER_ACCOUNT


@pytest.mark.parametrize(
    ("check", "value", "field", "words"),
    [
        (validate_inn, "1717586110", "RQ_INN", "10th digit must be 9"),  # the reference's example INN
        (validate_inn, "7707083894", "RQ_INN", "wrong check digit"),
        (validate_inn, "500100732258", "RQ_INN", "must be 59"),
        (validate_inn, "77070838", "RQ_INN", "10 or 12 digits"),
        (validate_inn, "77070838AB", "RQ_INN", "10 or 12 digits"),
        (validate_inn, "0000000000", "RQ_INN", "all zeros"),
        (validate_kpp, "77360100", "RQ_KPP", "9 characters"),
        (validate_kpp, "7736ЯЯ001", "RQ_KPP", "capital Latin letters"),
        (validate_ogrn, "1027700132194", "RQ_OGRN", "13th digit must be 5"),
        (validate_ogrn, "102770013219", "RQ_OGRN", "13 digits"),
        (validate_ogrnip, "304500116000158", "RQ_OGRNIP", "15th digit must be 7"),
        (validate_bik, "144525225", "RQ_BIK", "starts with 04"),
        (validate_bik, "04452522", "RQ_BIK", "9 digits"),
    ],
)
def test_invalid_values_name_field_and_rule(check: Any, value: str, field: str, words: str) -> None:
    with pytest.raises(InvalidInputError, match=words) as caught:
        check(value)
    assert caught.value.field == field
    assert field in str(caught.value)


def test_inn_length_follows_the_kind() -> None:
    with pytest.raises(InvalidInputError, match="organisation must be 10 digits"):
        validate_inn("500100732259", kind="organisation")
    with pytest.raises(InvalidInputError, match="sole proprietor must be 12 digits"):
        validate_inn(SBER["inn"], kind="sole_proprietor")


def test_accounts_are_checked_against_the_bik() -> None:
    with pytest.raises(InvalidInputError, match="does not match BIK 044525225") as caught:
        validate_account("40702810038000012345", SBER["bik"])  # key 0 instead of 9
    assert caught.value.field == "RQ_ACC_NUM"
    with pytest.raises(InvalidInputError, match="does not match BIK 044525974"):
        validate_account(SBER["cor"], "044525974", kind="correspondent")  # another bank's BIK
    with pytest.raises(InvalidInputError, match="starts with 301"):
        validate_account(SBER_ACCOUNT, SBER["bik"], kind="correspondent")
    with pytest.raises(InvalidInputError, match="20 digits") as short:
        validate_account("3010181040000000022", SBER["bik"], kind="correspondent")
    assert short.value.field == "RQ_COR_ACC_NUM"


def test_field_checks_apply_to_russia_only() -> None:
    fields = {"RQ_INN": "7707 083893", "RQ_KPP": "773601001", "RQ_OGRN": None, "RQ_COMPANY_NAME": "x"}
    assert check_requisite_fields(fields, country_id=1)["RQ_INN"] == "7707083893"
    foreign = {"RQ_INN": "123", "RQ_VAT_ID": "DE123"}
    assert check_requisite_fields(foreign, country_id=46) == foreign
    with pytest.raises(InvalidInputError, match="RQ_INN"):
        check_requisite_fields(foreign, country_id=1)
    bank = {"RQ_BIK": SBER["bik"], "RQ_ACC_NUM": SBER_ACCOUNT, "RQ_COR_ACC_NUM": SBER["cor"]}
    assert check_bank_detail_fields(bank, country_id=1) == bank
    with pytest.raises(InvalidInputError, match="give RQ_BIK too"):
        check_bank_detail_fields({"RQ_ACC_NUM": SBER_ACCOUNT}, country_id=1)
    assert check_bank_detail_fields({"RQ_ACC_NUM": "GB29NWBK"}, country_id=122) == {"RQ_ACC_NUM": "GB29NWBK"}


def test_the_demo_generator_and_the_validators_agree() -> None:
    rng = random.Random(7)
    for _ in range(200):
        inn = demo_identifiers.company_inn(rng, "77")
        bik = demo_identifiers.bik(rng)
        assert validate_inn(inn, kind="organisation") == inn
        assert validate_kpp(demo_identifiers.kpp(inn)) == demo_identifiers.kpp(inn)
        assert validate_ogrn(demo_identifiers.ogrn(rng, "77", 2015))
        assert validate_account(demo_identifiers.settlement_account(rng, bik), bik)
        assert validate_account(demo_identifiers.correspondent_account(bik), bik, kind="correspondent")


def test_the_demo_portals_own_details_validate() -> None:
    emu = Emulator.demo(limits="off")
    company = next(row for row in emu.state.table("company").values() if row.get("IS_MY_COMPANY") == "Y")
    requisite = next(
        row
        for row in emu.state.table("requisite").values()
        if (row["ENTITY_TYPE_ID"], row["ENTITY_ID"]) == (4, company["ID"])
    )
    bank = next(row for row in emu.state.table("bankdetail").values() if row["ENTITY_ID"] == requisite["ID"])
    assert validate_inn(requisite["RQ_INN"], kind="organisation")
    assert validate_kpp(requisite["RQ_KPP"])
    assert validate_ogrn(requisite["RQ_OGRN"])
    assert validate_bik(bank["RQ_BIK"])
    assert validate_account(bank["RQ_ACC_NUM"], bank["RQ_BIK"])
    assert validate_account(bank["RQ_COR_ACC_NUM"], bank["RQ_BIK"], kind="correspondent")
