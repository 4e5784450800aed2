"""Tables typed from ``*.fields``, schema drift, multifields, and inputs refused before any request."""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from typing import Any

import pytest

from bitrix24_toolkit.errors import InvalidInputError
from bitrix24_toolkit.helpers import export
from bitrix24_toolkit.helpers.db_export._targets import parse_target
from bitrix24_toolkit.testing import Emulator

from ._support import db_rows


def _ok(answer: tuple[int, Any]) -> Any:
    status, payload = answer
    assert status == 200, payload
    return payload["result"]


def test_types_money_dates_booleans_and_multifield_child_rows(target_url: str) -> None:
    emu = Emulator.demo()
    export(emu.client(), target_url, entities=["deal", "lead"], include=[])
    deal = _ok(emu.call("crm.deal.get", {"id": 163}))
    amount, modified, closed, begins, assigned = db_rows(
        target_url,
        "SELECT opportunity, date_modify, closed, begindate, assigned_by_id FROM deal WHERE id = 163",
    )[0]
    assert isinstance(amount, Decimal)
    assert amount == Decimal(deal["OPPORTUNITY"])
    assert isinstance(modified, dt.datetime)
    assert modified.tzinfo is not None
    assert modified == dt.datetime.fromisoformat(deal["DATE_MODIFY"])
    assert closed is (deal["CLOSED"] == "Y")
    assert begins == dt.date.fromisoformat(deal["BEGINDATE"][:10])
    assert assigned == int(deal["ASSIGNED_BY_ID"])
    # an empty date is NULL, never a made-up one
    assert db_rows(target_url, "SELECT COUNT(*) FROM lead WHERE birthdate IS NOT NULL")[0][0] == sum(
        1 for row in _all(emu, "crm.lead.list", ["ID", "BIRTHDATE"]) if row["BIRTHDATE"]
    )
    # multifields: one child row per phone/e-mail entry, as the portal lists them
    portal = {
        (int(row["ID"]), code, int(entry["ID"]), entry["VALUE_TYPE"], entry["VALUE"])
        for row in _all(emu, "crm.lead.list", ["ID", "PHONE", "EMAIL"])
        for code in ("PHONE", "EMAIL")
        for entry in row.get(code) or []
    }
    stored = {
        (int(a), b, int(c), d, e)
        for a, b, c, d, e in db_rows(
            target_url, "SELECT entity_id, field, value_id, value_type, value FROM lead_multifield"
        )
    }
    assert stored == portal
    assert len(portal) > 100
    # the dictionary: every field with its title
    titles = dict(db_rows(target_url, "SELECT code, title FROM _fields WHERE entity = 'deal'"))
    assert titles["OPPORTUNITY"] == "Amount"
    assert titles["STAGE_ID"] == "Deal stage"


