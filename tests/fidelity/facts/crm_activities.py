"""Documented facts of activities, to-dos and timeline comments: ``crm.activity.*``,
``crm.activity.todo.add``, ``crm.timeline.comment.*`` (pages under ``api-reference/crm/timeline/``).

Only what the pages say (example responses, returned-data tables, error tables). Where pages disagree the
comment says which side is taken and why (what a real portal is best known to send).
"""

from __future__ import annotations

from ..shapes import (
    DATETIME,
    DECSTR,
    DICT,
    INT,
    INTSTR,
    LIST,
    STR,
    YN,
    DocError,
    MethodDoc,
    Obj,
    OneOf,
    Opt,
)

_BASE = "api-reference/crm/timeline/activities/activity-base/"
_TODO = "api-reference/crm/timeline/activities/todo/"
_COMMENTS = "api-reference/crm/timeline/comments/"

METHODS = {
    "crm.activity.add": MethodDoc(
        page=_BASE + "crm-activity-add.md",
        not_emulated=(
            "e-mail sending (the 'Email send error' cases), configurable/app-context provider checks, "
            "access rights"
        ),
    ),
    "crm.activity.get": MethodDoc(page=_BASE + "crm-activity-get.md", not_emulated="access rights"),
    "crm.activity.list": MethodDoc(
        page=_BASE + "crm-activity-list.md",
        not_emulated=(
            "per-user permission filtering; OWNER_* filters match the owner only (BINDINGS matches all); "
            "FILES urls do not serve content"
        ),
    ),
    "crm.activity.update": MethodDoc(page=_BASE + "crm-activity-update.md", not_emulated="access rights"),
    "crm.activity.delete": MethodDoc(page=_BASE + "crm-activity-delete.md", not_emulated="access rights"),
    "crm.activity.fields": MethodDoc(page=_BASE + "crm-activity-fields.md"),
    "crm.activity.todo.add": MethodDoc(
        page=_TODO + "crm-activity-todo-add.md",
        not_emulated="reminders (pingOffsets) and colours are kept, not scheduled or shown; access rights",
    ),
    "crm.timeline.comment.add": MethodDoc(
        page=_COMMENTS + "crm-timeline-comment-add.md", not_emulated="access rights"
    ),
    "crm.timeline.comment.get": MethodDoc(
        page=_COMMENTS + "crm-timeline-comment-get.md",
        not_emulated="file urls (urlShow/urlDownload/urlPreview) do not serve content",
    ),
    "crm.timeline.comment.list": MethodDoc(
        page=_COMMENTS + "crm-timeline-comment-list.md",
        not_emulated="lists without the mandatory ENTITY_ID/ENTITY_TYPE filter are answered",
    ),
    "crm.timeline.comment.update": MethodDoc(
        page=_COMMENTS + "crm-timeline-comment-update.md", not_emulated="access rights"
    ),
    "crm.timeline.comment.delete": MethodDoc(
        page=_COMMENTS + "crm-timeline-comment-delete.md",
        not_emulated="MULTIPLE_BINDINGS (comments are bound to one entity only)",
    ),
    "crm.timeline.comment.fields": MethodDoc(page=_COMMENTS + "crm-timeline-comment-fields.md"),
}

