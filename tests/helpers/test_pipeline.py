"""ensure_pipeline: creates a funnel with its stages, reports changes, and a rerun changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from bitrix24_toolkit.errors import InvalidInputError
from bitrix24_toolkit.helpers import PipelineChanges, StageSpec, ensure_pipeline
from bitrix24_toolkit.protocol import drive_flow
from bitrix24_toolkit.testing.emulator import Emulator

STAGES: list[Any] = [
    "Заявка",
    {"id": "OFFER", "name": "КП отправлено", "color": "#FF0000"},
    "Договор подписан",
    {"name": "Оплачено", "semantics": "success"},
    StageSpec("Отказ", semantics="failure"),
]


def _stages(emu: Emulator, directory: str) -> list[tuple[str, str, int, str | None]]:
    rows = [r for r in emu.state.table("status").values() if r["ENTITY_ID"] == directory]
    return [
        (r["STATUS_ID"], r["NAME"], r["SORT"], r["SEMANTICS"])
        for r in sorted(rows, key=lambda r: (r["SORT"], r["ID"]))
    ]


async def test_creates_then_changes_nothing(client: Any, emu: Emulator) -> None:
    first: PipelineChanges = await client.run(ensure_pipeline.flow("Опт", STAGES, remove_missing=True))
    assert first.created
    assert first.changed
    assert first.category_id == 1
    # the system stages NEW, WON and LOSE are reused; OFFER and a transliterated id are added
    assert first.stage_ids == ["C1:NEW", "C1:OFFER", "C1:DOGOVOR_PODPISAN", "C1:WON", "C1:LOSE"]
    assert first.added == ["C1:OFFER", "C1:DOGOVOR_PODPISAN"]
    assert first.removed == [
        "C1:PREPARATION",
        "C1:PREPAYMENT_INVOICE",
        "C1:EXECUTING",
        "C1:FINAL_INVOICE",
        "C1:APOLOGY",
    ]
    assert _stages(emu, "DEAL_STAGE_1") == [
        ("C1:NEW", "Заявка", 10, None),
        ("C1:OFFER", "КП отправлено", 20, None),
        ("C1:DOGOVOR_PODPISAN", "Договор подписан", 30, None),
        ("C1:WON", "Оплачено", 40, "S"),
        ("C1:LOSE", "Отказ", 50, "F"),
    ]
    before = emu.stats.requests
    again: PipelineChanges = await client.run(ensure_pipeline.flow("Опт", STAGES, remove_missing=True))
    assert not again.changed
    assert (again.added, again.updated, again.removed, again.kept) == ([], [], [], [])
    assert emu.stats.requests - before == 2  # the funnels, the stages, and no writes
    assert str(again) == "funnel 1 'Опт': unchanged"


def test_updates_are_reported_field_by_field(emu: Emulator) -> None:
    with emu.client() as b24:
        ensure_pipeline(b24, "Опт", STAGES)
        changed = list(STAGES)
        changed[1] = {"id": "OFFER", "name": "Коммерческое предложение", "color": "#ff0000"}  # colour same
        changed.insert(3, {"name": "Счёт", "color": "#FFA900"})
        result = ensure_pipeline(b24, "Опт", changed)
    assert result.added == ["C1:SCHET"]
    moved = {(c.status_id, c.field): (c.old, c.new) for c in result.updated}
    assert moved == {
        ("C1:OFFER", "NAME"): ("КП отправлено", "Коммерческое предложение"),
        ("C1:WON", "SORT"): (40, 50),
        ("C1:LOSE", "SORT"): (50, 60),
    }
    # without remove_missing the default stages stay and are reported as kept
    assert "C1:APOLOGY" in result.kept


def test_the_default_funnel_is_updated_in_place(emu: Emulator) -> None:
    stages: list[Any] = [
        "Новая",
        "В работе",
        {"name": "Успех", "semantics": "S"},
        {"name": "Провал", "semantics": "F"},
    ]
    with emu.client() as b24:
        result = ensure_pipeline(b24, "Продажи", stages, category_id=0)
        rerun = ensure_pipeline(b24, "Продажи", stages, category_id=0)
    assert result.renamed
    assert not result.created
    assert result.category_id == 0
    assert result.stage_ids == ["NEW", "V_RABOTE", "WON", "LOSE"]
    assert emu.state.table("category")[0]["NAME"] == "Продажи"
    assert not rerun.changed


def test_system_semantics_are_not_changed(emu: Emulator) -> None:
    with emu.client() as b24:
        result = ensure_pipeline(
            b24, "X", [{"id": "NEW", "name": "N"}, {"id": "LOSE", "name": "Won?", "semantics": "S"}]
        )
    assert result.stage_ids == ["C1:NEW", "C1:LOSE"]
    assert any("C1:LOSE is a system stage" in w for w in result.warnings)


@pytest.mark.parametrize(
    "stages",
    [
        [],
        ["only in progress"],
        ["a", {"name": "w", "semantics": "S"}, {"name": "w2", "semantics": "S"}],
        [{"name": "lost", "semantics": "F"}, "a", {"name": "w", "semantics": "S"}],
        ["a", {"name": "w", "semantics": "maybe"}],
        [{"id": "A", "name": "a"}, {"id": "a", "name": "b"}, {"name": "w", "semantics": "S"}],
    ],
)
def test_bad_specs_are_refused_before_any_request(stages: list[Any]) -> None:
    def execute(step: Any) -> Any:
        raise AssertionError("no request expected")

    with pytest.raises(InvalidInputError):
        drive_flow(ensure_pipeline.flow("F", stages), execute)


def test_refused_writes_raise_with_the_report() -> None:
    """Canned answers (no HTTP): the portal refuses one of the two writes of the batch."""
    from bitrix24_toolkit.errors import BadRequestError
    from bitrix24_toolkit.helpers import PipelineError
    from bitrix24_toolkit.models.directory import Category, Status
    from bitrix24_toolkit.protocol.batch import Batch, Outcome

    stages = [
        Status(id=1, status_id="C4:NEW", name="Новая", sort=10, system=True),
        Status(id=2, status_id="C4:WON", name="Успех", sort=20, semantics="S", system=True),
    ]
    answers: list[Any] = [[Category(id=4, name="Опт")], stages]
    refused = BadRequestError(
        code="", description="Status already exists", status_code=400, method="crm.status.add"
    )

    def execute(step: Any) -> Any:
        if isinstance(step, Batch):  # every write succeeds but the add
            return [
                Outcome(key, call.method, error=refused)
                if call.method == "crm.status.add"
                else Outcome(key, call.method, value=True)
                for key, call in step.items()
            ]
        return answers.pop(0)

    flow = ensure_pipeline.flow("Опт", ["Новая заявка", "Звонок", {"name": "Успех", "semantics": "S"}])
    with pytest.raises(PipelineError) as caught:
        drive_flow(flow, execute)
    assert caught.value.changes.added == ["C4:ZVONOK"]
    assert [what for what, _ in caught.value.errors] == ["add C4:ZVONOK"]
    assert "Status already exists" in str(caught.value)
