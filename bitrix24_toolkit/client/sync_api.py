"""Synchronous client namespaces (``b24.crm.deal`` ...): GENERATED from the call factories."""

# GENERATED FILE: written by `python -m tools.codegen` from the call factories in
# bitrix24_toolkit/services/. Do not edit by hand: a test fails while it is stale.

from __future__ import annotations

import builtins
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal, cast, overload

from ..models.activity import Activity, TimelineComment
from ..models.bindings import ContactBinding
from ..models.crm import Company, Contact, CrmEntity, Deal, Lead
from ..models.directory import Category, StageHistoryItem, Status, StatusEntityType
from ..models.meta import DuplicateMatch, FieldInfo, Page, User
from ..models.org import BlogPost, Department, Workgroup
from ..models.products import ProductRow
from ..models.requisites import Address, BankDetail, Country, Preset, PresetField, Requisite, RequisiteLink
from ..models.row_list import RowList
from ..models.tasks import ChecklistItem, Task
from ..models.userfield import UserField
from ..services.activity import ActivityCalls, TodoCalls
from ..services.addresses import AddressCalls
from ..services.bulk import BulkResult
from ..services.contact_items import DealContactItemsCalls, LeadContactItemsCalls
from ..services.crm_kinds import CompanyCalls, ContactCalls, DealCalls, LeadCalls
from ..services.departments import DepartmentCalls
from ..services.directory import CategoryCalls, StatusCalls
from ..services.duplicates import DuplicateCalls
from ..services.feed import EVERYONE, BlogPostCalls
from ..services.item import ItemCalls
from ..services.productrows import DealProductRowsCalls, LeadProductRowsCalls
from ..services.requisite_links import RequisiteLinkCalls
from ..services.requisite_presets import PresetCalls
from ..services.requisites import BankDetailCalls, RequisiteCalls, RequisiteUserFieldCalls
from ..services.root import CrmCalls
from ..services.stagehistory import StageHistoryCalls
from ..services.tasks import ChecklistCalls, DependenceCalls, TaskCalls
from ..services.timeline import TimelineCalls, TimelineCommentCalls
from ..services.userfields import (
    CompanyUserFieldCalls,
    ContactUserFieldCalls,
    DealUserFieldCalls,
    LeadUserFieldCalls,
)
from ..services.users import UserCalls
from ..services.workgroups import WorkgroupCalls

if TYPE_CHECKING:
    from ..engine.sync_engine import SyncEngine

__all__ = ['ActivityAPI', 'AddressAPI', 'BankDetailAPI', 'BlogPostAPI', 'CategoryAPI', 'ChecklistAPI', 'CompanyAPI', 'CompanyUserFieldAPI', 'ContactAPI', 'ContactUserFieldAPI', 'CrmAPI', 'DealAPI', 'DealContactItemsAPI', 'DealProductRowsAPI', 'DealUserFieldAPI', 'DepartmentAPI', 'DependenceAPI', 'DuplicateAPI', 'ItemAPI', 'LeadAPI', 'LeadContactItemsAPI', 'LeadProductRowsAPI', 'LeadUserFieldAPI', 'PresetAPI', 'RequisiteAPI', 'RequisiteLinkAPI', 'RequisiteUserFieldAPI', 'StageHistoryAPI', 'StatusAPI', 'TaskAPI', 'TimelineAPI', 'TimelineCommentAPI', 'TodoAPI', 'UserAPI', 'WorkgroupAPI']


class ActivityAPI:
    """Activities: calls, meetings, e-mails, tasks, to-dos (crm.activity.*)."""

    def __init__(self, client: SyncEngine, calls: ActivityCalls) -> None:
        self._client = client
        #: the call factories behind this namespace (build ``Call`` objects for batches and flows)
        self.calls = calls

    def add(self, fields: Activity | Mapping[str, Any]) -> int:
        """Create an activity the legacy way (prefer ``todo.add``); returns its id (crm.activity.add)."""
        return self._client.run(self.calls.add(fields))

    def delete(self, id: int) -> bool:
        """Delete an activity (crm.activity.delete)."""
        return self._client.run(self.calls.delete(id))

    def fields(self) -> dict[str, FieldInfo]:
        """Descriptions of activity fields (crm.activity.fields)."""
        return self._client.run(self.calls.fields())

    def get(self, id: int) -> Activity:
        """One activity (crm.activity.get)."""
        return self._client.run(self.calls.get(id))

    @overload
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[False]=False, check: bool=True) -> Iterator[Activity]: ...
    @overload
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[True], check: bool=True) -> Iterator[dict[str, Any]]: ...
    @overload
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> Iterator[Activity | dict[str, Any]]: ...
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> Iterator[Activity] | Iterator[dict[str, Any]]:
        """Every matching record, streamed; ``raw=True``: the portal's dicts (crm.activity.list, crm.activity.fields)."""
        return cast("Iterator[Activity] | Iterator[dict[str, Any]]", self._client.stream(cast(Any, self.calls.iter_all(filter=filter, select=select, order=order, limit=limit, progress=progress, raw=raw, check=check))))

    def list(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, start: int=0, check: bool=True) -> Page[Activity]:
        """One page of up to 50 records, with ``total`` and ``next`` (crm.activity.list, crm.activity.fields)."""
        return self._client.run(self.calls.list(filter=filter, select=select, order=order, start=start, check=check))

    @overload
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[False]=False, check: bool=True) -> RowList[Activity]: ...
    @overload
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[True], check: bool=True) -> RowList[dict[str, Any]]: ...
    @overload
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> RowList[Activity] | RowList[dict[str, Any]]: ...
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> RowList[Activity] | RowList[dict[str, Any]]:
        """All matching records (``.to_dataframe()``); ``raw=True``: dicts (crm.activity.list, crm.activity.fields)."""
        return cast("RowList[Activity] | RowList[dict[str, Any]]", self._client.run(cast(Any, self.calls.list_all(filter=filter, select=select, order=order, limit=limit, progress=progress, raw=raw, check=check))))

    @cached_property
    def todo(self) -> TodoAPI:
        """To-dos (crm.activity.todo.*)."""
        return TodoAPI(self._client, self.calls.todo)

    def update(self, id: int, fields: Activity | Mapping[str, Any]) -> bool:
        """Change an activity (subject, times, ``completed``); owner and type stay (crm.activity.update)."""
        return self._client.run(self.calls.update(id, fields))


class AddressAPI:
    """Addresses of requisites and leads, keyed by type and owner (crm.address.*)."""

    def __init__(self, client: SyncEngine, calls: AddressCalls) -> None:
        self._client = client
        #: the call factories behind this namespace (build ``Call`` objects for batches and flows)
        self.calls = calls

    def add(self, fields: Address | Mapping[str, Any], *, check: bool=True) -> bool:
        """Add an address, keyed by TYPE_ID/ENTITY_TYPE_ID/ENTITY_ID (crm.address.add, crm.address.fields)."""
        return self._client.run(self.calls.add(fields, check=check))

    def by_type(self, entity_type_id: int, entity_id: int) -> dict[int, Address]:
        """An owner's addresses (8 requisite, 1 lead) by type id (crm.address.list, crm.address.fields)."""
        return self._client.run(self.calls.by_type(entity_type_id, entity_id))

    def delete(self, type_id: int, entity_type_id: int, entity_id: int) -> bool:
        """Delete the address of this type of this owner (crm.address.delete)."""
        return self._client.run(self.calls.delete(type_id, entity_type_id, entity_id))

    def fields(self) -> dict[str, FieldInfo]:
        """Descriptions of the address fields (crm.address.fields)."""
        return self._client.run(self.calls.fields())

    @overload
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[False]=False, check: bool=True) -> Iterator[Address]: ...
    @overload
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[True], check: bool=True) -> Iterator[dict[str, Any]]: ...
    @overload
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> Iterator[Address | dict[str, Any]]: ...
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> Iterator[Address] | Iterator[dict[str, Any]]:
        """Every matching record, streamed; ``raw=True``: the portal's dicts (crm.address.list, crm.address.fields)."""
        return cast("Iterator[Address] | Iterator[dict[str, Any]]", self._client.stream(cast(Any, self.calls.iter_all(filter=filter, select=select, order=order, limit=limit, progress=progress, raw=raw, check=check))))

    def list(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, start: int=0, check: bool=True) -> Page[Address]:
        """One page of up to 50 records, with ``total`` and ``next`` (crm.address.list, crm.address.fields)."""
        return self._client.run(self.calls.list(filter=filter, select=select, order=order, start=start, check=check))

    @overload
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[False]=False, check: bool=True) -> RowList[Address]: ...
    @overload
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[True], check: bool=True) -> RowList[dict[str, Any]]: ...
    @overload
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> RowList[Address] | RowList[dict[str, Any]]: ...
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> RowList[Address] | RowList[dict[str, Any]]:
        """All matching records (``.to_dataframe()``); ``raw=True``: dicts (crm.address.list, crm.address.fields)."""
        return cast("RowList[Address] | RowList[dict[str, Any]]", self._client.run(cast(Any, self.calls.list_all(filter=filter, select=select, order=order, limit=limit, progress=progress, raw=raw, check=check))))

    def types(self) -> dict[int, str]:
        """Address type ids and their names on this portal (crm.enum.addresstype)."""
        return self._client.run(self.calls.types())

    def update(self, fields: Address | Mapping[str, Any], *, check: bool=True) -> bool:
        """Change the address keyed in ``fields``; others stay (crm.address.update, crm.address.fields)."""
        return self._client.run(self.calls.update(fields, check=check))


