"""Timeline comments as their pages describe them (api-reference/crm/timeline/comments/...)."""

from __future__ import annotations

from typing import Any

import pytest

from bitrix24_toolkit.models.activity import TimelineComment

from .conftest import Portal
from .facts import crm_activities as F
from .shapes import assert_shape


def _deal(portal: Portal) -> int:
    return int(portal.ok("crm.deal.add", {"fields": {"TITLE": "Deal"}}))


def _add_example(deal: int) -> dict[str, Any]:
    """crm-timeline-comment-add.md cURL example (ENTITY_ID: a deal created first)."""
    return {
        "fields": {
            "ENTITY_ID": deal,
            "ENTITY_TYPE": "deal",
            "COMMENT": "New comment was added",
            "FILES": [["1.gif", F.GIF_1X1], ["2.gif", F.GIF_1X1]],
        }
    }


def _check_files(files: dict[str, Any], names: list[str]) -> None:
    assert [item["name"] for item in files.values()] == names
    for key, item in files.items():
        assert_shape(item, F.COMMENT_FILE, f"FILES[{key}]")
        assert key == str(item["id"]), "FILES is keyed by the file id"
        assert (item["type"], item["size"], item["image"]) == (
            "image",
            F.GIF_1X1_SIZE,
            {"width": 1, "height": 1},
        )


def test_add_example_keeps_the_files(portal: Portal) -> None:
    deal = _deal(portal)
    answer = portal.call("crm.timeline.comment.add", _add_example(deal))
    assert answer.status == 200
    number = answer.result
    assert isinstance(number, int)
    assert not isinstance(number, bool)
    row = portal.ok("crm.timeline.comment.get", {"id": number})
    assert_shape(row, F.COMMENT)
    assert list(row) == list(F.COMMENT.keys), "keys in the page's order"
    assert (row["ID"], row["ENTITY_ID"], row["ENTITY_TYPE"]) == (str(number), str(deal), "deal")
    assert (row["COMMENT"], row["AUTHOR_ID"]) == ("New comment was added", "1")
    _check_files(row["FILES"], ["1.gif", "2.gif"])


def test_typed_model_reads_the_record(portal: Portal) -> None:
    number = portal.ok("crm.timeline.comment.add", _add_example(_deal(portal)))
    comment = TimelineComment.model_validate(portal.ok("crm.timeline.comment.get", {"id": number}))
    assert comment.model_extra == {}
    assert isinstance(comment.files, dict)
    assert [item["name"] for item in comment.files.values()] == ["1.gif", "2.gif"]


def test_list_example(portal: Portal) -> None:
    deal = _deal(portal)
    first = portal.ok("crm.timeline.comment.add", _add_example(deal))
    second = portal.ok(
        "crm.timeline.comment.add",
        {"fields": {"ENTITY_ID": deal, "ENTITY_TYPE": "deal", "COMMENT": "Test comment"}},
    )
    other = _deal(portal)
    portal.ok(
        "crm.timeline.comment.add", {"fields": {"ENTITY_ID": other, "ENTITY_TYPE": "deal", "COMMENT": "x"}}
    )
    params = {
        "filter": {"ENTITY_ID": deal, "ENTITY_TYPE": "deal"},
        "select": ["ID", "CREATED", "ENTITY_ID", "ENTITY_TYPE", "AUTHOR_ID", "COMMENT", "FILES"],
    }
    answer = portal.call("crm.timeline.comment.list", params)
    assert answer.status == 200
    assert answer.body["total"] == 2
    rows = answer.result
    assert [row["ID"] for row in rows] == [str(first), str(second)]
    for row in rows:
        assert_shape(row, F.COMMENT)
    _check_files(rows[0]["FILES"], ["1.gif", "2.gif"])
    assert rows[1]["FILES"] == {}


