"""A misbehaving portal for the reliability suite: seeded faults, a second process, virtual time.

:class:`FaultyPortal` wraps an :class:`Emulator` with the standard request bucket and a :class:`ManualClock`.
Its transport runs every request through :meth:`Emulator.respond` (so it sees which fault, if any, each
request got), lets a second "process" spend the portal's bucket first, and records one :class:`Exchange`
per request. Clients made by :meth:`FaultyPortal.client` share one limiter on the same clock and sleep by
moving that clock, so nothing really waits.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Final

import httpx

from bitrix24_toolkit import AsyncBitrix24, Bitrix24
from bitrix24_toolkit.engine.limiter import Limiter
from bitrix24_toolkit.engine.retry import RetryPolicy
from bitrix24_toolkit.protocol.encoding import decode_php_query
from bitrix24_toolkit.testing.emulator import Emulator
from bitrix24_toolkit.testing.emulator.faults import FaultRule, Faults
from bitrix24_toolkit.testing.emulator.limits import ManualClock

#: the issue's mix: 10 % QUERY_LIMIT_EXCEEDED, 2 % HTTP 500, 2 % resets, 2 % timeouts after applying,
#: 1 % truncated JSON (applied), 1 % HTML 502 pages
MIX: Final = FaultRule("*", limit=0.10, error500=0.02, reset=0.02, timeout=0.02, truncated=0.01, html502=0.01)
#: faults after which a write may have been applied: the client cannot know
AMBIGUOUS: Final = frozenset({"error500", "html502", "reset", "timeout", "truncated"})
#: faults after which the emulator did apply the call
APPLIED: Final = frozenset({"timeout", "truncated"})


@dataclass
class Exchange:
    """One request the client sent and what the portal did with it."""

    method: str
    fault: str | None
    status: int | None
    titles: list[str] = field(default_factory=list)

    @property
    def bucket_rejected(self) -> bool:
        """Refused by the shared request bucket (not an injected fault)."""
        return self.fault is None and self.status == 503


def command_titles(request: httpx.Request) -> list[str]:
    """The ``fields[TITLE]`` of every command of a ``batch`` request (JSON body)."""
    try:
        body = json.loads(request.content or b"{}")
    except ValueError:
        return []
    commands = body.get("cmd") if isinstance(body, dict) else None
    titles: list[str] = []
    for command in (commands or {}).values():
        _, _, query = str(command).partition("?")
        fields = decode_php_query(query).get("fields")
        if isinstance(fields, dict) and "TITLE" in fields:
            titles.append(str(fields["TITLE"]))
    return titles


class FaultyPortal:
    """The emulator under the issue's fault mix, a second process sharing its bucket, and virtual time."""

    def __init__(
        self,
        seed: int,
        *,
        rule: FaultRule = MIX,
        other_burst: int = 46,
        other_rate: float = 0.5,
        loaded: tuple[Emulator, ManualClock] | None = None,
    ) -> None:
        if loaded is None:
            self.clock = ManualClock()
            self.emu = Emulator(limits="standard", clock=self.clock)
        else:  # reuse a portal already filled (reads leave it as it was): a fresh bucket and fresh stats
            self.emu, self.clock = loaded
            self.emu.limits = "standard"
            self.emu.reset_stats()
        self.emu.faults = Faults(seed, [rule])
        self.limiter = Limiter(50, 2.0, clock=self.clock, wall_clock=self.clock)
        self.exchanges: list[Exchange] = []
        self.other_burst = other_burst
        self.other_rate = other_rate
        self.other_sent = 0
        self.other_refused = 0
        self.slept = 0.0
        self._start = self.clock()
        self._lock = threading.RLock()

    # ------------------------------------------------------------------------------- virtual time
    def sleep(self, seconds: float) -> None:
        """The clients' sleep: move the shared clock instead of waiting."""
        with self._lock:
            self.slept += seconds
            self.clock.advance(seconds)

    async def async_sleep(self, seconds: float) -> None:
        """The async clients' sleep."""
        self.sleep(seconds)

    def retry(self) -> RetryPolicy:
        """The default retry policy with virtual sleeping."""
        return RetryPolicy(sleep=self.sleep, async_sleep=self.async_sleep)

    # ------------------------------------------------------------------------------------ clients
    def client(self, **kwargs: Any) -> Bitrix24:
        """A sync client through :meth:`handle`, paced by the shared limiter."""
        kwargs.setdefault("limits", self.limiter)
        kwargs.setdefault("retry", self.retry())
        return Bitrix24(self.emu.webhook_url, transport=httpx.MockTransport(self.handle), **kwargs)

    def async_client(self, **kwargs: Any) -> AsyncBitrix24:
        """An async client through :meth:`handle`, paced by the shared limiter."""
        kwargs.setdefault("limits", self.limiter)
        kwargs.setdefault("retry", self.retry())
        return AsyncBitrix24(self.emu.webhook_url, transport=httpx.MockTransport(self.handle), **kwargs)

    # ---------------------------------------------------------------------------------- transport
    def _other_process(self) -> None:
        """The second process: a burst at the start, then ``other_rate`` requests per (virtual) second."""
        due = self.other_burst + int((self.clock() - self._start) * self.other_rate)
        while self.other_sent < due:
            self.other_sent += 1
            reply = self.emu.respond(httpx.Request("POST", self.emu.webhook_url + "profile", json={}))
            if reply.response is not None and reply.response.status_code == 503:
                self.other_refused += 1

    def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer a client's request like :meth:`Emulator.handle`, recording what happened."""
        request.read()
        with self._lock:
            self._other_process()
            before = dict(self.emu.stats.faults)
            reply = self.emu.respond(request)
            # respond() names only the network faults in the reply; the stats name every injected one
            fault = next((k for k, n in self.emu.stats.faults.items() if n != before.get(k, 0)), None)
            method = request.url.path.rstrip("/").rsplit("/", 1)[-1]
            status = reply.response.status_code if reply.response is not None else None
            self.exchanges.append(Exchange(method, fault, status, command_titles(request)))
        if reply.fault == "reset":
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        if reply.fault == "timeout":
            raise httpx.ReadTimeout("The read operation timed out (emulated; applied)", request=request)
        assert reply.response is not None
        return reply.response

    # ------------------------------------------------------------------------------------ figures
    def figures(self) -> dict[str, Any]:
        """What the client met: requests, injected faults by kind, bucket refusals, virtual seconds."""
        faults = Counter(e.fault for e in self.exchanges if e.fault is not None)
        return {
            "requests": len(self.exchanges),
            "faults": dict(sorted(faults.items())),
            "bucket_503": sum(e.bucket_rejected for e in self.exchanges),
            "other_process_requests": self.other_sent,
            "other_process_refused": self.other_refused,
            "virtual_seconds": round(self.clock() - self._start, 1),
        }
