"""One client per portal: a helper run on one portal never decides what another portal accepts.

A multi-tenant user runs the same public helper against two portals, A without the custom field
``UF_CRM_VAT`` and B with it. Field safety (docs/models.md, "Writes") reads ``crm.<kind>.fields`` once per
CLIENT and refuses unknown keys before the write is sent; ``check_fields=False`` turns it off. So, for every
helper that writes caller-supplied fields, whichever portal goes first:

- B accepts the custom field and stores it (read back on portal B directly);
- A refuses it with ``InvalidInputError`` naming the field, and nothing is written on A;
- A's client built with ``check_fields=False`` sends the write (portal A ignores the unknown key);
- nothing done on A changes portal B.

Every test runs with both clients (``make_client``: sync ``Bitrix24`` wrapped to be awaitable, and
``AsyncBitrix24``), and each helper is called the public way, ``helper(client, ...)``.

Covered (writes with caller-supplied field names):

- ``ensure_my_company``: ``company_fields`` (company custom field) and custom keys of the requisite;
- ``add_requisite``, ``upsert_requisite`` (new requisite and update of an existing one),
  ``import_requisites``: custom requisite fields;
- ``import_leads``: a custom field by ``mapping``, by ``defaults`` and by column name (auto mapping);
- ``convert_lead`` / ``convert_leads``: ``field_map`` targets on the deal, ``contact.`` and ``company.``;
- ``set_parent`` / ``clear_parent`` (a custom parent field, ``field=``) and ``ensure_parent_field`` (a field
  added through the client is usable at once; a field deleted through the client is refused at once);
- ``ensure_pipeline`` and ``set_deal_products``: they take no caller-chosen field names (stages are
  name/id/color/semantics, product lines have a fixed set of keys), so there is no custom field to refuse;
  they are covered for the other half of the defect: what one portal has (funnels, catalog products) never
  leaks into the run on the other portal.

Excluded, and why:

- ``plan_activity``, ``add_comment``, ``complete_activity``: fixed parameters (title, deadline, text ...),
  no caller-supplied field keys;
- ``link_requisites``: writes ids only (``crm.requisite.link.register``);
- ``register_robot``, ``register_activity``, ``sync_subscriptions``, ``reply``, ``log_progress``: bizproc and
  event methods of an application (OAuth) context, no CRM fields;
- every reading helper (``company_details``, ``holding_tree``, ``funnel_*``, ``history`` ...) and the pure
  functions (``validate_*``, ``build_tree``, ``render_tree``, ``parse_parent`` ...): they write nothing.
"""

from __future__ import annotations

import inspect
import itertools
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from bitrix24_toolkit import InvalidInputError
from bitrix24_toolkit.helpers import (
    DealProductsError,
    HoldingFieldError,
    add_requisite,
    clear_parent,
    convert_lead,
    convert_leads,
    ensure_my_company,
    ensure_parent_field,
    ensure_pipeline,
    import_leads,
    import_requisites,
    set_deal_products,
    set_parent,
    upsert_requisite,
)
from bitrix24_toolkit.testing import Emulator

from ..conftest import AwaitableClient, Factory

FIELD = "UF_CRM_VAT"  # what the portal names the field created as FIELD_NAME "VAT"
VALUE = "20"
ORDERS = ("A-then-B", "B-then-A")

#: methods that change data on a portal (batch sub-calls are counted one by one in ``Emulator.stats``)
_WRITE = re.compile(r"\.(add|update|delete|set|register|send)$")

#: a valid organisation INN (docs/requisites.md); KPPs vary per run so every run is a new requisite
INN = "7736050003"


# ------------------------------------------------------------------------------------------------ support
async def call(helper: Any, client: Any, *args: Any, **kwargs: Any) -> Any:
    """Call a public helper the documented way: the value with Bitrix24, an awaitable with AsyncBitrix24."""
    if isinstance(client, AwaitableClient):
        value = helper(client.inner, *args, **kwargs)
        assert not inspect.isawaitable(value), "Bitrix24 must get the value, not an awaitable"
        return value
    pending = helper(client, *args, **kwargs)
    assert inspect.isawaitable(pending), "AsyncBitrix24 must get an awaitable"
    return await pending


