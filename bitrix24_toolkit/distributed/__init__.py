"""State shared by several processes through Redis: the portal's limits and the OAuth tokens.

- :class:`RedisLimits`: ``Bitrix24(url, limits=RedisLimits("redis://localhost:6379/0"))`` keeps the
  portal's request bucket and per-method budgets in Redis, shared by every process (``docs/processes.md``).
- :class:`RedisTokenStore`: a token store whose refresh is single-flight across processes.

Needs the ``redis`` extra (``pip install "bitrix24-toolkit[redis]"``), imported on first use. The layer sits
just above ``engine``: it imports ``engine``, ``protocol``, ``models`` and ``errors``, and the client layer
and above may import it. Each name is loaded on first use (PEP 562), so each module imports alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .limits import RedisLimits
    from .tokens import RedisTokenStore

__all__ = ["RedisLimits", "RedisTokenStore"]


def __getattr__(name: str) -> Any:
    value: Any
    if name == "RedisLimits":
        from .limits import RedisLimits as value
    elif name == "RedisTokenStore":
        from .tokens import RedisTokenStore as value
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
