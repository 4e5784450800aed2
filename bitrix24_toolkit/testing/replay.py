"""Serving recorded exchanges: matching requests to recordings and failing loudly on a miss.

A request matches a recording when the method names are equal (case-insensitively) and the params are equal
in PHP's view (:func:`.wire.php_view`) after the same scrubbing the recorder applies, so credential values
(``auth=...``), the webhook code and the base URL never matter. Identical requests get the recorded answers
in recording order, each once (``allow_repeats=True`` keeps serving the last one).

A request without an answer raises :class:`CassetteMiss` from the transport. It subclasses
``AssertionError`` on purpose: httpx lets it through untouched, and a client that turns ``httpx`` errors
into its own transport errors (and may retry them) will not mistake a test-setup problem for a network
failure. The message names the request and the nearest recorded exchange: the same method with the
smallest params difference, else the closest method name.
"""

from __future__ import annotations

import difflib
import json
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import httpx

from ..protocol.encoding import encode_php_pairs
from .scrub import Scrubber
from .wire import method_of, php_view, request_params

if TYPE_CHECKING:
    from .cassettes import Exchange

__all__ = ["CassetteMiss", "Replayer", "match_key"]

_SHOWN_CHARS = 240
_SHOWN_DIFFS = 8
_ABSENT = "(absent)"


class CassetteMiss(AssertionError):
    """A replayed request that the cassette has no (more) recorded answers for."""

    def __init__(self, message: str, *, method: str, params: dict[str, Any], nearest: int | None) -> None:
        super().__init__(message)
        self.method = method
        self.params = params
        #: index of the nearest recorded exchange in the cassette, when there is one
        self.nearest = nearest


def match_key(method: str, params: dict[str, Any]) -> tuple[str, str]:
    """The identity of a request for replay: lower-cased method and PHP-view params as sorted JSON."""
    return method.lower(), json.dumps(php_view(params), ensure_ascii=False, sort_keys=True)


def asked_params(request: httpx.Request) -> dict[str, Any]:
    """A replayed request's params, scrubbed exactly like recorded ones."""
    try:
        request.content  # noqa: B018 - raises when the body has not been read yet
    except httpx.RequestNotRead:
        request.read()
    params = request_params(request)
    scrubber = Scrubber()
    scrubber.learn_url(str(request.url))
    scrubber.learn(params)
    scrubbed: dict[str, Any] = scrubber.scrub(params)
    return scrubbed


class Replayer:
    """An ``httpx.MockTransport`` handler serving recorded exchanges (thread-safe, one position per key)."""

    def __init__(self, exchanges: Sequence[Exchange], *, source: str, allow_repeats: bool = False) -> None:
        self._exchanges = list(exchanges)
        self._source = source
        self._allow_repeats = allow_repeats
        self._queues: dict[tuple[str, str], list[int]] = {}
        for index, exchange in enumerate(self._exchanges):
            self._queues.setdefault(match_key(exchange.method, exchange.params), []).append(index)
        self._served: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        """The recorded answer to ``request``; raises :class:`CassetteMiss` when there is none."""
        method = method_of(request.url)
        params = asked_params(request)
        key = match_key(method, params)
        with self._lock:
            indices = self._queues.get(key)
            if indices:
                served = self._served.get(key, 0)
                if served < len(indices):
                    self._served[key] = served + 1
                    return self._exchanges[indices[served]].response()
                if self._allow_repeats:
                    return self._exchanges[indices[-1]].response()
                raise CassetteMiss(
                    self._exhausted_message(method, params, indices),
                    method=method,
                    params=params,
                    nearest=None,
                )
        nearest, notes = self._nearest(method, params)
        raise CassetteMiss(
            self._miss_message(method, params, nearest, notes), method=method, params=params, nearest=nearest
        )

    # ------------------------------------------------------------------------------------- messages
    def _exhausted_message(self, method: str, params: dict[str, Any], indices: list[int]) -> str:
        numbers = ", ".join(f"#{i}" for i in indices)
        return (
            f"{method} {_shown(params)}: all {len(indices)} recorded answer(s) ({numbers} in {self._source}) "
            "were already served. Identical requests replay in recording order, once each: record one more "
            "answer, or replay with allow_repeats=True."
        )

    def _miss_message(
        self, method: str, params: dict[str, Any], nearest: int | None, notes: list[str]
    ) -> str:
        lines = [
            f"no recorded answer for {method} {_shown(params)}",
            f"  in {self._source} ({len(self._exchanges)} exchanges)",
        ]
        if nearest is None:
            lines.append("the cassette is empty")
        else:
            exchange = self._exchanges[nearest]
            lines.append(f"nearest recorded exchange: #{nearest} {exchange.method} {_shown(exchange.params)}")
            lines.extend(f"  {note}" for note in notes)
        lines.append("record it (pytest --bitrix24-record) or add the exchange to the cassette by hand")
        return "\n".join(lines)

    def _nearest(self, method: str, params: dict[str, Any]) -> tuple[int | None, list[str]]:
        same = [i for i, e in enumerate(self._exchanges) if e.method.lower() == method.lower()]
        if same:
            asked = _flat(params)
            diffs = {i: _diff(_flat(self._exchanges[i].params), asked) for i in same}
            best = min(same, key=lambda i: (len(diffs[i]), i))
            lines = diffs[best]
            if len(lines) > _SHOWN_DIFFS:
                lines = [*lines[:_SHOWN_DIFFS], f"... and {len(lines) - _SHOWN_DIFFS} more differences"]
            return best, lines
        names = sorted({e.method for e in self._exchanges})
        close = difflib.get_close_matches(method, names, n=1, cutoff=0.0)
        if not close:
            return None, []
        best = next(i for i, e in enumerate(self._exchanges) if e.method == close[0])
        return best, [f"no {method} exchange is recorded; this is the closest method name"]


def _flat(params: dict[str, Any]) -> dict[str, str]:
    return dict(encode_php_pairs(params))


def _diff(recorded: dict[str, str], asked: dict[str, str]) -> list[str]:
    lines = []
    for key in sorted(recorded.keys() | asked.keys()):
        old, new = recorded.get(key), asked.get(key)
        if old != new:
            lines.append(f"{key}: recorded {_quoted(old)}, asked {_quoted(new)}")
    return lines


def _quoted(value: str | None) -> str:
    return _ABSENT if value is None else json.dumps(value, ensure_ascii=False)


def _shown(params: dict[str, Any]) -> str:
    text = json.dumps(php_view(params), ensure_ascii=False, sort_keys=True)
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 3] + "..."
