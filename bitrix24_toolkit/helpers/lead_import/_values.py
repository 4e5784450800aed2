"""Cell values of an import in the portal's forms: phones (E.164), e-mails, numbers, dates, Y/N, statuses."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from ...models.meta import FieldInfo
from ._extra import leads_extra

__all__ = ["convert", "normalize_email", "normalize_phone", "phone_variants"]

_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_YES = {"y", "yes", "да", "1", "true", "д"}
_NO = {"n", "no", "нет", "0", "false", "н"}


def normalize_phone(text: str, region: str = "RU") -> str:
    """A phone number in E.164 (``8 (999) 123-45-67`` -> ``+79991234567``); ValueError if not valid."""
    with leads_extra():
        import phonenumbers
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"{text!r} is not a phone number") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"{text!r} is not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_variants(e164: str) -> list[str]:
    """How a number may be stored on a portal: E.164 and the national digits (``+79991234567`` and
    ``89991234567``). Whether the portal's duplicate index equates them is not documented, so look-ups
    send both (tolerant choice)."""
    with leads_extra():
        import phonenumbers
    try:
        national = phonenumbers.format_number(
            phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.NATIONAL
        )
    except phonenumbers.NumberParseException:
        return [e164]
    digits = "".join(ch for ch in national if ch.isdigit())
    return [e164] if not digits or digits == e164.lstrip("+") else [e164, digits]


def normalize_email(text: str) -> str:
    """An e-mail address checked for syntax (no DNS look-up), domain lowercased; ValueError if not valid."""
    with leads_extra():
        from email_validator import EmailNotValidError, validate_email
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValueError(f"{text!r} is not a valid e-mail: {exc}") from exc


def _number(text: str) -> str:
    cleaned = re.sub(r"[\s\u00a0₽$€]|руб\.?|rub", "", text, flags=re.IGNORECASE).replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number") from None
    if not value.is_finite():
        raise ValueError(f"{text!r} is not a number")
    return str(value)


def _integer(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not a whole number") from None


def _moment(text: str, with_time: bool) -> str:
    match = _DATE.fullmatch(text.strip())
    try:
        if match:
            day, month, year, hour, minute, second = match.groups()
            moment = dt.datetime(
                int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
            )
        else:
            moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not a date (dd.mm.yyyy or yyyy-mm-dd)") from None
    return moment.isoformat() if with_time else moment.date().isoformat()


def _yes_no(text: str) -> str:
    key = text.strip().casefold()
    if key in _YES:
        return "Y"
    if key in _NO:
        return "N"
    raise ValueError(f"{text!r} is not yes/no")


def _status(text: str, directory: Mapping[str, str] | None, field_name: str) -> str:
    if directory is None:
        return text.strip()
    value = text.strip()
    if value in directory:
        return value
    by_name = {name.casefold(): code for code, name in directory.items()}
    if value.casefold() in by_name:
        return by_name[value.casefold()]
    if value.upper() in directory:
        return value.upper()
    known = ", ".join(list(directory)[:12])
    raise ValueError(f"{value!r} is not a known {field_name} (a name or a code: {known})")


def convert(
    value: str, field_name: str, info: FieldInfo, directories: Mapping[str, Mapping[str, str]]
) -> Any:
    """One cell's text in the form the portal wants for this field; ValueError if it cannot be."""
    kind = info.type
    if kind in ("integer", "user", "employee", "crm_company", "crm_contact", "crm_lead"):
        return _integer(value)
    if kind in ("double", "money"):
        return _number(value)
    if kind in ("date", "datetime"):
        return _moment(value, kind == "datetime")
    if kind in ("char", "boolean"):
        return _yes_no(value)
    if kind == "crm_status":
        return _status(value, directories.get(info.status_type or field_name), field_name)
    if kind == "crm_currency":
        code = value.strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", code):
            raise ValueError(f"{value!r} is not a currency code such as RUB")
        return code
    return value.strip()
