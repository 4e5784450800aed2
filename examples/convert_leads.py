"""Lead conversion: one lead, then every open lead in batches; reruns create nothing twice; junk is refused.

Runs against your portal when BITRIX24_WEBHOOK_URL is set (it CONVERTS leads there: use a test portal),
else against the built-in demo portal:

    python examples/convert_leads.py
"""

from __future__ import annotations

import os

from bitrix24_toolkit import Bitrix24
from bitrix24_toolkit.helpers import LeadConversionError, convert_lead, convert_leads
from bitrix24_toolkit.testing import Emulator

OPEN = ["NEW", "IN_PROCESS", "PROCESSED"]


def main() -> None:
    if os.environ.get("BITRIX24_WEBHOOK_URL"):
        b24 = Bitrix24()
    else:
        print("No BITRIX24_WEBHOOK_URL set: using the built-in demo portal")
        b24 = Emulator.demo().client()
    with b24:
        open_leads = b24.crm.lead.list_all(filter={"@STATUS_ID": OPEN}, select=["ID"], raw=True)
        junk = b24.crm.lead.list(filter={"STATUS_ID": "JUNK"}, select=["ID"]).items
        if not open_leads:
            print("no open leads to convert")
            return
        first = int(open_leads[0]["ID"])

        # One lead: contact (+ company when the lead names one) and a deal, linked, the lead closed.
        result = convert_lead(b24, first)
        print(f"lead {first}: " + "; ".join(o.describe() for o in result.objects))

        # A rerun writes nothing: the lead is converted, and says so with a typed error.
        for lead_id in [first] + [lead.id for lead in junk[:1] if lead.id]:
            try:
                convert_lead(b24, lead_id)
            except LeadConversionError as exc:
                print(f"refused ({exc.reason}): {exc}")

        # Every open lead, batched: a report per lead; the rerun finds everything done.
        report = convert_leads(b24, {"@STATUS_ID": OPEN})
        print(
            f"bulk: {report.summary()}; new contacts {report.created_count('contact')}, "
            f"new deals {report.created_count('deal')}"
        )
        again = convert_leads(b24, {"@ID": [int(lead["ID"]) for lead in open_leads]})
        print(f"rerun: {again.summary()}")


if __name__ == "__main__":
    main()
