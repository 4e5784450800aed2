"""The demo portal «Солнечный ветер»: deterministic, and it tells the story through the REST methods.

Identifiers are checked with check-digit rules written here independently of ``demo_identifiers``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from bitrix24_toolkit.testing.emulator import Emulator, ManualClock
from bitrix24_toolkit.testing.emulator import demo_identifiers as gen
from bitrix24_toolkit.testing.emulator.demo import CORPORATE_FUNNEL, DEMO_NOW, SALES_FUNNEL

LEAD_STATUSES = ("NEW", "IN_PROCESS", "PROCESSED", "JUNK", "CONVERTED")
DEAL_STAGES = (
    "NEW",
    "PREPARATION",
    "PREPAYMENT_INVOICE",
    "EXECUTING",
    "FINAL_INVOICE",
    "WON",
    "LOSE",
    "APOLOGY",
)


# ------------------------------------------------------------------------ independent check-digit rules
def inn10_valid(inn: str) -> bool:
    if len(inn) != 10 or not inn.isdigit():
        return False
    weighted = sum(int(d) * w for d, w in zip(inn[:9], (2, 4, 10, 3, 5, 9, 4, 6, 8), strict=True))
    return (weighted % 11) % 10 == int(inn[9])


def ogrn_valid(ogrn: str) -> bool:
    if len(ogrn) != 13 or not ogrn.isdigit() or ogrn[0] not in "15":
        return False
    head = int(ogrn[:12])
    return (head - head // 11 * 11) % 10 == int(ogrn[12])


def kpp_valid(kpp: str, inn: str) -> bool:
    return len(kpp) == 9 and kpp.isdigit() and kpp[:4] == inn[:4]


def bik_valid(bik: str) -> bool:
    return len(bik) == 9 and bik.isdigit() and bik.startswith("04")


def account_valid(account: str, bik: str, *, correspondent: bool = False) -> bool:
    """The Bank of Russia control-key rule: low digits of digit x weight (7,1,3,...) sum to 0 mod 10."""
    if len(account) != 20 or not account.isdigit():
        return False
    prefix = "0" + bik[4:6] if correspondent else bik[-3:]
    low_digits = [(int(d) * w) % 10 for d, w in zip(prefix + account, itertools.cycle((7, 1, 3)))]
    return sum(low_digits) % 10 == 0


def test_independent_rules_accept_real_identifiers_and_reject_typos() -> None:
    assert inn10_valid("7707083893")  # a well-known bank's INN
    assert ogrn_valid("1027700132195")
    assert account_valid("30101810400000000225", "044525225", correspondent=True)
    assert not inn10_valid("7707083894")
    assert not ogrn_valid("1027700132196")
    assert not account_valid("30101810500000000225", "044525225", correspondent=True)


@pytest.mark.parametrize("seed", range(40))
def test_generated_identifiers_have_valid_check_digits(seed: int) -> None:
    rng = random.Random(seed)
    inn = gen.company_inn(rng, "77")
    bik = gen.bik(rng)
    account = gen.settlement_account(rng, bik)
    assert inn10_valid(inn)
    assert inn.startswith("77")
    assert kpp_valid(gen.kpp(inn), inn)
    assert ogrn_valid(gen.ogrn(rng, "16", 2011))
    assert bik_valid(bik)
    assert account_valid(account, bik)
    assert account.startswith("40702810")
    corr = gen.correspondent_account(bik)
    assert account_valid(corr, bik, correspondent=True)
    assert corr.startswith("301")
    assert corr.endswith(bik[-3:])
    broken = account[:12] + str((int(account[12]) + 1) % 10) + account[13:]
    assert not account_valid(broken, bik)


# ------------------------------------------------------------------------------------------- helpers
@pytest.fixture(scope="module")
def emu() -> Emulator:
    return Emulator.demo(limits="off")


def call(emu: Emulator, method: str, params: dict[str, Any] | None = None) -> Any:
    status, payload = emu.call(method, params or {})
    assert status == 200, payload
    return payload


def result(emu: Emulator, method: str, params: dict[str, Any] | None = None) -> Any:
    return call(emu, method, params)["result"]


def every(emu: Emulator, method: str, params: dict[str, Any], key: str | None = None) -> Iterator[Any]:
    """All rows of a paged list method (``key``: the wrapper of crm.item/stagehistory answers)."""
    start: int | None = 0
    while start is not None:
        payload = call(emu, method, {**params, "start": start})
        yield from payload["result"][key] if key else payload["result"]
        start = payload.get("next")


def total(emu: Emulator, method: str, params: dict[str, Any]) -> int:
    return int(call(emu, method, params)["total"])


def when(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


# ------------------------------------------------------------------------------------------- tests
def test_two_builds_are_identical_and_the_seed_matters() -> None:
    first = Emulator.demo().dump()["state"]
    assert first == Emulator.demo().dump()["state"]
    assert first != Emulator.demo(seed=7).dump()["state"]


def test_build_restores_the_portal_clock_and_leaves_no_traffic_behind() -> None:
    clock = ManualClock(1_800_000_000.0)
    emu = Emulator.demo(clock=clock)
    assert emu.stats.requests == 0
    assert emu.stats.calls == {}
    assert emu.operating.total("webhook:1", "crm.deal.add") == 0
    stamp = dt.datetime.fromtimestamp(clock(), tz=DEMO_NOW.tzinfo).isoformat()
    assert result(emu, "server.time") == stamp  # the story clock is gone
    new_id = result(emu, "crm.deal.add", {"fields": {"TITLE": "После демо"}})
    assert result(emu, "crm.deal.get", {"id": new_id})["DATE_CREATE"] == stamp
    assert result(emu, "user.current")["NAME"] == "Ольга"


def test_my_company_has_valid_requisite_bank_detail_and_addresses(emu: Emulator) -> None:
    mine = result(emu, "crm.company.list", {"filter": {"IS_MY_COMPANY": "Y"}, "select": ["ID", "TITLE"]})
    assert [c["TITLE"] for c in mine] == ["Солнечный ветер"]
    company_id = mine[0]["ID"]
    requisites = result(emu, "crm.requisite.list", {"filter": {"ENTITY_TYPE_ID": 4, "ENTITY_ID": company_id}})
    assert len(requisites) == 1
    rq = requisites[0]
    preset = result(emu, "crm.requisite.preset.get", {"id": rq["PRESET_ID"]})
    assert (preset["NAME"], preset["COUNTRY_ID"]) == ("Организация", "1")
    assert inn10_valid(rq["RQ_INN"])
    assert kpp_valid(rq["RQ_KPP"], rq["RQ_INN"])
    assert ogrn_valid(rq["RQ_OGRN"])
    assert rq["RQ_COMPANY_NAME"] == "ООО «Солнечный ветер»"
    banks = result(emu, "crm.requisite.bankdetail.list", {"filter": {"ENTITY_ID": rq["ID"]}})
    assert len(banks) == 1
    bank = banks[0]
    assert bik_valid(bank["RQ_BIK"])
    assert account_valid(bank["RQ_ACC_NUM"], bank["RQ_BIK"])
    assert bank["RQ_COR_ACC_NUM"].startswith("301")
    assert account_valid(bank["RQ_COR_ACC_NUM"], bank["RQ_BIK"], correspondent=True)
    addresses = result(emu, "crm.address.list", {"filter": {"ENTITY_TYPE_ID": 8, "ENTITY_ID": rq["ID"]}})
    assert sorted(a["TYPE_ID"] for a in addresses) == ["1", "6"]
    assert all(a["ANCHOR_ID"] == company_id for a in addresses)


def test_client_requisites_are_valid(emu: Emulator) -> None:
    requisites = list(every(emu, "crm.requisite.list", {"filter": {"ENTITY_TYPE_ID": 4}}))
    assert len(requisites) >= 6
    assert len({r["RQ_INN"] for r in requisites}) == len(requisites)
    for rq in requisites:
        assert inn10_valid(rq["RQ_INN"]), rq
        assert kpp_valid(rq["RQ_KPP"], rq["RQ_INN"]), rq
        assert ogrn_valid(rq["RQ_OGRN"]), rq


def test_holding_tree_uses_both_value_forms(emu: Emulator) -> None:
    fields = result(emu, "crm.company.userfield.list", {"filter": {"FIELD_NAME": "UF_CRM_HOLDING_PARENT"}})
    assert len(fields) == 1
    field = fields[0]
    assert (field["USER_TYPE_ID"], field["XML_ID"], field["MULTIPLE"]) == ("crm", "holding_parent", "N")
    assert field["SETTINGS"] == {"LEAD": "N", "CONTACT": "N", "COMPANY": "Y", "DEAL": "N"}
    head = result(emu, "crm.company.list", {"filter": {"TITLE": "Гостиничная группа Восток"}})
    assert len(head) == 1
    head_id = head[0]["ID"]
    assert result(emu, "crm.company.get", {"id": head_id})["UF_CRM_HOLDING_PARENT"] == ""  # the top
    select = ["ID", "TITLE", "UF_CRM_HOLDING_PARENT"]
    plain = result(emu, "crm.company.list", {"filter": {"UF_CRM_HOLDING_PARENT": head_id}, "select": select})
    prefixed = result(
        emu, "crm.company.list", {"filter": {"UF_CRM_HOLDING_PARENT": f"CO_{head_id}"}, "select": select}
    )
    assert len(plain) >= 3
    assert len(prefixed) == 1
    assert all(c["UF_CRM_HOLDING_PARENT"] == head_id for c in plain)  # a numeric id as a string
    branch_ids = [c["ID"] for c in plain + prefixed]
    second_level = result(
        emu, "crm.company.list", {"filter": {"@UF_CRM_HOLDING_PARENT": branch_ids}, "select": select}
    )
    assert len(second_level) >= 1
    assert second_level[0]["ID"] not in branch_ids


def test_client_base_has_companies_contacts_and_multifields(emu: Emulator) -> None:
    companies = total(emu, "crm.company.list", {"select": ["ID"]})
    contacts = list(
        every(emu, "crm.contact.list", {"select": ["ID", "NAME", "COMPANY_ID", "PHONE", "EMAIL"]})
    )
    assert 35 <= companies <= 60
    assert 100 <= len(contacts) <= 160
    assert sum(1 for c in contacts if c["COMPANY_ID"]) >= 15
    with_phone = [c for c in contacts if c.get("PHONE")]
    assert len(with_phone) >= 90
    assert all(p["VALUE"].startswith("+79") and len(p["VALUE"]) == 12 for c in with_phone for p in c["PHONE"])
    assert any(c.get("EMAIL") for c in contacts)


def test_leads_cover_every_status_and_several_sources(emu: Emulator) -> None:
    assert total(emu, "crm.lead.list", {"select": ["ID"]}) == 300
    for status in LEAD_STATUSES:
        assert total(emu, "crm.lead.list", {"filter": {"STATUS_ID": status}, "select": ["ID"]}) > 0, status
    for source in ("WEB", "CALL", "EMAIL", "ADVERTISING", "PARTNER", "RECOMMENDATION"):
        assert total(emu, "crm.lead.list", {"filter": {"SOURCE_ID": source}, "select": ["ID"]}) > 0, source
    web = result(
        emu, "crm.lead.list", {"filter": {"SOURCE_ID": "WEB"}, "select": ["ID", "UTM_SOURCE", "UTM_CAMPAIGN"]}
    )
    assert all(lead["UTM_SOURCE"] and lead["UTM_CAMPAIGN"] for lead in web)
    with_company = total(emu, "crm.lead.list", {"filter": {"!COMPANY_TITLE": None}, "select": ["ID"]})
    assert with_company > 0


def test_converted_leads_are_linked_to_their_client_and_deal(emu: Emulator) -> None:
    select = ["ID", "CONTACT_ID", "COMPANY_ID", "COMPANY_TITLE", "STATUS_SEMANTIC_ID"]
    converted = list(every(emu, "crm.lead.list", {"filter": {"STATUS_ID": "CONVERTED"}, "select": select}))
    assert len(converted) >= 50
    for lead in converted:
        assert lead["STATUS_SEMANTIC_ID"] == "S"
        assert lead["CONTACT_ID"]
        deals = result(emu, "crm.item.list", {"entityTypeId": 2, "filter": {"leadId": int(lead["ID"])}})[
            "items"
        ]
        assert len(deals) == 1
        assert int(lead["CONTACT_ID"]) in deals[0]["contactIds"]
        if lead["COMPANY_TITLE"]:
            company = result(emu, "crm.item.get", {"entityTypeId": 4, "id": int(lead["COMPANY_ID"])})["item"]
            assert company["leadId"] == int(lead["ID"])
            assert company["title"] == lead["COMPANY_TITLE"]
    created_from_leads = total(emu, "crm.contact.list", {"filter": {">LEAD_ID": 0}, "select": ["ID"]})
    assert created_from_leads >= 40


def test_deals_sit_at_every_stage_of_both_funnels(emu: Emulator) -> None:
    categories = result(emu, "crm.category.list", {"entityTypeId": 2})["categories"]
    names = {c["id"]: c["name"] for c in categories}
    assert names[0] == SALES_FUNNEL
    corporate = next(cid for cid, name in names.items() if name == CORPORATE_FUNNEL)
    for category, prefix in ((0, ""), (corporate, f"C{corporate}:")):
        for code in DEAL_STAGES:
            params = {"filter": {"CATEGORY_ID": category, "STAGE_ID": prefix + code}, "select": ["ID"]}
            assert total(emu, "crm.deal.list", params) > 0, (category, code)
    deals = list(every(emu, "crm.deal.list", {"select": ["ID", "ASSIGNED_BY_ID", "CURRENCY_ID"]}))
    assert 120 <= len(deals) <= 250
    assert {d["ASSIGNED_BY_ID"] for d in deals} == {"1", "2", "3", "4"}
    assert {"RUB", "USD", "EUR"} <= {d["CURRENCY_ID"] for d in deals}


def test_stage_history_spans_six_months_with_a_funnel_change(emu: Emulator) -> None:
    first = result(emu, "crm.stagehistory.list", {"entityTypeId": 2, "order": {"CREATED_TIME": "ASC"}})
    last = result(emu, "crm.stagehistory.list", {"entityTypeId": 2, "order": {"CREATED_TIME": "DESC"}})
    earliest, latest = when(first["items"][0]["CREATED_TIME"]), when(last["items"][0]["CREATED_TIME"])
    assert latest < DEMO_NOW
    assert (DEMO_NOW - earliest).days >= 150
    deals = total(emu, "crm.deal.list", {"select": ["ID"]})
    assert total(emu, "crm.stagehistory.list", {"entityTypeId": 2, "filter": {"TYPE_ID": 1}}) == deals
    moves = result(emu, "crm.stagehistory.list", {"entityTypeId": 2, "filter": {"TYPE_ID": 5}})["items"]
    assert len(moves) >= 1
    moved = moves[0]
    assert moved["CATEGORY_ID"] != 0
    assert moved["STAGE_ID"].startswith(f"C{moved['CATEGORY_ID']}:")
    history = result(
        emu, "crm.stagehistory.list", {"entityTypeId": 2, "filter": {"OWNER_ID": moved["OWNER_ID"]}}
    )
    rows = history["items"]
    assert rows[0]["TYPE_ID"] == 1
    assert rows[0]["CATEGORY_ID"] == 0
    assert result(emu, "crm.deal.get", {"id": moved["OWNER_ID"]})["CATEGORY_ID"] == str(moved["CATEGORY_ID"])


def test_won_deals_walk_through_stages_with_gaps(emu: Emulator) -> None:
    won = result(emu, "crm.deal.list", {"filter": {"STAGE_ID": "WON"}, "select": ["ID", "DATE_CREATE"]})
    assert won
    for deal in won[:10]:
        rows = result(
            emu, "crm.stagehistory.list", {"entityTypeId": 2, "filter": {"OWNER_ID": int(deal["ID"])}}
        )
        items = rows["items"]
        assert items[0]["TYPE_ID"] == 1
        assert items[-1]["TYPE_ID"] == 3
        assert items[-1]["STAGE_SEMANTIC_ID"] == "S"
        assert len(items) >= 4
        times = [when(r["CREATED_TIME"]) for r in items]
        assert times == sorted(times)
        assert times[0] == when(deal["DATE_CREATE"])
        assert times[-1] - times[0] > dt.timedelta(days=2)  # the oldest deals were not squeezed
    lead_final = result(emu, "crm.stagehistory.list", {"entityTypeId": 1, "filter": {"TYPE_ID": 3}})
    assert {"CONVERTED", "JUNK"} <= {r["STATUS_ID"] for r in lead_final["items"]}


def test_product_rows_sum_to_the_deal_amount(emu: Emulator) -> None:
    deals = list(every(emu, "crm.deal.list", {"select": ["ID", "OPPORTUNITY", "IS_MANUAL_OPPORTUNITY"]}))
    with_rows, discounted = 0, 0
    names: set[str] = set()
    for deal in deals:
        rows = result(emu, "crm.deal.productrows.get", {"id": deal["ID"]})
        if not rows:
            assert deal["IS_MANUAL_OPPORTUNITY"] == "Y"
            assert float(deal["OPPORTUNITY"]) > 0
            continue
        with_rows += 1
        discounted += sum(1 for r in rows if r["DISCOUNT_SUM"])
        names.update(r["PRODUCT_NAME"] for r in rows)
        amount = sum(r["PRICE"] * r["QUANTITY"] for r in rows)
        assert float(deal["OPPORTUNITY"]) == pytest.approx(amount, abs=0.01), deal
    assert with_rows >= 0.6 * len(deals)
    assert discounted >= 5
    assert {"Тур в Сочи, 7 ночей", "Экскурсия по Казани", "Горнолыжный тур в Шерегеш"} & names


def test_activities_are_planned_and_done_on_leads_and_deals(emu: Emulator) -> None:
    for owner in (1, 2):
        done = {"OWNER_TYPE_ID": owner, "COMPLETED": "Y"}
        assert total(emu, "crm.activity.list", {"filter": done, "select": ["ID"]}) > 20
        planned = list(
            every(
                emu,
                "crm.activity.list",
                {"filter": {"OWNER_TYPE_ID": owner, "COMPLETED": "N"}, "select": ["DEADLINE"]},
            )
        )
        assert planned
        assert any(when(a["DEADLINE"]) > DEMO_NOW for a in planned)
    todos_done = {"PROVIDER_ID": "CRM_TODO", "COMPLETED": "Y"}
    assert total(emu, "crm.activity.list", {"filter": todos_done, "select": ["ID"]}) > 0
    assert total(emu, "crm.activity.list", {"filter": {"TYPE_ID": 1}, "select": ["ID"]}) > 0  # meetings
    comments = result(emu, "crm.timeline.comment.list", {"filter": {"ENTITY_TYPE": "deal"}})
    assert comments
    assert all(c["COMMENT"] for c in comments)


def test_command_line_serves_the_demo_portal() -> None:
    command = [sys.executable, "-m", "bitrix24_toolkit.testing.emulator", "--port", "0", "--seed", "demo"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) as proc:
        try:
            assert proc.stdout is not None
            url = proc.stdout.readline().strip()  # the first line printed is the webhook URL
            assert url.startswith("http://127.0.0.1:")
            assert url.endswith("/")
            with httpx.Client(timeout=10) as client:
                user = client.post(url + "user.current", json={}).json()["result"]
                assert (user["ID"], user["NAME"]) == ("1", "Ольга")
                deals = client.post(url + "crm.deal.list", json={"select": ["ID"]}).json()
                assert deals["total"] >= 120
        finally:
            proc.terminate()
            proc.wait(timeout=10)
