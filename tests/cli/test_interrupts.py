"""Ctrl+C, start-up and the ``cli`` extra, with real processes (issue 17): one ``interrupted`` line and exit
130 whenever the interrupt lands; ``b24 --version`` without the heavy imports; no typer/rich, one line."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bitrix24_toolkit.cli import EXTRA_MISSING, INTERRUPTED
from bitrix24_toolkit.testing.emulator import Emulator
from bitrix24_toolkit.testing.emulator.cost import CostModel

from .conftest import Invoke

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

#: the console script's own two lines (pip writes them into bin/b24), for a start-up we can slow down
ENTRY = "from bitrix24_toolkit.cli import main\nsys.exit(main())\n"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BITRIX24_WEBHOOK_URL", "B24_DEBUG")}
    env.update(PYTHONIOENCODING="utf-8", COLUMNS="80", **extra)
    return env


def b24_script() -> list[str]:
    """The installed ``b24`` console script (else the same entry point through ``python -c``)."""
    script = Path(sys.executable).with_name("b24")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys\n" + ENTRY]


@pytest.fixture
def slow_portal() -> Iterator[tuple[Emulator, str]]:
    """A served portal that takes 8 s to answer each request: ``(emulator, webhook URL)``."""
    emu = Emulator(limits="off", cost=CostModel(per_request=8.0, sleep=True))
    with emu.serve() as url:
        yield emu, url


def wait_for_request(emu: Emulator, timeout: float = 30.0) -> None:
    """Until the portal has received a request (it is now busy answering it)."""
    deadline = time.monotonic() + timeout
    while emu.stats.requests == 0:
        assert time.monotonic() < deadline, "the command sent no request"
        time.sleep(0.02)


def assert_interrupted(process: subprocess.Popen[str], stderr: str) -> None:
    assert process.returncode == 130, stderr
    assert stderr == f"{INTERRUPTED}\n"


# ---------------------------------------------------------------------------------------- Ctrl+C
def test_ctrl_c_during_a_request_prints_one_line_and_exits_130(slow_portal: tuple[Emulator, str]) -> None:
    emu, url = slow_portal
    with subprocess.Popen(
        [*b24_script(), "list", "deal"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(BITRIX24_WEBHOOK_URL=url),
    ) as process:
        wait_for_request(emu)
        started = time.monotonic()
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert time.monotonic() - started < 5  # not after the portal's 8 s answer
    assert out == ""
    assert_interrupted(process, err)


def test_two_ctrl_c_still_print_one_line(slow_portal: tuple[Emulator, str]) -> None:
    emu, url = slow_portal
    with subprocess.Popen(
        [*b24_script(), "call", "user.current"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(BITRIX24_WEBHOOK_URL=url),
    ) as process:
        wait_for_request(emu)
        process.send_signal(signal.SIGINT)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    assert_interrupted(process, err)


def test_ctrl_c_while_the_package_imports(tmp_path: Path) -> None:
    # the entry point exactly as the console script runs it, with the import of httpx (inside main, while
    # the package loads) held for a while so that the interrupt lands there deterministically
    code = textwrap.dedent(
        """
        import sys, time
        class Slow:
            def find_spec(self, name, path=None, target=None):
                if name == "httpx":
                    print("importing httpx", flush=True)
                    time.sleep(30)
                return None
        sys.meta_path.insert(0, Slow())
        sys.argv = ["b24", "list", "deal"]
        """
    )
    with subprocess.Popen(
        [sys.executable, "-c", code + ENTRY],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
        cwd=tmp_path,
    ) as process:
        assert process.stdout is not None
        assert process.stdout.readline() == "importing httpx\n"
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    assert_interrupted(process, err)


@pytest.mark.parametrize("delay", [0.0, 0.3, 0.6, 1.0])
def test_ctrl_c_at_any_moment_of_a_command(tmp_path: Path, delay: float) -> None:
    with subprocess.Popen(
        [*b24_script(), "list", "deal"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
        cwd=tmp_path,
    ) as process:
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    if process.returncode == -signal.SIGINT:
        # so early that the interpreter had not started, or so late that the command had printed everything
        # and Python was shutting down: the system ended it (a shell says 130), silently
        assert (out, err) == ("", "") or "crm.deal.list: 163 rows" in out, (out, err)
        assert "Traceback" not in err
        return
    if process.returncode == 0:  # the command was done before the interrupt came (a fast machine)
        assert "crm.deal.list" in out
        return
    assert "Traceback" not in err
    assert process.returncode == 130, err
    assert err.splitlines().count(INTERRUPTED) == 1
    assert err.endswith(f"{INTERRUPTED}\n")  # the demo banner may come first


def test_an_abort_seen_by_click_is_one_line_too(b24: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    # click turns a Ctrl+C inside a prompt into typer.Abort; a KeyboardInterrupt inside a command reaches
    # our handler through click's invoke: both end the same way
    import typer

    from bitrix24_toolkit.cli import commands_holding

    def abort(*args: object, **kwargs: object) -> None:
        raise typer.Abort()

    def interrupt(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    for effect in (abort, interrupt):
        monkeypatch.setattr(commands_holding, "holding_tree", effect)
        run = b24("--demo", "holding", "tree")
        assert run.code == 130
        assert run.stderr.splitlines()[-1] == INTERRUPTED
        assert run.stderr.count(INTERRUPTED) == 1
        assert "Aborted" not in run.text


# --------------------------------------------------------------------------------------- start-up
def test_version_is_fast_and_imports_nothing_heavy() -> None:
    probe = textwrap.dedent(
        """
        import sys
        from bitrix24_toolkit.cli import main
        code = main(["--version"])
        heavy = ("httpx", "pydantic", "typer", "rich", "bitrix24_toolkit.client")
        heavy = sorted(m for m in heavy if m in sys.modules)
        print(code, heavy)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=_env(), timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "0 []"
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        run = subprocess.run([*b24_script(), "--version"], capture_output=True, text=True, env=_env())
        best = min(best, time.perf_counter() - started)
        assert run.returncode == 0
        assert run.stdout.startswith("bitrix24-toolkit ")
    assert best < 0.3, f"b24 --version took {best:.3f} s"


