"""The emulator's HTTP server under hostile clients (issue 16, class 11), over real loopback sockets."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from bitrix24_toolkit.testing import Emulator


@pytest.fixture
def served() -> Iterator[tuple[Emulator, str]]:
    emu = Emulator(limits="off")
    with emu.serve(max_body=64 * 1024, idle_timeout=0.5, max_connections=4) as url:
        yield emu, url


def _raw(url: str, data: bytes, *, wait: float = 5.0) -> bytes:
    """Send raw bytes to the server and read until it closes (or ``wait`` passes)."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=wait) as sock:
        sock.sendall(data)
        chunks = []
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


def _post(url: str, method: str, headers: dict[str, str], body: bytes) -> bytes:
    path = urlsplit(url).path + method
    head = f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return _raw(url, head.encode() + b"\r\n" + body)


def _status(raw: bytes) -> int:
    return int(raw.split(b" ", 2)[1])


@pytest.mark.parametrize("length", ["-1", "abc", "1e3", "+5", "99999999999999999999999", "5, 6"])
def test_bad_content_length_is_400(served: tuple[Emulator, str], length: str) -> None:
    _, url = served
    assert _status(_post(url, "server.time", {"Content-Length": length}, b"{}")) == 400


def test_conflicting_content_lengths_are_400(served: tuple[Emulator, str]) -> None:
    _, url = served
    raw = _post(url, "server.time", {"Content-Length": "2", "content-length": "3"}, b"{} ")
    assert _status(raw) == 400


def test_body_over_the_limit_is_413_before_it_is_read(served: tuple[Emulator, str]) -> None:
    emu, url = served
    before = emu.stats.requests
    raw = _post(url, "crm.lead.add", {"Content-Length": str(10 * 1024 * 1024)}, b"{")  # never sends the rest
    assert _status(raw) == 413
    assert emu.stats.requests == before  # refused by the server: the portal never saw it


def test_chunked_body_over_the_limit_is_413(served: tuple[Emulator, str]) -> None:
    _, url = served
    chunk = b"x" * 40000
    body = b"".join(b"%x\r\n" % len(chunk) + chunk + b"\r\n" for _ in range(3)) + b"0\r\n\r\n"
    assert _status(_post(url, "server.time", {"Transfer-Encoding": "chunked"}, body)) == 413


def test_chunked_body_within_the_limit_is_served(served: tuple[Emulator, str]) -> None:
    _, url = served
    payload = json.dumps({"fields": {"TITLE": "Ёлка"}}).encode()
    body = b"%x\r\n" % len(payload) + payload + b"\r\n0\r\n\r\n"
    raw = _post(url, "crm.lead.add", {"Transfer-Encoding": "chunked", "Connection": "close"}, body)
    assert _status(raw) == 200
    assert json.loads(raw.split(b"\r\n\r\n", 1)[1])["result"] == 1


def test_deeply_nested_json_is_400() -> None:
    with Emulator(limits="off").serve() as url, httpx.Client() as http:
        deep = b'{"a":' + b"[" * 100_000 + b"]" * 100_000 + b"}"
        answer = http.post(url + "server.time", content=deep, headers={"Content-Type": "application/json"})
        assert answer.status_code == 400
        assert answer.json()["error"] == "INVALID_REQUEST"
        over_php_depth = b'{"a":' + b"[" * 600 + b"]" * 600 + b"}"
        answer = http.post(
            url + "server.time", content=over_php_depth, headers={"Content-Type": "application/json"}
        )
        assert answer.status_code == 400
        assert http.post(url + "server.time", json={"a": [[[1]]]}).status_code == 200


def test_silent_client_is_dropped_after_the_idle_timeout(served: tuple[Emulator, str]) -> None:
    _, url = served
    started = time.monotonic()
    raw = _raw(url, b"POST /rest/1/x/server.time HTTP/1.1\r\nHost: x\r\n", wait=10)  # headers never end
    assert time.monotonic() - started < 5
    assert not raw or _status(raw) in (400, 408)


