"""Workgroups and live-feed posts against their pages (``tests/fidelity/facts/social.py``), over HTTP."""

from __future__ import annotations

from .conftest import Portal
from .facts import social as doc
from .shapes import ListOf, assert_shape


def test_sonet_group_create_and_get(portal: Portal) -> None:
    group = portal.ok("sonet_group.create", doc.CREATE_EXAMPLE)
    assert isinstance(group, int)
    answer = portal.call("sonet_group.get", doc.GET_EXAMPLE)
    assert answer.status == 200
    assert answer.body["total"] == 1
    assert_shape(answer.result, ListOf(doc.GROUP, min_len=1))
    portal.error("sonet_group.create", {"PROJECT": "Y"}, doc.CANNOT_CREATE)


def test_log_blogpost_add_and_get(portal: Portal) -> None:
    post = portal.ok("log.blogpost.add", doc.POST_EXAMPLE)
    assert isinstance(post, int)
    answer = portal.call("log.blogpost.get", {"POST_ID": post})
    assert answer.status == 200
    assert_shape(answer.result, ListOf(doc.POST, min_len=1))
    portal.error("log.blogpost.add", {"POST_TITLE": "x"}, doc.NOT_ADDED)
