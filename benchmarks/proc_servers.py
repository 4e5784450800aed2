"""The servers of the several-processes benchmark, each in its own process: the independent fake portal,
this project's emulator (:mod:`benchmarks.emulator_process`) and a real ``redis-server``.

Every server object offers the same view to the harness: ``url`` (webhook), ``stats()`` (``requests``,
``status_503``, ``status_429``), ``reset()`` (seeded data back, an empty bucket, zeroed counters),
``titles()`` (the leads' titles, read from the server, not through the API) and ``deal_ids()``.
"""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import urllib.request
from types import TracebackType
from typing import Any, Self

from bitrix24_toolkit.testing.redis_server import redis_binary, running_redis

from .fake_process import ROOT, FakePortalProcess

__all__ = ["EmulatorProcess", "FakeServer", "RedisProcess", "redis_binary"]


def _stop(process: subprocess.Popen[str]) -> None:
    """Stop a server process this module started."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()


class FakeServer:
    """The independent fake portal (:mod:`benchmarks.fake_portal`) with ``deals`` seeded deals."""

    name = "fake portal"

    def __init__(self, deals: int, *, cost: bool = True) -> None:
        args = ["--seed-deals", str(deals)]
        if not cost:
            args.append("--no-cost")
        self._process = FakePortalProcess(*args)
        self.url = self._process.url
        self.deals = deals

    def stats(self) -> dict[str, Any]:
        """Requests, 503s and 429s (batch commands refused included) since the last reset."""
        data = self._process.stats()
        return {
            "requests": data["requests"],
            "status_503": data["status_503"],
            "status_429": data["status_429"] + data["commands_429"],
            "max_in_flight": data["max_in_flight"],
        }

    def reset(self) -> None:
        """No leads, an empty bucket and operating baskets, zeroed statistics."""
        self._process.reset(data=True)

    def titles(self) -> list[str | None]:
        """The title of every lead the portal holds."""
        return [title for _, title in self._process.leads()]

    def deal_ids(self) -> list[int]:
        """The seeded deals are numbered 1..deals (the fake portal makes each row from its number)."""
        return list(range(1, self.deals + 1))

    def close(self) -> None:
        """Stop the server process."""
        self._process.close()

    def __enter__(self) -> FakeServer:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class EmulatorProcess:
    """``python -m benchmarks.emulator_process``: the emulator's HTTP server and its control port."""

    name = "emulator"
    #: the module served (``python -m``); it prints the webhook URL, then the control URL
    module = "benchmarks.emulator_process"

    def __init__(self, deals: int, *, limits: str = "standard", cost: bool = True) -> None:
        command = [
            sys.executable,
            "-m",
            self.module,
            "--deals",
            str(deals),
            "--limits",
            limits,
        ]
        if not cost:
            command.append("--no-cost")
        self._process = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert self._process.stdout is not None
        self.url = self._process.stdout.readline().strip()
        self.control = self._process.stdout.readline().strip()
        if not (self.url.startswith("http://") and self.control.startswith("http://")):
            _, err = self._process.communicate(timeout=10)
            _stop(self._process)
            raise RuntimeError(f"emulator process did not start: {(err or '').strip()[-300:]}")

    def call(self, path: str, *, post: bool = False) -> Any:
        """A control request (no bucket, not counted)."""
        request = urllib.request.Request(
            self.control + path, data=b"" if post else None, method="POST" if post else "GET"
        )
        with urllib.request.urlopen(request, timeout=120) as answer:
            return json.loads(answer.read())

    def stats(self) -> dict[str, Any]:
        """Requests, 503s, 429s, OAuth refreshes and token-endpoint requests since the last reset."""
        data: dict[str, Any] = self.call("/_stats")
        return {**data, "max_in_flight": None}

    def reset(self, *, data: bool = True) -> None:
        """The seeded portal back (``data``), an empty bucket, zeroed statistics."""
        self.call("/_reset" if data else "/_reset?data=0", post=True)

    def titles(self) -> list[str | None]:
        """The title of every lead the portal holds."""
        return [title for _, title in self.call("/_leads")["leads"]]

    def deal_ids(self) -> list[int]:
        """Every deal id the portal holds."""
        return [int(n) for n in self.call("/_deals")["ids"]]

    def close(self) -> None:
        """Stop the server process."""
        _stop(self._process)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class RedisProcess:
    """A real ``redis-server`` on a free loopback port, no persistence, in a temporary directory
    (started by :func:`bitrix24_toolkit.testing.redis_server.running_redis`)."""

    def __init__(self) -> None:
        self.binary = redis_binary()
        self._stack = contextlib.ExitStack()
        self.url: str = self._stack.enter_context(running_redis(self.binary))
        self.port = int(self.url.rsplit(":", 1)[1].split("/", 1)[0])

    def flush(self) -> None:
        """Empty the server (``FLUSHALL``): a run starts with no shared bucket or tokens."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as sock:
            sock.sendall(b"FLUSHALL\r\n")
            if not sock.recv(16).startswith(b"+OK"):
                raise RuntimeError("FLUSHALL refused")

    def close(self) -> None:
        """Stop the server and remove its directory."""
        self._stack.close()

    def __enter__(self) -> RedisProcess:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
