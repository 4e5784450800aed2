"""``b24.crm.address`` (keyed by type and owner) and ``b24.crm.requisite.link``: both clients, emulator."""

from __future__ import annotations

from typing import Any

import pytest

from bitrix24_toolkit import errors
from bitrix24_toolkit.models.requisites import Address, AddressType, RequisiteLink
from bitrix24_toolkit.testing.emulator import Emulator
from tests.services.requisites_support import (
    add_bankdetail,
    add_company,
    add_requisite,
    address_api,
    requisite_api,
    result,
)

REQUISITE = 8  # ENTITY_TYPE_ID of a requisite as an address owner


async def test_addresses_are_keyed_by_type(client: Any, emu: Emulator) -> None:
    company_id = add_company(emu)
    requisite_id = add_requisite(emu, company_id)
    addresses = address_api(client)
    legal = Address(
        type_id=AddressType.LEGAL,
        entity_type_id=REQUISITE,
        entity_id=requisite_id,
        address_1="ул. Тверская, д. 1",
        city="Москва",
        postal_code=125009,  # a number: written as text
        country="Россия",
    )
    assert await addresses.add(legal)
    assert await addresses.add(
        {
            "TYPE_ID": AddressType.ACTUAL,
            "ENTITY_TYPE_ID": REQUISITE,
            "ENTITY_ID": requisite_id,
            "CITY": "Химки",
        }
    )
    found = await addresses.by_type(REQUISITE, requisite_id)
    assert sorted(found) == [AddressType.ACTUAL, AddressType.LEGAL]
    assert found[AddressType.LEGAL].city == "Москва"
    assert found[AddressType.LEGAL].postal_code == "125009"
    assert found[AddressType.LEGAL].key == (6, REQUISITE, requisite_id)
    assert (found[AddressType.LEGAL].anchor_type_id, found[AddressType.LEGAL].anchor_id) == (4, company_id)
    assert isinstance(found[AddressType.LEGAL].loc_addr_id, int)

    key = {"TYPE_ID": AddressType.LEGAL, "ENTITY_TYPE_ID": REQUISITE, "ENTITY_ID": requisite_id}
    assert await addresses.update({**key, "ADDRESS_2": "офис 5"})
    again = (await addresses.by_type(REQUISITE, requisite_id))[AddressType.LEGAL]
    assert (again.address_2, again.city) == ("офис 5", "Москва")  # other values stay

    assert await addresses.delete(AddressType.ACTUAL, REQUISITE, requisite_id)
    assert list(await addresses.by_type(REQUISITE, requisite_id)) == [AddressType.LEGAL]
    with pytest.raises(errors.APIError):
        await addresses.add(key)  # one address per type and owner


async def test_address_list_and_stream_page_by_offset(client: Any, emu: Emulator) -> None:
    company_id = add_company(emu)
    requisites = [add_requisite(emu, company_id) for _ in range(9)]
    for requisite_id in requisites:
        for type_id in AddressType.NAMES:
            fields = {
                "TYPE_ID": type_id,
                "ENTITY_TYPE_ID": REQUISITE,
                "ENTITY_ID": requisite_id,
                "CITY": "Тула",
            }
            result(emu, "crm.address.add", {"fields": fields})
    addresses = address_api(client)
    page = await addresses.list(filter={"city": "Тула"})
    assert (len(page.items), page.total, page.next) == (50, 54, 50)
    emu.reset_stats()
    every = await addresses.list_all(select=["TYPE_ID", "ENTITY_ID"])
    assert len({a.key for a in every}) == 54
    assert emu.stats.calls["crm.address.list"] == 2
    streamed = [a async for a in _aiter(addresses.iter_all(filter={"ENTITY_ID": requisites[0]}))]
    assert sorted(a.type_id for a in streamed) == sorted(AddressType.NAMES)
    assert len(await addresses.list_all(limit=7)) == 7


async def _aiter(stream: Any) -> Any:
    """Items of ``iter_all`` of either client (the awaitable sync wrapper returns a plain iterator)."""
    if not hasattr(stream, "__aiter__"):
        stream = await stream
    if hasattr(stream, "__aiter__"):
        async for item in stream:
            yield item
    else:
        for item in stream:
            yield item


async def test_address_types_and_fields(client: Any) -> None:
    addresses = address_api(client)
    types = await addresses.types()
    assert types[AddressType.LEGAL] == "Legal address"
    assert set(AddressType.NAMES) <= set(types)
    fields = await addresses.fields()
    assert fields["ANCHOR_ID"].is_read_only is True
    assert fields["TYPE_ID"].is_required is True


