"""Offline events: the portal queues changes, a pool of workers drains the queue (no public handler URL).

An application behind a firewall subscribes with ``event_type=offline`` (``sync_subscriptions(...,
event_type="offline")``); every CRM change is then kept in a queue on the portal's side, one record per
object. Workers (``OfflineConsumer``) reserve batches with ``event.offline.get``, run the handlers and
confirm with ``event.offline.clear`` — or mark failures with ``event.offline.error`` (``retry_failed``
tries those again, a bounded number of times). A worker that dies holding a batch does not lose it: an idle
worker adopts a batch held unchanged for ``adopt_after`` seconds. Here everything runs against the built-in
demo portal, with two workers in threads and a third that "crashed" with a batch reserved.

    python examples/offline_events.py
"""

from __future__ import annotations

import threading

from bitrix24_toolkit import Bitrix24
from bitrix24_toolkit.client import OAuth, OAuthTokens
from bitrix24_toolkit.events import Dispatcher, Event, OfflineConsumer, OfflineRun, reserved_batches
from bitrix24_toolkit.helpers import sync_subscriptions
from bitrix24_toolkit.testing import Emulator

CLIENT_ID, CLIENT_SECRET = "local.offline-sync", "app-secret"
CONNECTOR = "warehouse_sync"  # the source key: our own writes do not come back into our queue


def app_client(emu: Emulator) -> Bitrix24:
    """The application's OAuth client (offline events need an application and an administrator)."""
    tokens = OAuthTokens.from_response(emu.issue_tokens(CLIENT_ID, CLIENT_SECRET))
    auth = OAuth(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, tokens=tokens, token_url=emu.token_url)
    return Bitrix24(auth=auth, transport=emu.transport(), limits="off")


def make_dispatcher(exported: dict[int, str], lock: threading.Lock) -> Dispatcher:
    """The handlers: the record carries only the deal's id, so read the deal and export it."""
    dispatcher = Dispatcher()

    @dispatcher.on("ONCRMDEALUPDATE", "ONCRMDEALADD")
    def export_deal(event: Event, b24: Bitrix24) -> None:
        if event.id is None:
            return
        deal = b24.crm.deal.get(event.id)
        with lock:
            exported[event.id] = f"{deal.title} ({deal.stage_id}, {deal.opportunity} {deal.currency_id})"
        # a write of our own, with our source key: not queued again for us (no cycle)
        b24.call(
            "crm.deal.update",
            {"id": event.id, "fields": {"COMMENTS": "exported"}, "auth_connector": CONNECTOR},
        )

    return dispatcher


def main() -> None:
    emu = Emulator.demo(limits="off")
    with app_client(emu) as b24:
        changes = sync_subscriptions(
            b24, None, ["ONCRMDEALUPDATE", "ONCRMDEALADD"], event_type="offline", auth_connector=CONNECTOR
        )
        print(f"offline subscriptions bound: {list(changes.bound)} (queue {CONNECTOR!r})")

    with emu.client(limits="off") as manager:  # managers work in the CRM meanwhile
        deals = manager.crm.deal.list(filter={"stage_semantic_id": "P"}, select=["id"]).items[:12]
        for deal in deals:
            assert deal.id is not None
            manager.crm.deal.update(deal.id, {"opportunity": 99000})
        manager.crm.deal.update(deals[0].id or 0, {"comments": "second change of the same deal"})
        new_id = manager.crm.deal.add({"title": "Offline-sync demo deal", "opportunity": 5000})
    with app_client(emu) as b24:
        queued = b24.call_full("event.offline.list", {"auth_connector": CONNECTOR}).total
    print(f"{len(deals) + 2} CRM changes -> {queued} queued records (one per object)")
    with app_client(emu) as b24:  # a worker that reserved a batch, then was killed before clearing it
        params = {"clear": 0, "process_id": "sync-worker-0", "limit": 3, "auth_connector": CONNECTOR}
        stranded = len(b24.call("event.offline.get", params)["events"])
        held = reserved_batches(b24, auth_connector=CONNECTOR)
        print(f"sync-worker-0 died holding {stranded} records: {held}")

    exported: dict[int, str] = {}
    lock = threading.Lock()
    runs: list[OfflineRun] = []
    start = threading.Barrier(2)

    def worker(name: str) -> None:
        with app_client(emu) as b24:
            consumer = OfflineConsumer(
                b24,
                make_dispatcher(exported, lock),
                process_id=name,
                batch_size=2,
                auth_connector=CONNECTOR,
                retry_failed=2,  # records marked ERROR=1: up to 2 attempts in this run
                adopt_after=0.3,  # the demo's pace; keep the default 600 s (well above a batch's time)
                poll_interval=0.05,
            )
            start.wait()
            run = consumer.run(idle_timeout=1.0)  # a daemon would pass idle_timeout=None and call stop()
        with lock:
            runs.append(run)

    threads = [threading.Thread(target=worker, args=(f"sync-worker-{n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for run in sorted(runs, key=lambda r: r.process_id):
        print(
            f"{run.process_id}: {run.processed} processed in {run.batches} batches "
            f"({run.adopted} adopted from a dead worker), errors {run.failed}"
        )
    print(f"exported {len(exported)} deals, e.g. #{new_id}: {exported[new_id]}")
    with app_client(emu) as b24:
        left = b24.call_full("event.offline.list", {"auth_connector": CONNECTOR}).total
    print(f"left in the queue: {left} (our own updates were not queued: auth_connector)")


if __name__ == "__main__":
    main()
