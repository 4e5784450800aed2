"""What the second adversarial round on issue 21 shares: a client whose N-th HTTP request "kills" the run
(a BaseException no retry catches, raised before the portal sees the request) or runs a hook first
(changes on the portal between two requests), the rerun scenario (changes, deletions, drift), and the
whole database compared with the portal (entities field by field, child tables, includes, duplicates)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from bitrix24_toolkit import Bitrix24
from bitrix24_toolkit.testing import Emulator
from tests.helpers.export import _drift_support
from tests.helpers.export._drift_support import assert_db_equals_portal, ok, uf_add

from ._issue21_support import db_rows

__all__ = [
    "Killed",
    "Wire",
    "assert_database_equals_portal",
    "portal_stage_history_ids",
    "rerun_changes",
]

ENTITIES = ("deal", "lead", "contact", "company", "activity")


class Killed(BaseException):  # a kill, not an error: nothing may catch it
    """The process died here (no retry, no handler catches a BaseException)."""


class Wire:
    """An httpx transport into the emulator that counts requests; ``kill_at`` raises :class:`Killed`
    instead of sending that request, ``hooks[n]`` runs just before request ``n`` is answered."""

    def __init__(self, emu: Emulator, kill_at: int | None = None) -> None:
        self.emu = emu
        self.kill_at = kill_at
        self.requests = 0
        self.hooks: dict[int, Callable[[], None]] = {}
        self.methods: list[str] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        if self.kill_at is not None and self.requests == self.kill_at:
            raise Killed(f"killed at request {self.requests}")
        hook = self.hooks.get(self.requests)
        if hook is not None:
            hook()
        self.methods.append(request.url.path.rsplit("/", 1)[-1])
        return self.emu.handle(request)

    def client(self) -> Bitrix24:
        return Bitrix24(self.emu.webhook_url, transport=httpx.MockTransport(self.handle), limits="off")


def _ids(emu: Emulator, entity: str) -> list[int]:
    out: list[int] = []
    start: int | None = 0
    while start is not None:
        status, payload = emu.call(
            f"crm.{entity}.list", {"select": ["ID"], "order": {"ID": "ASC"}, "start": start}
        )
        assert status == 200, payload
        out += [int(r["ID"]) for r in payload["result"]]
        start = payload.get("next")
    return out


def rerun_changes(emu: Emulator) -> None:
    """An hour on: 5 deals and 3 leads changed, 2 deals and a contact deleted, a company deleted that
    deals link to, 3 deals added (one linked to a company), a new custom deal field with values."""
    emu.advance(3600)
    deals = _ids(emu, "deal")
    uf_add(emu, "ROUND2", "string")
    for n, deal in enumerate(deals[:5]):
        ok(
            emu.call(
                "crm.deal.update",
                {
                    "id": deal,
                    "fields": {"TITLE": f"changed {n}", "OPPORTUNITY": 1000 + n, "UF_CRM_ROUND2": "v"},
                },
            )
        )
    for lead in _ids(emu, "lead")[:3]:
        ok(emu.call("crm.lead.update", {"id": lead, "fields": {"TITLE": "lead changed"}}))
    ok(emu.call("crm.deal.delete", {"id": deals[7]}))
    ok(emu.call("crm.deal.delete", {"id": deals[-1]}))
    linked = [
        int(r["COMPANY_ID"])
        for r in ok(emu.call("crm.deal.list", {"select": ["ID", "COMPANY_ID"], "filter": {">COMPANY_ID": 0}}))
    ]
    assert linked, "the demo has deals linked to companies"
    ok(emu.call("crm.company.delete", {"id": linked[0]}))
    ok(emu.call("crm.contact.delete", {"id": _ids(emu, "contact")[3]}))
    companies = _ids(emu, "company")
    for n in range(3):
        ok(emu.call("crm.deal.add", {"fields": {"TITLE": f"added {n}", "COMPANY_ID": companies[n]}}))


def portal_stage_history_ids(emu: Emulator, type_id: int) -> set[int]:
    out: set[int] = set()
    after = 0
    while True:
        status, payload = emu.call(
            "crm.stagehistory.list",
            {"entityTypeId": type_id, "filter": {">ID": after}, "order": {"ID": "ASC"}},
        )
        assert status == 200, payload
        items = payload["result"]["items"]
        if not items:
            return out
        out |= {int(i["ID"]) for i in items}
        after = max(int(i["ID"]) for i in items)


def _no_duplicates(target: str) -> None:
    for table, key in (
        ("deal", "id"),
        ("lead", "id"),
        ("contact", "id"),
        ("company", "id"),
        ("activity", "id"),
        ("product_row", "id"),
        ("stage_history", "entity_type_id, id"),
    ):
        count, distinct = db_rows(
            target,
            f"SELECT COUNT(*), (SELECT COUNT(*) FROM (SELECT DISTINCT {key} FROM {table}) d) FROM {table}",
        )[0]
        assert count == distinct, table


def _portal_product_rows(emu: Emulator) -> set[tuple[int, int]]:
    out: set[tuple[int, int]] = set()
    for deal in _ids(emu, "deal"):
        for row in ok(emu.call("crm.deal.productrows.get", {"id": deal})):
            out.add((deal, int(row["ID"])))
    return out


def _expected(code: str, kind: str, value: Any) -> Any:
    """The drift tests' reading of the type table, with the activity codes (``crm_enum_*``: BIGINT)."""
    return _real_expected(code, "integer" if kind.startswith("crm_enum_") else kind, value)


_real_expected = _drift_support._expected


def entity_equals_portal(emu: Emulator, target: str, entity: str) -> None:
    """:func:`assert_db_equals_portal` with the activity codes read as BIGINT, as the type table says."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_drift_support, "_expected", _expected)
        assert_db_equals_portal(emu, target, entity)


def assert_database_equals_portal(emu: Emulator, target: str, *, includes: bool = True) -> None:
    """Every entity table (column by column, multifields, multiple values) equals the portal; with the
    includes, the stage history ids, the deals' product rows, nothing doubled, every pass done."""
    assert db_rows(target, "SELECT entity, phase FROM _sync WHERE phase <> 'done'") == []
    for entity in ENTITIES if includes else ("deal",):
        if entity == "activity":  # its multiple values are objects (JSON text): compared by id and subject
            stored = dict(db_rows(target, "SELECT id, subject FROM activity"))
            portal = {
                int(r["ID"]): r["SUBJECT"] or None for r in _drift_support._portal_rows(emu, entity, {})
            }
            assert stored == portal
            continue
        entity_equals_portal(emu, target, entity)
    if not includes:
        return
    _no_duplicates(target)
    for type_id in (1, 2):
        stored = {
            int(r[0])
            for r in db_rows(target, f"SELECT id FROM stage_history WHERE entity_type_id = {type_id}")
        }
        portal = portal_stage_history_ids(emu, type_id)
        assert portal <= stored, (type_id, sorted(portal - stored)[:10])
    stored_products = {
        (int(a), int(b))
        for a, b in db_rows(target, "SELECT owner_id, id FROM product_row WHERE owner_type = 'D'")
    }
    assert stored_products == _portal_product_rows(emu)
    assert db_rows(target, "SELECT COUNT(*) FROM _product_queue") == [(0,)]
    assert db_rows(target, "SELECT COUNT(*) FROM _reread") == [(0,)]
