"""The shared fixtures live in ``tests/conftest.py``; names re-exported for imports from here."""

from tests.conftest import AwaitableClient, Factory, Recorder

__all__ = ["AwaitableClient", "Factory", "Recorder"]
