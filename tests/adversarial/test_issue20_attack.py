"""Issue 20 attacked as an integration team would: org sync from real-looking CSV exports over the emulator's
HTTP server, read back by raw REST calls; projects from templates (deadlines, a crash half-way, absurd
templates); live-feed reports with BB-code in the data. Defects are ``xfail(strict=True)``."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Generator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bitrix24_toolkit import Bitrix24
from bitrix24_toolkit.errors import InvalidInputError
from bitrix24_toolkit.helpers import (
    OrgSource,
    OrgStructureError,
    ProjectTemplateError,
    UnknownUserError,
    create_project,
    post_report,
    project_progress,
    sync_org_structure,
)
from bitrix24_toolkit.helpers.projects import plan_deadlines
from bitrix24_toolkit.protocol.batch import Batch
from bitrix24_toolkit.testing import Emulator

ORG_WRITES = ("department.add", "department.update", "department.delete", "user.add", "user.update")
TASK_WRITES = ("tasks.task.add", "tasks.task.update", "task.checklistitem.add", "task.dependence.add",
               "sonet_group.create")  # fmt: skip
FRIDAY = dt.date(2025, 3, 7)


def raw(url: str, method: str, **params: Any) -> Any:
    """One REST method over plain HTTP, every page of a list (``result`` or ``result.tasks``)."""
    rows: list[Any] = []
    start = 0
    while True:
        body = httpx.post(url + method, json={**params, "start": start}, timeout=10).json()
        assert "error" not in body, body
        result = body["result"]
        if isinstance(result, dict) and isinstance(result.get("tasks"), list):
            result = result["tasks"]
        if not isinstance(result, list):
            return result
        rows += result
        if "next" not in body:
            return rows
        start = body["next"]


def writes(emu: Emulator, names: tuple[str, ...] = ORG_WRITES) -> int:
    return sum(emu.stats.calls.get(name, 0) for name in names)


# ----------------------------------------------------------------------------------------- org: files
def zup_files(tmp: Path, employees: int = 200) -> tuple[Path, Path, list[dict[str, str]]]:
    """A ZUP-like export: Windows-1251, ``;``, a BOM-less header, empty lines, e-mails with spaces and
    capitals; 3 levels (head office, 3 branches, 4 departments each) and ``employees`` people."""
    deps = [("HQ", "Головной офис", "", "boss@corp.test")]
    for b in range(3):
        deps.append((f"B{b}", f"Филиал {b}", "HQ", f"head.b{b}@corp.test"))
        for d in range(4):
            deps.append((f"B{b}-{d}", f"Отдел {b}.{d}", f"B{b}", f"head.b{b}d{d}@corp.test"))
    heads = {head: code for code, _, _, head in deps}
    people: list[dict[str, str]] = []
    for email, code in heads.items():
        people.append({"email": email, "dept": code, "pos": "Руководитель"})
    codes = [d[0] for d in deps]
    while len(people) < employees:
        i = len(people)
        people.append({"email": f"agent{i}@corp.test", "dept": codes[i % len(codes)], "pos": "Агент"})
    dep_lines = ["Код;Подразделение;Родитель;Руководитель"]
    dep_lines += [f"{c};{n};{p};{h.upper()}" for c, n, p, h in deps]
    dep_lines.insert(5, "")  # an empty line: later row numbers still count it
    emp_lines = ["Фамилия;Имя;Должность;Подразделение;Email;Табельный номер"]
    for i, p in enumerate(people):
        emp_lines.append(f"Фамилия{i};Имя{i};{p['pos']};{p['dept']};  {p['email'].upper()} ;{i + 1:05d}")
    dep_path, emp_path = tmp / "deps.csv", tmp / "emps.csv"
    dep_path.write_bytes(("\r\n".join(dep_lines) + "\r\n").encode("cp1251"))
    emp_path.write_bytes(("\r\n".join(emp_lines) + "\r\n").encode("cp1251"))
    return dep_path, emp_path, people


def test_a_zup_csv_of_200_gives_that_tree_by_raw_rest_and_a_rerun_writes_nothing(tmp_path: Path) -> None:
    dep_path, emp_path, people = zup_files(tmp_path)
    emu = Emulator(limits=None)
    with emu.serve() as url, Bitrix24(url, limits="off") as b24:
        report = sync_org_structure(b24, OrgSource(dep_path, emp_path), mapping="zup")
        assert not report.failed, report.summary()
        assert not report.warnings, report.summary()
        deps = {d["ID"]: d for d in raw(url, "department.get")}
        users = {u["EMAIL"]: u for u in raw(url, "user.get") if u["EMAIL"].endswith("@corp.test")}
        assert len(users) == 200
        assert len(deps) == 1 + 16
        ids = {code: str(i) for code, i in report.department_ids.items()}
        top = next(d["ID"] for d in deps.values() if "PARENT" not in d)
        assert deps[ids["HQ"]]["PARENT"] == top
        for b in range(3):
            assert deps[ids[f"B{b}"]]["PARENT"] == ids["HQ"]
            assert deps[ids[f"B{b}"]]["UF_HEAD"] == users[f"head.b{b}@corp.test"]["ID"]
            for d in range(4):
                assert deps[ids[f"B{b}-{d}"]]["PARENT"] == ids[f"B{b}"]
                assert deps[ids[f"B{b}-{d}"]]["NAME"] == f"Отдел {b}.{d}"
        for i, person in enumerate(people):
            user = users[person["email"]]  # stored lower case, without the spaces
            assert user["UF_DEPARTMENT"] == [int(ids[person["dept"]])]
            assert (user["LAST_NAME"], user["WORK_POSITION"], user["XML_ID"]) == (
                f"Фамилия{i}",
                person["pos"],
                f"{i + 1:05d}",
            )
        emu.reset_stats()
        again = sync_org_structure(b24, OrgSource(dep_path, emp_path), mapping="zup")
        assert writes(emu) == 0
        assert again.writes == 0
        assert emu.stats.requests == again.requests == 2  # 1 batch of first pages + 1 of the other pages


def test_a_bad_zup_file_is_refused_with_every_row_before_any_request(tmp_path: Path) -> None:
    deps = "\r\n".join([
        "Код;Подразделение;Родитель;Руководитель",
        "HQ;Головной офис;;a@corp.test",
        "",
        "A;Отдел A;C;",        # row 4: A -> C -> B -> A
        "B;Отдел B;A;",
        "C;Отдел C;B;",
        "X;Отдел X;NOPE;",     # row 7: an orphan
        "0;Отдел 0;HQ;ghost@corp.test",  # row 8: code "0" is fine, its head is no employee
    ])  # fmt: skip
    emps = "\r\n".join([
        "Фамилия;Имя;Подразделение;Email",
        "Иванов;Иван;HQ;a@corp.test",
        "Иванов;Иван;0; A@Corp.Test ",  # row 3: the same e-mail, other case and spaces
        "Петров;Пётр;ZZ;p@corp.test",   # row 4: unknown department
    ])  # fmt: skip
    (tmp_path / "d.csv").write_bytes(deps.encode("cp1251"))
    (tmp_path / "e.csv").write_bytes(emps.encode("cp1251"))
    emu = Emulator(limits=None)
    with emu.serve() as url, Bitrix24(url, limits="off") as b24:
        with pytest.raises(OrgStructureError) as caught:
            sync_org_structure(b24, OrgSource(tmp_path / "d.csv", tmp_path / "e.csv"), mapping="zup")
    where = {(p.table, p.row) for p in caught.value.problems}
    assert {("departments", 4), ("departments", 7), ("departments", 8)} <= where
    assert {("employees", 3), ("employees", 4)} <= where
    assert emu.stats.requests == 0


def test_one_portal_user_is_never_the_match_of_two_source_rows() -> None:
    deps = [{"code": "HQ", "name": "HQ", "head": "boss@x.test"}]
    emu = Emulator(limits=None)
    with emu.client() as b24:
        sync_org_structure(b24, OrgSource(deps, [
            {"email": "boss@x.test", "last_name": "Boss", "department": "HQ"},
            {"email": "old@x.test", "last_name": "Old", "department": "HQ", "personnel_number": "7"},
        ]))  # fmt: skip
        # No. 7 changed address; a new colleague got the freed old@ address
        source = OrgSource(deps, [
            {"email": "boss@x.test", "last_name": "Boss", "department": "HQ"},
            {"email": "new@x.test", "last_name": "Old", "department": "HQ", "personnel_number": "7"},
            {"email": "old@x.test", "last_name": "Newcomer", "department": "HQ"},
        ])  # fmt: skip
        try:
            plan = sync_org_structure(b24, source, dry_run=True)
        except InvalidInputError:
            return  # refusing the ambiguity before any write is a fine answer
    matched = Counter(e.id for e in plan if e.kind == "employee" and e.id is not None)
    assert max(matched.values()) == 1, [(e.key, e.action, e.id, e.reasons) for e in plan]


def test_two_people_with_one_name_are_two_users_and_a_head_by_that_name_is_refused() -> None:
    emu = Emulator(limits=None)
    deps = [{"code": "HQ", "name": "HQ", "head": "ivanov1@x.test"}]
    with emu.client() as b24:
        sync_org_structure(
            b24,
            OrgSource(
                deps,
                [
                    {
                        "email": "ivanov1@x.test",
                        "last_name": "Иванов",
                        "first_name": "Иван",
                        "department": "HQ",
                    }
                ],
            ),
        )
        report = sync_org_structure(
            b24,
            OrgSource(
                deps,
                [
                    {
                        "email": "ivanov1@x.test",
                        "last_name": "Иванов",
                        "first_name": "Иван",
                        "department": "HQ",
                    },
                    {
                        "email": "ivanov2@x.test",
                        "last_name": "Иванов",
                        "first_name": "Иван",
                        "department": "HQ",
                    },
                ],
            ),
        )
        assert [e.action for e in report if e.kind == "employee"] == ["unchanged", "invite"]
        emu.reset_stats()
        with pytest.raises(OrgStructureError, match="2 employees have this name"):
            sync_org_structure(b24, OrgSource([{"code": "HQ", "name": "HQ", "head": "Иванов Иван"}], [
                {"email": "ivanov1@x.test", "last_name": "Иванов", "first_name": "Иван", "department": "HQ"},
                {"email": "ivanov2@x.test", "last_name": "Иванов", "first_name": "Иван", "department": "HQ"},
            ]))  # fmt: skip
    assert emu.stats.requests == 0


def test_leavers_only_on_request_never_the_caller_never_deleted() -> None:
    emu = Emulator(limits=None)
    deps = [{"code": "HQ", "name": "HQ", "head": "boss@x.test"}]
    people = [{"email": f"p{i}@x.test", "last_name": f"P{i}", "department": "HQ"} for i in range(3)]
    people.append({"email": "boss@x.test", "last_name": "Boss", "department": "HQ"})
    with emu.serve() as url, Bitrix24(url, limits="off") as b24:
        first = sync_org_structure(b24, OrgSource(deps, people))
        hq = first.department_ids["HQ"]
        raw(url, "user.update", ID=1, UF_DEPARTMENT=[hq])  # the caller now works in the synced HQ
        before = len(raw(url, "user.get"))
        kept = sync_org_structure(b24, OrgSource(deps, people[1:]))
        assert not [e for e in kept if e.action == "deactivate"]
        assert any("p0@x.test" in w.text for w in kept.warnings)
        gone = sync_org_structure(b24, OrgSource(deps, people[1:]), deactivate_missing=True)
        assert [(e.key, e.action) for e in gone if e.action == "deactivate"] == [("p0@x.test", "deactivate")]
        users = {u["EMAIL"]: u for u in raw(url, "user.get")}
        assert len(users) == before  # nobody deleted
        assert users["p0@x.test"]["ACTIVE"] is False
        assert raw(url, "user.get", FILTER={"ID": 1})[0]["ACTIVE"] is True


def test_a_dataframe_source_and_a_dry_run_send_no_write() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame([
        {"email": "a@x.test", "last_name": "A", "department": "Sales"},
        {"email": "b@x.test", "last_name": "B", "department": "Sales"},
    ])  # fmt: skip
    emu = Emulator(limits=None)
    with emu.client() as b24:
        plan = sync_org_structure(b24, frame, dry_run=True)
        assert writes(emu) == 0
        assert [(e.kind, e.action) for e in plan] == [("department", "create"), ("employee", "invite"),
                                                      ("employee", "invite")]  # fmt: skip


AD_POWERSHELL = (
    '"GivenName","Surname","EmailAddress","UserPrincipalName","Department","Title","OfficePhone","EmployeeID"\r\n'
    '"Иван","Иванов","i.ivanov@corp.ru","iivanov@corp.local","Продажи","Менеджер","+7 495 1","101"\r\n'
)


def test_a_powershell_ad_export_invites_the_mail_address_with_the_surname(tmp_path: Path) -> None:
    path = tmp_path / "ad.csv"
    path.write_text(AD_POWERSHELL, encoding="utf-8-sig")
    with Emulator(limits=None).client() as b24:
        plan = sync_org_structure(b24, path, mapping="ad", dry_run=True)
    person = next(e for e in plan if e.kind == "employee")
    assert (person.key, person.name) == ("i.ivanov@corp.ru", "Иванов Иван")


def test_a_powershell_export_with_its_type_line_is_read(tmp_path: Path) -> None:
    path = tmp_path / "ad.csv"
    path.write_text("#TYPE Selected.Microsoft.ActiveDirectory.Management.ADUser\r\n" + AD_POWERSHELL,
                    encoding="utf-8-sig")  # fmt: skip
    with Emulator(limits=None).client() as b24:
        plan = sync_org_structure(b24, path, mapping="ad", dry_run=True)
    assert [e.kind for e in plan] == ["department", "employee"]


def test_a_zup_export_with_parents_by_name_is_accepted(tmp_path: Path) -> None:
    deps = "Наименование;Код;Родитель;Руководитель\r\nГоловной офис;00-001;;Иванов Иван\r\n" \
           "Отдел продаж;00-002;Головной офис;\r\n"  # fmt: skip
    emps = "Сотрудник;Табельный номер;Подразделение;Должность;Email\r\n" \
           "Иванов Иван;0001;Головной офис;Директор;i@corp.test\r\n"  # fmt: skip
    (tmp_path / "d.csv").write_bytes(deps.encode("cp1251"))
    (tmp_path / "e.csv").write_bytes(emps.encode("cp1251"))
    with Emulator(limits=None).client() as b24:
        plan = sync_org_structure(b24, OrgSource(tmp_path / "d.csv", tmp_path / "e.csv"), mapping="zup",
                                  dry_run=True)  # fmt: skip
    assert [e.reasons[0] for e in plan if e.kind == "department"][1] == "under 'Головной офис'"


def test_3000_employees_over_http_match_the_documented_requests() -> None:
    from tests.helpers.test_org_structure import make_org

    source = make_org(branches=10, per_branch=19, employees=3000)
    emu = Emulator(limits=None)
    with emu.serve() as url, Bitrix24(url, limits="off") as b24:
        first = sync_org_structure(b24, source)
        assert (emu.stats.requests, writes(emu)) == (71, 3392) == (first.requests, first.writes)
        emu.reset_stats()
        again = sync_org_structure(b24, source)
        assert (emu.stats.requests, writes(emu), again.requests) == (3, 0, 3)


# ------------------------------------------------------------------------------------------ projects
@pytest.fixture
def demo() -> Emulator:
    return Emulator.demo(limits="off")


def roles_of(emu: Emulator) -> dict[str, str | int]:
    users = emu.call("user.get", {})[1]["result"]
    return {"manager": users[1]["EMAIL"].upper(), "builder": int(users[2]["ID"])}


STORE: dict[str, Any] = {
    "name": "Store 77",
    "key": "store-77",
    "tasks": [
        {"key": "lease", "title": "Lease [URL=javascript:alert(1)]x[/URL]", "responsible": "manager",
         "deadline": "start + 1 working day", "checklist": ["Draft", {"title": "Legal", "important": True}]},
        {"key": "fit", "title": "Fit-out", "responsible": "builder", "accomplices": ["manager"],
         "deadline": "after:lease + 5 working days",
         "depends_on": [{"task": "lease", "type": "finish-finish"}]},
        {"key": "shelf", "title": "Shelves", "responsible": "builder", "parent": "fit",
         "deadline": "after:fit + 0 working days"},
    ],
}  # fmt: skip


def test_a_project_over_http_has_what_the_template_says_and_a_rerun_writes_nothing(demo: Emulator) -> None:
    roles = roles_of(demo)
    holidays = [dt.date(2025, 3, 10)]  # the Monday after FRIDAY
    with demo.serve() as url, Bitrix24(url, limits="off") as b24:
        result = create_project(b24, STORE, start=FRIDAY, roles=roles, group=True, holidays=holidays)
        assert not result.failed
        assert result.group_created
        tasks = {t["xmlId"]: t for t in raw(url, "tasks.task.list", filter={"TAG": "store-77"},
                 select=["ID", "TITLE", "DEADLINE", "RESPONSIBLE_ID", "ACCOMPLICES", "PARENT_ID", "GROUP_ID",
                         "XML_ID"])}  # fmt: skip
        lease, fit, shelf = tasks["store-77:lease"], tasks["store-77:fit"], tasks["store-77:shelf"]
        assert lease["title"] == STORE["tasks"][0]["title"]
        assert lease["deadline"].startswith("2025-03-11T18:00")  # Fri + 1 working day over Mon, a holiday
        assert fit["deadline"].startswith("2025-03-18T18:00")
        assert shelf["deadline"].startswith("2025-03-18T18:00")
        assert shelf["parentId"] == fit["id"]
        users = raw(url, "user.get")
        assert int(lease["responsibleId"]) == int(users[1]["ID"])
        assert [int(x) for x in fit["accomplices"]] == [int(users[1]["ID"])]
        assert {t["groupId"] for t in tasks.values()} == {str(result.group_id)}
        items = raw(url, "task.checklistitem.getlist", TASKID=lease["id"])
        assert {(i["TITLE"], i["IS_IMPORTANT"]) for i in items} >= {("Draft", "N"), ("Legal", "Y")}
        later = raw(url, "tasks.task.list", filter={"DEPENDS_ON": lease["id"]}, select=["ID"])
        assert [t["id"] for t in later] == [fit["id"]]
        demo.reset_stats()
        again = create_project(b24, STORE, start=FRIDAY, roles=roles, group=True, holidays=holidays)
    assert writes(demo, TASK_WRITES) == 0
    assert again.created == []
    assert again.group_id == result.group_id
    assert not again.group_created


class Crash(Exception):
    pass


def crash_after(inner: Generator[Any, Any, Any], method: str) -> Generator[Any, Any, Any]:
    """Run ``inner`` and die right after the first batch holding ``method`` came back (the process died)."""
    value = None
    item = next(inner)
    while True:
        value = yield item
        calls = item.calls.values() if isinstance(item, Batch) and isinstance(item.calls, dict) else (
            item.calls if isinstance(item, Batch) else [item])  # fmt: skip
        if any(getattr(c, "method", "") == method for c in calls):
            raise Crash
        item = inner.send(value)


@pytest.mark.parametrize("where", ["tasks.task.add", "task.checklistitem.add", "task.dependence.add"])
def test_a_crash_half_way_and_a_rerun_finish_the_project_once(demo: Emulator, where: str) -> None:
    tasks = [{"key": "p", "title": "P", "responsible": "m", "checklist": ["a", "b"]}]
    tasks += [
        {
            "key": f"t{i}",
            "title": f"T{i}",
            "responsible": "m",
            "parent": "p" if i % 10 == 0 else None,
            "checklist": [f"c{i}"],
            "depends_on": [f"t{i - 1}"] if i > 1 else [],
        }
        for i in range(1, 70)
    ]
    template = {"name": "Big", "key": "big", "tasks": tasks}
    with demo.client() as b24:
        with pytest.raises(Crash):
            b24.run(
                crash_after(create_project.flow(template, start=FRIDAY, roles={"m": 2}, group=True), where)
            )
        create_project(b24, template, start=FRIDAY, roles={"m": 2}, group=True)
        demo.reset_stats()
        third = create_project(b24, template, start=FRIDAY, roles={"m": 2}, group=True)
    assert writes(demo, TASK_WRITES) == 0
    assert not third.failed
    pages = [
        demo.call(
            "tasks.task.list",
            {"filter": {"TAG": "big"}, "select": ["ID", "XML_ID", "GROUP_ID"], "start": start},
        )[1]["result"]["tasks"]
        for start in (0, 50)
    ]
    rows = [t for page in pages for t in page]
    assert len(rows) == 70
    assert len({t["xmlId"] for t in rows}) == 70
    assert len({t["groupId"] for t in rows}) == 1  # one workgroup
    links = sum(
        len(demo.call("tasks.task.list", {"filter": {"DEPENDS_ON": int(t["id"])}})[1]["result"]["tasks"])
        for t in rows
    )
    assert links == 68
    items = demo.call("task.checklistitem.getlist", {"TASKID": third.tasks["p"]})[1]["result"]
    assert Counter(i["TITLE"] for i in items if i["TITLE"] in ("a", "b")) == {"a": 1, "b": 1}


@pytest.mark.parametrize("sign", ["+", "-"])
def test_absurd_chained_deadlines_are_a_typed_refusal(sign: str) -> None:
    tasks = [{"key": "t0", "title": "t0", "responsible": "m", "deadline": f"start {sign} 3650 weeks"}]
    tasks += [
        {
            "key": f"t{i}",
            "title": f"t{i}",
            "responsible": "m",
            "deadline": f"after:t{i - 1} {sign} 3650 weeks",
        }
        for i in range(1, 200)
    ]
    with pytest.raises(InvalidInputError):
        plan_deadlines(load({"key": "k", "tasks": tasks}), FRIDAY)


def load(template: dict[str, Any]) -> Any:
    from bitrix24_toolkit.helpers import load_template

    return load_template(template)


@pytest.mark.parametrize(
    "tasks",
    [
        [{"key": "a", "title": "A", "responsible": "m", "depends_on": ["b"]},
         {"key": "b", "title": "B", "responsible": "m", "depends_on": ["a"]}],
        [{"key": "a", "title": "A", "responsible": "m", "parent": "zz"}],
        [{"key": f"t{i}", "title": "A", "responsible": "m"} for i in range(501)],
        [{"key": "a", "title": "A", "responsible": "m", "deadline": "start + 3 working weeks"}],
    ],
    ids=["cycle", "unknown-parent", "501-tasks", "bad-unit"],
)  # fmt: skip
def test_a_bad_template_sends_nothing(demo: Emulator, tasks: list[dict[str, Any]]) -> None:
    with demo.client() as b24, pytest.raises(ProjectTemplateError):
        create_project(b24, {"key": "k", "roles": ["m"], "tasks": tasks}, start=FRIDAY, roles={"m": 2})
    assert demo.stats.requests == 0


def test_roles_of_unknown_people_are_refused_before_any_write(demo: Emulator) -> None:
    template = {"key": "k", "tasks": [{"key": "a", "title": "A", "responsible": "m"},
                                      {"key": "b", "title": "B", "responsible": "n"}]}  # fmt: skip
    with demo.client() as b24, pytest.raises(UnknownUserError) as caught:
        create_project(
            b24, template, start=FRIDAY, roles={"m": "nobody@nowhere.test", "n": 99999}, group=True
        )
    assert len(caught.value.problems) == 2
    assert writes(demo, TASK_WRITES) == 0


def test_progress_counts_match_a_raw_read(demo: Emulator) -> None:
    with demo.serve() as url, Bitrix24(url, limits="off") as b24:
        result = create_project(b24, STORE, start=FRIDAY, roles=roles_of(demo))
        raw(url, "tasks.task.update", taskId=result.tasks["lease"], fields={"STATUS": 5})
        progress = project_progress(b24, "store-77", now=dt.datetime(2025, 3, 12, tzinfo=dt.UTC))
        states = {t.key: t.state for t in progress.tasks}
        assert states == {"lease": "done", "fit": "in progress", "shelf": "in progress"}
        late = project_progress(b24, "store-77", now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        assert Counter(t.state for t in late.tasks) == {"done": 1, "overdue": 2}
        assert sum(p.counts["overdue"] for p in late.people) == 2


# ---------------------------------------------------------------------------------------- live feed
def test_bbcode_in_the_data_opens_no_tag_and_the_post_is_readable_by_raw_rest(demo: Emulator) -> None:
    rows = [{"deal": "[URL=javascript:alert(1)]click[/URL]", "sum": 1.5},
            {"deal": "x[/TD][/TR][/TABLE][B]owned", "sum": 2}] + [
            {"deal": "y" * 400, "sum": i} for i in range(2000)]  # fmt: skip
    with demo.serve() as url, Bitrix24(url, limits="off") as b24:
        posted = post_report(b24, rows, title="Deals [/B][URL=x]", to=["UA", "DR2", 5], max_rows=1000,
                             max_chars=20_000)  # fmt: skip
        got = raw(url, "log.blogpost.get", POST_ID=posted.id)
    post = got[0] if isinstance(got, list) else got
    text = post["DETAIL_TEXT"]
    assert len(text) <= 20_000
    assert not posted.complete
    assert text.count("[TABLE]") == text.count("[/TABLE]") == 1
    assert "[URL" not in text
    assert "[/TABLE][B]owned" not in text
    assert text.count("[TR]") == text.count("[/TR]") == posted.rows_shown + 1
    assert posted.destinations == ["UA", "DR2", "U5"]


@pytest.mark.parametrize("to", [[], "DR0", "everyone", True, "U-1"])
def test_bad_destinations_are_refused_before_the_post(demo: Emulator, to: Any) -> None:
    with demo.client() as b24, pytest.raises(InvalidInputError):
        post_report(b24, "text", title="t", to=to)
    assert demo.stats.requests == 0


# ------------------------------------------------------------------------------ the fixes, beyond the proofs
def test_an_ad_leaver_is_never_invited_and_deactivated_only_on_request() -> None:
    header = ",".join(f'"{name}"' for name in ("UserPrincipalName", "EmailAddress", "Surname", "GivenName",
                      "Department", "MobilePhone", "OfficePhone", "Enabled")) + "\r\n"  # fmt: skip
    rows = [
        '"stay@corp.local","stay@corp.test","Stay","S","IT","+7 1","+7 2","True"',
        '"gone@corp.local","gone@corp.test","Gone","G","IT","","","True"',
        '"never@corp.local","never@corp.test","Never","N","IT","","","True"',
        '"upn@corp.test","","Upn","U","IT","+7 3","","True"',
    ]
    emu = Emulator(limits=None)
    with emu.serve() as url, Bitrix24(url, limits="off") as b24:
        first = sync_org_structure(
            b24, header.encode() + "\r\n".join(rows[:2] + rows[3:]).encode(), mapping="ad"
        )
        assert not first.failed
        users = {u["EMAIL"]: u for u in raw(url, "user.get")}
        assert users["stay@corp.test"]["WORK_PHONE"] == "+7 2"  # OfficePhone wins over MobilePhone
        assert users["upn@corp.test"]["WORK_PHONE"] == "+7 3"  # the next phone column when it is empty
        assert any("UserPrincipalName" in w.text and "rows 4" in w.text for w in first.warnings)
        later = header + "\r\n".join([
            rows[0], rows[1].replace('"True"', '"False"'), rows[2].replace('"True"', '"False"'), rows[3],
        ])  # fmt: skip
        emu.reset_stats()
        kept = sync_org_structure(b24, later.encode(), mapping="ad")
        assert writes(emu) == 0
        actions = {e.key: (e.action, e.reasons[0] if e.reasons else "") for e in kept.employees}
        assert actions["gone@corp.test"][0] == actions["never@corp.test"][0] == "unchanged"
        assert "not invited" in actions["never@corp.test"][1]
        assert any("gone@corp.test" in w.text and "disabled" in w.text for w in kept.warnings)
        plan = sync_org_structure(b24, later.encode(), mapping="ad", deactivate_missing=True, dry_run=True)
        assert [(e.key, e.action) for e in plan if e.action == "deactivate"] == [
            ("gone@corp.test", "deactivate")
        ]
        sync_org_structure(b24, later.encode(), mapping="ad", deactivate_missing=True)
        users = {u["EMAIL"]: u for u in raw(url, "user.get")}
    assert users["gone@corp.test"]["ACTIVE"] is False
    assert users["stay@corp.test"]["ACTIVE"] is True
    assert "never@corp.test" not in users


def test_the_mail_column_wins_over_the_upn_whatever_the_column_order() -> None:
    rows = [
        {"UserPrincipalName": "login@corp.local", "mail": "real@corp.test", "sn": "Real", "department": "IT"}
    ]
    with Emulator(limits=None).client() as b24:
        plan = sync_org_structure(b24, rows, mapping="ad", dry_run=True)
    assert [e.key for e in plan.employees] == ["real@corp.test"]
    assert not [w for w in plan.warnings if "UserPrincipalName" in w.text]


def test_rows_after_a_type_line_keep_the_numbers_excel_shows(tmp_path: Path) -> None:
    path = tmp_path / "ad.csv"
    bad = '"Пётр","Петров","bad address","","Продажи","","",""\r\n'
    path.write_text("#TYPE Selected.Microsoft.ActiveDirectory.Management.ADUser\r\n" + AD_POWERSHELL + bad,
                    encoding="utf-8")  # fmt: skip
    with Emulator(limits=None).client() as b24, pytest.raises(OrgStructureError) as caught:
        sync_org_structure(b24, path, mapping="ad")
    assert [(p.table, p.row) for p in caught.value.problems] == [("employees", 4)]
    assert "(1 problem)" in str(caught.value)


def test_a_parent_name_shared_by_two_departments_is_refused_naming_them() -> None:
    deps = [{"code": "1", "name": "Sales"}, {"code": "2", "name": "Sales", "parent": "1"},
            {"code": "3", "name": "Desk", "parent": "Sales"}]  # fmt: skip
    emu = Emulator(limits=None)
    with emu.client() as b24, pytest.raises(OrgStructureError) as caught:
        sync_org_structure(b24, OrgSource(deps, None))
    assert [(p.row, "rows 1, 2" in p.text) for p in caught.value.problems if "Sales" in p.text] == [(3, True)]
    assert emu.stats.requests == 0


def test_heads_by_name_in_a_large_file_are_found_fast() -> None:
    import time

    deps = [{"code": f"D{i}", "name": f"Dep {i}", "head": f"Last{i} First{i}"} for i in range(1000)]
    people = [{"email": f"e{i}@x.test", "last_name": f"Last{i}", "first_name": f"First{i}",
               "department": f"D{i % 1000}"} for i in range(30_000)]  # fmt: skip
    from bitrix24_toolkit.helpers.org_structure._sources import read_tables
    from bitrix24_toolkit.helpers.org_structure._structure import build_structure

    began = time.perf_counter()
    structure = build_structure(read_tables(OrgSource(deps, people)))
    assert time.perf_counter() - began < 10  # 33 s when every head scanned every employee
    assert [d.head for d in structure.departments[:3]] == ["e0@x.test", "e1@x.test", "e2@x.test"]


@pytest.mark.parametrize(
    ("deadline", "ok"),
    [("start + 520 weeks", True), ("start + 523 weeks", False), ("start - 3650 days", True),
     ("start - 530 weeks", False)],
)  # fmt: skip
def test_deadlines_stay_within_ten_years_of_the_start(deadline: str, ok: bool) -> None:
    template = load(
        {"key": "k", "tasks": [{"key": "far", "title": "Far", "responsible": "m", "deadline": deadline}]}
    )
    if ok:
        assert abs(plan_deadlines(template, FRIDAY)["far"].date() - FRIDAY).days <= 3653
    else:
        with pytest.raises(InvalidInputError, match="task 'far'"):
            plan_deadlines(template, FRIDAY)


def test_a_repeated_dependency_is_refused_before_any_request(demo: Emulator) -> None:
    twice = ["a", {"task": "a", "type": "start-start"}]
    tasks = [{"key": "a", "title": "A", "responsible": "m"},
             {"key": "b", "title": "B", "responsible": "m", "depends_on": twice}]  # fmt: skip
    with demo.client() as b24, pytest.raises(ProjectTemplateError, match="names task 'a' twice"):
        create_project(b24, {"key": "k", "tasks": tasks}, start=FRIDAY, roles={"m": 2})
    assert demo.stats.requests == 0
