"""``AsyncBitrix24``: the asynchronous client users import: the engine plus the typed namespaces."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ..engine.async_engine import AsyncEngine

if TYPE_CHECKING:
    from ..protocol.call import Call
    from .async_api import (
        AsyncBlogPostAPI,
        AsyncCrmAPI,
        AsyncDepartmentAPI,
        AsyncTaskAPI,
        AsyncUserAPI,
        AsyncWorkgroupAPI,
    )

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

    @cached_property
    def department(self) -> AsyncDepartmentAPI:
        """The company structure: ``await b24.department.get(filter={"PARENT": 1})``."""
        from ..services.departments import DepartmentCalls
        from .async_api import AsyncDepartmentAPI

        return AsyncDepartmentAPI(self, DepartmentCalls())

    @cached_property
    def task(self) -> AsyncTaskAPI:
        """Tasks, checklists, links: ``await b24.task.add({"TITLE": ..., "RESPONSIBLE_ID": 1})``."""
        from ..services.tasks import TaskCalls
        from .async_api import AsyncTaskAPI

        return AsyncTaskAPI(self, TaskCalls())

    @cached_property
    def workgroup(self) -> AsyncWorkgroupAPI:
        """Workgroups and projects: ``await b24.workgroup.create({"NAME": ..., "PROJECT": True})``."""
        from ..services.workgroups import WorkgroupCalls
        from .async_api import AsyncWorkgroupAPI

        return AsyncWorkgroupAPI(self, WorkgroupCalls())

    @cached_property
    def feed(self) -> AsyncBlogPostAPI:
        """The live feed: ``await b24.feed.add("[B]Done[/B]", title=..., to="UA")``."""
        from ..services.feed import BlogPostCalls
        from .async_api import AsyncBlogPostAPI

        return AsyncBlogPostAPI(self, BlogPostCalls())
