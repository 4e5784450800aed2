"""Inviting and editing users (``user-add.md``, ``user-update.md``) and departments with heads."""

from __future__ import annotations

from typing import Any

from bitrix24_toolkit.testing import Emulator


def _ok(emu: Emulator, method: str, params: dict[str, Any]) -> Any:
    status, payload = emu.call(method, params)
    assert status == 200, payload
    return payload["result"]


def test_user_add_the_pages_example_invites_an_active_employee() -> None:
    emu = Emulator(limits="off")
    new = _ok(emu, "user.add", {"EMAIL": "newuser1@example.com", "UF_DEPARTMENT": [1]})
    assert new == 2
    assert isinstance(new, int)
    (user,) = _ok(emu, "user.get", {"ID": new})
    assert (user["EMAIL"], user["ACTIVE"], user["UF_DEPARTMENT"], user["LAST_LOGIN"]) == (
        "newuser1@example.com",
        True,
        [1],
        "",
    )
    assert user["USER_TYPE"] == "employee"


def test_user_add_refusals() -> None:
    emu = Emulator(limits="off")
    wrong = {"error": "ERROR_ARGUMENT", "error_description": "wrong_email", "argument": ""}
    assert emu.call("user.add", {"UF_DEPARTMENT": [1]}) == (400, wrong)
    assert emu.call("user.add", {"EMAIL": "not-an-address", "UF_DEPARTMENT": [1]}) == (400, wrong)
    _ok(emu, "user.add", {"EMAIL": "a.ivanova@example.com", "UF_DEPARTMENT": [1]})
    status, payload = emu.call("user.add", {"EMAIL": "A.Ivanova@example.com", "UF_DEPARTMENT": [1]})
    assert (status, payload["error_description"]) == (400, "A user with this email already exists")
    status, payload = emu.call("user.add", {"EMAIL": "b@example.com"})
    assert (status, payload["error"], payload["error_description"]) == (
        400,
        "ERROR_ARGUMENT",
        "no_extranet_field",
    )
    status, payload = emu.call("user.add", {"EMAIL": "c@example.com", "EXTRANET": "Y"})
    assert (status, payload["error"]) == (400, "ERROR_GROUPID")
    assert [u["ID"] for u in _ok(emu, "user.get", {})] == ["1", "2"]


def test_user_update_moves_renames_dismisses_and_keeps_xml_id() -> None:
    emu = Emulator(limits="off")
    sales = _ok(emu, "department.add", {"NAME": "Sales", "PARENT": 1})
    uid = _ok(
        emu, "user.add", {"EMAIL": "p@example.com", "NAME": "Pavel", "UF_DEPARTMENT": [1], "XML_ID": "ZUP-7"}
    )
    assert _ok(emu, "user.update", {"ID": uid, "UF_DEPARTMENT": [sales], "WORK_POSITION": "Manager"}) is True
    (user,) = _ok(emu, "user.get", {"FILTER": {"XML_ID": "ZUP-7"}})
    assert (user["ID"], user["UF_DEPARTMENT"], user["WORK_POSITION"], user["XML_ID"]) == (
        str(uid),
        [sales],
        "Manager",
        "ZUP-7",
    )
    assert _ok(emu, "user.update", {"ID": uid, "ACTIVE": "N"}) is True
    assert _ok(emu, "user.get", {"ID": uid})[0]["ACTIVE"] is False
    assert [u["ID"] for u in _ok(emu, "user.get", {"FILTER": {"ACTIVE": True}})] == ["1"]
    assert emu.call("user.update", {"ID": 999, "NAME": "X"}) == (
        400,
        {"error": "ERROR_CORE", "error_description": "access_denied"},
    )
    other = _ok(emu, "user.add", {"EMAIL": "q@example.com", "UF_DEPARTMENT": [1]})
    status, payload = emu.call("user.update", {"ID": other, "EMAIL": "p@example.com"})
    assert (status, payload["error_description"]) == (400, "A user with this email already exists")


def test_department_heads_and_a_three_level_tree() -> None:
    emu = Emulator(limits="off")
    head = _ok(emu, "user.add", {"EMAIL": "head@example.com", "UF_DEPARTMENT": [1]})
    branch = _ok(emu, "department.add", {"NAME": "Kazan branch", "PARENT": 1, "UF_HEAD": head})
    desk = _ok(emu, "department.add", {"NAME": "Tours desk", "PARENT": branch})
    assert _ok(emu, "department.update", {"ID": desk, "UF_HEAD": head, "NAME": "Tour desk"}) is True
    rows = {row["ID"]: row for row in _ok(emu, "department.get", {})}
    assert rows[str(branch)] == {
        "ID": str(branch),
        "NAME": "Kazan branch",
        "SORT": 500,
        "PARENT": "1",
        "UF_HEAD": str(head),
    }
    assert (rows[str(desk)]["PARENT"], rows[str(desk)]["UF_HEAD"], rows[str(desk)]["NAME"]) == (
        str(branch),
        str(head),
        "Tour desk",
    )
    assert _ok(emu, "user.search", {"FILTER": {"UF_DEPARTMENT_NAME": "Tour"}}) == []