def test_update_example_replaces_comment_and_files(portal: Portal) -> None:
    deal = _deal(portal)
    number = portal.ok(
        "crm.timeline.comment.add", {"fields": {"ENTITY_ID": deal, "ENTITY_TYPE": "deal", "COMMENT": "old"}}
    )
    params = {
        "id": number,
        "fields": {"COMMENT": "Comment was changed", "FILES": [["1.gif", F.GIF_1X1], ["2.gif", F.GIF_1X1]]},
    }
    assert portal.ok("crm.timeline.comment.update", params) == number
    row = portal.ok("crm.timeline.comment.get", {"id": number})
    assert row["COMMENT"] == "Comment was changed"
    _check_files(row["FILES"], ["1.gif", "2.gif"])


def test_delete_example_answers_null(portal: Portal) -> None:
    deal = _deal(portal)
    number = portal.ok(
        "crm.timeline.comment.add", {"fields": {"ENTITY_ID": deal, "ENTITY_TYPE": "deal", "COMMENT": "x"}}
    )
    answer = portal.call("crm.timeline.comment.delete", {"id": number, "ownerTypeId": 2, "ownerId": deal})
    assert answer.status == 200
    assert answer.body["result"] is None
    portal.error("crm.timeline.comment.get", {"id": number}, F.COMMENT_GET_NOT_FOUND)


def test_get_errors(portal: Portal) -> None:
    portal.error("crm.timeline.comment.get", {"id": 999}, F.COMMENT_GET_NOT_FOUND)
    portal.error("crm.timeline.comment.get", {}, F.COMMENT_GET_NO_ID)


def test_update_and_delete_of_a_missing_comment(portal: Portal) -> None:
    portal.error("crm.timeline.comment.update", {"id": 999, "fields": {"COMMENT": "x"}}, F.COMMENT_NOT_FOUND)
    portal.error("crm.timeline.comment.delete", {"id": 999}, F.COMMENT_NOT_FOUND)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"ENTITY_TYPE": "deal", "COMMENT": "x"}, F.COMMENT_REQUIRED_MISSING),
        ({"ENTITY_ID": 999, "ENTITY_TYPE": "deal", "COMMENT": "x"}, F.COMMENT_OWNER_NOT_FOUND),
        ({"ENTITY_ID": "DEAL", "ENTITY_TYPE": "deal", "COMMENT": ""}, F.COMMENT_EMPTY),
    ],
)
def test_add_refusals(portal: Portal, fields: dict[str, Any], expected: Any) -> None:
    deal = _deal(portal)
    fields = {k: (deal if v == "DEAL" else v) for k, v in fields.items()}
    portal.error("crm.timeline.comment.add", {"fields": fields}, expected)


def test_add_takes_only_lowercase_fields(portal: Portal) -> None:
    """crm-timeline-comment-add.md: since crm 23.100.0 only ``fields`` in lowercase is accepted."""
    deal = _deal(portal)
    params = {"FIELDS": {"ENTITY_ID": deal, "ENTITY_TYPE": "deal", "COMMENT": "x"}}
    portal.error("crm.timeline.comment.add", params, F.COMMENT_REQUIRED_MISSING)


def test_update_refuses_an_empty_comment(portal: Portal) -> None:
    deal = _deal(portal)
    number = portal.ok(
        "crm.timeline.comment.add", {"fields": {"ENTITY_ID": deal, "ENTITY_TYPE": "deal", "COMMENT": "x"}}
    )
    portal.error("crm.timeline.comment.update", {"id": number, "fields": {"COMMENT": ""}}, F.COMMENT_EMPTY)


def test_fields(portal: Portal) -> None:
    fields = portal.ok("crm.timeline.comment.fields", {})
    assert set(fields) == set(F.COMMENT_FIELDS)
    for key, (kind, required, read_only, immutable, multiple) in F.COMMENT_FIELDS.items():
        got = fields[key]
        assert set(got) == set(F.FIELD_DESCRIPTION_KEYS), key
        assert (got["type"], got["isRequired"], got["isReadOnly"], got["isImmutable"], got["isMultiple"]) == (
            kind,
            required,
            read_only,
            immutable,
            multiple,
        ), key
