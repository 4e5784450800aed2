"""bitrix24-toolkit: a typed sync/async client for the Bitrix24 REST API, with an offline portal emulator.

from bitrix24_toolkit import Bitrix24
with Bitrix24("https://portal.bitrix24.ru/rest/1/<secret>/") as b24:
    me = b24.call("user.current")

The names below are imported on first use (PEP 562), so that ``import bitrix24_toolkit.cli`` or
``b24 --version`` does not pay for httpx and pydantic; ``from bitrix24_toolkit import Bitrix24`` works as
ever.
"""

from __future__ import annotations

import importlib

from ._version import __version__

#: ``typing.TYPE_CHECKING`` without importing typing (mypy treats any ``TYPE_CHECKING`` as true)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Final

    from . import errors
    from .client import (
        AsyncBitrix24,
        Bitrix24,
        JSONFileTokenStore,
        MemoryTokenStore,
        OAuth,
        OAuthTokens,
        RetryPolicy,
        TokenStore,
    )
    from .errors import APIError, Bitrix24Error, InvalidInputError
    from .protocol import APIResponse, Call

__all__ = [
    "APIError",
    "APIResponse",
    "AsyncBitrix24",
    "Bitrix24",
    "Bitrix24Error",
    "Call",
    "InvalidInputError",
    "JSONFileTokenStore",
    "MemoryTokenStore",
    "OAuth",
    "OAuthTokens",
    "RetryPolicy",
    "TokenStore",
    "__version__",
    "errors",
]

#: where each lazily imported public name lives (a module of this package)
_SOURCES: Final[dict[str, str]] = {
    "APIError": ".errors",
    "APIResponse": ".protocol",
    "AsyncBitrix24": ".client",
    "Bitrix24": ".client",
    "Bitrix24Error": ".errors",
    "Call": ".protocol",
    "InvalidInputError": ".errors",
    "JSONFileTokenStore": ".client",
    "MemoryTokenStore": ".client",
    "OAuth": ".client",
    "OAuthTokens": ".client",
    "RetryPolicy": ".client",
    "TokenStore": ".client",
}


#: subpackages the package root has always exposed as attributes (they load with the names above)
_SUBMODULES: Final = ("client", "engine", "errors", "protocol")
#: module attributes of our own machinery, left out of ``dir()`` as before the imports became lazy
_HIDDEN: Final = frozenset(
    {"annotations", "importlib", "TYPE_CHECKING", "Any", "Final", "_SOURCES", "_SUBMODULES", "_HIDDEN"}
    | {"__getattr__", "__dir__", "__annotations__"}
)


def __getattr__(name: str) -> Any:
    """Import a public name (or subpackage) on first use and keep it here: later look-ups are plain."""
    if name in _SUBMODULES:
        value: Any = importlib.import_module(f".{name}", __name__)
    elif name in _SOURCES:
        value = getattr(importlib.import_module(_SOURCES[name], __name__), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The names of the module as when everything was imported eagerly: the public ones and subpackages."""
    return sorted((set(globals()) - _HIDDEN) | set(__all__) | set(_SUBMODULES))
