"""Robot descriptions, replies and subscription syncing: flows with canned results, then the emulator."""

from __future__ import annotations

from typing import Any

import pytest

from bitrix24_toolkit.client import Bitrix24, OAuth, OAuthTokens
from bitrix24_toolkit.errors import BadRequestError, InvalidInputError, PermissionDeniedError
from bitrix24_toolkit.helpers import (
    Robot,
    RobotProperty,
    SubscriptionChanges,
    log_progress,
    register_robot,
    reply,
    sync_subscriptions,
)
from bitrix24_toolkit.protocol import Call, drive_flow
from bitrix24_toolkit.testing.emulator import Emulator

ROBOT = Robot(
    code="inn_check",
    handler="https://app.example.com/robot",
    name={"en": "Check INN", "ru": "Проверить ИНН"},
    properties={
        "company_id": RobotProperty("Company", type="int", required=True),
        "mode": RobotProperty(
            "Mode", type="select", options={"strict": "Strict", "soft": "Soft"}, default="soft"
        ),
    },
    return_properties={"inn_valid": RobotProperty("INN is valid", type="bool")},
)


def test_robot_description_to_params() -> None:
    params = ROBOT.to_params()
    assert params["CODE"] == "inn_check"
    assert params["USE_SUBSCRIPTION"] == "Y"
    assert params["PROPERTIES"]["company_id"] == {
        "Name": "Company",
        "Type": "int",
        "Required": "Y",
        "Multiple": "N",
    }
    assert params["PROPERTIES"]["mode"]["Options"] == {"strict": "Strict", "soft": "Soft"}
    assert params["PROPERTIES"]["mode"]["Default"] == "soft"
    assert params["RETURN_PROPERTIES"]["inn_valid"]["Type"] == "bool"
    assert "DOCUMENT_TYPE" not in params
    assert "USE_PLACEMENT" not in params


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"code": "bad code!"}, "code"),
        ({"handler": "ftp://x"}, "handler"),
        ({"properties": {"1st": RobotProperty("x")}}, "PROPERTIES"),
    ],
)
def test_robot_description_is_checked_before_sending(kwargs: dict[str, Any], field: str) -> None:
    base: dict[str, Any] = {"code": "ok", "handler": "https://a.example.com/", "name": "n"}
    with pytest.raises(InvalidInputError) as info:
        Robot(**{**base, **kwargs})
    assert info.value.field == field
    with pytest.raises(InvalidInputError, match="options"):
        RobotProperty("Pick", type="select")


def test_register_falls_back_to_update_when_installed() -> None:
    sent: list[Call[Any]] = []

    def execute(step: Any) -> Any:
        sent.append(step)
        if step.method == "bizproc.robot.add":
            raise BadRequestError(code="ERROR_ACTIVITY_ALREADY_INSTALLED", description="already installed")
        return True

    assert drive_flow(register_robot.flow(ROBOT), execute) == "updated"
    assert [c.method for c in sent] == ["bizproc.robot.add", "bizproc.robot.update"]
    assert sent[1].params["CODE"] == "inn_check"
    assert "CODE" not in sent[1].params["FIELDS"]
    assert sent[1].params["FIELDS"]["HANDLER"] == "https://app.example.com/robot"


def _record(sent: list[Any]) -> Any:
    def execute(step: Any) -> bool:
        sent.append(step)
        return True

    return execute


def test_reply_and_log_build_the_documented_calls() -> None:
    sent: list[Call[Any]] = []
    flow = reply.flow("tok|wf|sig", return_values={"inn_valid": "Y"}, log="done")
    assert drive_flow(flow, _record(sent)) is True
    assert sent[0].method == "bizproc.event.send"
    assert sent[0].params == {
        "EVENT_TOKEN": "tok|wf|sig",
        "RETURN_VALUES": {"inn_valid": "Y"},
        "LOG_MESSAGE": "done",
    }
    drive_flow(log_progress.flow("tok|wf|sig", "half way"), _record(sent))
    assert sent[1].method == "bizproc.activity.log"
    assert sent[1].params == {"EVENT_TOKEN": "tok|wf|sig", "LOG_MESSAGE": "half way"}
    with pytest.raises(InvalidInputError):
        reply.flow("").send(None)


def test_sync_subscriptions_flow_binds_and_unbinds_only_the_difference() -> None:
    url = "https://app.example.com/events"
    current = [
        {"event": "ONCRMDEALADD", "handler": url, "auth_type": "0", "offline": 0},
        {"event": "ONCRMLEADADD", "handler": url, "auth_type": "0", "offline": 0},
        {"event": "ONCRMLEADADD", "handler": "https://other.example.com/", "auth_type": "0", "offline": 0},
    ]
    sent: list[Call[Any]] = []

    def execute(step: Any) -> Any:
        sent.append(step)
        return current if step.method == "event.get" else True

    changes = drive_flow(sync_subscriptions.flow(url, ["onCrmDealAdd", "onCrmDealUpdate"]), execute)
    assert changes == SubscriptionChanges(
        bound=("ONCRMDEALUPDATE",), unbound=("ONCRMLEADADD",), kept=("ONCRMDEALADD",)
    )
    assert [(c.method, c.params.get("event")) for c in sent] == [
        ("event.get", None),
        ("event.bind", "ONCRMDEALUPDATE"),
        ("event.unbind", "ONCRMLEADADD"),
    ]
    assert all(c.params.get("handler") == url for c in sent[1:])


