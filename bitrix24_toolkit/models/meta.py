"""Models about the portal itself: field descriptions, users, pages of lists, duplicate matches."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BeforeValidator, Field, field_validator

from .base import BitrixModel, CamelModel
from .values import DateTime, Int, YesNo, is_empty

__all__ = ["DuplicateMatch", "FieldInfo", "Page", "User"]

T = TypeVar("T")


class FieldInfo(CamelModel):
    """One field's description from ``*.fields`` (reference 5.3)."""

    type: str = "string"
    is_required: bool = False
    is_read_only: bool = False
    is_immutable: bool = False
    is_multiple: bool = False
    is_dynamic: bool = False
    title: str | None = None
    status_type: str | None = None
    settings: Any = None
    list_label: str | None = None
    form_label: str | None = None
    filter_label: str | None = None
    #: ``crm.item.fields`` gives each camelCase field its legacy name
    upper_name: str | None = None

    @field_validator("status_type", mode="before")
    @classmethod
    def _one_status_type(cls, value: Any) -> Any:
        # crm.requisite.fields sends a list: "statusType": ["RQ_IDENT_TYPE_CO"] (crm-requisite-fields.md)
        if isinstance(value, list):
            return str(value[0]) if value else None
        return value

    @property
    def label(self) -> str | None:
        """The human label: custom fields carry it in ``listLabel``/``formLabel``, others in ``title``."""
        return self.list_label or self.form_label or self.title


def _loose_datetime(value: Any) -> Any:
    """user.get sends TIMESTAMP_X / LAST_ACTIVITY_DATE as ``{}``, user.current as ``"Y-m-d H:i:s"``."""
    if is_empty(value):
        return None
    if isinstance(value, str) and len(value) == 19 and value[10] == " ":
        return dt.datetime.fromisoformat(value)
    return value


#: a datetime that may come as ``{}`` or without an offset (api-reference/user/user-get.md, user-current.md)
LooseDateTime = Annotated[dt.datetime | None, BeforeValidator(_loose_datetime)]


class User(BitrixModel):
    """An employee (``user.current``, ``user.get``, ``user.search``; ``profile`` fills ``admin``)."""

    id: Int = None
    active: YesNo = None
    name: str | None = None
    last_name: str | None = None
    second_name: str | None = None
    email: str | None = None
    last_login: DateTime = None
    date_register: DateTime = None
    time_zone: str | None = None
    is_online: YesNo = None
    timestamp_x: LooseDateTime = None
    last_activity_date: LooseDateTime = None
    personal_gender: str | None = None
    personal_www: str | None = None
    personal_birthday: DateTime = None
    personal_photo: str | None = None
    personal_mobile: str | None = None
    personal_phone: str | None = None
    personal_city: str | None = None
    work_phone: str | None = None
    work_position: str | None = None
    uf_employment_date: DateTime = None
    uf_department: list[int] | None = None
    uf_phone_inner: str | None = None
    user_type: str | None = None
    admin: bool | None = Field(default=None, alias="ADMIN")

    @property
    def full_name(self) -> str:
        """First and last name, as people read them."""
        return " ".join(part for part in (self.name, self.last_name) if part)


class DuplicateMatch(BitrixModel):
    """What ``crm.duplicate.findbycomm`` found: ids per entity kind (``{"CONTACT": [275, 2297]}``)."""

    lead: list[int] = Field(default_factory=list, alias="LEAD")
    contact: list[int] = Field(default_factory=list, alias="CONTACT")
    company: list[int] = Field(default_factory=list, alias="COMPANY")

    @property
    def empty(self) -> bool:
        """Nothing matched."""
        return not (self.lead or self.contact or self.company)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its items, the ``total`` count and the ``next`` offset (``None`` on the last)."""

    items: list[T] = field(default_factory=list)
    total: int | None = None
    next: int | None = None

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)
