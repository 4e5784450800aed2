"""The entry points as a user starts them: ``python -m bitrix24_toolkit`` and ``b24 emulator serve``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx

from bitrix24_toolkit.cli.demo import HEADER


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BITRIX24_WEBHOOK_URL", "B24_DEBUG")}
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def test_python_m_shows_the_help() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bitrix24_toolkit", "--help"],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Usage: b24" in done.stdout
    assert "emulator" in done.stdout


def test_python_m_reports_usage_errors_in_two_lines() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bitrix24_toolkit", "call"],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "error: Missing argument 'METHOD'.",
        "hint: run 'b24 call --help' to see the usage",
    ]


def test_emulator_serve_prints_the_url_first_and_serves_until_stopped(tmp_path: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "bitrix24_toolkit",
        "emulator",
        "serve",
        "--port",
        "0",
        "--limits",
        "off",
    ]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(), cwd=tmp_path
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        try:
            url = process.stdout.readline().strip()
            assert url.startswith("http://127.0.0.1:")
            assert url.endswith("/")
            answer = httpx.post(
                url + "crm.company.list.json", json={"filter": {"IS_MY_COMPANY": "Y"}}, timeout=10
            )
            assert answer.json()["result"][0]["TITLE"] == "Солнечный ветер"  # the demo seed by default
        finally:
            process.terminate()
            _, errors = process.communicate(timeout=20)
    assert process.returncode == 0
    assert "Traceback" not in errors


def test_demo_header_names_the_portal_as_not_yours() -> None:
    assert "not your portal" in HEADER
    assert json.dumps(HEADER)
