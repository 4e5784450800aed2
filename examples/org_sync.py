"""Load a company structure from a 1C:ZUP-like export: departments, heads and employees.

Reads ``data/org_departments.csv`` and ``data/org_employees.csv`` (Windows-1251, ``;``, Russian headers as
1C:ZUP writes them), shows the plan of a dry run, applies it, runs it again (nothing to write), moves an
employee and renames a department, and prints the tree. Runs against your portal when
BITRIX24_WEBHOOK_URL is set (it invites the sample's employees there!), else against the demo portal:

    python examples/org_sync.py
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

from bitrix24_toolkit import Bitrix24
from bitrix24_toolkit.helpers import OrgSource, org_tree, sync_org_structure
from bitrix24_toolkit.testing import Emulator

DATA = Path(__file__).resolve().parent / "data"


def main() -> None:
    if os.environ.get("BITRIX24_WEBHOOK_URL"):
        b24 = Bitrix24()
    else:
        print("No BITRIX24_WEBHOOK_URL set: using the built-in demo portal")
        b24 = Emulator.demo().client()
    source = OrgSource(departments=DATA / "org_departments.csv", employees=DATA / "org_employees.csv")
    with b24:
        plan = sync_org_structure(b24, source, mapping="zup", dry_run=True)
        print(plan.summary())
        for entry in plan.changes[:5]:
            print(f"  row {entry.row}: {entry.action} {entry.name} ({'; '.join(entry.reasons)})")
        for warning in plan.warnings[:2]:
            print(f"  warning: {warning}")

        done = sync_org_structure(b24, source, mapping="zup")
        print("applied:", done.summary())
        again = sync_org_structure(b24, source, mapping="zup", ids=done.department_ids)
        print("second run:", again.summary())

        # a reorganisation: the visa centre is renamed, one manager moves to Kazan
        departments, people = _read("org_departments.csv"), _read("org_employees.csv")
        for row in departments:
            if row["Код"] == "00-008":
                row["Подразделение"] = "Визовый центр (Поволжье)"
        for person in people:
            if person["Email"] == "a.lebedeva@gorizont-tour.ru":
                person["Подразделение"] = "00-007"  # from the Moscow sales team to Kazan
        changed = OrgSource(departments=departments, employees=people)
        moved = sync_org_structure(b24, changed, mapping="zup", ids=done.department_ids)
        print("after the reorganisation:", moved.summary())
        for entry in moved.changes:
            print(f"  {entry.action} {entry.key}: {'; '.join(entry.reasons)}")
        print(org_tree(b24).render())


def _read(name: str) -> list[dict[str, str]]:
    """A sample CSV as dicts with its ZUP headers (a real script would edit its HR export instead)."""
    with open(DATA / name, encoding="cp1251", newline="") as file:
        return list(csv.DictReader(file, delimiter=";"))


if __name__ == "__main__":
    main()