def test_the_package_root_imports_lazily_and_keeps_its_names() -> None:
    probe = textwrap.dedent(
        """
        import sys
        import bitrix24_toolkit as package
        print("httpx" in sys.modules, "pydantic" in sys.modules)
        print(" ".join(dir(package)))
        from bitrix24_toolkit import Bitrix24, AsyncBitrix24, RetryPolicy, errors, Call, APIResponse
        from bitrix24_toolkit.client import Bitrix24 as B
        from bitrix24_toolkit.engine.retry import RetryPolicy as R
        print(Bitrix24 is B, RetryPolicy is R, errors is sys.modules["bitrix24_toolkit.errors"])
        print(all(getattr(package, name) is not None for name in package.__all__))
        """
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "False False"
    public = {
        "APIError", "APIResponse", "AsyncBitrix24", "Bitrix24", "Bitrix24Error", "Call", "InvalidInputError",
        "JSONFileTokenStore", "MemoryTokenStore", "OAuth", "OAuthTokens", "RetryPolicy", "TokenStore",
        "__version__", "errors",
    }  # fmt: skip
    names = set(lines[1].split())
    assert public <= names
    assert {"client", "engine", "protocol", "_version"} <= names  # as when everything was imported eagerly
    assert not names & {"importlib", "TYPE_CHECKING", "Any", "Final", "annotations"}
    assert lines[2:] == ["True True True", "True"]
    import bitrix24_toolkit

    assert set(bitrix24_toolkit.__all__) == public
    with pytest.raises(AttributeError, match="no_such_name"):
        bitrix24_toolkit.no_such_name  # noqa: B018


@pytest.mark.parametrize("hidden", [("typer", "rich"), ("rich",), ("typer",)])
def test_without_the_cli_extra_one_clear_line(tmp_path: Path, hidden: tuple[str, ...]) -> None:
    code = "import sys\n" + "".join(f"sys.modules[{name!r}] = None\n" for name in hidden)
    code += "sys.argv = ['b24', 'demo']\n" + ENTRY
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=_env(), cwd=tmp_path, timeout=60
    )
    assert done.returncode == 1
    assert done.stderr == EXTRA_MISSING + "\n"
    assert done.stdout == ""
    assert EXTRA_MISSING == "the b24 command needs the cli extra: pip install 'bitrix24-toolkit[cli]'"