class BankDetailAPI:
    """Bank details of requisites (``ENTITY_ID`` is the requisite id)."""

    def __init__(self, client: SyncEngine, calls: BankDetailCalls) -> None:
        self._client = client
        #: the call factories behind this namespace (build ``Call`` objects for batches and flows)
        self.calls = calls

    def add(self, fields: BankDetail | Mapping[str, Any], *, check: bool=True) -> int:
        """Create a record, return its id; unknown or read-only keys refused (crm.requisite.bankdetail.add, crm.requisite.bankdetail.fields)."""
        return self._client.run(self.calls.add(fields, check=check))

    def delete(self, id: int) -> bool:
        """Delete a record (crm.requisite.bankdetail.delete)."""
        return self._client.run(self.calls.delete(id))

    def fields(self) -> dict[str, FieldInfo]:
        """Descriptions of every field, custom ones included (crm.requisite.bankdetail.fields)."""
        return self._client.run(self.calls.fields())

    def for_requisite(self, requisite_id: int) -> builtins.list[BankDetail]:
        """A requisite's bank details (crm.requisite.bankdetail.list, crm.requisite.bankdetail.fields)."""
        return self._client.run(self.calls.for_requisite(requisite_id))

    def get(self, id: int) -> BankDetail:
        """One record by id (crm.requisite.bankdetail.get)."""
        return self._client.run(self.calls.get(id))

    @overload
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[False]=False, check: bool=True) -> Iterator[BankDetail]: ...
    @overload
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[True], check: bool=True) -> Iterator[dict[str, Any]]: ...
    @overload
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> Iterator[BankDetail | dict[str, Any]]: ...
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> Iterator[BankDetail] | Iterator[dict[str, Any]]:
        """Every matching record, streamed; ``raw=True``: the portal's dicts (crm.requisite.bankdetail.list, crm.requisite.bankdetail.fields)."""
        return cast("Iterator[BankDetail] | Iterator[dict[str, Any]]", self._client.stream(cast(Any, self.calls.iter_all(filter=filter, select=select, order=order, limit=limit, progress=progress, raw=raw, check=check))))

    def list(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, start: int=0, check: bool=True) -> Page[BankDetail]:
        """One page of up to 50 records, with ``total`` and ``next`` (crm.requisite.bankdetail.list, crm.requisite.bankdetail.fields)."""
        return self._client.run(self.calls.list(filter=filter, select=select, order=order, start=start, check=check))

    @overload
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[False]=False, check: bool=True) -> RowList[BankDetail]: ...
    @overload
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[True], check: bool=True) -> RowList[dict[str, Any]]: ...
    @overload
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> RowList[BankDetail] | RowList[dict[str, Any]]: ...
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> RowList[BankDetail] | RowList[dict[str, Any]]:
        """All matching records (``.to_dataframe()``); ``raw=True``: dicts (crm.requisite.bankdetail.list, crm.requisite.bankdetail.fields)."""
        return cast("RowList[BankDetail] | RowList[dict[str, Any]]", self._client.run(cast(Any, self.calls.list_all(filter=filter, select=select, order=order, limit=limit, progress=progress, raw=raw, check=check))))

    def update(self, id: int, fields: BankDetail | Mapping[str, Any], *, check: bool=True) -> bool:
        """Change the given fields of a record; the others stay as they are (crm.requisite.bankdetail.update, crm.requisite.bankdetail.fields)."""
        return self._client.run(self.calls.update(id, fields, check=check))


class BlogPostAPI:
    """Posts of the live feed (scope ``log``)."""

    def __init__(self, client: SyncEngine, calls: BlogPostCalls) -> None:
        self._client = client
        #: the call factories behind this namespace (build ``Call`` objects for batches and flows)
        self.calls = calls

    def add(self, message: str, *, title: str | None=None, to: str | Sequence[str]=EVERYONE, important: bool=False, tags: Iterable[str]=(), user_id: int | None=None) -> int:
        """Publish a post (BB-code ``message``) to ``to`` -> the post's id (log.blogpost.add)."""
        return self._client.run(self.calls.add(message, title=title, to=to, important=important, tags=tags, user_id=user_id))

    def get(self, *, post_id: int | None=None, rights: Sequence[str] | None=None, start: int=0) -> Page[BlogPost]:
        """Posts the caller may read, newest first, by ``post_id`` or ``rights`` codes (log.blogpost.get)."""
        return self._client.run(self.calls.get(post_id=post_id, rights=rights, start=start))


class CategoryAPI:
    """Funnels of one object kind (``b24.crm.category(2)`` for deals) (crm.category.*)."""

    def __init__(self, client: SyncEngine, calls: CategoryCalls) -> None:
        self._client = client
        #: the call factories behind this namespace (build ``Call`` objects for batches and flows)
        self.calls = calls

    def add(self, fields: Category | Mapping[str, Any]) -> Category:
        """Create a funnel (with default stages) and return it (crm.category.add)."""
        return self._client.run(self.calls.add(fields))

    def delete(self, id: int) -> bool:
        """Delete an empty, non-default funnel (crm.category.delete)."""
        return self._client.run(self.calls.delete(id))

    def fields(self) -> dict[str, FieldInfo]:
        """Descriptions of funnel fields (crm.category.fields)."""
        return self._client.run(self.calls.fields())

    def get(self, id: int) -> Category:
        """One funnel (0 = the default deal funnel) (crm.category.get)."""
        return self._client.run(self.calls.get(id))

    def list(self) -> builtins.list[Category]:
        """Every funnel the user may read, by sort (crm.category.list)."""
        return self._client.run(self.calls.list())

    def update(self, id: int, fields: Category | Mapping[str, Any]) -> Category:
        """Rename, resort or make default a funnel and return it (crm.category.update)."""
        return self._client.run(self.calls.update(id, fields))


class ChecklistAPI:
    """Checklist items of a task (task.checklistitem.*; parameters go in the pages' order)."""

    def __init__(self, client: SyncEngine, calls: ChecklistCalls) -> None:
        self._client = client
        #: the call factories behind this namespace (build ``Call`` objects for batches and flows)
        self.calls = calls

    def add(self, task_id: int, fields: Mapping[str, Any]) -> int:
        """Add an item ``{TITLE, PARENT_ID?, IS_COMPLETE?, MEMBERS?}`` -> its id (task.checklistitem.add)."""
        return self._client.run(self.calls.add(task_id, fields))

    def complete(self, task_id: int, item_id: int) -> bool:
        """Tick an item (task.checklistitem.complete)."""
        return self._client.run(self.calls.complete(task_id, item_id))

    def delete(self, task_id: int, item_id: int) -> bool:
        """Delete an item with its sub-items (task.checklistitem.delete)."""
        return self._client.run(self.calls.delete(task_id, item_id))

    def list(self, task_id: int, *, order: Mapping[str, str] | None=None) -> list[ChecklistItem]:
        """Every item of a task (task.checklistitem.getlist)."""
        return self._client.run(self.calls.list(task_id, order=order))

    def renew(self, task_id: int, item_id: int) -> bool:
        """Untick an item (task.checklistitem.renew)."""
        return self._client.run(self.calls.renew(task_id, item_id))

    def update(self, task_id: int, item_id: int, fields: Mapping[str, Any]) -> bool:
        """Change an item; ``MEMBERS`` is replaced whole (task.checklistitem.update)."""
        return self._client.run(self.calls.update(task_id, item_id, fields))


