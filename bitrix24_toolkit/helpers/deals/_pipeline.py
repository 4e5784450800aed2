"""Set up a deal funnel for your business: :func:`ensure_pipeline` creates or updates it idempotently.

A funnel is a ``crm.category`` (deals: entity type 2; the default funnel is id 0); its stages are rows of the
``crm.status`` directory ``DEAL_STAGE`` (funnel 0) or ``DEAL_STAGE_{N}`` whose ids carry the ``C{N}:``
prefix (reference 5.5). Stages are given in the order they should appear: the stages in progress, then the
one success stage, then the failure stages (the portal requires that order). Running the same call twice
changes nothing the second time and reports so.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ...errors import Bitrix24Error, InvalidInputError
from ...models.directory import Category, Status
from ...protocol.batch import Batch, Outcome
from ...protocol.call import Call, Flow
from ...services import CrmCalls
from ...services.directory import deal_stage_directory
from ..base import helper

__all__ = ["PipelineChanges", "PipelineError", "StageChange", "StageSpec", "ensure_pipeline"]

Semantics = Literal["process", "success", "failure"]
_SEMANTIC_NAMES: dict[str, Semantics] = {
    "": "process",
    "P": "process",
    "PROCESS": "process",
    "S": "success",
    "SUCCESS": "success",
    "WON": "success",
    "F": "failure",
    "FAILURE": "failure",
    "LOST": "failure",
    "APOLOGY": "failure",
}
_PORTAL_SEMANTICS: dict[Semantics, str] = {"process": "", "success": "S", "failure": "F"}
_DEFAULT_COLOURS: dict[Semantics, str] = {"process": "#39A8EF", "success": "#7BD500", "failure": "#FF5752"}
_RANK: dict[Semantics, int] = {"process": 0, "success": 1, "failure": 2}
#: longest ``STATUS_ID`` of a deal stage, prefix included (reference 5.5)
_MAX_ID = 22


class PipelineError(Bitrix24Error):
    """Some stage changes were refused by the portal; ``changes`` tells what was done, ``errors`` why not."""

    def __init__(self, changes: PipelineChanges, errors: list[tuple[str, Bitrix24Error]]) -> None:
        text = "; ".join(f"{what}: {error}" for what, error in errors)
        super().__init__(f"ensure_pipeline({changes.name!r}) was only partly applied: {text}")
        self.changes = changes
        self.errors = errors


@dataclass(frozen=True)
class StageSpec:
    """A wanted stage: ``id`` without the ``C{N}:`` prefix (derived from the name when omitted)."""

    name: str
    id: str | None = None
    color: str | None = None
    semantics: Semantics = "process"

    @classmethod
    def of(cls, value: StageSpec | Mapping[str, Any] | str) -> StageSpec:
        """A spec from a :class:`StageSpec`, a name, or a dict (``name``/``id``/``color``/``semantics``)."""
        if isinstance(value, StageSpec):
            return value
        if isinstance(value, str):
            return cls(name=value)
        if not isinstance(value, Mapping):
            raise InvalidInputError(f"a stage must be a name, a dict or a StageSpec, not {value!r}")
        data = {str(k).lower(): v for k, v in value.items()}
        raw = data.get("semantics")
        semantic = _SEMANTIC_NAMES.get(str(raw or "").strip().upper())
        if semantic is None:
            raise InvalidInputError(f"unknown stage semantics {raw!r}: use process, success or failure")
        stage_id = data.get("id", data.get("status_id"))
        return cls(
            name=str(data.get("name") or ""),
            id=None if stage_id in (None, "") else str(stage_id),
            color=None if data.get("color") in (None, "") else str(data["color"]),
            semantics=semantic,
        )


@dataclass(frozen=True)
class StageChange:
    """One field of one stage changed from ``old`` to ``new``."""

    status_id: str
    field: str
    old: Any
    new: Any


@dataclass
class PipelineChanges:
    """What :func:`ensure_pipeline` did; ``changed`` is False when the funnel was already as wanted."""

    category_id: int
    name: str
    created: bool = False
    renamed: bool = False
    added: list[str] = field(default_factory=list)
    updated: list[StageChange] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    #: stages of the funnel that the spec does not mention (left as they are)
    kept: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: the portal ``STATUS_ID`` of every wanted stage, in order
    stage_ids: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether anything was created, renamed, added, updated or removed."""
        return bool(self.created or self.renamed or self.added or self.updated or self.removed)

    def __str__(self) -> str:
        if not self.changed:
            return f"funnel {self.category_id} {self.name!r}: unchanged"
        parts = ["created" if self.created else "", "renamed" if self.renamed else ""]
        parts += [f"{len(self.added)} stage(s) added", f"{len(self.updated)} field(s) updated"]
        parts.append(f"{len(self.removed)} stage(s) removed")
        return f"funnel {self.category_id} {self.name!r}: " + ", ".join(p for p in parts if p)


