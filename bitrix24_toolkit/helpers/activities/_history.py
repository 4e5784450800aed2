"""``history(b24, owner)``: one chronological, typed timeline of a CRM object.

It merges, in ONE batch request (more only when a list passes 50 rows):

- the object itself (``crm.<kind>.get``: its creation; for deals, contacts, companies the lead it came from);
- stage changes (``crm.stagehistory.list``, leads and deals), with stage names from ``crm.status.list``;
- activities (``crm.activity.list`` by ``OWNER_TYPE_ID``/``OWNER_ID``): done ones at the moment they were
  finished (``LAST_UPDATED``), open ones when they were planned (``CREATED``), with their deadline;
- timeline comments (``crm.timeline.comment.list`` by ``ENTITY_TYPE``/``ENTITY_ID``);
- for a lead, the deals, contacts and companies made from it (``LEAD_ID``): its conversion.

``render()`` prints it, ``to_dicts()`` / ``to_csv()`` export it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ...models.activity import Activity, TimelineComment
from ...models.directory import StageHistoryItem
from ...models.meta import Page
from ...protocol.batch import Batch, Outcome, Ref
from ...protocol.call import Call, Flow
from ...services import CrmCalls
from ...services.listing import page_parser
from ..base import helper
from ..reports import write_csv
from ._activities import _KINDS
from ._owner import Owner, OwnerLike

__all__ = ["EventKind", "History", "HistoryEvent", "history"]

EventKind = Literal["created", "stage", "activity", "comment", "converted", "origin"]
_ORDER = {"created": 0, "origin": 1, "stage": 2, "converted": 3, "activity": 4, "comment": 5}
_LEGACY = {1: "crm.lead", 2: "crm.deal", 3: "crm.contact", 4: "crm.company"}
_STAGED = (1, 2)
_MADE_FROM_LEAD = {"deal": "crm.deal", "contact": "crm.contact", "company": "crm.company"}
_ACTIVITY_SELECT = [
    "ID",
    "TYPE_ID",
    "PROVIDER_ID",
    "SUBJECT",
    "CREATED",
    "LAST_UPDATED",
    "START_TIME",
    "END_TIME",
    "DEADLINE",
    "COMPLETED",
    "RESPONSIBLE_ID",
    "DIRECTION",
]


@dataclass(frozen=True)
class HistoryEvent:
    """One thing that happened to the object: when, what kind, a one-line text and the raw details."""

    at: dt.datetime
    kind: EventKind
    text: str
    #: id of the record behind the event (stage history row, activity, comment, converted-to object)
    ref_id: int | None = None
    data: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain values: ``at`` as ISO 8601."""
        return {
            "at": self.at.isoformat(),
            "kind": self.kind,
            "text": self.text,
            "ref_id": self.ref_id,
            **self.data,
        }


@dataclass(frozen=True)
class History:
    """The events of one object, oldest first."""

    owner: Owner
    title: str
    events: list[HistoryEvent] = field(default_factory=list)

    def __iter__(self) -> Iterator[HistoryEvent]:
        return iter(self.events)

    def __len__(self) -> int:
        return len(self.events)

    def of_kind(self, *kinds: EventKind) -> list[HistoryEvent]:
        """The events of these kinds, in order."""
        return [event for event in self.events if event.kind in kinds]

    def render(self) -> str:
        """A printable timeline: a header line, then ``date time  kind  text`` per event."""
        lines = [f"{self.owner.name.capitalize()} {self.owner.id} «{self.title}»: {len(self.events)} events"]
        lines += [f"  {e.at:%Y-%m-%d %H:%M}  {e.kind:<9}  {e.text}" for e in self.events]
        return "\n".join(lines)

    def to_dicts(self) -> list[dict[str, Any]]:
        """One dict per event (``at``, ``kind``, ``text``, ``ref_id`` and the details)."""
        return [event.to_dict() for event in self.events]

    def to_csv(
        self, path: str | os.PathLike[str], *, delimiter: str = ";", encoding: str = "utf-8-sig"
    ) -> Path:
        """Write ``at``, ``kind``, ``text``, ``ref_id`` per event; returns the path."""
        rows = ([event.at.isoformat(), event.kind, event.text, event.ref_id or ""] for event in self.events)
        return write_csv(path, ["at", "kind", "text", "ref_id"], rows, delimiter=delimiter, encoding=encoding)