def _app_client(emu: Emulator) -> Bitrix24:
    tokens = OAuthTokens.from_response(emu.issue_tokens("app.robots", "s3cret"))
    auth = OAuth(client_id="app.robots", client_secret="s3cret", tokens=tokens, token_url=emu.token_url)
    return Bitrix24(auth=auth, transport=emu.transport(), limits="off")


def test_against_the_emulator_idempotent_subscriptions_and_robot_registration(emu: Emulator) -> None:
    with _app_client(emu) as b24:
        url = "https://app.example.com/events"
        first = sync_subscriptions(b24, url, ["ONCRMDEALUPDATE", "ONCRMCOMPANYADD"])
        again = sync_subscriptions(b24, url, ["ONCRMDEALUPDATE", "ONCRMCOMPANYADD"])
        assert first.bound == ("ONCRMCOMPANYADD", "ONCRMDEALUPDATE")
        assert not again.changed
        assert sorted(row["event"] for row in b24.call("event.get")) == ["ONCRMCOMPANYADD", "ONCRMDEALUPDATE"]
        assert register_robot(b24, ROBOT) == "added"
        assert register_robot(b24, ROBOT) == "updated"
        assert b24.call("bizproc.robot.list") == ["inn_check"]
        with pytest.raises(PermissionDeniedError, match="Access denied!"):
            reply(b24, "unknown-token", return_values={"inn_valid": "Y"})
    with emu.client() as webhook, pytest.raises(PermissionDeniedError, match="Application context required"):
        register_robot(webhook, ROBOT)


def test_sync_subscriptions_offline_flow_uses_the_queue_not_a_url() -> None:
    current = [
        {"event": "ONCRMDEALADD", "connector_id": "", "offline": 1},
        {"event": "ONCRMLEADADD", "connector_id": "", "offline": 1},
        {"event": "ONCRMLEADADD", "connector_id": "crm_sync", "offline": 1},  # another source's queue
        {"event": "ONCRMDEALUPDATE", "handler": "https://app.example.com/", "auth_type": "0", "offline": 0},
    ]
    sent: list[Call[Any]] = []

    def execute(step: Any) -> Any:
        sent.append(step)
        return current if step.method == "event.get" else True

    flow = sync_subscriptions.flow(None, ["onCrmDealAdd", "onCrmDealUpdate"], event_type="offline")
    changes = drive_flow(flow, execute)
    assert changes == SubscriptionChanges(
        bound=("ONCRMDEALUPDATE",),
        unbound=("ONCRMLEADADD",),
        kept=("ONCRMDEALADD",),
        rebound=(("ONCRMLEADADD", "crm_sync"),),  # event.unbind took the other source's too
    )
    assert [(c.method, dict(c.params)) for c in sent[1:]] == [
        ("event.bind", {"event": "ONCRMDEALUPDATE", "event_type": "offline"}),
        ("event.unbind", {"event": "ONCRMLEADADD", "event_type": "offline"}),
        ("event.bind", {"event": "ONCRMLEADADD", "event_type": "offline", "auth_connector": "crm_sync"}),
    ]
    sent.clear()
    flow = sync_subscriptions.flow(None, ["ONCRMLEADADD"], event_type="offline", auth_connector="crm_sync")
    assert drive_flow(flow, execute).kept == ("ONCRMLEADADD",)
    assert [c.method for c in sent] == ["event.get"]


@pytest.mark.parametrize(
    ("url", "kwargs", "field"),
    [
        ("https://app.example.com/", {"event_type": "offline"}, "handler_url"),
        (None, {}, "handler_url"),
        (None, {"event_type": "sometimes"}, "event_type"),
        ("https://app.example.com/", {"auth_connector": "x"}, "auth_connector"),
        (None, {"event_type": "offline", "auth_connector": " "}, "auth_connector"),
    ],
)
def test_sync_subscriptions_offline_arguments_are_checked(
    url: str | None, kwargs: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        drive_flow(sync_subscriptions.flow(url, ["ONCRMLEADADD"], **kwargs), lambda step: [])
    assert caught.value.field == field


def test_offline_subscriptions_against_the_emulator_fill_the_queue(emu: Emulator) -> None:
    with _app_client(emu) as b24:
        first = sync_subscriptions(b24, None, ["ONCRMLEADADD"], event_type="offline", auth_connector="sync")
        assert first.bound == ("ONCRMLEADADD",)
        assert not sync_subscriptions(
            b24, None, ["ONCRMLEADADD"], event_type="offline", auth_connector="sync"
        ).changed
        assert b24.call("event.get") == [{"event": "ONCRMLEADADD", "connector_id": "sync", "offline": 1}]
        lead = emu.call("crm.lead.add", {"fields": {"TITLE": "queued"}})[1]["result"]
        (record,) = b24.call("event.offline.list", {"auth_connector": "sync"})
        assert (record["EVENT_NAME"], record["EVENT_DATA"]) == ("ONCRMLEADADD", {"FIELDS": {"ID": lead}})
        gone = sync_subscriptions(b24, None, [], event_type="offline", auth_connector="sync")
        assert gone.unbound == ("ONCRMLEADADD",)
        assert b24.call("event.get") == []
