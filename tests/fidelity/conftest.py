"""The emulator served over real HTTP, called the way the official pages' examples call a portal."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from bitrix24_toolkit.testing import Emulator

from .shapes import DocError


@dataclass
class Answer:
    status: int
    body: Any

    @property
    def result(self) -> Any:
        assert isinstance(self.body, dict), self.body
        return self.body.get("result")


class Portal:
    """A webhook of a served emulator: ``call`` sends a page's example request, ``ok`` expects success."""

    def __init__(self, emu: Emulator, url: str, http: httpx.Client) -> None:
        self.emu = emu
        self.url = url
        self.http = http

    def call(self, method: str, params: dict[str, Any] | None = None) -> Answer:
        """POST JSON to ``<webhook>/<method>``, as the pages' curl examples do."""
        response = self.http.post(self.url + method, json=params or {})
        return Answer(response.status_code, response.json())

    def ok(self, method: str, params: dict[str, Any] | None = None) -> Any:
        """The ``result`` of a call that must succeed (HTTP 200, no ``error``)."""
        answer = self.call(method, params)
        assert answer.status == 200, (method, answer.status, answer.body)
        assert "error" not in answer.body, (method, answer.body)
        return answer.body["result"]

    def error(self, method: str, params: dict[str, Any] | None, expected: DocError) -> Answer:
        """Call and compare the error code, description and HTTP status with the page's."""
        answer = self.call(method, params)
        got = (answer.status, answer.body.get("error"), answer.body.get("error_description"))
        want_desc = expected.description if expected.description is not None else got[2]
        assert got == (expected.status, expected.code, want_desc), (
            f"{method}: got {got}, page says {expected}"
        )
        assert "time" not in answer.body, "error answers carry no time"
        return answer


@pytest.fixture
def portal() -> Iterator[Portal]:
    """A fresh empty portal over loopback HTTP, no rate limit."""
    emu = Emulator(limits="off")
    with emu.serve(port=0) as url, httpx.Client(timeout=10) as http:
        yield Portal(emu, url, http)