_CYRILLIC = dict(
    zip(
        "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ",
        "A B V G D E E ZH Z I Y K L M N O P R S T U F KH TS CH SH SHCH _ Y _ E YU YA".split(),
        strict=True,
    )
)


def _slug(name: str) -> str:
    """An id from a stage name: ``"Договор подписан"`` -> ``"DOGOVOR_PODPISAN"``."""
    text = "".join(_CYRILLIC.get(ch, ch) for ch in name.upper())
    return re.sub(r"[^A-Z0-9]+", "_", text).strip("_")


def _checked_specs(stages: Sequence[StageSpec | Mapping[str, Any] | str]) -> list[StageSpec]:
    if isinstance(stages, str | Mapping) or not isinstance(stages, Sequence):
        raise InvalidInputError("stages must be a list of names, dicts or StageSpec", field="stages")
    specs = [StageSpec.of(s) for s in stages]
    if not any(s.semantics == "process" for s in specs):
        raise InvalidInputError("a funnel needs at least one stage in progress", field="stages")
    if [s.semantics for s in specs].count("success") != 1:
        raise InvalidInputError("a funnel needs exactly one success stage", field="stages")
    ranks = [_RANK[s.semantics] for s in specs]
    if ranks != sorted(ranks):
        raise InvalidInputError(
            "stages must be ordered: in progress, then the success stage, then failure stages", field="stages"
        )
    for index, spec in enumerate(specs):
        if not spec.name.strip():
            raise InvalidInputError(f"stage {index} has no name", field=f"stages[{index}]")
    ids = [s.id.upper() for s in specs if s.id]
    if len(ids) != len(set(ids)):
        raise InvalidInputError("stage ids must be unique", field="stages")
    return specs


def _find_category(categories: list[Category], name: str, category_id: int | None) -> Category | None:
    if category_id is not None:
        found = [c for c in categories if c.id == category_id]
        if not found:
            raise InvalidInputError(f"deal funnel {category_id} does not exist", field="category_id")
        return found[0]
    wanted = name.strip().casefold()
    return next((c for c in categories if (c.name or "").strip().casefold() == wanted), None)


def _semantic_of(row: Status) -> Semantics:
    return "success" if row.is_success else "failure" if row.is_failure else "process"


@dataclass
class _Plan:
    """The calls that bring the stages in line, with what each one means for the report."""

    prefix: str
    directory: str
    changes: PipelineChanges
    calls: list[tuple[str, Call[Any]]] = field(default_factory=list)

    def full_id(self, bare: str) -> str:
        return bare if bare.startswith(self.prefix) else self.prefix + bare

    def new_id(self, spec: StageSpec, index: int, taken: set[str]) -> str:
        base = (spec.id or _slug(spec.name) or f"STAGE_{index + 1}").upper()
        base = base[: _MAX_ID - len(self.prefix)]
        candidate, n = base, 2
        while self.full_id(candidate) in taken:
            suffix = f"_{n}"
            candidate, n = base[: _MAX_ID - len(self.prefix) - len(suffix)] + suffix, n + 1
        return self.full_id(candidate)


def _match(specs: list[StageSpec], rows: list[Status], plan: _Plan) -> list[Status | None]:
    """The existing stage for each spec: same id, else same name, else a free system stage of its kind."""
    free = {row.status_id: row for row in rows if row.status_id}
    matched: list[Status | None] = [None] * len(specs)
    for index, spec in enumerate(specs):
        if spec.id and plan.full_id(spec.id.upper()) in free:
            matched[index] = free.pop(plan.full_id(spec.id.upper()))
    for index, spec in enumerate(specs):
        if matched[index] is not None or spec.id:
            continue
        candidates = [r for r in free.values() if (r.name or "").strip().casefold() == spec.name.casefold()]
        if candidates:
            matched[index] = free.pop(str(candidates[0].status_id))
    for index, spec in enumerate(specs):
        # system stages (start, success, main failure) cannot be removed: reuse them before adding new ones
        system = [r for r in free.values() if r.system and _semantic_of(r) == spec.semantics]
        if matched[index] is None and system:
            matched[index] = free.pop(str(system[0].status_id))
    return matched


