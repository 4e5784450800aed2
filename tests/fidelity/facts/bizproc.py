"""Documented facts of application robots and workflow actions: ``bizproc.robot.*``, ``bizproc.activity.*``,
``bizproc.event.send`` (pages under ``api-reference/bizproc/``).

The registration methods "work only in the context of an application": the tests call them with an OAuth
token, as the pages' ``cURL (OAuth)`` examples do.
"""

from __future__ import annotations

from ..shapes import STR, DocError, ListOf, MethodDoc

_ACT = "api-reference/bizproc/bizproc-activity/"
_ROBOT = "api-reference/bizproc/bizproc-robot/"
_ADMIN_ONLY = "non-admin refusal (the emulated caller is an administrator)"
_DOMAIN = "HANDLER is not checked against the app's domain"

METHODS = {
    "bizproc.activity.add": MethodDoc(
        page=_ACT + "bizproc-activity-add.md", not_emulated=f"{_ADMIN_ONLY}; {_DOMAIN}"
    ),
    "bizproc.activity.update": MethodDoc(
        page=_ACT + "bizproc-activity-update.md", not_emulated=f"{_ADMIN_ONLY}; {_DOMAIN}"
    ),
    "bizproc.activity.delete": MethodDoc(page=_ACT + "bizproc-activity-delete.md", not_emulated=_ADMIN_ONLY),
    "bizproc.activity.list": MethodDoc(page=_ACT + "bizproc-activity-list.md", not_emulated=_ADMIN_ONLY),
    "bizproc.activity.log": MethodDoc(
        page=_ACT + "bizproc-activity-log.md", not_emulated="workflow-side errors (no workflow engine)"
    ),
    "bizproc.robot.add": MethodDoc(
        page=_ROBOT + "bizproc-robot-add.md", not_emulated=f"{_ADMIN_ONLY}; {_DOMAIN}"
    ),
    "bizproc.robot.update": MethodDoc(
        page=_ROBOT + "bizproc-robot-update.md", not_emulated=f"{_ADMIN_ONLY}; {_DOMAIN}"
    ),
    "bizproc.robot.delete": MethodDoc(page=_ROBOT + "bizproc-robot-delete.md", not_emulated=_ADMIN_ONLY),
    "bizproc.robot.list": MethodDoc(page=_ROBOT + "bizproc-robot-list.md", not_emulated=_ADMIN_ONLY),
    "bizproc.event.send": MethodDoc(
        page=_ROBOT + "bizproc-event-send.md",
        not_emulated="tokens come only from Emulator.run_robot (no workflow engine)",
    ),
}

#: add / update / delete / log / event.send answer ``result: true``; list answers the codes (array of strings)
CODES = ListOf(STR)


def _v(text: str) -> DocError:
    return DocError("ERROR_ACTIVITY_VALIDATION_FAILURE", text, 400)


# -- errors of bizproc.robot.add / bizproc.activity.add (tables "Possible Error Codes", HTTP 400) ---------
EMPTY_DATA = _v("Empty data!")
EMPTY_CODE = _v("Empty activity code!")
WRONG_CODE = _v("Wrong activity code!")
EMPTY_NAME = _v("Empty activity NAME!")
WRONG_PROPERTIES = _v("Wrong properties array!")
WRONG_FILTER = _v("Wrong activity FILTER!")
WRONG_DOCUMENT_TYPE = _v("Wrong activity DOCUMENT_TYPE!")
NO_FIELDS_TO_UPDATE = _v("No fields to update")
UNSUPPORTED_PROTOCOL = DocError("ERROR_UNSUPPORTED_PROTOCOL", "Unsupported handler protocol", 400)
WRONG_HANDLER = DocError("ERROR_WRONG_HANDLER_URL", "Wrong handler URL", 400)


def wrong_property_key(key: str) -> DocError:
    """``Wrong property key <key>!``"""
    return _v(f"Wrong property key {key}!")


def empty_property_name(key: str) -> DocError:
    """``Empty property NAME <key>!``"""
    return _v(f"Empty property NAME {key}!")


#: The pages word these differently: bizproc-activity-add.md "Activity or Robot already installed!",
#: bizproc-robot-add.md "Activity or Automation rule already installed!"; bizproc-robot-delete.md
#: "Activity or Robot not found!", bizproc-activity-delete.md "Activity or Automation rule not found!",
#: bizproc-robot-update.md "... Automation Rule not found!". One code path serves robots and actions on a
#: portal (the "Automation rule" forms are translations of "Robot"), so the "Robot" wording is taken.
ALREADY_INSTALLED = DocError("ERROR_ACTIVITY_ALREADY_INSTALLED", "Activity or Robot already installed!", 400)
NOT_FOUND = DocError("ERROR_ACTIVITY_NOT_FOUND", "Activity or Robot not found!", 400)

#: The tables give ``ACCESS_DENIED`` "Application context required" with HTTP 400; bizproc-event-send.md
#: gives ``ACCESS_DENIED`` with HTTP 403, and api-reference/common/system/app-info.md words the same
#: refusal "Access denied! Application context required". A portal raises its access exception here:
#: HTTP 403, the message prefixed with "Access denied!". That is taken.
APP_CONTEXT_REQUIRED = DocError("ACCESS_DENIED", "Access denied! Application context required", 403)

# -- bizproc.event.send / bizproc.activity.log ---------------------------------------------------------------
#: bizproc-event-send.md: an invalid or expired EVENT_TOKEN, HTTP 403 (bizproc-activity-log.md says 400 for
#: the same refusal; the event.send page's 403 is taken: the portal's access exception)
BAD_TOKEN = DocError("ACCESS_DENIED", "Access denied!", 403)
#: bizproc-activity-log.md
EMPTY_LOG_MESSAGE = DocError("ERROR_EMPTY_LOG_MESSAGE", "Empty log message!", 400)
#: the pages' sample token (no workflow issued it: refused)
SAMPLE_TOKEN = (
    "55c1dc1c3f0d75.78875596|A51601_82584_96831_81132|hsyUws1j4XiwqPqN45eH66CcQtEvpUIP."
    "47dd5d888e8e549d2c984713e12a4268e6e87d0208ca1f093ba1075e77f92e90"
)
