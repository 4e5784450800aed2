"""One export at a time per target: an in-process claim on a DuckDB file, and the key of a PostgreSQL
advisory lock per schema.

DuckDB locks its file against other processes only: two connections of one process share the database, so
two exports in one process (threads, or two flows of one event loop) would interleave their transactions.
:func:`claim_file` refuses the second one at once; the claim lasts until :func:`release_file`.
"""

from __future__ import annotations

import hashlib
import os
import threading

from ...errors import InvalidInputError

__all__ = ["advisory_key", "claim_file", "release_file"]

_claimed: set[str] = set()
_guard = threading.Lock()


def _forget_after_fork() -> None:
    """A forked child runs none of its parent's exports: it starts with no claims (and a fresh guard)."""
    global _guard
    _guard = threading.Lock()
    _claimed.clear()


os.register_at_fork(after_in_child=_forget_after_fork)


def file_key(path: str) -> str | None:
    """The claim key of a DuckDB path (its resolved absolute path); ``None`` for an in-memory database."""
    if path.startswith(":memory:"):
        return None
    return os.path.normcase(os.path.realpath(path))


def claim_file(path: str, shown: str) -> str | None:
    """Claim a DuckDB file for one export of this process, or InvalidInputError when one runs already."""
    key = file_key(path)
    if key is None:
        return None
    with _guard:
        if key in _claimed:
            raise InvalidInputError(
                f"another export into {shown} is running in this process (it holds the file's lock until "
                "it ends): wait for it to finish, or export into another file",
                field="target",
            )
        _claimed.add(key)
    return key


def release_file(key: str | None) -> None:
    """Release a claim of :func:`claim_file` (nothing for ``None`` or a claim already released)."""
    if key is not None:
        with _guard:
            _claimed.discard(key)


def advisory_key(schema: str) -> int:
    """The ``pg_try_advisory_lock`` key of exports into one schema: a signed 64-bit hash of its name."""
    digest = hashlib.sha256(f"bitrix24_toolkit.helpers.export:{schema}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)