class CompanyAPI:
    """Companies: customers, suppliers and your own companies (crm.company.*)."""

    def __init__(self, client: SyncEngine, calls: CompanyCalls) -> None:
        self._client = client
        #: the call factories behind this namespace (build ``Call`` objects for batches and flows)
        self.calls = calls

    def add(self, fields: Company | Mapping[str, Any], *, params: Mapping[str, Any] | None=None, check: bool=True) -> int:
        """Create a record, return its id; unknown or read-only keys refused (crm.company.add, crm.company.fields)."""
        return self._client.run(self.calls.add(fields, params=params, check=check))

    def add_many(self, items: Sequence[Company | Mapping[str, Any]], *, params: Mapping[str, Any] | None=None, progress: bool=False) -> BulkResult:
        """Create many records; the result gives each item's new id or error (crm.company.add, crm.company.fields)."""
        return self._client.run(self.calls.add_many(items, params=params, progress=progress))

    def delete(self, id: int) -> bool:
        """Delete a record (crm.company.delete)."""
        return self._client.run(self.calls.delete(id))

    def delete_many(self, ids: Iterable[int], *, progress: bool=False) -> BulkResult:
        """Delete many records; the result gives each id's outcome (crm.company.delete)."""
        return self._client.run(self.calls.delete_many(ids, progress=progress))

    def fields(self) -> dict[str, FieldInfo]:
        """Descriptions of every field, custom ones included (crm.company.fields)."""
        return self._client.run(self.calls.fields())

    def get(self, id: int) -> Company:
        """One record by id (crm.company.get)."""
        return self._client.run(self.calls.get(id))

    def get_many(self, ids: Iterable[int], *, select: Iterable[str] | None=None) -> builtins.list[Company]:
        """The records with these ids in the order given, found ones only (crm.company.list, crm.company.fields)."""
        return self._client.run(self.calls.get_many(ids, select=select))

    @overload
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[False]=False, check: bool=True) -> Iterator[Company]: ...
    @overload
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[True], check: bool=True) -> Iterator[dict[str, Any]]: ...
    @overload
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> Iterator[Company | dict[str, Any]]: ...
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> Iterator[Company] | Iterator[dict[str, Any]]:
        """Every matching record, streamed; ``raw=True``: the portal's dicts (crm.company.list, crm.company.fields)."""
        return cast("Iterator[Company] | Iterator[dict[str, Any]]", self._client.stream(cast(Any, self.calls.iter_all(filter=filter, select=select, order=order, limit=limit, progress=progress, raw=raw, check=check))))

    def list(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, start: int=0, check: bool=True) -> Page[Company]:
        """One page of up to 50 records, with ``total`` and ``next`` (crm.company.list, crm.company.fields)."""
        return self._client.run(self.calls.list(filter=filter, select=select, order=order, start=start, check=check))

    @overload
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[False]=False, check: bool=True) -> RowList[Company]: ...
    @overload
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[True], check: bool=True) -> RowList[dict[str, Any]]: ...
    @overload
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> RowList[Company] | RowList[dict[str, Any]]: ...
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> RowList[Company] | RowList[dict[str, Any]]:
        """All matching records (``.to_dataframe()``); ``raw=True``: dicts (crm.company.list, crm.company.fields)."""
        return cast("RowList[Company] | RowList[dict[str, Any]]", self._client.run(cast(Any, self.calls.list_all(filter=filter, select=select, order=order, limit=limit, progress=progress, raw=raw, check=check))))

    def update(self, id: int, fields: Company | Mapping[str, Any], *, params: Mapping[str, Any] | None=None, check: bool=True) -> bool:
        """Change the given fields of a record; the others stay as they are (crm.company.update, crm.company.fields)."""
        return self._client.run(self.calls.update(id, fields, params=params, check=check))

    def update_many(self, changes: Mapping[int, Company | Mapping[str, Any]] | Sequence[tuple[int, Company | Mapping[str, Any]]], *, progress: bool=False) -> BulkResult:
        """Update many records (``{id: fields}``); gives each one's outcome (crm.company.update, crm.company.fields)."""
        return self._client.run(self.calls.update_many(changes, progress=progress))

    @cached_property
    def userfield(self) -> CompanyUserFieldAPI:
        """Custom fields of companies (crm.company.userfield.*)."""
        return CompanyUserFieldAPI(self._client, self.calls.userfield)


class CompanyUserFieldAPI:
    """Custom fields of companies."""

    def __init__(self, client: SyncEngine, calls: CompanyUserFieldCalls) -> None:
        self._client = client
        #: the call factories behind this namespace (build ``Call`` objects for batches and flows)
        self.calls = calls

    def add(self, fields: UserField | Mapping[str, Any]) -> int:
        """Create a custom field and return its id (needs CRM admin rights) (crm.company.userfield.add)."""
        return self._client.run(self.calls.add(fields))

    def delete(self, id: int) -> bool:
        """Delete a custom field; its stored values go with it (crm.company.userfield.delete)."""
        return self._client.run(self.calls.delete(id))

    def get(self, id: int) -> UserField:
        """One field with labels as language maps (crm.company.userfield.get)."""
        return self._client.run(self.calls.get(id))

    def list(self, *, filter: Mapping[str, Any] | None=None, order: Mapping[str, str] | None=None, lang: str | None=None) -> builtins.list[UserField]:
        """Every matching field (all pages of 50), labels as strings of ``lang`` (crm.company.userfield.list)."""
        return self._client.run(self.calls.list(filter=filter, order=order, lang=lang))

    def update(self, id: int, fields: UserField | Mapping[str, Any]) -> bool:
        """Change labels, flags, settings or enumeration items (not name or type) (crm.company.userfield.update)."""
        return self._client.run(self.calls.update(id, fields))


class ContactAPI:
    """Contacts: people of the CRM (crm.contact.*)."""

    def __init__(self, client: SyncEngine, calls: ContactCalls) -> None:
        self._client = client
        #: the call factories behind this namespace (build ``Call`` objects for batches and flows)
        self.calls = calls

    def add(self, fields: Contact | Mapping[str, Any], *, params: Mapping[str, Any] | None=None, check: bool=True) -> int:
        """Create a record, return its id; unknown or read-only keys refused (crm.contact.add, crm.contact.fields)."""
        return self._client.run(self.calls.add(fields, params=params, check=check))

    def add_many(self, items: Sequence[Contact | Mapping[str, Any]], *, params: Mapping[str, Any] | None=None, progress: bool=False) -> BulkResult:
        """Create many records; the result gives each item's new id or error (crm.contact.add, crm.contact.fields)."""
        return self._client.run(self.calls.add_many(items, params=params, progress=progress))

    def delete(self, id: int) -> bool:
        """Delete a record (crm.contact.delete)."""
        return self._client.run(self.calls.delete(id))

    def delete_many(self, ids: Iterable[int], *, progress: bool=False) -> BulkResult:
        """Delete many records; the result gives each id's outcome (crm.contact.delete)."""
        return self._client.run(self.calls.delete_many(ids, progress=progress))

    def fields(self) -> dict[str, FieldInfo]:
        """Descriptions of every field, custom ones included (crm.contact.fields)."""
        return self._client.run(self.calls.fields())

    def get(self, id: int) -> Contact:
        """One record by id (crm.contact.get)."""
        return self._client.run(self.calls.get(id))

    def get_many(self, ids: Iterable[int], *, select: Iterable[str] | None=None) -> builtins.list[Contact]:
        """The records with these ids in the order given, found ones only (crm.contact.list, crm.contact.fields)."""
        return self._client.run(self.calls.get_many(ids, select=select))

    @overload
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[False]=False, check: bool=True) -> Iterator[Contact]: ...
    @overload
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[True], check: bool=True) -> Iterator[dict[str, Any]]: ...
    @overload
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> Iterator[Contact | dict[str, Any]]: ...
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> Iterator[Contact] | Iterator[dict[str, Any]]:
        """Every matching record, streamed; ``raw=True``: the portal's dicts (crm.contact.list, crm.contact.fields)."""
        return cast("Iterator[Contact] | Iterator[dict[str, Any]]", self._client.stream(cast(Any, self.calls.iter_all(filter=filter, select=select, order=order, limit=limit, progress=progress, raw=raw, check=check))))

    def list(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, start: int=0, check: bool=True) -> Page[Contact]:
        """One page of up to 50 records, with ``total`` and ``next`` (crm.contact.list, crm.contact.fields)."""
        return self._client.run(self.calls.list(filter=filter, select=select, order=order, start=start, check=check))

    @overload
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[False]=False, check: bool=True) -> RowList[Contact]: ...
    @overload
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[True], check: bool=True) -> RowList[dict[str, Any]]: ...
    @overload
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> RowList[Contact] | RowList[dict[str, Any]]: ...
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> RowList[Contact] | RowList[dict[str, Any]]:
        """All matching records (``.to_dataframe()``); ``raw=True``: dicts (crm.contact.list, crm.contact.fields)."""
        return cast("RowList[Contact] | RowList[dict[str, Any]]", self._client.run(cast(Any, self.calls.list_all(filter=filter, select=select, order=order, limit=limit, progress=progress, raw=raw, check=check))))

    def update(self, id: int, fields: Contact | Mapping[str, Any], *, params: Mapping[str, Any] | None=None, check: bool=True) -> bool:
        """Change the given fields of a record; the others stay as they are (crm.contact.update, crm.contact.fields)."""
        return self._client.run(self.calls.update(id, fields, params=params, check=check))

    def update_many(self, changes: Mapping[int, Contact | Mapping[str, Any]] | Sequence[tuple[int, Contact | Mapping[str, Any]]], *, progress: bool=False) -> BulkResult:
        """Update many records (``{id: fields}``); gives each one's outcome (crm.contact.update, crm.contact.fields)."""
        return self._client.run(self.calls.update_many(changes, progress=progress))

    @cached_property
    def userfield(self) -> ContactUserFieldAPI:
        """Custom fields of contacts (crm.contact.userfield.*)."""
        return ContactUserFieldAPI(self._client, self.calls.userfield)


class ContactUserFieldAPI:
    """Custom fields of contacts."""

    def __init__(self, client: SyncEngine, calls: ContactUserFieldCalls) -> None:
        self._client = client
        #: the call factories behind this namespace (build ``Call`` objects for batches and flows)
        self.calls = calls

    def add(self, fields: UserField | Mapping[str, Any]) -> int:
        """Create a custom field and return its id (needs CRM admin rights) (crm.contact.userfield.add)."""
        return self._client.run(self.calls.add(fields))

    def delete(self, id: int) -> bool:
        """Delete a custom field; its stored values go with it (crm.contact.userfield.delete)."""
        return self._client.run(self.calls.delete(id))

    def get(self, id: int) -> UserField:
        """One field with labels as language maps (crm.contact.userfield.get)."""
        return self._client.run(self.calls.get(id))

    def list(self, *, filter: Mapping[str, Any] | None=None, order: Mapping[str, str] | None=None, lang: str | None=None) -> builtins.list[UserField]:
        """Every matching field (all pages of 50), labels as strings of ``lang`` (crm.contact.userfield.list)."""
        return self._client.run(self.calls.list(filter=filter, order=order, lang=lang))

    def update(self, id: int, fields: UserField | Mapping[str, Any]) -> bool:
        """Change labels, flags, settings or enumeration items (not name or type) (crm.contact.userfield.update)."""
        return self._client.run(self.calls.update(id, fields))


