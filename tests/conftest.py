"""Shared fixtures. One test body, both clients: ``client`` is awaitable over Bitrix24 or AsyncBitrix24."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from bitrix24_toolkit import AsyncBitrix24, Bitrix24
from bitrix24_toolkit.engine.retry import RetryPolicy
from bitrix24_toolkit.testing.emulator import Emulator


def _import_the_whole_package() -> None:
    """Import every module of the package now, before any test runs.

    pytest rewrites the asserts of every module of a distribution that provides a plugin (ours does), at
    import time. CPython 3.11.7 can fail such a rewrite with ``SystemError: AST constructor recursion depth
    mismatch`` once a test has caught a ``RecursionError`` (hostile deep JSON, deep params): a module
    imported lazily after that test then fails to import, depending on test order. Importing everything
    up front does all the rewriting while the interpreter is clean.
    """
    import importlib
    import pkgutil

    import bitrix24_toolkit

    for info in pkgutil.walk_packages(bitrix24_toolkit.__path__, "bitrix24_toolkit."):
        if info.name.endswith(".__main__"):
            continue  # running a command is not importing it
        try:
            importlib.import_module(info.name)
        except ImportError:  # an optional extra that is not installed
            continue


_import_the_whole_package()


class AwaitableClient:
    """Wraps a sync client (or one of its namespaces) so test bodies can ``await`` it like the async one."""

    def __init__(self, client: Any) -> None:
        self.inner = client

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.inner, name)
        if _is_namespace(attr):
            return AwaitableClient(attr)
        if not callable(attr):
            return attr

        async def call(*args: Any, **kwargs: Any) -> Any:
            value = attr(*args, **kwargs)
            return AwaitableClient(value) if _is_namespace(value) else value

        return call


def _is_namespace(value: Any) -> bool:
    return type(value).__name__.endswith("API") and hasattr(value, "calls")


Factory = Callable[..., Any]


async def _no_async_sleep(seconds: float) -> None:
    return None


#: retries as configured by default, without the waiting (tests never sleep)
NO_WAIT = RetryPolicy(sleep=lambda seconds: None, async_sleep=_no_async_sleep)


@pytest.fixture
def emu() -> Emulator:
    """A fresh, empty portal with no rate limit."""
    return Emulator(limits="off")


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def make_client(kind: str) -> AsyncIterator[Factory]:
    """Build a client of this test's kind: ``make_client(url, transport=..., **kw)``."""
    made: list[Any] = []

    def factory(url: str | None = None, *, transport: Any = None, **kwargs: Any) -> Any:
        kwargs.setdefault("limits", "off")  # the emulator fixture runs without a rate limit
        kwargs.setdefault("retry", NO_WAIT)
        if kind == "sync":
            sync = Bitrix24(url, transport=transport, **kwargs)
            made.append(sync)
            return AwaitableClient(sync)
        client = AsyncBitrix24(url, transport=transport, **kwargs)
        made.append(client)
        return client

    yield factory
    for client in made:
        if isinstance(client, AsyncBitrix24):
            await client.aclose()
        else:
            client.close()


@pytest.fixture
def client(make_client: Factory, emu: Emulator) -> Any:
    """A client of this test's kind wired to the emulator."""
    return make_client(emu.webhook_url, transport=emu.transport())


class Recorder(httpx.MockTransport):
    """A transport that forwards to a handler and keeps every request it saw."""

    def __init__(self, handler: Callable[[httpx.Request], httpx.Response]) -> None:
        self.requests: list[httpx.Request] = []

        def record(request: httpx.Request) -> httpx.Response:
            request.read()
            self.requests.append(request)
            return handler(request)

        super().__init__(record)


@pytest.fixture(scope="session")
def demo_dump() -> dict[str, Any]:
    """The demo portal's state, built once per session (163 deals, people, funnels, custom fields)."""
    return Emulator.demo(limits="off").state.dump()


@pytest.fixture
def fresh_demo(demo_dump: dict[str, Any]) -> Emulator:
    """A fresh copy of the demo portal with no rate limit: what a test writes stays in its own copy."""
    emu = Emulator(limits="off")
    emu.state.load(copy.deepcopy(demo_dump))
    return emu
