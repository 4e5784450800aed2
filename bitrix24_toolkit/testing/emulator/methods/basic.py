"""Basic methods every portal answers: ``user.current``, ``profile``, ``scope``, ``methods``, ``app.info``.

The calling user is the row ``ctx.user_id`` of table ``"user"`` when one exists (demo data may add users
there, keys as ``user.get`` returns them), else a built-in administrator. ``batch`` is run by the framework
(``batch.py``), not registered here.
"""

from __future__ import annotations

from typing import Any

from ..registry import REGISTRY, Ctx, method

#: scopes a webhook of the emulated portal has ticked
SCOPES = ["crm", "user", "user_basic", "department", "bizproc", "placement", "entity", "task", "im", "basic"]

_DEFAULT_USER: dict[str, Any] = {
    "ID": "1",
    "XML_ID": "",
    "ACTIVE": True,
    "NAME": "Иван",
    "LAST_NAME": "Петров",
    "SECOND_NAME": "",
    "EMAIL": "admin@demo.bitrix24.test",
    "LAST_LOGIN": "2024-01-15T09:00:00+03:00",
    "DATE_REGISTER": "2023-01-10T03:00:00+03:00",
    "IS_ONLINE": "Y",
    "TIME_ZONE_OFFSET": "0",
    "TIMESTAMP_X": "",
    "LAST_ACTIVITY_DATE": "",
    "PERSONAL_GENDER": "M",
    "PERSONAL_BIRTHDAY": "",
    "PERSONAL_PHOTO": "",
    "PERSONAL_MOBILE": "",
    "PERSONAL_CITY": "Москва",
    "WORK_PHONE": "",
    "WORK_POSITION": "Администратор",
    "UF_DEPARTMENT": [1],
    "USER_TYPE": "employee",
}


def _render(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return str(value)
    return value


def _current_user(ctx: Ctx) -> dict[str, Any]:
    row = ctx.state.table("user").get(ctx.user_id)
    if row is None:
        user = dict(_DEFAULT_USER)
        user["ID"] = str(ctx.user_id)
        return user
    merged = dict(_DEFAULT_USER)
    merged.update({key: _render(value) for key, value in row.items() if key != "UF_DEPARTMENT"})
    if "UF_DEPARTMENT" in row:
        merged["UF_DEPARTMENT"] = row["UF_DEPARTMENT"]
    merged["ID"] = str(row.get("ID", ctx.user_id))
    return merged


@method("user.current", scope="user_basic")
def user_current(ctx: Ctx) -> dict[str, Any]:
    """The calling user, legacy style (ids as strings)."""
    return _current_user(ctx)


@method("profile", scope="basic")
def profile(ctx: Ctx) -> dict[str, Any]:
    """The short profile of the calling user."""
    user = _current_user(ctx)
    return {
        "ID": user["ID"],
        "ADMIN": ctx.user_id == 1,
        "NAME": user["NAME"],
        "LAST_NAME": user["LAST_NAME"],
        "PERSONAL_GENDER": user.get("PERSONAL_GENDER", ""),
        "PERSONAL_PHOTO": user.get("PERSONAL_PHOTO", ""),
        "TIME_ZONE": "Europe/Moscow",
        "TIME_ZONE_OFFSET": 10800,
    }


@method("scope", scope="basic")
def scope(ctx: Ctx) -> list[str]:
    """Scopes available to the caller (``full=true`` lists every scope of the portal; same here)."""
    return list(SCOPES)


@method("methods", scope="basic")
def methods(ctx: Ctx) -> list[str]:
    """Names of every method the emulator knows (``batch`` included), sorted."""
    return sorted({*REGISTRY, "batch"})


@method("method.get", scope="basic")
def method_get(ctx: Ctx) -> dict[str, bool]:
    """Whether a method exists and is allowed for the caller."""
    name = str(ctx.param("name", "")).lower()
    known = name in REGISTRY or name == "batch"
    return {"isExisting": known, "isAvailable": known}


@method("app.info", scope="basic")
def app_info(ctx: Ctx) -> dict[str, Any]:
    """Information about the calling application (a webhook answers with a local-app stub)."""
    return {
        "ID": 1,
        "CODE": "local.emulator",
        "VERSION": 1,
        "STATUS": "L",
        "INSTALLED": True,
        "PAYMENT_EXPIRED": "N",
        "DAYS": None,
        "LANGUAGE_ID": "ru",
        "LICENSE": "ru_project",
        "LICENSE_TYPE": "project",
        "LICENSE_FAMILY": "project",
    }


@method("server.time", scope="basic")
def server_time(ctx: Ctx) -> str:
    """The portal's current time (ISO 8601 with offset)."""
    return ctx.state.now_iso()