class CrmAPI:
    """CRM: leads, contacts, companies, deals and everything around them (scope ``crm``)."""

    def __init__(self, client: SyncEngine, calls: CrmCalls) -> None:
        self._client = client
        #: the call factories behind this namespace (build ``Call`` objects for batches and flows)
        self.calls = calls

    @cached_property
    def activity(self) -> ActivityAPI:
        """Activities and to-dos (crm.activity.*)."""
        return ActivityAPI(self._client, self.calls.activity)

    @cached_property
    def address(self) -> AddressAPI:
        """Addresses of requisites and leads (crm.address.*)."""
        return AddressAPI(self._client, self.calls.address)

    def category(self, entity_type_id: int) -> CategoryAPI:
        """Funnels of one object kind, e.g. ``category(2)`` for deals (crm.category.*)."""
        return CategoryAPI(self._client, self.calls.category(entity_type_id))

    @cached_property
    def company(self) -> CompanyAPI:
        """Companies (crm.company.*)."""
        return CompanyAPI(self._client, self.calls.company)

    @cached_property
    def contact(self) -> ContactAPI:
        """Contacts (crm.contact.*)."""
        return ContactAPI(self._client, self.calls.contact)

    @cached_property
    def deal(self) -> DealAPI:
        """Deals (crm.deal.*)."""
        return DealAPI(self._client, self.calls.deal)

    @cached_property
    def duplicate(self) -> DuplicateAPI:
        """Duplicate search by phone or e-mail (crm.duplicate.*)."""
        return DuplicateAPI(self._client, self.calls.duplicate)

    def item(self, entity_type_id: int) -> ItemAPI:
        """Objects of any kind by entityTypeId, as the kind's model (crm.item.*)."""
        return ItemAPI(self._client, self.calls.item(entity_type_id))

    @cached_property
    def lead(self) -> LeadAPI:
        """Leads (crm.lead.*)."""
        return LeadAPI(self._client, self.calls.lead)

    @cached_property
    def requisite(self) -> RequisiteAPI:
        """Requisites of companies and contacts, with bank details, presets, links (crm.requisite.*)."""
        return RequisiteAPI(self._client, self.calls.requisite)

    @cached_property
    def stagehistory(self) -> StageHistoryAPI:
        """Stage changes of leads, deals and smart processes (crm.stagehistory.*)."""
        return StageHistoryAPI(self._client, self.calls.stagehistory)

    @cached_property
    def status(self) -> StatusAPI:
        """Directories: lead statuses, deal stages, sources, types (crm.status.*)."""
        return StatusAPI(self._client, self.calls.status)

    @cached_property
    def timeline(self) -> TimelineAPI:
        """Timeline comments (crm.timeline.*)."""
        return TimelineAPI(self._client, self.calls.timeline)


class DealAPI:
    """Deals: sales moving through a funnel's stages (crm.deal.*)."""

    def __init__(self, client: SyncEngine, calls: DealCalls) -> None:
        self._client = client
        #: the call factories behind this namespace (build ``Call`` objects for batches and flows)
        self.calls = calls

    def add(self, fields: Deal | Mapping[str, Any], *, params: Mapping[str, Any] | None=None, check: bool=True) -> int:
        """Create a record, return its id; unknown or read-only keys refused (crm.deal.add, crm.deal.fields)."""
        return self._client.run(self.calls.add(fields, params=params, check=check))

    def add_many(self, items: Sequence[Deal | Mapping[str, Any]], *, params: Mapping[str, Any] | None=None, progress: bool=False) -> BulkResult:
        """Create many records; the result gives each item's new id or error (crm.deal.add, crm.deal.fields)."""
        return self._client.run(self.calls.add_many(items, params=params, progress=progress))

    @cached_property
    def contact_items(self) -> DealContactItemsAPI:
        """Contacts bound to deals (crm.deal.contact.items.*)."""
        return DealContactItemsAPI(self._client, self.calls.contact_items)

    def delete(self, id: int) -> bool:
        """Delete a record (crm.deal.delete)."""
        return self._client.run(self.calls.delete(id))

    def delete_many(self, ids: Iterable[int], *, progress: bool=False) -> BulkResult:
        """Delete many records; the result gives each id's outcome (crm.deal.delete)."""
        return self._client.run(self.calls.delete_many(ids, progress=progress))

    def fields(self) -> dict[str, FieldInfo]:
        """Descriptions of every field, custom ones included (crm.deal.fields)."""
        return self._client.run(self.calls.fields())

    def get(self, id: int) -> Deal:
        """One record by id (crm.deal.get)."""
        return self._client.run(self.calls.get(id))

    def get_many(self, ids: Iterable[int], *, select: Iterable[str] | None=None) -> builtins.list[Deal]:
        """The records with these ids in the order given, found ones only (crm.deal.list, crm.deal.fields)."""
        return self._client.run(self.calls.get_many(ids, select=select))

    @overload
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[False]=False, check: bool=True) -> Iterator[Deal]: ...
    @overload
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[True], check: bool=True) -> Iterator[dict[str, Any]]: ...
    @overload
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> Iterator[Deal | dict[str, Any]]: ...
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> Iterator[Deal] | Iterator[dict[str, Any]]:
        """Every matching record, streamed; ``raw=True``: the portal's dicts (crm.deal.list, crm.deal.fields)."""
        return cast("Iterator[Deal] | Iterator[dict[str, Any]]", self._client.stream(cast(Any, self.calls.iter_all(filter=filter, select=select, order=order, limit=limit, progress=progress, raw=raw, check=check))))

    def list(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, start: int=0, check: bool=True) -> Page[Deal]:
        """One page of up to 50 records, with ``total`` and ``next`` (crm.deal.list, crm.deal.fields)."""
        return self._client.run(self.calls.list(filter=filter, select=select, order=order, start=start, check=check))

    @overload
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[False]=False, check: bool=True) -> RowList[Deal]: ...
    @overload
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[True], check: bool=True) -> RowList[dict[str, Any]]: ...
    @overload
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> RowList[Deal] | RowList[dict[str, Any]]: ...
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> RowList[Deal] | RowList[dict[str, Any]]:
        """All matching records (``.to_dataframe()``); ``raw=True``: dicts (crm.deal.list, crm.deal.fields)."""
        return cast("RowList[Deal] | RowList[dict[str, Any]]", self._client.run(cast(Any, self.calls.list_all(filter=filter, select=select, order=order, limit=limit, progress=progress, raw=raw, check=check))))

    @cached_property
    def productrows(self) -> DealProductRowsAPI:
        """Product rows of deals (crm.deal.productrows.*)."""
        return DealProductRowsAPI(self._client, self.calls.productrows)

    def update(self, id: int, fields: Deal | Mapping[str, Any], *, params: Mapping[str, Any] | None=None, check: bool=True) -> bool:
        """Change the given fields of a record; the others stay as they are (crm.deal.update, crm.deal.fields)."""
        return self._client.run(self.calls.update(id, fields, params=params, check=check))

    def update_many(self, changes: Mapping[int, Deal | Mapping[str, Any]] | Sequence[tuple[int, Deal | Mapping[str, Any]]], *, progress: bool=False) -> BulkResult:
        """Update many records (``{id: fields}``); gives each one's outcome (crm.deal.update, crm.deal.fields)."""
        return self._client.run(self.calls.update_many(changes, progress=progress))

    @cached_property
    def userfield(self) -> DealUserFieldAPI:
        """Custom fields of deals (crm.deal.userfield.*)."""
        return DealUserFieldAPI(self._client, self.calls.userfield)


class DealContactItemsAPI:
    """Contacts bound to deals."""

    def __init__(self, client: SyncEngine, calls: DealContactItemsCalls) -> None:
        self._client = client
        #: the call factories behind this namespace (build ``Call`` objects for batches and flows)
        self.calls = calls

    def delete(self, id: int) -> bool:
        """Remove every contact binding (crm.deal.contact.items.delete)."""
        return self._client.run(self.calls.delete(id))

    def get(self, id: int) -> builtins.list[ContactBinding]:
        """The bound contacts, primary first (crm.deal.contact.items.get)."""
        return self._client.run(self.calls.get(id))

    def set(self, id: int, items: Sequence[ContactBinding | Mapping[str, Any] | int]) -> bool:
        """Replace the bindings; ints are contact ids, the first is primary unless flagged (crm.deal.contact.items.set)."""
        return self._client.run(self.calls.set(id, items))


class DealProductRowsAPI:
    """Product rows of deals."""

    def __init__(self, client: SyncEngine, calls: DealProductRowsCalls) -> None:
        self._client = client
        #: the call factories behind this namespace (build ``Call`` objects for batches and flows)
        self.calls = calls

    def get(self, owner_id: int) -> builtins.list[ProductRow]:
        """The owner's product rows in their order (crm.deal.productrows.get)."""
        return self._client.run(self.calls.get(owner_id))

    def set(self, owner_id: int, rows: Sequence[ProductRow | Mapping[str, Any]]) -> bool:
        """Replace ALL product rows of the owner with ``rows`` (``[]`` removes them all) (crm.deal.productrows.set)."""
        return self._client.run(self.calls.set(owner_id, rows))


