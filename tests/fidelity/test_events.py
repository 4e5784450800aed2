"""Event subscriptions against their pages (``tests/fidelity/facts/events.py``), called as an application."""

from __future__ import annotations

from typing import Any

from .conftest import Answer, Portal
from .facts import events as doc
from .shapes import DocError, assert_shape
from .test_basic import app_call


def app_error(
    portal: Portal, method: str, params: dict[str, Any], expected: DocError, *, user_id: int = 1
) -> None:
    """An application call that must fail with the page's code, description and HTTP status."""
    answer = app_call(portal, method, params, user_id=user_id)
    got = (answer.status, answer.body.get("error"), answer.body.get("error_description"))
    assert got == (expected.status, expected.code, expected.description), f"{method}: {got}, page: {expected}"


def app_ok(portal: Portal, method: str, params: dict[str, Any] | None = None, *, user_id: int = 1) -> Any:
    """The ``result`` of an application call that must succeed."""
    answer: Answer = app_call(portal, method, params, user_id=user_id)
    assert answer.status == 200, answer.body
    assert "error" not in answer.body, answer.body
    return answer.result


def test_the_four_methods_refuse_a_webhook(portal: Portal) -> None:
    for method, params in (
        ("event.bind", doc.BIND_EXAMPLE),
        ("event.get", {}),
        ("event.unbind", doc.BIND_EXAMPLE),
        ("events", {}),
    ):
        portal.error(method, params, doc.WEBHOOK_REFUSED)


def test_bind_get_unbind_the_pages_examples(portal: Portal) -> None:
    assert app_ok(portal, "event.bind", doc.BIND_EXAMPLE) is doc.BIND_RESULT
    handlers = app_ok(portal, "event.get")
    assert_shape(handlers, doc.HANDLERS)
    assert handlers == [
        {"event": "ONCRMLEADADD", "handler": doc.BIND_EXAMPLE["handler"], "auth_type": "0", "offline": 0}
    ]
    result = app_ok(portal, "event.unbind", doc.BIND_EXAMPLE)
    assert_shape(result, doc.UNBIND_RESULT)
    assert result == {"count": 1}
    assert app_ok(portal, "event.unbind", doc.BIND_EXAMPLE) == {"count": 0}
    assert app_ok(portal, "event.get") == []


def test_bind_refusals(portal: Portal) -> None:
    app_error(portal, "event.bind", {**doc.BIND_EXAMPLE, "event": "ONCRMUNICORNADD"}, doc.EVENT_NOT_FOUND)
    app_error(
        portal, "event.bind", {**doc.BIND_EXAMPLE, "auth_type": 1}, doc.AUTH_TYPE_BIND_NEEDS_ADMIN, user_id=2
    )
    offline = {"event": "ONCRMLEADADD", "event_type": "offline"}
    app_error(portal, "event.bind", offline, doc.OFFLINE_BIND_NEEDS_ADMIN, user_id=2)
    assert app_ok(portal, "event.bind", doc.BIND_EXAMPLE) is True
    again = app_call(portal, "event.bind", {**doc.BIND_EXAMPLE, "event": "OnCrmLeadAdd"})
    assert (again.status, again.body["error"]) == (400, "ERROR_CORE")  # the same handler twice


def test_a_users_handlers_run_as_that_user(portal: Portal) -> None:
    # event-bind.md: a non-administrator's handlers are "installed on behalf of the current user"
    assert app_ok(portal, "event.bind", doc.BIND_EXAMPLE, user_id=2) is True
    assert app_ok(portal, "event.bind", {**doc.BIND_EXAMPLE, "auth_type": 15}) is True
    assert app_ok(portal, "event.bind", doc.BIND_EXAMPLE) is True
    mine = app_ok(portal, "event.get", user_id=2)  # event-get.md: only the current user's handlers
    assert [row["auth_type"] for row in mine] == ["2"]
    everything = app_ok(portal, "event.get")
    assert_shape(everything, doc.HANDLERS)
    assert sorted(row["auth_type"] for row in everything) == ["0", "15", "2"]
    # event-unbind.md: auth_type=0 removes only the handlers bound without a user
    assert app_ok(portal, "event.unbind", {**doc.BIND_EXAMPLE, "auth_type": 0}) == {"count": 1}
    assert app_ok(portal, "event.unbind", doc.BIND_EXAMPLE) == {"count": 2}


def test_unbind_refusals(portal: Portal) -> None:
    offline = {"event": "ONCRMLEADADD", "event_type": "offline"}
    app_error(portal, "event.unbind", offline, doc.OFFLINE_UNBIND_NEEDS_ADMIN, user_id=2)
    app_error(
        portal,
        "event.unbind",
        {**doc.BIND_EXAMPLE, "auth_type": 1},
        doc.AUTH_TYPE_UNBIND_NEEDS_ADMIN,
        user_id=2,
    )


def test_offline_subscription(portal: Portal) -> None:
    assert app_ok(portal, "event.bind", {"event": "ONCRMDEALADD", "event_type": "offline"}) is True
    handlers = app_ok(portal, "event.get")
    assert_shape(handlers, doc.HANDLERS)
    assert handlers[0]["offline"] == 1
    assert app_ok(portal, "event.unbind", {"event": "ONCRMDEALADD", "event_type": "offline"}) == {"count": 1}


def test_events_lists(portal: Portal) -> None:
    full = app_ok(portal, "events", {"FULL": True})
    assert_shape(full, doc.EVENT_NAMES)
    missing = sorted(set(doc.DOCUMENTED_EVENTS) - set(full))
    assert not missing, missing
    assert all(name == name.upper() for name in full)
    user = app_ok(portal, "events", {"SCOPE": "user"})  # the page's example request
    assert "ONUSERADD" in user
    assert not any(name.startswith("ONCRM") for name in user)
    crm = app_ok(portal, "events", {"SCOPE": "crm"})
    assert "ONCRMLEADADD" in crm
    assert all(name.startswith("ONCRM") for name in crm)
    assert set(app_ok(portal, "events")) <= set(full)
