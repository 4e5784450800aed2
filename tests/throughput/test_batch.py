"""The batch engine: chunks of 50 in order, references, halt, one typed outcome per call — both clients."""

from __future__ import annotations

from typing import Any

import pytest

from bitrix24_toolkit import Call, errors
from bitrix24_toolkit.protocol import APIResponse
from bitrix24_toolkit.protocol.batch import Batch, BatchChunk, NotRunError, Ref, plan_batch
from bitrix24_toolkit.testing.emulator import Emulator


async def test_outcomes_in_order_across_chunks(client: Any, emu: Emulator) -> None:
    calls = [("crm.lead.add", {"fields": {"TITLE": f"Лид {i}"}}) for i in range(120)]
    outcomes = await client.batch(calls)
    # chunks may run concurrently, so ids need not follow the input order; each outcome must be its call's
    leads = emu.state.table("lead")
    assert sorted(o.value for o in outcomes) == list(range(1, 121))
    assert [leads[o.value]["TITLE"] for o in outcomes] == [f"Лид {i}" for i in range(120)]
    assert all(o.ok and o.ran for o in outcomes)
    assert emu.stats.calls["batch"] == 3  # 50 + 50 + 20


async def test_errors_are_per_call_and_typed(client: Any, emu: Emulator) -> None:
    emu.call("crm.deal.add", {"fields": {"TITLE": "есть"}})
    outcomes = await client.batch(
        {
            "one": Call("crm.deal.get", {"id": 1}, parse=lambda r: r.result["TITLE"]),
            "missing": ("crm.deal.get", {"id": 404}),
            "unknown": ("no.such.method", {}),
            "list": ("crm.deal.list", {"select": ["ID"]}),
        }
    )
    assert outcomes["one"].unwrap() == "есть"
    assert isinstance(outcomes["missing"].error, errors.NotFoundError)
    assert isinstance(outcomes["unknown"].error, errors.MethodNotFoundError)
    assert outcomes["list"].value == [{"ID": "1"}]
    with pytest.raises(errors.NotFoundError):
        outcomes["missing"].unwrap()


async def test_references_feed_later_calls(client: Any) -> None:
    outcomes = await client.batch(
        {
            "company": ("crm.company.add", {"fields": {"TITLE": "ООО «Вектор»"}}),
            "contact": ("crm.contact.add", {"fields": {"NAME": "Ирина", "COMPANY_ID": Ref("company")}}),
            "read": ("crm.contact.get", {"id": Ref("contact")}),
        }
    )
    assert outcomes["read"].value["COMPANY_ID"] == str(outcomes["company"].value)


async def test_halt_reports_what_did_not_run(client: Any) -> None:
    calls = [("crm.deal.get", {"id": 404})] + [("crm.lead.add", {"fields": {"TITLE": "x"}})] * 60
    outcomes = await client.batch(calls, halt=True)
    assert isinstance(outcomes[0].error, errors.NotFoundError)
    assert all(isinstance(o.error, NotRunError) and not o.ran for o in outcomes[1:])
    assert len(outcomes) == 61


async def test_a_failed_chunk_gives_each_of_its_calls_the_error(client: Any, emu: Emulator) -> None:
    from bitrix24_toolkit.testing.emulator.faults import FaultRule, Faults

    emu.faults = Faults(seed=2, rules=[FaultRule("batch", timeout=1.0)])
    outcomes = await client.batch([("crm.lead.add", {"fields": {"TITLE": "x"}})] * 3)
    assert all(isinstance(o.error, errors.OutcomeUnknownError) for o in outcomes)  # writes: never repeated
    assert emu.stats.calls["batch"] == 1


def test_references_may_not_cross_chunks_or_point_forward() -> None:
    calls = {f"c{i}": Call("crm.lead.add", {"fields": {"TITLE": str(i)}}) for i in range(60)}
    crossing = dict(calls, late=Call("crm.lead.get", {"id": Ref("c0")}))
    with pytest.raises(errors.InvalidInputError, match="another chunk of 50"):
        plan_batch(Batch(crossing))
    with pytest.raises(errors.InvalidInputError, match="a later call"):
        plan_batch(Batch({"a": Call("crm.lead.get", {"id": Ref("b")}), "b": Call("crm.lead.add", {})}))
    with pytest.raises(errors.InvalidInputError, match="unknown call"):
        plan_batch(Batch({"a": Call("crm.lead.get", {"id": "$result[nope][ID]"})}))
    with pytest.raises(errors.InvalidInputError, match="another batch"):
        plan_batch(Batch([Call("batch", {})]))[0].call()
    with pytest.raises(errors.InvalidInputError, match="Call or a"):
        Batch.of([42])  # type: ignore[list-item]


def test_parser_survives_every_shape_of_the_reference() -> None:
    chunk = BatchChunk(
        [
            ("lead", Call("crm.lead.get", {"id": 5})),
            ("deals", Call("crm.deal.list", {})),
            ("user", Call("user.get", {})),
            ("late", Call("crm.lead.add", {})),
        ]
    )
    answer = {
        "result": {"lead": {"ID": "5"}, "deals": [{"ID": "410"}]},
        "result_error": {"user": {"error": "insufficient_scope", "error_description": ""}},
        "result_total": {"deals": 1},
        "result_next": [],
        "result_time": [],
    }
    outcomes = chunk.parse(APIResponse(result=answer))
    assert outcomes["lead"].value == {"ID": "5"}
    assert outcomes["deals"].value == [{"ID": "410"}]
    assert isinstance(outcomes["user"].error, errors.PermissionDeniedError)
    # halt=0 lists every command: one missing from both maps is a malformed answer, not "not run"; for a
    # write that means its outcome is unknown (never "not run", which would invite a repeat)
    late = outcomes["late"].error
    assert isinstance(late, errors.OutcomeUnknownError)
    assert isinstance(late.__cause__, errors.ResponseFormatError)
    halting = BatchChunk(chunk.calls, halt=True).parse(APIResponse(result=answer))
    assert isinstance(halting["late"].error, NotRunError)  # halt=1 stopped the chain at "user"
    empty = chunk.parse(APIResponse(result={"result": [], "result_error": [], "result_total": []}))
    for outcome in empty.values():  # reads: a format error; writes: unknown outcome caused by it
        error = outcome.error
        cause = error.__cause__ if isinstance(error, errors.OutcomeUnknownError) else error
        assert isinstance(cause, errors.ResponseFormatError), outcome
    listed = BatchChunk([("0", Call("crm.lead.get", {"id": 1}))])
    assert listed.parse(APIResponse(result={"result": [{"ID": "1"}]}))["0"].value == {"ID": "1"}
