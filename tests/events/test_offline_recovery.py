"""OfflineConsumer recovery against the emulator: bounded retries of ERROR=1 records (``retry_failed``),
adoption of a dead holder's batch (``adopt_after``), recovered records marked before they are handled,
one live run per ``process_id``, and the queue rules the emulator follows for errored records."""

from __future__ import annotations

import asyncio
import collections
import threading
import time
from typing import Any

import pytest

from bitrix24_toolkit import AsyncBitrix24, Bitrix24
from bitrix24_toolkit.client import OAuth, OAuthTokens
from bitrix24_toolkit.errors import InvalidInputError
from bitrix24_toolkit.events import AsyncOfflineConsumer, Dispatcher, Event, OfflineConsumer
from bitrix24_toolkit.helpers import sync_subscriptions
from bitrix24_toolkit.testing.emulator import Emulator

CLIENT_ID, CLIENT_SECRET = "local.offline.recovery", "recovery-secret-0123"


def _auth(emu: Emulator) -> OAuth:
    pair = OAuthTokens.from_response(emu.issue_tokens(CLIENT_ID, CLIENT_SECRET))
    return OAuth(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, tokens=pair, token_url=emu.token_url)


def _app(emu: Emulator) -> Bitrix24:
    return Bitrix24(auth=_auth(emu), transport=emu.transport(), limits="off")


def _queue(b24: Bitrix24) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    start = 0
    while True:
        page = b24.call_full("event.offline.list", {"start": start})
        rows.extend(page.result)
        if page.next is None:
            return rows
        start = int(page.next)


@pytest.fixture
def emu() -> Emulator:
    emu = Emulator(limits="off")
    with _app(emu) as b24:
        sync_subscriptions(b24, None, ["ONCRMLEADADD", "ONCRMLEADUPDATE"], event_type="offline")
    return emu


def _leads(emu: Emulator, count: int) -> list[int]:
    with emu.client(limits="off") as manager:
        return [manager.crm.lead.add({"title": f"Lead {i}"}) for i in range(count)]


def test_retry_failed_gives_each_errored_record_a_bounded_number_of_attempts(emu: Emulator) -> None:
    ids = _leads(emu, 4)
    attempts: collections.Counter[int] = collections.Counter()
    dispatcher = Dispatcher()

    @dispatcher.on("ONCRMLEADADD")
    def lead_added(event: Event, _b24: Bitrix24) -> None:
        assert event.id is not None
        attempts[event.id] += 1
        if event.id == ids[1] or (event.id == ids[2] and attempts[event.id] == 1):
            raise ConnectionError("warehouse down")  # ids[1] always, ids[2] once (transient)

    with _app(emu) as b24:
        run = OfflineConsumer(b24, dispatcher, retry_failed=3).run(idle_timeout=0)
        assert attempts == {ids[0]: 1, ids[1]: 3, ids[2]: 2, ids[3]: 1}
        assert (run.processed, run.failed, run.retried, run.gave_up) == (3, 4, 3, 1)  # attempts
        rows = _queue(b24)
        assert [(r["EVENT_DATA"]["FIELDS"]["ID"], r["ERROR"], r["PROCESS_ID"]) for r in rows] == [
            (ids[1], "1", "")  # left marked, released: for a human or a later run
        ]
        OfflineConsumer(b24, dispatcher).run(idle_timeout=0)  # retry_failed=0: ERROR=1 is not fetched
        assert attempts[ids[1]] == 3
        again = OfflineConsumer(b24, dispatcher, retry_failed=1).run(idle_timeout=0)
        assert (attempts[ids[1]], again.retried, again.failed) == (4, 1, 1)  # one attempt in that run
        assert len(_queue(b24)) == 1


def test_a_new_change_of_an_errored_object_is_a_new_deliverable_record(emu: Emulator) -> None:
    (lead,) = _leads(emu, 1)
    with _app(emu) as b24, emu.client(limits="off") as manager:
        b24.call("event.offline.get", {"clear": 1})  # drop the ADD record
        manager.crm.lead.update(lead, {"title": "v2"})
        held = b24.call("event.offline.get", {"clear": 0, "process_id": "p1"})["events"]
        b24.call("event.offline.error", {"process_id": "p1", "message_id": [held[0]["MESSAGE_ID"]]})
        manager.crm.lead.update(lead, {"title": "v3"})
        assert sorted(r["ERROR"] for r in _queue(b24)) == ["0", "1"]
        # an error=1 fetch takes the errored record; the deliverable one still absorbs later changes
        got = b24.call("event.offline.get", {"clear": 0, "process_id": "ops", "error": 1, "limit": 1})
        assert [e["ID"] for e in got["events"]] == [held[0]["ID"]]
        manager.crm.lead.update(lead, {"title": "v4"})
        rows = _queue(b24)
        assert sorted((r["ERROR"], r["PROCESS_ID"]) for r in rows) == [("0", ""), ("1", "ops")]


def test_two_idle_consumers_adopt_a_dead_holders_batch_once(emu: Emulator) -> None:
    ids = _leads(emu, 30)
    with _app(emu) as b24:  # a consumer that reserved a batch and died before settling it
        ghost = b24.call("event.offline.get", {"clear": 0, "process_id": "ghost", "limit": 30})
        assert len(ghost["events"]) == 30
    seen: collections.Counter[int] = collections.Counter()
    lock = threading.Lock()
    dispatcher = Dispatcher()

    @dispatcher.on("ONCRMLEADADD")
    def lead_added(event: Event, _b24: Bitrix24) -> None:
        assert event.id is not None
        with lock:
            seen[event.id] += 1

    runs: list[Any] = []

    def worker() -> None:
        with _app(emu) as b24:
            consumer = OfflineConsumer(b24, dispatcher, poll_interval=0.02, adopt_after=0.1)
            runs.append(consumer.run(idle_timeout=0.6))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(seen) == sorted(ids)
    assert set(seen.values()) == {1}  # racing adopters: each record reserved by one of them
    assert sum(run.adopted for run in runs) == 30
    with _app(emu) as b24:
        assert _queue(b24) == []


