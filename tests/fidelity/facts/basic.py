"""Documented facts of the basic methods: ``app.info``, ``methods``, ``method.get``, ``scope``,
``server.time``, ``profile`` (pages under ``api-reference/common/``).

Only what the pages say (example responses, returned-data tables, error tables); where a page leaves a case
open the comment says what a real portal is best known to do and why.
"""

from __future__ import annotations

from ..shapes import BOOL, DATETIME, INT, INTSTR, STR, YN, DocError, ListOf, MethodDoc, Obj, OneOf, Opt

_SYSTEM = "api-reference/common/system/"
#: the framework does not hand an OAuth grant's scope list to handlers yet
_GRANT = "an OAuth token's own scope list (an app sees the webhook's scopes)"

METHODS = {
    "app.info": MethodDoc(
        page=_SYSTEM + "app-info.md",
        not_emulated="paid/trial periods (STATUS, DAYS, PAYMENT_EXPIRED are fixed: a local app)",
    ),
    "methods": MethodDoc(page=_SYSTEM + "methods.md", not_emulated=_GRANT),
    "method.get": MethodDoc(page=_SYSTEM + "method-get.md", not_emulated=_GRANT),
    "scope": MethodDoc(page=_SYSTEM + "scope.md", not_emulated=_GRANT),
    "server.time": MethodDoc(page=_SYSTEM + "server-time.md"),
    "profile": MethodDoc(
        page="api-reference/common/users/profile.md",
        not_emulated="PERSONAL_PHOTO (no photo upload), inactive users' empty answer",
    ),
}

# -- app.info (common/system/app-info.md) ----------------------------------------------------------------
#: the page's example response: an application's answer (OAuth / app context)
APP_INFO = Obj(
    {
        "ID": INT,
        "CODE": STR,
        "VERSION": INT,
        "STATUS": OneOf("F", "D", "T", "P", "L"),
        "INSTALLED": BOOL,
        "PAYMENT_EXPIRED": YN,
        "DAYS": Opt(INT),
        "LANGUAGE_ID": STR,
        "LICENSE": STR,
        "LICENSE_TYPE": STR,
        "LICENSE_FAMILY": STR,
    }
)
#: The page documents only the app answer. Through an incoming webhook (no application) a portal answers
#: the webhook's scopes and the licence: ``{"SCOPE": [...], "LICENSE": "..."}`` (the PHP example of the
#: page reads ``$itemResult->SCOPE``; rest module ``CRestProvider::appInfo``, password branch).
APP_INFO_WEBHOOK = Obj({"SCOPE": ListOf(STR, min_len=1), "LICENSE": STR})
#: app-info.md, "Possible Error Codes" (a call with neither application nor webhook context)
APP_CONTEXT_REQUIRED = DocError("ACCESS_DENIED", "Access denied! Application context required", 400)

# -- methods (common/system/methods.md) -------------------------------------------------------------------
#: result: an array of method names (lower case in the example)
METHOD_NAMES = ListOf(STR, min_len=1)
#: the example's names are the ``user`` scope's methods, so ``scope=user`` lists ``user.get`` and co.
METHODS_OF_USER_SCOPE = ("user.current", "user.get", "user.search", "user.fields")

# -- method.get (common/system/method-get.md) --------------------------------------------------------------
METHOD_GET = Obj({"isExisting": BOOL, "isAvailable": BOOL})
#: "If the parameter is not provided or is empty, the method returns isExisting and isAvailable false"
METHOD_GET_EMPTY = {"isExisting": False, "isAvailable": False}

# -- scope (common/system/scope.md) ------------------------------------------------------------------------
SCOPE_LIST = ListOf(STR, min_len=1)

# -- server.time (common/system/server-time.md) ------------------------------------------------------------
#: "Server time in the format YYYY-MM-DDThh:mm:ss±hh:mm"
SERVER_TIME = DATETIME

# -- profile (common/users/profile.md) ---------------------------------------------------------------------
#: the "Object result" table; PERSONAL_PHOTO "is returned only if a photo has been uploaded".
#: The page's example and table have no TIME_ZONE_OFFSET (older rest modules add it): the page wins.
PROFILE = Obj(
    {
        "ID": INTSTR,
        "ADMIN": BOOL,
        "NAME": STR,
        "LAST_NAME": STR,
        "PERSONAL_GENDER": OneOf("M", "F", ""),
        "TIME_ZONE": STR,
        "PERSONAL_PHOTO": STR,
    },
    optional=frozenset({"PERSONAL_PHOTO"}),
)
