"""Application robots and workflow actions as their pages describe them (api-reference/bizproc/...).

Registration is app-only: the pages' ``cURL (OAuth)`` examples are sent to ``/rest/<method>`` with an
application's access token in ``auth``.
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Answer, Portal
from .facts import bizproc as F
from .shapes import DocError, assert_shape

#: bizproc-robot-add.md cURL (OAuth) example
ROBOT = {
    "CODE": "test_robot",
    "HANDLER": "https://your_domain/robot.php",
    "AUTH_USER_ID": 1,
    "USE_SUBSCRIPTION": "Y",
    "NAME": "Send Message",
    "PROPERTIES": {
        "datetime": {"Name": "When", "Type": "datetime"},
        "text": {"Name": "Text", "Type": "text"},
        "user": {"Name": "To", "Type": "user", "Default": "Author;"},
    },
    "FILTER": {"INCLUDE": [["crm", "CCrmDocumentDeal"], ["crm", "CCrmDocumentLead"]]},
}
#: bizproc-activity-add.md cURL (OAuth) example
ACTION = {
    "CODE": "md5_action",
    "HANDLER": "https://your_domain/ping.php",
    "AUTH_USER_ID": 1,
    "USE_SUBSCRIPTION": "Y",
    "NAME": {"de": "MD5 Generator", "en": "MD5 generator"},
    "DESCRIPTION": {
        "de": "Die Aktion gibt den MD5-Hash zurück",
        "en": "Activity returns MD5 hash of input parameter",
    },
    "PROPERTIES": {
        "inputString": {
            "Name": {"de": "Eingabestring", "en": "Input string"},
            "Description": {"de": "Geben Sie den String ein", "en": "Input string for hashing"},
            "Type": "string",
            "Required": "Y",
            "Multiple": "N",
            "Default": "{=Document:NAME}",
        }
    },
    "RETURN_PROPERTIES": {
        "outputString": {"Name": {"de": "MD5", "en": "MD5"}, "Type": "string", "Multiple": "N"}
    },
    "DOCUMENT_TYPE": ["lists", "BizprocDocument", "iblock_164"],
    "FILTER": {"INCLUDE": [["lists"]]},
}


class App:
    """Calls as an installed application (OAuth token in the body, as the pages' OAuth examples)."""

    def __init__(self, portal: Portal, client_id: str = "app.fidelity") -> None:
        self.portal = portal
        self.token = portal.emu.issue_tokens(client_id, "secret")["access_token"]
        self.base = portal.url.split("/rest/")[0] + "/rest/"

    def call(self, method: str, params: dict[str, Any]) -> Answer:
        """POST ``{...params, auth}`` to ``/rest/<method>``."""
        response = self.portal.http.post(self.base + method, json={**params, "auth": self.token})
        return Answer(response.status_code, response.json())

    def ok(self, method: str, params: dict[str, Any]) -> Any:
        """The result of a call that must succeed."""
        answer = self.call(method, params)
        assert answer.status == 200, (method, answer.status, answer.body)
        assert "error" not in answer.body, (method, answer.body)
        return answer.body["result"]

    def error(self, method: str, params: dict[str, Any], expected: DocError) -> None:
        """Compare code, description and status with the page's."""
        answer = self.call(method, params)
        got = (answer.status, answer.body.get("error"), answer.body.get("error_description"))
        assert got == (expected.status, expected.code, expected.description), (method, got, expected)
        assert "time" not in answer.body


@pytest.fixture
def app(portal: Portal) -> App:
    return App(portal)


KINDS = [("robot", ROBOT), ("activity", ACTION)]
#: add, list, update, delete of each kind, by name
NAMES = {
    "robot": ("bizproc.robot.add", "bizproc.robot.list", "bizproc.robot.update", "bizproc.robot.delete"),
    "activity": (
        "bizproc.activity.add",
        "bizproc.activity.list",
        "bizproc.activity.update",
        "bizproc.activity.delete",
    ),
}


@pytest.mark.parametrize(("kind", "example"), KINDS)
def test_add_list_update_delete_examples(app: App, kind: str, example: dict[str, Any]) -> None:
    add, list_, update, delete = NAMES[kind]
    assert app.ok(add, example) is True
    codes = app.ok(list_, {})
    assert_shape(codes, F.CODES)
    assert codes == [example["CODE"]]
    if kind == "robot":  # bizproc-robot-update.md example
        fields = {
            "NAME": "Send message to author",
            "USE_SUBSCRIPTION": "N",
            "FILTER": {"INCLUDE": [["crm", "CCrmDocumentDeal"]]},
        }
    else:  # bizproc-activity-update.md example (its CODE "action_test_code" replaced by the added one)
        fields = {
            "AUTH_USER_ID": 1,
            "USE_SUBSCRIPTION": "N",
            "FILTER": {"INCLUDE": [["lists"], ["crm", "CCrmDocumentDeal"]]},
        }
    assert app.ok(update, {"CODE": example["CODE"], "FIELDS": fields}) is True
    # bizproc-activity-delete.md sends ``code`` in lower case; bizproc-robot-delete.md ``CODE``
    key = "code" if kind == "activity" else "CODE"
    assert app.ok(delete, {key: example["CODE"]}) is True
    assert app.ok(list_, {}) == []


@pytest.mark.parametrize(("kind", "example"), KINDS)
def test_registration_needs_an_application(portal: Portal, kind: str, example: dict[str, Any]) -> None:
    portal.error(f"bizproc.{kind}.add", example, F.APP_CONTEXT_REQUIRED)
    portal.error(f"bizproc.{kind}.list", {}, F.APP_CONTEXT_REQUIRED)
    portal.error(
        f"bizproc.{kind}.update", {"CODE": example["CODE"], "FIELDS": {"NAME": "x"}}, F.APP_CONTEXT_REQUIRED
    )
    portal.error(f"bizproc.{kind}.delete", {"CODE": example["CODE"]}, F.APP_CONTEXT_REQUIRED)


@pytest.mark.parametrize(("kind", "example"), KINDS)
def test_a_code_installs_once(app: App, kind: str, example: dict[str, Any]) -> None:
    app.ok(f"bizproc.{kind}.add", example)
    app.error(f"bizproc.{kind}.add", example, F.ALREADY_INSTALLED)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"CODE": None}, F.EMPTY_CODE),
        ({"CODE": "bad code!"}, F.WRONG_CODE),
        ({"HANDLER": "ftp://your_domain/robot.php"}, F.UNSUPPORTED_PROTOCOL),
        ({"HANDLER": None}, F.WRONG_HANDLER),
        ({"NAME": None}, F.EMPTY_NAME),
        ({"PROPERTIES": "x"}, F.WRONG_PROPERTIES),
        ({"PROPERTIES": {"1st": {"Name": "x", "Type": "string"}}}, F.wrong_property_key("1st")),
        ({"PROPERTIES": {"text": {"Type": "string"}}}, F.empty_property_name("text")),
        ({"RETURN_PROPERTIES": {"out": {"Type": "string"}}}, F.empty_property_name("out")),
        ({"FILTER": "x"}, F.WRONG_FILTER),
        ({"DOCUMENT_TYPE": ["crm"]}, F.WRONG_DOCUMENT_TYPE),
    ],
)
@pytest.mark.parametrize(("kind", "example"), KINDS)
def test_add_validation(
    app: App, kind: str, example: dict[str, Any], change: dict[str, Any], expected: DocError
) -> None:
    params = {k: v for k, v in {**example, **change}.items() if v is not None}
    app.error(f"bizproc.{kind}.add", params, expected)
    assert app.ok(f"bizproc.{kind}.list", {}) == []


