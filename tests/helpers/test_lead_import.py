"""import_leads against the emulator (both clients) and with canned answers."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from bitrix24_toolkit import errors
from bitrix24_toolkit.helpers import import_leads
from bitrix24_toolkit.protocol.envelope import APIResponse
from bitrix24_toolkit.testing.emulator import Emulator

from .canned_answers import Canned

CSV = (
    "Имя;Фамилия;Телефон;E-mail;Источник;Сумма;Комментарий\n"
    "Пётр;Иванов;8 (999) 111-22-33;petr@example.ru;Website;150 000,50;уже есть в CRM\n"
    "Анна;Смирнова;+7 912 345-67-89;anna@example;Call;;\n"
    "Олег;;12345;oleg@example.ru;;;\n"
    ";;;;;;\n"
    "Мария;Петрова;8 912 000-11-22;MARIA@Example.ru;Реклама;abc;\n"
    "Иван;Сидоров;+7 912 765-43-21;ivan@example.ru;CALL;1 500;перезвонить\n"
    "Ваня;;+79127654321;;;;тот же телефон\n"
)


def _lead(emu: Emulator, lead_id: int) -> dict[str, Any]:
    return emu.state.table("lead")[lead_id]


def _values(row: dict[str, Any], key: str) -> list[str]:
    return [entry["VALUE"] for entry in row.get(key) or []]


async def test_csv_with_good_and_bad_rows(client: Any, emu: Emulator, tmp_path: Path) -> None:
    emu.call("crm.lead.add", {"fields": {"TITLE": "Старый лид", "PHONE": [{"VALUE": "+79991112233"}]}})
    path = tmp_path / "leads.csv"
    path.write_bytes(CSV.encode("cp1251"))
    report = await client.run(import_leads.flow(path))

    assert (report.encoding, report.delimiter) == ("cp1251", ";")
    assert report.counts == {"created": 1, "updated": 0, "skipped": 2, "failed": 3, "unknown": 0}
    by_row = {row.row: row for row in report}
    assert sorted(by_row) == [2, 3, 4, 6, 7, 8]  # row 5 is blank
    assert by_row[2].status == "skipped"
    assert by_row[2].lead_id == 1
    assert by_row[2].reason == "lead 1 has PHONE +79991112233"
    assert by_row[3].status == "failed"
    assert len(by_row[3].reasons) == 1
    assert "'anna@example' is not a valid e-mail" in by_row[3].reason
    assert by_row[4].reason == "Телефон (PHONE): '12345' is not a valid phone number"
    assert "'Реклама' is not a known SOURCE_ID" in by_row[6].reason
    assert "'abc' is not a number" in by_row[6].reason
    assert by_row[7].status == "created"
    assert by_row[7].lead_id == 2
    assert by_row[8].status == "skipped"
    assert by_row[8].reason == "repeats row 7 (PHONE +79127654321)"
    assert report.errors[0].startswith("row 3: ")

    created = _lead(emu, 2)
    assert created["TITLE"] == "Иван Сидоров"  # no title column: the person's name
    assert _values(created, "PHONE") == ["+79127654321"]
    assert _values(created, "EMAIL") == ["ivan@example.ru"]
    assert (created["SOURCE_ID"], float(created["OPPORTUNITY"])) == ("CALL", 1500.0)
    assert created["COMMENTS"] == "перезвонить"
    assert len(emu.state.table("lead")) == 2

    saved = report.to_csv(tmp_path / "report.csv")
    with saved.open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle, delimiter=";"))
    assert lines[0][:5] == ["row", "status", "lead_id", "reasons", "Имя"]
    assert lines[5][:4] == ["7", "created", "2", ""]
    assert lines[5][4] == "Иван"


async def test_update_adds_only_new_contact_values(client: Any, emu: Emulator) -> None:
    phone = [{"VALUE": "8 999 111 22 33", "VALUE_TYPE": "WORK"}]
    emu.call("crm.lead.add", {"fields": {"TITLE": "Старый лид", "PHONE": phone, "COMMENTS": "было"}})
    rows = [
        {"phone": "+7 999 111-22-33", "email": "new@example.ru", "comments": "стало"},
        {"phone": "+7 999 111-22-33", "name": "Ещё раз"},
        {"Title": "Новый", "Phone": "+7 912 000 11 22"},
    ]
    emu.call("crm.lead.add", {"fields": {"TITLE": "Другой", "EMAIL": [{"VALUE": "X@Mail.ru"}]}})
    rows.append({"title": "Другой снова", "email": "x@mail.ru"})
    report = await client.run(import_leads.flow(rows, dedupe="update"))
    assert [(r.row, r.status, r.lead_id) for r in report] == [
        (1, "updated", 1),
        (2, "skipped", None),
        (3, "created", 3),
        (4, "updated", 2),
    ]
    first = _lead(emu, 1)
    assert _values(first, "PHONE") == ["8 999 111 22 33"]  # not added a second time
    assert _values(first, "EMAIL") == ["new@example.ru"]
    assert (first["TITLE"], first["COMMENTS"]) == ("Старый лид", "стало")
    second = _lead(emu, 2)
    assert second["TITLE"] == "Другой снова"
    assert _values(second, "EMAIL") == ["X@Mail.ru"]


async def test_create_mode_sends_no_lookups(client: Any, emu: Emulator) -> None:
    emu.call("crm.lead.add", {"fields": {"TITLE": "x", "PHONE": [{"VALUE": "+79991112233"}]}})
    emu.reset_stats()
    rows = [{"TITLE": "a", "PHONE": "+79991112233"}, {"TITLE": "b", "PHONE": "89991112233"}]
    report = await client.run(import_leads.flow(rows, dedupe="create"))
    assert report.counts["created"] == 2
    assert "crm.duplicate.findbycomm" not in emu.stats.calls
    assert len(emu.state.table("lead")) == 3


async def test_explicit_mapping_and_defaults(client: Any, emu: Emulator) -> None:
    rows = [{"Клиент": "ООО Ромашка", "Моб.": "8 912 000 11 22, 8 912 000 11 23", "Лишнее": "x"}]
    mapping = {"Клиент": "company_title", "Моб.": "PHONE:MOBILE", "Лишнее": None}
    report = await client.run(
        import_leads.flow(rows, mapping=mapping, defaults={"SOURCE_ID": "Show/Exhibition", "OPENED": "да"})
    )
    assert report.mapping == {"Клиент": "COMPANY_TITLE", "Моб.": "PHONE:MOBILE"}
    assert report.ignored_columns == ("Лишнее",)
    row = _lead(emu, report.rows[0].lead_id)
    assert row["TITLE"] == "ООО Ромашка"
    assert row["SOURCE_ID"] == "TRADE_SHOW"
    assert row["OPENED"] == "Y"
    assert [(e["VALUE"], e["VALUE_TYPE"]) for e in row["PHONE"]] == [
        ("+79120001122", "MOBILE"),
        ("+79120001123", "MOBILE"),
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"mapping": {"Имя": "NAMEE"}}, "crm.lead has no field 'NAMEE'"),
        ({"mapping": {"Имя": "DATE_CREATE"}}, "read-only"),
        ({"mapping": {"Нет такой": "NAME"}}, "columns the source does not have"),
        ({"mapping": {"Имя": "NAME:WORK"}}, "only PHONE, EMAIL"),
        ({"dedupe": "merge"}, "dedupe must be"),
        ({"defaults": {"SOURCE_ID": "Никакой"}}, "not a known SOURCE_ID"),
    ],
)
async def test_configuration_errors_come_before_any_write(
    client: Any, emu: Emulator, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(errors.InvalidInputError, match=message):
        await client.run(import_leads.flow([{"Имя": "Пётр"}], **kwargs))
    assert emu.state.table("lead") == {}


def test_request_plan_with_canned_answers() -> None:
    """45 phones (90 forms: +7... and 8...) and 45 e-mails: 5 + 3 look-ups of at most 20 values in one
    batch, then one read, one write."""
    fields = {
        name: {
            "type": kind,
            "isRequired": False,
            "isReadOnly": False,
            "isImmutable": False,
            "isMultiple": name in ("PHONE", "EMAIL"),
            "isDynamic": False,
            "title": name,
        }
        for name, kind in (
            ("TITLE", "string"),
            ("NAME", "string"),
            ("PHONE", "crm_multifield"),
            ("EMAIL", "crm_multifield"),
        )
    }
    existing = {
        "ID": "7",
        "TITLE": "old",
        "PHONE": [{"ID": "1", "VALUE": "+79120000003", "VALUE_TYPE": "WORK"}],
    }

    def answer(method: str, params: dict[str, Any]) -> Any:
        if method == "crm.lead.fields":
            return fields
        if method == "crm.duplicate.findbycomm":
            return {"LEAD": [7]} if "+79120000003" in params["values"] else []
        if method == "crm.lead.list":
            return APIResponse(result=[existing], total=1)
        if method == "crm.lead.add":
            return 100 + len(canned.calls)
        raise AssertionError(method)

    canned = Canned(answer)
    rows = [{"NAME": f"n{i}", "PHONE": f"+7912{i:07d}", "EMAIL": f"u{i}@example.ru"} for i in range(45)]
    report = canned.run(import_leads.flow(rows))
    lookups = [c for c in canned.calls if c.method == "crm.duplicate.findbycomm"]
    assert [len(c.params["values"]) for c in lookups] == [20, 20, 20, 20, 10, 20, 20, 5]
    assert [c.params["type"] for c in lookups] == ["PHONE"] * 5 + ["EMAIL"] * 3
    sent = {value for c in lookups[:5] for value in c.params["values"]}
    assert sent == {f"+7912{i:07d}" for i in range(45)} | {f"8912{i:07d}" for i in range(45)}
    assert all(c.params["entity_type"] == "LEAD" for c in lookups)
    assert canned.methods().count("crm.lead.add") == 44
    # fields, the look-up batch, the read of lead 7, one write batch of 44 adds
    assert canned.requests == 4
    assert report.counts == {"created": 44, "updated": 0, "skipped": 1, "failed": 0, "unknown": 0}
    assert report.rows[3].reason == "lead 7 has PHONE +79120000003"
