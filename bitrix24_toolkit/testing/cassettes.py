"""Recorded fixtures ("cassettes"): record real Bitrix24 exchanges once, replay them offline.

A cassette file is pretty, sorted JSON::

    {"version": 1, "exchanges": [
        {"method": "crm.deal.get", "params": {"id": 410}, "status": 200,
         "body": {"result": {"ID": "410", ...}, "time": {...}}, "http_method": "POST"}]}

- **Record**: wrap a real transport in :class:`RecordingTransport` (or :class:`AsyncRecordingTransport`);
  every exchange is appended to a :class:`Cassette` with secrets and the portal address scrubbed
  (see :mod:`.scrub`); the request URL is not stored, only the method name. ``cassette.save(path)``.
- **Replay**: ``Cassette.load(path).transport()`` is an ``httpx.MockTransport`` (sync and async) serving
  the recorded answers for requests to *any* base URL, matched by method name and params (see
  :mod:`.wire`); ``.router()`` is the same as a ``respx`` router. Identical requests get the recorded
  answers in order. A request with no recorded answer raises :class:`CassetteMiss` (an ``AssertionError``,
  so no client mistakes it for a network failure) naming the nearest recorded exchange.

Optional exchange keys: ``note`` (where the exchange comes from), ``http_method`` (the verb, informative),
``content_type`` (for ``{"raw": ...}`` bodies).
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from .replay import CassetteMiss, Replayer
from .scrub import Scrubber
from .wire import body_of, canonical, method_of, request_params

if TYPE_CHECKING:
    import respx

__all__ = [
    "AsyncRecordingTransport",
    "Cassette",
    "CassetteFormatError",
    "CassetteMiss",
    "Exchange",
    "RecordingTransport",
]

FORMAT_VERSION = 1
_JSON_TYPE = "application/json; charset=utf-8"
_KEPT_EXTENSIONS = ("http_version", "reason_phrase")
_DROPPED_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


class CassetteFormatError(ValueError):
    """A cassette file that is not ``{"version": 1, "exchanges": [...]}`` with well-formed exchanges."""


@dataclass
class Exchange:
    """One recorded request (method name and canonical params) and its answer (status and body)."""

    method: str
    params: dict[str, Any]
    status: int
    body: dict[str, Any]
    note: str | None = None
    http_method: str | None = None
    content_type: str | None = None

    @property
    def is_raw(self) -> bool:
        """Whether the body is a non-JSON answer kept as ``{"raw": text}``."""
        return set(self.body) == {"raw"} and isinstance(self.body["raw"], str)

    def response(self) -> httpx.Response:
        """The recorded answer as a fresh ``httpx.Response``."""
        if self.is_raw:
            text: str = self.body["raw"]
            guess = (
                "text/html; charset=utf-8" if text.lstrip().startswith("<") else "text/plain; charset=utf-8"
            )
            content, content_type = text.encode("utf-8"), self.content_type or guess
        else:
            content = json.dumps(self.body, ensure_ascii=False).encode("utf-8")
            content_type = self.content_type or _JSON_TYPE
        return _streamed(self.status, [("content-type", content_type)], content)

    def to_json(self) -> dict[str, Any]:
        """The exchange as stored in a cassette file (optional keys only when set)."""
        data: dict[str, Any] = {
            "method": self.method,
            "params": canonical(self.params),
            "status": self.status,
            "body": self.body,
        }
        for key in ("note", "http_method", "content_type"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data

    @classmethod
    def from_json(cls, data: Any, *, where: str = "exchange") -> Exchange:
        """Validate and build an exchange from its stored form."""
        if not isinstance(data, dict):
            raise CassetteFormatError(f"{where}: an exchange must be an object, got {type(data).__name__}")
        expected = {"method": str, "params": dict, "status": int, "body": dict}
        for key, kind in expected.items():
            if key not in data:
                raise CassetteFormatError(f"{where}: missing key {key!r}")
            if not isinstance(data[key], kind) or isinstance(data[key], bool):
                raise CassetteFormatError(f"{where}: {key!r} must be {kind.__name__}")
        optional = {key: data.get(key) for key in ("note", "http_method", "content_type")}
        for key, value in optional.items():
            if value is not None and not isinstance(value, str):
                raise CassetteFormatError(f"{where}: {key!r} must be a string")
        unknown = set(data) - set(expected) - set(optional)
        if unknown:
            raise CassetteFormatError(f"{where}: unknown keys {sorted(unknown)}")
        return cls(data["method"], data["params"], data["status"], data["body"], **optional)


class Cassette:
    """An ordered list of exchanges, loaded from or saved to one JSON file."""

    def __init__(
        self, exchanges: Iterable[Exchange] = (), *, path: str | os.PathLike[str] | None = None
    ) -> None:
        self.exchanges: list[Exchange] = list(exchanges)
        self.path: Path | None = Path(path) if path is not None else None
        self._lock = threading.Lock()
        self._scrubber = Scrubber()
        self._recorded: list[int] = []

    def __repr__(self) -> str:
        return f"Cassette(path={str(self.path)!r}, exchanges={len(self.exchanges)})"

    # ------------------------------------------------------------------------------------------ files
    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Cassette:
        """Read a cassette file (raises :class:`CassetteFormatError` naming the bad exchange)."""
        file = Path(path)
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise CassetteFormatError(f"{file}: not valid JSON ({exc})") from exc
        if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
            raise CassetteFormatError(f'{file}: expected an object with "version": {FORMAT_VERSION}')
        raw = data.get("exchanges")
        if not isinstance(raw, list):
            raise CassetteFormatError(f'{file}: "exchanges" must be a list')
        exchanges = [Exchange.from_json(item, where=f"{file} exchange #{i}") for i, item in enumerate(raw)]
        return cls(exchanges, path=file)

    def to_json(self) -> dict[str, Any]:
        """The cassette as stored; exchanges recorded here are scrubbed again with every secret learnt."""
        with self._lock:
            for index in self._recorded:
                old = self.exchanges[index]
                params, body = self._scrubber.scrub(old.params), self._scrubber.scrub(old.body)
                self.exchanges[index] = replace(old, params=params, body=body)
            return {"version": FORMAT_VERSION, "exchanges": [e.to_json() for e in self.exchanges]}

    def save(self, path: str | os.PathLike[str] | None = None) -> Path:
        """Write pretty, sorted JSON (``ensure_ascii=False``) atomically; returns the path written."""
        target = Path(path) if path is not None else self.path
        if target is None:
            raise ValueError("Cassette.save() needs a path: this cassette was not loaded from a file")
        text = json.dumps(self.to_json(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.tmp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, target)
        self.path = target
        return target

    # -------------------------------------------------------------------------------------- recording
    def record(self, request: httpx.Request, response: httpx.Response) -> Exchange:
        """Append one exchange (both bodies already read), scrubbed; returns what was stored."""
        params = request_params(request)
        body = body_of(response.content)
        raw_type = response.headers.get("content-type") if set(body) == {"raw"} else None
        with self._lock:
            self._scrubber.learn_url(str(request.url))
            self._scrubber.learn(params)
            self._scrubber.learn(body)
            exchange = Exchange(
                method=method_of(request.url),
                params=self._scrubber.scrub(params),
                status=response.status_code,
                body=self._scrubber.scrub(body),
                http_method=request.method,
                content_type=raw_type,
            )
            self._recorded.append(len(self.exchanges))
            self.exchanges.append(exchange)
        return exchange

    # ----------------------------------------------------------------------------------------- replay
    def replayer(self, *, allow_repeats: bool = False) -> Replayer:
        """A fresh replay handler (``httpx.Request -> httpx.Response``) with its own position."""
        return Replayer(
            self.exchanges, source=str(self.path or "<in-memory cassette>"), allow_repeats=allow_repeats
        )

    def transport(self, *, allow_repeats: bool = False) -> httpx.MockTransport:
        """A transport replaying this cassette; works for ``httpx.Client`` and ``httpx.AsyncClient``."""
        return httpx.MockTransport(self.replayer(allow_repeats=allow_repeats))

    def router(self, *, allow_repeats: bool = False) -> respx.MockRouter:
        """A ``respx`` router replaying this cassette for every URL; use it as a context manager."""
        import respx  # a dev dependency: imported only when asked for

        router = respx.MockRouter(assert_all_called=False, assert_all_mocked=True)
        router.route().mock(side_effect=self.replayer(allow_repeats=allow_repeats))
        return router


def _streamed(
    status: int, headers: list[tuple[str, str]], content: bytes, extensions: dict[str, Any] | None = None
) -> httpx.Response:
    """A response on an unread in-memory stream: the client reads and times (``.elapsed``) it as usual."""
    headers = [*headers, ("content-length", str(len(content)))]
    return httpx.Response(status, headers=headers, stream=httpx.ByteStream(content), extensions=extensions)


def _detached(response: httpx.Response) -> httpx.Response:
    """A copy of a read (and decoded) response, detached from the network connection."""
    headers = [
        (key, value) for key, value in response.headers.multi_items() if key.lower() not in _DROPPED_HEADERS
    ]
    extensions = {key: response.extensions[key] for key in _KEPT_EXTENSIONS if key in response.extensions}
    return _streamed(response.status_code, headers, response.content, extensions)


@dataclass(eq=False)
class RecordingTransport(httpx.BaseTransport):
    """Sends each request through ``inner`` and records the exchange into ``cassette``."""

    inner: httpx.BaseTransport
    cassette: Cassette = field(default_factory=Cassette)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Forward the request, read the whole answer, record it, and hand back an equal response."""
        request.read()
        response = self.inner.handle_request(request)
        try:
            response.read()
        finally:
            response.close()
        self.cassette.record(request, response)
        return _detached(response)

    def close(self) -> None:
        """Close the wrapped transport."""
        self.inner.close()


@dataclass(eq=False)
class AsyncRecordingTransport(httpx.AsyncBaseTransport):
    """The async twin of :class:`RecordingTransport`, wrapping an ``httpx.AsyncBaseTransport``."""

    inner: httpx.AsyncBaseTransport
    cassette: Cassette = field(default_factory=Cassette)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Forward the request, read the whole answer, record it, and hand back an equal response."""
        await request.aread()
        response = await self.inner.handle_async_request(request)
        try:
            await response.aread()
        finally:
            await response.aclose()
        self.cassette.record(request, response)
        return _detached(response)

    async def aclose(self) -> None:
        """Close the wrapped transport."""
        await self.inner.aclose()
