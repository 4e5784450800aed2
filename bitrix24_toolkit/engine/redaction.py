"""Keeping secrets out of text: webhook secrets and OAuth tokens never reach logs, errors or ``repr()``.

Every client registers its secrets here. :func:`redact` replaces them in any text we produce, and
:class:`SecretFilter`, attached to the ``httpx``, ``httpcore`` and ``bitrix24_toolkit`` loggers, scrubs
records written by httpx itself (its INFO line ``HTTP Request: POST https://.../rest/1/<secret>/...``
would otherwise print the webhook secret).
"""

from __future__ import annotations

import bisect
import collections
import contextlib
import contextvars
import logging
import threading
from collections.abc import Iterator
from typing import Final

__all__ = [
    "MASK",
    "MAX_TRANSIENT_SECRETS",
    "SecretFilter",
    "install_log_filter",
    "redact",
    "register_secret",
    "transient_secrets",
]

MASK: Final = "***"
#: Shorter strings are not treated as secrets (they would mask ordinary words).
_MIN_SECRET_LENGTH: Final = 6

#: Secrets registered inside :func:`transient_secrets` (the tokens of one event, one request) are kept
#: up to this many, the least recently registered forgotten first: an event server sees new tokens with
#: every event, and the cost of masking grows with the registry.
MAX_TRANSIENT_SECRETS: Final = 1024

_lock = threading.Lock()
#: secrets kept for the life of the process (webhook secrets, client secrets, long-lived tokens)
_secrets: set[str] = set()
#: secrets of short-lived work, bounded (insertion order = recency)
_transient: collections.OrderedDict[str, None] = collections.OrderedDict()
_by_length: list[str] = []  # both kinds, longest first
_ordered: tuple[str, ...] = ()
_installed = False
#: the secrets registered by the transient block running in this context (None: not in one)
_in_transient_scope: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "b24_transient", default=None
)
#: how many running blocks registered each transient secret: a pinned secret is never forgotten, so the
#: tokens of an event still being handled stay masked however many other events arrive meanwhile
_pins: dict[str, int] = {}


@contextlib.contextmanager
def transient_secrets() -> Iterator[None]:
    """Register the secrets seen inside this block as transient (bounded by :data:`MAX_TRANSIENT_SECRETS`,
    counting only blocks that have ended: a running block's secrets stay registered until it ends)."""
    mine: list[str] = []
    reset = _in_transient_scope.set(mine)
    try:
        yield
    finally:
        _in_transient_scope.reset(reset)
        with _lock:
            for secret in mine:
                left = _pins.get(secret, 0) - 1
                if left > 0:
                    _pins[secret] = left
                else:
                    _pins.pop(secret, None)
            _evict()


def _evict() -> None:
    """Forget the least recently registered unpinned transient secrets beyond the bound (under _lock)."""
    global _ordered
    if len(_transient) <= MAX_TRANSIENT_SECRETS:
        return
    for old in [secret for secret in _transient if secret not in _pins]:
        if len(_transient) <= MAX_TRANSIENT_SECRETS:
            break
        del _transient[old]
        _by_length.remove(old)
    _ordered = tuple(_by_length)


def _insert(secret: str) -> None:
    # Longest first, so a secret that contains another is masked whole.
    bisect.insort(_by_length, secret, key=lambda item: -len(item))


def register_secret(secret: str | None) -> None:
    """Remember a secret so that :func:`redact` and the log filter mask it from now on."""
    global _ordered
    if not secret or len(secret) < _MIN_SECRET_LENGTH:
        return
    with _lock:
        if secret in _secrets:
            return
        scope = _in_transient_scope.get()
        if scope is not None:
            if secret not in scope:
                scope.append(secret)
                _pins[secret] = _pins.get(secret, 0) + 1
            if secret in _transient:
                _transient.move_to_end(secret)
                return
            _transient[secret] = None
            _insert(secret)
            _evict()
        else:
            if _transient.pop(secret, 0) is None:
                _by_length.remove(secret)
            _secrets.add(secret)
            _insert(secret)
        _ordered = tuple(_by_length)
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
