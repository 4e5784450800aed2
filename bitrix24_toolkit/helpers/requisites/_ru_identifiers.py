"""Russian company identifiers, checked before anything is sent: INN, KPP, OGRN, OGRNIP, BIK, accounts.

Every ``validate_*`` function takes a string (or an int), removes spaces and hyphens, checks the length,
the alphabet and the check digits, and returns the normalised value; a wrong value raises
:class:`~bitrix24_toolkit.errors.InvalidInputError` whose message names the field and the rule broken.

The algorithms (Federal Tax Service and Bank of Russia rules):

- **INN** of an organisation, 10 digits: the last digit is ``(sum of the first nine digits weighted
  2,4,10,3,5,9,4,6,8) mod 11 mod 10``. INN of a person or sole proprietor, 12 digits: digit 11 is the same
  sum over ten digits with weights 7,2,4,10,3,5,9,4,6,8, digit 12 over eleven digits with weights
  3,7,2,4,10,3,5,9,4,6,8.
- **KPP**, 9 characters: tax office code (4 digits), reason code (2 digits or capital Latin letters), number
  (3 digits): ``\\d{4}[\\dA-Z]{2}\\d{3}``.
- **OGRN**, 13 digits: the last is ``(the first 12 digits as a number) mod 11 mod 10``.
- **OGRNIP**, 15 digits: the last is ``(the first 14 digits as a number) mod 13 mod 10``.
- **BIK**, 9 digits starting with ``04`` (Russia).
- **Accounts**, 20 digits, with a control key: the 23 digits "key prefix + account", weighted 7,1,3,7,1,3...,
  must sum to a multiple of 10. The prefix is the BIK's last three digits for an account at a bank
  (settlement account), and ``"0"`` + BIK digits 5-6 for the bank's correspondent account (and for accounts
  held directly at a Bank of Russia cash centre, whose BIK ends in 000, 001 or 002). A correspondent
  account also ends with the BIK's last three digits.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Final, Literal

from ...errors import InvalidInputError

__all__ = [
    "RU_COUNTRY_ID",
    "InnKind",
    "check_bank_detail_fields",
    "check_requisite_fields",
    "validate_account",
    "validate_bik",
    "validate_inn",
    "validate_kpp",
    "validate_ogrn",
    "validate_ogrnip",
]

#: ``COUNTRY_ID`` of Russia in ``crm.requisite.preset.countries``
RU_COUNTRY_ID: Final = 1

#: who an INN belongs to: an organisation has 10 digits, a sole proprietor or a person 12
InnKind = Literal["organisation", "sole_proprietor", "person"]

_INN10_WEIGHTS: Final = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_1: Final = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_2: Final = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_ACCOUNT_WEIGHTS: Final = (7, 1, 3) * 8
#: INN kind -> (how the messages name it, allowed lengths)
_INN_KINDS: Final[dict[str | None, tuple[str, tuple[int, ...]]]] = {
    None: ("INN", (10, 12)),
    "organisation": ("the INN of an organisation", (10,)),
    "sole_proprietor": ("the INN of a sole proprietor", (12,)),
    "person": ("the INN of a person", (12,)),
}
_KPP: Final = re.compile(r"^\d{4}[\dA-Z]{2}\d{3}$")
_SEPARATORS: Final = re.compile(r"[\s\-]+")
#: BIK endings of Bank of Russia cash centres (their own accounts use the correspondent-style prefix)
_CASH_CENTRE_ENDINGS: Final = ("000", "001", "002")


def _text(value: Any, field: str, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InvalidInputError(f"{field}: {what} must be a string of digits, not {value!r}", field=field)
    return _SEPARATORS.sub("", str(value))


def _digits(value: Any, field: str, what: str, lengths: tuple[int, ...]) -> str:
    text = _text(value, field, what)
    wanted = " or ".join(str(n) for n in lengths)
    if not text.isascii() or not text.isdigit() or len(text) not in lengths:
        raise InvalidInputError(f"{field}: {what} must be {wanted} digits, not {value!r}", field=field)
    if set(text) == {"0"}:
        raise InvalidInputError(f"{field}: {what} cannot be all zeros", field=field)
    return text


def _weighted(digits: str, weights: tuple[int, ...]) -> int:
    return sum(weight * int(digit) for weight, digit in zip(weights, digits, strict=False))


def validate_inn(value: Any, *, kind: InnKind | None = None, field: str = "RQ_INN") -> str:
    """An INN (10 digits for an organisation, 12 for a person) with correct check digits, normalised."""
    whose, lengths = _INN_KINDS[kind]
    inn = _digits(value, field, whose, lengths)
    if len(inn) == 10:
        expected = str(_weighted(inn, _INN10_WEIGHTS) % 11 % 10)
        if inn[9] != expected:
            raise InvalidInputError(
                f"{field}: INN {inn} has a wrong check digit (10th digit must be {expected}: weights "
                "2,4,10,3,5,9,4,6,8, sum mod 11 mod 10)",
                field=field,
            )
        return inn
    first = str(_weighted(inn, _INN12_WEIGHTS_1) % 11 % 10)
    second = str(_weighted(inn, _INN12_WEIGHTS_2) % 11 % 10)
    if inn[10] != first or inn[11] != second:
        raise InvalidInputError(
            f"{field}: INN {inn} has wrong check digits (11th and 12th digits must be {first}{second}: "
            "weights 7,2,4,10,3,5,9,4,6,8 and 3,7,2,4,10,3,5,9,4,6,8, sums mod 11 mod 10)",
            field=field,
        )
    return inn


def validate_kpp(value: Any, *, field: str = "RQ_KPP") -> str:
    """A KPP: 4 digits, 2 digits or capital Latin letters, 3 digits; normalised (upper case)."""
    kpp = _text(value, field, "KPP").upper()
    if not kpp.isascii() or not _KPP.match(kpp):
        raise InvalidInputError(
            f"{field}: KPP must be 9 characters: 4 digits (tax office), 2 digits or capital Latin letters "
            f"(reason), 3 digits (number), not {value!r}",
            field=field,
        )
    return kpp


def validate_ogrn(value: Any, *, field: str = "RQ_OGRN") -> str:
    """An OGRN (13 digits) whose last digit is (first 12 digits) mod 11 mod 10; normalised."""
    ogrn = _digits(value, field, "OGRN", (13,))
    expected = str(int(ogrn[:12]) % 11 % 10)
    if ogrn[12] != expected:
        raise InvalidInputError(
            f"{field}: OGRN {ogrn} has a wrong check digit (13th digit must be {expected}: the first 12 "
            "digits as a number mod 11 mod 10)",
            field=field,
        )
    return ogrn


def validate_ogrnip(value: Any, *, field: str = "RQ_OGRNIP") -> str:
    """An OGRNIP (15 digits) whose last digit is (first 14 digits) mod 13 mod 10; normalised."""
    ogrnip = _digits(value, field, "OGRNIP", (15,))
    expected = str(int(ogrnip[:14]) % 13 % 10)
    if ogrnip[14] != expected:
        raise InvalidInputError(
            f"{field}: OGRNIP {ogrnip} has a wrong check digit (15th digit must be {expected}: the first "
            "14 digits as a number mod 13 mod 10)",
            field=field,
        )
    return ogrnip


def validate_bik(value: Any, *, field: str = "RQ_BIK") -> str:
    """A Russian BIK: 9 digits starting with 04; normalised."""
    bik = _digits(value, field, "BIK", (9,))
    if not bik.startswith("04"):
        raise InvalidInputError(
            f"{field}: a Russian BIK starts with 04 (the country code), not {bik[:2]} ({bik})", field=field
        )
    return bik


def validate_account(
    value: Any,
    bik: Any,
    *,
    kind: Literal["settlement", "correspondent"] = "settlement",
    field: str | None = None,
) -> str:
    """A 20-digit account whose control key (9th digit) matches the bank's BIK; normalised.

    ``kind="correspondent"`` checks a bank's correspondent account (``301...``) instead of a settlement one.
    """
    name = field or ("RQ_COR_ACC_NUM" if kind == "correspondent" else "RQ_ACC_NUM")
    what = "correspondent account" if kind == "correspondent" else "account"
    account = _digits(value, name, what, (20,))
    bank = validate_bik(bik)
    if kind == "correspondent":
        if not account.startswith("301"):
            raise InvalidInputError(
                f"{name}: a correspondent account at the Bank of Russia starts with 301, not {account[:3]}",
                field=name,
            )
        if account[-3:] != bank[-3:]:
            raise InvalidInputError(
                f"{name}: correspondent account {account} does not match BIK {bank} (its last three digits "
                f"repeat the BIK's: {bank[-3:]})",
                field=name,
            )
        prefix = "0" + bank[4:6]
    else:
        prefix = "0" + bank[4:6] if bank[-3:] in _CASH_CENTRE_ENDINGS else bank[-3:]
    if _weighted(prefix + account, _ACCOUNT_WEIGHTS) % 10:
        raise InvalidInputError(
            f"{name}: {what} {account} does not match BIK {bank} (wrong control key, 9th digit: "
            f"'{prefix}' + account weighted 7,1,3 must sum to a multiple of 10)",
            field=name,
        )
    return account


_REQUISITE_CHECKS: Final[dict[str, Callable[..., str]]] = {
    "RQ_KPP": validate_kpp,
    "RQ_OGRN": validate_ogrn,
    "RQ_OGRNIP": validate_ogrnip,
}


def _given(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def check_requisite_fields(
    fields: Mapping[str, Any], *, country_id: int | None, kind: InnKind | None = None
) -> dict[str, Any]:
    """``fields`` with the RU identifiers validated and normalised (other countries: unchanged)."""
    out = dict(fields)
    if country_id != RU_COUNTRY_ID:
        return out
    if _given(out.get("RQ_INN")):
        out["RQ_INN"] = validate_inn(out["RQ_INN"], kind=kind)
    for key, check in _REQUISITE_CHECKS.items():
        if _given(out.get(key)):
            out[key] = check(out[key])
    return out


def check_bank_detail_fields(fields: Mapping[str, Any], *, country_id: int | None) -> dict[str, Any]:
    """Bank detail ``fields`` with the RU BIK and accounts checked against each other (others: unchanged)."""
    out = dict(fields)
    if country_id != RU_COUNTRY_ID:
        return out
    accounts = [key for key in ("RQ_ACC_NUM", "RQ_COR_ACC_NUM") if _given(out.get(key))]
    if _given(out.get("RQ_BIK")):
        out["RQ_BIK"] = validate_bik(out["RQ_BIK"])
    elif accounts:
        raise InvalidInputError(
            f"{accounts[0]}: an account is checked against the bank's BIK: give RQ_BIK too", field="RQ_BIK"
        )
    if _given(out.get("RQ_ACC_NUM")):
        out["RQ_ACC_NUM"] = validate_account(out["RQ_ACC_NUM"], out["RQ_BIK"])
    if _given(out.get("RQ_COR_ACC_NUM")):
        out["RQ_COR_ACC_NUM"] = validate_account(out["RQ_COR_ACC_NUM"], out["RQ_BIK"], kind="correspondent")
    return out
