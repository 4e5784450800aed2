"""The pytest plugin of bitrix24-toolkit, loaded automatically through the ``pytest11`` entry point.

PYTEST_DONT_REWRITE (this module holds no assertions; the marker also spares pytest a rewrite warning)

Fixtures:

- ``bitrix24_emulator``: a fresh in-memory portal per test, request-rate limits off. Options for
  ``Emulator(...)`` come from ``@pytest.mark.bitrix24_emulator(limits="standard", ...)``.
- ``bitrix24_demo``: a fresh ``Emulator.demo()`` portal per test (same marker options); skipped when this
  version has no demo data.
- ``bitrix24_cassette``: a :class:`Bitrix24Cassette`. It replays
  ``<test dir>/cassettes/<test module>/<test name>.json`` (or the path of
  ``@pytest.mark.bitrix24_cassette("path.json")``, relative to the test file); with ``--bitrix24-record``
  it records that file instead, through the live portal of ``BITRIX24_LIVE_WEBHOOK`` (unless the marker
  says ``record=False``: shared hand-built files are never overwritten).

Everything heavy (httpx, the emulator, respx) is imported inside the fixtures, so loading the plugin costs
nothing and never fails because an optional part is missing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    import httpx

    from ..client import AsyncBitrix24, Bitrix24
    from .cassettes import Cassette
    from .emulator import Emulator
    from .replay import Replayer

__all__ = ["LIVE_WEBHOOK_ENV", "RECORD_OPTION", "REPLAY_WEBHOOK_URL", "Bitrix24Cassette", "cassette_path"]

RECORD_OPTION = "--bitrix24-record"
#: the environment variable holding the live portal's webhook URL for ``--bitrix24-record``
LIVE_WEBHOOK_ENV = "BITRIX24_LIVE_WEBHOOK"
#: the webhook URL clients use while replaying (any URL works: replay ignores the address)
REPLAY_WEBHOOK_URL = "https://example.bitrix24.test/rest/1/cassette/"

_EMULATOR_DEFAULTS: dict[str, Any] = {"limits": "off"}
_UNSAFE_FILE_CHARS = re.compile(r"[^\w.\-\[\]]+")


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register ``--bitrix24-record``."""
    group = parser.getgroup("bitrix24", "bitrix24-toolkit")
    group.addoption(
        RECORD_OPTION,
        action="store_true",
        default=False,
        dest="bitrix24_record",
        help=f"record bitrix24_cassette files against the live portal in ${LIVE_WEBHOOK_ENV} instead of "
        "replaying them",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the plugin's markers."""
    config.addinivalue_line(
        "markers",
        "bitrix24_emulator(**options): keyword arguments for the Emulator() of the bitrix24_emulator and "
        'bitrix24_demo fixtures (default limits="off")',
    )
    config.addinivalue_line(
        "markers",
        "bitrix24_cassette(path, record=True): the cassette file of the bitrix24_cassette fixture, relative "
        "to the test file (default cassettes/<test module>/<test name>.json); record=False replays it even "
        "under --bitrix24-record (for shared, hand-built files)",
    )


# ------------------------------------------------------------------------------------------ emulator
def _emulator_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    options = dict(_EMULATOR_DEFAULTS)
    marker = request.node.get_closest_marker("bitrix24_emulator")
    if marker is not None:
        if marker.args:
            pytest.fail("@pytest.mark.bitrix24_emulator takes keyword arguments only", pytrace=False)
        options.update(marker.kwargs)
    return options


@pytest.fixture
def bitrix24_emulator(request: pytest.FixtureRequest) -> Emulator:
    """A fresh in-memory Bitrix24 portal (limits off unless the ``bitrix24_emulator`` marker says else)."""
    from .emulator import Emulator

    return Emulator(**_emulator_options(request))


@pytest.fixture
def bitrix24_demo(request: pytest.FixtureRequest) -> Emulator:
    """A fresh portal filled with demo data; skipped when this version ships no demo builder."""
    import importlib.util

    from .emulator import Emulator

    if not hasattr(Emulator, "demo") or importlib.util.find_spec(f"{__package__}.emulator.demo") is None:
        pytest.skip("bitrix24_demo: this version of bitrix24-toolkit has no demo data (Emulator.demo())")
    demo: Emulator = Emulator.demo(**_emulator_options(request))
    return demo


# ------------------------------------------------------------------------------------------ cassettes
def cassette_path(item: pytest.Item) -> Path:
    """The cassette file of a test: the ``bitrix24_cassette`` marker path, or the default location."""
    test_file = Path(str(item.path))
    marker = item.get_closest_marker("bitrix24_cassette")
    if marker is not None:
        given = marker.args[0] if marker.args else marker.kwargs.get("path")
        if not isinstance(given, str | os.PathLike):
            pytest.fail(
                '@pytest.mark.bitrix24_cassette needs a path: bitrix24_cassette("file.json")', pytrace=False
            )
        return test_file.parent / Path(given)
    # the node id after the file: "test_x[param]", or "TestClass::test_x" -> "TestClass.test_x"
    local = item.nodeid.split("::", 1)[1] if "::" in item.nodeid else item.name
    name = _UNSAFE_FILE_CHARS.sub("_", local.replace("::", "."))
    return test_file.parent / "cassettes" / test_file.stem / f"{name}.json"


def _records(item: pytest.Item, config: pytest.Config) -> bool:
    """Record mode, unless the marker protects a shared file with ``record=False``."""
    marker = item.get_closest_marker("bitrix24_cassette")
    protected = marker is not None and marker.kwargs.get("record", True) is False
    return bool(config.getoption("bitrix24_record")) and not protected


class Bitrix24Cassette:
    """The ``bitrix24_cassette`` fixture: transports that replay ``path``, or record it in record mode."""

    def __init__(self, path: Path, *, recording: bool) -> None:
        self.path = path
        self.recording = recording
        self._cassette: Cassette | None = None
        self._replayer: Replayer | None = None

    def __repr__(self) -> str:
        mode = "recording" if self.recording else "replaying"
        return f"<Bitrix24Cassette {mode} {self.path}>"

    @property
    def cassette(self) -> Cassette:
        """The cassette being replayed (loaded from :attr:`path`) or recorded (empty at first)."""
        if self._cassette is None:
            from .cassettes import Cassette

            self._cassette = Cassette(path=self.path) if self.recording else Cassette.load(self.path)
        return self._cassette

    @property
    def webhook_url(self) -> str:
        """The URL to give a client: the live webhook while recording, a placeholder while replaying."""
        if not self.recording:
            return REPLAY_WEBHOOK_URL
        url = os.environ.get(LIVE_WEBHOOK_ENV, "").strip()
        if not url:
            pytest.fail(
                f"{RECORD_OPTION} records against a live portal: set {LIVE_WEBHOOK_ENV} to its inbound "
                "webhook URL (https://<portal>/rest/<user id>/<secret>/)",
                pytrace=False,
            )
        return url

    def _replay(self) -> Replayer:
        if self._replayer is None:  # one position for every transport of the test: order is global
            self._replayer = self.cassette.replayer()
        return self._replayer

    def transport(self, inner: httpx.BaseTransport | None = None) -> httpx.BaseTransport:
        """A sync transport: replays the file, or records through ``inner`` (default: the live network)."""
        import httpx

        if not self.recording:
            return httpx.MockTransport(self._replay())
        from .cassettes import RecordingTransport

        if inner is None:
            self.webhook_url  # noqa: B018 - fails early and clearly when the live portal is not configured
            inner = httpx.HTTPTransport()
        return RecordingTransport(inner, self.cassette)

    def async_transport(self, inner: httpx.AsyncBaseTransport | None = None) -> httpx.AsyncBaseTransport:
        """The async twin of :meth:`transport`."""
        import httpx

        if not self.recording:
            return httpx.MockTransport(self._replay())
        from .cassettes import AsyncRecordingTransport

        if inner is None:
            self.webhook_url  # noqa: B018 - fails early and clearly when the live portal is not configured
            inner = httpx.AsyncHTTPTransport()
        return AsyncRecordingTransport(inner, self.cassette)

    def client(self, **options: Any) -> Bitrix24:
        """A ``Bitrix24`` client on :attr:`webhook_url` through :meth:`transport`."""
        from ..client import Bitrix24

        return Bitrix24(self.webhook_url, transport=self.transport(), **options)

    def async_client(self, **options: Any) -> AsyncBitrix24:
        """An ``AsyncBitrix24`` client on :attr:`webhook_url` through :meth:`async_transport`."""
        from ..client import AsyncBitrix24

        return AsyncBitrix24(self.webhook_url, transport=self.async_transport(), **options)

    def finish(self) -> Path | None:
        """Save the recording (when anything was recorded); returns the path written."""
        if self.recording and self._cassette is not None and self._cassette.exchanges:
            return self._cassette.save(self.path)
        return None


@pytest.fixture
def bitrix24_cassette(request: pytest.FixtureRequest) -> Iterator[Bitrix24Cassette]:
    """Replay this test's cassette file, or record it with ``--bitrix24-record`` (saved on teardown)."""
    recording = _records(request.node, request.config)
    fixture = Bitrix24Cassette(cassette_path(request.node), recording=recording)
    if not recording:
        if not fixture.path.is_file():
            pytest.fail(
                f"no cassette {fixture.path}: record it with `pytest {RECORD_OPTION}` and "
                f"${LIVE_WEBHOOK_ENV} set, or point @pytest.mark.bitrix24_cassette(...) at an existing file",
                pytrace=False,
            )
        fixture.cassette  # noqa: B018 - load now, so a malformed file fails at setup
    yield fixture
    fixture.finish()