def portal(name: str, *custom_kinds: str) -> Emulator:
    """A fresh portal; ``custom_kinds`` get the string field UF_CRM_VAT, added directly on the portal."""
    emu = Emulator(limits="off", domain=f"{name}.bitrix24.test")
    for kind in custom_kinds:
        status, payload = emu.call(
            f"crm.{kind}.userfield.add", {"fields": {"FIELD_NAME": "VAT", "USER_TYPE_ID": "string"}}
        )
        assert status == 200, payload
    return emu


def client_of(make_client: Factory, emu: Emulator, **options: Any) -> Any:
    return make_client(emu.webhook_url, transport=emu.transport(), **options)


def ok(emu: Emulator, method: str, params: dict[str, Any] | None = None) -> Any:
    """The ``result`` of a direct call on the portal (asserting it succeeded)."""
    status, payload = emu.call(method, params or {})
    assert status == 200, (method, params, payload)
    return payload["result"]


def rows(emu: Emulator, kind: str) -> list[dict[str, Any]]:
    """Every record of a CRM kind with its custom fields (small portals: one page)."""
    return list(ok(emu, f"crm.{kind}.list", {"select": ["*", "UF_*"], "order": {"ID": "ASC"}}))


def record(emu: Emulator, kind: str, record_id: Any) -> dict[str, Any]:
    """One record by id; fails when it does not exist."""
    assert record_id, f"no {kind} id"
    return dict(ok(emu, f"crm.{kind}.get", {"id": record_id}))


def writes(emu: Emulator) -> list[str]:
    """The writing methods the portal executed since the last ``reset_stats``."""
    return sorted(method for method in emu.stats.calls if _WRITE.search(method))


def kpp(n: int) -> str:
    return f"7736010{n:02d}"


def requisite_fields(n: int, custom: bool) -> dict[str, Any]:
    fields: dict[str, Any] = {"RQ_COMPANY_NAME": f"ООО «Ромашка {n}»", "RQ_INN": INN, "RQ_KPP": kpp(n)}
    if custom:
        fields[FIELD] = VALUE
    return fields


def seed_client_company(emu: Emulator) -> None:
    assert ok(emu, "crm.company.add", {"fields": {"TITLE": "Клиент"}}) == 1


def seed_client_requisite(emu: Emulator) -> None:
    seed_client_company(emu)
    ok(emu, "crm.requisite.add", {"fields": {
        "ENTITY_TYPE_ID": 4, "ENTITY_ID": 1, "PRESET_ID": 1, "NAME": "Организация",
        "RQ_INN": INN, "RQ_KPP": kpp(0), "RQ_DIRECTOR": "Иванов И. И.",
    }})  # fmt: skip


def no_seed(emu: Emulator) -> None:
    return None


def run_number(emu: Emulator, n: int) -> Any:
    return n


# ---------------------------------------------------------------------------------- the generic scenario
@dataclass(frozen=True)
class Case:
    """One helper's write with and without the custom field.

    ``prepare(emu, n)`` sets up run ``n`` directly on the portal (not counted) and returns what ``write``
    needs; ``write(client, ctx, custom)`` runs the helper; ``stored(emu, result)`` reads the written
    record back (failing when it does not exist) and returns its UF_CRM_VAT; ``snapshot(emu)`` is the
    state that must not change when a write is refused.
    """

    kinds: tuple[str, ...]  # the kinds that have UF_CRM_VAT on portal B
    seed: Callable[[Emulator], None]  # the same data on both portals
    prepare: Callable[[Emulator, int], Any]
    write: Callable[[Any, Any, bool], Awaitable[Any]]
    stored: Callable[[Emulator, Any], Any]
    snapshot: Callable[[Emulator], Any]
    #: whether check_fields=False on the client lets the write through (False: the helper's own,
    #: documented check refuses it whatever the client's setting)
    unchecked_sends: bool = True


# --- ensure_my_company
async def _my_company_fields(client: Any, n: int, custom: bool) -> Any:
    return await call(
        ensure_my_company, client, f"Моя компания {n}", requisite_fields(n, False),
        company_fields={FIELD: VALUE} if custom else None,
    )  # fmt: skip


async def _my_company_requisite(client: Any, n: int, custom: bool) -> Any:
    return await call(ensure_my_company, client, f"Моя компания {n}", requisite_fields(n, custom))


def _companies_and_requisites(emu: Emulator) -> Any:
    return rows(emu, "company"), rows(emu, "requisite")


