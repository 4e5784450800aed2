"""Webhook URLs are checked before any request and never shown with their secret."""

from __future__ import annotations

import pytest

from bitrix24_toolkit import Bitrix24
from bitrix24_toolkit.engine.webhook import parse_webhook_url
from bitrix24_toolkit.errors import InvalidInputError

SECRET = "8g9l071eismy9q2l"


@pytest.mark.parametrize(
    ("url", "base"),
    [
        (f"https://example.bitrix24.com/rest/1/{SECRET}/", f"https://example.bitrix24.com/rest/1/{SECRET}/"),
        (f"https://example.bitrix24.com/rest/17/{SECRET}", f"https://example.bitrix24.com/rest/17/{SECRET}/"),
        (f"  http://127.0.0.1:8080/rest/1/{SECRET}/ ", f"http://127.0.0.1:8080/rest/1/{SECRET}/"),
        (
            f"https://crm.example.ru/portal/rest/1/{SECRET}/",
            f"https://crm.example.ru/portal/rest/1/{SECRET}/",
        ),
        (f"https://EXAMPLE.bitrix24.com/rest/1/{SECRET}/", f"https://example.bitrix24.com/rest/1/{SECRET}/"),
    ],
)
def test_valid_urls(url: str, base: str) -> None:
    parsed = parse_webhook_url(url)
    assert parsed.base == base
    assert parsed.method_url("crm.deal.get") == base + "crm.deal.get"
    assert SECRET not in str(parsed)
    assert SECRET not in repr(parsed)


@pytest.mark.parametrize(
    ("url", "needle"),
    [
        (None, "BITRIX24_WEBHOOK_URL"),
        ("", "BITRIX24_WEBHOOK_URL"),
        (f"example.bitrix24.com/rest/1/{SECRET}/", "add https://"),
        (f"ftp://example.bitrix24.com/rest/1/{SECRET}/", "use https://"),
        (f"https:///rest/1/{SECRET}/", "no portal host"),
        (f"https://example.bitrix24.com/rest/1/{SECRET}/crm.deal.list", "method name 'crm.deal.list'"),
        (f"https://example.bitrix24.com/rest/1/{SECRET}/crm.deal.list.json", "method name 'crm.deal.list'"),
        (f"https://example.bitrix24.com/rest/1/{SECRET}/profile/", "method name 'profile'"),
        (f"https://example.bitrix24.com/rest/admin/{SECRET}/", "must be a number"),
        (f"https://example.bitrix24.com/rest/1/{SECRET}/?auth=1", "remove the '?...'"),
        (f"https://example.bitrix24.com/api/1/{SECRET}/", "no /rest/<user_id>/<secret>/"),
        ("https://example.bitrix24.com/rest/1/bad$secret/", "characters"),
        (12345, "must be a str"),
    ],
)
def test_invalid_urls_say_how_to_fix_and_hide_the_secret(url: object, needle: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        parse_webhook_url(url)
    text = str(caught.value)
    assert needle in text
    assert SECRET not in text
    assert "bad$secret" not in text
    assert caught.value.field == "webhook_url"


def test_client_reads_environment_and_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    from pathlib import Path

    monkeypatch.setenv("BITRIX24_WEBHOOK_URL", f"https://env.bitrix24.com/rest/3/{SECRET}/")
    with Bitrix24() as b24:
        assert b24.domain == "env.bitrix24.com"
        assert repr(b24) == "Bitrix24(portal='https://env.bitrix24.com/rest/3/***/')"
    monkeypatch.delenv("BITRIX24_WEBHOOK_URL")
    env_file = Path(str(tmp_path)) / ".env"
    env_file.write_text(f"BITRIX24_WEBHOOK_URL=https://dotenv.bitrix24.com/rest/5/{SECRET}/\n")
    with Bitrix24.from_env(env_file) as b24:
        assert b24.domain == "dotenv.bitrix24.com"
    with pytest.raises(InvalidInputError, match=r"no \.env file"):
        Bitrix24.from_env(Path(str(tmp_path)) / "missing.env")
    monkeypatch.chdir(str(tmp_path))
    with Bitrix24.from_env() as b24:  # found upwards from the working directory
        assert b24.portal == "https://dotenv.bitrix24.com/rest/5/***/"


def test_no_url_anywhere_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BITRIX24_WEBHOOK_URL", raising=False)
    with pytest.raises(InvalidInputError, match="no Bitrix24 webhook URL"):
        Bitrix24()


def test_bad_timeout_and_method_names() -> None:
    with pytest.raises(InvalidInputError, match="timeout"):
        Bitrix24(f"https://x.bitrix24.com/rest/1/{SECRET}/", timeout=0)
    with Bitrix24(f"https://x.bitrix24.com/rest/1/{SECRET}/") as b24:
        for bad in ["", "crm deal", "../crm.deal.get", "crm.deal.get?x=1", "crm..deal"]:
            with pytest.raises(InvalidInputError, match="invalid REST method name"):
                b24.call(bad)
        with pytest.raises(InvalidInputError, match="params must be a mapping"):
            b24.call("crm.deal.get", [1, 2])  # type: ignore[arg-type]