@pytest.mark.parametrize(("kind", "example"), KINDS)
def test_add_without_data(app: App, kind: str, example: dict[str, Any]) -> None:
    app.error(f"bizproc.{kind}.add", {}, F.EMPTY_DATA)


@pytest.mark.parametrize(("kind", "example"), KINDS)
def test_update_and_delete_refusals(app: App, kind: str, example: dict[str, Any]) -> None:
    app.error(f"bizproc.{kind}.update", {"CODE": "missing", "FIELDS": {"NAME": "x"}}, F.NOT_FOUND)
    app.error(f"bizproc.{kind}.delete", {"CODE": "missing"}, F.NOT_FOUND)
    app.error(f"bizproc.{kind}.delete", {}, F.EMPTY_CODE)
    app.ok(f"bizproc.{kind}.add", example)
    app.error(f"bizproc.{kind}.update", {"CODE": example["CODE"], "FIELDS": {}}, F.NO_FIELDS_TO_UPDATE)
    app.error(
        f"bizproc.{kind}.update",
        {"CODE": example["CODE"], "FIELDS": {"HANDLER": "ftp://x"}},
        F.UNSUPPORTED_PROTOCOL,
    )
    app.error(
        f"bizproc.{kind}.update", {"CODE": example["CODE"], "FIELDS": {"PROPERTIES": "x"}}, F.WRONG_PROPERTIES
    )


