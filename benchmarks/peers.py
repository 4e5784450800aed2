"""What each library does for each task (runs in the worker process, against a served emulator).

Every runner returns the ids it got back (read tasks: the deals' ids, in order; task (b): the new ids)
and a note; the worker times it. Each peer runs in its intended fast mode: fast-bitrix24's concurrent
batches (``get_all``, ``call`` with a list, ``get_by_ID``, ``BitrixAsync`` for concurrent calls) and
b24pysdk's ``call_list_fast`` (keyset chains inside batches), ``call_batches`` and ``call_method``.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .tasks import SELECT, Task, lead_title

__all__ = ["RUNNERS", "Answer", "NotApplicable"]

Answer = dict[str, Any]
Runner = Callable[[Task, str, str, list[int]], Answer]


class NotApplicable(Exception):
    """The library cannot do this task (the message says why)."""


def _answer(ids: list[Any], note: str = "") -> Answer:
    return {"ids": [int(i) for i in ids], "note": note}


# --------------------------------------------------------------------------------------------- ours
def _ours_sync(url: str) -> Any:
    from bitrix24_toolkit import Bitrix24
    from bitrix24_toolkit.engine.limiter import Limiter

    return Bitrix24(url, limits=Limiter.plan("standard"))


def ours(task: Task, url: str, secret: str, ids: list[int]) -> Answer:
    """bitrix24-toolkit: ``list_all``, ``add_many``, ``get_many`` and coalesced async ``call``."""
    if task.key == "d":
        return asyncio.run(_ours_concurrent(url, ids))
    with _ours_sync(url) as b24:
        if task.key in ("a", "e"):
            return _answer([d.id for d in b24.crm.deal.list_all(select=SELECT)])
        if task.key == "b":
            done = b24.crm.lead.add_many([{"TITLE": lead_title(i)} for i in range(task.size)])
            note = f"BulkResult ok={len(done.ok)} failed={len(done.failed)} unknown={len(done.unknown)}"
            return _answer(done.values, note)
        if task.key == "c":
            return _answer([d.id for d in b24.crm.deal.get_many(ids)])
    raise NotApplicable(f"no runner for task {task.key}")


def ours_raw(task: Task, url: str, secret: str, ids: list[int]) -> Answer:
    """bitrix24-toolkit with ``raw=True``: ``list_all`` returning the portal's dicts."""
    if task.key not in ("a", "e"):
        raise NotApplicable("raw=True is measured on the read tasks only")
    with _ours_sync(url) as b24:
        return _answer([row["ID"] for row in b24.crm.deal.list_all(select=SELECT, raw=True)], "raw=True")


async def _ours_concurrent(url: str, ids: list[int]) -> Answer:
    from bitrix24_toolkit import AsyncBitrix24
    from bitrix24_toolkit.engine.limiter import Limiter

    async with AsyncBitrix24(url, limits=Limiter.plan("standard")) as b24:
        rows = await asyncio.gather(*(b24.call("crm.deal.get", {"id": i}) for i in ids))
    return _answer([row["ID"] for row in rows])


# ------------------------------------------------------------------------------------ fast-bitrix24
def fast(task: Task, url: str, secret: str, ids: list[int]) -> Answer:
    """fast-bitrix24: ``get_all``, ``call`` with a list, ``get_by_ID``, ``BitrixAsync.call`` gathered."""
    from fast_bitrix24 import Bitrix, BitrixAsync  # type: ignore[import-untyped]

    if task.key == "d":

        async def gets() -> list[Any]:
            bitrix = BitrixAsync(url, verbose=False)
            return list(await asyncio.gather(*(bitrix.call("crm.deal.get", {"ID": i}) for i in ids)))

        # a single call travels as a one-command batch and comes back keyed by its order label
        rows = [row if "ID" in row else next(iter(row.values())) for row in asyncio.run(gets())]
        return _answer([row["ID"] for row in rows], "each call is a one-command batch")
    bitrix = Bitrix(url, verbose=False)
    if task.key in ("a", "e"):
        return _answer([row["ID"] for row in bitrix.get_all("crm.deal.list", {"select": SELECT})])
    if task.key == "b":
        items = [{"fields": {"TITLE": lead_title(i)}} for i in range(task.size)]
        return _answer(list(bitrix.call("crm.lead.add", items)), "ids in completion order")
    if task.key == "c":
        found = bitrix.get_by_ID("crm.deal.get", ids)
        return _answer([row["ID"] for row in found.values()], "get_by_ID: batches of crm.deal.get")
    raise NotApplicable(f"no runner for task {task.key}")


# ----------------------------------------------------------------------------------------- b24pysdk
def _sdk_token(url: str, secret: str) -> Any:
    sdk = importlib.import_module("b24pysdk")
    caller = importlib.import_module("b24pysdk.api.callers.call_method")
    # b24pysdk hard-codes https://; the served emulator speaks plain HTTP on loopback.
    caller._MethodCaller._base_url = property(lambda self: f"http://{self._domain}/rest")
    return sdk.BitrixWebhook(domain=url.split("/")[2], webhook_token=f"1/{secret}")


def b24pysdk(task: Task, url: str, secret: str, ids: list[int]) -> Answer:
    """b24pysdk: ``call_list_fast`` (keyset chains in batches), ``call_batches``, threaded ``call_method``."""
    token = _sdk_token(url, secret)
    if task.key in ("a", "e"):
        rows = token.call_list_fast("crm.deal.list", {"select": SELECT})["result"]
        return _answer([row["ID"] for row in rows], "call_list_fast")
    if task.key == "b":
        methods = {f"l{i}": ("crm.lead.add", {"fields": {"TITLE": lead_title(i)}}) for i in range(task.size)}
        answer = token.call_batches(methods)["result"]
        results = answer["result"]
        values = results.values() if isinstance(results, dict) else results
        return _answer(list(values), f"call_batches; {len(answer.get('result_error') or {})} command errors")
    if task.key == "c":
        params = {"filter": {"@ID": ids}, "select": SELECT}
        rows = token.call_list_fast("crm.deal.list", params)["result"]
        return _answer([row["ID"] for row in rows], "call_list_fast with an explicit @ID filter")
    if task.key == "d":
        with ThreadPoolExecutor(max_workers=len(ids)) as pool:
            rows = list(pool.map(lambda i: token.call_method("crm.deal.get", {"id": i})["result"], ids))
        return _answer([row["ID"] for row in rows], "no async API: one thread per call")
    raise NotApplicable(f"no runner for task {task.key}")


RUNNERS: dict[str, Runner] = {"ours": ours, "ours-raw": ours_raw, "fast": fast, "b24pysdk": b24pysdk}
