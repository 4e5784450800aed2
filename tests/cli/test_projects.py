"""``b24 project create / progress / post`` against a served emulator and the demo portal (issue 20)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bitrix24_toolkit.testing.emulator import Emulator

from .conftest import Invoke, assert_clean_failure

STORE = Path(__file__).resolve().parents[2] / "examples" / "data" / "store_opening.yaml"
WRITES = ("tasks.task.add", "task.checklistitem.add", "task.dependence.add", "sonet_group.create")


@pytest.fixture
def served() -> Iterator[tuple[Emulator, dict[str, str]]]:
    """The demo portal served on localhost: ``(emulator, env with its webhook URL)``."""
    emu = Emulator.demo(limits="off")
    with emu.serve() as url:
        yield emu, {"BITRIX24_WEBHOOK_URL": url}


def roles(emu: Emulator) -> list[str]:
    _, payload = emu.call("user.get", {"FILTER": {"ACTIVE": True}})
    users = [u for u in payload["result"] if u.get("EMAIL")]
    names = ["manager", "builder", "it", "marketing", "hr"]
    out: list[str] = []
    for index, name in enumerate(names):
        user = users[index % len(users)]
        out += ["--role", f"{name}={user['EMAIL'] if index % 2 == 0 else user['ID']}"]
    return out


def tasks_of(emu: Emulator, tag: str) -> list[dict[str, Any]]:
    _, payload = emu.call(
        "tasks.task.list",
        {"filter": {"TAG": tag}, "select": ["ID", "TITLE", "DEADLINE", "GROUP_ID", "XML_ID"]},
    )
    return list(payload["result"]["tasks"])


def test_create_then_rerun_creates_nothing(b24: Invoke, served: tuple[Emulator, dict[str, str]]) -> None:
    emu, env = served
    args = ["project", "create", str(STORE), "--start", "2025-03-03", *roles(emu), "--key", "kazan"]
    run = b24(*args, "--group", "Store opening: Kazan", "--holiday", "2025-03-10", env=env)
    assert run.code == 0, run.text
    assert "8 tasks (8 created, 0 existing)" in run.stdout
    made = tasks_of(emu, "kazan")
    assert len(made) == 8
    by_key = {row["xmlId"]: row for row in made}
    assert by_key["kazan:lease"]["deadline"].startswith("2025-03-11T18:00:00")  # 5 working days, 10th off
    _, payload = emu.call("sonet_group.get", {"FILTER": {"ID": int(made[0]["groupId"])}})
    assert payload["result"][0]["NAME"] == "Store opening: Kazan"

    emu.reset_stats()
    again = b24(*args, "--group", "Store opening: Kazan", "--holiday", "2025-03-10", "--json", env=env)
    assert again.code == 0, again.text
    result = json.loads(again.stdout)
    assert result["created"] == []
    assert len(result["existing"]) == 8
    assert not any(emu.stats.calls.get(method) for method in WRITES)
    assert len(tasks_of(emu, "kazan")) == 8

    posted = b24("project", "post", "kazan", "--to", "UA", "--title", "Kazan", env=env)
    assert posted.code == 0, posted.text
    post_id = int(posted.stdout.split("post ")[1].split()[0])
    _, payload = emu.call("log.blogpost.get", {"POST_ID": post_id})
    assert "[TD]Sign the lease[/TD]" in payload["result"][0]["DETAIL_TEXT"]


def test_bad_input_fails_cleanly_before_any_write(
    b24: Invoke, served: tuple[Emulator, dict[str, str]]
) -> None:
    emu, env = served
    emu.reset_stats()
    base = ["project", "create", str(STORE), "--start", "2025-03-03"]
    run = b24(*base, "--role", "manager=nobody@nowhere.example", *roles(emu)[2:], env=env)
    assert_clean_failure(run, 2)
    assert "role 'manager': no user with e-mail nobody@nowhere.example" in run.stderr
    run = b24(*base, "--role", "manager", env=env)
    assert_clean_failure(run, 2)
    assert "--role takes ROLE=E-MAIL or ROLE=USER_ID" in run.stderr
    run = b24(*base[:3], "--start", "03.03.2025", *roles(emu), env=env)
    assert_clean_failure(run, 2)
    assert not any(emu.stats.calls.get(method) for method in WRITES)


@pytest.mark.usefixtures("fast_demo")
def test_progress_of_the_demo_project(b24: Invoke, tmp_path: Path) -> None:
    emu = Emulator.demo()
    _, payload = emu.call("tasks.task.list", {"filter": {"GROUP_ID": 1}, "select": ["ID", "TITLE"]})
    titles = [row["title"] for row in payload["result"]["tasks"]]
    run = b24("project", "progress", "1", "--png", str(tmp_path / "p.png"))
    assert run.code == 0, run.text
    assert f"group 1: {len(titles)} tasks" in run.stdout
    assert all(title.split()[0] in run.stdout for title in titles)
    assert (tmp_path / "p.png").stat().st_size > 1000
    data = json.loads(b24("project", "progress", "1", "--json").stdout)
    assert sum(data["counts"].values()) == len(titles)