def test_robots_and_actions_share_codes(app: App) -> None:
    """One registry holds an app's robots and actions (the code is unique within the application)."""
    app.ok("bizproc.activity.add", {**ACTION, "CODE": ROBOT["CODE"]})
    app.error("bizproc.robot.add", ROBOT, F.ALREADY_INSTALLED)
    assert app.ok("bizproc.robot.list", {}) == []
    app.error("bizproc.robot.delete", {"CODE": ROBOT["CODE"]}, F.NOT_FOUND)


def test_apps_see_only_their_own_codes(portal: Portal, app: App) -> None:
    app.ok("bizproc.robot.add", ROBOT)
    other = App(portal, "app.other")
    assert other.ok("bizproc.robot.list", {}) == []
    other.error("bizproc.robot.delete", {"CODE": ROBOT["CODE"]}, F.NOT_FOUND)


def test_event_send_example_with_a_token_no_workflow_issued(app: App) -> None:
    """bizproc-event-send.md: the page's token (not issued here) is refused with 403 ACCESS_DENIED."""
    params = {
        "event_token": F.SAMPLE_TOKEN,
        "return_values": {"outputString": "846c55d14f552180874a628d2615e285"},
    }
    app.error("bizproc.event.send", params, F.BAD_TOKEN)


def test_event_send_returns_values_to_a_running_robot(portal: Portal, app: App) -> None:
    app.ok("bizproc.activity.add", ACTION)
    run = portal.emu.run_robot(ACTION["CODE"], properties={"inputString": "abc"}, timeout=1)
    params = {
        "event_token": run.event_token,
        "return_values": {"outputString": "846c55d14f552180874a628d2615e285"},
    }
    assert app.ok("bizproc.event.send", params) is True
    reply = portal.emu.robot_result(run.event_token)
    assert reply is not None
    assert reply["LOG_MESSAGE"] == "", "no LOG_MESSAGE: an empty string (bizproc-event-send.md)"
    assert reply["RETURN_VALUES"] == {"outputString": "846c55d14f552180874a628d2615e285"}
    app.error("bizproc.event.send", params, F.BAD_TOKEN)  # a token answers once


def test_activity_log_example(portal: Portal, app: App) -> None:
    app.ok("bizproc.activity.add", ACTION)
    run = portal.emu.run_robot(ACTION["CODE"], properties={"inputString": "abc"}, timeout=1)
    # bizproc-activity-log.md cURL (Webhook) example, with the issued token
    params = {"event_token": run.event_token, "log_message": "Please wait for answer!"}
    assert portal.ok("bizproc.activity.log", params) is True
    assert portal.emu.robot_log[-1]["LOG_MESSAGE"] == "Please wait for answer!"


def test_activity_log_refusals(portal: Portal) -> None:
    portal.error(
        "bizproc.activity.log", {"event_token": F.SAMPLE_TOKEN, "log_message": ""}, F.EMPTY_LOG_MESSAGE
    )
    params = {"event_token": F.SAMPLE_TOKEN, "log_message": "Please wait for answer!"}
    portal.error("bizproc.activity.log", params, F.BAD_TOKEN)
