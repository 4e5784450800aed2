"""A real PostgreSQL server on loopback for the export tests and benchmarks (never a fake).

The binaries are Debian's (``/usr/lib/postgresql/<version>/bin``, the newest version first), else
``initdb``/``pg_ctl``/``postgres`` on ``PATH``; ``.ci/run`` installs Debian's ``postgresql`` package when
neither is there. A server gets a fresh data directory in a temporary folder (``initdb``), listens on a
free port of 127.0.0.1 with its unix socket in that folder, runs with the fast, unsafe settings of a
throw-away database (``fsync=off``, ``synchronous_commit=off``, ``full_page_writes=off``) and is stopped
and removed when the ``with`` block ends, also on an exception or Ctrl-C::

    from bitrix24_toolkit.testing.postgres_server import running_postgres

    with running_postgres() as url:           # postgresql://b24:PASSWORD@127.0.0.1:PORT/postgres
        helpers.export(b24, url)

TCP connections need the password (``scram-sha-256``); the role (default ``b24``) is the cluster's
superuser, so a test may ``CREATE DATABASE``. PostgreSQL refuses to run as root: under root the server
runs as the ``postgres`` system user (Debian's package creates it), else as ``nobody``.

:func:`local_postgres` is the same for scripts: ``POSTGRES_URL`` when it is set, else a server it starts,
else ``None`` (no binaries: the caller says so and skips).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

__all__ = ["PostgresBinaries", "local_postgres", "postgres_binaries", "running_postgres"]

#: seconds a starting server has to accept connections, and a stopping one to exit
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0

#: settings of a throw-away test server: no durability, little memory
FAST_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "shared_buffers": "32MB",
    "max_connections": "40",
    "max_wal_size": "1GB",
    "log_min_messages": "warning",
    "logging_collector": "off",
}

_TOOLS = ("initdb", "pg_ctl", "postgres")


@dataclass(frozen=True)
class PostgresBinaries:
    """The paths of the three server programs of one PostgreSQL installation."""

    initdb: str
    pg_ctl: str
    postgres: str


def _version_key(folder: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", folder))


def postgres_binaries() -> PostgresBinaries | None:
    """Debian's newest ``/usr/lib/postgresql/*/bin`` programs, else those on ``PATH``, else ``None``."""
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    for folder in folders:
        paths = [os.path.join(folder, tool) for tool in _TOOLS]
        if all(os.access(path, os.X_OK) for path in paths):
            return PostgresBinaries(*paths)
    found = [shutil.which(tool) for tool in _TOOLS]
    if all(found):
        return PostgresBinaries(*(str(path) for path in found))
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _accepts(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
        return True
    return False


def _ready(data: Path, port: int) -> bool:
    """``postmaster.pid``'s status line says ``ready`` (PostgreSQL 10+) and the port takes connections."""
    try:
        lines = (data / "postmaster.pid").read_text().splitlines()
    except OSError:
        return False
    return len(lines) >= 8 and lines[7].strip() == "ready" and _accepts(port)


def _run_as() -> pwd.struct_passwd | None:
    """The system user the server runs as when we are root (``postgres``, else ``nobody``); else ``None``."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise RuntimeError("running as root and there is neither a 'postgres' nor a 'nobody' user")


def _base_folder(owner: pwd.struct_passwd | None) -> str | None:
    """Where the temporary folder goes: the usual temp dir, or ``/tmp`` when another user running the
    server could not reach the usual one (e.g. ``TMPDIR`` under root's home)."""
    base = Path(tempfile.gettempdir()).resolve()
    if owner is None:
        return None
    for folder in (base, *base.parents):
        if not folder.stat().st_mode & stat.S_IXOTH:
            return "/tmp"
    return None


def _tail(log: Path, lines: int = 15) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    return ""


def _as_user(owner: pwd.struct_passwd | None) -> dict[str, Any]:
    if owner is None:
        return {}
    return {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": []}


def _initdb(binaries: PostgresBinaries, folder: Path, role: str, password: str, owner: Any) -> Path:
    data = folder / "data"
    pwfile = folder / "pwfile"
    pwfile.write_text(password + "\n")
    pwfile.chmod(0o600)
    if owner is not None:
        os.chown(pwfile, owner.pw_uid, owner.pw_gid)
    command = [binaries.initdb, "-D", str(data), "-U", role, f"--pwfile={pwfile}", "-E", "UTF8"]
    command += ["--locale=C", "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync"]
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False, **_as_user(owner))
    pwfile.unlink()
    if done.returncode != 0:
        raise RuntimeError(f"initdb failed (exit code {done.returncode}): {done.stderr.strip()[-800:]}")
    return data


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Fast shutdown (SIGINT: disconnect clients, stop), then immediate (SIGQUIT), then SIGKILL."""
    for sig in (signal.SIGINT, signal.SIGQUIT, signal.SIGKILL):
        if process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=STOP_TIMEOUT)
            return


def _start(binaries: PostgresBinaries, data: Path, folder: Path, owner: Any) -> tuple[Any, int]:
    """Start ``postgres`` on a free port (a few tries: another process may take the port first)."""
    log = folder / "server.log"
    problem = ""
    for _attempt in range(3):
        port = _free_port()
        command = [binaries.postgres, "-D", str(data), "-p", str(port), "-k", str(folder)]
        command += ["-c", "listen_addresses=127.0.0.1"]
        for name, value in FAST_SETTINGS.items():
            command += ["-c", f"{name}={value}"]
        with log.open("ab") as sink:
            process = subprocess.Popen(command, stdout=sink, stderr=sink, **_as_user(owner))
        deadline = time.monotonic() + START_TIMEOUT
        while not _ready(data, port):
            if process.poll() is not None or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        else:
            return process, port
        _stop(process)
        problem = _tail(log)
        if "already in use" not in problem:
            break
    raise RuntimeError(f"postgres did not start:\n{problem}")


@contextlib.contextmanager
def running_postgres(
    binaries: PostgresBinaries | None = None, *, role: str = "b24", password: str | None = None
) -> Iterator[str]:
    """Start a PostgreSQL server on 127.0.0.1 and yield its URL (``postgresql://role:pw@127.0.0.1:PORT/postgres``)."""
    binaries = binaries or postgres_binaries()
    if binaries is None:
        raise RuntimeError("no PostgreSQL server binaries: install Debian's postgresql package")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", role):
        raise ValueError(f"role {role!r} is not a plain lowercase SQL name")
    password = password or secrets.token_urlsafe(18)
    owner = _run_as()
    folder = Path(tempfile.mkdtemp(prefix="b24-pg-", dir=_base_folder(owner)))
    process = None
    try:
        if owner is not None:
            os.chown(folder, owner.pw_uid, owner.pw_gid)
        data = _initdb(binaries, folder, role, password, owner)
        process, port = _start(binaries, data, folder, owner)
        yield f"postgresql://{role}:{quote(password, safe='')}@127.0.0.1:{port}/postgres"
    finally:
        if process is not None:
            _stop(process)
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def local_postgres() -> Iterator[str | None]:
    """``POSTGRES_URL`` when set; else a throw-away server of :func:`running_postgres`; else ``None``."""
    given = os.environ.get("POSTGRES_URL")
    if given:
        yield given
        return
    binaries = postgres_binaries()
    if binaries is None:
        yield None
        return
    with running_postgres(binaries) as url:
        yield url
