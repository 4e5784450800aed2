"""OfflineConsumer against the emulator, in-process and over its HTTP server: CRM writes -> offline
events -> handlers -> ``event.offline.clear``/``.error``; 4 consumers on 10,000 events; a SIGKILLed one."""

from __future__ import annotations

import asyncio
import dataclasses
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bitrix24_toolkit import AsyncBitrix24, Bitrix24
from bitrix24_toolkit.client import OAuth, OAuthTokens
from bitrix24_toolkit.errors import InvalidInputError
from bitrix24_toolkit.events import (
    AsyncOfflineConsumer,
    Dispatcher,
    Event,
    OfflineConsumer,
    OfflineEvent,
    reserved_batches,
)
from bitrix24_toolkit.helpers import sync_subscriptions
from bitrix24_toolkit.testing.emulator import Emulator

CLIENT_ID, CLIENT_SECRET = "local.offline.app", "offline-secret-0123"


def tokens(emu: Emulator, base: str | None = None) -> OAuthTokens:
    """An installed app's token pair; ``base``: the served emulator's address as its REST endpoint."""
    pair = OAuthTokens.from_response(emu.issue_tokens(CLIENT_ID, CLIENT_SECRET))
    return dataclasses.replace(pair, client_endpoint=f"{base}/rest/") if base else pair


def oauth(pair: OAuthTokens, token_url: str) -> OAuth:
    return OAuth(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, tokens=pair, token_url=token_url)


def app_client(emu: Emulator) -> Bitrix24:
    return Bitrix24(auth=oauth(tokens(emu), emu.token_url), transport=emu.transport(), limits="off")


def add_leads(emu: Emulator, count: int) -> None:
    """``count`` CRM writes (crm.lead.add, 50 a batch) as a manager makes them."""
    for first in range(0, count, 50):
        cmd = {f"c{i}": f"crm.lead.add?fields[TITLE]=Lead {i}" for i in range(first, min(count, first + 50))}
        assert emu.call("batch", {"cmd": cmd})[0] == 200


@pytest.fixture
def served() -> Iterator[tuple[Emulator, str]]:
    """An emulator on loopback and its base address (``http://127.0.0.1:PORT``)."""
    emu = Emulator(limits="off")
    with emu.serve() as url:
        yield emu, url.split("/rest/")[0]


def test_crm_writes_are_processed_once_and_cleared() -> None:
    emu = Emulator.demo(limits="off")
    seen: list[tuple[str, int | None, str]] = []
    dispatcher = Dispatcher()

    @dispatcher.on("ONCRMDEALUPDATE")
    def deal_changed(event: Event, b24: Bitrix24) -> None:
        assert isinstance(event, OfflineEvent)
        assert event.id is not None
        seen.append((event.name, event.id, b24.crm.deal.get(event.id).title or ""))

    @dispatcher.on("ONCRMLEADADD")
    def lead_added(event: Event, b24: Bitrix24) -> None:
        seen.append((event.name, event.id, ""))

    with app_client(emu) as b24, emu.client(limits="off") as manager:
        changes = sync_subscriptions(b24, None, ["ONCRMDEALUPDATE", "ONCRMLEADADD"], event_type="offline")
        assert changes.bound == ("ONCRMDEALUPDATE", "ONCRMLEADADD")
        for deal_id in (1, 2, 3):
            manager.crm.deal.update(deal_id, {"title": f"Renamed {deal_id}"})
        manager.crm.deal.update(1, {"title": "Renamed again"})  # one record per object
        lead = manager.crm.lead.add({"title": "Offline lead"})
        run = OfflineConsumer(b24, dispatcher, poll_interval=0.01).run(idle_timeout=0)
        assert (run.processed, run.failed, run.batches, run.reason) == (4, 0, 1, "idle")
        assert sorted(seen) == [
            ("ONCRMDEALUPDATE", 1, "Renamed again"),
            ("ONCRMDEALUPDATE", 2, "Renamed 2"),
            ("ONCRMDEALUPDATE", 3, "Renamed 3"),
            ("ONCRMLEADADD", lead, ""),
        ]
        assert b24.call("event.offline.list") == []  # cleared
        again = OfflineConsumer(b24, dispatcher, poll_interval=0.01).run(idle_timeout=0)
        assert (again.processed, again.batches) == (0, 0)


