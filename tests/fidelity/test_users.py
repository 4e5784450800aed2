"""Users and departments against their pages (``tests/fidelity/facts/users.py``).

The emulator has no ``user.add`` (inviting users): tests write user rows into the portal directly, the way
the demo portal seeds its employees, then read them back only through the documented methods.
"""

from __future__ import annotations

from typing import Any

from .conftest import Portal
from .facts import users as doc
from .shapes import ListOf, assert_shape


def _seed(portal: Portal, *rows: dict[str, Any]) -> None:
    table = portal.emu.state.table("user")
    for row in rows:
        table[int(row["ID"])] = {"ACTIVE": True, "DATE_REGISTER": "2024-07-22T00:00:00+03:00", **row}


def _people(portal: Portal) -> None:
    _seed(
        portal,
        {
            "ID": 1,
            "NAME": "Vadim",
            "LAST_NAME": "Valeev",
            "SECOND_NAME": "",
            "EMAIL": "v@x.test",
            "UF_DEPARTMENT": [1],
        },
        {"ID": 3, "NAME": "John", "LAST_NAME": "Smith", "EMAIL": "j@x.test", "UF_DEPARTMENT": [1]},
        {"ID": 4, "NAME": "Ivan", "LAST_NAME": "Johnson", "PERSONAL_CITY": "New York", "UF_DEPARTMENT": [2]},
        {"ID": 5, "NAME": "Iveta", "LAST_NAME": "Brown", "PERSONAL_CITY": "Los Angeles", "ACTIVE": False},
        {
            "ID": 6,
            "NAME": "Olga",
            "LAST_NAME": "Ivanova",
            "WORK_POSITION": "Accountant",
            "UF_DEPARTMENT": [2],
        },
    )


def _ids(result: list[dict[str, Any]]) -> list[str]:
    return [row["ID"] for row in result]


def test_user_current(portal: Portal) -> None:
    assert_shape(portal.ok("user.current"), doc.CURRENT_USER)
    _people(portal)
    result = portal.ok("user.current")
    assert_shape(result, doc.CURRENT_USER)
    assert (result["ID"], result["NAME"], result["UF_DEPARTMENT"]) == ("1", "Vadim", [1])


def test_user_get_the_pages_example(portal: Portal) -> None:
    _seed(portal, *({"ID": n, "NAME": f"N{n}", "LAST_NAME": "L", "UF_DEPARTMENT": [1]} for n in range(1, 14)))
    answer = portal.call("user.get", doc.GET_EXAMPLE)
    assert answer.status == 200
    assert_shape(answer.result, ListOf(doc.USER, min_len=1))
    assert _ids(answer.result) == ["11", "12", "13"]  # start 10 of 13, by ID ascending
    assert answer.body["total"] == 13
    assert "next" not in answer.body


def test_user_get_records_leave_out_fields_never_set(portal: Portal) -> None:
    _people(portal)
    first, second = portal.ok("user.get", {"FILTER": {"@ID": [1, 3]}})
    assert_shape(first, doc.USER)
    assert_shape(second, doc.USER)
    assert first["SECOND_NAME"] == ""
    assert "SECOND_NAME" not in second
    assert first["ACTIVE"] is True
    assert first["TIMESTAMP_X"] == {}
    assert first["UF_DEPARTMENT"] == [1]


def test_user_get_pages_by_50(portal: Portal) -> None:
    _seed(portal, *({"ID": n, "NAME": f"N{n}", "LAST_NAME": "L"} for n in range(1, 62)))
    answer = portal.call("user.get", {})
    assert len(answer.result) == doc.PAGE_SIZE
    assert answer.body["total"] == 61
    assert answer.body["next"] == 50
    answer = portal.call("user.get", {"start": 50})
    assert _ids(answer.result) == [str(n) for n in range(51, 62)]
    assert "next" not in answer.body


def test_user_get_filters_of_the_page(portal: Portal) -> None:
    _people(portal)
    assert _ids(portal.ok("user.get", {"filter": {"NAME": "Iv%"}})) == ["4", "5"]
    assert _ids(portal.ok("user.get", {"filter": {"!%LAST_NAME": "son"}})) == ["1", "3", "5", "6"]
    assert _ids(portal.ok("user.get", {"filter": {"@PERSONAL_CITY": ["New York", "Los Angeles"]}})) == [
        "4",
        "5",
    ]
    assert _ids(portal.ok("user.get", {"FILTER": {"UF_DEPARTMENT": 2}})) == ["4", "6"]
    assert _ids(portal.ok("user.get", {"FILTER": {"ACTIVE": True}})) == ["1", "3", "4", "6"]
    assert _ids(portal.ok("user.get", {"FILTER": {"NAME_SEARCH": "smith"}})) == ["3"]
    assert _ids(portal.ok("user.get", {"ID": 3})) == ["3"]
    assert _ids(portal.ok("user.get", {"SORT": "ID", "ORDER": "DESC"})) == ["6", "5", "4", "3", "1"]
    assert portal.ok("user.get", {"FILTER": {"ID": 999}}) == []


def test_user_get_select(portal: Portal) -> None:
    _people(portal)
    rows = portal.ok("user.get", {"FILTER": {"ID": 3}, "select": ["ID", "NAME", "NO_SUCH_FIELD"]})
    assert rows == [{"ID": "3", "NAME": "John"}]  # user-get.md: unknown fields are skipped without error


