"""Import leads from a CSV file as Russian Excel exports come (Windows-1251, ``;``) and read the report.

Writes a small CSV with good and bad rows (one repeats a lead already in the CRM) to a temporary folder,
imports it with dedupe by phone/e-mail, prints every row's outcome and saves the report as CSV.
Runs against your portal when BITRIX24_WEBHOOK_URL is set, else against the built-in demo portal:

    python examples/import_leads.py
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from bitrix24_toolkit import Bitrix24
from bitrix24_toolkit.helpers import import_leads
from bitrix24_toolkit.testing import Emulator

ROWS = [
    ("Имя", "Фамилия", "Телефон", "E-mail", "Источник", "Бюджет", "Комментарий"),
    ("Пётр", "Иванов", "8 (921) 555-12-34", "petr.ivanov@example.ru", "Веб-сайт", "150 000", "Турция, июль"),
    ("Анна", "Смирнова", "+7 912 345-67-89", "anna@example", "Звонок", "", "e-mail с ошибкой"),
    ("Олег", "", "12345", "oleg@example.ru", "", "", "неверный телефон"),
    ("Мария", "Петрова", "8 912 000-11-22", "maria@example.ru", "Ярмарка", "сто тысяч", "два поля с ошибкой"),
    ("Иван", "Сидоров", "+7 912 765-43-21", "", "Реклама", "85 000,50", "Шерегеш"),
    ("Ваня", "", "+79127654321", "", "", "", "тот же телефон, что в строке 6"),
]


def main() -> None:
    if os.environ.get("BITRIX24_WEBHOOK_URL"):
        b24 = Bitrix24()
    else:
        print("No BITRIX24_WEBHOOK_URL set: using the built-in demo portal")
        b24 = Emulator.demo().client()
    with b24, tempfile.TemporaryDirectory() as folder:
        rows = [list(row) for row in ROWS]
        # one row repeats the phone of a lead already in the CRM: it is skipped, not duplicated
        known = b24.crm.lead.list(filter={"HAS_PHONE": "Y"}, select=["ID", "PHONE"]).items
        if known and known[0].phone and known[0].phone[0].value:
            rows.append(["Повтор", "", known[0].phone[0].value, "", "", "", f"уже есть: лид {known[0].id}"])
        path = Path(folder) / "leads.csv"
        path.write_bytes("\r\n".join(";".join(row) for row in rows).encode("cp1251"))

        report = import_leads(b24, path, dedupe="skip")
        print(f"read {path.name} as {report.encoding}, delimiter {report.delimiter!r}")
        print("columns:", ", ".join(f"{column} -> {field}" for column, field in report.mapping.items()))
        print(report.summary())
        for row in report:
            lead = f"lead {row.lead_id}" if row.lead_id else ""
            print(f"  row {row.row}: {row.status:<8} {lead:<9} {row.reason}")
        saved = report.to_csv(Path(folder) / "report.csv")
        print(
            f"report saved to {saved.name} ({len(saved.read_text(encoding='utf-8-sig').splitlines())} lines)"
        )


if __name__ == "__main__":
    main()
