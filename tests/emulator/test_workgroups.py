"""Workgroups and projects in the emulator, from ``sonet-group-create.md`` and ``sonet-group-get.md``."""

from __future__ import annotations

from typing import Any

from bitrix24_toolkit.testing import Emulator


def _ok(emu: Emulator, method: str, params: dict[str, Any]) -> Any:
    status, payload = emu.call(method, params)
    assert status == 200, payload
    return payload


def test_create_the_pages_example_and_read_it_back() -> None:
    emu = Emulator(limits="off")
    created = _ok(
        emu, "sonet_group.create", {"NAME": "New Project", "PROJECT": "Y", "VISIBLE": "Y", "OPENED": "N"}
    )
    group_id = created["result"]
    assert isinstance(group_id, int)
    assert not isinstance(group_id, bool)
    (row,) = _ok(emu, "sonet_group.get", {"FILTER": {"ID": group_id}})["result"]
    assert row["ID"] == str(group_id)
    assert row["NAME"] == "New Project"
    assert (row["PROJECT"], row["VISIBLE"], row["OPENED"], row["CLOSED"], row["ACTIVE"]) == (
        "Y",
        "Y",
        "N",
        "N",
        "Y",
    )
    assert (row["OWNER_ID"], row["NUMBER_OF_MEMBERS"], row["SITE_ID"], row["IS_EXTRANET"]) == (
        "1",
        "1",
        "s1",
        "N",
    )
    assert row["DESCRIPTION"] is None
    assert row["KEYWORDS"] is None
    assert set(row) == set(
        "ID SITE_ID NAME DESCRIPTION DATE_CREATE DATE_UPDATE ACTIVE VISIBLE OPENED CLOSED SUBJECT_ID "
        "OWNER_ID KEYWORDS NUMBER_OF_MEMBERS DATE_ACTIVITY SUBJECT_NAME PROJECT IS_EXTRANET".split()
    )


def test_get_filters_orders_and_pages() -> None:
    emu = Emulator(limits="off")
    for n in range(1, 53):
        emu.call("sonet_group.create", {"NAME": f"Project {n:02d}" if n % 2 else f"Group {n:02d}"})
    first = _ok(emu, "sonet_group.get", {})
    assert [row["ID"] for row in first["result"]][:2] == ["52", "51"]  # ID descending by default
    assert (first["total"], first["next"]) == (52, 50)
    example = _ok(emu, "sonet_group.get", {"ORDER": {"NAME": "ASC"}, "FILTER": {"%NAME": "Pro"}})
    names = [row["NAME"] for row in example["result"]]
    assert names[:2] == ["Project 01", "Project 03"]
    assert example["total"] == 26
    assert [row["ID"] for row in _ok(emu, "sonet_group.get", {"GROUP_ID": 7})["result"]] == ["7"]


def test_create_refuses_a_group_without_a_name() -> None:
    status, payload = Emulator(limits="off").call("sonet_group.create", {"PROJECT": "Y"})
    assert (status, payload) == (400, {"error": "", "error_description": "Cannot create group"})