def test_connections_beyond_the_cap_get_503_and_others_still_served(served: tuple[Emulator, str]) -> None:
    _, url = served
    parts = urlsplit(url)
    hogs = [socket.create_connection((parts.hostname, parts.port)) for _ in range(4)]
    try:
        time.sleep(0.1)
        assert _status(_raw(url, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", wait=2)) == 503
    finally:
        for hog in hogs:
            hog.close()
    time.sleep(0.2)
    with httpx.Client() as http:
        assert http.post(url + "server.time", json={}).status_code == 200


def test_a_slow_decode_does_not_hold_the_portal(served: tuple[Emulator, str]) -> None:
    """While one client trickles a big body, other requests are answered."""
    _, url = served
    parts = urlsplit(url)
    slow = socket.create_connection((parts.hostname, parts.port))
    stop = threading.Event()

    def trickle() -> None:
        head = f"POST {parts.path}crm.lead.add HTTP/1.1\r\nHost: x\r\nContent-Length: 60000\r\n\r\n"
        slow.sendall(head.encode())
        while not stop.is_set():
            with_suppress_send(slow, b"x")
            time.sleep(0.05)

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    try:
        with httpx.Client(timeout=2) as http:
            for _ in range(5):
                assert http.post(url + "server.time", json={}).status_code == 200
    finally:
        stop.set()
        thread.join(2)
        slow.close()


def with_suppress_send(sock: socket.socket, data: bytes) -> None:
    try:
        sock.sendall(data)
    except OSError:
        pass


def test_server_limits_are_checked() -> None:
    emu = Emulator(limits="off")
    with pytest.raises(ValueError, match="max_connections"), emu.serve(max_connections=0):
        pass


def test_lone_surrogate_and_nan_are_refused_not_stored() -> None:
    emu = Emulator(limits="off")
    with emu.serve() as url, httpx.Client() as http:
        for body in (b'{"fields":{"TITLE":"\\ud800"}}', b'{"fields":{"TITLE":"x","OPPORTUNITY":NaN}}'):
            answer = http.post(
                url + "crm.lead.add", content=body, headers={"Content-Type": "application/json"}
            )
            assert answer.status_code == 400
            assert answer.json()["error"] == "INVALID_REQUEST"
        pair = http.post(
            url + "crm.lead.add",
            content=b'{"fields":{"TITLE":"\\ud83d\\ude00"}}',
            headers={"Content-Type": "application/json"},
        )
        assert pair.status_code == 200  # an escaped surrogate pair is a real character
        assert http.post(url + "crm.lead.list", json={}).status_code == 200
    assert next(iter(emu.state.table("lead").values()))["TITLE"] == "\U0001f600"


def test_a_body_of_a_million_tiny_values_is_refused_at_once() -> None:
    with Emulator(limits="off").serve() as url, httpx.Client(timeout=30) as http:
        body = b"[" + b",".join([b"{}"] * 1_000_000) + b"]"
        started = time.monotonic()
        answer = http.post(url + "server.time", content=body, headers={"Content-Type": "application/json"})
        assert answer.status_code == 400
        assert time.monotonic() - started < 2


def test_batch_commands_share_one_parameter_budget() -> None:
    emu = Emulator(limits="off")
    query = "&".join(f"f[{i}]=x" for i in range(300))
    with emu.serve() as url, httpx.Client() as http:
        cmd = {f"c{i}": f"server.time?{query}" for i in range(50)}  # 15,000 pairs in all
        answer = http.post(url + "batch", json={"cmd": cmd})
        assert answer.status_code == 400
        assert answer.json()["error"] == "INVALID_REQUEST"
        small = {f"c{i}": "server.time?a=1" for i in range(50)}
        assert http.post(url + "batch", json={"cmd": small}).status_code == 200
    assert emu.stats.calls.get("server.time") == 50  # the refused batch ran none of its commands


def test_batch_commands_are_decoded_before_the_portal_lock_is_taken() -> None:
    from bitrix24_toolkit.testing.emulator import batch

    emu = Emulator(limits="off")
    held: list[bool] = []
    original = batch.decode_php_query

    def spy(*args: object, **kwargs: object) -> object:
        held.append(emu.lock._is_owned())  # type: ignore[attr-defined]
        return original(*args, **kwargs)  # type: ignore[arg-type]

    batch.decode_php_query = spy  # type: ignore[assignment]
    try:
        with emu.serve() as url, httpx.Client() as http:
            answer = http.post(
                url + "batch", json={"cmd": {"a": "crm.lead.list?select[]=ID", "b": "server.time"}}
            )
    finally:
        batch.decode_php_query = original
    assert answer.status_code == 200
    assert held
    assert not any(held)


def test_trickling_headers_are_cut_off_at_the_deadline(served: tuple[Emulator, str]) -> None:
    _, url = served  # idle_timeout 0.5 s
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port))
    started = time.monotonic()
    closed = False
    try:
        for (
            byte
        ) in b"POST /rest/1/x/server.time HTTP/1.1\r\nHost: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n":
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                closed = True
                break
            time.sleep(0.1)  # never silent for the idle timeout, but far slower than any real client
            if time.monotonic() - started > 4:
                break
        if not closed:
            sock.settimeout(1)
            try:
                closed = sock.recv(1024) == b""
            except (TimeoutError, OSError):
                closed = True
    finally:
        sock.close()
    assert closed
    assert time.monotonic() - started < 3


def test_expect_100_continue_is_not_granted_for_an_oversized_body(served: tuple[Emulator, str]) -> None:
    _, url = served
    raw = _post(url, "server.time", {"Content-Length": str(10 * 1024 * 1024), "Expect": "100-continue"}, b"")
    assert raw.startswith(b"HTTP/1.1 413")
    assert b"100 Continue" not in raw


def test_unknown_transfer_coding_is_refused(served: tuple[Emulator, str]) -> None:
    _, url = served
    raw = _post(url, "server.time", {"Transfer-Encoding": "gzip", "Content-Length": "2"}, b"{}")
    assert _status(raw) == 501


@pytest.mark.parametrize("line", [b"GET abc HTTP/1.1", b"GET /\x01 HTTP/1.1", b"GET ftp://x/y HTTP/1.1"])
def test_unusable_request_targets_get_400(served: tuple[Emulator, str], line: bytes) -> None:
    _, url = served
    raw = _raw(url, line + b"\r\nHost: x\r\n\r\n")
    assert _status(raw) == 400
