"""Starting the fake portal in its own process and reading its statistics (for the harness and the tests)."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

__all__ = ["FakePortalProcess"]

ROOT = Path(__file__).resolve().parent.parent


class FakePortalProcess:
    """``python -m benchmarks.fake_portal ARGS`` as a context manager: ``url``, ``secret``, ``stats()``."""

    def __init__(self, *args: str, startup: float = 30.0) -> None:
        command = [sys.executable, "-m", "benchmarks.fake_portal", "--port", "0", *args]
        self._process = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline().strip()  # the webhook URL, once it listens
        if not line.startswith("http://"):
            self.close()
            raise RuntimeError(f"fake portal did not start: {line or self._error()}")
        self.url = line
        parts = urlsplit(line)
        self.base = f"{parts.scheme}://{parts.netloc}"
        self.secret = parts.path.rstrip("/").rsplit("/", 1)[-1]
        self.pid = self._process.pid

    def _error(self) -> str:
        try:
            _, err = self._process.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            return "no answer"
        return (err or "").strip().splitlines()[-1:][0] if err and err.strip() else "no output"

    def _call(self, path: str, *, post: bool = False) -> Any:
        request = urllib.request.Request(
            self.base + path, data=b"" if post else None, method="POST" if post else "GET"
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.loads(answer.read())

    def stats(self) -> dict[str, Any]:
        """``GET /_stats``: requests, 503/429 counts, max in flight, rows returned, modelled seconds."""
        data: dict[str, Any] = self._call("/_stats")
        return data

    def reset(self, *, data: bool = False) -> None:
        """``POST /_reset``: zero the statistics and limits (``data``: restore the seeded leads too)."""
        self._call("/_reset?data=1" if data else "/_reset", post=True)

    def leads(self) -> list[tuple[int, str | None]]:
        """Every lead the portal holds: ``(id, title)``."""
        return [(int(n), title) for n, title in self._call("/_leads")["leads"]]

    def close(self) -> None:
        """Stop the server process (the one this object started)."""
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        for stream in (self._process.stdout, self._process.stderr):
            if stream is not None:
                stream.close()

    def __enter__(self) -> FakePortalProcess:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
