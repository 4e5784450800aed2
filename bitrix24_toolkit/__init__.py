"""bitrix24-toolkit: a typed sync/async client for the Bitrix24 REST API, with an offline portal emulator.

from bitrix24_toolkit import Bitrix24
with Bitrix24("https://portal.bitrix24.ru/rest/1/<secret>/") as b24:
    me = b24.call("user.current")
"""

from . import errors
from ._version import __version__
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