# -- crm.activity.get / list (activity-base/crm-activity-get.md, crm-activity-list.md) -----------------------
#: The example ``result`` of crm-activity-get.md (same keys in each row of crm-activity-list.md): legacy
#: numbers as strings of digits, PHP empty arrays as ``[]``. COMMUNICATIONS / FILES are absent: the list page
#: says they come only when named in ``select``. The fields table also lists ORIGIN_VERSION, BINDINGS,
#: COMMUNICATIONS, FILES, WEBDAV_ELEMENTS, IS_INCOMING_CHANNEL: the example (a captured answer) has none of
#: them, so a plain get/list row follows the example.
ACTIVITY = Obj(
    {
        "ID": INTSTR,
        "OWNER_ID": INTSTR,
        "OWNER_TYPE_ID": INTSTR,
        "TYPE_ID": INTSTR,
        "PROVIDER_ID": STR,
        "PROVIDER_TYPE_ID": STR,
        "PROVIDER_GROUP_ID": Opt(STR),
        "ASSOCIATED_ENTITY_ID": INTSTR,
        "SUBJECT": STR,
        "CREATED": DATETIME,
        "LAST_UPDATED": DATETIME,
        "START_TIME": DATETIME,
        "END_TIME": DATETIME,
        "DEADLINE": DATETIME,
        "COMPLETED": YN,
        "STATUS": INTSTR,
        "RESPONSIBLE_ID": INTSTR,
        "PRIORITY": INTSTR,
        "NOTIFY_TYPE": INTSTR,
        "NOTIFY_VALUE": INTSTR,
        "DESCRIPTION": STR,
        "DESCRIPTION_TYPE": INTSTR,
        "DIRECTION": INTSTR,
        "LOCATION": STR,
        "SETTINGS": OneOf(LIST, DICT),
        "ORIGINATOR_ID": Opt(STR),
        "ORIGIN_ID": Opt(STR),
        "AUTHOR_ID": INTSTR,
        "EDITOR_ID": INTSTR,
        "PROVIDER_PARAMS": OneOf(LIST, DICT),
        "PROVIDER_DATA": Opt(STR),
        "RESULT_MARK": INTSTR,
        "RESULT_VALUE": Opt(DECSTR),
        "RESULT_SUM": Opt(DECSTR),
        "RESULT_CURRENCY_ID": Opt(STR),
        "RESULT_STATUS": INTSTR,
        "RESULT_STREAM": INTSTR,
        "RESULT_SOURCE_ID": Opt(STR),
        "AUTOCOMPLETE_RULE": INTSTR,
    }
)
ACTIVITY_KEYS = tuple(ACTIVITY.keys)

#: crm-activity-list.md "Retrieving COMMUNICATIONS": one communication of a row selected with COMMUNICATIONS
COMMUNICATION = Obj(
    {
        "ID": INTSTR,
        "TYPE": STR,
        "VALUE": STR,
        "ENTITY_ID": INTSTR,
        "ENTITY_TYPE_ID": INTSTR,
        "ENTITY_SETTINGS": DICT,
    }
)
#: ENTITY_SETTINGS of a contact communication (the example: a contact, ENTITY_TYPE_ID 3)
CONTACT_SETTINGS = Obj(
    {
        "HONORIFIC": Opt(STR),
        "NAME": STR,
        "SECOND_NAME": STR,
        "LAST_NAME": STR,
        "COMPANY_TITLE": STR,
        "COMPANY_ID": OneOf(INTSTR, ""),
    }
)
#: crm-activity-list.md "Retrieving Attachments": FILES items are ``{id: int, url: str}``
ACTIVITY_FILE = Obj({"id": INT, "url": STR})
#: the list page: "The page size of results is always static: 50 records"
PAGE_SIZE = 50

#: crm-activity-add.md / -update.md / -get.md / -delete.md "Possible Error Codes" (HTTP 400, empty code).
#: The tables print the descriptions without the final dot that the example JSON keeps ("Access denied.");
#: the table text is taken as documented.
SUBJECT_MISSING = DocError("", "The field SUBJECT is not defined or empty", 400)
RESPONSIBLE_MISSING = DocError("", "The field RESPONSIBLE_ID is not defined or invalid", 400)
TYPE_MISSING = DocError("", "The field TYPE_ID is not defined or invalid", 400)
COMMUNICATIONS_MISSING = DocError("", "The field COMMUNICATIONS is not defined or invalid", 400)
ONE_COMMUNICATION = DocError("", "The only one communication is allowed for activity of specified type", 400)
NO_BINDING = DocError(
    "", "Could not build binding. Please ensure that owner info and communications are defined correctly", 400
)
ACTIVITY_NOT_FOUND = DocError("", "Activity is not found", 400)
#: TYPE_ID 6 (provider) with no PROVIDER_ID
NO_PROVIDER = DocError("", "The custom activity without provider is not supported in current context", 400)
#: legacy crm.* refusal of a non-object ``fields`` (crm/deals/crm-deal-get.md example: the same REST proxy)
FIELDS_NOT_ARRAY = DocError("", "Parameter 'fields' must be array.", 400)
#: legacy list methods refuse a non-object filter/order the same way (issue 15, same proxy)
FILTER_NOT_ARRAY = DocError("", "Parameter 'filter' must be array.", 400)
ORDER_NOT_ARRAY = DocError("", "Parameter 'order' must be array.", 400)

