"""``b24 list`` and ``b24 call`` refuse a typo'd filter/select/order name (exit 2) before the list is sent."""

from __future__ import annotations

import pytest

from .conftest import Invoke, assert_clean_failure


@pytest.mark.parametrize(
    ("args", "nearest"),
    [
        (("list", "deal", "--filter", "STAGE=WON"), "STAGE_ID"),
        (("list", "deal", "--select", "ID,TITEL"), "TITLE"),
        (("list", "deal", "--order", "DATE_CREAT:desc"), "DATE_CREATE"),
        (("list", "lead", "-f", ">=OPORTUNITY=100"), "OPPORTUNITY"),
        (("list", "crm.status.list", "-f", "ENTITY=STATUS"), "ENTITY_ID"),
        (("call", "crm.deal.list", "filter[STAGE]=WON"), "STAGE_ID"),
        (("call", "crm.item.list", "entityTypeId=2", "select[]=titel"), "title"),
    ],
)
def test_a_typo_exits_2_naming_the_nearest_field(b24: Invoke, args: tuple[str, ...], nearest: str) -> None:
    run = b24(*args)
    assert_clean_failure(run, 2)
    assert "unknown" in run.stderr
    assert nearest in run.stderr
    assert run.stdout == ""  # no rows: the list was never sent


def test_valid_names_and_other_methods_still_run(b24: Invoke) -> None:
    won = b24("list", "deal", "--filter", "STAGE_ID=WON", "--select", "ID,STAGE_ID", "--format", "csv")
    assert won.code == 0, won.text
    rows = won.stdout.strip().splitlines()[1:]
    assert rows
    assert all(row.endswith(",WON") for row in rows)
    current = b24("call", "user.current")
    assert current.code == 0, current.text