class DealUserFieldAPI:
    """Custom fields of deals."""

    def __init__(self, client: SyncEngine, calls: DealUserFieldCalls) -> None:
        self._client = client
        #: the call factories behind this namespace (build ``Call`` objects for batches and flows)
        self.calls = calls

    def add(self, fields: UserField | Mapping[str, Any]) -> int:
        """Create a custom field and return its id (needs CRM admin rights) (crm.deal.userfield.add)."""
        return self._client.run(self.calls.add(fields))

    def delete(self, id: int) -> bool:
        """Delete a custom field; its stored values go with it (crm.deal.userfield.delete)."""
        return self._client.run(self.calls.delete(id))

    def get(self, id: int) -> UserField:
        """One field with labels as language maps (crm.deal.userfield.get)."""
        return self._client.run(self.calls.get(id))

    def list(self, *, filter: Mapping[str, Any] | None=None, order: Mapping[str, str] | None=None, lang: str | None=None) -> builtins.list[UserField]:
        """Every matching field (all pages of 50), labels as strings of ``lang`` (crm.deal.userfield.list)."""
        return self._client.run(self.calls.list(filter=filter, order=order, lang=lang))

    def update(self, id: int, fields: UserField | Mapping[str, Any]) -> bool:
        """Change labels, flags, settings or enumeration items (not name or type) (crm.deal.userfield.update)."""
        return self._client.run(self.calls.update(id, fields))


class DepartmentAPI:
    """Departments of the company structure (scope ``department``)."""

    def __init__(self, client: SyncEngine, calls: DepartmentCalls) -> None:
        self._client = client
        #: the call factories behind this namespace (build ``Call`` objects for batches and flows)
        self.calls = calls

    def add(self, name: str, *, parent: int, head: int | None=None, sort: int | None=None) -> int:
        """Add a department below ``parent`` -> its id (department.add)."""
        return self._client.run(self.calls.add(name, parent=parent, head=head, sort=sort))

    def delete(self, department_id: int) -> bool:
        """Delete a department with its sub-departments (department.delete)."""
        return self._client.run(self.calls.delete(department_id))

    def get(self, *, filter: Mapping[str, Any] | None=None, sort: str | None=None, order: str | None=None, start: int=0) -> Page[Department]:
        """One page of up to 50 departments by ``ID``/``NAME``/``PARENT``/``UF_HEAD`` (department.get)."""
        return self._client.run(self.calls.get(filter=filter, sort=sort, order=order, start=start))

    def update(self, department_id: int, *, name: str | None=None, parent: int | None=None, head: int | None=None, sort: int | None=None) -> bool:
        """Rename, move, re-head or re-sort a department (department.update)."""
        return self._client.run(self.calls.update(department_id, name=name, parent=parent, head=head, sort=sort))


class DependenceAPI:
    """Links between tasks: ``task_to`` depends on ``task_from`` (task.dependence.*)."""

    def __init__(self, client: SyncEngine, calls: DependenceCalls) -> None:
        self._client = client
        #: the call factories behind this namespace (build ``Call`` objects for batches and flows)
        self.calls = calls

    def add(self, task_from: int, task_to: int, link_type: int | str=2) -> bool:
        """Make ``task_to`` depend on ``task_from`` (2: finish-start, or a name) (task.dependence.add)."""
        return self._client.run(self.calls.add(task_from, task_to, link_type))

    def delete(self, task_from: int, task_to: int) -> bool:
        """Remove the link between two tasks (task.dependence.delete)."""
        return self._client.run(self.calls.delete(task_from, task_to))


class DuplicateAPI:
    """Duplicate search (crm.duplicate.*)."""

    def __init__(self, client: SyncEngine, calls: DuplicateCalls) -> None:
        self._client = client
        #: the call factories behind this namespace (build ``Call`` objects for batches and flows)
        self.calls = calls

    def find_by_comm(self, type: str, values: Sequence[str], *, entity_type: str | None=None) -> DuplicateMatch:
        """Ids of leads/contacts/companies with any of these phones or e-mails (crm.duplicate.findbycomm)."""
        return self._client.run(self.calls.find_by_comm(type, values, entity_type=entity_type))


class ItemAPI:
    """Objects of one CRM kind through the universal methods (``b24.crm.item(2)`` for deals) (crm.item.*)."""

    def __init__(self, client: SyncEngine, calls: ItemCalls) -> None:
        self._client = client
        #: the call factories behind this namespace (build ``Call`` objects for batches and flows)
        self.calls = calls

    def add(self, fields: CrmEntity | Mapping[str, Any], *, check: bool=True) -> CrmEntity:
        """Create an item (``lead_id`` writable); returns it as saved (crm.item.add, crm.item.fields)."""
        return self._client.run(self.calls.add(fields, check=check))

    def delete(self, id: int) -> bool:
        """Delete an item; the portal answers ``[]`` (crm.item.delete)."""
        return self._client.run(self.calls.delete(id))

    def fields(self) -> dict[str, FieldInfo]:
        """Descriptions of every field under its crm.item name, with ``upper_name`` (crm.item.fields)."""
        return self._client.run(self.calls.fields())

    def get(self, id: int) -> CrmEntity:
        """One item by id, as the kind's model (crm.item.get)."""
        return self._client.run(self.calls.get(id))

    def get_many(self, ids: Iterable[int], *, select: Iterable[str] | None=None) -> builtins.list[CrmEntity]:
        """The items with these ids in the order given, found ones only (crm.item.list, crm.item.fields)."""
        return self._client.run(self.calls.get_many(ids, select=select))

    @overload
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[False]=False, check: bool=True) -> Iterator[CrmEntity]: ...
    @overload
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[True], check: bool=True) -> Iterator[dict[str, Any]]: ...
    @overload
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> Iterator[CrmEntity | dict[str, Any]]: ...
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> Iterator[CrmEntity] | Iterator[dict[str, Any]]:
        """Every matching record, streamed; ``raw=True``: the portal's dicts (crm.item.list, crm.item.fields)."""
        return cast("Iterator[CrmEntity] | Iterator[dict[str, Any]]", self._client.stream(cast(Any, self.calls.iter_all(filter=filter, select=select, order=order, limit=limit, progress=progress, raw=raw, check=check))))

    def list(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, start: int=0, check: bool=True) -> Page[CrmEntity]:
        """One page of up to 50 records, with ``total`` and ``next`` (crm.item.list, crm.item.fields)."""
        return self._client.run(self.calls.list(filter=filter, select=select, order=order, start=start, check=check))

    @overload
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[False]=False, check: bool=True) -> RowList[CrmEntity]: ...
    @overload
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[True], check: bool=True) -> RowList[dict[str, Any]]: ...
    @overload
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> RowList[CrmEntity] | RowList[dict[str, Any]]: ...
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> RowList[CrmEntity] | RowList[dict[str, Any]]:
        """All matching records (``.to_dataframe()``); ``raw=True``: dicts (crm.item.list, crm.item.fields)."""
        return cast("RowList[CrmEntity] | RowList[dict[str, Any]]", self._client.run(cast(Any, self.calls.list_all(filter=filter, select=select, order=order, limit=limit, progress=progress, raw=raw, check=check))))

    def update(self, id: int, fields: CrmEntity | Mapping[str, Any], *, check: bool=True) -> CrmEntity:
        """Change fields (a deal's funnel too); returns the item (crm.item.update, crm.item.fields)."""
        return self._client.run(self.calls.update(id, fields, check=check))


class LeadAPI:
    """Leads: potential sales before qualification (crm.lead.*)."""

    def __init__(self, client: SyncEngine, calls: LeadCalls) -> None:
        self._client = client
        #: the call factories behind this namespace (build ``Call`` objects for batches and flows)
        self.calls = calls

    def add(self, fields: Lead | Mapping[str, Any], *, params: Mapping[str, Any] | None=None, check: bool=True) -> int:
        """Create a record, return its id; unknown or read-only keys refused (crm.lead.add, crm.lead.fields)."""
        return self._client.run(self.calls.add(fields, params=params, check=check))

    def add_many(self, items: Sequence[Lead | Mapping[str, Any]], *, params: Mapping[str, Any] | None=None, progress: bool=False) -> BulkResult:
        """Create many records; the result gives each item's new id or error (crm.lead.add, crm.lead.fields)."""
        return self._client.run(self.calls.add_many(items, params=params, progress=progress))

    @cached_property
    def contact_items(self) -> LeadContactItemsAPI:
        """Contacts bound to leads (crm.lead.contact.items.*)."""
        return LeadContactItemsAPI(self._client, self.calls.contact_items)

    def delete(self, id: int) -> bool:
        """Delete a record (crm.lead.delete)."""
        return self._client.run(self.calls.delete(id))

    def delete_many(self, ids: Iterable[int], *, progress: bool=False) -> BulkResult:
        """Delete many records; the result gives each id's outcome (crm.lead.delete)."""
        return self._client.run(self.calls.delete_many(ids, progress=progress))

    def fields(self) -> dict[str, FieldInfo]:
        """Descriptions of every field, custom ones included (crm.lead.fields)."""
        return self._client.run(self.calls.fields())

    def get(self, id: int) -> Lead:
        """One record by id (crm.lead.get)."""
        return self._client.run(self.calls.get(id))

    def get_many(self, ids: Iterable[int], *, select: Iterable[str] | None=None) -> builtins.list[Lead]:
        """The records with these ids in the order given, found ones only (crm.lead.list, crm.lead.fields)."""
        return self._client.run(self.calls.get_many(ids, select=select))

    @overload
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[False]=False, check: bool=True) -> Iterator[Lead]: ...
    @overload
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[True], check: bool=True) -> Iterator[dict[str, Any]]: ...
    @overload
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> Iterator[Lead | dict[str, Any]]: ...
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> Iterator[Lead] | Iterator[dict[str, Any]]:
        """Every matching record, streamed; ``raw=True``: the portal's dicts (crm.lead.list, crm.lead.fields)."""
        return cast("Iterator[Lead] | Iterator[dict[str, Any]]", self._client.stream(cast(Any, self.calls.iter_all(filter=filter, select=select, order=order, limit=limit, progress=progress, raw=raw, check=check))))

    def list(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, start: int=0, check: bool=True) -> Page[Lead]:
        """One page of up to 50 records, with ``total`` and ``next`` (crm.lead.list, crm.lead.fields)."""
        return self._client.run(self.calls.list(filter=filter, select=select, order=order, start=start, check=check))

    @overload
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[False]=False, check: bool=True) -> RowList[Lead]: ...
    @overload
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[True], check: bool=True) -> RowList[dict[str, Any]]: ...
    @overload
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> RowList[Lead] | RowList[dict[str, Any]]: ...
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> RowList[Lead] | RowList[dict[str, Any]]:
        """All matching records (``.to_dataframe()``); ``raw=True``: dicts (crm.lead.list, crm.lead.fields)."""
        return cast("RowList[Lead] | RowList[dict[str, Any]]", self._client.run(cast(Any, self.calls.list_all(filter=filter, select=select, order=order, limit=limit, progress=progress, raw=raw, check=check))))

    @cached_property
    def productrows(self) -> LeadProductRowsAPI:
        """Product rows of leads (crm.lead.productrows.*)."""
        return LeadProductRowsAPI(self._client, self.calls.productrows)

    def update(self, id: int, fields: Lead | Mapping[str, Any], *, params: Mapping[str, Any] | None=None, check: bool=True) -> bool:
        """Change the given fields of a record; the others stay as they are (crm.lead.update, crm.lead.fields)."""
        return self._client.run(self.calls.update(id, fields, params=params, check=check))

    def update_many(self, changes: Mapping[int, Lead | Mapping[str, Any]] | Sequence[tuple[int, Lead | Mapping[str, Any]]], *, progress: bool=False) -> BulkResult:
        """Update many records (``{id: fields}``); gives each one's outcome (crm.lead.update, crm.lead.fields)."""
        return self._client.run(self.calls.update_many(changes, progress=progress))

    @cached_property
    def userfield(self) -> LeadUserFieldAPI:
        """Custom fields of leads (crm.lead.userfield.*)."""
        return LeadUserFieldAPI(self._client, self.calls.userfield)