def _company_value(emu: Emulator, result: Any) -> Any:
    assert result.created
    return record(emu, "company", result.company_id).get(FIELD)


def _my_requisite_value(emu: Emulator, result: Any) -> Any:
    assert record(emu, "company", result.company_id)["IS_MY_COMPANY"] == "Y"
    return record(emu, "requisite", result.requisite.requisite_id).get(FIELD)


# --- requisites
async def _add_requisite(client: Any, n: int, custom: bool) -> Any:
    return await call(add_requisite, client, "company", 1, requisite_fields(n, custom))


async def _upsert_new(client: Any, n: int, custom: bool) -> Any:
    return await call(upsert_requisite, client, "company", 1, requisite_fields(n, custom))


async def _upsert_existing(client: Any, n: int, custom: bool) -> Any:
    fields: dict[str, Any] = {"RQ_INN": INN, "RQ_KPP": kpp(0), "RQ_DIRECTOR": f"Директор {n}"}
    if custom:
        fields[FIELD] = VALUE
    saved = await call(upsert_requisite, client, "company", 1, fields)
    assert (saved.created, saved.changed) == (False, True)
    return saved


async def _import_requisites(client: Any, n: int, custom: bool) -> Any:
    data = [{"preset": {"country_id": 1, "kind": "organisation"}, "fields": requisite_fields(n, custom)}]
    saved = await call(import_requisites, client, "company", 1, data)
    assert len(saved) == 1
    return saved[0]


def _requisite_value(emu: Emulator, saved: Any) -> Any:
    row = record(emu, "requisite", saved.requisite_id)
    assert (row["ENTITY_TYPE_ID"], row["ENTITY_ID"]) == ("4", "1")
    return row.get(FIELD)


def _requisites(emu: Emulator) -> Any:
    return rows(emu, "requisite")


# --- import_leads
async def _import_by_mapping(client: Any, n: int, custom: bool) -> Any:
    mapping = {"Имя": "NAME", "НДС": FIELD if custom else None}
    return await call(import_leads, client, [{"Имя": f"Лид {n}", "НДС": VALUE}], mapping=mapping)


async def _import_by_defaults(client: Any, n: int, custom: bool) -> Any:
    defaults = {FIELD: VALUE} if custom else None
    return await call(import_leads, client, [{"Имя": f"Лид {n}"}], mapping={"Имя": "NAME"}, defaults=defaults)


def _imported_value(emu: Emulator, report: Any) -> Any:
    assert report.counts.get("created") == 1, report.summary()
    return record(emu, "lead", report.created[0].lead_id).get(FIELD)


def _leads(emu: Emulator) -> Any:
    return rows(emu, "lead")


# --- convert_lead / convert_leads
def _new_lead(emu: Emulator, n: int) -> int:
    return int(
        ok(emu, "crm.lead.add", {"fields": {"TITLE": f"Заявка {n}", "NAME": f"Клиент {n}", "POST": VALUE}})
    )


def _new_company_lead(emu: Emulator, n: int) -> int:
    return int(ok(emu, "crm.lead.add", {"fields": {
        "TITLE": f"Заявка {n}", "NAME": f"Клиент {n}", "COMPANY_TITLE": f"ООО Клиент {n}", "POST": VALUE,
    }}))  # fmt: skip


def _converter(target: str) -> Callable[[Any, Any, bool], Awaitable[Any]]:
    async def write(client: Any, lead_id: int, custom: bool) -> Any:
        field_map = {"POST": target} if custom else None
        return await call(convert_lead, client, lead_id, field_map=field_map)

    return write


async def _convert_many(client: Any, lead_id: int, custom: bool) -> Any:
    field_map = {"POST": FIELD} if custom else None
    report = await call(convert_leads, client, ids=[lead_id], field_map=field_map)
    [lead] = report.leads
    if lead.status == "failed" and isinstance(lead.error, InvalidInputError):
        raise lead.error  # a refusal reported per lead counts as a refusal (nothing written)
    assert lead.status == "converted", (lead.status, lead.error)
    return lead.result


def _converted_value(kind: str) -> Callable[[Emulator, Any], Any]:
    def stored(emu: Emulator, result: Any) -> Any:
        made = getattr(result, kind)
        assert made is not None, result
        assert made.created, result
        row = record(emu, kind, made.id)
        assert row["LEAD_ID"] == str(result.lead_id)
        return row.get(FIELD)

    return stored


