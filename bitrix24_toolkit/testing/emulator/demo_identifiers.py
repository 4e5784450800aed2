"""Valid Russian company identifiers for the demo portal, generated from a seeded RNG.

Internal to the demo builder. Every value carries a correct check digit, so the toolkit's validators (and
any real-world checker) accept them:

- INN of an organisation: 10 digits, the last is ``(sum of weights 2,4,10,3,5,9,4,6,8 x digits) mod 11
  mod 10``;
- KPP: the tax office code (the INN's first four digits), reason code ``01``, number ``001``;
- OGRN: 13 digits, the last is ``(first 12 digits as a number) mod 11 mod 10``;
- BIK: 9 digits ``04`` + region + division + the bank's three-digit number;
- accounts (20 digits) have a control key at position 9: the 23 digits "key prefix + account" weighted
  7,1,3,7,1,3,... must sum to a multiple of 10. The prefix is the BIK's last three digits for a settlement
  account and ``"0"`` + BIK digits 5-6 for the bank's correspondent account (``301...``).
"""

from __future__ import annotations

import random

__all__ = [
    "account_with_key",
    "bik",
    "company_inn",
    "correspondent_account",
    "inn10_check_digit",
    "kpp",
    "ogrn",
    "settlement_account",
]

_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_ACCOUNT_WEIGHTS = ((7, 1, 3) * 8)[:23]
_KEY_INDEX = 8  # the control key is the ninth digit of an account


def inn10_check_digit(first_nine: str) -> str:
    """The tenth digit of an organisation's INN."""
    total = sum(weight * int(digit) for weight, digit in zip(_INN10_WEIGHTS, first_nine, strict=True))
    return str(total % 11 % 10)


def company_inn(rng: random.Random, region: str) -> str:
    """A valid 10-digit INN registered in ``region`` (two digits, e.g. ``"77"`` for Moscow)."""
    body = f"{region}{rng.randint(1, 35):02d}{rng.randint(1, 99999):05d}"
    return body + inn10_check_digit(body)


def kpp(inn: str) -> str:
    """The KPP of an organisation registered where its INN was issued (reason ``01``, number ``001``)."""
    return f"{inn[:4]}01001"


def ogrn(rng: random.Random, region: str, year: int) -> str:
    """A valid 13-digit OGRN of a legal entity registered in ``year`` in ``region``."""
    body = f"1{year % 100:02d}{region}{rng.randint(1, 50):02d}{rng.randint(1, 99999):05d}"
    return body + str(int(body) % 11 % 10)


def bik(rng: random.Random, okato: str = "45", division: str = "25") -> str:
    """A BIK of a bank in the region with OKATO code ``okato`` (``45`` = Moscow)."""
    return f"04{okato}{division}{rng.randint(100, 999)}"


def account_with_key(prefix: str, account: str) -> str:
    """``account`` (20 digits; its ninth digit is ignored) with the control key for ``prefix``."""
    digits = [int(d) for d in prefix + account[:_KEY_INDEX] + "0" + account[_KEY_INDEX + 1 :]]
    total = sum(weight * digit for weight, digit in zip(_ACCOUNT_WEIGHTS, digits, strict=True))
    # the key's weight is 3 (position 11 of the 23 digits) and 3 * 7 = 21 = 1 (mod 10)
    key = (-total * 7) % 10
    return account[:_KEY_INDEX] + str(key) + account[_KEY_INDEX + 1 :]


def settlement_account(rng: random.Random, bank_bik: str, *, currency: str = "810") -> str:
    """A commercial organisation's settlement account (``40702``) at the bank ``bank_bik``."""
    raw = f"40702{currency}0{rng.randint(0, 9999):04d}{rng.randint(0, 9_999_999):07d}"
    return account_with_key(bank_bik[-3:], raw)


def correspondent_account(bank_bik: str) -> str:
    """The bank's correspondent account at the Bank of Russia (``30101810`` ... BIK's last three digits)."""
    raw = f"301018100{'0' * 8}{bank_bik[-3:]}"
    return account_with_key("0" + bank_bik[4:6], raw)