class LeadContactItemsAPI:
    """Contacts bound to leads."""

    def __init__(self, client: SyncEngine, calls: LeadContactItemsCalls) -> None:
        self._client = client
        #: the call factories behind this namespace (build ``Call`` objects for batches and flows)
        self.calls = calls

    def delete(self, id: int) -> bool:
        """Remove every contact binding (crm.lead.contact.items.delete)."""
        return self._client.run(self.calls.delete(id))

    def get(self, id: int) -> builtins.list[ContactBinding]:
        """The bound contacts, primary first (crm.lead.contact.items.get)."""
        return self._client.run(self.calls.get(id))

    def set(self, id: int, items: Sequence[ContactBinding | Mapping[str, Any] | int]) -> bool:
        """Replace the bindings; ints are contact ids, the first is primary unless flagged (crm.lead.contact.items.set)."""
        return self._client.run(self.calls.set(id, items))


class LeadProductRowsAPI:
    """Product rows of leads."""

    def __init__(self, client: SyncEngine, calls: LeadProductRowsCalls) -> None:
        self._client = client
        #: the call factories behind this namespace (build ``Call`` objects for batches and flows)
        self.calls = calls

    def get(self, owner_id: int) -> builtins.list[ProductRow]:
        """The owner's product rows in their order (crm.lead.productrows.get)."""
        return self._client.run(self.calls.get(owner_id))

    def set(self, owner_id: int, rows: Sequence[ProductRow | Mapping[str, Any]]) -> bool:
        """Replace ALL product rows of the owner with ``rows`` (``[]`` removes them all) (crm.lead.productrows.set)."""
        return self._client.run(self.calls.set(owner_id, rows))


class LeadUserFieldAPI:
    """Custom fields of leads."""

    def __init__(self, client: SyncEngine, calls: LeadUserFieldCalls) -> None:
        self._client = client
        #: the call factories behind this namespace (build ``Call`` objects for batches and flows)
        self.calls = calls

    def add(self, fields: UserField | Mapping[str, Any]) -> int:
        """Create a custom field and return its id (needs CRM admin rights) (crm.lead.userfield.add)."""
        return self._client.run(self.calls.add(fields))

    def delete(self, id: int) -> bool:
        """Delete a custom field; its stored values go with it (crm.lead.userfield.delete)."""
        return self._client.run(self.calls.delete(id))

    def get(self, id: int) -> UserField:
        """One field with labels as language maps (crm.lead.userfield.get)."""
        return self._client.run(self.calls.get(id))

    def list(self, *, filter: Mapping[str, Any] | None=None, order: Mapping[str, str] | None=None, lang: str | None=None) -> builtins.list[UserField]:
        """Every matching field (all pages of 50), labels as strings of ``lang`` (crm.lead.userfield.list)."""
        return self._client.run(self.calls.list(filter=filter, order=order, lang=lang))

    def update(self, id: int, fields: UserField | Mapping[str, Any]) -> bool:
        """Change labels, flags, settings or enumeration items (not name or type) (crm.lead.userfield.update)."""
        return self._client.run(self.calls.update(id, fields))


class PresetAPI:
    """Requisite templates: which ``RQ_*`` fields the form of a country shows (crm.requisite.preset.*)."""

    def __init__(self, client: SyncEngine, calls: PresetCalls) -> None:
        self._client = client
        #: the call factories behind this namespace (build ``Call`` objects for batches and flows)
        self.calls = calls

    def countries(self) -> builtins.list[Country]:
        """Countries that have their own preset field sets (crm.requisite.preset.countries)."""
        return self._client.run(self.calls.countries())

    def fields(self) -> dict[str, FieldInfo]:
        """Descriptions of the preset fields (crm.requisite.preset.fields)."""
        return self._client.run(self.calls.fields())

    def fields_of(self, preset_id: int) -> builtins.list[PresetField]:
        """The ``RQ_*`` fields a preset shows, in form order (crm.requisite.preset.field.list)."""
        return self._client.run(self.calls.fields_of(preset_id))

    def for_country(self, country_id: int, *, active_only: bool=False) -> builtins.list[Preset]:
        """Every preset of a country (Russia: 1) (crm.requisite.preset.list, crm.requisite.preset.fields)."""
        return self._client.run(self.calls.for_country(country_id, active_only=active_only))

    def get(self, id: int) -> Preset:
        """One preset by id (crm.requisite.preset.get)."""
        return self._client.run(self.calls.get(id))

    @overload
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[False]=False, check: bool=True) -> Iterator[Preset]: ...
    @overload
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[True], check: bool=True) -> Iterator[dict[str, Any]]: ...
    @overload
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> Iterator[Preset | dict[str, Any]]: ...
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> Iterator[Preset] | Iterator[dict[str, Any]]:
        """Every matching record, streamed; ``raw=True``: the portal's dicts (crm.requisite.preset.list, crm.requisite.preset.fields)."""
        return cast("Iterator[Preset] | Iterator[dict[str, Any]]", self._client.stream(cast(Any, self.calls.iter_all(filter=filter, select=select, order=order, limit=limit, progress=progress, raw=raw, check=check))))

    def list(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, start: int=0, check: bool=True) -> Page[Preset]:
        """One page of up to 50 records, with ``total`` and ``next`` (crm.requisite.preset.list, crm.requisite.preset.fields)."""
        return self._client.run(self.calls.list(filter=filter, select=select, order=order, start=start, check=check))

    @overload
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[False]=False, check: bool=True) -> RowList[Preset]: ...
    @overload
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[True], check: bool=True) -> RowList[dict[str, Any]]: ...
    @overload
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> RowList[Preset] | RowList[dict[str, Any]]: ...
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> RowList[Preset] | RowList[dict[str, Any]]:
        """All matching records (``.to_dataframe()``); ``raw=True``: dicts (crm.requisite.preset.list, crm.requisite.preset.fields)."""
        return cast("RowList[Preset] | RowList[dict[str, Any]]", self._client.run(cast(Any, self.calls.list_all(filter=filter, select=select, order=order, limit=limit, progress=progress, raw=raw, check=check))))


