"""post_report: funnel snapshots, project progress and tables as live-feed posts (issue 20, item 3)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest

from bitrix24_toolkit import Bitrix24
from bitrix24_toolkit.errors import InvalidInputError
from bitrix24_toolkit.helpers import (
    create_project,
    funnel_snapshot,
    post_report,
    project_progress,
    report_message,
)
from bitrix24_toolkit.helpers.feed_reports import destinations, escape_bbcode
from bitrix24_toolkit.testing import Emulator

TAG = re.compile(r"\[(/?)([A-Za-z]+)[^\]]*\]")


@pytest.fixture
def emu() -> Emulator:
    return Emulator.demo(limits="off")


@pytest.fixture
def b24(emu: Emulator) -> Bitrix24:
    return emu.client()


def stored(emu: Emulator, post_id: int) -> dict[str, Any]:
    """The post as log.blogpost.get sends it (a raw REST call)."""
    status, payload = emu.call("log.blogpost.get", {"POST_ID": post_id})
    assert status == 200, payload
    (post,) = payload["result"]
    return dict(post)


def tags(text: str) -> list[str]:
    """Every BB-code tag of a message, as ``B``/``/B`` ..."""
    return [f"{slash}{name.upper()}" for slash, name in TAG.findall(text)]


def test_a_funnel_snapshot_becomes_a_table_post(emu: Emulator, b24: Bitrix24) -> None:
    snapshot = funnel_snapshot(b24)
    posted = post_report(b24, snapshot, title="Funnel this week", to=["UA", 2, "dr1"])
    post = stored(emu, posted.id)
    assert post["TITLE"] == "Funnel this week"
    assert post["DETAIL_TEXT"] == posted.message
    assert posted.destinations == ["UA", "U2", "DR1"]
    columns, rows = snapshot.table()
    assert posted.rows_shown == posted.rows_total == len(rows)
    message = posted.message
    assert message.startswith(f"[B]{snapshot.title()}[/B]\n[TABLE]")
    assert message.count("[TR]") == len(rows) + 1
    assert message.count("[TD]") == (len(rows) + 1) * len(columns)
    for row in rows:
        assert f"[TD]{row[0]}[/TD]" in message  # every stage by name
    assert "%" in message  # conversions read as shares, as in the funnel's own tables
    assert set(tags(message)) == {"B", "/B", "TABLE", "/TABLE", "TR", "/TR", "TD", "/TD"}


def test_report_text_cannot_inject_bbcode(emu: Emulator, b24: Bitrix24) -> None:
    evil = "[/TD][/TR][/TABLE][URL=https://evil.example]click[/URL][IMG]x[/IMG]"
    rows = [{"deal": evil, "note": "line one\nline two\x00\x1b[31m", "amount": Decimal("10.5")}]
    posted = post_report(b24, rows, title=f"Weekly {evil}", to="UA")
    message = stored(emu, posted.id)["DETAIL_TEXT"]
    assert tags(message) == [
        "TABLE", "TR", "TD", "B", "/B", "/TD", "TD", "B", "/B", "/TD", "TD", "B", "/B", "/TD", "/TR",
        "TR", "TD", "/TD", "TD", "/TD", "TD", "/TD", "/TR", "/TABLE",
    ]  # fmt: skip
    assert "[URL" not in message
    assert "[/TABLE][" not in message
    assert message.replace("\u200b", "").count("[URL=https://evil.example]click[/URL]") == 1  # shown as text
    assert "line one line two" in message
    assert "\x00" not in message
    assert "\x1b" not in message
    assert "10.50" in message
    assert "[URL" not in posted.title
    assert escape_bbcode("[b]x[/b]") == "[\u200bb]x[\u200b/b]"


def test_a_project_progress_post_names_people_and_tasks(emu: Emulator, b24: Bitrix24) -> None:
    _status, payload = emu.call("user.get", {"FILTER": {"ACTIVE": True}})
    email = payload["result"][1]["EMAIL"]
    template = {
        "key": "feed-1",
        "tasks": [
            {"key": "a", "title": "First", "responsible": "lead", "deadline": "start + 1 working day"},
            {"key": "b", "title": "Second", "responsible": "lead", "deadline": "start + 9 weeks"},
        ],
    }
    create_project(b24, template, start=dt.date(2025, 3, 3), roles={"lead": email})
    progress = project_progress(b24, "feed-1", now=dt.datetime(2025, 3, 10, tzinfo=dt.UTC))
    posted = post_report(b24, progress, title="Project feed-1", to="UA")
    message = stored(emu, posted.id)["DETAIL_TEXT"]
    assert "[B]By responsible[/B]" in message
    assert "[B]Tasks[/B]" in message
    assert "[TD]First[/TD][TD]overdue[/TD]" in message
    assert "[TD]Second[/TD][TD]in progress[/TD]" in message
    assert posted.rows_total == 3  # one person, two tasks


def test_dataframes_rows_and_text(emu: Emulator, b24: Bitrix24) -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"city": ["Kazan", None], "deals": [3, 4]})
    text, shown, total = report_message(frame)
    assert (shown, total) == (2, 2)
    assert "[TD][B]city[/B][/TD][TD][B]deals[/B][/TD]" in text
    assert "[TD]–[/TD][TD]4[/TD]" in text
    text, _, _ = report_message([["a", 1], ["b", 2]], columns=["name", "n"])
    assert text.count("[TR]") == 3
    posted = post_report(b24, "Plain [B]words[/B]", title="Note")
    assert stored(emu, posted.id)["DETAIL_TEXT"] == "Plain [\u200bB]words[\u200b/B]"


def test_the_size_of_a_post_is_bounded() -> None:
    rows = [{"n": i, "text": "x" * 400} for i in range(1000)]
    text, shown, total = report_message(rows, max_rows=10)
    assert (shown, total) == (10, 1000)
    assert text.endswith("… 990 more rows not shown")
    assert "x" * 301 not in text  # a cell is cut
    text, shown, _ = report_message(rows, max_rows=1000, max_chars=5000)
    assert len(text) <= 5000
    assert 0 < shown < 20
    assert text.endswith(f"… {1000 - shown} more rows not shown")


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"to": []}, "to"),
        ({"to": "everyone"}, "to"),
        ({"to": ["UA", "G5"]}, "to"),
        ({"to": [0]}, "to"),
        ({"title": " "}, "title"),
        ({"max_rows": 0}, "max_rows"),
        ({"max_chars": 10**9}, "max_chars"),
    ],
)
def test_bad_options_are_refused_before_any_request(
    emu: Emulator, b24: Bitrix24, options: dict[str, Any], field: str
) -> None:
    emu.reset_stats()
    with pytest.raises(InvalidInputError) as caught:
        post_report(b24, [{"a": 1}], **{"title": "T", **options})
    assert caught.value.field == field
    assert emu.stats.requests == 0


def test_bad_reports_are_refused() -> None:
    for report in (42, [["a"]], [{"a": 1}, ["b"]], "   "):
        with pytest.raises(InvalidInputError):
            report_message(report)
    assert destinations(["sg7", 5, "U5"]) == ["SG7", "U5"]
