"""Holding structure without a portal: parsing links, building the forest, rendering, totals, canned flows."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import pytest

from bitrix24_toolkit import errors
from bitrix24_toolkit.helpers import (
    CompanyNotFoundError,
    HoldingCycleError,
    HoldingFieldError,
    build_tree,
    clear_parent,
    ensure_parent_field,
    parse_parent,
    render_tree,
    set_parent,
)
from bitrix24_toolkit.helpers.holding import aggregate_deals
from bitrix24_toolkit.helpers.holding._holding import parent_value, pick_parent_field
from bitrix24_toolkit.protocol import drive_flow
from bitrix24_toolkit.protocol.batch import Batch, Outcome
from bitrix24_toolkit.protocol.call import Call
from bitrix24_toolkit.protocol.envelope import APIResponse

F = "UF_CRM_HOLDING_PARENT"
#: the demo portal's holding as rows: head 12, branches 13-16 (16 written "CO_12"), 17 under 15
DEMO = [
    {"ID": "11", "TITLE": "ООО «Телеком Регион»", F: ""},
    {"ID": "12", "TITLE": "Гостиничная группа Восток", F: ""},
    {"ID": "13", "TITLE": "Отель Восток Казань", F: "12"},
    {"ID": "14", "TITLE": "Отель Восток Сочи", F: "12"},
    {"ID": "15", "TITLE": "Отель Восток Байкал", F: "12"},
    {"ID": "16", "TITLE": "Отель Восток Алтай", F: "CO_12"},
    {"ID": "17", "TITLE": "Гостевой дом Восток Листвянка", F: "15"},
]
FIELD_ROW = {
    "ID": "1",
    "FIELD_NAME": F,
    "USER_TYPE_ID": "crm",
    "XML_ID": "holding_parent",
    "MULTIPLE": "N",
    "SETTINGS": {"LEAD": "N", "CONTACT": "N", "COMPANY": "Y", "DEAL": "N"},
}


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12", 12), (12, 12), ("CO_12", 12), (["CO_7"], 7), (" 5 ", 5), ("", None), (None, None), ("0", None)],
)
def test_both_stored_forms_parse(value: Any, expected: int | None) -> None:
    assert parse_parent(value) == expected


@pytest.mark.parametrize("value", ["C_5", "D_1", "abc", "CO_"])
def test_a_value_that_is_no_company_link_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match=r"company|CRM link"):
        parse_parent(value)


def test_demo_holding_builds_with_children_and_depths() -> None:
    tree = build_tree(DEMO, F)
    head = tree.node(12)
    assert [c.id for c in head.children] == [13, 14, 15, 16]  # "CO_12" joins like "12"
    assert [c.id for c in tree.node(15).children] == [17]
    assert (tree.node(17).depth, tree.node(15).depth, head.depth) == (2, 1, 0)
    assert [r.id for r in tree.roots] == [11, 12]
    assert [h.id for h in tree.holdings] == [12]
    assert head.ids == [12, 13, 14, 15, 17, 16]  # depth first
    assert [n.id for n in tree.ancestors(17)] == [15, 12]
    assert tree.root_of(17).id == 12
    assert tree.root_of(11).id == 11
    assert tree.ancestors(11) == []
    assert tree.ok
    assert len(tree) == 7


def test_orphans_cycles_and_bad_values_are_reported_not_fatal() -> None:
    rows = [
        {"ID": 1, "TITLE": "A", F: "99"},  # parent deleted
        {"ID": 2, "TITLE": "B", F: "3"},
        {"ID": 3, "TITLE": "C", F: "CO_2"},  # 2 <-> 3
        {"ID": 4, "TITLE": "D", F: "4"},  # its own parent
        {"ID": 5, "TITLE": "E", F: "3"},  # hangs below the loop
        {"ID": 6, "TITLE": "F", F: "C_5"},  # a contact, not a company
        {"ID": 7, "TITLE": "G", F: "1"},
    ]
    tree = build_tree(rows, F)
    assert tree.orphans == {1: 99}
    assert tree.cycles == [[2, 3], [4]]
    assert tree.invalid == {6: "C_5"}
    assert not tree.ok
    assert sorted(n.id for n in tree) == [1, 2, 3, 4, 5, 6, 7]  # every company exactly once
    assert [r.id for r in tree.roots] == [1, 2, 4, 6]
    assert [c.id for c in tree.node(2).children] == [3]
    assert [c.id for c in tree.node(3).children] == [5]
    assert tree.node(7).parent_id == 1
    text = tree.render()
    assert "! company 1: parent 99 not found" in text
    assert "! cycle: 2 -> 3 -> 2" in text
    assert "! cycle: 4 -> 4" in text
    assert "! company 6: not a company link: 'C_5'" in text


def test_render_draws_boxes_and_skips_lone_companies() -> None:
    tree = build_tree(DEMO, F)
    assert tree.render() == "\n".join(
        [
            "Гостиничная группа Восток (12)",
            "├── Отель Восток Казань (13)",
            "├── Отель Восток Сочи (14)",
            "├── Отель Восток Байкал (15)",
            "│   └── Гостевой дом Восток Листвянка (17)",
            "└── Отель Восток Алтай (16)",
        ]
    )
    assert render_tree(tree.node(15), ids=False) == "Отель Восток Байкал\n└── Гостевой дом Восток Листвянка"
    assert tree.render(all_companies=True).splitlines()[0] == "ООО «Телеком Регион» (11)"
    assert build_tree([], F).render() == "(no holdings)"


def test_deep_last_branch_uses_blank_prefix() -> None:
    rows = [{"ID": 1, "TITLE": "R", F: ""}, {"ID": 2, "TITLE": "A", F: "1"}, {"ID": 3, "TITLE": "B", F: "2"}]
    assert build_tree(rows, F).render(ids=False) == "R\n└── A\n    └── B"


def test_subtree_exports_and_dataframe() -> None:
    tree = build_tree(DEMO, F)
    sub = tree.subtree(15)
    assert [r.id for r in sub.roots] == [15]
    assert sub.node(17).depth == 1
    assert len(sub) == 2
    assert sub.ancestors(17)[0].id == 15
    assert sub.root_of(17).id == 15
    assert tree.node(15).to_dict() == {
        "id": 15,
        "title": "Отель Восток Байкал",
        "parent_id": 12,
        "depth": 1,
        "children": [
            {"id": 17, "title": "Гостевой дом Восток Листвянка", "parent_id": 15, "depth": 2, "children": []}
        ],
    }
    assert [r["id"] for r in tree.to_dict()["roots"]] == [12]
    records = tree.to_records()
    assert records[4] == {
        "id": 17,
        "title": "Гостевой дом Восток Листвянка",
        "parent_id": 15,
        "root_id": 12,
        "depth": 2,
        "children": 0,
        "path": "Гостиничная группа Восток / Отель Восток Байкал / Гостевой дом Восток Листвянка",
    }
    pytest.importorskip("pandas")
    frame = tree.to_dataframe()
    assert list(frame.index) == [12, 13, 14, 15, 17, 16]
    assert frame.loc[17, "root_id"] == 12
    assert frame.loc[16, "parent_id"] == 12
    with pytest.raises(CompanyNotFoundError):
        tree.node(999)


def test_totals_add_exact_decimals_by_outcome_and_currency() -> None:
    deals = [
        {"COMPANY_ID": "1", "STAGE_SEMANTIC_ID": "P", "OPPORTUNITY": "0.10", "CURRENCY_ID": "RUB"},
        {"COMPANY_ID": "2", "STAGE_SEMANTIC_ID": "P", "OPPORTUNITY": "0.20", "CURRENCY_ID": "RUB"},
        {"COMPANY_ID": "2", "STAGE_SEMANTIC_ID": "S", "OPPORTUNITY": "100.00", "CURRENCY_ID": "USD"},
        {"COMPANY_ID": "2", "STAGE_SEMANTIC_ID": "F", "OPPORTUNITY": "", "CURRENCY_ID": "EUR"},
        # a deal of a company outside the holding
        {"COMPANY_ID": "9", "STAGE_SEMANTIC_ID": "S", "OPPORTUNITY": "5.00", "CURRENCY_ID": "RUB"},
        {"COMPANY_ID": "1", "OPPORTUNITY": "1.00", "CURRENCY_ID": "RUB"},  # no semantic: open
    ]
    totals = aggregate_deals(1, [1, 2], deals)
    assert totals.open.count == 3
    assert totals.open.amounts == {"RUB": Decimal("1.30")}
    assert totals.won.amounts == {"USD": Decimal("100.00")}
    assert totals.won.counts == {"USD": 1}
    assert totals.lost.count == 1
    assert totals.lost.amounts == {"EUR": Decimal(0)}
    assert totals.count == 5
    assert totals.currencies == ["EUR", "RUB", "USD"]
    assert totals.deals_by_company == {1: 2, 2: 3}
    assert totals.to_dict()["open"] == {"count": 3, "amounts": {"RUB": "1.30"}, "counts": {"RUB": 3}}
    assert totals.summary().splitlines()[1] == "won: 1 deals, 100.00 USD"


# ------------------------------------------------------------------------------------ canned flows
Answer = Callable[[Call[Any]], Any]


def run_canned(flow: Any, answer: Answer, log: list[tuple[str, Mapping[str, Any]]]) -> Any:
    """Drive a flow with answers computed per call (no HTTP); batches get one outcome per call."""

    def one(call: Call[Any]) -> Any:
        log.append((call.method, call.params))
        return call.parse(APIResponse(result=answer(call)))

    def execute(step: Any) -> Any:
        if isinstance(step, Batch):
            outcomes = []
            for key, call in step.items():
                try:
                    outcomes.append(Outcome(key, call.method, value=one(call)))
                except errors.Bitrix24Error as exc:
                    outcomes.append(Outcome(key, call.method, error=exc))
            return outcomes
        return one(step)

    return drive_flow(flow, execute)


def portal(companies: Mapping[int, Mapping[str, Any]], fields: list[Mapping[str, Any]]) -> Answer:
    def answer(call: Call[Any]) -> Any:
        if call.method == "crm.company.userfield.list":
            return fields
        if call.method == "crm.company.userfield.add":
            return 77
        if call.method == "crm.company.get":
            row = companies.get(int(call.params["id"]))
            if row is None:
                raise errors.NotFoundError(code="", description="Not found", method=call.method)
            return dict(row)
        if call.method == "crm.company.update":
            return True
        raise AssertionError(call.method)

    return answer


COMPANIES = {int(r["ID"]): r for r in DEMO}


def test_ensure_finds_by_xml_id_before_the_default_code() -> None:
    log: list[tuple[str, Mapping[str, Any]]] = []
    other = {**FIELD_ROW, "ID": "5", "FIELD_NAME": "UF_CRM_MOTHER"}
    plain = {**FIELD_ROW, "ID": "2", "XML_ID": ""}
    assert run_canned(ensure_parent_field.flow(), portal({}, [plain, other]), log) == "UF_CRM_MOTHER"
    assert [m for m, _ in log] == ["crm.company.userfield.list"]
    assert pick_parent_field([plain]) is plain
    assert pick_parent_field([plain], "holding_parent") is plain


def test_ensure_creates_the_field_with_both_labels_when_absent() -> None:
    log: list[tuple[str, Mapping[str, Any]]] = []
    assert run_canned(ensure_parent_field.flow(), portal({}, []), log) == F
    method, params = log[1]
    assert method == "crm.company.userfield.add"
    fields = params["fields"]
    assert fields["USER_TYPE_ID"] == "crm"
    assert fields["XML_ID"] == "holding_parent"
    assert fields["EDIT_FORM_LABEL"] == {"ru": "Головная компания", "en": "Parent company"}
    assert fields["SETTINGS"] == {"LEAD": "N", "CONTACT": "N", "COMPANY": "Y", "DEAL": "N"}


def test_ensure_refuses_a_field_that_cannot_link_companies() -> None:
    wrong = {**FIELD_ROW, "SETTINGS": {"CONTACT": "Y"}}
    with pytest.raises(HoldingFieldError, match="not to companies"):
        run_canned(ensure_parent_field.flow(), portal({}, [wrong]), [])


def test_set_parent_refuses_a_loop_and_names_the_chain() -> None:
    log: list[tuple[str, Mapping[str, Any]]] = []
    with pytest.raises(HoldingCycleError) as info:
        run_canned(set_parent.flow(12, 17), portal(COMPANIES, [FIELD_ROW]), log)
    assert info.value.chain == [12, 17, 15, 12]
    assert "Гостиничная группа Восток (12) -> Гостевой дом Восток Листвянка (17) -> " in str(info.value)
    assert all(method != "crm.company.update" for method, _ in log)
    with pytest.raises(HoldingCycleError, match="own parent"):
        run_canned(set_parent.flow(5, 5), portal(COMPANIES, [FIELD_ROW]), [])


def test_set_parent_writes_the_form_the_field_calls_for() -> None:
    log: list[tuple[str, Mapping[str, Any]]] = []
    assert run_canned(set_parent.flow(11, 15), portal(COMPANIES, [FIELD_ROW]), log) is True
    assert log[-1] == ("crm.company.update", {"id": 11, "fields": {F: "15"}})
    several = {**FIELD_ROW, "SETTINGS": {"COMPANY": "Y", "CONTACT": "Y"}}
    log.clear()
    run_canned(set_parent.flow(11, 15), portal(COMPANIES, [several]), log)
    assert log[-1][1]["fields"] == {F: "CO_15"}
    assert parent_value({**FIELD_ROW, "MULTIPLE": "Y"}, 3) == ["3"]
    # "CO_12" stored, a company-only field: rewritten in the plain form; "12" stored: nothing to write
    log.clear()
    assert run_canned(set_parent.flow(16, 12), portal(COMPANIES, [FIELD_ROW]), log) is True
    log.clear()
    assert run_canned(set_parent.flow(13, 12), portal(COMPANIES, [FIELD_ROW]), log) is False
    assert [m for m, _ in log] == ["crm.company.userfield.list", "crm.company.get", "crm.company.get"]


def test_set_parent_needs_both_companies_and_the_field() -> None:
    with pytest.raises(CompanyNotFoundError, match="parent company 404") as info:
        run_canned(set_parent.flow(13, 404), portal(COMPANIES, [FIELD_ROW]), [])
    assert isinstance(info.value, errors.NotFoundError)
    assert info.value.company_id == 404
    with pytest.raises(HoldingFieldError, match="ensure_parent_field"):
        run_canned(set_parent.flow(13, 12), portal(COMPANIES, []), [])
    with pytest.raises(errors.InvalidInputError):
        run_canned(set_parent.flow(0, 12), portal(COMPANIES, [FIELD_ROW]), [])


def test_set_parent_stops_at_a_deleted_ancestor_or_a_loop_above() -> None:
    rows = {
        1: {"ID": "1", "TITLE": "A", F: "2"},
        2: {"ID": "2", "TITLE": "B", F: "99"},  # 99 deleted
        3: {"ID": "3", "TITLE": "C", F: "4"},
        4: {"ID": "4", "TITLE": "D", F: "3"},  # 3 <-> 4 already
        5: {"ID": "5", "TITLE": "E", F: ""},
    }
    assert run_canned(set_parent.flow(5, 1), portal(rows, [FIELD_ROW]), []) is True
    assert run_canned(set_parent.flow(5, 3), portal(rows, [FIELD_ROW]), []) is True


def test_clear_parent() -> None:
    log: list[tuple[str, Mapping[str, Any]]] = []
    assert run_canned(clear_parent.flow(16), portal(COMPANIES, [FIELD_ROW]), log) is True
    assert log[-1] == ("crm.company.update", {"id": 16, "fields": {F: ""}})
    assert run_canned(clear_parent.flow(12), portal(COMPANIES, [FIELD_ROW]), []) is False


def test_the_field_lookup_rides_in_the_first_batch_or_goes_alone() -> None:
    from bitrix24_toolkit.helpers.holding._holding import _alongside
    from bitrix24_toolkit.protocol.call import Emit, Stream

    def batched() -> Stream[dict[str, Any]]:
        outcomes = yield Batch([Call("crm.company.list", {"start": 0})])
        yield Emit(outcomes[0].value)

    def single() -> Stream[dict[str, Any]]:
        rows = yield Call("crm.company.list", {"start": 0})
        yield Emit(rows)

    extra: Call[Any] = Call("crm.company.userfield.list", {})
    for stream, sizes in ((batched(), [2]), (single(), [0, 1])):
        seen: list[int] = []

        def execute(step: Any, seen: list[int] = seen) -> Any:
            if isinstance(step, Batch):
                seen.append(len(step.items()))
                return [Outcome(k, c.method, value=[{"ID": c.method}]) for k, c in step.items()]
            seen.append(0)
            return [{"ID": "1"}]

        rows, fields = drive_flow(_alongside(stream, extra), execute)
        assert seen == sizes
        assert fields == [{"ID": "crm.company.userfield.list"}]
        assert len(rows) == 1