def test_a_failing_handler_marks_its_event_erroneous(emu: Emulator) -> None:
    dispatcher = Dispatcher()
    handled: list[int] = []

    @dispatcher.on("*")
    def every(event: Event, b24: Bitrix24) -> None:
        handled.append(event.id or 0)
        if event.id == 2:
            raise RuntimeError("the warehouse is down")

    with app_client(emu) as b24:
        sync_subscriptions(b24, None, ["ONCRMLEADADD"], event_type="offline")
        add_leads(emu, 3)
        consumer = OfflineConsumer(b24, dispatcher, poll_interval=0.01)
        run = consumer.run(idle_timeout=0)
        assert (run.processed, run.failed) == (2, 1)
        assert sorted(handled) == [1, 2, 3]
        ((name, error),) = consumer.failures
        assert name == "ONCRMLEADADD"
        assert "warehouse" in str(error)
        (row,) = b24.call("event.offline.list")
        assert (row["EVENT_DATA"], row["ERROR"], row["PROCESS_ID"]) == ({"FIELDS": {"ID": 2}}, "1", "")
        assert consumer.run(idle_timeout=0).processed == 0  # not given again without error=1


async def test_async_consumer_runs_async_handlers(emu: Emulator) -> None:
    dispatcher = Dispatcher()
    seen: list[int] = []

    @dispatcher.on("ONCRMLEADADD")
    async def lead_added(event: Event, b24: AsyncBitrix24) -> None:
        lead = await b24.crm.lead.get(event.id or 0)
        seen.append(lead.id or 0)

    with app_client(emu) as b24:
        sync_subscriptions(b24, None, ["ONCRMLEADADD"], event_type="offline")
    add_leads(emu, 120)
    auth = oauth(tokens(emu), emu.token_url)
    async with AsyncBitrix24(auth=auth, transport=emu.transport(), limits="off") as ab24:
        run = await AsyncOfflineConsumer(ab24, dispatcher, poll_interval=0.01).run(idle_timeout=0)
    assert (run.processed, run.batches) == (120, 3)
    assert sorted(seen) == list(range(1, 121))
    plain = Dispatcher()
    plain.on("ONCRMLEADADD")(lambda event, b24: None)
    async with AsyncBitrix24(auth=auth, transport=emu.transport(), limits="off") as ab24:
        before = emu.stats.requests
        with pytest.raises(InvalidInputError, match="plain function"):
            await AsyncOfflineConsumer(ab24, plain).run(idle_timeout=0)
        assert emu.stats.requests == before


def test_bad_settings_are_refused_before_any_request(emu: Emulator) -> None:
    async_only = Dispatcher()

    @async_only.on("ONCRMLEADADD")
    async def lead_added(event: Event, b24: AsyncBitrix24) -> None: ...

    with app_client(emu) as b24:
        before = emu.stats.requests
        for bad in ({"process_id": ""}, {"process_id": "a b"}, {"process_id": "x" * 256}, {"batch_size": 0}):
            with pytest.raises(InvalidInputError):
                OfflineConsumer(b24, Dispatcher(), **bad)
        with pytest.raises(InvalidInputError, match="max_events"):
            OfflineConsumer(b24, Dispatcher()).run(max_events=0)
        with pytest.raises(InvalidInputError, match="async function"):
            OfflineConsumer(b24, async_only).run(idle_timeout=0)
        with pytest.raises(InvalidInputError):
            OfflineConsumer(b24, "not a dispatcher")  # type: ignore[arg-type]
        assert emu.stats.requests == before


def test_max_events_reserves_no_more_and_stop_ends_an_idle_run(emu: Emulator) -> None:
    dispatcher = Dispatcher()
    dispatcher.on("ONCRMLEADADD")(lambda event, b24: None)
    with app_client(emu) as b24:
        sync_subscriptions(b24, None, ["ONCRMLEADADD"], event_type="offline")
        add_leads(emu, 10)
        run = OfflineConsumer(b24, dispatcher, batch_size=4).run(max_events=6)
        assert (run.processed, run.batches, run.reason) == (6, 2, "max_events")
        left = b24.call("event.offline.list")
        assert len(left) == 4
        assert {row["PROCESS_ID"] for row in left} == {""}  # nothing held back
        consumer = OfflineConsumer(b24, dispatcher, poll_interval=0.05, max_poll_interval=0.2)
        threading.Timer(0.5, consumer.stop).start()
        started = time.monotonic()
        run = consumer.run(idle_timeout=None)
        assert (run.processed, run.reason) == (4, "stopped")
        assert time.monotonic() - started < 3


def _drain(base: str, token_url: str, pair: OAuthTokens, seen: list[int]) -> Any:
    dispatcher = Dispatcher()

    @dispatcher.on("ONCRMLEADADD")
    def lead_added(event: Event, b24: Bitrix24) -> None:
        assert event.id is not None
        seen.append(event.id)

    with Bitrix24(auth=oauth(pair, token_url), limits="off") as b24:
        return OfflineConsumer(b24, dispatcher, poll_interval=0.02).run(idle_timeout=0.5)


