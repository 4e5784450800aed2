"""Class 2: every malformed event or robot payload is an EventPayloadError (HTTP 400), never a raw error;
the token check comes before the payload's fields are read."""

from __future__ import annotations

import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bitrix24_toolkit.events import (
    Dispatcher,
    EventAuthError,
    EventError,
    EventPayloadError,
    parse_event,
    parse_robot_request,
)
from bitrix24_toolkit.protocol.encoding import QueryLimits

TOKEN = "app-token-0123456789"
AUTH = (
    "auth[domain]=p.bitrix24.com&auth[client_endpoint]=https://p.bitrix24.com/rest/"
    "&auth[member_id]=m1&auth[access_token]=acc-token-12345&auth[refresh_token]=ref-token-12345"
    f"&auth[application_token]={TOKEN}"
)
EVENT = f"event=ONCRMDEALUPDATE&data[FIELDS][ID]=7&ts=1766047124&{AUTH}"
ROBOT = (
    "code=check&document_id[0]=crm&document_id[1]=CCrmDocumentDeal&document_id[2]=DEAL_5"
    f"&event_token=evtok-1234567890&properties[a]=1&use_subscription=Y&{AUTH}"
)

#: bodies that crashed the parser (raw ValueError, RecursionError, UnicodeEncodeError -> WSGI 500)
HOSTILE_ADDITIONS = {
    "unicode digit key": "&data[²]=x",
    "unicode digit index": "&data[FIELDS][٠]=x",
    "double minus user_id": "&auth[user_id]=--1",
    "5000-digit expires": "&auth[expires]=" + "9" * 5000,
    "5000-digit expires_in": "&auth[expires_in]=" + "1" * 5000,
    "unicode digit ts": "&ts=²",
    "3000-deep key": "&data" + "[a]" * 3000 + "=1",
    "3000-deep appends": "&data" + "[]" * 3000 + "=1",
    "too many pairs": "&x[]=1" * 5000,
    "long key": "&" + "k" * 10_000 + "=1",
    "list domain": "&auth[domain][]=x",
    "nested token": "&auth[application_token][x]=1",
    "huge handler id": "&event_handler_id=" + "7" * 4400,
}


def _raises_event_payload_error(call: Any) -> EventPayloadError:
    with pytest.raises(EventPayloadError) as caught:
        call()
    return caught.value


@pytest.mark.parametrize("name", list(HOSTILE_ADDITIONS))
def test_hostile_event_bodies_are_payload_errors(name: str) -> None:
    body = EVENT + HOSTILE_ADDITIONS[name]
    error = _raises_event_payload_error(lambda: parse_event(body.encode(), application_token=TOKEN))
    assert len(str(error)) < 400  # the message quotes at most a short, escaped piece of the payload
    dispatcher = Dispatcher(application_token=TOKEN)
    _raises_event_payload_error(lambda: dispatcher.accept(body.encode()))


@pytest.mark.parametrize("name", list(HOSTILE_ADDITIONS))
def test_hostile_robot_bodies_are_payload_errors(name: str) -> None:
    if name == "huge handler id":
        pytest.skip("robot requests have no event_handler_id")
    body = ROBOT + HOSTILE_ADDITIONS[name]
    _raises_event_payload_error(lambda: parse_robot_request(body.encode(), application_token=TOKEN))
    _raises_event_payload_error(lambda: Dispatcher(application_token=TOKEN).accept(body.encode()))


@pytest.mark.parametrize(
    "extra", ["&timeout_duration=--1", "&timeout_duration=" + "9" * 5000, "&ts=²", "&timeout_duration=-5"]
)
def test_robot_numbers_are_checked(extra: str) -> None:
    _raises_event_payload_error(lambda: parse_robot_request(ROBOT + extra, application_token=TOKEN))


def test_hostile_bodies_without_a_token_are_payload_errors_too() -> None:
    """Nothing in a malformed body reaches a crash, whatever the token: no event name is a 400 before auth."""
    for extra in HOSTILE_ADDITIONS.values():
        body = "data[x]=1" + extra
        _raises_event_payload_error(lambda b=body: Dispatcher(application_token=TOKEN).accept(b))


@pytest.mark.parametrize(
    "payload",
    [
        "event=X&data[x]=\ud800&" + AUTH,
        "event=X\udfff&" + AUTH,
        {"event": "X", "auth": {"application_token": "\ud800"}},
        {"event": "X", "auth[application_token]": "\ud800"},
    ],
)
def test_lone_surrogates_are_payload_errors(payload: Any) -> None:
    _raises_event_payload_error(lambda: parse_event(payload, application_token=TOKEN))