def _conversion_state(emu: Emulator) -> Any:
    leads = [(lead["ID"], lead["STATUS_ID"]) for lead in rows(emu, "lead")]
    return leads, rows(emu, "deal"), rows(emu, "contact"), rows(emu, "company")


CASES = [
    pytest.param(
        Case(("company",), no_seed, run_number, _my_company_fields, _company_value,
             _companies_and_requisites),
        id="ensure_my_company-company_fields",
    ),
    pytest.param(
        Case(("requisite",), no_seed, run_number, _my_company_requisite, _my_requisite_value,
             _companies_and_requisites),
        id="ensure_my_company-requisite",
    ),
    pytest.param(
        Case(("requisite",), seed_client_company, run_number, _add_requisite, _requisite_value, _requisites),
        id="add_requisite",
    ),
    pytest.param(
        Case(("requisite",), seed_client_company, run_number, _upsert_new, _requisite_value, _requisites),
        id="upsert_requisite-new",
    ),
    pytest.param(
        Case(("requisite",), seed_client_requisite, run_number, _upsert_existing, _requisite_value,
             _requisites),
        id="upsert_requisite-existing",
    ),
    pytest.param(
        Case(("requisite",), seed_client_company, run_number, _import_requisites, _requisite_value,
             _requisites),
        id="import_requisites",
    ),
    # import_leads checks its mapping and defaults itself against crm.lead.fields (docs/lead-import.md:
    # "A mapping to a field the portal does not have ... raises InvalidInputError before any write"),
    # whatever the client's check_fields: that documented check is what the last step asserts here.
    pytest.param(
        Case(("lead",), no_seed, run_number, _import_by_mapping, _imported_value, _leads,
             unchecked_sends=False),
        id="import_leads-mapping",
    ),
    pytest.param(
        Case(("lead",), no_seed, run_number, _import_by_defaults, _imported_value, _leads,
             unchecked_sends=False),
        id="import_leads-defaults",
    ),
    pytest.param(
        Case(("deal",), no_seed, _new_lead, _converter(FIELD), _converted_value("deal"), _conversion_state),
        id="convert_lead-deal",
    ),
    pytest.param(
        Case(("contact",), no_seed, _new_lead, _converter(f"contact.{FIELD}"), _converted_value("contact"),
             _conversion_state),
        id="convert_lead-contact",
    ),
    pytest.param(
        Case(("company",), no_seed, _new_company_lead, _converter(f"company.{FIELD}"),
             _converted_value("company"), _conversion_state),
        id="convert_lead-company",
    ),
    pytest.param(
        Case(("deal",), no_seed, _new_lead, _convert_many, _converted_value("deal"), _conversion_state),
        id="convert_leads-deal",
    ),
]  # fmt: skip


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("case", CASES)
async def test_custom_field_is_judged_by_each_portal(case: Case, order: str, make_client: Factory) -> None:
    emu_a, emu_b = portal("a"), portal("b", *case.kinds)
    case.seed(emu_a)
    case.seed(emu_b)
    a, b = client_of(make_client, emu_a), client_of(make_client, emu_b)
    runs = itertools.count(1)

    async def plain_on_a() -> None:  # fills A's field knowledge (A has no UF_CRM_VAT)
        ctx = case.prepare(emu_a, next(runs))
        before = case.snapshot(emu_a)
        result = await case.write(a, ctx, False)
        assert case.snapshot(emu_a) != before, "the helper wrote nothing on A"
        assert case.stored(emu_a, result) is None

    async def custom_on_b() -> None:
        ctx = case.prepare(emu_b, next(runs))
        result = await case.write(b, ctx, True)
        assert case.stored(emu_b, result) == VALUE, "B's custom field was not stored on portal B"

    if order == "A-then-B":
        await plain_on_a()
        await custom_on_b()
    else:
        await custom_on_b()
        await plain_on_a()
    b_state = case.snapshot(emu_b)

    # A refuses the field it does not have, before anything is written on it
    ctx = case.prepare(emu_a, next(runs))
    before = case.snapshot(emu_a)
    emu_a.reset_stats()
    with pytest.raises(InvalidInputError) as refused:
        await case.write(a, ctx, True)
    assert FIELD in str(refused.value)
    assert writes(emu_a) == []
    assert case.snapshot(emu_a) == before

    # with check_fields=False the write is sent; portal A ignores the unknown key
    unchecked = client_of(make_client, emu_a, check_fields=False)
    ctx = case.prepare(emu_a, next(runs))
    before = case.snapshot(emu_a)
    if case.unchecked_sends:
        result = await case.write(unchecked, ctx, True)
        assert case.snapshot(emu_a) != before, "check_fields=False: nothing was written on A"
        assert case.stored(emu_a, result) is None
    else:
        emu_a.reset_stats()
        with pytest.raises(InvalidInputError, match=FIELD):
            await case.write(unchecked, ctx, True)
        assert writes(emu_a) == []
        assert case.snapshot(emu_a) == before

    assert case.snapshot(emu_b) == b_state, "work on portal A changed portal B"


