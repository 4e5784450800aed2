"""Field safety on reads: filter/select/order names are checked against the portal's fields before a list.

The portal ignores filter keys it does not know (crm-deal-list.md: "You can find the list of available fields
for filtering using the method crm.deal.fields"), so ``{"STAGE": "WON"}`` would match every deal. These tests
run against the demo portal (163 deals) and count what reached it (``emu.stats.calls``).
"""

from __future__ import annotations

import copy
import inspect
from typing import Any

import pytest

from bitrix24_toolkit import Bitrix24
from bitrix24_toolkit.errors import InvalidInputError, PermissionDeniedError
from bitrix24_toolkit.protocol.batch import Batch
from bitrix24_toolkit.services import CrmCalls
from bitrix24_toolkit.services.common import OPERATORS
from bitrix24_toolkit.testing import Emulator


@pytest.fixture
def demo(fresh_demo: Emulator) -> Emulator:
    return fresh_demo


@pytest.fixture
def b24(make_client: Any, demo: Emulator) -> Any:
    return make_client(demo.webhook_url, transport=demo.transport())


def list_calls(emu: Emulator) -> int:
    return sum(n for method, n in emu.stats.calls.items() if method.endswith(".list"))


def all_deals(emu: Emulator) -> int:
    return len(emu.state.table("deal"))