class RequisiteAPI:
    """Requisites (legal details) of companies and contacts, with bank details, presets and links."""

    def __init__(self, client: SyncEngine, calls: RequisiteCalls) -> None:
        self._client = client
        #: the call factories behind this namespace (build ``Call`` objects for batches and flows)
        self.calls = calls

    def add(self, fields: Requisite | Mapping[str, Any], *, check: bool=True) -> int:
        """Create a record, return its id; unknown or read-only keys refused (crm.requisite.add, crm.requisite.fields)."""
        return self._client.run(self.calls.add(fields, check=check))

    @cached_property
    def bankdetail(self) -> BankDetailAPI:
        """Bank details of requisites (crm.requisite.bankdetail.*)."""
        return BankDetailAPI(self._client, self.calls.bankdetail)

    def delete(self, id: int) -> bool:
        """Delete a record (crm.requisite.delete)."""
        return self._client.run(self.calls.delete(id))

    def fields(self) -> dict[str, FieldInfo]:
        """Descriptions of every field, custom ones included (crm.requisite.fields)."""
        return self._client.run(self.calls.fields())

    def for_owner(self, entity_type_id: int, entity_id: int) -> builtins.list[Requisite]:
        """Every requisite of a company (4) or contact (3) (crm.requisite.list, crm.requisite.fields)."""
        return self._client.run(self.calls.for_owner(entity_type_id, entity_id))

    def get(self, id: int) -> Requisite:
        """One record by id (crm.requisite.get)."""
        return self._client.run(self.calls.get(id))

    @overload
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[False]=False, check: bool=True) -> Iterator[Requisite]: ...
    @overload
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[True], check: bool=True) -> Iterator[dict[str, Any]]: ...
    @overload
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> Iterator[Requisite | dict[str, Any]]: ...
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> Iterator[Requisite] | Iterator[dict[str, Any]]:
        """Every matching record, streamed; ``raw=True``: the portal's dicts (crm.requisite.list, crm.requisite.fields)."""
        return cast("Iterator[Requisite] | Iterator[dict[str, Any]]", self._client.stream(cast(Any, self.calls.iter_all(filter=filter, select=select, order=order, limit=limit, progress=progress, raw=raw, check=check))))

    @cached_property
    def link(self) -> RequisiteLinkAPI:
        """Which requisites a deal, quote or invoice uses (crm.requisite.link.*)."""
        return RequisiteLinkAPI(self._client, self.calls.link)

    def list(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, start: int=0, check: bool=True) -> Page[Requisite]:
        """One page of up to 50 records, with ``total`` and ``next`` (crm.requisite.list, crm.requisite.fields)."""
        return self._client.run(self.calls.list(filter=filter, select=select, order=order, start=start, check=check))

    @overload
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[False]=False, check: bool=True) -> RowList[Requisite]: ...
    @overload
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[True], check: bool=True) -> RowList[dict[str, Any]]: ...
    @overload
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> RowList[Requisite] | RowList[dict[str, Any]]: ...
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> RowList[Requisite] | RowList[dict[str, Any]]:
        """All matching records (``.to_dataframe()``); ``raw=True``: dicts (crm.requisite.list, crm.requisite.fields)."""
        return cast("RowList[Requisite] | RowList[dict[str, Any]]", self._client.run(cast(Any, self.calls.list_all(filter=filter, select=select, order=order, limit=limit, progress=progress, raw=raw, check=check))))

    @cached_property
    def preset(self) -> PresetAPI:
        """Requisite templates and their fields (crm.requisite.preset.*)."""
        return PresetAPI(self._client, self.calls.preset)

    def update(self, id: int, fields: Requisite | Mapping[str, Any], *, check: bool=True) -> bool:
        """Change the given fields of a record; the others stay as they are (crm.requisite.update, crm.requisite.fields)."""
        return self._client.run(self.calls.update(id, fields, check=check))

    @cached_property
    def userfield(self) -> RequisiteUserFieldAPI:
        """Custom fields of requisites (crm.requisite.userfield.*)."""
        return RequisiteUserFieldAPI(self._client, self.calls.userfield)


class RequisiteLinkAPI:
    """Which requisites and bank details a deal, quote or invoice uses."""

    def __init__(self, client: SyncEngine, calls: RequisiteLinkCalls) -> None:
        self._client = client
        #: the call factories behind this namespace (build ``Call`` objects for batches and flows)
        self.calls = calls

    def fields(self) -> dict[str, FieldInfo]:
        """Descriptions of the link fields (crm.requisite.link.fields)."""
        return self._client.run(self.calls.fields())

    def get(self, entity_type_id: int, entity_id: int) -> RequisiteLink:
        """The requisites an object uses; NotFoundError when none were registered (crm.requisite.link.get)."""
        return self._client.run(self.calls.get(entity_type_id, entity_id))

    @overload
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[False]=False, check: bool=True) -> Iterator[RequisiteLink]: ...
    @overload
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[True], check: bool=True) -> Iterator[dict[str, Any]]: ...
    @overload
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> Iterator[RequisiteLink | dict[str, Any]]: ...
    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> Iterator[RequisiteLink] | Iterator[dict[str, Any]]:
        """Every matching record, streamed; ``raw=True``: the portal's dicts (crm.requisite.link.list, crm.requisite.link.fields)."""
        return cast("Iterator[RequisiteLink] | Iterator[dict[str, Any]]", self._client.stream(cast(Any, self.calls.iter_all(filter=filter, select=select, order=order, limit=limit, progress=progress, raw=raw, check=check))))

    def list(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, start: int=0, check: bool=True) -> Page[RequisiteLink]:
        """One page of up to 50 records, with ``total`` and ``next`` (crm.requisite.link.list, crm.requisite.link.fields)."""
        return self._client.run(self.calls.list(filter=filter, select=select, order=order, start=start, check=check))

    @overload
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[False]=False, check: bool=True) -> RowList[RequisiteLink]: ...
    @overload
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: Literal[True], check: bool=True) -> RowList[dict[str, Any]]: ...
    @overload
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> RowList[RequisiteLink] | RowList[dict[str, Any]]: ...
    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None, progress: bool=False, raw: bool=False, check: bool=True) -> RowList[RequisiteLink] | RowList[dict[str, Any]]:
        """All matching records (``.to_dataframe()``); ``raw=True``: dicts (crm.requisite.link.list, crm.requisite.link.fields)."""
        return cast("RowList[RequisiteLink] | RowList[dict[str, Any]]", self._client.run(cast(Any, self.calls.list_all(filter=filter, select=select, order=order, limit=limit, progress=progress, raw=raw, check=check))))

    def register(self, entity_type_id: int, entity_id: int, *, requisite_id: int | None=None, bank_detail_id: int | None=None, mc_requisite_id: int | None=None, mc_bank_detail_id: int | None=None) -> bool:
        """Set the requisites an object uses; ``None`` means "not selected" (crm.requisite.link.register)."""
        return self._client.run(self.calls.register(entity_type_id, entity_id, requisite_id=requisite_id, bank_detail_id=bank_detail_id, mc_requisite_id=mc_requisite_id, mc_bank_detail_id=mc_bank_detail_id))

    def unregister(self, entity_type_id: int, entity_id: int) -> bool:
        """Forget which requisites an object uses (crm.requisite.link.unregister)."""
        return self._client.run(self.calls.unregister(entity_type_id, entity_id))


class RequisiteUserFieldAPI:
    """Custom fields of requisites (``UF_CRM_*``; string, boolean, double and datetime types)."""

    def __init__(self, client: SyncEngine, calls: RequisiteUserFieldCalls) -> None:
        self._client = client
        #: the call factories behind this namespace (build ``Call`` objects for batches and flows)
        self.calls = calls

    def add(self, fields: UserField | Mapping[str, Any]) -> int:
        """Create a custom field and return its id (needs CRM admin rights) (crm.requisite.userfield.add)."""
        return self._client.run(self.calls.add(fields))

    def delete(self, id: int) -> bool:
        """Delete a custom field; its stored values go with it (crm.requisite.userfield.delete)."""
        return self._client.run(self.calls.delete(id))

    def get(self, id: int) -> UserField:
        """One field with labels as language maps (crm.requisite.userfield.get)."""
        return self._client.run(self.calls.get(id))

    def list(self, *, filter: Mapping[str, Any] | None=None, order: Mapping[str, str] | None=None, lang: str | None=None) -> builtins.list[UserField]:
        """Every matching field (all pages of 50), labels as strings of ``lang`` (crm.requisite.userfield.list)."""
        return self._client.run(self.calls.list(filter=filter, order=order, lang=lang))

    def update(self, id: int, fields: UserField | Mapping[str, Any]) -> bool:
        """Change labels, flags, settings or enumeration items (not name or type) (crm.requisite.userfield.update)."""
        return self._client.run(self.calls.update(id, fields))


class StageHistoryAPI:
    """Stage changes of leads, deals and smart processes, oldest first by id (crm.stagehistory.*)."""

    def __init__(self, client: SyncEngine, calls: StageHistoryCalls) -> None:
        self._client = client
        #: the call factories behind this namespace (build ``Call`` objects for batches and flows)
        self.calls = calls

    def iter_all(self, entity_type_id: int, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None) -> Iterator[StageHistoryItem]:
        """Every matching stage change, streamed (keyset by ``ID`` unless ordered) (crm.stagehistory.list)."""
        return self._client.stream(self.calls.iter_all(entity_type_id, filter=filter, select=select, order=order, limit=limit))

    def list(self, entity_type_id: int, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, start: int=0) -> Page[StageHistoryItem]:
        """One page of up to 50 stage changes of one entity type (crm.stagehistory.list)."""
        return self._client.run(self.calls.list(entity_type_id, filter=filter, select=select, order=order, start=start))

    def list_all(self, entity_type_id: int, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None) -> RowList[StageHistoryItem]:
        """Every matching stage change in one list, with ``.to_dataframe()`` (crm.stagehistory.list)."""
        return self._client.run(self.calls.list_all(entity_type_id, filter=filter, select=select, order=order, limit=limit))


