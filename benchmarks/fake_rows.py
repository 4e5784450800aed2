"""Rows of the independent fake portal: deals and leads as a portal sends them, made from their number.

Written from the official pages (``crm.deal.get``, ``crm.lead.get``, ``crm.deal.fields``,
``crm.lead.fields``): every value in the legacy string forms (``"ID": "37"``, ``"OPPORTUNITY": "184000.00"``,
dates ``"2026-01-02T10:00:00+03:00"``, ``"Y"``/``"N"`` flags, ``null`` for empty links) and leads with
multifields (``PHONE``, ``EMAIL``: lists of ``{"ID", "VALUE_TYPE", "VALUE", "TYPE_ID"}``). A seeded row is a
pure function of its number, so a portal of 100,000 deals keeps none of them in memory. Nothing here
imports ``bitrix24_toolkit``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

__all__ = ["DEAL_FIELDS", "LEAD_FIELDS", "deal_row", "describe", "lead_row", "now_text"]

_TZ = dt.timezone(dt.timedelta(hours=3))
_EPOCH = dt.datetime(2026, 1, 2, 10, 0, 0, tzinfo=_TZ)
_STAGES = ("NEW", "PREPARATION", "PREPAYMENT_INVOICE", "EXECUTING", "FINAL_INVOICE", "WON", "LOSE")
_SEMANTIC = {"WON": "S", "LOSE": "F"}
_SOURCES = ("CALL", "EMAIL", "WEB", "ADVERTISING", "PARTNER", "CALLBACK")
_TYPES = ("SALE", "COMPLEX", "GOODS", "SERVICES")
_STATUSES = ("NEW", "IN_PROCESS", "PROCESSED", "JUNK", "CONVERTED")


def _date(minutes: int) -> str:
    return (_EPOCH + dt.timedelta(minutes=minutes)).isoformat()


def now_text() -> str:
    """The current time in the portal's date form (for rows written now)."""
    return dt.datetime.now(_TZ).replace(microsecond=0).isoformat()


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def deal_row(number: int) -> dict[str, Any]:
    """The ``number``-th seeded deal, every field of ``crm.deal.get`` (plus one user field)."""
    stage = _STAGES[number % len(_STAGES)]
    created = number * 7
    closed = stage in _SEMANTIC
    return {
        "ID": str(number),
        "TITLE": f"Deal {number}",
        "TYPE_ID": _TYPES[number % len(_TYPES)],
        "STAGE_ID": stage,
        "PROBABILITY": None if number % 3 else str(number % 100),
        "CURRENCY_ID": "RUB",
        "OPPORTUNITY": _money((number * 3_700_000) % 10_000_000 + 50),
        "IS_MANUAL_OPPORTUNITY": "Y" if number % 5 == 0 else "N",
        "TAX_VALUE": "0.00",
        "LEAD_ID": None if number % 4 else str(number // 4 + 1),
        "COMPANY_ID": str(number % 997 + 1),
        "CONTACT_ID": str(number % 4_999 + 1),
        "QUOTE_ID": None,
        "BEGINDATE": _date(created - created % 1440),
        "CLOSEDATE": _date(created - created % 1440 + 14 * 1440),
        "ASSIGNED_BY_ID": str(number % 17 + 1),
        "CREATED_BY_ID": "1",
        "MODIFY_BY_ID": str(number % 17 + 1),
        "DATE_CREATE": _date(created),
        "DATE_MODIFY": _date(created + 90),
        "OPENED": "Y",
        "CLOSED": "Y" if closed else "N",
        "COMMENTS": f"generated deal #{number}",
        "ADDITIONAL_INFO": None,
        "LOCATION_ID": None,
        "CATEGORY_ID": "0",
        "STAGE_SEMANTIC_ID": _SEMANTIC.get(stage, "P"),
        "IS_NEW": "Y" if stage == "NEW" else "N",
        "IS_RECURRING": "N",
        "IS_RETURN_CUSTOMER": "Y" if number % 9 == 0 else "N",
        "IS_REPEATED_APPROACH": "N",
        "SOURCE_ID": _SOURCES[number % len(_SOURCES)],
        "SOURCE_DESCRIPTION": None,
        "ORIGINATOR_ID": None,
        "ORIGIN_ID": None,
        "MOVED_BY_ID": str(number % 17 + 1),
        "MOVED_TIME": _date(created + 60),
        "LAST_ACTIVITY_TIME": _date(created + 120),
        "UTM_SOURCE": "google" if number % 2 else None,
        "UTM_MEDIUM": "CPC" if number % 2 else None,
        "UTM_CAMPAIGN": None,
        "UTM_CONTENT": None,
        "UTM_TERM": None,
        "LAST_ACTIVITY_BY": "1",
        "UF_CRM_1721244482250": f"note {number % 100}",
    }


def _multifield(first_id: int, kind: str, values: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [
        {"ID": str(first_id + i), "VALUE_TYPE": value_type, "VALUE": value, "TYPE_ID": kind}
        for i, (value_type, value) in enumerate(values)
    ]


def lead_row(
    number: int, fields: dict[str, Any] | None = None, *, created: str | None = None
) -> dict[str, Any]:
    """The ``number``-th lead: seeded (``fields`` None) or written by ``crm.lead.add`` with ``fields``."""
    seeded = fields is None
    given = {str(k).upper(): v for k, v in (fields or {}).items()}
    date = created or _date(number * 11)
    row: dict[str, Any] = {
        "ID": str(number),
        "TITLE": f"Lead {number}" if seeded else None,
        "HONORIFIC": None,
        "NAME": f"Name{number}" if seeded else None,
        "SECOND_NAME": None,
        "LAST_NAME": f"Surname{number}" if seeded else None,
        "COMPANY_TITLE": None,
        "COMPANY_ID": None,
        "CONTACT_ID": None,
        "IS_RETURN_CUSTOMER": "N",
        "BIRTHDATE": "",
        "SOURCE_ID": _SOURCES[number % len(_SOURCES)] if seeded else None,
        "SOURCE_DESCRIPTION": None,
        "STATUS_ID": _STATUSES[number % len(_STATUSES)] if seeded else "NEW",
        "STATUS_DESCRIPTION": None,
        "POST": None,
        "COMMENTS": None,
        "CURRENCY_ID": "RUB",
        "OPPORTUNITY": _money(number * 1_234 % 1_000_000) if seeded else "0.00",
        "IS_MANUAL_OPPORTUNITY": "N",
        "HAS_PHONE": "Y" if seeded else "N",
        "HAS_EMAIL": "Y" if seeded and number % 2 else "N",
        "HAS_IMOL": "N",
        "ASSIGNED_BY_ID": "1",
        "CREATED_BY_ID": "1",
        "MODIFY_BY_ID": "1",
        "DATE_CREATE": date,
        "DATE_MODIFY": date,
        "DATE_CLOSED": "",
        "STATUS_SEMANTIC_ID": "P",
        "OPENED": "Y",
        "ORIGINATOR_ID": None,
        "ORIGIN_ID": None,
        "MOVED_BY_ID": "1",
        "MOVED_TIME": date,
        "ADDRESS": None,
        "ADDRESS_CITY": None,
        "ADDRESS_COUNTRY": None,
        "UTM_SOURCE": None,
        "UTM_MEDIUM": None,
        "UTM_CAMPAIGN": None,
        "UTM_CONTENT": None,
        "UTM_TERM": None,
        "LAST_ACTIVITY_BY": "1",
        "LAST_ACTIVITY_TIME": date,
    }
    if seeded:
        row["PHONE"] = _multifield(number * 10, "PHONE", [("WORK", f"+7999{number:07d}")])
        if number % 2:
            row["EMAIL"] = _multifield(number * 10 + 5, "EMAIL", [("WORK", f"lead{number}@example.com")])
    for key, value in given.items():
        if key in ("PHONE", "EMAIL") and isinstance(value, list | dict):
            items = value.values() if isinstance(value, dict) else value
            pairs = [
                (str(v.get("VALUE_TYPE", "WORK")), str(v.get("VALUE", "")))
                for v in items
                if isinstance(v, dict)
            ]
            row[key] = _multifield(number * 10 + (5 if key == "EMAIL" else 0), key, pairs)
            row["HAS_" + key] = "Y" if pairs else "N"
        elif key not in ("ID", "DATE_CREATE", "DATE_MODIFY", "CREATED_BY_ID"):
            row[key] = None if value is None else str(value)
    return row


def _field(kind: str, title: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "isRequired": False,
        "isReadOnly": extra.pop("read_only", False),
        "isImmutable": False,
        "isMultiple": extra.pop("multiple", False),
        "isDynamic": False,
        "title": title,
        **extra,
    }


def describe(sample: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``crm.*.fields`` of an entity whose rows look like ``sample`` (types guessed from the field names)."""
    out: dict[str, dict[str, Any]] = {}
    for key in sample:
        if key == "ID":
            out[key] = _field("integer", "ID", read_only=True)
        elif key in ("PHONE", "EMAIL"):
            out[key] = _field("crm_multifield", key.title(), multiple=True)
        elif key.startswith(
            ("DATE_", "BEGINDATE", "CLOSEDATE", "MOVED_TIME", "LAST_ACTIVITY_TIME", "BIRTHDATE")
        ):
            out[key] = _field("date" if key in ("BEGINDATE", "CLOSEDATE", "BIRTHDATE") else "datetime", key)
        elif key in ("OPPORTUNITY", "TAX_VALUE"):
            out[key] = _field("double", key.title())
        elif key.endswith(("_BY_ID", "_BY")):
            out[key] = _field("user", key)
        elif key.endswith("_ID") and key not in ("CURRENCY_ID", "ORIGIN_ID", "ORIGINATOR_ID"):
            out[key] = _field(
                "crm_status" if key in ("STAGE_ID", "STATUS_ID", "SOURCE_ID", "TYPE_ID") else "integer", key
            )
        elif key.startswith(("IS_", "HAS_")) or key in ("OPENED", "CLOSED"):
            out[key] = _field("char", key)
        elif key.startswith("UF_"):
            out[key] = {**_field("string", key), "isDynamic": True, "listLabel": key, "formLabel": key}
        else:
            out[key] = _field("string", key.title())
    return out


DEAL_FIELDS = describe(deal_row(1))
LEAD_FIELDS = describe(lead_row(1))
