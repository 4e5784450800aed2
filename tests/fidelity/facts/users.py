"""Documented facts of users and departments: ``user.current``, ``user.get``, ``user.search``,
``user.fields``, ``department.get/add/update/delete/fields`` (pages under ``api-reference/user/`` and
``api-reference/departments/``).
"""

from __future__ import annotations

from ..shapes import BOOL, DATETIME, INT, INTSTR, STR, YN, DocError, ListOf, MethodDoc, Obj, OneOf

_USER = "api-reference/user/"
_DEPT = "api-reference/departments/"

METHODS = {
    "user.current": MethodDoc(page=_USER + "user-current.md"),
    "user.get": MethodDoc(
        page=_USER + "user-get.md",
        not_emulated="scope-dependent field sets (every call sees the user-scope set); IMAGE_RESIZE; "
        "custom UF_USR_* fields; bots, e-mail and extranet users",
    ),
    "user.search": MethodDoc(
        page=_USER + "user-search.md", not_emulated="full-text index (a substring match)"
    ),
    "user.fields": MethodDoc(page=_USER + "user-fields.md"),
    "user.add": MethodDoc(
        page=_USER + "user-add.md",
        not_emulated="the invitation e-mail, PERSONAL_PHOTO files, the user limit, invitation rights",
    ),
    "user.update": MethodDoc(page=_USER + "user-update.md", not_emulated="PERSONAL_PHOTO files, rights"),
    "department.get": MethodDoc(page=_DEPT + "department-get.md"),
    "department.add": MethodDoc(
        page=_DEPT + "department-add.md",
        not_emulated="structure-editing rights; the text for an unknown PARENT is undocumented "
        "(answers 'Department not found')",
    ),
    "department.update": MethodDoc(
        page=_DEPT + "department-update.md", not_emulated="structure-editing rights"
    ),
    "department.delete": MethodDoc(
        page=_DEPT + "department-delete.md", not_emulated="structure-editing rights"
    ),
    "department.fields": MethodDoc(page=_DEPT + "department-fields.md"),
}

#: a date field with no value is sent as an empty string (PERSONAL_BIRTHDAY / UF_EMPLOYMENT_DATE examples)
_DATE_OR_EMPTY = OneOf(DATETIME, "")

# -- user.get / user.search (user/user-get.md, user/user-search.md: the same example) ----------------------
#: User 1 of the example carries every key; user 3 lacks SECOND_NAME, TIME_ZONE, PERSONAL_WWW,
#: PERSONAL_MOBILE, PERSONAL_CITY, WORK_PHONE: a field the profile never had (NULL) is left out.
#: TIMESTAMP_X and LAST_ACTIVITY_DATE come as empty objects ``{}`` in both pages' examples (the portal's
#: date objects serialised without a format) — kept as documented.
_NULLABLE = frozenset(
    {"SECOND_NAME", "TIME_ZONE", "PERSONAL_WWW", "PERSONAL_MOBILE", "PERSONAL_CITY", "WORK_PHONE"}
)
USER = Obj(
    {
        "ID": INTSTR,
        "ACTIVE": BOOL,
        "NAME": STR,
        "LAST_NAME": STR,
        "SECOND_NAME": STR,
        "EMAIL": STR,
        "LAST_LOGIN": _DATE_OR_EMPTY,
        "DATE_REGISTER": DATETIME,
        "TIME_ZONE": STR,
        "IS_ONLINE": YN,
        "TIMESTAMP_X": {},
        "LAST_ACTIVITY_DATE": {},
        "PERSONAL_GENDER": OneOf("M", "F", ""),
        "PERSONAL_WWW": STR,
        "PERSONAL_BIRTHDAY": _DATE_OR_EMPTY,
        "PERSONAL_MOBILE": STR,
        "PERSONAL_CITY": STR,
        "WORK_PHONE": STR,
        "WORK_POSITION": STR,
        "UF_EMPLOYMENT_DATE": _DATE_OR_EMPTY,
        "UF_DEPARTMENT": ListOf(INT),
        "USER_TYPE": OneOf("employee", "extranet", "email"),
        "XML_ID": STR,  # a user.fields code: sent once a user has an external code (not in the example)
    },
    optional=_NULLABLE | {"XML_ID"},
)
#: "The results page size is always static: 50 records"
PAGE_SIZE = 50
#: the example request of both pages: filter keys at the top level, upper-case SORT/ORDER
GET_EXAMPLE = {"UF_DEPARTMENT": 1, "SORT": "ID", "ORDER": "asc", "start": 10}

