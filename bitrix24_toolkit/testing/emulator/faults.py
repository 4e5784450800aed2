"""Seeded fault injection per method glob: what flaky networks and busy portals do to a client.

=============  =====================================================================  =================
kind           what the client sees                                                   did the call run?
=============  =====================================================================  =================
``limit``      HTTP 503 ``QUERY_LIMIT_EXCEEDED`` "Too many requests"                   no
``error500``   HTTP 500 ``INTERNAL_SERVER_ERROR``                                      no
``html502``    HTTP 502 with an HTML "Bad Gateway" page (not JSON)                     no
``reset``      transport: ``httpx.RemoteProtocolError``; server: socket closed         no
``timeout``    transport: ``httpx.ReadTimeout``; server: no answer for ``delay`` s     **yes** (applied)
``truncated``  HTTP 200 with the JSON body cut in half                                 **yes** (applied)
=============  =====================================================================  =================

``timeout`` and ``truncated`` are the dangerous real-world cases: the write happened, the client cannot
know. Each request whose method (lower case; ``batch`` for a batch) matches a rule draws one number from
``random.Random(seed)``, so a given seed and request sequence always injects the same faults.
"""

from __future__ import annotations

import fnmatch
import random
import threading
from dataclasses import dataclass

__all__ = ["FAULT_KINDS", "FaultRule", "Faults"]

FAULT_KINDS = ("limit", "error500", "html502", "reset", "timeout", "truncated")
#: faults after which the call has been applied
APPLIED_KINDS = frozenset({"timeout", "truncated"})


@dataclass(frozen=True)
class FaultRule:
    """Probabilities (0..1) of each fault for methods matching ``pattern`` (fnmatch, case-insensitive)."""

    pattern: str = "*"
    limit: float = 0.0
    error500: float = 0.0
    html502: float = 0.0
    reset: float = 0.0
    timeout: float = 0.0
    truncated: float = 0.0

    def rates(self) -> list[tuple[str, float]]:
        """``(kind, probability)`` in a fixed order."""
        return [(kind, float(getattr(self, kind))) for kind in FAULT_KINDS]


class Faults:
    """A seeded set of rules; the first matching rule decides a request's fate."""

    def __init__(self, seed: int = 0, rules: list[FaultRule] | None = None, *, delay: float = 5.0) -> None:
        self.seed = seed
        self.rules = list(rules or [])
        #: how long the HTTP server holds a ``timeout`` request before dropping it
        self.delay = delay
        self._rng = random.Random(seed)
        self._lock = threading.Lock()

    @classmethod
    def everywhere(cls, seed: int = 0, **rates: float) -> Faults:
        """One rule for every method: ``Faults.everywhere(seed=1, reset=0.05)``."""
        return cls(seed, [FaultRule("*", **rates)])

    def decide(self, method: str) -> str | None:
        """The fault to inject for one request of ``method`` (or ``None``)."""
        name = method.lower()
        for rule in self.rules:
            if fnmatch.fnmatchcase(name, rule.pattern.lower()):
                with self._lock:
                    draw = self._rng.random()
                edge = 0.0
                for kind, rate in rule.rates():
                    edge += rate
                    if draw < edge:
                        return kind
                return None
        return None
