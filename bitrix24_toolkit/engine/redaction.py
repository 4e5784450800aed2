"""Keeping secrets out of text: webhook secrets and OAuth tokens never reach logs, errors or ``repr()``.

Every client registers its secrets here. :func:`redact` replaces them in any text we produce, and
:class:`SecretFilter`, attached to the ``httpx``, ``httpcore`` and ``bitrix24_toolkit`` loggers, scrubs
records written by httpx itself (its INFO line ``HTTP Request: POST https://.../rest/1/<secret>/...``
would otherwise print the webhook secret).
"""

from __future__ import annotations

import logging
import threading
from typing import Final

__all__ = ["MASK", "SecretFilter", "install_log_filter", "redact", "register_secret"]

MASK: Final = "***"
#: Shorter strings are not treated as secrets (they would mask ordinary words).
_MIN_SECRET_LENGTH: Final = 6

_lock = threading.Lock()
_secrets: set[str] = set()
_ordered: tuple[str, ...] = ()
_installed = False


def register_secret(secret: str | None) -> None:
    """Remember a secret so that :func:`redact` and the log filter mask it from now on."""
    global _ordered
    if not secret or len(secret) < _MIN_SECRET_LENGTH:
        return
    with _lock:
        if secret in _secrets:
            return
        _secrets.add(secret)
        # Longest first, so a secret that contains another is masked whole.
        _ordered = tuple(sorted(_secrets, key=len, reverse=True))
    install_log_filter()


def redact(text: str) -> str:
    """``text`` with every registered secret replaced by ``***``."""
    for secret in _ordered:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


class SecretFilter(logging.Filter):
    """A logging filter that masks registered secrets in the formatted message of each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message with secrets masked; never drops a record."""
        if not _ordered:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is not ours to fix; leave the record alone
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


_FILTER = SecretFilter()


def install_log_filter() -> None:
    """Attach the secret filter to the loggers that may see our URLs (idempotent)."""
    global _installed
    if _installed:
        return
    for name in ("httpx", "httpcore", "bitrix24_toolkit"):
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
    _installed = True
