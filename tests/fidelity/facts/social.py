"""Documented facts of workgroups and the live feed: ``sonet_group.create/get`` and ``log.blogpost.add/get``
(pages under ``api-reference/sonet-group/`` and ``api-reference/log/``)."""

from __future__ import annotations

from ..shapes import DATETIME, INTSTR, LIST, STR, YN, DocError, MethodDoc, Obj, Opt

METHODS = {
    "sonet_group.create": MethodDoc(
        page="api-reference/sonet-group/sonet-group-create.md",
        not_emulated="IMAGE, scrum, extranet groups, creation rights",
    ),
    "sonet_group.get": MethodDoc(
        page="api-reference/sonet-group/sonet-group-get.md",
        not_emulated="the '><' and '?' filter operators, IMAGE, IS_ADMIN (every group is visible)",
    ),
    "log.blogpost.add": MethodDoc(
        page="api-reference/log/log-blogpost-add.md",
        not_emulated="FILES and UF_* fields, BACKGROUND_CODE, link previews, votes",
    ),
    "log.blogpost.get": MethodDoc(
        page="api-reference/log/log-blogpost-get.md", not_emulated="the UF_* field objects of a post"
    ),
}

#: sonet-group-get.md's record
GROUP = Obj(
    {
        "ID": INTSTR,
        "SITE_ID": STR,
        "NAME": STR,
        "DESCRIPTION": Opt(STR),
        "DATE_CREATE": DATETIME,
        "DATE_UPDATE": DATETIME,
        "ACTIVE": YN,
        "VISIBLE": YN,
        "OPENED": YN,
        "CLOSED": YN,
        "SUBJECT_ID": INTSTR,
        "OWNER_ID": INTSTR,
        "KEYWORDS": Opt(STR),
        "NUMBER_OF_MEMBERS": INTSTR,
        "DATE_ACTIVITY": DATETIME,
        "SUBJECT_NAME": STR,
        "PROJECT": YN,
        "IS_EXTRANET": YN,
    }
)
CREATE_EXAMPLE = {"NAME": "New Project", "PROJECT": "Y", "VISIBLE": "Y", "OPENED": "N", "INITIATE_PERMS": "K"}
GET_EXAMPLE = {"ORDER": {"NAME": "ASC"}, "FILTER": {"%NAME": "Pro"}}
CANNOT_CREATE = DocError("", "Cannot create group", 400)

#: log-blogpost-get.md's record without the UF_* objects
POST = Obj(
    {
        "ID": INTSTR,
        "BLOG_ID": INTSTR,
        "PUBLISH_STATUS": STR,
        "TITLE": STR,
        "AUTHOR_ID": INTSTR,
        "ENABLE_COMMENTS": YN,
        "NUM_COMMENTS": INTSTR,
        "CODE": Opt(STR),
        "MICRO": YN,
        "DETAIL_TEXT": STR,
        "DATE_PUBLISH": DATETIME,
        "CATEGORY_ID": Opt(STR),
        "HAS_SOCNET_ALL": YN,
        "HAS_TAGS": YN,
        "HAS_IMAGES": YN,
        "HAS_PROPS": YN,
        "HAS_COMMENT_IMAGES": Opt(STR),
        "FILES": LIST,
    }
)
POST_EXAMPLE = {
    "POST_TITLE": "New Regulation",
    "POST_MESSAGE": "From November 1, the approval process is updated.",
    "DEST": ["UA"],
    "TAGS": "regulation,approval,update",
    "IMPORTANT": "Y",
}
NOT_ADDED = DocError("SONET_CONTROLLER_LIVEFEED_BLOGPOST_ADD_ERROR", "Blog post hasn't been added", 400)
