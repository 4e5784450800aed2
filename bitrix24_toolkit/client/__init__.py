"""The clients users import: :class:`Bitrix24` (sync) and :class:`AsyncBitrix24` (async), with auth pieces.

Each is the engine (:mod:`bitrix24_toolkit.engine`) with the typed namespaces (``.crm``, ``.user``) bound
to the stateless call factories of :mod:`bitrix24_toolkit.services`.
"""

from ..engine import (
    DEFAULT_TOKEN_URL,
    ENV_WEBHOOK_URL,
    JSONFileTokenStore,
    LimiterState,
    Limits,
    MemoryTokenStore,
    OAuth,
    OAuthTokens,
    RetryPolicy,
    TokenStore,
    WebhookURL,
    parse_webhook_url,
)
from .async_client import AsyncBitrix24
from .sync_client import Bitrix24

__all__ = [
    "DEFAULT_TOKEN_URL",
    "ENV_WEBHOOK_URL",
    "AsyncBitrix24",
    "Bitrix24",
    "JSONFileTokenStore",
    "LimiterState",
    "Limits",
    "MemoryTokenStore",
    "OAuth",
    "OAuthTokens",
    "RetryPolicy",
    "TokenStore",
    "WebhookURL",
    "parse_webhook_url",
]
