"""Basic methods every portal answers: ``profile``, ``scope``, ``methods``, ``method.get``, ``app.info``,
``server.time`` (pages ``api-reference/common/``).

The calling user is read through :mod:`.users`. ``batch`` is run by the framework (``batch.py``), not
registered here, but ``methods``/``method.get`` name it as a common method.
"""

from __future__ import annotations

from typing import Any

from ..registry import REGISTRY, Ctx, method
from .users import DEFAULT_ADMIN, find_user, user_record

#: the built-in administrator (kept under its old name for modules that read it)
_DEFAULT_USER = DEFAULT_ADMIN
#: the portal's plan as app.info names it (language prefix + plan)
LICENSE = "ru_project"

#: scopes a webhook of the emulated portal has ticked (``basic`` is the emulator's name of the global scope:
#: methods every caller has, never listed by ``scope``)
SCOPES = ["crm", "user", "user_basic", "department", "bizproc", "placement", "entity", "task", "im"]
GLOBAL = "basic"
#: every scope of a portal (scopes/permissions.md), what ``scope {full: true}`` lists
ALL_SCOPES = (
    "ai_admin biconnector bizproc booking calendar call cashbox catalog contact_center crm documentgenerator "
    "delivery department disk entity humanresources humanresources.hcmlink im imbot imconnector imopenlines "
    "intranet landing lists log mailservice main messageservice mobile pay_system placement pull rpa sale "
    "salescenter sign.b2e sonet_group socialnetwork task telephony timeman user user_brief user_basic "
    "user.userfield userfieldconfig userconsent vote"
).split()
#: user_brief / user_basic are versions of ``user``: they open the same methods (user/index.md)
_SCOPE_ALIASES = {"user_brief": "user", "user_basic": "user"}


def caller_scopes(ctx: Ctx) -> list[str]:
    """The scopes of the webhook or token (an OAuth grant's own list when the framework passes it)."""
    granted = ctx.extra.get("scope")
    if isinstance(granted, str) and granted:
        return [name for name in granted.split(",") if name and name != GLOBAL]
    return list(SCOPES)


def _opened(scopes: list[str]) -> set[str]:
    return {GLOBAL, *scopes, *(_SCOPE_ALIASES.get(name, name) for name in scopes)}


def _flag(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "true", "y")


@method("profile", scope=GLOBAL)
def profile(ctx: Ctx) -> dict[str, Any] | list[Any]:
    """The short profile of the calling user (profile.md: empty for an inactive user: PHP's ``[]``)."""
    row = find_user(ctx, ctx.user_id) or {**DEFAULT_ADMIN, "ID": ctx.user_id}
    user = user_record(row)
    if not user["ACTIVE"]:
        return []
    return {
        "ID": user["ID"],
        "ADMIN": ctx.user_id == 1,
        "NAME": user["NAME"],
        "LAST_NAME": user["LAST_NAME"],
        "PERSONAL_GENDER": user["PERSONAL_GENDER"],
        "TIME_ZONE": user.get("TIME_ZONE", ""),
    }


@method("scope", scope=GLOBAL)
def scope(ctx: Ctx) -> list[str]:
    """The caller's scopes; ``full=true``: every scope of the portal (scope.md)."""
    if _flag(ctx.param("full", "")):
        return list(ALL_SCOPES)
    return caller_scopes(ctx)


def _names(scopes: set[str]) -> list[str]:
    names = {name for name, (_, where) in REGISTRY.items() if where in scopes}
    if GLOBAL in scopes:
        names.add("batch")
    return sorted(names)


@method("methods", scope=GLOBAL)
def methods(ctx: Ctx) -> list[str]:
    """Method names of ``scope`` (empty: the common ones), all with ``full``, else the caller's."""
    wanted = ctx.param("scope")
    if wanted is not None:
        text = str(wanted).strip().lower()
        return _names({_SCOPE_ALIASES.get(text, text)} if text else {GLOBAL})
    if _flag(ctx.param("full", "")):
        return _names({where for _, where in REGISTRY.values()} | {GLOBAL})
    return _names(_opened(caller_scopes(ctx)))


@method("method.get", scope=GLOBAL)
def method_get(ctx: Ctx) -> dict[str, bool]:
    """Whether a method exists on the portal and the caller's scopes open it (method-get.md)."""
    name = str(ctx.param("name", "") or "").strip().lower()
    if not name:
        return {"isExisting": False, "isAvailable": False}
    if name == "batch":
        return {"isExisting": True, "isAvailable": True}
    entry = REGISTRY.get(name)
    if entry is None:
        return {"isExisting": False, "isAvailable": False}
    return {"isExisting": True, "isAvailable": entry[1] in _opened(caller_scopes(ctx))}


@method("app.info", scope=GLOBAL)
def app_info(ctx: Ctx) -> dict[str, Any]:
    """The calling application (app-info.md); through a webhook: its scopes and the licence."""
    if ctx.extra.get("auth_type") == "webhook":
        return {"SCOPE": caller_scopes(ctx), "LICENSE": LICENSE}
    return {
        "ID": 1,
        "CODE": str(ctx.extra.get("client_id") or "local.emulator"),
        "VERSION": 1,
        "STATUS": "L",
        "INSTALLED": True,
        "PAYMENT_EXPIRED": "N",
        "DAYS": None,
        "LANGUAGE_ID": "ru",
        "LICENSE": LICENSE,
        "LICENSE_TYPE": "project",
        "LICENSE_FAMILY": "project",
    }


@method("server.time", scope=GLOBAL)
def server_time(ctx: Ctx) -> str:
    """The portal's current time (ISO 8601 with offset)."""
    return ctx.state.now_iso()
