"""The ``crm.activity.fields`` answer (not a method module), as the page's example response gives it.

Page: api-reference/crm/timeline/activities/activity-base/crm-activity-fields.md (types, flags and titles of
its example; ``OWNER_ID``/``OWNER_TYPE_ID`` are not required there: an activity can take its owner from
``COMMUNICATIONS``).
"""

from __future__ import annotations

from typing import Any

from ._rq_shared import field_spec

__all__ = ["activity_fields"]


def activity_fields() -> dict[str, Any]:
    """Every activity field's description (type, isRequired, isReadOnly, isImmutable, isMultiple, title)."""
    deprecated = field_spec("diskfile", multiple=True, title="Added Files")
    deprecated = {
        **{k: v for k, v in deprecated.items() if k != "title"},
        "isDeprecated": True,
        "title": "Added Files",
    }
    return {
        "ID": field_spec("integer", read_only=True, title="ID"),
        "OWNER_ID": field_spec("integer", immutable=True, title="Owner ID"),
        "OWNER_TYPE_ID": field_spec("crm_enum_ownertype", immutable=True, title="Owner Type"),
        "TYPE_ID": field_spec("crm_enum_activitytype", required=True, immutable=True, title="Type"),
        "PROVIDER_ID": field_spec("string", title="Provider ID"),
        "PROVIDER_TYPE_ID": field_spec("string", title="Provider Type"),
        "PROVIDER_GROUP_ID": field_spec("string", title="Connector Type"),
        "ASSOCIATED_ENTITY_ID": field_spec("integer", read_only=True, title="Associated Entity ID"),
        "SUBJECT": field_spec("string", required=True, title="Subject"),
        "START_TIME": field_spec("datetime", title="Start"),
        "END_TIME": field_spec("datetime", title="Deadline"),
        "DEADLINE": field_spec("datetime", title="Execution Deadline"),
        "COMPLETED": field_spec("char", title="Completed"),
        "STATUS": field_spec("crm_enum_activitystatus", title="Status"),
        "RESPONSIBLE_ID": field_spec("user", required=True, title="Responsible"),
        "PRIORITY": field_spec("crm_enum_activitypriority", title="Priority"),
        "NOTIFY_TYPE": field_spec("crm_enum_activitynotifytype", title="Notification Type"),
        "NOTIFY_VALUE": field_spec("integer", title="Notification Parameter"),
        "DESCRIPTION": field_spec("string", title="Description"),
        "DESCRIPTION_TYPE": field_spec("crm_enum_contenttype", title="Description Type"),
        "DIRECTION": field_spec("crm_enum_activitydirection", title="Direction"),
        "LOCATION": field_spec("string", title="Location"),
        "CREATED": field_spec("datetime", read_only=True, title="Creation Date"),
        "AUTHOR_ID": field_spec("user", read_only=True, title="Created By"),
        "LAST_UPDATED": field_spec("datetime", read_only=True, title="Last Updated Date"),
        "EDITOR_ID": field_spec("user", read_only=True, title="Edited By"),
        "SETTINGS": field_spec("object", title="Settings"),
        "ORIGIN_ID": field_spec("string", title="External Code"),
        "ORIGINATOR_ID": field_spec("string", title="External Source"),
        "RESULT_STATUS": field_spec("integer", title="RESULT_STATUS"),
        "RESULT_STREAM": field_spec("integer", title="RESULT_STREAM"),
        "RESULT_SOURCE_ID": field_spec("string", title="RESULT_SOURCE_ID"),
        "PROVIDER_PARAMS": field_spec("object", title="Provider Parameters"),
        "PROVIDER_DATA": field_spec("string", title="Provider Data"),
        "RESULT_MARK": field_spec("integer", title="RESULT_MARK"),
        "RESULT_VALUE": field_spec("double", title="RESULT_VALUE"),
        "RESULT_SUM": field_spec("double", title="RESULT_SUM"),
        "RESULT_CURRENCY_ID": field_spec("string", title="RESULT_CURRENCY_ID"),
        "AUTOCOMPLETE_RULE": field_spec("integer", title="Autocomplete"),
        "BINDINGS": field_spec("crm_activity_binding", read_only=True, multiple=True, title="Bindings"),
        "COMMUNICATIONS": field_spec(
            "crm_activity_communication", required=True, multiple=True, title="Communication Channel"
        ),
        "FILES": field_spec("diskfile", multiple=True, title="Files"),
        "WEBDAV_ELEMENTS": deprecated,
        "IS_INCOMING_CHANNEL": field_spec("char", read_only=True, title="IS_INCOMING_CHANNEL"),
    }
