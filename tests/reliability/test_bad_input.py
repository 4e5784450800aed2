"""The bad-input corpus (``bad_inputs.json``): each case gives its documented typed error, saying what to fix.

A case that raised anything else (a raw ``TypeError`` from inside the library) would fail here."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from bitrix24_toolkit import Bitrix24, errors
from bitrix24_toolkit import helpers as ru
from bitrix24_toolkit.engine.retry import RetryPolicy
from bitrix24_toolkit.events import errors as event_errors
from bitrix24_toolkit.events import parse_event, parse_robot_request
from bitrix24_toolkit.protocol.batch import Ref
from bitrix24_toolkit.testing.emulator import Emulator

CORPUS = json.loads((Path(__file__).parent / "bad_inputs.json").read_text(encoding="utf-8"))["cases"]
APP_TOKEN = "app-token-123456"
ONCE = RetryPolicy(attempts=1)


def decode(value: Any) -> Any:
    """The corpus' JSON with its special values turned into Python ones."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "$bytes" in value:
        return str(value["$bytes"]).encode()
    if "$float" in value:
        return math.nan if value["$float"] == "nan" else math.inf
    if "$object" in value:
        return object()
    if "$ref" in value:
        name, *path = value["$ref"]
        return Ref(name, *path)
    if "$cmds" in value:
        return {f"c{i}": "crm.deal.list" for i in range(int(value["$cmds"]))}
    if "$hex" in value:
        return bytes.fromhex(value["$hex"])
    return {key: decode(v) for key, v in value.items()}


def canned(spec: dict[str, Any]) -> Bitrix24:
    """A client whose portal always answers ``spec`` (status, content type, body)."""
    body = spec["body"]
    content = body if isinstance(body, bytes) else str(body).encode()

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(spec["status"], headers={"content-type": spec["type"]}, content=content)

    return Bitrix24(
        "https://canned.bitrix24.test/rest/1/cannedsecret1/",
        transport=httpx.MockTransport(answer),
        limits="off",
        retry=ONCE,
    )


def client_with(emu: Emulator, options: dict[str, Any]) -> Bitrix24:
    """A client built with the case's options (JSON lists stand for tuples)."""
    kwargs: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in options.items()}
    return Bitrix24(emu.webhook_url, transport=emu.transport(), **kwargs)


def batch_of(spec: dict[str, Any]) -> Any:
    calls = spec["calls"]
    if isinstance(calls, dict):
        filler: dict[str, tuple[str, dict[str, Any]]] = {
            f"f{i}": ("crm.deal.list", {}) for i in range(spec.get("filler", 0))
        }
        calls = {**filler, **{key: tuple(value) for key, value in calls.items()}}
    elif isinstance(calls, list):
        calls = [tuple(entry) for entry in calls]
    return calls


def runner(kind: str, value: Any, b24: Bitrix24, emu: Emulator) -> Callable[[], Any]:
    """What a case of this kind runs."""
    actions: dict[str, Callable[[], Any]] = {
        "webhook_url": lambda: Bitrix24(value),
        "client_option": lambda: client_with(emu, value),
        "call": lambda: b24.call(value["method"], value["params"]),
        "get": lambda: b24.crm.deal.get(value),
        "list": lambda: b24.crm.deal.list(**value),
        "list_all": lambda: b24.crm.deal.list_all(**value),
        "add": lambda: b24.crm.deal.add(value),
        "add_many": lambda: b24.crm.lead.add_many(value),
        "get_many": lambda: b24.crm.deal.get_many(value),
        "delete_many": lambda: b24.crm.deal.delete_many(value),
        "update_many": lambda: b24.crm.deal.update_many([tuple(pair) for pair in value]),
        "inn": lambda: ru.validate_inn(value),
        "kpp": lambda: ru.validate_kpp(value),
        "ogrn": lambda: ru.validate_ogrn(value),
        "ogrnip": lambda: ru.validate_ogrnip(value),
        "bik": lambda: ru.validate_bik(value),
        "account": lambda: ru.validate_account(
            value["value"], value["bik"], kind=value.get("kind", "settlement")
        ),
        "batch": lambda: b24.batch(batch_of(value)),
        "ref": lambda: Ref(*value),
        "event": lambda: parse_event(value, application_token=APP_TOKEN),
        "robot": lambda: parse_robot_request(value, application_token=APP_TOKEN),
        "response": lambda: canned(value).call("crm.deal.get", {"id": 5}),
        "batch_response": lambda: canned(value).batch([("crm.deal.get", {"id": 5})])[0].unwrap(),
        "write_response": lambda: canned(value).call("crm.deal.add", {"fields": {"TITLE": "x"}}),
    }
    return actions[kind]


def error_class(name: str) -> type[BaseException]:
    found = getattr(errors, name, None) or getattr(event_errors, name, None)
    assert isinstance(found, type), f"unknown error class {name}"
    return found


def test_the_corpus_is_big_and_covers_every_area() -> None:
    assert len(CORPUS) >= 40
    kinds = {case["kind"] for case in CORPUS}
    for needed in ("webhook_url", "call", "list", "add", "inn", "kpp", "ogrn", "bik", "account", "batch"):
        assert needed in kinds
    assert {"event", "robot", "response", "batch_response"} <= kinds


@pytest.mark.parametrize("case", CORPUS, ids=[case["id"] for case in CORPUS])
def test_bad_input_gives_the_documented_typed_error(case: dict[str, Any]) -> None:
    emu = Emulator(limits="off")
    emu.call("crm.deal.add", {"fields": {"TITLE": "existing"}})
    with Bitrix24(emu.webhook_url, transport=emu.transport(), limits="off", retry=ONCE) as b24:
        action = runner(case["kind"], decode(case["input"]), b24, emu)
        try:
            action()
        except BaseException as exc:  # anything at all: the point is which class it is
            error = exc
        else:
            pytest.fail(f"{case['id']}: no error was raised")
    assert isinstance(error, errors.Bitrix24Error), f"raw {type(error).__name__}: {error}"
    assert type(error) is error_class(case["error"]), f"{type(error).__name__}: {error}"
    message = str(error)
    for words in case["says"]:
        assert words.lower() in message.lower(), message
    assert "Traceback" not in message
    assert "\n" not in message  # one line, readable in a log
