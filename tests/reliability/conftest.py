"""Every reliability test runs with DEBUG logging captured, and no webhook secret may reach those logs."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bitrix24_toolkit.testing.emulator.portal import DEFAULT_SECRET

#: secrets of the portals the suite talks to (the emulator's default, the canned bad-input portal)
KNOWN_SECRETS = (DEFAULT_SECRET, "cannedsecret1")


@pytest.fixture(autouse=True)
def debug_logs_without_secrets(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Capture every log record at DEBUG; after the test, none may contain a known secret."""
    caplog.set_level(logging.DEBUG)
    yield
    text = "\n".join(record.getMessage() for record in caplog.records)
    for secret in KNOWN_SECRETS:
        assert text.count(secret) == 0, f"a webhook secret reached the logs in {len(caplog.records)} records"