class StatusAPI:
    """Directories: lead statuses, deal stages, sources, types, industries (crm.status.*)."""

    def __init__(self, client: SyncEngine, calls: StatusCalls) -> None:
        self._client = client
        #: the call factories behind this namespace (build ``Call`` objects for batches and flows)
        self.calls = calls

    def add(self, fields: Status | Mapping[str, Any]) -> int:
        """Add a row (``C{N}:`` is prefixed in funnel N by the portal); returns its id (crm.status.add)."""
        return self._client.run(self.calls.add(fields))

    def deal_stages(self, category_id: int=0) -> builtins.list[Status]:
        """The stages of a deal funnel in order (0 = the default funnel) (crm.status.list)."""
        return self._client.run(self.calls.deal_stages(category_id))

    def delete(self, id: int, *, forced: bool=False) -> bool:
        """Delete a row; system rows need ``forced=True`` (crm.status.delete)."""
        return self._client.run(self.calls.delete(id, forced=forced))

    def entity_items(self, entity_id: str) -> builtins.list[Status]:
        """``NAME``/``SORT``/``STATUS_ID`` of one directory's rows (crm.status.entity.items)."""
        return self._client.run(self.calls.entity_items(entity_id))

    def entity_types(self) -> builtins.list[StatusEntityType]:
        """The portal's directories, deal funnels' stage directories included (crm.status.entity.types)."""
        return self._client.run(self.calls.entity_types())

    def fields(self) -> dict[str, FieldInfo]:
        """Descriptions of directory row fields (crm.status.fields)."""
        return self._client.run(self.calls.fields())

    def get(self, id: int) -> Status:
        """One directory row by its numeric id (crm.status.get)."""
        return self._client.run(self.calls.get(id))

    def list(self, *, filter: Mapping[str, Any] | None=None, order: Mapping[str, str] | None=None) -> builtins.list[Status]:
        """Every matching directory row in one answer (crm.status.list)."""
        return self._client.run(self.calls.list(filter=filter, order=order))

    def stages(self, entity_id: str) -> builtins.list[Status]:
        """The rows of one directory (``STATUS``, ``DEAL_STAGE_1`` ...) by ``SORT`` (crm.status.list)."""
        return self._client.run(self.calls.stages(entity_id))

    def update(self, id: int, fields: Status | Mapping[str, Any]) -> bool:
        """Change a row's name, sort, colour or semantics (crm.status.update)."""
        return self._client.run(self.calls.update(id, fields))


class TaskAPI:
    """Tasks, their checklists and links (scope ``task``)."""

    def __init__(self, client: SyncEngine, calls: TaskCalls) -> None:
        self._client = client
        #: the call factories behind this namespace (build ``Call`` objects for batches and flows)
        self.calls = calls

    def add(self, fields: Mapping[str, Any]) -> Task:
        """Create a task from ``{TITLE, RESPONSIBLE_ID, DEADLINE, GROUP_ID, ...}`` (tasks.task.add)."""
        return self._client.run(self.calls.add(fields))

    @cached_property
    def checklist(self) -> ChecklistAPI:
        """Checklist items of tasks (task.checklistitem.*)."""
        return ChecklistAPI(self._client, self.calls.checklist)

    def complete(self, task_id: int) -> Task:
        """Mark a task completed: ``STATUS`` 5 (tasks.task.update)."""
        return self._client.run(self.calls.complete(task_id))

    def delete(self, task_id: int) -> bool:
        """Delete a task with its checklist (tasks.task.delete)."""
        return self._client.run(self.calls.delete(task_id))

    @cached_property
    def dependence(self) -> DependenceAPI:
        """Links between tasks (task.dependence.*)."""
        return DependenceAPI(self._client, self.calls.dependence)

    def get(self, task_id: int, *, select: Iterable[str] | None=None) -> Task | None:
        """One task by id, ``None`` when there is none (tasks.task.get)."""
        return self._client.run(self.calls.get(task_id, select=select))

    def iter_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None) -> Iterator[Task]:
        """Every matching task, streamed by offset pages (tasks.task.list)."""
        return self._client.stream(self.calls.iter_all(filter=filter, select=select, order=order, limit=limit))

    def list(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, start: int=0) -> Page[Task]:
        """One page of up to 50 tasks (filter by ``GROUP_ID``, ``TAG``, ``STATUS``) (tasks.task.list)."""
        return self._client.run(self.calls.list(filter=filter, select=select, order=order, start=start))

    def list_all(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, limit: int | None=None) -> RowList[Task]:
        """Every matching task in one list, with ``.to_dataframe()`` (tasks.task.list)."""
        return self._client.run(self.calls.list_all(filter=filter, select=select, order=order, limit=limit))

    def update(self, task_id: int, fields: Mapping[str, Any]) -> Task:
        """Change a task's fields; answers the task after the change (tasks.task.update)."""
        return self._client.run(self.calls.update(task_id, fields))


class TimelineAPI:
    """The timeline of CRM objects (crm.timeline.*)."""

    def __init__(self, client: SyncEngine, calls: TimelineCalls) -> None:
        self._client = client
        #: the call factories behind this namespace (build ``Call`` objects for batches and flows)
        self.calls = calls

    @cached_property
    def comment(self) -> TimelineCommentAPI:
        """Timeline comments (crm.timeline.comment.*)."""
        return TimelineCommentAPI(self._client, self.calls.comment)


class TimelineCommentAPI:
    """Timeline comments (crm.timeline.comment.*)."""

    def __init__(self, client: SyncEngine, calls: TimelineCommentCalls) -> None:
        self._client = client
        #: the call factories behind this namespace (build ``Call`` objects for batches and flows)
        self.calls = calls

    def add(self, entity_type: str | int, entity_id: int, comment: str, *, author_id: int | None=None) -> int:
        """Add a comment to an object's timeline and return its id (crm.timeline.comment.add)."""
        return self._client.run(self.calls.add(entity_type, entity_id, comment, author_id=author_id))

    def delete(self, id: int) -> bool:
        """Delete a comment (crm.timeline.comment.delete)."""
        return self._client.run(self.calls.delete(id))

    def get(self, id: int) -> TimelineComment:
        """One comment (crm.timeline.comment.get)."""
        return self._client.run(self.calls.get(id))

    def list(self, *, filter: Mapping[str, Any] | None=None, select: Iterable[str] | None=None, order: Mapping[str, str] | None=None, start: int=0) -> Page[TimelineComment]:
        """One page of comments, e.g. ``filter={"ENTITY_ID": 5, ...}`` (crm.timeline.comment.list)."""
        return self._client.run(self.calls.list(filter=filter, select=select, order=order, start=start))

    def update(self, id: int, comment: str) -> int:
        """Change a comment's text; returns its id (crm.timeline.comment.update)."""
        return self._client.run(self.calls.update(id, comment))


class TodoAPI:
    """To-dos (crm.activity.todo.*)."""

    def __init__(self, client: SyncEngine, calls: TodoCalls) -> None:
        self._client = client
        #: the call factories behind this namespace (build ``Call`` objects for batches and flows)
        self.calls = calls

    def add(self, owner_type_id: int, owner_id: int, deadline: datetime | date | str, *, title: str | None=None, description: str | None=None, responsible_id: int | None=None, parent_activity_id: int | None=None, ping_offsets: Iterable[int] | None=None, color_id: str | None=None) -> int:
        """Create a to-do on a CRM object and return its activity id (crm.activity.todo.add)."""
        return self._client.run(self.calls.add(owner_type_id, owner_id, deadline, title=title, description=description, responsible_id=responsible_id, parent_activity_id=parent_activity_id, ping_offsets=ping_offsets, color_id=color_id))


class UserAPI:
    """Employees (scope ``user``)."""

    def __init__(self, client: SyncEngine, calls: UserCalls) -> None:
        self._client = client
        #: the call factories behind this namespace (build ``Call`` objects for batches and flows)
        self.calls = calls

    def current(self) -> User:
        """The user the webhook or token acts as (user.current)."""
        return self._client.run(self.calls.current())

    def fields(self) -> dict[str, FieldInfo]:
        """The names and titles of the standard user fields (user.fields)."""
        return self._client.run(self.calls.fields())

    def get(self, *, filter: Mapping[str, Any] | None=None, sort: str | None=None, order: str | None=None, start: int=0, check: bool=True) -> Page[User]:
        """A page of up to 50 users by filter (``UF_DEPARTMENT``, ``%LAST_NAME``) (user.get, user.fields)."""
        return self._client.run(self.calls.get(filter=filter, sort=sort, order=order, start=start, check=check))

    def search(self, *, filter: Mapping[str, Any] | None=None, sort: str | None=None, order: str | None=None, start: int=0, check: bool=True) -> Page[User]:
        """One page of users found by personal data (``{"FIND": "Ivan"}``) (user.search, user.fields)."""
        return self._client.run(self.calls.search(filter=filter, sort=sort, order=order, start=start, check=check))


class WorkgroupAPI:
    """Workgroups and projects (scope ``sonet_group``)."""

    def __init__(self, client: SyncEngine, calls: WorkgroupCalls) -> None:
        self._client = client
        #: the call factories behind this namespace (build ``Call`` objects for batches and flows)
        self.calls = calls

    def by_id(self, group_id: int) -> Page[Workgroup]:
        """The group with this id, as a page of at most one (sonet_group.get)."""
        return self._client.run(self.calls.by_id(group_id))

    def create(self, fields: Mapping[str, Any]) -> int:
        """Create a group or, with ``PROJECT: True``, a project -> its id (sonet_group.create)."""
        return self._client.run(self.calls.create(fields))

    def get(self, *, filter: Mapping[str, Any] | None=None, order: Mapping[str, str] | None=None, start: int=0) -> Page[Workgroup]:
        """One page of up to 50 groups by filter (``NAME``, ``%NAME``, ``OWNER_ID``) (sonet_group.get)."""
        return self._client.run(self.calls.get(filter=filter, order=order, start=start))
