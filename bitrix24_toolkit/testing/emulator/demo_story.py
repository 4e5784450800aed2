"""The machinery behind the demo portal: REST calls, a story clock and a queue of dated events.

The demo is built through the emulated REST methods (``emu.call``), so its rows are exactly what the
methods produce. To give the data a history, the builder swaps the portal's state clock for the story
clock while it runs: every dated event (a lead arriving, a deal moving to the next stage, a call being
logged) runs with the portal clock set to the event's moment, and the methods stamp ``DATE_CREATE``,
``MOVED_TIME``, stage history and activities with it. Events run in time order, so ids grow with time as
on a real portal.
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from .limits import OperatingLimits
from .state import PortalState

__all__ = ["DEMO_NOW", "MSK", "STORY_START", "Client", "DemoError", "DemoPortal", "Story"]

MSK = dt.timezone(dt.timedelta(hours=3))
#: the demo's "now": every dated row is older, planned activities are due after it
DEMO_NOW = dt.datetime(2026, 6, 30, 12, 0, tzinfo=MSK)
#: the portal went live (client base imported) at the start of the six months of history
STORY_START = dt.datetime(2025, 12, 29, 9, 0, tzinfo=MSK)
_LATEST = DEMO_NOW - dt.timedelta(minutes=30)


class DemoPortal(Protocol):
    """What the demo builder needs of an :class:`~.portal.Emulator`."""

    seed: int | str
    state: PortalState
    operating: OperatingLimits

    def call(
        self, method: str, params: dict[str, Any] | None = None, *, user_id: int | None = None
    ) -> tuple[int, Any]:
        """Run a method directly -> ``(status, payload)``."""
        ...

    def reset_stats(self) -> None:
        """Zero the request counters."""
        ...


class DemoError(RuntimeError):
    """An emulated method refused a demo-building call (a bug in the builder or in a method)."""


@dataclass
class Client:
    """Someone the agency sells to: a person (contact) or an organisation (company + contact person)."""

    title: str
    contact_id: int | None = None
    company_id: int | None = None
    phone: str | None = None
    email: str | None = None
    requisite_id: int | None = None

    @property
    def corporate(self) -> bool:
        """Organisations buy in the «Корпоративные поездки» funnel."""
        return self.company_id is not None


@dataclass
class Story:
    """Shared state of one demo build: RNG, REST caller, clock, event queue and what was created."""

    emu: DemoPortal
    rng: random.Random
    moment: float = STORY_START.timestamp()
    managers: tuple[int, ...] = (1, 2, 3)
    manager_weights: tuple[int, ...] = (1, 5, 5)
    corporate_manager: int = 4
    corporate_category: int = 0
    my_company_id: int = 0
    my_requisite_id: int = 0
    my_bank_detail_id: int = 0
    people: list[Client] = field(default_factory=list)
    organisations: list[Client] = field(default_factory=list)
    holding_ids: list[int] = field(default_factory=list)
    _queue: list[tuple[float, int, Callable[[], None]]] = field(default_factory=list)
    _seq: int = 0

    # ------------------------------------------------------------------------------------ REST
    def call(self, method: str, params: dict[str, Any], *, user_id: int = 1) -> Any:
        """Run an emulated method as ``user_id`` and return its ``result`` (errors raise DemoError)."""
        status, payload = self.emu.call(method, params, user_id=user_id)
        if status != 200 or "error" in payload:
            raise DemoError(f"{method} failed while building the demo portal: {payload}")
        return payload["result"]

    # ----------------------------------------------------------------------------------- clock
    def clock(self) -> float:
        """The portal clock during the build: the moment of the running event."""
        return self.moment

    @property
    def now(self) -> dt.datetime:
        """The story's current moment."""
        return dt.datetime.fromtimestamp(self.moment, tz=MSK)

    def at(self, when: dt.datetime, action: Callable[[], None]) -> None:
        """Schedule ``action`` at ``when`` (never earlier than the event that schedules it)."""
        heapq.heappush(self._queue, (max(when.timestamp(), self.moment), self._seq, action))
        self._seq += 1

    def run(self) -> None:
        """Run every scheduled event in time order (events may schedule later ones)."""
        while self._queue:
            when, _, action = heapq.heappop(self._queue)
            self.moment = max(self.moment, when)
            action()

    # ------------------------------------------------------------------------------- time maths
    def office_hours(self, day: dt.datetime) -> dt.datetime:
        """A random moment between 09:00 and 19:59 of the same day."""
        minutes = self.rng.randrange(9 * 60, 20 * 60)
        return day.replace(hour=minutes // 60, minute=minutes % 60, second=self.rng.randrange(60))

    def random_day(self, start: dt.datetime, end: dt.datetime) -> dt.datetime:
        """A random office-hours moment between two dates."""
        span = max((end - start).total_seconds(), 0.0)
        moment = self.office_hours(start + dt.timedelta(seconds=self.rng.uniform(0, span)))
        if moment > _LATEST:  # today after "now": somewhere earlier instead
            moment = start + (_LATEST - start) * self.rng.random()
        return max(moment, start)

    def deadline(self, around: dt.datetime, *, not_before: dt.datetime) -> dt.datetime:
        """A to-do deadline on the day of ``around`` at a round office hour, at least an hour after
        ``not_before``."""
        moment = around.replace(hour=self.rng.randint(10, 18), minute=self.rng.choice((0, 30)), second=0)
        return max(moment, (not_before + dt.timedelta(hours=1)).replace(second=0, microsecond=0))

    def path(self, start: dt.datetime, gaps_in_days: list[float]) -> list[dt.datetime]:
        """``start`` and one moment per gap, strictly increasing, in office hours when there is room,
        squeezed (keeping proportions) so that everything happens before the demo's "now"."""
        total = sum(gaps_in_days)
        # squeezed paths end at a random moment of the last stretch, not all exactly at _LATEST
        room = (_LATEST - start).total_seconds() / 86400 * self.rng.uniform(0.7, 1.0)
        scale = min(1.0, room / total) if total > 0 else 1.0
        out = [start]
        for gap in gaps_in_days:
            previous = out[-1]
            moment = previous + dt.timedelta(days=gap * scale)
            if scale == 1.0:
                moment = self.office_hours(moment)
            if moment <= previous:
                moment = previous + dt.timedelta(minutes=self.rng.randint(10, 120))
            if moment > _LATEST:
                moment = previous + max((_LATEST - previous) / 2, dt.timedelta(minutes=1))
            out.append(moment)
        return out

    def later(self, minutes: tuple[int, int]) -> dt.datetime:
        """The current moment plus a random number of minutes (capped before the demo's "now")."""
        moment = self.now + dt.timedelta(minutes=self.rng.randint(*minutes))
        return min(moment, max(_LATEST, self.now))

    def manager(self) -> int:
        """A random sales manager (the director takes a few clients herself)."""
        return self.rng.choices(self.managers, self.manager_weights)[0]