# ------------------------------------------------------------------------ import_leads by column name
@pytest.mark.parametrize("order", ORDERS)
async def test_import_leads_takes_a_custom_column_only_where_the_field_exists(
    order: str, make_client: Factory
) -> None:
    # docs/lead-import.md: without a mapping, a column is taken when it is named like a writable lead
    # field (UF_CRM_...); on a portal without the field the column is left out (report.ignored_columns)
    emu_a, emu_b = portal("a"), portal("b", "lead")
    a, b = client_of(make_client, emu_a), client_of(make_client, emu_b)
    source = [{"Имя": "Анна", FIELD: VALUE}]

    async def on(emu: Emulator, client: Any) -> Any:
        report = await call(import_leads, client, source)
        assert report.counts.get("created") == 1, report.summary()
        return report, record(emu, "lead", report.created[0].lead_id)

    if order == "A-then-B":
        (report_a, lead_a), (report_b, lead_b) = await on(emu_a, a), await on(emu_b, b)
    else:
        (report_b, lead_b), (report_a, lead_a) = await on(emu_b, b), await on(emu_a, a)
    assert report_b.mapping.get(FIELD) == FIELD
    assert FIELD not in report_b.ignored_columns
    assert lead_b[FIELD] == VALUE
    assert FIELD not in report_a.mapping
    assert FIELD in report_a.ignored_columns
    assert lead_a["NAME"] == "Анна"
    assert lead_a.get(FIELD) is None


# --------------------------------------------------------------------------- holding: custom parent field
GROUP_HEAD = "UF_CRM_GROUP_HEAD"


@pytest.mark.parametrize("order", ORDERS)
async def test_set_parent_with_a_custom_field_of_one_portal(order: str, make_client: Factory) -> None:
    emu_a, emu_b = portal("a"), portal("b")
    ok(emu_b, "crm.company.userfield.add", {"fields": {
        "FIELD_NAME": "GROUP_HEAD", "USER_TYPE_ID": "crm",
        "SETTINGS": {"LEAD": "N", "CONTACT": "N", "COMPANY": "Y", "DEAL": "N"},
    }})  # fmt: skip
    for emu in (emu_a, emu_b):
        for title in ("Head", "Branch", "Shop"):
            ok(emu, "crm.company.add", {"fields": {"TITLE": title}})
    a, b = client_of(make_client, emu_a), client_of(make_client, emu_b)

    async def on_a() -> None:  # A links with the standard field, created through A's client
        assert await call(ensure_parent_field, a) == "UF_CRM_HOLDING_PARENT"
        assert await call(set_parent, a, 2, 1) is True
        assert record(emu_a, "company", 2)["UF_CRM_HOLDING_PARENT"] == "1"

    async def on_b() -> None:
        assert await call(set_parent, b, 2, 1, field=GROUP_HEAD) is True
        assert await call(set_parent, b, 3, 2, field="GROUP_HEAD") is True  # the short code works too
        assert record(emu_b, "company", 2)[GROUP_HEAD] == "1"
        assert record(emu_b, "company", 3)[GROUP_HEAD] == "2"

    if order == "A-then-B":
        await on_a()
        await on_b()
    else:
        await on_b()
        await on_a()
    assert "UF_CRM_HOLDING_PARENT" not in record(emu_b, "company", 2)  # A's field never reached B

    # on A the custom field does not exist: the helper's own documented check (HoldingFieldError, "create
    # it with ensure_parent_field"), with or without the client's field safety; nothing is written
    unchecked = client_of(make_client, emu_a, check_fields=False)
    companies = rows(emu_a, "company")
    for client in (a, unchecked):
        emu_a.reset_stats()
        with pytest.raises(HoldingFieldError, match=GROUP_HEAD):
            await call(set_parent, client, 3, 2, field=GROUP_HEAD)
        with pytest.raises(HoldingFieldError, match=GROUP_HEAD):
            await call(clear_parent, client, 2, field=GROUP_HEAD)
        assert writes(emu_a) == []
    assert rows(emu_a, "company") == companies

    assert await call(clear_parent, b, 3, field=GROUP_HEAD) is True
    assert not record(emu_b, "company", 3)[GROUP_HEAD]
    assert record(emu_b, "company", 2)[GROUP_HEAD] == "1"
    assert record(emu_a, "company", 2)["UF_CRM_HOLDING_PARENT"] == "1"


