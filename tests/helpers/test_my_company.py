"""My company details (idempotent ensure, list, pick) and deal requisite links with ownership checks."""

from __future__ import annotations

from typing import Any

import pytest

from bitrix24_toolkit.errors import InvalidInputError
from bitrix24_toolkit.helpers import (
    MyCompanyNotFoundError,
    RequisiteLinkError,
    add_requisite,
    ensure_my_company,
    link_requisites,
    my_companies,
    pick_my_company,
)
from bitrix24_toolkit.testing.emulator import Emulator

# the tour agency of the seed: its own details (valid identifiers, worked out by hand)
AGENCY = {
    "RQ_COMPANY_NAME": "ООО «Солнечный ветер»",
    "RQ_INN": "7707083893",
    "RQ_KPP": "773601001",
    "RQ_OGRN": "1027700132195",
    "RQ_DIRECTOR": "Соколова О. В.",
}
AGENCY_BANK = {
    "NAME": "Расчётный счёт",
    "RQ_BANK_NAME": "ПАО Сбербанк",
    "RQ_BIK": "044525225",
    "RQ_ACC_NUM": "40702810938000012345",
    "RQ_COR_ACC_NUM": "30101810400000000225",
}
AGENCY_ADDRESSES = {6: {"ADDRESS_1": "ул. Покровка, д. 12", "CITY": "Москва"}, 1: {"CITY": "Москва"}}


def _counts(emu: Emulator) -> tuple[int, ...]:
    return tuple(len(emu.state.table(t)) for t in ("company", "requisite", "bankdetail", "address"))


async def test_ensure_my_company_is_idempotent(client: Any, emu: Emulator) -> None:
    first = await client.run(
        ensure_my_company.flow(
            "Солнечный ветер", AGENCY, bank_details=[AGENCY_BANK], addresses=AGENCY_ADDRESSES
        )
    )
    assert first.created
    assert first.requisite.created
    assert _counts(emu) == (1, 1, 1, 2)
    row = emu.state.table("company")[first.company_id]
    assert (row["TITLE"], row["IS_MY_COMPANY"]) == ("Солнечный ветер", "Y")
    again = await client.run(
        ensure_my_company.flow(
            "Солнечный ветер", AGENCY, bank_details=[AGENCY_BANK], addresses=AGENCY_ADDRESSES
        )
    )
    assert (again.company_id, again.created, again.requisite.changed) == (first.company_id, False, False)
    assert _counts(emu) == (1, 1, 1, 2)


async def test_ensure_refuses_wrong_identifiers_before_creating_the_company(
    client: Any, emu: Emulator
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await client.run(ensure_my_company.flow("Ветер", {**AGENCY, "RQ_OGRN": "1027700132190"}))
    assert caught.value.field == "RQ_OGRN"
    with pytest.raises(InvalidInputError) as bank:
        await client.run(
            ensure_my_company.flow("Ветер", AGENCY, bank_details=[{**AGENCY_BANK, "RQ_BIK": "044525226"}])
        )
    assert bank.value.field == "RQ_ACC_NUM"  # the account no longer matches the BIK
    assert _counts(emu) == (0, 0, 0, 0)


async def test_list_and_pick_on_the_demo_portal(make_client: Any) -> None:
    emu = Emulator.demo(limits="off")
    client = make_client(emu.webhook_url, transport=emu.transport())
    mine = [row for row in emu.state.table("company").values() if row.get("IS_MY_COMPANY") == "Y"]
    listed = await client.run(my_companies.flow())
    assert [c.id for c in listed] == [row["ID"] for row in mine]
    only = await client.run(pick_my_company.flow())
    raw_rq = next(
        r
        for r in emu.state.table("requisite").values()
        if r["ENTITY_ID"] == only.id and r["ENTITY_TYPE_ID"] == 4
    )
    assert only.requisites[0].inn == raw_rq["RQ_INN"]
    await client.run(ensure_my_company.flow("Второе юрлицо", {**AGENCY, "RQ_KPP": "773601002"}))
    with pytest.raises(MyCompanyNotFoundError, match="2 companies have IS_MY_COMPANY=Y"):
        await client.run(pick_my_company.flow())
    second = await client.run(pick_my_company.flow(inn="7707083893"))
    assert second.title == "Второе юрлицо"
    assert (await client.run(pick_my_company.flow(title="солнечный ветер"))).id == only.id
    with pytest.raises(MyCompanyNotFoundError, match="none of your 2 companies"):
        await client.run(pick_my_company.flow(title="Нет такой"))


def _deal(emu: Emulator, company_id: int, contact_id: int | None = None) -> int:
    fields: dict[str, Any] = {"TITLE": "Тур", "COMPANY_ID": company_id}
    if contact_id:
        fields["CONTACT_IDS"] = [contact_id]
    return int(emu.call("crm.deal.add", {"fields": fields})[1]["result"])


async def test_link_requisites_with_ownership_checks(client: Any, emu: Emulator) -> None:
    mine = await client.run(ensure_my_company.flow("Солнечный ветер", AGENCY, bank_details=[AGENCY_BANK]))
    client_id = int(emu.call("crm.company.add", {"fields": {"TITLE": "Клиент"}})[1]["result"])
    other_id = int(emu.call("crm.company.add", {"fields": {"TITLE": "Чужой"}})[1]["result"])
    theirs = await client.run(
        add_requisite.flow("company", client_id, {"RQ_INN": "7736050003"}, bank_details=[AGENCY_BANK])
    )
    foreign = await client.run(add_requisite.flow("company", other_id, {"RQ_INN": "7736050003"}))
    deal_id = _deal(emu, client_id)
    link = await client.run(
        link_requisites.flow(
            deal_id,
            requisite_id=theirs.requisite_id,
            bank_detail_id=theirs.bank_detail_ids[0],
            mc_requisite_id=mine.requisite.requisite_id,
            mc_bank_detail_id=mine.requisite.bank_detail_ids[0],
        )
    )
    assert (link.requisite_id, link.mc_requisite_id) == (theirs.requisite_id, mine.requisite.requisite_id)
    stored = next(iter(emu.state.table("requisite_link").values()))
    assert (stored["ENTITY_ID"], stored["BANK_DETAIL_ID"]) == (deal_id, theirs.bank_detail_ids[0])

    cases: list[tuple[dict[str, Any], str, str]] = [
        (
            {"requisite_id": foreign.requisite_id},
            "requisite_id",
            f"client of deal {deal_id} is company {client_id}",
        ),
        ({"mc_requisite_id": theirs.requisite_id}, "mc_requisite_id", "not one of your companies"),
        (
            {"requisite_id": theirs.requisite_id, "bank_detail_id": mine.requisite.bank_detail_ids[0]},
            "bank_detail_id",
            f"belong to requisite {mine.requisite.requisite_id}",
        ),
        ({"requisite_id": 999}, "requisite_id", "requisite 999 does not exist"),
        ({"bank_detail_id": theirs.bank_detail_ids[0]}, "bank_detail_id", "needs requisite_id"),
    ]
    emu.reset_stats()
    for kwargs, field, words in cases:
        with pytest.raises(InvalidInputError, match=words) as caught:
            await client.run(link_requisites.flow(deal_id, **kwargs))
        assert caught.value.field == field
    assert "crm.requisite.link.register" not in emu.stats.calls
    with pytest.raises(RequisiteLinkError, match="does not exist"):
        await client.run(link_requisites.flow(deal_id + 100, requisite_id=theirs.requisite_id))
