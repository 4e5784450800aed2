"""``Bitrix24``: the synchronous client users import: the engine plus the typed namespaces."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ..engine.sync_engine import SyncEngine

if TYPE_CHECKING:
    from ..protocol.call import Call
    from .sync_api import BlogPostAPI, CrmAPI, DepartmentAPI, TaskAPI, UserAPI, WorkgroupAPI

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

    @cached_property
    def department(self) -> DepartmentAPI:
        """The company structure: ``b24.department.get(filter={"PARENT": 1})``."""
        from ..services.departments import DepartmentCalls
        from .sync_api import DepartmentAPI

        return DepartmentAPI(self, DepartmentCalls())

    @cached_property
    def task(self) -> TaskAPI:
        """Tasks, checklists, links: ``b24.task.add({"TITLE": ..., "RESPONSIBLE_ID": 1})``."""
        from ..services.tasks import TaskCalls
        from .sync_api import TaskAPI

        return TaskAPI(self, TaskCalls())

    @cached_property
    def workgroup(self) -> WorkgroupAPI:
        """Workgroups and projects: ``b24.workgroup.create({"NAME": ..., "PROJECT": True})``."""
        from ..services.workgroups import WorkgroupCalls
        from .sync_api import WorkgroupAPI

        return WorkgroupAPI(self, WorkgroupCalls())

    @cached_property
    def feed(self) -> BlogPostAPI:
        """The live feed: ``b24.feed.add("[B]Done[/B]", title=..., to="UA")``."""
        from ..services.feed import BlogPostCalls
        from .sync_api import BlogPostAPI

        return BlogPostAPI(self, BlogPostCalls())
