"""The basic methods against their pages (``tests/fidelity/facts/basic.py``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .conftest import Answer, Portal
from .facts import basic as doc
from .shapes import assert_shape


def app_call(
    portal: Portal, method: str, params: dict[str, Any] | None = None, *, user_id: int = 1
) -> Answer:
    """Call as an installed application (OAuth token in ``auth``), as the pages' OAuth examples do."""
    token = portal.emu.issue_tokens(user_id=user_id)["access_token"]
    base = portal.url.split("/rest/")[0]
    response = portal.http.post(f"{base}/rest/{method}", json={**(params or {}), "auth": token})
    return Answer(response.status_code, response.json())


def test_app_info_of_an_application(portal: Portal) -> None:
    answer = app_call(portal, "app.info")
    assert answer.status == 200
    assert_shape(answer.result, doc.APP_INFO)


def test_app_info_through_a_webhook_names_its_scopes(portal: Portal) -> None:
    result = portal.ok("app.info", {})
    assert_shape(result, doc.APP_INFO_WEBHOOK)
    assert result["SCOPE"] == portal.ok("scope")


def test_methods_lists_the_callers_methods(portal: Portal) -> None:
    names = portal.ok("methods")
    assert_shape(names, doc.METHOD_NAMES)
    assert {"batch", "scope", "methods", "method.get", "server.time", "profile", "crm.deal.get"} <= set(names)
    assert set(names) <= set(portal.ok("methods", {"full": True}))


def test_methods_of_one_scope(portal: Portal) -> None:
    names = portal.ok("methods", {"scope": "user"})
    assert set(doc.METHODS_OF_USER_SCOPE) <= set(names)
    assert all(name.startswith("user.") for name in names), names
    crm = portal.ok("methods", {"scope": "crm"})
    assert "crm.deal.list" in crm
    assert "user.get" not in crm
    assert "batch" not in crm


def test_methods_with_an_empty_scope_lists_the_common_ones(portal: Portal) -> None:
    # methods.md: "If the parameter is provided without a value ... all common methods will be displayed"
    names = set(portal.ok("methods", {"scope": ""}))
    assert {"batch", "scope", "methods", "method.get", "server.time", "profile", "app.info"} <= names
    assert not any(name.startswith(("crm.", "user.", "department.")) for name in names)


def test_method_get(portal: Portal) -> None:
    result = portal.ok("method.get", {"name": "user.get"})
    assert_shape(result, doc.METHOD_GET)
    assert result == {"isExisting": True, "isAvailable": True}
    assert portal.ok("method.get", {"name": "crm.unicorn.get"}) == {"isExisting": False, "isAvailable": False}
    assert portal.ok("method.get", {}) == doc.METHOD_GET_EMPTY
    assert portal.ok("method.get", {"name": ""}) == doc.METHOD_GET_EMPTY


def test_scope(portal: Portal) -> None:
    granted = portal.ok("scope")
    assert_shape(granted, doc.SCOPE_LIST)
    assert {"crm", "user", "department"} <= set(granted)
    everything = portal.ok("scope", {"full": True})
    assert_shape(everything, doc.SCOPE_LIST)
    assert set(granted) < set(everything)
    assert "basic" not in granted  # not a scope of scopes/permissions.md


def test_server_time(portal: Portal) -> None:
    answer = portal.call("server.time")
    assert answer.status == 200
    assert_shape(answer.result, doc.SERVER_TIME)
    moment = dt.datetime.fromisoformat(answer.result)
    assert abs(moment.timestamp() - portal.emu.now()) < 5


def test_profile(portal: Portal) -> None:
    result = portal.ok("profile")
    assert_shape(result, doc.PROFILE)
    assert result["ID"] == "1"
    assert result["ADMIN"] is True
    portal.emu.state.table("user")[1] = {"ID": 1, "NAME": "Anna", "LAST_NAME": "Smirnova", "ACTIVE": True}
    result = portal.ok("profile")
    assert_shape(result, doc.PROFILE)
    assert (result["NAME"], result["LAST_NAME"], result["PERSONAL_GENDER"]) == ("Anna", "Smirnova", "")


def test_profile_of_an_inactive_user_is_empty(portal: Portal) -> None:
    # profile.md: "If the user is inactive, the object is empty" (an empty PHP array: ``[]`` on the wire)
    portal.emu.state.table("user")[1] = {"ID": 1, "NAME": "Anna", "ACTIVE": False}
    assert portal.ok("profile") == []
