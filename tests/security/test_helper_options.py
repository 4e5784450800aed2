"""Helper options of the wrong type are typed errors before any request (issue 16, class 10)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bitrix24_toolkit import helpers
from bitrix24_toolkit.errors import InvalidInputError
from bitrix24_toolkit.testing import Emulator

CASES: list[tuple[str, Callable[[Any], Any], str]] = [
    ("bool as text", lambda b24: helpers.convert_leads(b24, ids=[1], close_lead="no"), "close_lead"),
    ("int as text", lambda b24: helpers.funnel_snapshot(b24, category_id="5"), "category_id"),
    ("id as float", lambda b24: helpers.holding_tree(b24, 1.5), "root"),
    ("literal", lambda b24: helpers.import_leads(b24, [{"NAME": "x"}], dedupe=1), "dedupe"),
    ("mapping", lambda b24: helpers.convert_leads(b24, ["STATUS_ID", "NEW"]), "filter"),
    ("bool as int", lambda b24: helpers.convert_lead(b24, 1, dedupe=0), "dedupe"),
]


@pytest.mark.parametrize(("label", "call", "field"), CASES, ids=[c[0] for c in CASES])
def test_wrong_option_types_are_refused_with_nothing_sent(
    label: str, call: Callable[[Any], Any], field: str
) -> None:
    emu = Emulator(limits="off")
    with emu.client() as b24:
        with pytest.raises(InvalidInputError) as caught:
            call(b24)
    assert caught.value.field == field
    assert emu.stats.requests == 0


def test_every_helper_checks_its_simple_options() -> None:
    checked = {
        name: sorted(obj._options._build()[1])
        for name in helpers.__all__
        if isinstance(obj := getattr(helpers, name), helpers.Helper)
    }
    assert len([name for name, options in checked.items() if options]) >= 30, checked
    assert "dedupe" in checked["convert_leads"]
