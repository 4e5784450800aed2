"""Bitrix24 value types: the portal's strings and quirks in, Python values out, the portal's forms back.

Reference 1.6: legacy CRM methods send ids and numbers as strings (``"ID": "123"``,
``"OPPORTUNITY": "15000.00"``), flags as ``"Y"``/``"N"``, empty dates as ``""`` and empty links as
``null`` or ``"0"``; ``crm.item.*`` sends real ints. Each annotated type below accepts every form and
serialises back to the one the portal expects on write.

The wire forms are JSON-mode serialisers (``when_used="json"``): ``model_dump()`` keeps Python values
(``Decimal``, ``datetime``, ``date``, ``bool``), while ``to_api()`` and ``model_dump(mode="json")`` give
``"Y"``/``"N"``, ``"184000.00"`` and ISO 8601 strings.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Final

from pydantic import BeforeValidator, GetCoreSchemaHandler, GetJsonSchemaHandler, PlainSerializer
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

from .native import EMPTY_IS_NONE, to_none

__all__ = [
    "ABBREVIATIONS",
    "CrmRef",
    "Date",
    "DateTime",
    "Int",
    "LinkId",
    "Money",
    "YesNo",
    "is_empty",
    "parse_date",
    "parse_datetime",
    "parse_decimal",
    "parse_int",
    "parse_link_id",
    "parse_yes_no",
]


def is_empty(value: Any) -> bool:
    """The "no value" forms the portal uses: ``None``, ``""``, ``false``, ``[]``, ``{}``."""
    if value is None or value is False:
        return True
    return isinstance(value, str | list | dict) and not value


# ------------------------------------------------------------------------------------------- Y/N
def parse_yes_no(value: Any) -> bool | None:
    """``"Y"``/``"N"`` (any case), ``1``/``0``, ``"1"``/``"0"``, ``true``/``false`` -> bool; empty -> None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().upper()
        if text in ("Y", "1", "TRUE", "YES"):
            return True
        if text in ("N", "0", "FALSE", "NO"):
            return False
    raise ValueError(f"expected 'Y' or 'N', got {value!r}")


def _dump_yes_no(value: bool | None) -> str | None:
    return None if value is None else ("Y" if value else "N")


#: ``"Y"``/``"N"`` on the wire (JSON mode), ``bool`` in Python.
YesNo = Annotated[bool | None, PlainSerializer(_dump_yes_no, when_used="json")]


# --------------------------------------------------------------------------------------- numbers
_INT = re.compile(r"^-?\d+$")


def parse_int(value: Any) -> int | None:
    """A number sent as a string or int; ``""``/``null``/``false`` -> None."""
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"expected a whole number, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INT.match(value.strip()):
        return int(value.strip())
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            pass
        else:
            if number == number.to_integral_value():
                return int(number)
    raise ValueError(f"expected a whole number, got {value!r}")


def parse_link_id(value: Any) -> int | None:
    """A link to another object: ``"0"``, ``0``, ``""`` and ``null`` all mean "no link"."""
    number = parse_int(value)
    return None if number == 0 else number


def parse_decimal(value: Any) -> Decimal | None:
    """Money and other decimals: ``"15000.00"``, ``899.1`` (floats via their repr), empty -> None."""
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"expected a decimal number, got {value!r}")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        try:
            return Decimal(value.strip().replace(",", "."))
        except InvalidOperation:
            pass
    raise ValueError(f"expected a decimal number, got {value!r}")


