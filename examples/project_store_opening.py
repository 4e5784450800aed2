"""A typical project from a template: a store opening as a workgroup with tasks, its progress in the feed.

Runs against your portal when BITRIX24_WEBHOOK_URL is set (then give the people as
PROJECT_ROLES="manager=anna@example.com,builder=12,it=14,marketing=15,hr=16"), else against the built-in demo
portal, whose first employees play the roles:

    python examples/project_store_opening.py

It creates the workgroup "Store opening: Kazan" and the eight tasks of examples/data/store_opening.yaml
(deadlines counted in working days from the start, checklists, a subtask, dependencies), runs again to show
that nothing is created twice, and posts the progress to the live feed (on a real portal: to you only).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from bitrix24_toolkit import Bitrix24
from bitrix24_toolkit.helpers import create_project, load_template, post_report, project_progress
from bitrix24_toolkit.testing import Emulator

TEMPLATE = Path(__file__).parent / "data" / "store_opening.yaml"


def demo_roles(b24: Bitrix24, roles: list[str]) -> dict[str, str | int]:
    """The demo portal's first active employees, one per role (by e-mail)."""
    people = [u for u in b24.call("user.get", {"FILTER": {"ACTIVE": True}}) if u.get("EMAIL")]
    return {role: people[i % len(people)]["EMAIL"] for i, role in enumerate(roles)}


def env_roles() -> dict[str, str | int]:
    """PROJECT_ROLES="manager=anna@example.com,builder=12" as a dict."""
    pairs = [item.partition("=") for item in os.environ.get("PROJECT_ROLES", "").split(",") if item.strip()]
    return {name.strip(): who.strip() for name, _, who in pairs}


def main() -> None:
    template = load_template(TEMPLATE)  # checked before anything is sent: roles, parents, cycles, deadlines
    if os.environ.get("BITRIX24_WEBHOOK_URL"):
        b24 = Bitrix24()
        roles = env_roles()
        readers: list[str | int] = [f"U{b24.call('user.current')['ID']}"]
    else:
        print("No BITRIX24_WEBHOOK_URL set: using the built-in demo portal")
        b24 = Emulator.demo().client()
        roles = demo_roles(b24, list(template.roles))
        readers = ["UA"]
    with b24:
        start = dt.date.today() - dt.timedelta(weeks=4)  # begun four weeks ago: some tasks are overdue
        first = create_project(
            b24, template, start=start, roles=roles, group="Store opening: Kazan", key="store-kazan"
        )
        print(first.summary())
        for key, task_id in first.tasks.items():
            print(f"  {key:<9} task {task_id:>4}  deadline {first.deadlines.get(key, '-')}")

        again = create_project(
            b24, template, start=start, roles=roles, group="Store opening: Kazan", key="store-kazan"
        )
        print(f"second run: {len(again.created)} tasks created, {len(again.existing)} found")

        progress = project_progress(b24, "store-kazan")
        print(progress.title())
        for person in progress.people:
            print(f"  {person.name}: {person.counts}")

        posted = post_report(b24, progress, title="Store opening: Kazan, progress", to=readers)
        print(f"progress posted to the live feed: post {posted.id}, {posted.rows_shown} rows")


if __name__ == "__main__":
    main()