def _plan_stage(plan: _Plan, spec: StageSpec, row: Status, sort: int) -> None:
    status_id = str(row.status_id)
    wanted: dict[str, Any] = {"NAME": spec.name, "SORT": sort}
    if spec.color is not None:
        wanted["COLOR"] = spec.color
    have: dict[str, Any] = {"NAME": row.name, "SORT": row.sort, "COLOR": row.color}
    if _semantic_of(row) != spec.semantics:
        if row.system:
            plan.changes.warnings.append(
                f"{status_id} is a system stage: its semantics stay {_semantic_of(row)!r}"
            )
        else:
            wanted["SEMANTICS"] = _PORTAL_SEMANTICS[spec.semantics]
            have["SEMANTICS"] = _PORTAL_SEMANTICS[_semantic_of(row)]
    fields: dict[str, Any] = {}
    for key, value in wanted.items():
        old = have.get(key)
        same = str(old).casefold() == str(value).casefold() if key == "COLOR" else old == value
        if not same:
            fields[key] = value
            plan.changes.updated.append(StageChange(status_id, key, old, value))
    if fields:
        plan.calls.append((f"update {status_id}", CrmCalls().status.update(int(row.id or 0), fields)))


def _plan_stages(specs: list[StageSpec], rows: list[Status], plan: _Plan, remove_missing: bool) -> None:
    matched = _match(specs, rows, plan)
    taken = {str(r.status_id) for r in rows}
    for index, (spec, row) in enumerate(zip(specs, matched, strict=True)):
        sort = (index + 1) * 10
        if row is not None:
            plan.changes.stage_ids.append(str(row.status_id))
            _plan_stage(plan, spec, row, sort)
            continue
        status_id = plan.new_id(spec, index, taken)
        taken.add(status_id)
        plan.changes.stage_ids.append(status_id)
        plan.changes.added.append(status_id)
        fields = {
            "ENTITY_ID": plan.directory,
            "STATUS_ID": status_id,
            "NAME": spec.name,
            "SORT": sort,
            "COLOR": spec.color or _DEFAULT_COLOURS[spec.semantics],
            "SEMANTICS": _PORTAL_SEMANTICS[spec.semantics],
        }
        plan.calls.append((f"add {status_id}", CrmCalls().status.add(fields)))
    used = {id(r) for r in matched if r is not None}
    for row in rows:
        if id(row) in used:
            continue
        status_id = str(row.status_id)
        if remove_missing and not row.system:
            plan.changes.removed.append(status_id)
            plan.calls.append((f"delete {status_id}", CrmCalls().status.delete(int(row.id or 0))))
        else:
            plan.changes.kept.append(status_id)
            if remove_missing:
                plan.changes.warnings.append(f"{status_id} is a system stage and cannot be removed")


@helper
def ensure_pipeline(
    name: str,
    stages: Sequence[StageSpec | Mapping[str, Any] | str],
    *,
    category_id: int | None = None,
    sort: int | None = None,
    remove_missing: bool = False,
) -> Flow[PipelineChanges]:
    """Create or update the deal funnel ``name`` (or ``category_id``) with ``stages``; report the changes.

    A funnel is found by ``category_id`` (0 = the default funnel) or else by name, and created when missing.
    A stage is matched by id, then by name, then to a free system stage of its kind; stages not in
    ``stages`` are kept unless ``remove_missing`` (system stages are never removed).
    """
    if not isinstance(name, str) or not name.strip():
        raise InvalidInputError("the funnel needs a name", field="name")
    specs = _checked_specs(stages)
    crm = CrmCalls()
    categories = yield crm.category(2).list()
    category = _find_category(categories, name, category_id)
    changes = PipelineChanges(category_id=0, name=name)
    if category is None:
        fields: dict[str, Any] = {"name": name}
        if sort is not None:
            fields["sort"] = sort
        category = yield crm.category(2).add(fields)
        changes.created = True
    elif category.name != name or (sort is not None and category.sort != sort):
        fields = {"name": name} if sort is None else {"name": name, "sort": sort}
        category = yield crm.category(2).update(int(category.id or 0), fields)
        changes.renamed = True
    changes.category_id = cat_id = int(category.id or 0)
    rows = yield crm.status.deal_stages(cat_id)
    plan = _Plan(
        prefix=f"C{cat_id}:" if cat_id else "", directory=deal_stage_directory(cat_id), changes=changes
    )
    _plan_stages(specs, rows, plan, remove_missing)
    if plan.calls:
        outcomes: list[Outcome[Any]] = yield Batch([call for _, call in plan.calls])
        errors = [(what, o.error) for (what, _), o in zip(plan.calls, outcomes, strict=True) if o.error]
        if errors:
            raise PipelineError(changes, errors)
    return changes
