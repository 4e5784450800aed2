"""Awkward values on DuckDB and PostgreSQL: too large, out of range, NaN, NUL characters; each run's
database equals the portal field by field (the converters alone: ``test_values_fuzz.py``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from bitrix24_toolkit.helpers import export
from bitrix24_toolkit.testing import Emulator

from ._drift_support import assert_db_equals_portal, decimal_of, ok, uf_add
from ._support import db_rows

# ------------------------------------------------------------------------------------------- values
_AWKWARD = [
    {
        "OPPORTUNITY": "1e30",
        "UF_CRM_AMT": "100000000000000000000000000|RUB",
        "UF_CRM_N": "99999999999999999999",
        "UF_CRM_D": "1e400",
        "UF_CRM_DAY": "99999-01-01",
        "UF_CRM_WHEN": "0001-01-01T00:00:00+05:00",
    },
    {
        "OPPORTUNITY": "NaN",
        "UF_CRM_AMT": "NaN|USD",
        "UF_CRM_N": "-9223372036854775809",
        "UF_CRM_D": "NaN",
        "UF_CRM_DAY": "0000-00-00",
        "UF_CRM_WHEN": "9999-12-31T23:00:00-05:00",
    },
    {
        "OPPORTUNITY": "Infinity",
        "UF_CRM_AMT": "-Infinity|EUR",
        "UF_CRM_N": "1e400",
        "UF_CRM_D": "-Infinity",
        "UF_CRM_DAY": "0001-01-01",
        "UF_CRM_WHEN": "0000-00-00T00:00:00",
    },
    {
        "OPPORTUNITY": "1234567890123.45",
        "UF_CRM_AMT": "-9999999999999999.995|RUB",
        "UF_CRM_N": "9223372036854775807",
        "UF_CRM_D": "1e-400",
        "UF_CRM_DAY": "9999-12-31",
        "UF_CRM_WHEN": "2026-01-01T00:00:00+14:00",
    },
]


def test_values_too_large_or_out_of_range_are_null_never_a_crash(target_url: str) -> None:
    emu = Emulator(limits="off")
    for name, kind in (
        ("AMT", "money"),
        ("N", "integer"),
        ("D", "double"),
        ("DAY", "date"),
        ("WHEN", "datetime"),
    ):
        uf_add(emu, name, kind)
    for n, fields in enumerate(_AWKWARD):
        ok(emu.call("crm.deal.add", {"fields": {"TITLE": f"awkward {n}", **fields}}))
    for fields in _AWKWARD:  # on deals of their own: product rows make the deal's amount their sum
        deal = ok(emu.call("crm.deal.add", {"fields": {"TITLE": "products"}}))
        rows = [{"PRODUCT_NAME": "p", "PRICE": fields["OPPORTUNITY"], "QUANTITY": fields["UF_CRM_D"]}]
        ok(emu.call("crm.deal.productrows.set", {"id": deal, "rows": rows}))
    export(emu.client(), target_url, entities=["deal"], include=["productrows"])
    assert_db_equals_portal(emu, target_url, "deal")
    got = db_rows(
        target_url,
        "SELECT opportunity, uf_crm_amt, uf_crm_amt_currency, uf_crm_n, uf_crm_d, uf_crm_day, uf_crm_when "
        "FROM deal ORDER BY id",
    )
    assert got[:3] == [
        (None, None, "RUB", None, None, None, None),
        (None, None, "USD", None, None, None, None),
        (None, None, "EUR", None, None, dt.date(1, 1, 1), None),
    ]
    assert got[3][:6] == (Decimal("1234567890123.45"), None, "RUB", 2**63 - 1, 0.0, dt.date(9999, 12, 31))
    assert got[3][6] == dt.datetime(2025, 12, 31, 10, 0, tzinfo=dt.UTC)
    products = db_rows(target_url, "SELECT owner_id, price, quantity FROM product_row ORDER BY owner_id")
    portal = [ok(emu.call("crm.deal.productrows.get", {"id": n}))[0] for n in range(5, 9)]
    assert products == [
        (n, decimal_of(row["PRICE"], 2), decimal_of(row["QUANTITY"], 4)) for n, row in enumerate(portal, 5)
    ]
    assert products[0][1:] == (None, None)


def test_nul_characters_leave_every_text_on_both_targets(target_url: str) -> None:
    """PostgreSQL text cannot hold U+0000: it is removed everywhere (DuckDB too, the same rows on both)."""
    emu = Emulator(limits="off")
    uf_add(emu, "S", "string")
    uf_add(emu, "MS", "string", MULTIPLE="Y")
    uf_add(emu, "E", "enumeration", EDIT_FORM_LABEL={"en": "L\x00abel"}, LIST=[{"VALUE": "a\x00b"}])
    fields = {
        "TITLE": "before\x00after",
        "COMMENTS": "\x00",
        "UF_CRM_S": "x\x00y",
        "UF_CRM_MS": ["p\x00q", "r"],
    }
    deal = ok(emu.call("crm.deal.add", {"fields": fields}))
    ok(
        emu.call(
            "crm.deal.productrows.set", {"id": deal, "rows": [{"PRODUCT_NAME": "pro\x00duct", "PRICE": 1}]}
        )
    )
    phone = [{"VALUE": "+7\x00999", "VALUE_TYPE": "WORK"}]
    ok(emu.call("crm.contact.add", {"fields": {"NAME": "N\x00ame", "PHONE": phone}}))
    ok(emu.call("crm.status.add", {"fields": {"ENTITY_ID": "SOURCE", "STATUS_ID": "ZZ", "NAME": "n\x00m"}}))
    export(emu.client(), target_url, entities=["deal", "contact"], include=["productrows", "statuses"])
    for entity in ("deal", "contact"):
        assert_db_equals_portal(emu, target_url, entity)
    assert db_rows(target_url, "SELECT title, comments, uf_crm_s FROM deal") == [("beforeafter", None, "xy")]
    assert db_rows(target_url, "SELECT value FROM contact_multifield") == [("+7999",)]
    assert db_rows(target_url, "SELECT name FROM status WHERE status_id = 'ZZ'") == [("nm",)]
    assert db_rows(target_url, "SELECT product_name FROM product_row") == [("product",)]
    assert db_rows(target_url, "SELECT label FROM _fields WHERE code = 'UF_CRM_E'") == [("Label",)]
    assert db_rows(target_url, "SELECT value FROM _field_items WHERE code = 'UF_CRM_E'") == [("ab",)]