def _all(emu: Emulator, method: str, select: list[str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    start: int | None = 0
    while start is not None:
        status, payload = emu.call(method, {"select": select, "order": {"ID": "ASC"}, "start": start})
        assert status == 200, payload
        out += payload["result"]
        start = payload.get("next")
    return out


def test_a_new_custom_field_adds_columns_and_a_removed_one_is_kept_and_marked(target_url: str) -> None:
    emu = Emulator.demo()
    b24 = emu.client()
    export(b24, target_url, entities=["deal"], include=[])
    field_id = b24.call(
        "crm.deal.userfield.add",
        {
            "fields": {
                "FIELD_NAME": "BUDGET",
                "USER_TYPE_ID": "money",
                "EDIT_FORM_LABEL": {"en": "Budget"},
                "LIST_COLUMN_LABEL": {"en": "Budget"},
            }
        },
    )
    b24.call(
        "crm.deal.userfield.add",
        {
            "fields": {
                "FIELD_NAME": "VIP",
                "USER_TYPE_ID": "boolean",
                "LIST_COLUMN_LABEL": {"en": "VIP client"},
            }
        },
    )
    b24.call(
        "crm.deal.userfield.add",
        {
            "fields": {
                "FIELD_NAME": "SEGMENT",
                "USER_TYPE_ID": "enumeration",
                "LIST_COLUMN_LABEL": {"en": "Segment"},
                "LIST": [{"VALUE": "Retail"}, {"VALUE": "Corporate"}],
            }
        },
    )
    b24.call("crm.deal.update", {"id": 7, "fields": {"UF_CRM_BUDGET": "1500.50|RUB", "UF_CRM_VIP": "1"}})

    second = export(b24, target_url, entities=["deal"], include=[])
    added = second.entities["deal"].added_columns
    assert set(added) == {"uf_crm_budget", "uf_crm_budget_currency", "uf_crm_vip", "uf_crm_segment"}
    assert db_rows(
        target_url, "SELECT uf_crm_budget, uf_crm_budget_currency, uf_crm_vip FROM deal WHERE id = 7"
    ) == [(Decimal("1500.50"), "RUB", True)]
    labels = dict(db_rows(target_url, "SELECT code, label FROM _fields WHERE entity = 'deal' AND is_custom"))
    assert labels == {"UF_CRM_BUDGET": "Budget", "UF_CRM_VIP": "VIP client", "UF_CRM_SEGMENT": "Segment"}
    items = db_rows(
        target_url, "SELECT value FROM _field_items WHERE entity = 'deal' AND code = 'UF_CRM_SEGMENT'"
    )
    assert sorted(v for (v,) in items) == ["Corporate", "Retail"]

    b24.call("crm.deal.userfield.delete", {"id": field_id})
    third = export(b24, target_url, entities=["deal"], include=[])
    assert third.entities["deal"].removed_columns == ("uf_crm_budget",)
    # the column and its data stay; the dictionary says since when the field is gone
    assert db_rows(target_url, "SELECT uf_crm_budget FROM deal WHERE id = 7") == [(Decimal("1500.50"),)]
    (removed,) = db_rows(
        target_url, "SELECT removed_at FROM _fields WHERE entity = 'deal' AND code = 'UF_CRM_BUDGET'"
    )[0]
    assert removed is not None
    fourth = export(b24, target_url, entities=["deal"], include=[])
    assert fourth.entities["deal"].removed_columns == ()  # reported once, when it went

    b24.call("crm.deal.userfield.add", {"fields": {"FIELD_NAME": "BUDGET", "USER_TYPE_ID": "money"}})
    export(b24, target_url, entities=["deal"], include=[])
    assert db_rows(
        target_url, "SELECT removed_at FROM _fields WHERE entity = 'deal' AND code = 'UF_CRM_BUDGET'"
    ) == [(None,)]


def test_schema_option_puts_every_table_in_that_schema(target_url: str) -> None:
    emu = Emulator.demo()
    export(emu.client(), target_url, entities=["company"], include=["statuses"], schema="crm")
    assert db_rows(target_url, "SELECT COUNT(*) FROM crm.company") == [(39,)]
    assert db_rows(target_url, "SELECT phase FROM crm._sync WHERE entity = 'company'") == [("done",)]
    assert db_rows(target_url, "SELECT COUNT(*) FROM crm.status")[0][0] > 0


@pytest.mark.parametrize(
    ("target", "options", "field"),
    [
        ("duckdb:///x.duckdb", {"entities": ["deals"]}, "entities"),
        ("duckdb:///x.duckdb", {"include": ["history"]}, "include"),
        ("duckdb:///x.duckdb", {"entities": "deal"}, "entities"),
        ("duckdb:///x.duckdb", {"overlap": dt.timedelta(minutes=-1)}, "overlap"),
        ("duckdb:///x.duckdb", {"schema": "Crm; DROP"}, "schema"),
        ("duckdb:///x.duckdb", {"full": "yes"}, "full"),
        ("sqlite:///x.db", {}, "target"),
        ("duckdb://x.duckdb", {}, "target"),
        ("crm.duckdb", {}, "target"),
        (42, {}, "target"),
    ],
)
def test_bad_inputs_are_refused_before_any_request(
    target: Any, options: dict[str, Any], field: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    emu = Emulator.demo()
    with pytest.raises(InvalidInputError) as caught:
        export(emu.client(), target, **options)
    assert caught.value.field == field
    assert emu.stats.requests == 0
    assert not (tmp_path / "x.duckdb").exists()


def test_a_password_never_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    url = "postgresql://analyst:Sup3rSecretPw@127.0.0.1:1/crm?sslmode=disable"
    target = parse_target(url)
    assert "Sup3rSecretPw" not in repr(target)
    assert "Sup3rSecretPw" not in str(target)
    assert target.shown == "postgresql://analyst:***@127.0.0.1:1/crm?sslmode=disable"
    emu = Emulator.demo()
    with pytest.raises(InvalidInputError) as caught:  # nothing listens on port 1
        export(emu.client(), url)
    assert "Sup3rSecretPw" not in str(caught.value)
    assert "***" in str(caught.value)
    # the driver's own error (which may quote the connection string) is not chained into the traceback
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__
    assert emu.stats.requests == 0


def test_a_missing_driver_names_the_pip_command_before_any_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    emu = Emulator.demo()
    with pytest.raises(ImportError, match=r"pip install \"bitrix24-toolkit\[postgres\]\""):
        export(emu.client(), "postgresql://analyst@localhost/crm")
    assert emu.stats.requests == 0