# -- user.current (user/user-current.md) -------------------------------------------------------------------
#: The example: the same record without TIMESTAMP_X and USER_TYPE, and LAST_ACTIVITY_DATE as
#: ``"2024-07-23 08:08:50"`` (a string without offset) where user.get sends ``{}``. The pages disagree;
#: each method answers as its own page shows.
_NOT_CURRENT = ("TIMESTAMP_X", "USER_TYPE", "LAST_ACTIVITY_DATE", "XML_ID")
CURRENT_USER = Obj(
    {
        **{k: v for k, v in USER.keys.items() if k not in _NOT_CURRENT},
        "LAST_ACTIVITY_DATE": OneOf(STR, ""),
    },
    optional=_NULLABLE,
)

# -- user.fields (user/user-fields.md) ---------------------------------------------------------------------
#: field code -> title; the example's keys
USER_FIELD_CODES = (
    "ID XML_ID ACTIVE NAME LAST_NAME SECOND_NAME TITLE EMAIL LAST_LOGIN DATE_REGISTER TIME_ZONE IS_ONLINE "
    "TIMESTAMP_X LAST_ACTIVITY_DATE PERSONAL_GENDER PERSONAL_PROFESSION PERSONAL_WWW PERSONAL_BIRTHDAY "
    "PERSONAL_PHOTO PERSONAL_ICQ PERSONAL_PHONE PERSONAL_FAX PERSONAL_MOBILE PERSONAL_PAGER PERSONAL_STREET "
    "PERSONAL_CITY PERSONAL_STATE PERSONAL_ZIP PERSONAL_COUNTRY PERSONAL_MAILBOX PERSONAL_NOTES WORK_PHONE "
    "WORK_COMPANY WORK_POSITION WORK_DEPARTMENT WORK_WWW WORK_FAX WORK_PAGER WORK_STREET WORK_MAILBOX "
    "WORK_CITY WORK_STATE WORK_ZIP WORK_COUNTRY WORK_PROFILE WORK_LOGO WORK_NOTES UF_SKYPE_LINK UF_ZOOM "
    "UF_EMPLOYMENT_DATE UF_TIMEMAN UF_DEPARTMENT UF_INTERESTS UF_SKILLS UF_WEB_SITES UF_XING UF_LINKEDIN "
    "UF_TWITTER UF_SKYPE UF_DISTRICT UF_PHONE_INNER USER_TYPE"
).split()
USER_FIELDS = Obj(dict.fromkeys(USER_FIELD_CODES, STR))

# -- department.* (departments/*.md) -----------------------------------------------------------------------
#: department-get.md: the example sends ID and PARENT as strings and SORT as a number (the structure table
#: says integer for all three: the example, i.e. the wire, wins). UF_HEAD is a department field
#: (department-fields.md) sent when a head is set; the top department has no PARENT.
DEPARTMENT = Obj(
    {"ID": INTSTR, "NAME": STR, "SORT": INT, "PARENT": INTSTR, "UF_HEAD": INTSTR},
    optional=frozenset({"PARENT", "UF_HEAD"}),
)
DEPARTMENT_GET_EXAMPLE = {"sort": "NAME", "order": "DESC", "PARENT": 1}
DEPARTMENT_ADD_EXAMPLE = {"NAME": "Muggle Studies Department", "SORT": 450, "UF_HEAD": 1, "PARENT": 15}
DEPARTMENT_UPDATE_EXAMPLE = {
    "ID": 18,
    "NAME": "Department of Secrets",
    "SORT": 500,
    "UF_HEAD": 1,
    "PARENT": 1,
}
#: department-fields.md: code -> title
DEPARTMENT_FIELDS = Obj({"ID": STR, "NAME": STR, "SORT": STR, "PARENT": STR, "UF_HEAD": STR})

#: department-add.md "Possible Error Codes" (the example's ``\u003Cbr\u003E`` is ``<br>``)
NAME_MISSING = DocError("ERROR_CORE", "Department name not provided.<br>", 400)
SECOND_TOP = DocError(
    "ERROR_CORE", "There can only be one top-level department in the company structure", 400
)
#: department-update.md / department-delete.md
DEPARTMENT_NOT_FOUND = DocError("ERROR_CORE", "Department not found", 400)

# -- user.add / user.update (user/user-add.md, user/user-update.md) ---------------------------------------
ADD_EXAMPLE = {"EMAIL": "newuser1@example.com", "UF_DEPARTMENT": [1]}
WRONG_EMAIL = DocError("ERROR_ARGUMENT", "wrong_email", 400)
EMAIL_TAKEN = DocError("ERROR_ARGUMENT", "A user with this email already exists", 400)
UPDATE_DENIED = DocError("ERROR_CORE", "access_denied", 400)