def _moment(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _stage_directories(owner: Owner) -> dict[str, Call[Any]]:
    """``crm.status.list`` of the object's stage names: lead statuses, or the deal's funnel (by reference
    to the deal's ``CATEGORY_ID`` in the same batch; the default funnel's directory has no suffix)."""
    status = CrmCalls().status
    if owner.entity_type_id == 1:
        return {"names": status.list(filter={"ENTITY_ID": "STATUS"})}
    return {
        "names": status.list(filter={"ENTITY_ID": "DEAL_STAGE"}),
        "names_cat": status.list(filter={"ENTITY_ID": "DEAL_STAGE_" + Ref("entity", "CATEGORY_ID")}),
    }


def _calls(owner: Owner) -> dict[str, Call[Any]]:
    crm = CrmCalls()
    calls: dict[str, Call[Any]] = {}
    rest = _LEGACY.get(owner.entity_type_id)
    if rest is not None:
        calls["entity"] = Call(f"{rest}.get", {"id": owner.id}, read_only=True)
    else:
        calls["entity"] = crm.item(owner.entity_type_id).get(owner.id)
    if owner.entity_type_id in _STAGED:
        calls["stages"] = crm.stagehistory.list(
            owner.entity_type_id, filter={"OWNER_ID": owner.id}, order={"ID": "ASC"}
        )
        calls.update(_stage_directories(owner))
    calls["activities"] = crm.activity.list(
        filter={"OWNER_TYPE_ID": owner.entity_type_id, "OWNER_ID": owner.id},
        select=_ACTIVITY_SELECT,
        order={"ID": "ASC"},
    )
    calls["comments"] = crm.timeline.comment.list(
        filter={"ENTITY_TYPE": owner.name, "ENTITY_ID": owner.id}, order={"ID": "ASC"}
    )
    if owner.entity_type_id == 1:
        for name, rest_name in _MADE_FROM_LEAD.items():
            select = (
                ["ID", "TITLE", "DATE_CREATE"]
                if name != "contact"
                else ["ID", "NAME", "LAST_NAME", "DATE_CREATE"]
            )
            calls[f"from_{name}"] = Call(
                f"{rest_name}.list",
                {"filter": {"LEAD_ID": owner.id}, "select": select, "order": {"ID": "ASC"}},
                parse=page_parser(dict),
                read_only=True,
            )
    return calls


def _rest_pages(first: Mapping[str, Call[Any]], got: Mapping[str, Page[Any]]) -> dict[str, Call[Any]]:
    """Further pages of the lists that passed 50 rows (``start`` = 50, 100 ...)."""
    more: dict[str, Call[Any]] = {}
    for key, page in got.items():
        if not isinstance(page, Page) or page.next is None or not page.total:
            continue
        call = first[key]
        for start in range(page.next, page.total, 50):
            more[f"{key}__{start}"] = Call(call.method, {**call.params, "start": start}, call.parse, True)
    return more


@helper
def history(owner: OwnerLike) -> Flow[History]:
    """The chronological timeline of a lead, deal, contact or company: creation, stage changes, activities,
    comments (and for a lead, what it was converted into), in one batch request."""
    target = Owner.of(owner)
    calls = _calls(target)
    outcomes: list[Outcome[Any]] = yield Batch(calls)
    by_key = {outcome.key: outcome for outcome in outcomes}
    entity = by_key["entity"].unwrap()  # NotFoundError for a missing object
    got: dict[str, Any] = {}
    for key, outcome in by_key.items():
        if key != "entity":
            got[key] = outcome.value if outcome.ok else None
    more = _rest_pages(calls, got)
    if more:
        for outcome in (yield Batch(more)):
            base = outcome.key.split("__")[0]
            if outcome.ok and isinstance(got.get(base), Page):
                got[base].items.extend(outcome.value.items)
    return _build(target, _plain(entity), got)


def _plain(entity: Any) -> dict[str, Any]:
    if isinstance(entity, Mapping):
        item = entity.get("item", entity)
        return dict(item) if isinstance(item, Mapping) else {}
    dump = getattr(entity, "to_api", None)
    return dict(dump()) if callable(dump) else {}


def _title(owner: Owner, entity: Mapping[str, Any]) -> str:
    if entity.get("TITLE") or entity.get("title"):
        return str(entity.get("TITLE") or entity.get("title"))
    person = " ".join(str(entity[k]) for k in ("NAME", "LAST_NAME") if entity.get(k))
    return person or str(owner)


def _stage_names(got: Mapping[str, Any]) -> dict[str, str]:
    names: dict[str, str] = {}
    for key in ("names", "names_cat"):
        page = got.get(key)
        for status in page or []:
            if status.status_id:
                names[str(status.status_id)] = str(status.name or status.status_id)
    return names


def _stage_events(rows: list[StageHistoryItem], names: Mapping[str, str]) -> Iterator[HistoryEvent]:
    previous: str | None = None
    for row in rows:
        if row.created_time is None:
            continue
        stage = row.stage_id or ""
        shown = names.get(stage, stage)
        data = {"stage_id": stage, "semantics": row.stage_semantic_id, "category_id": row.category_id}
        if row.type_id == 1:
            yield HistoryEvent(row.created_time, "created", f"created at stage «{shown}»", row.id, data)
            previous = stage
            continue
        elif row.type_id == 5:
            text = f"moved to funnel {row.category_id}: stage «{shown}»"
        else:
            before = f"«{names.get(previous, previous)}» → " if previous else ""
            outcome = {"S": " (success)", "F": " (failure)"}.get(row.stage_semantic_id or "", "")
            text = f"stage {before}«{shown}»{outcome}"
        previous = stage
        yield HistoryEvent(row.created_time, "stage", text, row.id, data)


def _activity_event(activity: Activity) -> HistoryEvent | None:
    kind = "to-do" if activity.is_todo else _KINDS.get(activity.type_id or 0, "activity")
    subject = activity.subject or ""
    data = {
        "activity_kind": kind,
        "completed": bool(activity.completed),
        "responsible_id": activity.responsible_id,
    }
    if activity.completed:
        at = activity.last_updated or activity.end_time or activity.created
        text = f"{kind} done: {subject}"
    else:
        at = activity.created
        due = f" (due {activity.deadline:%Y-%m-%d %H:%M})" if activity.deadline else ""
        text = f"{kind} planned{due}: {subject}"
    if at is None:
        return None
    return HistoryEvent(at, "activity", text, activity.id, data)


def _build(owner: Owner, entity: Mapping[str, Any], got: Mapping[str, Any]) -> History:
    events: list[HistoryEvent] = []
    stages = got.get("stages")
    stage_rows = list(stages.items) if isinstance(stages, Page) else []
    created = _moment(entity.get("DATE_CREATE") or entity.get("createdTime"))
    if created is not None and not any(row.type_id == 1 for row in stage_rows):
        events.append(HistoryEvent(created, "created", "created", owner.id))
    lead_id = entity.get("LEAD_ID") or entity.get("leadId")
    if created is not None and lead_id and str(lead_id) not in ("0", ""):
        events.append(HistoryEvent(created, "origin", f"made from lead {lead_id}", int(lead_id)))
    events.extend(_stage_events(stage_rows, _stage_names(got)))
    activities = got.get("activities")
    for activity in activities.items if isinstance(activities, Page) else []:
        event = _activity_event(activity)
        if event is not None:
            events.append(event)
    comments = got.get("comments")
    for comment in comments.items if isinstance(comments, Page) else []:
        if isinstance(comment, TimelineComment) and comment.created is not None:
            author = {"author_id": comment.author_id}
            events.append(
                HistoryEvent(comment.created, "comment", (comment.comment or "").strip(), comment.id, author)
            )
    for name in _MADE_FROM_LEAD:
        page = got.get(f"from_{name}")
        for row in page.items if isinstance(page, Page) else []:
            at = _moment(row.get("DATE_CREATE"))
            if at is None:
                continue
            label = row.get("TITLE") or " ".join(str(row[k]) for k in ("NAME", "LAST_NAME") if row.get(k))
            text = f"converted: {name} {row.get('ID')} «{label}» created"
            events.append(HistoryEvent(at, "converted", text, int(row["ID"]), {"entity": name}))
    events.sort(key=lambda e: (e.at, _ORDER[e.kind], e.ref_id or 0))
    return History(owner, _title(owner, entity), events)
