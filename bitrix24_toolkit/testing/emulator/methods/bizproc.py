"""Robots and workflow actions: ``bizproc.robot.*``, ``bizproc.activity.*``, ``bizproc.event.send``
and ``bizproc.activity.log`` (reference 9.3).

Tables: ``"bizproc_robot"`` / ``"bizproc_activity"`` (one row per installed code and app, the add
parameters as given), ``"bizproc_event_token"`` (issued by ``Emulator.run_robot``), ``"bizproc_reply"``
(every accepted ``bizproc.event.send``) and ``"bizproc_log"`` (``bizproc.activity.log`` lines).
Registration needs an application context: a webhook gets ``ACCESS_DENIED`` "Access denied! Application
context required", HTTP 403 (the portal's access exception; pages: api-reference/bizproc/bizproc-robot/,
bizproc-activity/, tests/fidelity/facts/bizproc.py). A robot's ``HANDLER`` is not checked against the app's
domain (the emulator does not know it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..registry import Ctx, PortalError, method

__all__ = ["LOG_TABLE", "REPLY_TABLE", "TOKEN_TABLE", "installed"]

TOKEN_TABLE = "bizproc_event_token"
REPLY_TABLE = "bizproc_reply"
LOG_TABLE = "bizproc_log"
_TABLES = {"robot": "bizproc_robot", "activity": "bizproc_activity"}
_CODE = re.compile(r"^[A-Za-z0-9._-]+$")
_PROPERTY_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_KEYS = (
    "HANDLER",
    "AUTH_USER_ID",
    "USE_SUBSCRIPTION",
    "NAME",
    "DESCRIPTION",
    "PROPERTIES",
    "RETURN_PROPERTIES",
    "DOCUMENT_TYPE",
    "FILTER",
    "USE_PLACEMENT",
    "PLACEMENT_HANDLER",
)


def _invalid(text: str) -> PortalError:
    return PortalError("ERROR_ACTIVITY_VALIDATION_FAILURE", text)


def _app(ctx: Ctx) -> str:
    if ctx.extra.get("auth_type", "oauth") == "webhook":
        raise PortalError("ACCESS_DENIED", "Access denied! Application context required", 403)
    return str(ctx.extra.get("app_id") or ctx.extra.get("client_id") or "app")


def _code(ctx: Ctx) -> str:
    code = ctx.param("CODE")
    if code is None or str(code).strip() == "":
        raise _invalid("Empty activity code!")
    if not _CODE.match(str(code)):
        raise _invalid("Wrong activity code!")
    return str(code)


def _check_properties(value: Any) -> None:
    if value in (None, "", []):
        return
    if not isinstance(value, Mapping):
        raise _invalid("Wrong properties array!")
    for key, prop in value.items():
        if not _PROPERTY_KEY.match(str(key)):
            raise _invalid(f"Wrong property key {key}!")
        if not isinstance(prop, Mapping) or not prop.get("Name"):
            raise _invalid(f"Empty property NAME {key}!")


def _check(fields: Mapping[str, Any]) -> None:
    handler = str(fields.get("HANDLER") or "")
    if not handler:
        raise PortalError("ERROR_WRONG_HANDLER_URL", "Wrong handler URL")
    if not handler.lower().startswith(("http://", "https://")):
        raise PortalError("ERROR_UNSUPPORTED_PROTOCOL", "Unsupported handler protocol")
    if not fields.get("NAME"):
        raise _invalid("Empty activity NAME!")
    _check_properties(fields.get("PROPERTIES"))
    _check_properties(fields.get("RETURN_PROPERTIES"))
    doc_type = fields.get("DOCUMENT_TYPE")
    if doc_type not in (None, "") and not (
        isinstance(doc_type, list) and len(doc_type) == 3 and all(isinstance(p, str) for p in doc_type)
    ):
        raise _invalid("Wrong activity DOCUMENT_TYPE!")
    if fields.get("FILTER") not in (None, "") and not isinstance(fields.get("FILTER"), Mapping):
        raise _invalid("Wrong activity FILTER!")


def _picked(source: Mapping[str, Any]) -> dict[str, Any]:
    upper = {str(k).upper(): v for k, v in source.items()}
    return {key: upper[key] for key in _KEYS if key in upper}


def installed(state: Any, code: str, kind: str | None = None) -> dict[str, Any] | None:
    """The installed robot (or action) ``code`` of any app, with ``KIND`` set; ``None`` if there is none."""
    for name in (kind,) if kind else ("robot", "activity"):
        for row in state.table(_TABLES[name]).values():
            if row["CODE"] == code:
                return {**row, "KIND": name}
    return None


def _find(ctx: Ctx, kind: str, app: str, code: str) -> tuple[int, dict[str, Any]]:
    for key, row in ctx.state.table(_TABLES[kind]).items():
        if row["APP"] == app and row["CODE"] == code:
            return key, row
    # bizproc-robot-delete.md wording (the activity pages translate "Robot" as "Automation rule")
    raise PortalError("ERROR_ACTIVITY_NOT_FOUND", "Activity or Robot not found!")


def _register(kind: str) -> None:
    table = _TABLES[kind]

    @method(f"bizproc.{kind}.add", scope="bizproc")
    def add(ctx: Ctx) -> bool:
        """Install a robot/action for the calling app -> ``true``."""
        app = _app(ctx)
        if not ctx.params:
            raise _invalid("Empty data!")
        code = _code(ctx)
        fields = _picked(ctx.params)
        _check(fields)
        # robots and actions of an app share one registry on a portal: a code installs once across both
        taken = (ctx.state.table(other).values() for other in _TABLES.values())
        if any(r["APP"] == app and r["CODE"] == code for rows in taken for r in rows):
            # bizproc-activity-add.md wording (bizproc-robot-add.md: "Automation rule" for "Robot")
            raise PortalError("ERROR_ACTIVITY_ALREADY_INSTALLED", "Activity or Robot already installed!")
        ctx.state.insert(table, {"APP": app, "CODE": code, **fields})
        return True

    @method(f"bizproc.{kind}.update", scope="bizproc")
    def update(ctx: Ctx) -> bool:
        """``{CODE, FIELDS: {...}}`` -> ``true``."""
        app = _app(ctx)
        code = _code(ctx)
        key, row = _find(ctx, kind, app, code)
        given = ctx.param("FIELDS")
        if not isinstance(given, Mapping) or not _picked(given):
            raise _invalid("No fields to update")  # bizproc-robot-update.md / bizproc-activity-update.md
        merged = {**{k: v for k, v in row.items() if k not in ("APP", "CODE", "ID")}, **_picked(given)}
        _check(merged)
        ctx.state.table(table)[key] = {"ID": row.get("ID", key), "APP": app, "CODE": code, **merged}
        return True

    @method(f"bizproc.{kind}.list", scope="bizproc")
    def list_(ctx: Ctx) -> list[str]:
        """The codes installed by the calling app."""
        app = _app(ctx)
        return [row["CODE"] for row in ctx.state.table(table).values() if row["APP"] == app]

    @method(f"bizproc.{kind}.delete", scope="bizproc")
    def delete(ctx: Ctx) -> bool:
        """``{CODE}`` -> ``true``."""
        app = _app(ctx)
        key, _row = _find(ctx, kind, app, _code(ctx))
        del ctx.state.table(table)[key]
        return True


for _kind in _TABLES:
    _register(_kind)


def _live_token(ctx: Ctx) -> dict[str, Any]:
    token = ctx.param("EVENT_TOKEN")
    for row in ctx.state.table(TOKEN_TABLE).values():
        if token and row["TOKEN"] == str(token) and not row.get("USED"):
            return row
    raise PortalError("ACCESS_DENIED", "Access denied!", 403)


@method("bizproc.event.send", scope="bizproc")
def event_send(ctx: Ctx) -> bool:
    """``{EVENT_TOKEN, RETURN_VALUES?, LOG_MESSAGE?}`` -> ``true``; an unknown or used token: 403."""
    token = _live_token(ctx)
    values = ctx.param("RETURN_VALUES")
    token["USED"] = 1
    ctx.state.insert(
        REPLY_TABLE,
        {
            "EVENT_TOKEN": token["TOKEN"],
            "CODE": token["CODE"],
            "WORKFLOW_ID": token["WORKFLOW_ID"],
            "DOCUMENT_ID": list(token["DOCUMENT_ID"]),
            "RETURN_VALUES": dict(values) if isinstance(values, Mapping) else {},
            # bizproc-event-send.md: "If this parameter is not passed, the method sends an empty string"
            "LOG_MESSAGE": str(ctx.param("LOG_MESSAGE") or ""),
            "USER_ID": ctx.user_id,
            "DATE": ctx.state.now_iso(),
        },
    )
    return True


@method("bizproc.activity.log", scope="bizproc")
def activity_log(ctx: Ctx) -> bool:
    """``{EVENT_TOKEN, LOG_MESSAGE}`` -> ``true`` (a line in the process log)."""
    message = ctx.param("LOG_MESSAGE")
    if message is None or str(message) == "":
        raise PortalError("ERROR_EMPTY_LOG_MESSAGE", "Empty log message!")  # bizproc-activity-log.md
    token = _live_token(ctx)
    ctx.state.insert(
        LOG_TABLE,
        {"EVENT_TOKEN": token["TOKEN"], "WORKFLOW_ID": token["WORKFLOW_ID"], "LOG_MESSAGE": str(message)},
    )
    return True