# ------------------------------------------------------------- a client forgets its cache on field changes
@pytest.mark.parametrize("order", ORDERS)
async def test_field_added_through_the_client_is_writable_at_once(order: str, make_client: Factory) -> None:
    # ensure_parent_field creates UF_CRM_HOLDING_PARENT through B's client after B's company fields were
    # read (and cached) by ensure_my_company: the next company write with that field must be accepted on
    # B, while A (where no field was created) still refuses it
    emu_a, emu_b = portal("a"), portal("b")
    a, b = client_of(make_client, emu_a), client_of(make_client, emu_b)
    parent = "UF_CRM_HOLDING_PARENT"

    async def fill(client: Any) -> None:
        mine = await call(ensure_my_company, client, "Моя компания 0", requisite_fields(0, False))
        assert mine.created

    for client in (a, b) if order == "A-then-B" else (b, a):
        await fill(client)
    assert await call(ensure_parent_field, b) == parent
    head = ok(emu_b, "crm.company.add", {"fields": {"TITLE": "Head"}})

    mine = await call(
        ensure_my_company, b, "Моя компания 1", requisite_fields(1, False), company_fields={parent: str(head)}
    )
    assert record(emu_b, "company", mine.company_id)[parent] == str(head)

    companies = rows(emu_a, "company")
    emu_a.reset_stats()
    with pytest.raises(InvalidInputError, match=parent):
        await call(ensure_my_company, a, "Моя компания 1", requisite_fields(1, False),
                   company_fields={parent: "1"})  # fmt: skip
    assert writes(emu_a) == []
    assert rows(emu_a, "company") == companies


async def test_field_deleted_through_the_client_is_refused_at_once(make_client: Factory) -> None:
    emu = portal("b")
    b = client_of(make_client, emu)
    field_id = await b.call(
        "crm.company.userfield.add", {"fields": {"FIELD_NAME": "VAT", "USER_TYPE_ID": "string"}}
    )
    mine = await call(
        ensure_my_company, b, "Моя компания 1", requisite_fields(1, False), company_fields={FIELD: VALUE}
    )
    assert record(emu, "company", mine.company_id)[FIELD] == VALUE

    await b.call("crm.company.userfield.delete", {"id": field_id})
    companies = rows(emu, "company")
    emu.reset_stats()
    with pytest.raises(InvalidInputError, match=FIELD):
        await call(ensure_my_company, b, "Моя компания 2", requisite_fields(2, False),
                   company_fields={FIELD: VALUE})  # fmt: skip
    assert writes(emu) == []
    assert rows(emu, "company") == companies


# ------------------------------------------------------------ deals: what one portal has stays on it
STAGES: Sequence[Any] = [
    "Заявка",
    "Предоплата",
    {"name": "Тур оплачен", "semantics": "success"},
    {"name": "Отказ", "semantics": "failure"},
]


def _funnels(emu: Emulator) -> dict[str, int]:
    return {c["name"]: c["id"] for c in ok(emu, "crm.category.list", {"entityTypeId": 2})["categories"]}


def _stage_names(emu: Emulator, category: int) -> dict[str, str]:
    listed = ok(emu, "crm.status.list", {"filter": {"ENTITY_ID": f"DEAL_STAGE_{category}"}})
    return {s["STATUS_ID"]: s["NAME"] for s in listed}