# -- crm.activity.fields (activity-base/crm-activity-fields.md) ------------------------------------------
#: key -> (type, isRequired, isReadOnly, isImmutable, isMultiple) of the page's example response.
#: The example and the parameter tables disagree: the add page stars OWNER_ID / OWNER_TYPE_ID as required,
#: the fields answer says ``isRequired: false`` (they may come from COMMUNICATIONS); the answer is taken.
#: ORIGIN_VERSION is in the fields table but not in the answer: the answer is taken.
ACTIVITY_FIELDS = {
    "ID": ("integer", False, True, False, False),
    "OWNER_ID": ("integer", False, False, True, False),
    "OWNER_TYPE_ID": ("crm_enum_ownertype", False, False, True, False),
    "TYPE_ID": ("crm_enum_activitytype", True, False, True, False),
    "PROVIDER_ID": ("string", False, False, False, False),
    "PROVIDER_TYPE_ID": ("string", False, False, False, False),
    "PROVIDER_GROUP_ID": ("string", False, False, False, False),
    "ASSOCIATED_ENTITY_ID": ("integer", False, True, False, False),
    "SUBJECT": ("string", True, False, False, False),
    "START_TIME": ("datetime", False, False, False, False),
    "END_TIME": ("datetime", False, False, False, False),
    "DEADLINE": ("datetime", False, False, False, False),
    "COMPLETED": ("char", False, False, False, False),
    "STATUS": ("crm_enum_activitystatus", False, False, False, False),
    "RESPONSIBLE_ID": ("user", True, False, False, False),
    "PRIORITY": ("crm_enum_activitypriority", False, False, False, False),
    "NOTIFY_TYPE": ("crm_enum_activitynotifytype", False, False, False, False),
    "NOTIFY_VALUE": ("integer", False, False, False, False),
    "DESCRIPTION": ("string", False, False, False, False),
    "DESCRIPTION_TYPE": ("crm_enum_contenttype", False, False, False, False),
    "DIRECTION": ("crm_enum_activitydirection", False, False, False, False),
    "LOCATION": ("string", False, False, False, False),
    "CREATED": ("datetime", False, True, False, False),
    "AUTHOR_ID": ("user", False, True, False, False),
    "LAST_UPDATED": ("datetime", False, True, False, False),
    "EDITOR_ID": ("user", False, True, False, False),
    "SETTINGS": ("object", False, False, False, False),
    "ORIGIN_ID": ("string", False, False, False, False),
    "ORIGINATOR_ID": ("string", False, False, False, False),
    "RESULT_STATUS": ("integer", False, False, False, False),
    "RESULT_STREAM": ("integer", False, False, False, False),
    "RESULT_SOURCE_ID": ("string", False, False, False, False),
    "PROVIDER_PARAMS": ("object", False, False, False, False),
    "PROVIDER_DATA": ("string", False, False, False, False),
    "RESULT_MARK": ("integer", False, False, False, False),
    "RESULT_VALUE": ("double", False, False, False, False),
    "RESULT_SUM": ("double", False, False, False, False),
    "RESULT_CURRENCY_ID": ("string", False, False, False, False),
    "AUTOCOMPLETE_RULE": ("integer", False, False, False, False),
    "BINDINGS": ("crm_activity_binding", False, True, False, True),
    "COMMUNICATIONS": ("crm_activity_communication", True, False, False, True),
    "FILES": ("diskfile", False, False, False, True),
    "WEBDAV_ELEMENTS": ("diskfile", False, False, False, True),
    "IS_INCOMING_CHANNEL": ("char", False, True, False, False),
}
#: every field of the answer carries these keys; WEBDAV_ELEMENTS also ``isDeprecated: true``
FIELD_DESCRIPTION_KEYS = (
    "type",
    "isRequired",
    "isReadOnly",
    "isImmutable",
    "isMultiple",
    "isDynamic",
    "title",
)
DEPRECATED_FIELDS = ("WEBDAV_ELEMENTS",)

