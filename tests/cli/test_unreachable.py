"""An unreachable or slow portal fails fast (issue 17): ``--timeout`` bounds the whole command, a refused
connection is tried once more at most, and the hint names where the webhook URL came from."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bitrix24_toolkit import Bitrix24, RetryPolicy, errors
from bitrix24_toolkit.testing.emulator import Emulator
from bitrix24_toolkit.testing.emulator.cost import CostModel

from .conftest import Invoke, assert_clean_failure

SECRET = "unreachable-secret-51c2"


def closed_port() -> int:
    """A local port nobody listens on (a connection to it is refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def run_b24(*args: str, url: str, cwd: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    env = {k: v for k, v in os.environ.items() if k != "B24_DEBUG"}
    env.update(BITRIX24_WEBHOOK_URL=url, PYTHONIOENCODING="utf-8", COLUMNS="200")
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bitrix24_toolkit", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=60,
    )
    return done, time.perf_counter() - started


@pytest.fixture
def slow_url() -> Iterator[str]:
    """A served portal that takes 3 s to answer each request."""
    emu = Emulator(limits="off", cost=CostModel(per_request=3.0, sleep=True))
    with emu.serve() as url:
        yield url


def test_a_refused_connection_fails_in_under_5_s_with_exit_3(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}/rest/1/{SECRET}/"
    done, seconds = run_b24("--timeout", "2", "call", "user.current", url=url, cwd=tmp_path)
    assert done.returncode == 3, done.stderr
    assert seconds < 5
    retries = [line for line in done.stderr.splitlines() if "retry" in line]
    assert len(retries) == 1  # tried once more, no more
    assert "retry 1/1" in retries[0]
    assert "Connection refused" in done.stderr or "ConnectError" in done.stderr
    assert "hint: check the portal address in BITRIX24_WEBHOOK_URL (set in the environment)" in done.stderr
    assert "Traceback" not in done.stderr
    assert SECRET not in done.stdout + done.stderr


def test_an_unknown_host_fails_fast_too(tmp_path: Path) -> None:
    url = f"http://no-such-host.invalid/rest/1/{SECRET}/"
    done, seconds = run_b24("--timeout", "2", "call", "user.current", url=url, cwd=tmp_path)
    assert done.returncode == 3, done.stderr
    assert seconds < 5
    assert sum("retry" in line for line in done.stderr.splitlines()) <= 1
    assert "BITRIX24_WEBHOOK_URL (set in the environment)" in done.stderr
    assert SECRET not in done.stdout + done.stderr


def test_timeout_bounds_the_whole_command_not_each_answer(tmp_path: Path, slow_url: str) -> None:
    # each answer takes 3 s: a 1 s deadline stops the command, whatever the retries would do
    done, seconds = run_b24("--timeout", "1", "list", "deal", url=slow_url, cwd=tmp_path)
    assert done.returncode == 3, done.stderr
    assert seconds < 5
    assert "error: b24 list stopped after 1 s (--timeout 1)" in done.stderr
    assert "pass a larger --timeout" in done.stderr
    assert done.stdout == ""


def test_a_command_within_its_timeout_runs_to_the_end(tmp_path: Path) -> None:
    emu = Emulator(limits="off")
    emu.call("crm.deal.add", {"fields": {"TITLE": "In time"}})
    with emu.serve() as url:
        done, _ = run_b24("--timeout", "20", "call", "crm.deal.get", "id=1", url=url, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert '"TITLE": "In time"' in done.stdout


def test_the_hint_names_the_dotenv_file_when_the_url_came_from_it(b24: Invoke, tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text(f"BITRIX24_WEBHOOK_URL=http://127.0.0.1:{closed_port()}/rest/1/{SECRET}/\n")
    run = b24("--timeout", "3", "call", "user.current")
    assert_clean_failure(run, 3)
    assert f"BITRIX24_WEBHOOK_URL in {dotenv}" in " ".join(run.stderr.split())
    assert SECRET not in run.text


def test_timeout_on_the_demo_portal_names_no_address(b24: Invoke) -> None:
    run = b24("--timeout", "0.1", "demo", "--no-chart")
    assert_clean_failure(run, 3)
    assert "stopped after 0.1 s" in run.stderr
    assert "hint: pass a larger --timeout" in run.stderr


# ----------------------------------------------------------------------------- RetryPolicy knob
@pytest.mark.parametrize(("connect_retries", "sleeps"), [(1, 1), (0, 0), (None, 5)])
def test_connect_retries_caps_the_retries_of_a_failed_connection(
    connect_retries: int | None, sleeps: int
) -> None:
    waits: list[float] = []
    policy = RetryPolicy(connect_retries=connect_retries, sleep=waits.append)
    with (
        Bitrix24(f"http://127.0.0.1:{closed_port()}/rest/1/{SECRET}/", retry=policy) as b24,
        pytest.raises(errors.TransportError) as caught,
    ):
        b24.call("user.current")
    assert caught.value.sent is False
    assert len(waits) == sleeps  # None: the library's default, every attempt (6) used


def test_connect_retries_leave_other_retries_alone() -> None:
    # limits and 5xx on reads are retried as before: only connection failures are capped
    from bitrix24_toolkit.testing.emulator.faults import Faults

    emu = Emulator(limits="off", faults=Faults.everywhere(seed=3, error500=0.6))
    waits: list[float] = []
    with emu.client(retry=RetryPolicy(connect_retries=0, sleep=waits.append)) as b24:
        assert b24.call("user.current")["ID"] == "1"
    assert waits  # the 500s were retried


@pytest.mark.parametrize("value", [-1, 101, True, 1.5, "1"])
def test_connect_retries_must_be_a_small_int(value: object) -> None:
    with pytest.raises(errors.InvalidInputError, match="connect_retries"):
        RetryPolicy(connect_retries=value)  # type: ignore[arg-type]