@pytest.mark.parametrize("order", ORDERS)
async def test_ensure_pipeline_on_two_portals(order: str, make_client: Factory) -> None:
    # B already has another funnel, so the same name gets a different id on each portal
    emu_a, emu_b = portal("a"), portal("b")
    ok(emu_b, "crm.category.add", {"entityTypeId": 2, "fields": {"name": "Другая"}})
    clients = {"a": client_of(make_client, emu_a), "b": client_of(make_client, emu_b)}
    names = ("a", "b") if order == "A-then-B" else ("b", "a")

    other = _stage_names(emu_b, 1)
    made = {name: await call(ensure_pipeline, clients[name], "Групповые туры", STAGES) for name in names}
    assert _funnels(emu_a) == {"General": 0, "Групповые туры": 1}
    assert _funnels(emu_b) == {"General": 0, "Другая": 1, "Групповые туры": 2}
    assert made["a"].stage_ids == ["C1:NEW", "C1:PREDOPLATA", "C1:WON", "C1:LOSE"]
    assert made["b"].stage_ids == ["C2:NEW", "C2:PREDOPLATA", "C2:WON", "C2:LOSE"]
    for emu, category in ((emu_a, 1), (emu_b, 2)):
        stages = _stage_names(emu, category)
        assert [stages[s] for s in (f"C{category}:{x}" for x in ("NEW", "PREDOPLATA", "WON", "LOSE"))] == [
            "Заявка", "Предоплата", "Тур оплачен", "Отказ",
        ]  # fmt: skip
    assert _stage_names(emu_b, 1) == other  # B's other funnel (id 1, like A's new one) is untouched

    # a second run on each portal finds its own funnel and changes nothing
    for name in reversed(names):
        again = await call(ensure_pipeline, clients[name], "Групповые туры", STAGES)
        assert again.changed is False
        assert again.stage_ids == made[name].stage_ids
    assert _funnels(emu_a) == {"General": 0, "Групповые туры": 1}
    assert _funnels(emu_b) == {"General": 0, "Другая": 1, "Групповые туры": 2}


@pytest.mark.parametrize("order", ORDERS)
async def test_set_deal_products_on_two_portals(order: str, make_client: Factory) -> None:
    # the catalogs differ: "Тур" is product 1 at 100 on A, product 2 at 250 on B; "Страховка" is only on B
    emu_a, emu_b = portal("a"), portal("b")
    ok(emu_b, "crm.product.add", {"fields": {"NAME": "Страховка", "PRICE": 10, "CURRENCY_ID": "RUB"}})
    for emu, price in ((emu_a, 100), (emu_b, 250)):
        ok(emu, "crm.product.add", {"fields": {"NAME": "Тур", "PRICE": price, "CURRENCY_ID": "RUB"}})
        ok(emu, "crm.deal.add", {"fields": {"TITLE": "Сделка", "CURRENCY_ID": "RUB"}})
    clients = {"a": client_of(make_client, emu_a), "b": client_of(make_client, emu_b)}
    lines = {"a": [{"product": "Тур", "quantity": 2}],
             "b": [{"product": "Тур", "quantity": 2}, {"product": "Страховка", "quantity": 2}]}  # fmt: skip

    for name in ("a", "b") if order == "A-then-B" else ("b", "a"):
        await call(set_deal_products, clients[name], 1, lines[name])

    rows_a = ok(emu_a, "crm.deal.productrows.get", {"id": 1})
    rows_b = ok(emu_b, "crm.deal.productrows.get", {"id": 1})
    assert [(r["PRODUCT_ID"], float(r["PRICE"]), float(r["QUANTITY"])) for r in rows_a] == [(1, 100.0, 2.0)]
    assert [(r["PRODUCT_ID"], float(r["PRICE"]), float(r["QUANTITY"])) for r in rows_b] == [
        (2, 250.0, 2.0), (1, 10.0, 2.0),
    ]  # fmt: skip
    assert float(record(emu_a, "deal", 1)["OPPORTUNITY"]) == 200.0
    assert float(record(emu_b, "deal", 1)["OPPORTUNITY"]) == 520.0

    # a product that only B's catalog has is refused on A before anything is written
    emu_a.reset_stats()
    with pytest.raises(DealProductsError, match="Страховка"):
        await call(set_deal_products, clients["a"], 1, lines["b"])
    assert writes(emu_a) == []
    assert ok(emu_a, "crm.deal.productrows.get", {"id": 1}) == rows_a
