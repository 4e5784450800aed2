"""Robots (automation rules) and workflow actions: register, read a request, reply (reference 9.3).

::

    robot = Robot(
        code="inn_check",
        handler="https://app.example.com/bitrix/robot",
        name="Check the company's INN",
        properties={"company_id": RobotProperty("Company ID", type="int", required=True)},
        return_properties={"inn_valid": RobotProperty("INN valid", type="bool")},
    )
    register_robot(b24, robot)                     # bizproc.robot.add (update when already installed)
    request = parse_robot_request(body, application_token=stored_token)
    log_progress(b24, request, "checking...")      # bizproc.activity.log
    reply(b24, request, return_values={"inn_valid": "Y"}, log="INN checked")   # bizproc.event.send

Robots and actions need an application context (an OAuth client) and an administrator.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from ...errors import APIError, InvalidInputError
from ...events import robot_reply
from ...events.robot_request import RobotRequest, parse_robot_request
from ...protocol.call import Call, Flow
from ..base import helper

__all__ = [
    "PropertyType",
    "Robot",
    "RobotProperty",
    "RobotRequest",
    "log_progress",
    "parse_robot_request",
    "register_activity",
    "register_robot",
    "reply",
]

PropertyType = Literal[
    "bool", "date", "datetime", "double", "file", "int", "select", "string", "text", "user"
]
Text = str | Mapping[str, str]  # a plain string or localised strings {"en": ..., "ru": ...}

_CODE: Final = re.compile(r"^[A-Za-z0-9._-]+$")
_PROPERTY_KEY: Final = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
ALREADY_INSTALLED: Final = "ERROR_ACTIVITY_ALREADY_INSTALLED"


def _yn(flag: bool) -> str:
    return "Y" if flag else "N"


@dataclass(frozen=True)
class RobotProperty:
    """One input or return property: ``{"Name", "Type", "Required", "Multiple", "Default", "Options"}``."""

    name: Text
    type: PropertyType = "string"
    description: Text | None = None
    required: bool = False
    multiple: bool = False
    default: Any = None
    #: for ``type="select"``: value -> title
    options: Mapping[str, str] | None = None

    def __post_init__(self) -> None:
        if not self.name:
            raise InvalidInputError("a robot property needs a name", field="name")
        if self.type == "select" and not self.options:
            raise InvalidInputError("a select property needs options (value -> title)", field="options")

    def to_param(self) -> dict[str, Any]:
        """The property as ``PROPERTIES[key]`` / ``RETURN_PROPERTIES[key]`` expects it."""
        param: dict[str, Any] = {
            "Name": self.name,
            "Type": self.type,
            "Required": _yn(self.required),
            "Multiple": _yn(self.multiple),
        }
        if self.description is not None:
            param["Description"] = self.description
        if self.default is not None:
            param["Default"] = self.default
        if self.options:
            param["Options"] = dict(self.options)
        return param


def _properties(props: Mapping[str, RobotProperty], what: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, prop in props.items():
        if not _PROPERTY_KEY.match(key):
            raise InvalidInputError(
                f"{what} key {key!r}: start with a letter, then letters, digits or _", field=what
            )
        out[key] = prop.to_param()
    return out


@dataclass(frozen=True)
class Robot:
    """A typed description of a robot (or workflow action) and its ``bizproc.*.add`` parameters."""

    code: str
    handler: str
    name: Text
    properties: Mapping[str, RobotProperty] = field(default_factory=dict)
    return_properties: Mapping[str, RobotProperty] = field(default_factory=dict)
    description: Text | None = None
    #: True: the process waits for :func:`reply`; False: it does not; None: the user chooses in the designer
    use_subscription: bool | None = True
    auth_user_id: int | None = None
    #: e.g. ``("crm", "CCrmDocumentDeal", "DEAL")``
    document_type: tuple[str, str, str] | None = None
    filter: Mapping[str, Any] | None = None
    use_placement: bool = False

    def __post_init__(self) -> None:
        if not _CODE.match(self.code or ""):
            raise InvalidInputError(f"robot code {self.code!r}: use only a-z A-Z 0-9 . _ -", field="code")
        if not self.handler.startswith(("https://", "http://")):
            raise InvalidInputError(f"robot handler {self.handler!r} must be an http(s) URL", field="handler")
        if not self.name:
            raise InvalidInputError("a robot needs a name", field="name")
        _properties(self.properties, "PROPERTIES")
        _properties(self.return_properties, "RETURN_PROPERTIES")

    def to_params(self) -> dict[str, Any]:
        """``bizproc.robot.add`` / ``bizproc.activity.add`` parameters."""
        params: dict[str, Any] = {"CODE": self.code, "HANDLER": self.handler, "NAME": self.name}
        if self.description is not None:
            params["DESCRIPTION"] = self.description
        if self.use_subscription is not None:
            params["USE_SUBSCRIPTION"] = _yn(self.use_subscription)
        if self.auth_user_id is not None:
            params["AUTH_USER_ID"] = self.auth_user_id
        if self.properties:
            params["PROPERTIES"] = _properties(self.properties, "PROPERTIES")
        if self.return_properties:
            params["RETURN_PROPERTIES"] = _properties(self.return_properties, "RETURN_PROPERTIES")
        if self.document_type is not None:
            params["DOCUMENT_TYPE"] = list(self.document_type)
        if self.filter is not None:
            params["FILTER"] = dict(self.filter)
        if self.use_placement:
            params["USE_PLACEMENT"] = "Y"
        return params


def _install(kind: str, robot: Robot) -> Flow[str]:
    params = robot.to_params()
    try:
        yield Call(f"bizproc.{kind}.add", params)
    except APIError as exc:
        if str(exc.code).upper() != ALREADY_INSTALLED:
            raise
        fields = {key: value for key, value in params.items() if key != "CODE"}
        yield Call(f"bizproc.{kind}.update", {"CODE": robot.code, "FIELDS": fields})
        return "updated"
    return "added"


@helper
def register_robot(robot: Robot) -> Flow[str]:
    """Install a robot (``bizproc.robot.add``; ``bizproc.robot.update`` when installed): "added"/"updated"."""
    return (yield from _install("robot", robot))


@helper
def register_activity(robot: Robot) -> Flow[str]:
    """Install a workflow-designer action (``bizproc.activity.add``, else ``.update``): "added"/"updated"."""
    return (yield from _install("activity", robot))


#: hand the robot's results back to the waiting process (``bizproc.event.send``)
reply = helper(robot_reply.reply)
#: write a line to the business process log while the robot works (``bizproc.activity.log``)
log_progress = helper(robot_reply.log_progress)
