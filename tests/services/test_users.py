"""``b24.user``: current, get and search against the emulator (pages ``api-reference/user/``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bitrix24_toolkit.testing.emulator import Emulator


def _seed(emu: Emulator) -> None:
    users = emu.state.table("user")
    for number, (name, last) in enumerate((("Anna", "Smirnova"), ("Ivan", "Petrov"), ("Olga", "Ivanova")), 1):
        users[number] = {
            "ID": number,
            "ACTIVE": True,
            "NAME": name,
            "LAST_NAME": last,
            "DATE_REGISTER": "2024-07-22T00:00:00+03:00",
            "UF_DEPARTMENT": [1],
        }


async def test_current_parses_the_documented_record(client: Any, emu: Emulator) -> None:
    _seed(emu)
    me = await client.user.current()
    assert (me.id, me.active, me.full_name, me.uf_department) == (1, True, "Anna Smirnova", [1])
    assert me.date_register == dt.datetime(2024, 7, 22, tzinfo=dt.timezone(dt.timedelta(hours=3)))


async def test_get_pages_and_filters(client: Any, emu: Emulator) -> None:
    _seed(emu)
    page = await client.user.get(filter={"UF_DEPARTMENT": 1}, sort="ID", order="DESC")
    assert [user.id for user in page] == [3, 2, 1]
    assert (page.total, page.next) == (3, None)
    assert page.items[0].timestamp_x is None  # user-get.md sends TIMESTAMP_X as {}
    only = await client.user.get(filter={"%LAST_NAME": "ova"})
    assert [user.id for user in only] == [1, 3]


async def test_search_by_personal_data(client: Any, emu: Emulator) -> None:
    _seed(emu)
    found = await client.user.search(filter={"FIND": "Iv"})
    assert [user.full_name for user in found] == ["Ivan Petrov", "Olga Ivanova"]