# -- crm.activity.todo.add (activities/todo/crm-activity-todo-add.md) --------------------------------------
#: result: ``{"id": N}`` (an int)
TODO_ADDED = Obj({"id": INT})
#: "Possible Error Codes" (HTTP 400); only the codes are documented. ``100`` (a missing argument) is the
#: engine controller's "Could not find value for parameter {name}" (code is an int in the JSON).
TODO_REQUIRED_MISSING = DocError(100, None, 400)  # type: ignore[arg-type]
TODO_OWNER_NOT_FOUND = DocError("OWNER_NOT_FOUND", None, 400)
TODO_WRONG_DATETIME = DocError("WRONG_DATETIME_FORMAT", None, 400)
#: the to-do is a provider activity (TYPE_ID 6, PROVIDER_ID CRM_TODO): crm/timeline/activities/todo/index.md
TODO_PROVIDER = "CRM_TODO"

# -- crm.timeline.comment.* (timeline/comments/) -----------------------------------------------------------
#: crm-timeline-comment-get.md example ``result`` (list rows alike); FILES an object keyed by file id
#: (``{}`` when there are none, the list example's second row).
COMMENT = Obj(
    {
        "ID": INTSTR,
        "ENTITY_ID": INTSTR,
        "ENTITY_TYPE": STR,
        "CREATED": DATETIME,
        "COMMENT": STR,
        "AUTHOR_ID": INTSTR,
        "FILES": DICT,
    }
)
#: one attached file of FILES (the get example: two 1x1 GIFs); ``image`` is what the example shows for an
#: image; a non-image file has no size to show (assumed: absent, so it is optional here)
COMMENT_FILE = Obj(
    {
        "id": INT,
        "date": DATETIME,
        "type": STR,
        "name": STR,
        "size": INT,
        "image": Obj({"width": INT, "height": INT}),
        "authorId": INT,
        "authorName": STR,
        "urlPreview": Opt(STR),
        "urlShow": STR,
        "urlDownload": STR,
    },
    optional=frozenset({"image", "urlPreview"}),
)
#: the page's 1x1 GIF, as sent in the add/update examples (43 bytes decoded)
GIF_1X1 = "R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw=="
GIF_1X1_SIZE = 43

#: crm-timeline-comment-get.md "Possible Error Codes": empty code, HTTP 400
COMMENT_GET_NOT_FOUND = DocError("", "Not found.", 400)
COMMENT_GET_NO_ID = DocError("", "ID is not defined or invalid.", 400)
#: add/update/delete pages: example error JSON and codes (descriptions of the others are not documented)
COMMENT_NOT_FOUND = DocError("NOT_FOUND", "Not found.", 400)
COMMENT_OWNER_NOT_FOUND = DocError("OWNER_NOT_FOUND", None, 400)
COMMENT_EMPTY = DocError("INVALID_ARG_VALUE", None, 400)
COMMENT_REQUIRED_MISSING = DocError(100, None, 400)  # type: ignore[arg-type]

#: crm-timeline-comment-fields.md example: key -> (type, isRequired, isReadOnly, isImmutable, isMultiple)
COMMENT_FIELDS = {
    "ID": ("integer", False, True, False, False),
    "CREATED": ("datetime", False, True, False, False),
    "ENTITY_ID": ("integer", True, False, True, False),
    "ENTITY_TYPE": ("string", True, False, True, False),
    "AUTHOR_ID": ("integer", False, False, True, False),
    "COMMENT": ("string", False, False, False, False),
    "FILES": ("attached_diskfile", False, False, False, True),
}