def test_a_live_consumer_in_this_process_is_never_adopted(emu: Emulator) -> None:
    _leads(emu, 6)
    seen: collections.Counter[int] = collections.Counter()
    started = threading.Event()
    slow, idle = Dispatcher(), Dispatcher()

    @slow.on("ONCRMLEADADD")
    def slowly(event: Event, _b24: Bitrix24) -> None:
        started.set()
        time.sleep(0.1)
        assert event.id is not None
        seen[event.id] += 1

    idle.on("ONCRMLEADADD")(lambda event, _b24: seen.update([event.id]))
    with _app(emu) as b24, _app(emu) as other:
        holder = OfflineConsumer(b24, slow, batch_size=6, process_id="slow-1")
        thread = threading.Thread(target=holder.run, kwargs={"idle_timeout": 0})
        thread.start()
        assert started.wait(10)
        watcher = OfflineConsumer(other, idle, poll_interval=0.02, adopt_after=0.05)
        assert watcher.run(idle_timeout=0.4).adopted == 0  # slow-1 runs here: alive, not adopted
        thread.join(30)
    assert set(seen.values()) == {1}
    assert len(seen) == 6


def test_recovered_records_are_marked_before_and_handled_one_at_a_time(emu: Emulator) -> None:
    _leads(emu, 3)
    held_during: list[list[tuple[str, str]]] = []
    dispatcher = Dispatcher()

    @dispatcher.on("ONCRMLEADADD")
    def lead_added(event: Event, b24: Bitrix24) -> None:
        rows = b24.call("event.offline.list", {"filter": {"PROCESS_ID": "slot-9"}})
        held_during.append([(r["ID"], r["ERROR"]) for r in rows])

    with _app(emu) as b24:
        dead = b24.call("event.offline.get", {"clear": 0, "process_id": "slot-9"})["events"]
        assert len(dead) == 3  # reserved by a run of slot-9 that died
        run = OfflineConsumer(b24, dispatcher, process_id="slot-9").run(idle_timeout=0)
        assert (run.recovered, run.processed, run.batches) == (3, 3, 1)
        ids = [e["ID"] for e in dead]
        # each handled alone and already marked ERROR=1 (a worker dying here leaves it marked, not looping)
        assert held_during == [
            [(ids[0], "1"), (ids[1], "0"), (ids[2], "0")],
            [(ids[1], "1"), (ids[2], "0")],
            [(ids[2], "1")],
        ]
        assert _queue(b24) == []


def test_a_second_live_run_of_one_process_id_is_refused(emu: Emulator) -> None:
    _leads(emu, 3)
    inside = threading.Event()
    release = threading.Event()
    dispatcher = Dispatcher()

    @dispatcher.on("ONCRMLEADADD")
    def lead_added(event: Event, _b24: Bitrix24) -> None:
        inside.set()
        release.wait(10)

    with _app(emu) as b24:
        first = OfflineConsumer(b24, dispatcher, process_id="w1")
        thread = threading.Thread(target=first.run, kwargs={"idle_timeout": 0})
        thread.start()
        assert inside.wait(10)
        before = emu.stats.requests
        try:
            with pytest.raises(InvalidInputError, match="already running"):
                first.run(idle_timeout=0)  # the same consumer, another thread
            with pytest.raises(InvalidInputError, match="already running"):
                OfflineConsumer(b24, dispatcher, process_id="w1").run(idle_timeout=0)  # another, same id
            assert emu.stats.requests == before  # refused before any request
        finally:
            release.set()
            thread.join(30)
        assert OfflineConsumer(b24, Dispatcher(), process_id="w1").run(idle_timeout=0).reason == "idle"


def test_async_consumer_refuses_a_second_concurrent_run(emu: Emulator) -> None:
    _leads(emu, 5)
    seen: list[int] = []
    dispatcher = Dispatcher()

    @dispatcher.on("ONCRMLEADADD")
    async def lead_added(event: Event, _b24: AsyncBitrix24) -> None:
        await asyncio.sleep(0.01)
        assert event.id is not None
        seen.append(event.id)

    async def main() -> list[Any]:
        async with AsyncBitrix24(auth=_auth(emu), transport=emu.transport(), limits="off") as ab24:
            consumer = AsyncOfflineConsumer(ab24, dispatcher)
            return await asyncio.gather(
                consumer.run(idle_timeout=0), consumer.run(idle_timeout=0), return_exceptions=True
            )

    results = asyncio.run(main())
    assert sum(isinstance(r, InvalidInputError) for r in results) == 1
    assert sorted(seen) == sorted(set(seen))
    assert len(seen) == 5


def test_recovery_settings_are_checked() -> None:
    with Emulator(limits="off").client(limits="off") as b24:
        for bad in ({"retry_failed": -1}, {"retry_failed": 1.5}, {"adopt_after": 0}, {"adopt_after": "1"}):
            with pytest.raises(InvalidInputError):
                OfflineConsumer(b24, Dispatcher(), **bad)