def test_four_consumers_drain_10000_events_each_exactly_once(served: tuple[Emulator, str]) -> None:
    emu, base = served
    with app_client(emu) as b24:
        sync_subscriptions(b24, None, ["ONCRMLEADADD"], event_type="offline")
    add_leads(emu, 10_000)
    token_url = f"{base}/oauth/token/"
    seen: list[list[int]] = [[] for _ in range(4)]
    runs: list[Any] = [None] * 4

    def worker(slot: int) -> None:
        runs[slot] = _drain(base, token_url, tokens(emu, base), seen[slot])

    threads = [threading.Thread(target=worker, args=(slot,)) for slot in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    everything = [lead for ids in seen for lead in ids]
    assert len(everything) == 10_000
    assert sorted(everything) == list(range(1, 10_001))  # each exactly once
    assert sum(run.processed for run in runs) == 10_000
    assert all(run.processed > 0 for run in runs)  # all four took part
    with app_client(emu) as b24:
        assert b24.call_full("event.offline.list").total == 0


def _doomed_consumer(spec: dict[str, Any]) -> None:
    """A consumer process that fetches one batch, marks it, and hangs in its first handler (to be killed)."""
    dispatcher = Dispatcher()

    @dispatcher.on("ONCRMLEADADD")
    def lead_added(event: Event, b24: Bitrix24) -> None:
        Path(spec["marker"]).write_text(str(event.id))
        time.sleep(600)

    pair = OAuthTokens.from_dict(spec["tokens"])
    with Bitrix24(auth=oauth(pair, spec["token_url"]), limits="off") as b24:
        OfflineConsumer(b24, dispatcher, process_id=spec["process_id"], batch_size=20).run()


def test_a_consumer_killed_mid_batch_loses_nothing(served: tuple[Emulator, str], tmp_path: Path) -> None:
    emu, base = served
    token_url = f"{base}/oauth/token/"
    with app_client(emu) as b24:
        sync_subscriptions(b24, None, ["ONCRMLEADADD"], event_type="offline")
    add_leads(emu, 200)
    marker = tmp_path / "fetched"
    spec = {
        "marker": str(marker),
        "tokens": tokens(emu, base).to_dict(),
        "token_url": token_url,
        "process_id": "worker-7",
    }
    child = multiprocessing.get_context("spawn").Process(target=_doomed_consumer, args=(spec,))
    child.start()
    try:
        deadline = time.monotonic() + 60
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), "the consumer never fetched"
    finally:
        assert child.pid is not None
        os.kill(child.pid, signal.SIGKILL)  # after fetching, before clearing
        child.join(10)
    assert child.exitcode == -signal.SIGKILL
    seen: list[int] = []
    others = _drain(base, token_url, tokens(emu, base), seen)  # another consumer: the rest, not the batch
    assert others.processed == 180
    with app_client(emu) as b24:
        assert reserved_batches(b24) == {"worker-7": 20}
        restarted = OfflineConsumer(b24, Dispatcher(), process_id="worker-7")
        restarted.dispatcher.on("ONCRMLEADADD")(lambda event, _b24: seen.append(event.id))
        run = restarted.run(idle_timeout=0)
        assert (run.processed, run.batches) == (20, 1)
        assert b24.call_full("event.offline.list").total == 0
    assert sorted(seen) == list(range(1, 201))  # none lost, none twice among the survivors
    assert int(marker.read_text()) in seen  # the killed handler's event ran again: at least once


def test_stop_on_installs_signal_handlers(emu: Emulator) -> None:
    with app_client(emu) as b24:
        consumer = OfflineConsumer(b24, Dispatcher())
        previous = signal.getsignal(signal.SIGUSR1)
        try:
            consumer.stop_on(signal.SIGUSR1)
            os.kill(os.getpid(), signal.SIGUSR1)
            assert consumer.run(idle_timeout=None).reason == "stopped"
        finally:
            signal.signal(signal.SIGUSR1, previous)


def test_async_stop_from_another_thread_wakes_the_sleep(emu: Emulator) -> None:
    async def main() -> str:
        auth = oauth(tokens(emu), emu.token_url)
        async with AsyncBitrix24(auth=auth, transport=emu.transport(), limits="off") as ab24:
            consumer = AsyncOfflineConsumer(ab24, Dispatcher(), poll_interval=5, max_poll_interval=5)
            threading.Timer(0.3, consumer.stop).start()
            return (await consumer.run(idle_timeout=None)).reason

    started = time.monotonic()
    assert asyncio.run(main()) == "stopped"
    assert time.monotonic() - started < 3
