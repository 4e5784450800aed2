"""What each worker process of the several-processes benchmark does (started with ``multiprocessing`` spawn).

Every worker imports and builds its client first, says ``ready`` on the queue, waits for the common start
signal, does its work and puts one ``done`` message with what it saw: no exception escapes, so a worker that
sends no ``done`` has crashed. The harness compares what the workers report with what the server holds.
"""

from __future__ import annotations

import hashlib
import logging
import time
import traceback
from typing import Any

__all__ = ["crm_worker", "digest", "lead_title", "oauth_worker"]

#: the fields the read asks for (ids are what the exactness check compares)
SELECT = ["ID", "TITLE", "STAGE_ID"]


def lead_title(tag: str, worker: int, number: int) -> str:
    """The unique title of one lead written by one worker in one run."""
    return f"{tag}-w{worker}-{number}"


def digest(ids: list[int]) -> str:
    """A short fingerprint of a set of ids (sorted, so any order gives the same one)."""
    return hashlib.sha256(",".join(map(str, sorted(ids))).encode()).hexdigest()[:16]


def _limits(spec: dict[str, Any]) -> Any:
    """``"standard"``: this process's own limiter; ``"redis"``: the bucket shared through Redis."""
    if spec["limits"] == "redis":
        from bitrix24_toolkit.distributed import RedisLimits

        return RedisLimits(spec["redis_url"], plan=spec.get("plan", "standard"))
    return spec.get("plan", "standard")


class _Warnings(logging.Handler):
    """Counts the library's retry warnings (and keeps the first few) instead of printing them."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.retries = 0
        self.other: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if "; retry " in text:
            self.retries += 1
        elif len(self.other) < 3:
            self.other.append(text[:200])


def _quiet() -> _Warnings:
    handler = _Warnings()
    library = logging.getLogger("bitrix24_toolkit")
    library.addHandler(handler)
    library.propagate = False
    return handler


def _error(exc: BaseException) -> str:
    return traceback.format_exception_only(exc)[-1].strip()[:300]


def _snapshot(client: Any) -> dict[str, Any]:
    try:
        state = client.limits
    except Exception as exc:  # a shared limiter's snapshot may need Redis
        return {"snapshot_error": _error(exc)}
    if state is None:
        return {}
    return {"waits": state.waits, "waited_s": round(state.waited_seconds, 2), "penalties": state.penalties}


def crm_worker(spec: dict[str, Any], start: Any, out: Any) -> None:
    """Add ``spec["leads"]`` leads (unique titles) with ``add_many``, then read every deal ``spec["reads"]``
    times with ``list_all``."""
    index = spec["index"]
    report: dict[str, Any] = {"index": index, "errors": []}
    warnings = _quiet()
    try:
        from bitrix24_toolkit import Bitrix24

        client = Bitrix24(spec["url"], limits=_limits(spec), timeout=120)
        client.crm.lead, client.crm.deal  # noqa: B018 - load the typed namespaces before the clock
    except Exception as exc:
        report["errors"].append(f"setup: {_error(exc)}")
        out.put(("ready", index))
        out.put(("done", index, report))
        return
    out.put(("ready", index))
    if not start.wait(120):
        report["errors"].append("no start signal")
        out.put(("done", index, report))
        return
    began = time.perf_counter()
    with client:
        if spec["leads"]:
            rows = [{"TITLE": lead_title(spec["tag"], index, i)} for i in range(spec["leads"])]
            try:
                done = client.crm.lead.add_many(rows)
                report["leads_ok"] = len(done.ok)
                bad = [i for i in done.items if i.outcome != "ok"]
                report["errors"].extend(f"lead {i.outcome}: {i.error}" for i in bad[:3])
                if len(bad) > 3:
                    report["errors"].append(f"... {len(bad) - 3} more leads not written")
            except Exception as exc:
                report["errors"].append(f"add_many: {_error(exc)}")
        report["reads"] = []
        for _ in range(spec["reads"]):
            try:
                ids = [int(row["ID"]) for row in client.crm.deal.list_all(select=SELECT, raw=True)]
            except Exception as exc:
                report["errors"].append(f"list_all: {_error(exc)}")
                continue
            report["reads"].append({"rows": len(ids), "unique": len(set(ids)), "digest": digest(ids)})
        report["wall"] = time.perf_counter() - began
        report.update(_snapshot(client))
    report["retries"], report["warnings"] = warnings.retries, warnings.other
    out.put(("done", index, report))


def oauth_worker(spec: dict[str, Any], start: Any, out: Any) -> None:
    """One client on an expired access token: its first call must refresh (or adopt another's refresh)."""
    index = spec["index"]
    report: dict[str, Any] = {"index": index, "errors": []}
    warnings = _quiet()
    try:
        from bitrix24_toolkit import Bitrix24, OAuth
        from bitrix24_toolkit.engine.oauth import OAuthTokens

        tokens = OAuthTokens.from_response(spec["tokens"])
        store = None
        if spec["store"] == "redis":
            from bitrix24_toolkit.distributed import RedisTokenStore

            store = RedisTokenStore(spec["redis_url"], key=spec["key"])
        auth = OAuth(
            client_id=spec["client_id"],
            client_secret=spec["client_secret"],
            tokens=tokens,
            store=store,
            token_url=spec["token_url"],
        )
        client = Bitrix24(auth=auth, limits="standard", timeout=60)
    except Exception as exc:
        report["errors"].append(f"setup: {_error(exc)}")
        out.put(("ready", index))
        out.put(("done", index, report))
        return
    out.put(("ready", index))
    if not start.wait(120):
        report["errors"].append("no start signal")
        out.put(("done", index, report))
        return
    began = time.perf_counter()
    with client:
        try:
            report["user"] = client.call("user.current")["ID"]
        except Exception as exc:
            report["errors"].append(f"user.current: {_error(exc)}")
    report["wall"] = time.perf_counter() - began
    report["retries"], report["warnings"] = warnings.retries, warnings.other
    out.put(("done", index, report))