async def test_address_field_safety_and_early_errors(client: Any, emu: Emulator) -> None:
    requisite_id = add_requisite(emu, add_company(emu))
    addresses = address_api(client)
    key = {"TYPE_ID": 6, "ENTITY_TYPE_ID": REQUISITE, "ENTITY_ID": requisite_id}
    await addresses.fields()
    emu.reset_stats()
    with pytest.raises(errors.InvalidInputError, match="did you mean 'CITY'"):
        await addresses.add({**key, "CITYY": "Москва"})
    with pytest.raises(errors.InvalidInputError, match="read-only"):
        await addresses.add({**key, "ANCHOR_ID": 5})
    with pytest.raises(errors.InvalidInputError, match=r"TYPE_ID.*required"):
        await addresses.add({"ENTITY_TYPE_ID": REQUISITE, "ENTITY_ID": requisite_id, "CITY": "Москва"})
    with pytest.raises(errors.InvalidInputError, match="ENTITY_ID"):
        await addresses.update({**key, "ENTITY_ID": 0, "CITY": "Москва"})
    with pytest.raises(errors.InvalidInputError):
        await addresses.delete(0, REQUISITE, requisite_id)
    with pytest.raises(errors.InvalidInputError):
        await addresses.by_type(REQUISITE, "x")
    assert emu.stats.requests == 0


async def seeded_deal(emu: Emulator) -> dict[str, int]:
    """A deal of a client company, with client and seller requisites and bank details."""
    client_company = add_company(emu, "ООО «Клиент»")
    seller = add_company(emu, "ООО «Мы»", mine=True)
    requisite_id = add_requisite(emu, client_company)
    mc_requisite_id = add_requisite(emu, seller)
    deal_id = int(
        result(emu, "crm.deal.add", {"fields": {"TITLE": "Поставка", "COMPANY_ID": client_company}})
    )
    return {
        "deal": deal_id,
        "requisite": requisite_id,
        "bank": add_bankdetail(emu, requisite_id),
        "mc_requisite": mc_requisite_id,
        "mc_bank": add_bankdetail(emu, mc_requisite_id, "Альфа-Банк"),
    }


async def test_link_register_and_get_with_mixed_types(client: Any, emu: Emulator) -> None:
    ids = await seeded_deal(emu)
    link = requisite_api(client).link
    assert await link.register(
        2,
        ids["deal"],
        requisite_id=ids["requisite"],
        bank_detail_id=ids["bank"],
        mc_requisite_id=ids["mc_requisite"],
        mc_bank_detail_id=ids["mc_bank"],
    )
    raw = result(emu, "crm.requisite.link.get", {"entityTypeId": 2, "entityId": ids["deal"]})
    assert raw["ENTITY_TYPE_ID"] == 2
    assert raw["REQUISITE_ID"] == str(ids["requisite"])  # the portal mixes ints and strings
    got = await link.get(2, ids["deal"])
    assert got == RequisiteLink(
        entity_type_id=2,
        entity_id=ids["deal"],
        requisite_id=ids["requisite"],
        bank_detail_id=ids["bank"],
        mc_requisite_id=ids["mc_requisite"],
        mc_bank_detail_id=ids["mc_bank"],
    )
    assert [(row.entity_type_id, row.entity_id) for row in await link.list_all()] == [(2, ids["deal"])]
    page = await link.list(filter={"entity_id": ids["deal"]})
    assert page.items[0].requisite_id == ids["requisite"]

    assert await link.register(2, ids["deal"], requisite_id=ids["requisite"])  # the rest "not selected"
    partial = await link.get(2, ids["deal"])
    assert (partial.requisite_id, partial.bank_detail_id, partial.mc_requisite_id) == (
        ids["requisite"],
        None,
        None,
    )

    assert await link.unregister(2, ids["deal"])
    with pytest.raises(errors.NotFoundError):
        await link.get(2, ids["deal"])


async def test_link_refused_by_the_portal_for_a_foreign_requisite(client: Any, emu: Emulator) -> None:
    ids = await seeded_deal(emu)
    stranger = add_requisite(emu, add_company(emu, "ООО «Чужие»"))
    with pytest.raises(errors.APIError, match="not assigned"):
        await requisite_api(client).link.register(2, ids["deal"], requisite_id=stranger)


@pytest.mark.parametrize(
    "attempt",
    [
        lambda link: link.register(4, 5, requisite_id=1),  # a company cannot use requisite links
        lambda link: link.register(2, 0, requisite_id=1),
        lambda link: link.register(2, 5, requisite_id=-1),
        lambda link: link.register(2, 5, bank_detail_id=3),  # bank details without their requisite
        lambda link: link.register(2, 5, requisite_id=1, mc_bank_detail_id=3),
        lambda link: link.get(0, 5),
        lambda link: link.get(2, "five"),
        lambda link: link.unregister(8, 5),
    ],
)
async def test_bad_link_arguments_fail_before_any_request(client: Any, emu: Emulator, attempt: Any) -> None:
    emu.reset_stats()
    with pytest.raises(errors.InvalidInputError):
        await attempt(requisite_api(client).link)
    assert emu.stats.requests == 0


async def test_link_fields(client: Any) -> None:
    fields = await requisite_api(client).link.fields()
    assert {"ENTITY_TYPE_ID", "ENTITY_ID", "REQUISITE_ID", "MC_BANK_DETAIL_ID"} <= set(fields)
