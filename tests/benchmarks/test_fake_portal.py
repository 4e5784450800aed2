"""The benchmark's independent fake portal, run as its own process (``python -m benchmarks.fake_portal``)."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from benchmarks.fake_process import ROOT, FakePortalProcess


@pytest.fixture(scope="module")
def fast_portal() -> Iterator[FakePortalProcess]:
    """120 deals, 3 leads, no cost model, a bucket that (nearly) does not drain."""
    with FakePortalProcess(
        "--seed-deals", "120", "--seed-leads", "3", "--no-cost", "--drain", "0.001"
    ) as portal:
        yield portal


@pytest.fixture
def portal(fast_portal: FakePortalProcess) -> FakePortalProcess:
    fast_portal.reset(data=True)
    return fast_portal


def call(
    portal: FakePortalProcess, method: str, params: dict[str, Any] | None = None, **kw: Any
) -> httpx.Response:
    return httpx.post(portal.url + method, json=params or {}, timeout=30, **kw)


def test_rows_are_the_portals_legacy_string_forms(portal: FakePortalProcess) -> None:
    deal = call(portal, "crm.deal.get.json", {"id": 7}).json()["result"]
    assert deal["ID"] == "7"
    assert deal["TITLE"] == "Deal 7"
    assert re.fullmatch(r"\d+\.\d\d", deal["OPPORTUNITY"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+03:00", deal["DATE_CREATE"])
    assert deal["OPENED"] in ("Y", "N")
    assert deal["CLOSED"] in ("Y", "N")
    assert len(deal) > 40  # a full row
    assert call(portal, "crm.deal.get", {"id": 7}).json()["result"] == deal  # the same with or without .json
    lead = call(portal, "crm.lead.get", {"ID": 1}).json()["result"]
    assert lead["PHONE"][0]["TYPE_ID"] == "PHONE"
    assert lead["PHONE"][0]["VALUE"].startswith("+7")
    fields = call(portal, "crm.lead.fields").json()["result"]
    assert fields["PHONE"]["isMultiple"] is True
    assert fields["ID"]["isReadOnly"] is True
    missing = call(portal, "crm.deal.get", {"id": 121})
    assert missing.status_code == 400
    assert missing.json()["error_description"] == "Not found"


def test_wrong_secret_and_unknown_method(portal: FakePortalProcess) -> None:
    wrong = httpx.post(portal.url.replace(portal.secret, "nope") + "crm.deal.list", json={})
    assert (wrong.status_code, wrong.json()["error"]) == (401, "NO_AUTH_FOUND")
    unknown = call(portal, "crm.nothing.list")
    assert (unknown.status_code, unknown.json()["error"]) == (404, "ERROR_METHOD_NOT_FOUND")
    assert portal.secret not in wrong.text + unknown.text


def test_paging_with_start_next_and_total(portal: FakePortalProcess) -> None:
    first = call(portal, "crm.deal.list", {"select": ["ID", "TITLE"]}).json()
    assert (len(first["result"]), first["total"], first["next"]) == (50, 120, 50)
    assert set(first["result"][0]) == {"ID", "TITLE"}
    last = call(portal, "crm.deal.list", {"select": ["ID"], "start": 100}).json()
    assert [r["ID"] for r in last["result"]] == [str(i) for i in range(101, 121)]
    assert "next" not in last
    keyset = call(portal, "crm.deal.list", {"select": ["ID"], "filter": {">ID": 110}, "start": -1}).json()
    assert [r["ID"] for r in keyset["result"]] == [str(i) for i in range(111, 121)]
    assert keyset["total"] == 0
    assert "next" not in keyset
    backwards = call(portal, "crm.deal.list", {"select": ["ID"], "order": {"ID": "DESC"}, "start": -1}).json()
    assert backwards["result"][0]["ID"] == "120"
    form = "SELECT[]=ID&FILTER[%3EID]=110&START=-1"  # PHP brackets, upper-case names
    answer = httpx.post(
        portal.url + "crm.deal.list",
        content=form,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.json()["result"] == keyset["result"]
    stats = portal.stats()
    assert stats["requests"] == 5
    assert stats["rows_returned"] == 50 + 20 + 10 + 50 + 10


def test_batch_chains_pages_with_result_references(portal: FakePortalProcess) -> None:
    cmd = {"p0": "crm.deal.list?select[]=ID&order[ID]=ASC&filter[%3EID]=0&start=-1"}
    for k in range(1, 4):  # page k asks for ids above page k-1's last one, as keyset chains do
        cmd[f"p{k}"] = (
            f"crm.deal.list?select[]=ID&order[ID]=ASC&filter[%3EID]=$result[p{k - 1}][49][ID]&start=-1"
        )
    result = call(portal, "batch", {"halt": 0, "cmd": cmd}).json()["result"]
    pages = [[int(r["ID"]) for r in result["result"][f"p{k}"]] for k in range(3)]
    assert pages == [list(range(1, 51)), list(range(51, 101)), list(range(101, 121))]
    assert result["result_error"] == []
    # p3 refers to row 49 of a 20-row page: the reference is empty, as in PHP, and "" compares as 0
    assert len(result["result"]["p3"]) == 50
    numbered = call(
        portal, "batch", {"cmd": ["crm.deal.get?id=3", "crm.deal.list?select[]=ID&start=100"]}
    ).json()
    assert isinstance(numbered["result"]["result"], list)  # keys 0..n-1: PHP arrays come back as lists
    assert numbered["result"]["result_total"] == {"1": 120}
    assert numbered["result"]["result_next"] == []


def test_batch_halt_errors_and_length(portal: FakePortalProcess) -> None:
    cmd = {"a": "crm.deal.get?id=999", "b": "crm.deal.get?id=1"}
    going_on = call(portal, "batch", {"halt": 0, "cmd": cmd}).json()["result"]
    assert set(going_on["result"]) == {"b"}
    assert going_on["result_error"]["a"]["error_description"] == "Not found"
    halted = call(portal, "batch", {"halt": 1, "cmd": cmd}).json()["result"]
    assert halted["result"] == []
    assert set(halted["result_error"]) == {"a"}
    many = call(portal, "batch", {"cmd": {f"c{i}": "crm.deal.get?id=1" for i in range(51)}}).json()["result"]
    assert len(many["result"]) == 50
    assert many["result_error"]["c50"]["error"] == "ERROR_BATCH_LENGTH_EXCEEDED"
    nested = call(portal, "batch", {"cmd": {"x": "batch?cmd[y]=crm.deal.get"}}).json()["result"]
    assert nested["result_error"]["x"]["error"] == "ERROR_BATCH_METHOD_NOT_ALLOWED"


def test_lead_add_writes_what_the_harness_reads(portal: FakePortalProcess) -> None:
    answer = call(
        portal,
        "batch",
        {"cmd": {"l0": "crm.lead.add?fields[TITLE]=Bench%20lead%200", "l1": "crm.lead.add?fields[TITLE]=x"}},
    )
    assert answer.json()["result"]["result"] == {"l0": 4, "l1": 5}
    assert call(portal, "crm.lead.add", {"fields": {"TITLE": "y"}}).json()["result"] == 6
    assert portal.leads()[3:] == [(4, "Bench lead 0"), (5, "x"), (6, "y")]
    assert call(portal, "crm.lead.add", {"fields": "nope"}).status_code == 400


def test_the_bucket_refuses_the_51st_burst_request(portal: FakePortalProcess) -> None:
    codes = [call(portal, "crm.deal.get", {"id": 1}).status_code for _ in range(51)]
    assert codes[:50] == [200] * 50
    refused = call(portal, "crm.deal.get", {"id": 1})
    assert codes[50] == 503
    assert refused.json()["error"] == "QUERY_LIMIT_EXCEEDED"
    assert portal.stats()["status_503"] == 2


def test_the_bucket_drains() -> None:
    with (
        FakePortalProcess("--seed-deals", "5", "--no-cost", "--burst", "5", "--drain", "1") as portal,
        httpx.Client() as http,
    ):

        def codes(count: int) -> list[int]:
            return [http.post(portal.url + "crm.deal.get", json={"id": 1}).status_code for _ in range(count)]

        assert codes(6) == [200] * 5 + [503]
        time.sleep(2.2)  # two drained
        assert codes(2) == [200, 200]


def test_concurrent_requests_overlap() -> None:
    """20 requests of 30 ms each: serialized they would take 0.6 s; the server sleeps them side by side."""
    with FakePortalProcess("--seed-deals", "5") as portal:
        clients = [httpx.Client(timeout=30) for _ in range(20)]
        for client in clients:  # connect first, so the measured part is the requests themselves
            client.post(portal.url + "crm.deal.fields", json={})
        time.sleep(0.6)  # let the bucket drain what the warm-up took
        portal.reset()
        barrier = threading.Barrier(len(clients))
        codes: list[int] = []

        def one(client: httpx.Client) -> None:
            barrier.wait()
            codes.append(client.post(portal.url + "crm.deal.get", json={"id": 2}).status_code)

        threads = [threading.Thread(target=one, args=(c,)) for c in clients]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        for client in clients:
            client.close()
        stats = portal.stats()
    assert codes == [200] * 20
    assert elapsed < 0.3, f"{elapsed:.3f}s: the server serialized concurrent requests"
    assert stats["max_in_flight"] >= 10
    assert stats["server_time"] == pytest.approx(20 * (0.03 + 0.0002), rel=1e-3)


def test_operating_time_budget_gives_429() -> None:
    args = ("--seed-deals", "200", "--per-request", "0", "--per-row", "0.002", "--operating-limit", "0.05")
    with FakePortalProcess(*args) as portal:
        first = call(portal, "crm.deal.list", {"select": ["ID"]})  # 50 rows: 0.1 s > 0.05 s
        assert first.status_code == 200
        assert first.json()["time"]["operating"] == pytest.approx(0.1)
        blocked = call(portal, "crm.deal.list", {"select": ["ID"]})
        assert (blocked.status_code, blocked.json()["error"]) == (429, "OPERATION_TIME_LIMIT")
        other = call(portal, "crm.deal.get", {"id": 1})  # other methods go on
        assert other.status_code == 200
        inside = call(portal, "batch", {"cmd": {"x": "crm.deal.list?start=-1"}}).json()["result"]
        assert inside["result_error"]["x"]["error"] == "OPERATION_TIME_LIMIT"
        stats = portal.stats()
    assert (stats["status_429"], stats["commands_429"]) == (1, 1)


def test_scan_cost_counts_and_skips_rows_only_without_start_minus_one() -> None:
    args = ("--seed-deals", "1000", "--per-request", "0", "--per-row", "0", "--per-scanned", "0.00001")
    with FakePortalProcess(*args) as portal:
        counted = call(portal, "crm.deal.list", {"select": ["ID"], "start": 500}).json()["time"]["operating"]
        assert counted == pytest.approx((1000 + 500) * 0.00001)  # COUNT of 1000 rows, OFFSET of 500
        single = call(portal, "crm.deal.get", {"id": 1}).json()["time"]["operating"]
        assert single == 0
        free = call(portal, "batch", {"cmd": {"k": "crm.deal.list?filter[%3EID]=500&start=-1"}}).json()
        # the method's sum so far: the first list plus this command's 5 ms, nothing counted or skipped
        assert free["result"]["result_time"]["k"]["operating"] == pytest.approx(counted + 0.005)


def test_it_shares_no_code_with_the_library() -> None:
    code = (
        "import sys, benchmarks.fake_portal, benchmarks.fake_process; "
        "print(sorted(m for m in sys.modules if m.startswith('bitrix24_toolkit')))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
