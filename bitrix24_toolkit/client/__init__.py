"""The clients: :class:`Bitrix24` (sync) and :class:`AsyncBitrix24` (async), with their auth pieces."""

from .async_client import AsyncBitrix24
from .oauth import DEFAULT_TOKEN_URL, JSONFileTokenStore, MemoryTokenStore, OAuth, OAuthTokens, TokenStore
from .sync_client import Bitrix24
from .webhook import ENV_WEBHOOK_URL, WebhookURL, parse_webhook_url

__all__ = [
    "DEFAULT_TOKEN_URL",
    "ENV_WEBHOOK_URL",
    "AsyncBitrix24",
    "Bitrix24",
    "JSONFileTokenStore",
    "MemoryTokenStore",
    "OAuth",
    "OAuthTokens",
    "TokenStore",
    "WebhookURL",
    "parse_webhook_url",
]
