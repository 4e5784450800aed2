"""``list_all()``/``iter_all()`` read their pages' bytes straight into models, with the usual path's rows."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.harness import served
from benchmarks.tasks import TASKS
from bitrix24_toolkit import Bitrix24
from bitrix24_toolkit.models.crm import Deal
from bitrix24_toolkit.protocol import typed_pages


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How many answers the decoder read from bytes (``read``) and declined (``declined``)."""
    counts = {"read": 0, "declined": 0}
    for name in ("page", "batch"):
        original = getattr(typed_pages.PageDecoder, name)

        def counted(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            answer = _original(self, *args, **kwargs)
            counts["read" if answer is not None else "declined"] += 1
            return answer

        monkeypatch.setattr(typed_pages.PageDecoder, name, counted)
    return counts


def test_typed_reads_come_from_bytes_and_equal_the_raw_rows_parsed(reads: dict[str, int]) -> None:
    task = TASKS["f"].scaled(0.1)  # 2,000 deals on the independent fake portal
    with served(task, cost=False) as srv, Bitrix24(srv.url) as b24:
        typed = b24.crm.deal.list_all()
        assert reads["read"] > 0
        assert reads["declined"] == 0
        raw = b24.crm.deal.list_all(raw=True)
        ordered = list(b24.crm.deal.iter_all(order={"TITLE": "DESC"}, limit=120))
    assert [d.model_dump() for d in typed] == [Deal.model_validate(r).model_dump() for r in raw]
    assert [d.model_extra for d in typed] == [Deal.model_validate(r).model_extra for r in raw]
    assert len(typed) == task.deals
    assert len(ordered) == 120
