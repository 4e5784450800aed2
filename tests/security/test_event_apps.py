"""Classes 1-2 at the network edge: the ASGI and WSGI event apps under hostile bodies, over real loopback
servers. Malformed -> 400, unauthenticated -> 403, too large -> 413 (before buffering), never a 500, and
nothing slow on the ASGI event loop."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bitrix24_toolkit.events import Dispatcher, EventAuth, asgi_app, wsgi_app

from ._event_servers import asgi_server, post, post_raw, wsgi_server
from .test_event_payloads import EVENT, HOSTILE_ADDITIONS, ROBOT, TOKEN

Server = Callable[[Any], Any]
SERVERS = {"asgi": (asgi_app, asgi_server), "wsgi": (wsgi_app, wsgi_server)}


@pytest.fixture(params=list(SERVERS))
def served(request: pytest.FixtureRequest) -> Iterator[tuple[tuple[str, int], Dispatcher, list[Any]]]:
    make_app, serve = SERVERS[request.param]
    seen: list[Any] = []
    dispatcher = Dispatcher(
        application_token=TOKEN, webhook_url="https://own.bitrix24.com/rest/1/secret123abc/"
    )
    dispatcher.on("*")(lambda event, b24: seen.append(event.name))
    app = make_app(dispatcher, max_body=64 * 1024)
    with serve(app) as address:
        yield address, dispatcher, seen
    dispatcher.join(5)
    dispatcher.close()


def test_a_valid_event_is_accepted(served: Any) -> None:
    address, _dispatcher, _ = served
    status, text = post(address, EVENT.replace("&auth[access_token]=acc-token-12345", "").encode())
    assert (status, text) == (200, b"OK")


@pytest.mark.parametrize("name", list(HOSTILE_ADDITIONS))
def test_hostile_bodies_answer_400(served: Any, name: str) -> None:
    address, _, seen = served
    for base in (EVENT, ROBOT, "data[x]=1"):
        if name == "huge handler id" and base is ROBOT:
            continue
        status, text = post(address, (base + HOSTILE_ADDITIONS[name]).encode())
        assert status == 400, (base[:10], text[:200])
    assert seen == []


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"\xff\xfe\x00garbage",
        b"event=X",
        b"event=X&auth[application_token]=wrong-token",
        b"event=X&auth[application_token]=%ED%A0%80",
        b"event=X&auth[application_token]=" + TOKEN.encode() + b"\xed\xa0\x80",
    ],
)
def test_unauthenticated_or_empty_bodies_are_4xx(served: Any, body: bytes) -> None:
    address, _, seen = served
    status, _ = post(address, body)
    assert status in (400, 403)
    assert seen == []


def test_a_body_over_the_limit_is_413_from_its_declared_length(served: Any) -> None:
    address, _, _ = served
    # declares 10 GB, sends a few bytes: the answer comes at once, nothing waits for the rest
    started = time.monotonic()
    status, _ = post(address, b"event=X", headers={"Content-Length": str(10**10)})
    assert status == 413
    assert time.monotonic() - started < 5


def test_a_body_over_the_limit_is_413(served: Any) -> None:
    address, _, _ = served
    status, _ = post(address, b"a=" + b"x" * (100 * 1024))
    assert status == 413


@pytest.mark.parametrize("length", ["-1", "abc", "1e3", "٣", "9" * 5000, "+5", "0x10"])
def test_a_bad_content_length_is_400(served: Any, length: str) -> None:
    address, _, _ = served
    status, _ = post(address, b"event=X", headers={"Content-Length": length})
    assert status in (400, 413, 0)  # 0: a front server may refuse the framing and close
    assert status != 500


def test_other_methods_are_405(served: Any) -> None:
    address, _, _ = served
    status, _ = post_raw(address, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    assert status == 405


def test_a_1mb_hostile_body_is_answered_quickly() -> None:
    dispatcher = Dispatcher(application_token=TOKEN)
    for make_app, serve in SERVERS.values():
        with serve(make_app(dispatcher)) as address:
            for hostile in (b"a[]=x&" * 170_000, b"data" + b"[x]" * 330_000 + b"=1"):
                started = time.monotonic()
                status, _ = post(address, hostile)
                assert status == 400
                assert time.monotonic() - started < 3


def test_asgi_decodes_and_checks_tokens_off_the_event_loop() -> None:
    """A slow token lookup (a database, say) must not freeze the server: other requests go on."""
    release = threading.Event()

    def slow_lookup(auth: EventAuth) -> str:
        release.wait(10)
        return TOKEN

    dispatcher = Dispatcher(application_token=slow_lookup)
    with asgi_server(asgi_app(dispatcher)) as address:
        results: list[int] = []
        slow = threading.Thread(target=lambda: results.append(post(address, EVENT.encode())[0]))
        slow.start()
        time.sleep(0.3)
        started = time.monotonic()
        status, _ = post_raw(address, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        quick = time.monotonic() - started
        release.set()
        slow.join(10)
    assert status == 405
    assert quick < 2, "the event loop was blocked by the token lookup"
    assert results == [200]


def test_a_bug_in_a_token_function_is_a_500_without_details() -> None:
    def broken(auth: EventAuth) -> str:
        raise RuntimeError("database password is hunter2")

    dispatcher = Dispatcher(application_token=broken)
    for make_app, serve in SERVERS.values():
        with serve(make_app(dispatcher)) as address:
            status, text = post(address, EVENT.encode())
        assert status == 500
        assert b"hunter2" not in text
