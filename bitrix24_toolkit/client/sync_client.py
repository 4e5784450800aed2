"""``Bitrix24``: the synchronous client users import: the engine plus the typed namespaces."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ..engine.sync_engine import SyncEngine

if TYPE_CHECKING:
    from ..protocol.call import Call
    from .sync_api import CrmAPI, UserAPI

__all__ = ["Bitrix24"]


class Bitrix24(SyncEngine):
    """A Bitrix24 REST client: ``Bitrix24("https://portal/rest/1/secret/").call("user.current")``.

    With no URL and no ``auth`` it reads ``BITRIX24_WEBHOOK_URL``. Pass ``transport`` (an httpx
    transport, e.g. the emulator's) or a ready ``http_client``; a client you pass is not closed by us.
    Typed calls live under ``.crm`` and ``.user``; any method is ``b24.call(method, params)``.
    """

    def _raw(self, method: str, params: Mapping[str, Any]) -> Call[Any]:
        """A raw call; a known list method's filter/select/order names are checked before it is sent."""
        from ..services.raw_lists import raw_call

        return raw_call(method, params)

    @cached_property
    def crm(self) -> CrmAPI:
        """CRM: ``b24.crm.deal.get(5)``, ``b24.crm.lead.iter_all(...)``, ``b24.crm.item(2)``."""
        from ..services import CrmCalls  # models load on first use: `import bitrix24_toolkit` stays light
        from .sync_api import CrmAPI

        return CrmAPI(self, CrmCalls())

    @cached_property
    def user(self) -> UserAPI:
        """Employees: ``b24.user.current()``."""
        from ..services import UserCalls
        from .sync_api import UserAPI

        return UserAPI(self, UserCalls())