def _dump_decimal(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


#: A whole number sent as ``"123"`` or ``123``.
Int = Annotated[int | None, "Bitrix24 number"]


@dataclass(frozen=True, slots=True)
class _Native:
    """A value type validated by pydantic-core itself: ``build()`` makes the schema that replaces the
    annotated type's own (a fresh one per use: pydantic annotates the schemas it is given)."""

    build: Callable[[], CoreSchema]
    json_schema: Callable[[], JsonSchemaValue]

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return self.build()

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return self.json_schema()


def _link_id_schema() -> CoreSchema:
    """:func:`parse_link_id` in pydantic-core: the portal's forms natively, every other input by the function.

    Tried in order: ``null``; a positive decimal string of up to 18 digits (``"123"``, the legacy form); a
    positive int (``crm.item``); ``""``/``"0"`` -> None. Each gives what :func:`parse_link_id` gives;
    anything else (``0``, ``false``, negatives, ``"12.0"``, ``" 12 "``, floats, long numbers, junk) goes to
    the function itself, so results and refusals are exactly the function's.
    """
    choices: list[CoreSchema | tuple[CoreSchema, str]] = [
        core_schema.chain_schema(
            [core_schema.str_schema(strict=True, pattern=r"^[1-9][0-9]{0,17}$"), core_schema.int_schema()]
        ),
        core_schema.int_schema(strict=True, gt=0),
        core_schema.chain_schema([core_schema.literal_schema(["", "0"]), to_none()]),
        core_schema.no_info_plain_validator_function(parse_link_id),
    ]
    union = core_schema.union_schema(
        choices,
        mode="left_to_right",
        custom_error_type="link_id",
        custom_error_message="expected a whole number (a link id; '0' or empty for none)",
        serialization=core_schema.simple_ser_schema("int"),
    )
    return core_schema.nullable_schema(union, metadata={EMPTY_IS_NONE: True})  # "" is read here already


#: A link id where ``"0"`` means "no link" (parsed natively; see :func:`_link_id_schema`).
LinkId = Annotated[
    int | None, _Native(_link_id_schema, lambda: {"anyOf": [{"type": "integer"}, {"type": "null"}]})
]
#: A decimal sent as ``"15000.00"``; a ``Decimal`` in Python, written back as an exact decimal string.
Money = Annotated[Decimal | None, PlainSerializer(_dump_decimal, when_used="json")]


# ------------------------------------------------------------------------------------------ dates
def parse_datetime(value: Any) -> dt.datetime | None:
    """ISO 8601 with offset (``2024-05-23T18:18:25+02:00``); ``""`` -> None; ``dd.mm.yyyy`` tolerated."""
    if is_empty(value):
        return None
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        text = value.strip()
        try:
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            pass
        for fmt in ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y"):
            try:
                return dt.datetime.strptime(text, fmt)
            except ValueError:
                continue
    raise ValueError(f"expected an ISO 8601 date and time, got {value!r}")


def parse_date(value: Any) -> dt.date | None:
    """A date; the portal renders dates as datetimes (``1990-05-01T00:00:00+03:00``): the date part."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    moment = parse_datetime(value)
    return None if moment is None else moment.date()


def _dump_iso(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


#: An ISO 8601 datetime; ``""`` reads as None; a ``datetime`` in Python, ISO 8601 on the wire.
DateTime = Annotated[dt.datetime | None, PlainSerializer(_dump_iso, when_used="json")]
#: A date; datetime strings are cut to their date.
Date = Annotated[dt.date | None, BeforeValidator(parse_date), PlainSerializer(_dump_iso, when_used="json")]


# ------------------------------------------------------------------------------------ crm links
#: ``crm`` user-field prefixes (reference 5.1) -> entityTypeId.
ABBREVIATIONS: Final[dict[str, int]] = {
    "L": 1,
    "D": 2,
    "C": 3,
    "CO": 4,
    "I": 5,
    "Q": 7,
    "RQ": 8,
    "O": 14,
    "SI": 31,
}
_BY_TYPE: Final = {type_id: abbr for abbr, type_id in ABBREVIATIONS.items()}
_REF = re.compile(r"^(?P<abbr>[A-Z]+|T[0-9a-f]+)_(?P<id>\d+)$")


@dataclass(frozen=True, slots=True)
class CrmRef:
    """A value of a ``crm``-type user field: ``"CO_12"`` (typed) or ``"12"`` (plain id, single-type fields).

    ``entity_type_id`` is ``None`` for a plain id: it is then the field's only allowed type.
    """

    id: int
    entity_type_id: int | None = None

    @classmethod
    def parse(cls, value: Any) -> CrmRef | None:
        """Parse ``"12"``, ``12``, ``"CO_12"``, ``"T80_6"``; empty values -> None."""
        if is_empty(value) or value == "0" or value == 0:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return cls(value)
        if isinstance(value, str):
            text = value.strip()
            if text.isdigit():
                return cls(int(text))
            match = _REF.match(text)
            if match:
                abbr = match.group("abbr")
                if abbr in ABBREVIATIONS:
                    return cls(int(match.group("id")), ABBREVIATIONS[abbr])
                if abbr.startswith("T"):
                    return cls(int(match.group("id")), int(abbr[1:], 16))
        raise ValueError(f"expected a CRM link such as '12' or 'CO_12', got {value!r}")

    @classmethod
    def parse_many(cls, value: Any) -> list[CrmRef]:
        """The values of a multiple ``crm`` field (a list, or one value); empties dropped."""
        items = value if isinstance(value, list | tuple) else [value]
        return [ref for ref in (cls.parse(item) for item in items) if ref is not None]

    def to_value(self, *, typed: bool | None = None) -> str:
        """The form to write: ``"CO_12"`` when typed (fields allowing several types), else ``"12"``."""
        if typed is False or (typed is None and self.entity_type_id is None):
            return str(self.id)
        if self.entity_type_id is None:
            raise ValueError("a plain id has no entity type to write as a typed value")
        abbr = _BY_TYPE.get(self.entity_type_id) or f"T{self.entity_type_id:x}"
        return f"{abbr}_{self.id}"

    def __str__(self) -> str:
        return self.to_value()