# ------------------------------------------------------------------------------------ typos refused
@pytest.mark.parametrize(
    ("kwargs", "part", "nearest"),
    [
        ({"filter": {"STAGE": "WON"}}, "filter", "STAGE_ID"),
        ({"filter": {">=OPORTUNITY": 1000}}, "filter", "OPPORTUNITY"),
        ({"filter": {"!@STAGEID": ["WON"]}}, "filter", "STAGE_ID"),
        ({"filter": {"=%TITEL": "%a"}}, "filter", "TITLE"),
        ({"select": ["ID", "TITEL"]}, "select", "TITLE"),
        ({"order": {"DATE_CREAT": "DESC"}}, "order", "DATE_CREATE"),
        ({"filter": {"UF_CRM_NOPE": 1}}, "filter", None),
    ],
)
@pytest.mark.parametrize("method", ["list", "list_all"])
async def test_a_typo_is_refused_before_any_list_call(
    b24: Any, demo: Emulator, kwargs: dict[str, Any], part: str, nearest: str | None, method: str
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await getattr(b24.crm.deal, method)(**kwargs)
    message = str(caught.value)
    assert f"unknown {part} field" in message
    assert "crm.deal.list" in message
    if nearest is not None:
        assert f"did you mean {nearest!r}" in message
    assert list_calls(demo) == 0  # the list itself never went out
    assert demo.stats.calls.get("crm.deal.fields", 0) <= 1  # at most the cache fill


async def test_the_danger_is_real_without_the_check(make_client: Any, demo: Emulator) -> None:
    """With checks off the typo goes out, and the portal answers every deal: what the check prevents."""
    loose = make_client(demo.webhook_url, transport=demo.transport(), check_fields=False)
    rows = await loose.crm.deal.list_all(filter={"STAGE": "WON"})
    assert len(rows) == all_deals(demo) == 163
    won = await loose.crm.deal.list_all(filter={"STAGE_ID": "WON"})
    assert 0 < len(won) < 163
    assert "crm.deal.fields" not in demo.stats.calls  # check_fields=False: no description read at all


async def test_check_false_on_one_call_lets_a_name_through(b24: Any, demo: Emulator) -> None:
    page = await b24.crm.deal.list(filter={"STAGE": "WON"}, check=False)
    assert page.total == 163
    got = b24.crm.deal.iter_all(filter={"X": 1}, check=False)
    rows = [row async for row in got] if hasattr(got, "__aiter__") else list(await got)
    assert len(rows) == 163


# ----------------------------------------------------------------------------------- valid names pass
@pytest.mark.parametrize("op", OPERATORS)
async def test_every_operator_prefix_is_understood(b24: Any, demo: Emulator, op: str) -> None:
    value: Any = ["WON", "LOSE"] if "@" in op else ("WON" if "%" not in op else "W")
    page = await b24.crm.deal.list(filter={f"{op}STAGE_ID": value})
    assert page.total is not None


async def test_standard_names_cost_no_fields_request(b24: Any, demo: Emulator) -> None:
    rows = await b24.crm.deal.list_all(
        filter={">=OPPORTUNITY": 0, "!STAGE_ID": "LOSE", "stage_semantic_id": "S"},
        select=["ID", "TITLE", "*", "UF_*"],
        order={"ID": "ASC"},
    )
    expected = sum(
        1
        for row in demo.state.table("deal").values()
        if row.get("STAGE_ID") != "LOSE" and row.get("STAGE_SEMANTIC_ID") == "S"
    )
    assert len(rows) == expected
    assert "crm.deal.fields" not in demo.stats.calls


async def test_a_custom_field_is_accepted_and_its_typo_refused(b24: Any, demo: Emulator) -> None:
    await b24.crm.deal.userfield.add({"FIELD_NAME": "BUDGET", "USER_TYPE_ID": "double"})
    await b24.crm.deal.update(1, {"UF_CRM_BUDGET": 5000})
    rows = await b24.crm.deal.list_all(filter={">UF_CRM_BUDGET": 100}, select=["ID", "UF_CRM_BUDGET"])
    assert [row.id for row in rows] == [1]
    with pytest.raises(InvalidInputError, match="did you mean 'UF_CRM_BUDGET'"):
        await b24.crm.deal.list_all(filter={">UF_CRM_BUDJET": 100})


async def test_a_field_added_through_the_client_is_seen_at_once(b24: Any, demo: Emulator) -> None:
    with pytest.raises(InvalidInputError):
        await b24.crm.deal.list(select=["UF_CRM_LATER"])  # not there yet: cached as unknown
    await b24.crm.deal.userfield.add({"FIELD_NAME": "LATER", "USER_TYPE_ID": "string"})
    page = await b24.crm.deal.list(select=["ID", "UF_CRM_LATER"])  # the add cleared the cache
    assert page.total == 163


async def test_each_portal_judges_its_own_custom_fields(make_client: Any, demo_dump: dict[str, Any]) -> None:
    one, two = Emulator(limits="off"), Emulator(limits="off")
    one.state.load(copy.deepcopy(demo_dump))
    two.state.load(copy.deepcopy(demo_dump))
    a = make_client(one.webhook_url, transport=one.transport())
    b = make_client(two.webhook_url, transport=two.transport())
    await a.crm.deal.userfield.add({"FIELD_NAME": "ONLY_A", "USER_TYPE_ID": "string"})
    assert (await a.crm.deal.list(filter={"UF_CRM_ONLY_A": "x"})).total == 0
    with pytest.raises(InvalidInputError):
        await b.crm.deal.list(filter={"UF_CRM_ONLY_A": "x"})


async def test_other_kinds_are_checked_too(b24: Any, demo: Emulator) -> None:
    cases = [
        (b24.crm.lead.list, {"filter": {"STATUS": "NEW"}}, "STATUS_ID"),
        (b24.crm.contact.list, {"select": ["NAME", "PHONES"]}, "PHONE"),
        (b24.crm.company.list, {"order": {"TITEL": "ASC"}}, "TITLE"),
        (b24.crm.status.list, {"filter": {"ENTITY": "SOURCE"}}, "ENTITY_ID"),
        (b24.crm.requisite.list, {"filter": {"RQ_INNN": "7707083893"}}, "RQ_INN"),
        (b24.crm.activity.list, {"filter": {"OWNER_TYPE": 2}}, "OWNER_TYPE_ID"),
    ]
    for method, kwargs, nearest in cases:
        with pytest.raises(InvalidInputError, match=f"did you mean {nearest!r}"):
            await method(**kwargs)
    assert list_calls(demo) == 0
    assert len(await b24.crm.contact.list_all(filter={"!PHONE": ""}, select=["ID", "PHONE"])) > 0
    assert len(await b24.crm.status.list(filter={"ENTITY_ID": "SOURCE"})) > 0


async def test_crm_item_takes_its_camel_case_names(b24: Any, demo: Emulator) -> None:
    items = b24.crm.item(2)
    if inspect.isawaitable(items):  # the sync client behind the test wrapper
        items = await items
    won = await items.list_all(filter={"stageId": "WON"}, select=["id", "stageId"], order={"id": "ASC"})
    legacy = await items.list_all(filter={"STAGE_ID": "WON"})  # translated to stageId
    assert [d.id for d in won] == [d.id for d in legacy]
    assert won
    with pytest.raises(InvalidInputError, match="did you mean 'stageId'"):
        await items.list(filter={"stage": "WON"})
    with pytest.raises(InvalidInputError, match="did you mean 'title'"):
        await items.list(filter={"logic": "OR", "0": {"stageId": "WON"}, "1": {"%titel": "a"}})
    with pytest.raises(InvalidInputError, match="unknown order field"):
        await items.list(order={"createdTim": "DESC"})


async def test_unsupported_contact_ids_filter_points_to_crm_item(b24: Any) -> None:
    with pytest.raises(InvalidInputError, match="contactIds"):
        await b24.crm.deal.list(filter={"@CONTACT_IDS": [1]})


async def test_a_bad_list_call_in_a_batch_sends_nothing(b24: Any, demo: Emulator) -> None:
    good = b24.crm.deal.calls.list(filter={"STAGE_ID": "WON"})
    bad = b24.crm.deal.calls.list(filter={"STAGE": "WON"})
    with pytest.raises(InvalidInputError, match="STAGE_ID"):
        await b24.batch([good, bad])
    assert demo.stats.calls.get("batch", 0) == 0
    assert list_calls(demo) == 0
    outcomes = await b24.batch([good, b24.crm.deal.calls.list(filter={"ASSIGNED_BY_ID": 1})])
    assert all(outcome.ok for outcome in outcomes)


def test_a_flow_driven_by_hand_sees_the_fields_step() -> None:
    """The check is a step of the flow (KnownFields), so a caller with no client cache still meets it."""
    call = CrmCalls().deal.list(filter={"STAGE": "WON"})
    assert call.checks is not None
    flow = Batch([call]).as_flow()
    step = next(flow)
    assert type(step).__name__ == "KnownFields"
    assert step.key == "crm.deal"


async def test_raw_calls_of_known_list_methods_are_checked(b24: Any, demo: Emulator) -> None:
    """``b24.call``/``call_full``, batch pairs and ``Deferred.call``: any case, ``.json``, string select."""
    refused = [
        ("crm.deal.list", {"filter": {"STAGE": "WON"}}, "STAGE_ID"),
        ("crm.deal.list", {"FILTER": {"STAGE": "WON"}}, "STAGE_ID"),  # crm-deal-list.md's own spelling
        ("crm.deal.list.json", {"filter": {"STAGE": "WON"}}, "STAGE_ID"),
        ("CRM.DEAL.LIST", {"Select": "TITEL"}, "TITLE"),
        ("crm.item.list", {"entityTypeId": 2, "select": ["titel"]}, "title"),
        ("crm.item.list", {"ENTITYTYPEID": 2, "order": {"titel": "ASC"}}, "title"),
        ("crm.activity.list", {"filter": {"OWNER_TYPE": 2}}, "OWNER_TYPE_ID"),
    ]
    for method, params, nearest in refused:
        for send in (b24.call, b24.call_full):
            with pytest.raises(InvalidInputError, match=f"did you mean {nearest!r}"):
                await send(method, params)
        with pytest.raises(InvalidInputError, match=f"did you mean {nearest!r}"):
            await b24.batch([("user.current", {}), (method, params)])
    assert list_calls(demo) == 0
    assert "batch" not in demo.stats.calls
    response = await b24.call_full("crm.deal.list", {"FILTER": {"STAGE_ID": "WON"}})
    assert 0 < (response.total or 0) < 163
    assert await b24.call("user.current")  # not a list method: sent as it is
    assert list_calls(demo) == 1


def test_deferred_checks_every_queued_call_before_sending(demo: Emulator) -> None:
    b24 = Bitrix24(demo.webhook_url, transport=demo.transport(), limits="off")
    typed = b24.deferred()
    typed.run(b24.crm.deal.calls.list(filter={"STAGE_ID": "WON"}))
    typed.run(b24.crm.deal.calls.list(filter={"STAGE": "WON"}))
    with pytest.raises(InvalidInputError, match="STAGE_ID"):
        typed.send()
    raw = b24.deferred()
    raw.call("crm.deal.list", {"filter": {"STAGE_ID": "WON"}})
    raw.call("crm.deal.list", {"filter": {"STAGE": "WON"}})
    with pytest.raises(InvalidInputError, match="STAGE_ID"):
        raw.send()
    assert list_calls(demo) == 0
    with b24.deferred() as d:
        first = d.call("crm.deal.list", {"filter": {"STAGE_ID": "WON"}})
        second = d.run(b24.crm.deal.calls.list(filter={"STAGE_ID": "LOSE"}))
    assert {row["STAGE_ID"] for row in first.result()} == {"WON"}
    assert {deal.stage_id for deal in second.result().items} == {"LOSE"}


def test_logic_groups_are_refused_where_the_portal_drops_them(demo: Emulator) -> None:
    """crm-contact-list.md: "The `logic` key in the filter is not supported ... use crm.item.list"."""
    b24 = Bitrix24(demo.webhook_url, transport=demo.transport(), limits="off")
    group = {"logic": "OR", "0": {"STAGE_ID": "WON"}, "1": {"STAGE_ID": "LOSE"}}
    for kind in ("deal", "lead", "contact", "company"):
        with pytest.raises(InvalidInputError, match="no logic groups"):
            getattr(b24.crm, kind).list(filter={"0": {"ID": 1}})
    with pytest.raises(InvalidInputError, match=r"crm\.item\.list"):
        b24.crm.deal.list_all(filter=group)
    with pytest.raises(InvalidInputError, match="no logic groups"):
        b24.call("crm.deal.list", {"filter": group})
    assert list_calls(demo) == 0
    items = b24.crm.item(2).list_all(
        filter={"logic": "OR", "0": {"stageId": "WON"}, "1": {"stageId": "LOSE"}}
    )
    won_or_lost = [d for d in demo.state.table("deal").values() if d["STAGE_ID"] in ("WON", "LOSE")]
    assert len(items) == len(won_or_lost)


def test_activity_bindings_take_only_owner_keys(demo: Emulator) -> None:
    """crm-activity-list.md: bindings "can consist of the OWNER_TYPE_ID keys ... and OWNER_ID keys"."""
    b24 = Bitrix24(demo.webhook_url, transport=demo.transport(), limits="off")
    for bad in ([{"OWNER_TYP_ID": 2}], [{"OWNER_TYPE_ID": 2, "OWNER_IDD": 1}], [], 1, [{}]):
        with pytest.raises(InvalidInputError, match="BINDINGS"):
            b24.crm.activity.list(filter={"BINDINGS": bad})
    assert list_calls(demo) == 0
    page = b24.crm.activity.list(filter={"BINDINGS": [{"OWNER_TYPE_ID": 2, "OWNER_ID": 1}]})
    assert page.total is not None


def test_unsupported_contact_ids_is_refused_in_select_and_order_too(demo: Emulator) -> None:
    """crm-deal-list.md: "The method does not support the field `CONTACT_IDS`" (select) and the filter."""
    b24 = Bitrix24(demo.webhook_url, transport=demo.transport(), limits="off")
    for kwargs in ({"select": ["ID", "CONTACT_IDS"]}, {"order": {"CONTACT_IDS": "ASC"}}):
        with pytest.raises(InvalidInputError, match="contactIds"):
            b24.crm.deal.list(**kwargs)


def test_messages_stay_short_and_point_at_operators(demo: Emulator) -> None:
    b24 = Bitrix24(demo.webhook_url, transport=demo.transport(), limits="off")
    with pytest.raises(InvalidInputError) as caught:
        b24.crm.deal.list(filter={"X" * 20000: 1})
    assert len(str(caught.value)) < 600
    with pytest.raises(InvalidInputError, match="operator prefixes"):
        b24.crm.deal.list(filter={"><OPPORTUNITY": [1, 2]})


def test_declared_names_are_fields_of_the_portal(demo: Emulator) -> None:
    """Names that skip the portal lookup must really be fields of every portal (emulated from the pages)."""
    b24 = Bitrix24(demo.webhook_url, transport=demo.transport(), limits="off")
    crm = CrmCalls()
    families = [crm.lead, crm.contact, crm.company, crm.deal, crm.activity, crm.address, crm.requisite]
    families += [crm.requisite.bankdetail, crm.requisite.link, crm.requisite.preset]
    for family in families:
        portal = set(b24.run(family.fields()))
        assert set(family._standard_names()) <= portal, family.rest_name


async def test_a_bulk_write_driven_by_a_filter_refuses_the_typo_first(b24: Any, demo: Emulator) -> None:
    """convert_leads(filter=...) writes deals, contacts and companies for every lead the filter matches."""
    from bitrix24_toolkit import helpers

    before = {kind: len(demo.state.table(kind)) for kind in ("deal", "contact", "company")}
    with pytest.raises(InvalidInputError, match="did you mean 'STATUS_ID'"):
        await b24.run(helpers.convert_leads.flow(filter={"STATUS": "NEW"}))
    assert {kind: len(demo.state.table(kind)) for kind in before} == before
    assert set(demo.stats.calls) <= {"crm.lead.fields"}


def test_user_filters_are_checked_and_attribute_names_translated(demo: Emulator) -> None:
    """user-get.md: the keys are the user.add fields plus UF_DEPARTMENT, UF_PHONE_INNER, IS_ONLINE,
    NAME_SEARCH, USER_TYPE, ACTIVE; user-search.md adds FIND."""
    b24 = Bitrix24(demo.webhook_url, transport=demo.transport(), limits="off")
    people = demo.state.table("user")
    for flt, nearest in (
        ({"%LAST_NAM": "x"}, "LAST_NAME"),
        ({"ACTIV": True}, "ACTIVE"),
        ({"USERTYPE": 1}, "USER_TYPE"),
    ):
        with pytest.raises(InvalidInputError, match=f"did you mean {nearest!r}"):
            b24.user.get(filter=flt)
    with pytest.raises(InvalidInputError, match="unknown order field"):
        b24.user.get(sort="LAST_NAM")
    assert "user.get" not in demo.stats.calls
    some = next(iter(people.values()))
    assert b24.user.get(filter={"last_name": some["LAST_NAME"]}).total >= 1  # attribute name translated
    assert b24.user.get(filter={"USER_TYPE": "employee", "UF_DEPARTMENT": 1}).total is not None
    assert b24.user.search(filter={"FIND": some["NAME"]}).total >= 1
    assert b24.user.get(filter={"UF_USR_SHOE_SIZE": 42}, check=False).total is not None


def test_a_field_deleted_elsewhere_is_noticed_after_the_ttl(demo: Emulator) -> None:
    from bitrix24_toolkit.engine.fields import FIELD_CACHE_TTL, FieldCache

    now = [0.0]
    b24 = Bitrix24(demo.webhook_url, transport=demo.transport(), limits="off")
    b24.field_cache = FieldCache(clock=lambda: now[0])
    other = Bitrix24(demo.webhook_url, transport=demo.transport(), limits="off")
    field_id = other.crm.deal.userfield.add({"FIELD_NAME": "GONE", "USER_TYPE_ID": "string"})
    assert b24.crm.deal.list(filter={"UF_CRM_GONE": "x"}).total == 0  # known: cached now
    other.crm.deal.userfield.delete(field_id)  # deleted through another client
    now[0] += FIELD_CACHE_TTL / 2
    assert (
        b24.crm.deal.list(filter={"UF_CRM_GONE": "x"}).total == 163
    )  # the stale window: the portal drops it
    now[0] += FIELD_CACHE_TTL
    with pytest.raises(InvalidInputError, match="UF_CRM_GONE"):
        b24.crm.deal.list(filter={"UF_CRM_GONE": "x"})


async def test_concurrent_checks_read_the_fields_once(demo: Emulator) -> None:
    import asyncio

    from bitrix24_toolkit import AsyncBitrix24

    Bitrix24(demo.webhook_url, transport=demo.transport(), limits="off").crm.deal.userfield.add(
        {"FIELD_NAME": "BUDGET", "USER_TYPE_ID": "double"}
    )
    demo.reset_stats()
    async with AsyncBitrix24(demo.webhook_url, transport=demo.transport(), limits="off") as b24:
        pages = await asyncio.gather(*(b24.crm.deal.list(filter={">UF_CRM_BUDGET": n}) for n in range(10)))
    assert len(pages) == 10
    assert demo.stats.calls.get("crm.deal.fields") == 1


def test_a_failed_fields_read_says_what_it_was_for(demo: Emulator) -> None:
    """A portal that refuses crm.deal.fields (a webhook without the right): the list is not sent and the
    error says the read was for the check and how to skip it."""
    import httpx

    portal = demo.transport()

    def refuse_fields(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/crm.deal.fields") or request.url.path.endswith(
            "/crm.deal.fields.json"
        ):
            body = {
                "error": "insufficient_scope",
                "error_description": "The request requires higher privileges",
            }
            return httpx.Response(403, json=body)
        return portal.handle_request(request)

    b24 = Bitrix24(demo.webhook_url, transport=httpx.MockTransport(refuse_fields), limits="off")
    with pytest.raises(PermissionDeniedError) as caught:
        b24.crm.deal.list(filter={"UF_CRM_X": 1})
    notes = getattr(caught.value, "__notes__", [])
    assert any("crm.deal.list" in note and "check=False" in note for note in notes), notes
    assert "crm.deal.list" not in demo.stats.calls
    assert b24.crm.deal.list(filter={"UF_CRM_X": 1}, check=False).total == 163


def test_crm_item_raw_calls_use_their_own_custom_field_names(demo: Emulator) -> None:
    """crm-item-list.md: useOriginalUfNames "N — custom field names in camelCase ... Default is N"."""
    b24 = Bitrix24(demo.webhook_url, transport=demo.transport(), limits="off")
    b24.crm.deal.userfield.add({"FIELD_NAME": "BUDGET", "USER_TYPE_ID": "double"})
    camel = b24.call_full("crm.item.list", {"entityTypeId": 2, "select": ["id", "ufCrmBudget"]})
    assert camel.total == 163
    with pytest.raises(InvalidInputError, match="ufCrmBudget"):
        b24.call("crm.item.list", {"entityTypeId": 2, "select": ["UF_CRM_BUDGET"]})
    original = {"entityTypeId": 2, "useOriginalUfNames": "Y", "select": ["id", "UF_CRM_BUDGET"]}
    assert b24.call_full("crm.item.list", original).total == 163
    with pytest.raises(InvalidInputError, match="UF_CRM_BUDGET"):
        b24.call("crm.item.list", {**original, "select": ["ufCrmBudget"]})


def test_the_typed_crm_item_takes_camel_case_custom_field_codes(demo: Emulator) -> None:
    """crm.item.fields names a custom field ufCrmBudget; the typed service (useOriginalUfNames=Y) sends it as
    its UF_CRM_BUDGET code, which that mode takes."""
    b24 = Bitrix24(demo.webhook_url, transport=demo.transport(), limits="off")
    b24.crm.deal.userfield.add({"FIELD_NAME": "BUDGET", "USER_TYPE_ID": "double"})
    b24.crm.deal.update(3, {"UF_CRM_BUDGET": 10})
    items = b24.crm.item(2)
    rows = items.list_all(
        filter={">ufCrmBudget": 1}, select=["id", "ufCrmBudget"], order={"ufCrmBudget": "DESC"}
    )
    assert [row.id for row in rows] == [3]
    with pytest.raises(InvalidInputError, match="UF_CRM_BUDGET"):
        items.list(filter={">ufCrmBudjet": 1})
