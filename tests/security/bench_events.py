"""Figures for docs/security.md and the issue-16 report (not a test: run it by hand).

    python -m tests.security.bench_events            # decode times of 1 MB hostile bodies, events per second

Decode: each hostile shape, 1 MB, with the default limits (refused) and with the limits raised so it is
decoded in full. Events per second: steady state through the WSGI app (in process, the dispatcher's
thread pool running a registered handler, which gets a client built per event), then through the ASGI app.
"""

from __future__ import annotations

import asyncio
import io
import sys
import time
from typing import Any

from bitrix24_toolkit.engine import redaction
from bitrix24_toolkit.events import Dispatcher, asgi_app, wsgi_app
from bitrix24_toolkit.protocol.encoding import PhpQueryError, QueryLimits, decode_php_query

TOKEN = "apptoken-0123456789"
MB = 1_000_000
SHAPES = {
    "a[]=x repeated": b"a[]=x&" * (MB // 6),
    "a[x][]=1 repeated": b"a[x][]=1&" * (MB // 9),
    "one 333k-deep key": b"a" + b"[x]" * (MB // 3) + b"=1",
    "125k distinct keys": b"&".join(b"k%d=v" % i for i in range(MB // 8)),
}


def decode_figures() -> None:
    """Print the decode time of each 1 MB hostile body, refused (default limits) and decoded in full."""
    raised = QueryLimits(max_pairs=10**6, max_depth=256, max_key_length=10**6)
    for name, body in SHAPES.items():
        row = [f"{name:22}"]
        for limits in (None, raised):
            started = time.perf_counter()
            try:
                decode_php_query(body, limits=limits)
                outcome = "decoded"
            except PhpQueryError as exc:
                outcome = f"refused ({exc.limit})"
            row.append(f"{outcome:>24} {time.perf_counter() - started:7.3f} s")
        print(" | ".join(row))


def payload(i: int) -> bytes:
    """A realistic event payload with fresh tokens (each event brings new ones)."""
    return (
        f"event=ONCRMDEALUPDATE&event_handler_id=185&data[FIELDS][ID]={i}&ts=1766047124"
        "&auth[domain]=some.bitrix24.com&auth[client_endpoint]=https://some.bitrix24.com/rest/"
        f"&auth[server_endpoint]=https://oauth.bitrix.info/rest/&auth[member_id]=member{i:08d}"
        f"&auth[application_token]={TOKEN}&auth[access_token]=access{i:012d}"
        f"&auth[refresh_token]=refresh{i:012d}&auth[expires]=1766050724&auth[expires_in]=3600"
        "&auth[scope]=crm&auth[user_id]=1&auth[status]=L"
    ).encode()


def _dispatcher() -> Dispatcher:
    dispatcher = Dispatcher(application_token=TOKEN, workers=4)
    dispatcher.on("ONCRMDEALUPDATE")(lambda event, b24: None)
    return dispatcher


def wsgi_rate(count: int) -> float:
    """Events per second through the WSGI app, handlers included (pool joined at the end)."""
    dispatcher = _dispatcher()
    app = wsgi_app(dispatcher)
    for i in range(200):  # warm up
        body = payload(i)
        app(
            {"REQUEST_METHOD": "POST", "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body)},
            lambda status, headers: None,
        )
    app.join()
    started = time.perf_counter()
    for i in range(count):
        body = payload(10**6 + i)
        app(
            {"REQUEST_METHOD": "POST", "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body)},
            lambda status, headers: None,
        )
    app.join()
    rate = count / (time.perf_counter() - started)
    dispatcher.close()
    return rate


def asgi_rate(count: int) -> float:
    """Events per second through the ASGI app, handlers included, 32 requests in flight."""
    app = asgi_app(_dispatcher())

    async def one(i: int) -> None:
        body = payload(2 * 10**6 + i)
        sent = False

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            pass

        headers = [(b"content-length", str(len(body)).encode())]
        await app({"type": "http", "method": "POST", "headers": headers}, receive, send)

    async def main() -> float:
        await asyncio.gather(*(one(i) for i in range(100)))
        started = time.perf_counter()
        for start in range(0, count, 32):
            await asyncio.gather(*(one(i) for i in range(start, min(start + 32, count))))
        return count / (time.perf_counter() - started)

    return asyncio.run(main())


def main() -> None:
    """Print every figure."""
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    decode_figures()
    print(f"WSGI: {wsgi_rate(count):7.0f} events/s   (registry: {len(redaction._ordered)} secrets)")
    print(f"ASGI: {asgi_rate(count):7.0f} events/s   (registry: {len(redaction._ordered)} secrets)")


if __name__ == "__main__":
    main()
