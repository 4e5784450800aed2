"""Timeline comments and event subscriptions in the emulator (reference 5.9, 9.1)."""

from __future__ import annotations

from typing import Any

import pytest

from bitrix24_toolkit.testing.emulator.dispatch import execute
from bitrix24_toolkit.testing.emulator.registry import REGISTRY, Ctx, PortalError
from bitrix24_toolkit.testing.emulator.state import PortalState


def ok(state: PortalState, method: str, **params: Any) -> Any:
    status, payload = execute(state, method, params)
    assert status == 200, payload
    return payload["result"]


def error(state: PortalState, method: str, **params: Any) -> tuple[int, Any]:
    status, payload = execute(state, method, params)
    return status, payload["error"]


@pytest.fixture
def state() -> PortalState:
    portal = PortalState(clock=lambda: 1_583_139_600.0)
    portal.insert("deal", {"TITLE": "D"})
    return portal


# -------------------------------------------------------------------------------------- comments
def test_comment_crud(state: PortalState) -> None:
    comment_id = ok(
        state,
        "crm.timeline.comment.add",
        fields={"ENTITY_ID": 1, "ENTITY_TYPE": "deal", "COMMENT": "New comment was added"},
    )
    assert comment_id == 1
    row = ok(state, "crm.timeline.comment.get", id=comment_id)
    assert row == {
        "ID": "1",
        "ENTITY_ID": "1",
        "ENTITY_TYPE": "deal",
        "CREATED": "2020-03-02T12:00:00+03:00",
        "COMMENT": "New comment was added",
        "AUTHOR_ID": "1",
        "FILES": {},
    }
    ok(state, "crm.timeline.comment.update", id=comment_id, fields={"COMMENT": "Edited"})
    listed = ok(state, "crm.timeline.comment.list", filter={"ENTITY_ID": 1, "ENTITY_TYPE": "deal"})
    assert [item["COMMENT"] for item in listed] == ["Edited"]
    # crm-timeline-comment-delete.md: result is always null; crm-timeline-comment-get.md: empty error code
    assert ok(state, "crm.timeline.comment.delete", id=comment_id) is None
    assert error(state, "crm.timeline.comment.get", id=comment_id) == (400, "")


def test_comment_needs_lowercase_fields(state: PortalState) -> None:
    fields = {"ENTITY_ID": 1, "ENTITY_TYPE": "deal", "COMMENT": "x"}
    assert error(state, "crm.timeline.comment.add", FIELDS=fields) == (400, 100)


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"ENTITY_ID": 1, "ENTITY_TYPE": "DEAL", "COMMENT": "x"}, "OWNER_NOT_FOUND"),
        ({"ENTITY_ID": 1, "ENTITY_TYPE": 2, "COMMENT": "x"}, "OWNER_NOT_FOUND"),
        ({"ENTITY_ID": 9, "ENTITY_TYPE": "deal", "COMMENT": "x"}, "OWNER_NOT_FOUND"),
        ({"ENTITY_ID": 1, "ENTITY_TYPE": "deal", "COMMENT": "  "}, "INVALID_ARG_VALUE"),
        ({"ENTITY_ID": 1, "ENTITY_TYPE": "deal"}, 100),
    ],
)
def test_comment_add_errors(state: PortalState, fields: dict[str, Any], code: Any) -> None:
    assert error(state, "crm.timeline.comment.add", fields=fields) == (400, code)


# ---------------------------------------------------------------------------------------- events
def run(state: PortalState, method: str, auth_type: str, **params: Any) -> Any:
    handler, _scope = REGISTRY[method]
    return handler(Ctx(state=state, params=params, method=method, extra={"auth_type": auth_type}))


def test_bind_get_unbind(state: PortalState) -> None:
    url = "https://www.my-domain.com/handler/"
    assert run(state, "event.bind", "oauth", event="onCrmLeadAdd", handler=url) is True
    assert run(state, "event.bind", "oauth", event="ONCRMDEALADD", handler=url) is True
    assert run(state, "event.get", "oauth") == [
        {"event": "ONCRMLEADADD", "handler": url, "auth_type": "0", "offline": 0},
        {"event": "ONCRMDEALADD", "handler": url, "auth_type": "0", "offline": 0},
    ]
    assert run(state, "event.unbind", "oauth", event="oncrmleadadd", handler=url) == {"count": 1}
    assert run(state, "event.unbind", "oauth", event="oncrmleadadd", handler=url) == {"count": 0}
    assert [row["event"] for row in run(state, "event.get", "oauth")] == ["ONCRMDEALADD"]


def test_bind_from_webhook_is_refused(state: PortalState) -> None:
    with pytest.raises(PortalError) as caught:
        run(state, "event.bind", "webhook", event="ONCRMLEADADD", handler="https://h/")
    assert (caught.value.code, caught.value.status) == ("WRONG_AUTH_TYPE", 403)
    assert caught.value.description == "Current authorization type is denied for this method"


def test_unknown_event_and_duplicate(state: PortalState) -> None:
    with pytest.raises(PortalError) as caught:
        run(state, "event.bind", "oauth", event="ONCRMUNICORNADD", handler="https://h/")
    assert caught.value.code == "ERROR_EVENT_NOT_FOUND"
    run(state, "event.bind", "oauth", event="ONCRMDEALUPDATE", handler="https://h/")
    with pytest.raises(PortalError):
        run(state, "event.bind", "oauth", event="OnCrmDealUpdate", handler="https://h/")


def test_offline_binding_and_events_list(state: PortalState) -> None:
    run(state, "event.bind", "oauth", event="ONCRMCOMPANYADD", event_type="offline")
    # an offline subscription has no handler: {event, connector_id, offline: 1} (events/event-get.md, rest
    # module Event::eventGet)
    offline = {"event": "ONCRMCOMPANYADD", "connector_id": "", "offline": 1}
    assert run(state, "event.get", "oauth") == [offline]
    names = ok(state, "events")
    assert "ONCRMREQUISITEADD" in names
    assert "ONCRMADDRESSREGISTER" in names
