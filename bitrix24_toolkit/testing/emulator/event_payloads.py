"""The bodies a portal POSTs to handlers: event payloads (reference 9.2) and robot requests (9.3).

Pure functions: which events a successful CRM write raises, and the form-encoded (PHP nested keys)
payloads, every value a string, built with the library's one PHP encoder.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...protocol.encoding import encode_php_query
from .dispatch import Outcome

__all__ = [
    "ENTITY_BY_TYPE_ID",
    "WRITE_METHODS",
    "app_auth",
    "event_body",
    "events_of_write",
    "robot_body",
    "webhook_auth",
]

ENTITY_BY_TYPE_ID = {1: "LEAD", 2: "DEAL", 3: "CONTACT", 4: "COMPANY"}
_ACTIONS = {"add": "ADD", "update": "UPDATE", "delete": "DELETE"}
#: the writes that raise ``ONCRM<ENTITY><ACTION>`` events
WRITE_METHODS = frozenset(
    [f"crm.{entity}.{action}" for entity in ("lead", "deal", "contact", "company") for action in _ACTIONS]
    + [f"crm.item.{action}" for action in _ACTIONS]
)


def _param(params: Mapping[str, Any], name: str) -> Any:
    for key, value in params.items():
        if str(key).lower() == name:
            return value
    return None


def _as_id(value: Any) -> int | None:
    text = str(value).strip() if value is not None else ""
    return int(text) if text.isdigit() else None


def events_of_write(method: str, params: Mapping[str, Any], outcome: Outcome) -> list[tuple[str, int]]:
    """``[(EVENT_NAME, object id)]`` raised by a successful write (empty for anything else)."""
    if method not in WRITE_METHODS or outcome.error is not None:
        return []
    _crm, kind, action = method.split(".")
    if kind == "item":
        entity = ENTITY_BY_TYPE_ID.get(_as_id(_param(params, "entitytypeid")) or 0, "DYNAMICITEM")
    else:
        entity = kind.upper()
    if action == "add":
        value = outcome.value
        if isinstance(value, Mapping):
            item = value.get("item")
            value = item.get("id") if isinstance(item, Mapping) else None
        object_id = _as_id(value)
    else:
        object_id = _as_id(_param(params, "id"))
    if object_id is None:
        return []
    return [(f"ONCRM{entity}{_ACTIONS[action]}", object_id)]


def webhook_auth(domain: str, member_id: str, application_token: str) -> dict[str, str]:
    """``auth[...]`` of an outgoing webhook: no tokens (reference 9.2)."""
    return {
        "domain": domain,
        "client_endpoint": f"https://{domain}/rest/",
        "server_endpoint": f"https://oauth.{domain}/rest/",
        "member_id": member_id,
        "application_token": application_token,
    }


def app_auth(
    domain: str, member_id: str, application_token: str, grant: Mapping[str, Any] | None
) -> dict[str, str]:
    """``auth[...]`` of an application handler; tokens only when ``grant`` (a token response) is given."""
    if grant is None:  # e.g. a change made by automation, or an app unknown to the OAuth server
        return webhook_auth(domain, member_id, application_token)
    return {
        "access_token": str(grant["access_token"]),
        "expires_in": str(grant["expires_in"]),
        "scope": str(grant["scope"]),
        "domain": domain,
        "server_endpoint": str(grant["server_endpoint"]),
        "status": str(grant["status"]),
        "client_endpoint": str(grant["client_endpoint"]),
        "member_id": member_id,
        "application_token": application_token,
    }


def event_body(event: str, handler_id: int, object_id: int, ts: int, auth: Mapping[str, str]) -> bytes:
    """The form-encoded event payload."""
    payload = {
        "event": event,
        "event_handler_id": str(handler_id),
        "data": {"FIELDS": {"ID": str(object_id)}},
        "ts": str(ts),
        "auth": dict(auth),
    }
    return encode_php_query(payload).encode()


def _text(value: Any) -> Any:
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, list | tuple):
        return [_text(item) for item in value]
    if isinstance(value, Mapping):
        return {str(k): _text(v) for k, v in value.items()}
    return "" if value is None else str(value)


def robot_body(
    *,
    code: str,
    workflow_id: str,
    document_id: tuple[str, str, str],
    document_type: tuple[str, str, str],
    event_token: str,
    properties: Mapping[str, Any],
    use_subscription: bool,
    timeout_duration: int,
    ts: int,
    auth: Mapping[str, str],
) -> bytes:
    """The form-encoded request a robot's HANDLER receives."""
    payload: dict[str, Any] = {
        "workflow_id": workflow_id,
        "code": code,
        "document_id": list(document_id),
        "document_type": list(document_type),
        "event_token": event_token,
        "properties": _text(properties),
        "use_subscription": "Y" if use_subscription else "N",
        "timeout_duration": str(timeout_duration),
        "ts": str(ts),
        "auth": dict(auth),
    }
    if not properties:
        del payload["properties"]
    return encode_php_query(payload).encode()
