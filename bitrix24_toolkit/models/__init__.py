"""Typed models of Bitrix24 objects (loaded on first use: ``import bitrix24_toolkit`` does not load them)."""

from .activity import Activity, TimelineComment, Todo
from .base import BitrixModel, CamelModel
from .bindings import ContactBinding
from .crm import Company, Contact, CrmEntity, Deal, Lead, Multifield
from .directory import Category, StageHistoryItem, Status, StatusEntityType
from .item import Item
from .meta import DuplicateMatch, FieldInfo, Page, User
from .org import BlogPost, Department, Workgroup
from .products import ProductRow
from .requisites import (
    Address,
    AddressType,
    BankDetail,
    Country,
    Preset,
    PresetField,
    Requisite,
    RequisiteLink,
)
from .row_list import RowList
from .tasks import ChecklistItem, Task
from .userfield import EnumItem, UserField
from .values import CrmRef, Date, DateTime, Int, LinkId, Money, YesNo

__all__ = [
    "Activity",
    "Address",
    "AddressType",
    "BankDetail",
    "BitrixModel",
    "BlogPost",
    "CamelModel",
    "Category",
    "ChecklistItem",
    "Company",
    "Contact",
    "ContactBinding",
    "Country",
    "CrmEntity",
    "CrmRef",
    "Date",
    "DateTime",
    "Deal",
    "Department",
    "DuplicateMatch",
    "EnumItem",
    "FieldInfo",
    "Int",
    "Item",
    "Lead",
    "LinkId",
    "Money",
    "Multifield",
    "Page",
    "Preset",
    "PresetField",
    "ProductRow",
    "Requisite",
    "RequisiteLink",
    "RowList",
    "StageHistoryItem",
    "Status",
    "StatusEntityType",
    "Task",
    "TimelineComment",
    "Todo",
    "User",
    "UserField",
    "Workgroup",
    "YesNo",
]
