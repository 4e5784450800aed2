"""The company structure, workgroups and live-feed posts (department.*, sonet_group.*, log.blogpost.*)."""

from __future__ import annotations

from .base import BitrixModel
from .values import DateTime, Int, YesNo

__all__ = ["BlogPost", "Department", "Workgroup"]


class Department(BitrixModel):
    """A department (department-get.md): ``parent`` is ``None`` for the company's top department."""

    id: Int = None
    name: str | None = None
    sort: Int = None
    parent: Int = None
    uf_head: Int = None


class Workgroup(BitrixModel):
    """A workgroup or project (sonet-group-get.md)."""

    id: Int = None
    site_id: str | None = None
    name: str | None = None
    description: str | None = None
    date_create: DateTime = None
    date_update: DateTime = None
    date_activity: DateTime = None
    active: YesNo = None
    visible: YesNo = None
    opened: YesNo = None
    closed: YesNo = None
    project: YesNo = None
    is_extranet: YesNo = None
    subject_id: Int = None
    subject_name: str | None = None
    owner_id: Int = None
    keywords: str | None = None
    number_of_members: Int = None


class BlogPost(BitrixModel):
    """A live-feed post (log-blogpost-get.md)."""

    id: Int = None
    blog_id: Int = None
    publish_status: str | None = None
    title: str | None = None
    author_id: Int = None
    detail_text: str | None = None
    date_publish: DateTime = None
    micro: YesNo = None
    category_id: str | None = None
    has_socnet_all: YesNo = None
    has_tags: YesNo = None
    num_comments: Int = None
