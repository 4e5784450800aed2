"""``AsyncBitrix24``: the asynchronous client users import: the engine plus the typed namespaces."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ..engine.async_engine import AsyncEngine

if TYPE_CHECKING:
    from ..protocol.call import Call
    from .async_api import AsyncCrmAPI, AsyncUserAPI

__all__ = ["AsyncBitrix24"]


class AsyncBitrix24(AsyncEngine):
    """The asyncio twin of :class:`~bitrix24_toolkit.Bitrix24`: ``await b24.call("user.current")``.

    Concurrent single calls are coalesced into ``batch`` requests (``coalesce=False`` to switch off).
    """

    def _raw(self, method: str, params: Mapping[str, Any]) -> Call[Any]:
        """A raw call; a known list method's filter/select/order names are checked before it is sent."""
        from ..services.raw_lists import raw_call

        return raw_call(method, params)

    @cached_property
    def crm(self) -> AsyncCrmAPI:
        """CRM: ``await b24.crm.deal.get(5)``, ``async for d in b24.crm.lead.iter_all(...)``."""
        from ..services import CrmCalls  # models load on first use: `import bitrix24_toolkit` stays light
        from .async_api import AsyncCrmAPI

        return AsyncCrmAPI(self, CrmCalls())

    @cached_property
    def user(self) -> AsyncUserAPI:
        """Employees: ``await b24.user.current()``."""
        from ..services import UserCalls
        from .async_api import AsyncUserAPI

        return AsyncUserAPI(self, UserCalls())
