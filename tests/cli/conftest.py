"""Fixtures for the ``b24`` command tests: a runner in an empty directory with no portal configured."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bitrix24_toolkit.cli import app


@dataclass
class Run:
    """What one ``b24`` invocation printed and returned."""

    code: int
    stdout: str
    stderr: str

    @property
    def text(self) -> str:
        """Everything printed."""
        return self.stdout + self.stderr


Invoke = Callable[..., Run]


@pytest.fixture
def b24(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    """``b24("list", "deal")`` runs the command in an empty directory, without BITRIX24_WEBHOOK_URL."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BITRIX24_WEBHOOK_URL", raising=False)
    monkeypatch.delenv("B24_DEBUG", raising=False)
    monkeypatch.setenv("COLUMNS", "160")
    runner = CliRunner()

    def invoke(*args: str, env: dict[str, str] | None = None) -> Run:
        result = runner.invoke(app, list(args), env=env)
        return Run(result.exit_code, result.stdout, result.stderr)

    return invoke


def assert_clean_failure(run: Run, code: int) -> None:
    """A failure as the CLI promises: this exit code, ``error:`` and ``hint:`` lines, no traceback."""
    assert run.code == code, run.text
    assert "Traceback" not in run.text
    lines = [line for line in run.stderr.splitlines() if line.startswith(("error: ", "hint: "))]
    assert [line.split(":")[0] for line in lines] == ["error", "hint"], run.stderr


@pytest.fixture(scope="session")
def demo_state(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo portal built once and saved, so that each command starts from a copy in milliseconds."""
    from bitrix24_toolkit.testing.emulator import Emulator

    path = tmp_path_factory.mktemp("demo") / "demo.json"
    Emulator.demo().save(path)
    return path


@pytest.fixture
def fast_demo(demo_state: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``Emulator.demo()`` loads the saved demo portal (same data, fresh copy per call)."""
    from bitrix24_toolkit.testing.emulator import Emulator

    def load(**options: object) -> Emulator:
        return Emulator.load(demo_state, **options)

    monkeypatch.setattr(Emulator, "demo", staticmethod(load))
