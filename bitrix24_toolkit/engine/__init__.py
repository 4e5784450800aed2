"""The engine: the core exchange, send loops (sync and async), auth, limiter, retry and settings.

It runs :class:`~bitrix24_toolkit.protocol.Call` objects and flows and knows no REST area: the clients
users import (:class:`~bitrix24_toolkit.Bitrix24`, :class:`~bitrix24_toolkit.AsyncBitrix24`) add the typed
namespaces on top of it in :mod:`bitrix24_toolkit.client`.
"""

from .async_engine import AsyncEngine
from .limiter import LimiterState, Limits
from .oauth import DEFAULT_TOKEN_URL, JSONFileTokenStore, MemoryTokenStore, OAuth, OAuthTokens, TokenStore
from .retry import RetryPolicy
from .sync_engine import SyncEngine
from .webhook import ENV_WEBHOOK_URL, WebhookURL, parse_webhook_url

__all__ = [
    "DEFAULT_TOKEN_URL",
    "ENV_WEBHOOK_URL",
    "AsyncEngine",
    "JSONFileTokenStore",
    "LimiterState",
    "Limits",
    "MemoryTokenStore",
    "OAuth",
    "OAuthTokens",
    "RetryPolicy",
    "SyncEngine",
    "TokenStore",
    "WebhookURL",
    "parse_webhook_url",
]
