"""Class 9, the event-server part: the tokens every event brings are masked while it is handled, and the
redaction registry stays bounded however many events the server sees (it kept every token before)."""

from __future__ import annotations

import logging
import time
from typing import Any

import httpx
import pytest

from bitrix24_toolkit.engine import redaction
from bitrix24_toolkit.events import Dispatcher

TOKEN = "app-token-0123456789"
WEBHOOK_SECRET = "hookSecretAbcdef42"


def body(i: int) -> str:
    return (
        f"event=ONCRMDEALUPDATE&data[FIELDS][ID]={i}&auth[domain]=p.bitrix24.com"
        "&auth[client_endpoint]=https://p.bitrix24.com/rest/&auth[server_endpoint]=https://oauth.bitrix.info/rest/"
        f"&auth[member_id]=member{i:08d}&auth[access_token]=access{i:012d}&auth[refresh_token]=refresh{i:012d}"
        f"&auth[application_token]={TOKEN}"
    )


def _registry_size() -> int:
    return len(redaction._ordered)


def test_the_registry_is_bounded_and_long_lived_secrets_stay_masked(caplog: pytest.LogCaptureFixture) -> None:
    answers = httpx.MockTransport(lambda request: httpx.Response(200, json={"result": True, "time": {}}))
    dispatcher = Dispatcher(
        application_token=TOKEN,
        webhook_url=f"https://own.bitrix24.com/rest/1/{WEBHOOK_SECRET}/",
        client_secret="clientSecretXyz123",
        client_options={"transport": answers},
    )
    log = logging.getLogger("bitrix24_toolkit")  # the logger the secret filter is attached to
    seen: list[str] = []

    @dispatcher.on("ONCRMDEALUPDATE")
    def handler(event: Any, b24: Any) -> None:
        log.warning("handling with %s and %s", event.auth.access_token, event.auth.raw["refresh_token"])
        seen.append(event.auth.access_token)

    before = _registry_size()
    count = redaction.MAX_TRANSIENT_SECRETS * 2
    timings = []
    with caplog.at_level(logging.WARNING, logger="bitrix24_toolkit"):
        for i in range(count):
            started = time.perf_counter()
            dispatcher.dispatch(body(i))
            timings.append(time.perf_counter() - started)
    assert len(seen) == count
    assert _registry_size() <= before + redaction.MAX_TRANSIENT_SECRETS + 8
    # each event's tokens were masked while it ran
    for record in caplog.records:
        assert "access0" not in record.getMessage()
        assert "refresh0" not in record.getMessage()
    # the secrets of the configuration outlive any number of events
    for secret in (WEBHOOK_SECRET, "clientSecretXyz123", TOKEN):
        assert secret not in redaction.redact(f"x {secret} y")
    # cost per event does not grow with the number of events seen (generous: noise on a shared CI box)
    first, last = sorted(timings[:200])[100], sorted(timings[-200:])[100]
    assert last < 5 * first + 0.005


def test_secrets_outside_events_are_kept_for_good() -> None:
    redaction.register_secret("longLivedSecret0001")
    with redaction.transient_secrets():
        for i in range(redaction.MAX_TRANSIENT_SECRETS + 50):
            redaction.register_secret(f"transient-secret-{i:06d}")
        redaction.register_secret("longLivedSecret0001")  # known for good already: stays so
    assert redaction.redact("longLivedSecret0001") == redaction.MASK
    assert redaction.redact("transient-secret-000000") == "transient-secret-000000"  # forgotten: oldest
    last = f"transient-secret-{redaction.MAX_TRANSIENT_SECRETS + 49:06d}"
    assert redaction.redact(last) == redaction.MASK


def test_a_transient_secret_registered_for_good_later_is_kept() -> None:
    with redaction.transient_secrets():
        redaction.register_secret("promotedSecret0001")
    redaction.register_secret("promotedSecret0001")
    with redaction.transient_secrets():
        for i in range(redaction.MAX_TRANSIENT_SECRETS + 5):
            redaction.register_secret(f"filler-secret-{i:06d}")
    assert redaction.redact("promotedSecret0001") == redaction.MASK
    assert redaction._ordered.count("promotedSecret0001") == 1


def test_event_and_robot_reprs_hide_tokens() -> None:
    dispatcher = Dispatcher(application_token=TOKEN)
    event = dispatcher.accept(body(1)).subject
    robot = dispatcher.accept(
        "code=c&document_id[0]=crm&document_id[1]=CCrmDocumentDeal&document_id[2]=DEAL_5"
        "&event_token=robotEventToken123&" + body(2).split("&", 2)[2]
    ).subject
    for text in (repr(event), repr(robot), str(event), repr(dispatcher.accept(body(3)))):
        for secret in (TOKEN, "access000000000001", "refresh000000000001", "robotEventToken123"):
            assert secret not in text


def test_a_robots_event_token_is_masked_while_it_runs(caplog: pytest.LogCaptureFixture) -> None:
    answers = httpx.MockTransport(lambda request: httpx.Response(200, json={"result": True, "time": {}}))
    dispatcher = Dispatcher(application_token=TOKEN, client_options={"transport": answers})
    log = logging.getLogger("bitrix24_toolkit")

    @dispatcher.robot("c")
    def robot(request: Any, b24: Any) -> None:
        log.warning("robot run with %s", request.event_token)

    with caplog.at_level(logging.WARNING, logger="bitrix24_toolkit"):
        dispatcher.dispatch(
            "code=c&document_id[0]=crm&document_id[1]=CCrmDocumentDeal&document_id[2]=DEAL_5"
            "&event_token=robotEventTokenXyz987&" + body(9).split("&", 2)[2]
        )
    assert not dispatcher.failures, dispatcher.failures
    messages = [record.getMessage() for record in caplog.records if "robot run" in record.getMessage()]
    assert messages == ["robot run with ***"]


def test_a_failing_handlers_traceback_is_logged_without_the_tokens(caplog: pytest.LogCaptureFixture) -> None:
    answers = httpx.MockTransport(lambda request: httpx.Response(200, json={"result": True, "time": {}}))
    dispatcher = Dispatcher(application_token=TOKEN, client_options={"transport": answers})

    @dispatcher.on("*")
    def handler(event: Any, b24: Any) -> None:
        raise RuntimeError(f"could not use {event.auth.access_token} / {event.auth.refresh_token}")

    with caplog.at_level(logging.DEBUG):
        dispatcher.dispatch(body(77))
    assert dispatcher.failures
    text = "\n".join(caplog.text.splitlines())
    assert "handler handler for ONCRMDEALUPDATE failed" in text
    assert "access000000000077" not in text
    assert "refresh000000000077" not in text
