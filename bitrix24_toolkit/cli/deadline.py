"""``b24 --timeout SECONDS``: one deadline for the whole command, retries and waits included.

Each request also waits at most that long (:func:`~.portal.open_client` gives the client the same timeout
and a retry policy bounded by it); this watchdog stops what the requests' own timeouts cannot see: several
calls in a row, the pauses between retries, rate-limit waits. On POSIX it is a real-time timer (``SIGALRM``,
which also interrupts a blocking read); elsewhere, or off the main thread, only the per-request bounds hold.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

__all__ = ["DeadlineExceeded", "command_deadline"]


class DeadlineExceeded(BaseException):
    """The command ran past ``--timeout``.

    A ``BaseException`` like ``KeyboardInterrupt``: no ``except Exception`` on the way (nor the retry
    loop) may swallow it or try once more.
    """

    def __init__(self, seconds: float) -> None:
        super().__init__(f"stopped after {seconds:g} s (--timeout {seconds:g})")
        self.seconds = seconds


@contextmanager
def command_deadline(seconds: float) -> Iterator[None]:
    """Raise :class:`DeadlineExceeded` in the main thread if the block is still running after ``seconds``."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum: int, frame: FrameType | None) -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        raise DeadlineExceeded(seconds)

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
