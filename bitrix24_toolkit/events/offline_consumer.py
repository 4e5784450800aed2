"""``OfflineConsumer`` and ``AsyncOfflineConsumer``: the rounds of :mod:`.offline_rounds` driven by a client.

Each driver sends the rounds' calls with its client, runs the handlers (plain functions with a
:class:`~bitrix24_toolkit.Bitrix24`, ``async def`` ones with an :class:`~bitrix24_toolkit.AsyncBitrix24`)
and sleeps between empty fetches. A run is noted in a per-process registry: a second live run of the same
``process_id`` on the same portal (the same consumer from two threads or tasks, or two consumers given one
id) is refused with :class:`~bitrix24_toolkit.errors.InvalidInputError`.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from ..client.async_client import AsyncBitrix24
from ..client.sync_client import Bitrix24
from ..errors import InvalidInputError
from ..protocol.batch import Batch
from ..protocol.call import Call
from .dispatcher import Dispatcher
from .offline_records import OfflineRun, claim, release
from .offline_rounds import ConsumerBase, Sleep, settled

__all__ = ["AsyncOfflineConsumer", "OfflineConsumer"]


class OfflineConsumer(ConsumerBase):
    """Handles offline events with a :class:`~bitrix24_toolkit.Bitrix24` and the dispatcher's functions."""

    def __init__(self, client: Bitrix24, dispatcher: Dispatcher, **options: Any) -> None:
        if not isinstance(client, Bitrix24):
            raise InvalidInputError("OfflineConsumer needs a Bitrix24 (AsyncOfflineConsumer: AsyncBitrix24)")
        super().__init__(client, dispatcher, **options)

    def run(self, max_events: int | None = None, idle_timeout: float | None = 60.0) -> OfflineRun:
        """Fetch, handle and settle batches (``event.offline.get``/``.clear``/``.error``) until done.

        Ends after ``max_events`` events, after ``idle_timeout`` seconds without any (``None``: never), or
        when :meth:`stop` is called (after the record in hand). Empty fetches back off from
        ``poll_interval`` to ``max_poll_interval``. Errors of the portal calls propagate; what this
        process holds is recovered by its next run (same ``process_id``) or adopted by another consumer.
        A second run of this ``process_id`` while one is live in this process: ``InvalidInputError``.
        """
        self._check_run(max_events, idle_timeout)
        key = claim(self.client.domain, self.auth_connector, self.process_id)
        rounds, answer = self._rounds(max_events, idle_timeout), None
        try:
            while True:
                step = rounds.send(answer)
                if isinstance(step, Call):
                    answer = self.client.run(step)
                elif isinstance(step, Batch):
                    answer = settled(self.client.run(step.as_flow()))
                elif isinstance(step, Sleep):
                    answer = self._stop.wait(step.seconds)
                else:
                    try:
                        step.fn(step.event, self.client)
                        answer = None
                    except Exception as exc:
                        answer = exc
        except StopIteration as finished:
            result: OfflineRun = finished.value
            return result
        finally:
            rounds.close()
            release(key)
            self._stop.clear()


class AsyncOfflineConsumer(ConsumerBase):
    """:class:`OfflineConsumer` for an :class:`~bitrix24_toolkit.AsyncBitrix24` and ``async def`` handlers."""

    _async = True

    def __init__(self, client: AsyncBitrix24, dispatcher: Dispatcher, **options: Any) -> None:
        if not isinstance(client, AsyncBitrix24):
            raise InvalidInputError("AsyncOfflineConsumer needs an AsyncBitrix24 client")
        super().__init__(client, dispatcher, **options)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None

    async def run(self, max_events: int | None = None, idle_timeout: float | None = 60.0) -> OfflineRun:
        """:meth:`OfflineConsumer.run`, awaiting the portal calls and the handlers."""
        self._check_run(max_events, idle_timeout)
        key = claim(self.client.domain, self.auth_connector, self.process_id)
        self._loop, self._wake = asyncio.get_running_loop(), asyncio.Event()
        if self._stop.is_set():
            self._wake.set()
        rounds, answer = self._rounds(max_events, idle_timeout), None
        try:
            while True:
                step = rounds.send(answer)
                if isinstance(step, Call):
                    answer = await self.client.run(step)
                elif isinstance(step, Batch):
                    answer = settled(await self.client.run(step.as_flow()))
                elif isinstance(step, Sleep):
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), step.seconds)
                    answer = None
                else:
                    try:
                        await step.fn(step.event, self.client)
                        answer = None
                    except Exception as exc:
                        answer = exc
        except StopIteration as finished:
            result: OfflineRun = finished.value
            return result
        finally:
            rounds.close()
            release(key)
            self._stop.clear()
            self._loop = self._wake = None

    def stop(self) -> None:
        """Ask :meth:`run` to end after the current batch (from a task, a thread or a signal handler)."""
        super().stop()
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None:
            with contextlib.suppress(RuntimeError):  # the loop has closed: nothing to wake
                loop.call_soon_threadsafe(wake.set)
