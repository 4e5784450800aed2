"""With BITRIX24_WEBHOOK_URL set, commands use that portal, never print its secret, and map failures."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bitrix24_toolkit import errors
from bitrix24_toolkit.cli.failures import describe
from bitrix24_toolkit.cli.portal import DEMO_BANNER
from bitrix24_toolkit.testing.emulator import Emulator

from .conftest import Invoke, assert_clean_failure

SECRET = "tell-no-one-7f3a9c"


@pytest.fixture
def served() -> Iterator[tuple[Emulator, str]]:
    """A portal with a recognisable secret, served on localhost: ``(emulator, webhook URL)``."""
    emu = Emulator(limits="off", secret=SECRET)
    emu.call("crm.deal.add", {"fields": {"TITLE": "Served deal", "OPPORTUNITY": 100}})
    with emu.serve() as url:
        yield emu, url


def test_the_configured_portal_is_used_and_its_secret_never_printed(
    b24: Invoke, served: tuple[Emulator, str]
) -> None:
    _, url = served
    env = {"BITRIX24_WEBHOOK_URL": url}
    run = b24("call", "crm.deal.list", "select[]=ID", "select[]=TITLE", "--full", env=env)
    assert run.code == 0, run.text
    assert json.loads(run.stdout)["result"] == [{"ID": "1", "TITLE": "Served deal"}]
    assert DEMO_BANNER not in run.text
    for args in (
        ["list", "deal"],
        ["call", "crm.deal.get", "id=42"],
        ["call", "no.such.method"],
        ["funnel"],
        ["holding", "set-parent", "1", "2"],
    ):
        run = b24(*args, env=env)
        assert SECRET not in run.text, args
        assert "Traceback" not in run.text


def test_a_wrong_secret_is_an_auth_failure_and_stays_masked(
    b24: Invoke, served: tuple[Emulator, str]
) -> None:
    _, url = served
    wrong = url.replace(SECRET, "guessed-wrong-1234")
    run = b24("call", "user.current", env={"BITRIX24_WEBHOOK_URL": wrong})
    assert_clean_failure(run, 4)
    assert "INVALID_CREDENTIALS" in run.stderr
    assert "BITRIX24_WEBHOOK_URL" in run.stderr
    assert "guessed-wrong-1234" not in run.text


def test_debug_tracebacks_are_masked_too(b24: Invoke, served: tuple[Emulator, str]) -> None:
    _, url = served
    run = b24("call", "crm.deal.get", "id=42", env={"BITRIX24_WEBHOOK_URL": url, "B24_DEBUG": "1"})
    assert run.code == 1
    assert "Traceback" in run.stderr
    assert SECRET not in run.text


def test_a_malformed_url_is_bad_input_with_the_secret_masked(b24: Invoke) -> None:
    run = b24("call", "user.current", env={"BITRIX24_WEBHOOK_URL": f"portal.bitrix24.ru/rest/1/{SECRET}/"})
    assert_clean_failure(run, 2)
    assert "add https://" in run.stderr
    assert SECRET not in run.text


def test_dotenv_is_read_and_demo_flag_overrides_it(
    b24: Invoke, served: tuple[Emulator, str], tmp_path: Path
) -> None:
    _, url = served
    (tmp_path / ".env").write_text(f"BITRIX24_WEBHOOK_URL={url}\n", encoding="utf-8")
    run = b24("call", "crm.deal.get", "id=1")
    assert run.code == 0
    assert json.loads(run.stdout)["TITLE"] == "Served deal"
    run = b24("--demo", "call", "crm.deal.get", "id=1")
    assert run.code == 0
    assert run.stderr.startswith(DEMO_BANNER)
    assert json.loads(run.stdout)["TITLE"] != "Served deal"


def test_an_unreachable_portal_is_a_transport_failure(b24: Invoke) -> None:
    run = b24("call", "user.current", env={"BITRIX24_WEBHOOK_URL": f"http://127.0.0.1:9/rest/1/{SECRET}/"})
    assert_clean_failure(run, 3)
    assert "network" in run.stderr
    assert "BITRIX24_WEBHOOK_URL (set in the environment)" in run.stderr
    assert SECRET not in run.text


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (errors.AuthenticationError(code="INVALID_TOKEN", description="bad"), 4),
        (errors.PermissionDeniedError(code="insufficient_scope", description="no crm"), 4),
        (errors.NotFoundError(code="", description="Not found"), 1),
        (errors.RateLimitError(code="QUERY_LIMIT_EXCEEDED", description="Too many requests"), 1),
        (errors.RequestTimeout("no answer"), 3),
        (errors.ResponseFormatError("HTML", status_code=502, snippet="<html>", method="x"), 3),
        (errors.OutcomeUnknownError("crm.deal.add: unknown"), 3),
        (errors.InvalidInputError("bad"), 2),
        (KeyboardInterrupt(), 130),
        (RuntimeError("boom"), 1),
    ],
)
def test_exit_codes_by_error(error: BaseException, code: int) -> None:
    failure = describe(error)
    assert failure.code == code
    assert failure.message
    assert failure.hint
