"""Reading the request a robot (automation rule) or workflow action receives (reference 9.3).

The portal POSTs, form-encoded: ``workflow_id``, ``code``, ``document_id[0..2]`` (``crm``,
``CCrmDocumentDeal``, ``DEAL_123``), ``document_type[0..2]``, ``event_token``, ``properties[...]``,
``use_subscription`` (``Y``/``N``), ``timeout_duration``, ``ts`` and ``auth[...]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..protocol.encoding import QueryLimits
from .errors import EventPayloadError
from .payload import EventAuth, ExpectedToken, check_application_token, decode_payload, parse_auth, parse_int

__all__ = [
    "RobotRequest",
    "is_robot_request",
    "parse_robot_request",
    "robot_event_token",
    "robot_request_from",
]


@dataclass(frozen=True)
class RobotRequest:
    """One run of a robot: which document, the configured ``properties`` and the token to reply with."""

    code: str
    document_id: tuple[str, ...]
    event_token: str = field(repr=False)
    properties: Mapping[str, Any]
    auth: EventAuth
    workflow_id: str = ""
    document_type: tuple[str, ...] = ()
    use_subscription: bool = False
    timeout_duration: int | None = None
    ts: int | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)

    @property
    def entity_id(self) -> int | None:
        """The number at the end of the document id (``DEAL_123`` -> 123), when there is one."""
        last = self.document_id[-1] if self.document_id else ""
        number = parse_int(last.rsplit("_", 1)[-1])
        return number if number is not None and number >= 0 else None


def is_robot_request(decoded: Mapping[str, Any]) -> bool:
    """Whether a decoded payload is a robot request rather than an event."""
    return "event_token" in decoded and "event" not in decoded


def _triplet(decoded: Mapping[str, Any], key: str, *, required: bool) -> tuple[str, ...]:
    value = decoded.get(key)
    if value is None and not required:
        return ()
    if not isinstance(value, list) or len(value) != 3 or not all(isinstance(part, str) for part in value):
        raise EventPayloadError(
            f"{key} must be a list {key}[0..2] of texts (e.g. crm, CCrmDocumentDeal, DEAL_5)"
        )
    return tuple(value)


def _one(decoded: Mapping[str, Any], key: str) -> str:
    value = decoded.get(key, "")
    if not isinstance(value, str):
        raise EventPayloadError(f"{key} must be a single text value")
    return value


def parse_robot_request(
    payload: str | bytes | Mapping[str, Any],
    *,
    application_token: ExpectedToken,
    limits: QueryLimits | None = None,
) -> RobotRequest:
    """Decode a robot request, verify ``auth[application_token]`` and return a :class:`RobotRequest`."""
    decoded = decode_payload(payload, limits=limits)
    robot_event_token(decoded)  # the shape first: a body that is no robot request is a 400, not a 403
    auth = parse_auth(decoded)
    check_application_token(auth, application_token)
    return robot_request_from(decoded, auth)


def robot_event_token(decoded: Mapping[str, Any]) -> str:
    """The ``event_token`` of a decoded robot request (:class:`~.errors.EventPayloadError` if none)."""
    token = _one(decoded, "event_token")
    if not token:
        raise EventPayloadError("robot request has no event_token")
    return token


def robot_request_from(decoded: Mapping[str, Any], auth: EventAuth) -> RobotRequest:
    """The :class:`RobotRequest` of a decoded payload whose ``auth`` block was already verified."""
    token = robot_event_token(decoded)
    properties = decoded.get("properties", {})
    if properties == "":
        properties = {}
    if isinstance(properties, list):  # PHP keys 0..n-1 decode to a list; keep them addressable by name
        properties = {str(i): value for i, value in enumerate(properties)}
    if not isinstance(properties, Mapping):
        raise EventPayloadError("properties must be a nested properties[...] block")
    numbers: dict[str, int | None] = {}
    for name in ("timeout_duration", "ts"):
        value = _one(decoded, name)
        numbers[name] = parse_int(value) if value else None
        if value and (numbers[name] is None or value.startswith("-")):
            raise EventPayloadError(f"{name} must be an integer (at most 18 digits), not {value[:40]!r}")
    return RobotRequest(
        code=_one(decoded, "code"),
        document_id=_triplet(decoded, "document_id", required=True),
        event_token=token,
        properties=properties,
        auth=auth,
        workflow_id=_one(decoded, "workflow_id"),
        document_type=_triplet(decoded, "document_type", required=False),
        use_subscription=_one(decoded, "use_subscription").upper() == "Y",
        timeout_duration=numbers["timeout_duration"],
        ts=numbers["ts"],
        raw=decoded,
    )
