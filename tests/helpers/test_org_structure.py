"""``sync_org_structure`` against the emulator: the tree it builds (read back by raw REST calls), reruns that
write nothing, dry runs, moves and renames, refusals before any request, leavers, the request bound."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from bitrix24_toolkit import Bitrix24
from bitrix24_toolkit.errors import InvalidInputError
from bitrix24_toolkit.helpers import OrgSource, OrgStructureError, org_tree, sync_org_structure
from bitrix24_toolkit.testing import Emulator

WRITES = ("department.add", "department.update", "department.delete", "user.add", "user.update")
DATA = Path(__file__).resolve().parents[2] / "examples" / "data"


def make_org(branches: int = 3, per_branch: int = 4, employees: int = 200) -> OrgSource:
    """A 3-level structure: the head office, branches under it, departments under each branch; every
    department but the last of each branch has a head; employees spread over all departments."""
    deps: list[dict[str, str]] = [{"code": "HQ", "name": "Head office", "parent": "", "head": "e0@corp.test"}]
    for b in range(branches):
        deps.append({"code": f"B{b}", "name": f"Branch {b}", "parent": "HQ", "head": f"e{b + 1}@corp.test"})
        for d in range(per_branch):
            head = "" if d == per_branch - 1 else f"e{branches + 1 + b * per_branch + d}@corp.test"
            deps.append({"code": f"B{b}D{d}", "name": f"Sales {b}.{d}", "parent": f"B{b}", "head": head})
    codes = [d["code"] for d in deps]
    people = []
    for i in range(employees):
        heads = [d["code"] for d in deps if d["head"] == f"e{i}@corp.test"]
        people.append(
            {
                "email": f"e{i}@corp.test",
                "last_name": f"Last{i}",
                "first_name": f"First{i}",
                "position": "Head" if heads else "Agent",
                "department": heads[0] if heads else codes[i % len(codes)],
                "phone": f"+7 900 000-{i:04d}",
            }
        )
    return OrgSource(departments=deps, employees=people)


def raw(url: str, method: str, **params: Any) -> Any:
    """One REST call over HTTP, no library in between: the ``result`` (all pages of a list)."""
    rows: list[Any] = []
    start = 0
    while True:
        body = httpx.post(url + method, json={**params, "start": start}, timeout=10).json()
        if not isinstance(body["result"], list):
            return body["result"]
        rows += body["result"]
        if "next" not in body:
            return rows
        start = body["next"]


def writes(emu: Emulator) -> int:
    return sum(emu.stats.calls.get(name, 0) for name in WRITES)


@pytest.fixture
def emu() -> Emulator:
    return Emulator(limits=None)


def test_a_three_level_structure_gives_exactly_that_tree_read_by_raw_rest(emu: Emulator) -> None:
    source = make_org()
    with emu.serve() as url:  # over HTTP, as an integration team runs it
        with Bitrix24(url, limits="off") as b24:
            report = sync_org_structure(b24, source)
        assert not report.failed
        assert report.counts("department") == {"create": 16}
        assert report.counts("employee") == {"invite": 200}
        deps = {d["ID"]: d for d in raw(url, "department.get")}
        users = [u for u in raw(url, "user.get") if u["EMAIL"].endswith("@corp.test")]
    by_name = {d["NAME"]: d for d in deps.values()}
    top = next(d for d in deps.values() if "PARENT" not in d)
    email_to_id = {u["EMAIL"]: u["ID"] for u in users}
    ids = report.department_ids
    assert len(users) == 200
    assert len(deps) == 17
    for dep in source.departments:
        got = deps[str(ids[dep["code"]])]
        assert got["NAME"] == dep["name"]
        parent = top["ID"] if not dep["parent"] else str(ids[dep["parent"]])
        assert got["PARENT"] == parent
        assert got.get("UF_HEAD") == (email_to_id[dep["head"]] if dep["head"] else None)
    assert by_name["Branch 1"]["PARENT"] == by_name["Head office"]["ID"]
    for person in source.employees:
        user = next(u for u in users if u["EMAIL"] == person["email"])
        assert user["UF_DEPARTMENT"] == [ids[person["department"]]]
        assert (user["LAST_NAME"], user["WORK_POSITION"], user["ACTIVE"]) == (
            person["last_name"],
            person["position"],
            True,
        )
    # the departments without a head were reported, before anything was written
    assert sorted(w.row for w in report.warnings if "has no head" in w.text) == [6, 11, 16]


def test_a_second_run_sends_no_write(emu: Emulator) -> None:
    source = make_org()
    with emu.client() as b24:
        sync_org_structure(b24, source)
        emu.reset_stats()
        again = sync_org_structure(b24, source)
    assert writes(emu) == 0
    assert again.writes == 0
    assert {e.action for e in again} == {"unchanged"}
    assert emu.stats.requests == again.requests <= 3


def test_a_dry_run_sends_no_write_and_plans_the_same(emu: Emulator) -> None:
    source = make_org(employees=60)
    with emu.client() as b24:
        plan = sync_org_structure(b24, source, dry_run=True)
        assert writes(emu) == 0
        assert emu.call("department.get", {})[1]["total"] == 1  # only the portal's top department
        assert plan.summary().startswith(
            "dry run, nothing written: departments: 16 create; employees: 60 invite"
        )
        assert all(e.status == "planned" and e.id is None for e in plan)
        done = sync_org_structure(b24, source)
    assert [(e.key, e.action) for e in plan] == [(e.key, e.action) for e in done]
    assert all(e.status == "done" for e in done)


async def test_a_moved_employee_and_a_renamed_department_are_updated_not_recreated(client: Any) -> None:
    source = make_org(employees=60)
    first = await client.run(sync_org_structure.flow(source))
    deps = [dict(d) for d in source.departments]
    people = [dict(p) for p in source.employees]
    renamed = next(d for d in deps if d["code"] == "B1D0")
    renamed["name"] = "Sales 1.0 (corporate)"
    moved = next(p for p in people if p["department"] == "B0D3")
    moved["department"] = "B2D3"
    moved["position"] = "Senior agent"
    second = await client.run(sync_org_structure.flow(OrgSource(deps, people)))
    changed = {e.key: e for e in second.changes}
    assert set(changed) == {"B1D0", moved["email"]}
    assert changed["B1D0"].action == "update"
    assert changed["B1D0"].id == first.department_ids["B1D0"]
    assert changed["B1D0"].reasons == ["renamed from 'Sales 1.0'"]
    assert changed[moved["email"]].action == "move"
    assert second.writes == 2
    got = await client.call("department.get", {"ID": first.department_ids["B1D0"]})
    assert got[0]["NAME"] == "Sales 1.0 (corporate)"
    user = (await client.call("user.get", {"FILTER": {"EMAIL": moved["email"]}}))[0]
    assert user["UF_DEPARTMENT"] == [first.department_ids["B2D3"]]
    assert user["WORK_POSITION"] == "Senior agent"
    assert len(await client.call("department.get", {})) == 17  # nothing recreated (one page of 50)


def test_a_renamed_and_moved_department_is_found_by_its_head_or_the_ids_of_a_run(emu: Emulator) -> None:
    source = make_org(employees=40)
    with emu.client() as b24:
        first = sync_org_structure(b24, source)
        deps = [dict(d) for d in source.departments]
        headed = next(d for d in deps if d["code"] == "B0D0")  # it has a head
        headed.update(name="Retail", parent="B1")
        headless = next(d for d in deps if d["code"] == "B0D3")  # no head: only the ids know it
        headless.update(name="Visa desk")
        by_head = sync_org_structure(b24, OrgSource(deps, source.employees), dry_run=True)
        by_ids = sync_org_structure(b24, OrgSource(deps, source.employees), ids=first.department_ids)
    plan = {e.key: e for e in by_head.departments}
    assert (plan["B0D0"].action, plan["B0D0"].id) == ("move", first.department_ids["B0D0"])
    assert plan["B0D3"].action == "create"  # a new name and no head: nothing stable to match
    done = {e.key: e for e in by_ids.departments}
    assert (done["B0D3"].action, done["B0D3"].id) == ("update", first.department_ids["B0D3"])
    assert emu.stats.calls.get("department.add", 0) == 16  # the first run's only


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d, p: d[1].update(parent="B0D0"),
            "row 2: the parents make a cycle: B0 -> B0D0 -> B0 (rows 2, 3)",
        ),
        (
            lambda d, p: d[3].update(parent="NOPE"),
            "departments row 4: parent 'NOPE' is not a department code",
        ),
        (lambda d, p: d[4].update(code="B0D0"), "departments row 5: code 'B0D0' repeats row 3"),
        (
            lambda d, p: p[9].update(email="E3@corp.test"),
            "employees row 10: e-mail e3@corp.test repeats row 4",
        ),
        (
            lambda d, p: d[2].update(head="nobody@corp.test"),
            "departments row 3: head 'nobody@corp.test' is not",
        ),
        (lambda d, p: p[7].update(department="X"), "employees row 8: department 'X' is neither a code"),
    ],
    ids=[
        "cycle",
        "orphan",
        "duplicate code",
        "duplicate e-mail",
        "head not an employee",
        "unknown department",
    ],
)
def test_a_bad_source_is_refused_with_row_numbers_before_any_request(
    emu: Emulator, change: Any, expected: str
) -> None:
    source = make_org(employees=30)
    deps = [dict(d) for d in source.departments]
    people = [dict(p) for p in source.employees]
    change(deps, people)
    with emu.client() as b24, pytest.raises(OrgStructureError) as caught:
        sync_org_structure(b24, OrgSource(deps, people))
    assert expected in str(caught.value)
    assert isinstance(caught.value, InvalidInputError)
    assert emu.stats.requests == 0


def test_a_cycle_names_its_rows(emu: Emulator) -> None:
    deps = [
        {"code": "A", "name": "A", "parent": "C"},
        {"code": "B", "name": "B", "parent": "A"},
        {"code": "C", "name": "C", "parent": "B"},
    ]
    with pytest.raises(OrgStructureError) as caught, emu.client() as b24:
        sync_org_structure(b24, OrgSource(departments=deps))
    assert [str(p) for p in caught.value.problems] == [
        "departments row 1: the parents make a cycle: A -> C -> B -> A (rows 1, 3, 2)",
    ]


def test_leavers_are_deactivated_only_when_asked_and_never_deleted(emu: Emulator) -> None:
    source = make_org(employees=40)
    with emu.client() as b24:
        sync_org_structure(b24, source)
        staying = OrgSource(source.departments, source.employees[:-2])
        kept = sync_org_structure(b24, staying)
        assert kept.writes == 0
        assert sum("is not in the source: kept active" in w.text for w in kept.warnings) == 2
        gone = sync_org_structure(b24, staying, deactivate_missing=True)
        assert [(e.key, e.action) for e in gone.changes] == [
            ("e38@corp.test", "deactivate"),
            ("e39@corp.test", "deactivate"),
        ]
        users = {
            u["EMAIL"]: u for u in emu.call("user.get", {"FILTER": {"%EMAIL": "corp.test"}})[1]["result"]
        }
        assert emu.call("user.get", {"start": 0})[1]["total"] == 41  # the administrator + 40: none deleted
        assert users.get("e39@corp.test", {}).get("ACTIVE") is False or not users.get("e39@corp.test")
        assert emu.call("user.get", {"FILTER": {"EMAIL": "e39@corp.test"}})[1]["result"][0]["ACTIVE"] is False
        assert emu.stats.calls.get("user.delete", 0) == 0
        # back in the file: activated again
        back = sync_org_structure(b24, source)
    assert {e.key: e.reasons for e in back.changes}["e39@corp.test"] == [
        "inactive on the portal: activated again"
    ]


def test_the_zup_sample_reads_as_windows_1251_and_resolves_heads_by_full_name(emu: Emulator) -> None:
    source = OrgSource(DATA / "org_departments.csv", DATA / "org_employees.csv")
    with emu.client() as b24:
        report = sync_org_structure(b24, source, mapping="zup")
        tree = org_tree(b24)
    assert report.counts("department") == {"create": 8}
    assert report.counts("employee") == {"invite": 13}
    rows = {row["name"]: row for row in tree.to_rows()}
    assert rows["Филиал «Казань»"]["head_email"] == "t.galiev@gorizont-tour.ru"
    assert rows["Визовый центр"]["head"] == ""
    assert rows["Визовый центр"]["level"] == 3
    assert rows["Бухгалтерия"]["employees"] == 2
    assert "Головной офис [" in tree.render()


def test_an_active_directory_export_makes_one_department_per_value(emu: Emulator) -> None:
    rows = [
        {
            "mail": "ivan@corp.test",
            "givenName": "Ivan",
            "sn": "Petrov",
            "title": "CFO",
            "department": "Finance",
        },
        {
            "mail": "olga@corp.test",
            "givenName": "Olga",
            "sn": "Ivanova",
            "title": "Analyst",
            "department": "Finance",
        },
        {"mail": "max@corp.test", "givenName": "Max", "sn": "Orlov", "title": "Dev", "department": "IT"},
    ]
    with emu.client() as b24:
        report = sync_org_structure(b24, rows, mapping="ad")
    assert [(e.key, e.action) for e in report.departments] == [("Finance", "create"), ("IT", "create")]
    user = emu.call("user.get", {"FILTER": {"EMAIL": "olga@corp.test"}})[1]["result"][0]
    assert (user["NAME"], user["LAST_NAME"], user["WORK_POSITION"]) == ("Olga", "Ivanova", "Analyst")
    assert user["UF_DEPARTMENT"] == [report.department_ids["Finance"]]


def test_a_table_without_the_needed_columns_is_refused(emu: Emulator) -> None:
    with emu.client() as b24, pytest.raises(InvalidInputError, match="no column for code"):
        sync_org_structure(b24, [{"Название": "Отдел"}], mapping="zup")
    with emu.client() as b24, pytest.raises(InvalidInputError, match="mapping must be"):
        sync_org_structure(b24, [{"code": "A", "name": "A"}], mapping="sap")
    assert emu.stats.requests == 0


def test_a_custom_mapping_and_the_report_as_a_dataframe(emu: Emulator) -> None:
    deps = [{"Шифр": "S", "Отдел": "Продажи"}]
    people = [{"Почта": "a@corp.test", "Фамилия": "Аксенова", "Код отдела": "S"}]
    mapping = {"Шифр": "code", "Отдел": "name", "Почта": "email", "Код отдела": "department"}
    with emu.client() as b24:
        report = sync_org_structure(b24, OrgSource(deps, people), mapping=mapping)
    frame = report.to_dataframe()
    assert list(frame["action"]) == ["create", "invite"]
    assert list(frame["key"]) == ["S", "a@corp.test"]
    assert (
        emu.call("user.get", {"FILTER": {"EMAIL": "a@corp.test"}})[1]["result"][0]["LAST_NAME"] == "Аксенова"
    )


def test_an_xlsx_workbook_with_two_sheets(emu: Emulator, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Подразделения"
    sheet.append(["Код", "Подразделение", "Родитель", "Руководитель"])
    sheet.append(["1", "Офис", None, "a@corp.test"])
    staff = book.create_sheet("Сотрудники")
    staff.append(["ФИО", "Email", "Подразделение", "Табельный номер"])
    staff.append(["Аксенова Анна Юрьевна", "a@corp.test", "Офис", 17])
    book.save(tmp_path / "org.xlsx")
    with emu.client() as b24:
        report = sync_org_structure(b24, tmp_path / "org.xlsx")
    user = emu.call("user.get", {"FILTER": {"EMAIL": "a@corp.test"}})[1]["result"][0]
    assert (user["LAST_NAME"], user["SECOND_NAME"], user["XML_ID"]) == ("Аксенова", "Юрьевна", "17")
    assert report.departments[0].row == 2


def test_3000_employees_and_200_departments_in_few_requests(emu: Emulator) -> None:
    source = make_org(branches=10, per_branch=19, employees=3000)  # 1 + 10 + 190 = 201 departments
    with emu.client() as b24:
        started = time.perf_counter()
        report = sync_org_structure(b24, source)
        took = time.perf_counter() - started
        assert not report.failed
        assert len(report.departments) == 201
        # reads 1; departments 1 + 1 + 4 (a batch per level); users 60 (3,000 / 50); the 191 heads, who
        # are new employees, 4 (191 / 50): 71 requests
        assert emu.stats.requests == report.requests <= 72, report.summary()
        emu.reset_stats()
        again = sync_org_structure(b24, source)
    assert writes(emu) == 0
    assert again.requests == emu.stats.requests <= 3
    assert took < 60
