"""Documented facts of tasks: ``tasks.task.*``, ``task.checklistitem.*``, ``task.dependence.*`` (pages under
``api-reference/tasks/``)."""

from __future__ import annotations

from ..shapes import (
    BOOL,
    DATETIME,
    DICT,
    INT,
    INTSTR,
    LIST,
    STR,
    YN,
    DocError,
    ListOf,
    MethodDoc,
    Obj,
    OneOf,
    Opt,
)

_TASKS = "api-reference/tasks/"
_ITEMS = _TASKS + "checklist-item/"

METHODS = {
    "tasks.task.add": MethodDoc(
        page=_TASKS + "tasks-task-add.md",
        not_emulated="SE_PARAMETER, files, required custom fields, task durations too long, rights",
    ),
    "tasks.task.update": MethodDoc(page=_TASKS + "tasks-task-update.md", not_emulated="rights, SE_PARAMETER"),
    "tasks.task.get": MethodDoc(
        page=_TASKS + "tasks-task-get.md", not_emulated="chatId, custom fields, rights"
    ),
    "tasks.task.list": MethodDoc(
        page=_TASKS + "tasks-task-list.md",
        not_emulated="::SUBFILTER-PARAMS (favourites), params (WITH_RESULT_INFO ...), COUNTERS, rights",
    ),
    "tasks.task.delete": MethodDoc(page=_TASKS + "tasks-task-delete.md", not_emulated="rights"),
    "task.checklistitem.add": MethodDoc(
        page=_ITEMS + "task-checklist-item-add.md", not_emulated="attachments"
    ),
    "task.checklistitem.getlist": MethodDoc(page=_ITEMS + "task-checklist-item-get-list.md"),
    "task.checklistitem.update": MethodDoc(page=_ITEMS + "task-checklist-item-update.md"),
    "task.checklistitem.delete": MethodDoc(page=_ITEMS + "task-checklist-item-delete.md"),
    "task.checklistitem.complete": MethodDoc(page=_ITEMS + "task-checklist-item-complete.md"),
    "task.checklistitem.renew": MethodDoc(page=_ITEMS + "task-checklist-item-renew.md"),
    "task.dependence.add": MethodDoc(
        page=_TASKS + "task-dependence-add.md", not_emulated="Gantt date shifts"
    ),
    "task.dependence.delete": MethodDoc(page=_TASKS + "task-dependence-delete.md"),
}

_NSTR = Opt(STR)
_NDATE = Opt(DATETIME)
_USER = Obj({"id": INTSTR, "name": STR, "link": STR, "icon": STR, "workPosition": STR})
#: tasks-task-add.md's answer: ``result.task``, every key of the example
TASK = Obj(
    {
        "id": INTSTR,
        "parentId": Opt(INTSTR),
        "title": STR,
        "description": STR,
        "mark": _NSTR,
        "priority": OneOf("0", "1", "2"),
        "multitask": YN,
        "notViewed": YN,
        "replicate": YN,
        "stageId": INTSTR,
        "createdBy": INTSTR,
        "createdDate": DATETIME,
        "responsibleId": INTSTR,
        "changedBy": INTSTR,
        "changedDate": DATETIME,
        "statusChangedBy": Opt(INTSTR),
        "closedBy": Opt(INTSTR),
        "closedDate": _NDATE,
        "activityDate": DATETIME,
        "dateStart": _NDATE,
        "deadline": _NDATE,
        "startDatePlan": _NDATE,
        "endDatePlan": _NDATE,
        "guid": STR,
        "xmlId": _NSTR,
        "commentsCount": _NSTR,
        "serviceCommentsCount": _NSTR,
        "allowChangeDeadline": YN,
        "allowTimeTracking": YN,
        "taskControl": YN,
        "addInReport": YN,
        "forkedByTemplateId": _NSTR,
        "timeEstimate": INTSTR,
        "timeSpentInLogs": _NSTR,
        "matchWorkTime": YN,
        "forumTopicId": _NSTR,
        "forumId": _NSTR,
        "siteId": STR,
        "subordinate": YN,
        "exchangeModified": _NDATE,
        "exchangeId": _NSTR,
        "outlookVersion": INTSTR,
        "viewedDate": _NDATE,
        "sorting": _NSTR,
        "durationFact": _NSTR,
        "isMuted": YN,
        "isPinned": YN,
        "isPinnedInGroup": YN,
        "flowId": _NSTR,
        "descriptionInBbcode": YN,
        "status": OneOf("2", "3", "4", "5", "6"),
        "statusChangedDate": DATETIME,
        "durationPlan": _NSTR,
        "durationType": STR,
        "favorite": YN,
        "groupId": INTSTR,
        "auditors": ListOf(INTSTR),
        "accomplices": ListOf(INTSTR),
        "checklist": OneOf(LIST, DICT),
        "group": OneOf(LIST, DICT),
        "creator": _USER,
        "responsible": _USER,
        "accomplicesData": OneOf(LIST, DICT),
        "auditorsData": OneOf(LIST, DICT),
        "newCommentsCount": INT,
        "action": DICT,
        "checkListCanAdd": BOOL,
    },
    optional=frozenset({"checkListTree"}),
)
#: tasks-task-add.md's example request
ADD_EXAMPLE = {"TITLE": "Task Title", "DEADLINE": "2025-12-31T23:59:59", "CREATED_BY": 2, "RESPONSIBLE_ID": 2}
#: tasks-task-list.md's example select (COUNTERS is not emulated)
LIST_SELECT = [
    "ID",
    "TITLE",
    "DESCRIPTION",
    "STATUS",
    "subStatus",
    "DEADLINE",
    "CREATED_DATE",
    "RESPONSIBLE_ID",
    "ACCOMPLICES",
    "AUDITORS",
    "TAGS",
    "PRIORITY",
    "MARK",
]
TITLE_MISSING = DocError("ERROR_CORE", "Task title is not specified<br>", 400)
FIELDS_MISSING = DocError("100", "Could not find value for parameter {fields} (internal error)", 400)
BAD_SORT = DocError("0", "Invalid sorting key (internal error)", 400)
NO_DELETE = DocError("1048582", "No access to delete the task", 400)

#: task-checklist-item-get-list.md's item
ITEM = Obj(
    {
        "ID": INTSTR,
        "TASK_ID": INTSTR,
        "PARENT_ID": OneOf(INTSTR, 0),
        "CREATED_BY": INTSTR,
        "TITLE": STR,
        "SORT_INDEX": INTSTR,
        "IS_COMPLETE": YN,
        "IS_IMPORTANT": YN,
        "TOGGLED_BY": Opt(INTSTR),
        "TOGGLED_DATE": OneOf(DATETIME, ""),
        "MEMBERS": LIST,
        "ATTACHMENTS": OneOf(LIST, DICT),
    }
)
NO_TITLE = DocError(
    "ERROR_CORE",
    "TASKS_ERROR_EXCEPTION_#8; Item name not specified; 8/TE/ACTION_FAILED_TO_BE_PROCESSED<br>",
    400,
)
LINK_EXISTS = DocError("ILLEGAL_NEW_LINK", "A link between tasks already exists", 400)
NO_LINK = DocError("ILLEGAL_NEW_LINK", "The dependency between tasks does not exist", 400)