def test_percent_encoded_surrogates_do_not_crash() -> None:
    event = parse_event(EVENT + "&data[x]=%ED%A0%80", application_token=TOKEN)
    assert event.data["x"] == "\ufffd\ufffd\ufffd"


def test_self_referencing_and_deep_mapping_payloads_are_payload_errors() -> None:
    loop: dict[str, Any] = {"event": "X"}
    loop["data"] = loop
    _raises_event_payload_error(lambda: parse_event(loop, application_token=TOKEN))
    deep: dict[str, Any] = {}
    node = deep
    for _ in range(5000):
        node["a"] = {}
        node = node["a"]
    _raises_event_payload_error(lambda: parse_event({"event": "X", "data": deep}, application_token=TOKEN))
    _raises_event_payload_error(lambda: parse_event({"event": "X", 5: "y"}, application_token=TOKEN))
    _raises_event_payload_error(lambda: parse_event({"event": object()}, application_token=TOKEN))


def test_numbers_of_a_valid_payload_still_parse() -> None:
    event = parse_event(EVENT + "&auth[user_id]=1&auth[expires]=1766050724", application_token=TOKEN)
    assert (event.id, event.ts, event.auth.user_id, event.auth.expires) == (7, 1766047124, 1, 1766050724)
    odd = parse_event(EVENT.replace("[ID]=7", "[ID]=²"), application_token=TOKEN)
    assert odd.id is None  # was a raw ValueError on property access
    robot = parse_robot_request(ROBOT.replace("DEAL_5", "DEAL_²"), application_token=TOKEN)
    assert robot.entity_id is None


def test_the_token_is_checked_before_the_fields() -> None:
    """A wrong token with otherwise bad fields is refused as such (403), its fields are never read."""
    body = EVENT.replace(TOKEN, "wrong-token-0000") + "&data=plain&ts=yesterday"
    with pytest.raises(EventAuthError):
        parse_event(body, application_token=TOKEN)
    calls: list[str] = []

    def lookup(auth: Any) -> str:
        calls.append(auth.domain)
        return TOKEN

    with pytest.raises(EventPayloadError):  # the decoder refuses first: the lookup is never called
        Dispatcher(application_token=lookup).accept(EVENT + "&x[]=1" * 5000)
    assert calls == []


def test_limits_are_configurable() -> None:
    tight = QueryLimits(max_pairs=5)
    with pytest.raises(EventPayloadError):
        parse_event(EVENT, application_token=TOKEN, limits=tight)
    with pytest.raises(EventPayloadError):
        Dispatcher(application_token=TOKEN, limits=tight).accept(EVENT)
    assert Dispatcher(application_token=TOKEN).accept(EVENT).subject.name == "ONCRMDEALUPDATE"


_hostile_parts = st.lists(
    st.sampled_from(
        [
            "event=X",
            "event[]=X",
            "auth[application_token]=" + TOKEN,
            "auth[user_id]=--1",
            "auth[expires]=" + "9" * 30,
            "data[²]=x",
            "data" + "[a]" * 40 + "=1",
            "document_id[]=crm",
            "document_id[0][x]=1",
            "event_token=abc",
            "event_token[]=abc",
            "properties=1",
            "properties[]=1",
            "ts=%FF",
            "timeout_duration=1e3",
            "auth[client_endpoint]=http://127.0.0.1/",
            "auth[access_token]=zz",
            "auth[domain]=%00",
            "%ED%A0%80=1",
            "a=\ud800",
            "&&&",
            "[]=1",
        ]
    ),
    max_size=14,
).map("&".join)


@settings(max_examples=500, deadline=None)
@given(st.one_of(_hostile_parts, st.binary(max_size=300), st.text(max_size=120)))
def test_fuzzed_payloads_only_raise_event_errors(body: str | bytes) -> None:
    dispatcher = Dispatcher(application_token=TOKEN)
    for parse in (
        lambda: parse_event(body, application_token=TOKEN),
        lambda: parse_robot_request(body, application_token=TOKEN),
        lambda: dispatcher.accept(body),
    ):
        started = time.perf_counter()
        try:
            parse()
        except EventError:
            pass
        assert time.perf_counter() - started < 1.0


def test_a_1mb_hostile_payload_is_refused_quickly() -> None:
    dispatcher = Dispatcher(application_token=TOKEN)
    for body in (
        b"a[]=x&" * 170_000,
        b"data" + b"[x]" * 330_000 + b"=1",
        (EVENT + "&a[]=1" * 150_000).encode(),
    ):
        started = time.perf_counter()
        with pytest.raises(EventPayloadError):
            dispatcher.accept(body)
        assert time.perf_counter() - started < 2.0