def test_user_search(portal: Portal) -> None:
    _people(portal)
    portal.ok("department.update", {"ID": 1, "NAME": "Head office"})
    sales = portal.ok("department.add", {"NAME": "Sales", "PARENT": 1})
    portal.emu.state.table("user")[4]["UF_DEPARTMENT"] = [sales]
    portal.emu.state.table("user")[6]["UF_DEPARTMENT"] = [1]
    answer = portal.call("user.search", {"FILTER": {"FIND": "Iv"}})
    assert answer.status == 200
    assert answer.body["total"] == 3
    assert_shape(answer.result, ListOf(doc.USER, min_len=1))
    assert _ids(answer.result) == ["4", "5", "6"]
    assert _ids(portal.ok("user.search", {"FILTER": {"LAST_NAME": "Sm"}})) == ["3"]
    assert _ids(portal.ok("user.search", {"FILTER": {"WORK_POSITION": "Acc"}})) == ["6"]
    assert _ids(portal.ok("user.search", {"FILTER": {"UF_DEPARTMENT_NAME": "Sal"}})) == ["4"]
    assert _ids(portal.ok("user.search", {"FILTER": {"FIND": "sales"}})) == ["4"]
    assert _ids(portal.ok("user.search", {"UF_DEPARTMENT": 1, "SORT": "ID", "ORDER": "asc"})) == [
        "1",
        "3",
        "6",
    ]


def test_user_fields(portal: Portal) -> None:
    assert_shape(portal.ok("user.fields", {}), doc.USER_FIELDS)


def test_department_fields(portal: Portal) -> None:
    assert_shape(portal.ok("department.fields", {}), doc.DEPARTMENT_FIELDS)


def test_a_fresh_portal_has_its_top_department(portal: Portal) -> None:
    answer = portal.call("department.get", {})
    assert answer.status == 200
    assert answer.body["total"] == 1
    (top,) = answer.result
    assert_shape(top, doc.DEPARTMENT)
    assert top["ID"] == "1"
    assert "PARENT" not in top


def test_department_add_get_update_delete_the_pages_examples(portal: Portal) -> None:
    # the add example's PARENT 15 must exist: create it first (department-get.md's R&D)
    rnd = portal.ok("department.add", {"NAME": "R&D", "PARENT": 1})
    new = portal.ok("department.add", {**doc.DEPARTMENT_ADD_EXAMPLE, "PARENT": rnd})
    assert isinstance(new, int)
    assert not isinstance(new, bool)
    (added,) = portal.ok("department.get", {"ID": new})
    assert_shape(added, doc.DEPARTMENT)
    assert added == {
        "ID": str(new),
        "NAME": "Muggle Studies Department",
        "SORT": 450,
        "PARENT": str(rnd),
        "UF_HEAD": "1",
    }
    assert portal.ok("department.update", {**doc.DEPARTMENT_UPDATE_EXAMPLE, "ID": new}) is True
    answer = portal.call("department.get", doc.DEPARTMENT_GET_EXAMPLE)
    assert_shape(answer.result, ListOf(doc.DEPARTMENT, min_len=2))
    assert [row["NAME"] for row in answer.result] == ["R&D", "Department of Secrets"]  # NAME DESC
    assert answer.body["total"] == 2
    assert portal.ok("department.delete", {"ID": new}) is True
    portal.error("department.delete", {"ID": new}, doc.DEPARTMENT_NOT_FOUND)


def test_department_refusals(portal: Portal) -> None:
    portal.error("department.add", {"PARENT": 1}, doc.NAME_MISSING)
    portal.error("department.add", {"NAME": "Second top"}, doc.SECOND_TOP)
    portal.error("department.update", {"ID": 999, "NAME": "X"}, doc.DEPARTMENT_NOT_FOUND)
    portal.error("department.delete", {"ID": 999}, doc.DEPARTMENT_NOT_FOUND)


def test_department_get_filters(portal: Portal) -> None:
    sales = portal.ok("department.add", {"NAME": "Sales", "PARENT": 1, "SORT": 100})
    portal.ok("department.add", {"NAME": "Sales North", "PARENT": sales})
    assert [row["NAME"] for row in portal.ok("department.get", {"NAME": "Sales"})] == ["Sales"]  # full name
    assert [row["NAME"] for row in portal.ok("department.get", {"PARENT": sales})] == ["Sales North"]
    assert [row["ID"] for row in portal.ok("department.get", {"SORT": 100})] == [str(sales)]
    assert [row["ID"] for row in portal.ok("department.get", {"UF_HEAD": 1})] == ["1"]


def test_user_add_and_update_the_pages_examples(portal: Portal) -> None:
    new = portal.ok("user.add", doc.ADD_EXAMPLE)
    assert isinstance(new, int)
    assert not isinstance(new, bool)
    (user,) = portal.ok("user.get", {"ID": new})
    assert_shape(user, doc.USER)
    assert portal.ok("user.update", {"ID": new, "ACTIVE": "N", "XML_ID": "ZUP-1"}) is True
    (user,) = portal.ok("user.get", {"ID": new})
    assert_shape(user, doc.USER)
    assert (user["ACTIVE"], user["XML_ID"]) == (False, "ZUP-1")
    portal.error("user.add", {"UF_DEPARTMENT": [1]}, doc.WRONG_EMAIL)
    portal.error("user.add", doc.ADD_EXAMPLE, doc.EMAIL_TAKEN)
    portal.error("user.update", {"ID": 999, "NAME": "X"}, doc.UPDATE_DENIED)
