"""The shape comparer itself: each spec kind refuses what it must (a check that cannot fail is a defect)."""

from __future__ import annotations

from .shapes import DATETIME, INT, INTSTR, STR, YN, ListOf, Obj, OneOf, Opt, diff


def test_tokens_refuse_the_wrong_type() -> None:
    assert diff("12", INTSTR) == []
    assert diff(12, INTSTR)
    assert diff("1.5", INTSTR)
    assert diff(True, INT)
    assert diff("2024-04-24T10:00:00+03:00", DATETIME) == []
    assert diff("2024-04-24 10:00:00", DATETIME)
    assert diff("Y", YN) == []
    assert diff("y", YN)


def test_objects_report_missing_and_undocumented_keys() -> None:
    spec = Obj({"ID": INTSTR, "TITLE": STR})
    assert diff({"ID": "1", "TITLE": "x"}, spec) == []
    problems = diff({"ID": 1, "EXTRA": 0}, spec)
    assert "result.ID: expected intstr, got 1" in problems
    assert "result.TITLE: missing" in problems
    assert "result: undocumented keys ['EXTRA']" in problems
    assert diff({"ID": "1", "TITLE": "x", "MORE": 1}, Obj({"ID": INTSTR}, exact=False)) == []
    assert diff({}, Obj({"ID": INTSTR}, optional=frozenset({"ID"}))) == []


def test_lists_optionals_alternatives_and_literals() -> None:
    assert diff([], ListOf(INT, min_len=1))
    assert diff([1, "2"], ListOf(INT)) == ["result[1]: expected int, got '2'"]
    assert diff(None, Opt(INT)) == []
    assert diff("x", Opt(INT))
    assert diff(0, OneOf(0, None)) == []
    assert diff(1, OneOf(0, None))
    assert diff(0, False)
    assert diff(False, 0)


def test_served_emulator_answers_over_http(portal) -> None:  # type: ignore[no-untyped-def]
    answer = portal.call("server.time")
    assert answer.status == 200
    assert isinstance(answer.result, str)
