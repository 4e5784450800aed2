"""10,000 rows: about 200 write requests plus the dedupe look-ups, and every row accounted for."""

from __future__ import annotations

from bitrix24_toolkit.helpers import import_leads
from bitrix24_toolkit.testing.emulator import Emulator


def test_ten_thousand_rows_in_about_two_hundred_requests() -> None:
    emu = Emulator(limits="off")
    for i in range(0, 100, 2):  # 50 leads already have the phones of rows 0, 2, ... 98
        emu.call("crm.lead.add", {"fields": {"TITLE": f"old {i}", "PHONE": [{"VALUE": f"+7912{i:07d}"}]}})
    rows = [
        {"Имя": f"Клиент {i}", "Телефон": f"8 912 {i:07d}", "E-mail": f"client{i}@example.ru"}
        for i in range(10_000)
    ]
    rows[5000]["E-mail"] = "broken@"  # one bad row
    emu.reset_stats()
    with emu.client() as b24:
        report = import_leads(b24, rows)

    assert report.counts == {"created": 9949, "updated": 0, "skipped": 50, "failed": 1, "unknown": 0}
    assert report.failed[0].row == 5001  # dicts count from 1
    assert len(emu.state.table("lead")) == 50 + 9949
    # writes: ceil(9949 / 50) = 199; look-ups: 20,000 phone forms / 20 / 50 = 20 and 9,999 e-mails -> 10;
    # plus crm.lead.fields and the read of the 50 matched leads
    assert emu.stats.calls["crm.lead.add"] == 9949
    assert emu.stats.calls["crm.duplicate.findbycomm"] == 1000 + 500
    assert emu.stats.requests == 199 + 30 + 2
