"""Live-feed posts in the emulator, from ``log-blogpost-add.md`` and ``log-blogpost-get.md``."""

from __future__ import annotations

from typing import Any

from bitrix24_toolkit.testing import Emulator

_ERROR = "SONET_CONTROLLER_LIVEFEED_BLOGPOST_ADD_ERROR"


def _ok(emu: Emulator, method: str, params: dict[str, Any], *, user_id: int | None = None) -> Any:
    status, payload = emu.call(method, params, user_id=user_id)
    assert status == 200, payload
    return payload


def _portal() -> Emulator:
    emu = Emulator(limits="off")
    sales = _ok(emu, "department.add", {"NAME": "Sales", "PARENT": 1})["result"]
    for n, dep in ((2, sales), (3, 1)):
        emu.call("user.add", {"EMAIL": f"u{n}@example.com", "UF_DEPARTMENT": [dep]})
    return emu


def test_the_pages_example_post_and_get() -> None:
    emu = _portal()
    post = _ok(
        emu,
        "log.blogpost.add",
        {
            "POST_TITLE": "New Regulation",
            "POST_MESSAGE": "From November 1, the approval process is updated.",
            "DEST": ["UA"],
            "TAGS": "regulation,approval,update",
            "IMPORTANT": "Y",
        },
    )["result"]
    assert isinstance(post, int)
    answer = _ok(emu, "log.blogpost.get", {"POST_ID": post})
    (row,) = answer["result"]
    assert answer["total"] == 1
    assert (row["ID"], row["TITLE"], row["AUTHOR_ID"], row["PUBLISH_STATUS"]) == (
        str(post),
        "New Regulation",
        "1",
        "P",
    )
    assert row["DETAIL_TEXT"] == "From November 1, the approval process is updated."
    assert (row["HAS_SOCNET_ALL"], row["HAS_TAGS"], row["MICRO"]) == ("Y", "Y", "N")
    assert len(row["CATEGORY_ID"].split(",")) == 3
    assert row["FILES"] == []


def test_destinations_decide_who_reads_a_post() -> None:
    emu = _portal()
    to_sales = _ok(emu, "log.blogpost.add", {"POST_MESSAGE": "[B]Funnel[/B]", "DEST": ["DR2"]})["result"]
    to_three = _ok(emu, "log.blogpost.add", {"POST_MESSAGE": "For you", "DEST": ["U3"]})["result"]
    everyone = _ok(emu, "log.blogpost.add", {"POST_MESSAGE": "All"})["result"]  # DEST defaults to UA
    seen_by_2 = [row["ID"] for row in _ok(emu, "log.blogpost.get", {}, user_id=2)["result"]]
    seen_by_3 = [row["ID"] for row in _ok(emu, "log.blogpost.get", {}, user_id=3)["result"]]
    assert seen_by_2 == [str(everyone), str(to_sales)]  # newest first; DR2 reaches its employee
    assert seen_by_3 == [str(everyone), str(to_three)]
    by_rights = _ok(emu, "log.blogpost.get", {"LOG_RIGHTS": ["DR2"]})["result"]
    assert [row["ID"] for row in by_rights] == [str(to_sales)]


def test_refusals() -> None:
    emu = _portal()
    status, payload = emu.call("log.blogpost.add", {"POST_TITLE": "Empty"})
    assert (status, payload) == (400, {"error": _ERROR, "error_description": "Blog post hasn't been added"})
    status, payload = emu.call("log.blogpost.add", {"POST_MESSAGE": "x", "DEST": ["U999", "SG5"]})
    assert (status, payload) == (400, {"error": _ERROR, "error_description": "No destination specified"})
    assert _ok(emu, "log.blogpost.get", {})["result"] == []
