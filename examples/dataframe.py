"""All deals to a pandas DataFrame in one line, real dtypes; the per-currency sums checked against Decimals.

Needs the pandas extra (``pip install "bitrix24-toolkit[pandas]"``). Runs against your portal when
BITRIX24_WEBHOOK_URL is set (read-only), else against the built-in demo portal:

    python examples/dataframe.py
"""

from __future__ import annotations

import os
from collections import defaultdict
from decimal import Decimal

from bitrix24_toolkit import Bitrix24
from bitrix24_toolkit.helpers import to_dataframe
from bitrix24_toolkit.testing import Emulator


def main() -> None:
    if os.environ.get("BITRIX24_WEBHOOK_URL"):
        b24 = Bitrix24()
    else:
        print("No BITRIX24_WEBHOOK_URL set: using the built-in demo portal")
        b24 = Emulator.demo().client()
    with b24:
        deals = b24.crm.deal.list_all()
        df = deals.to_dataframe(fields=b24.crm.deal.fields())  # the one line
        print(f"{len(df)} deals, {len(df.columns)} columns")
        print(df[["ID", "OPPORTUNITY", "CURRENCY_ID", "CLOSED", "DATE_CREATE"]].dtypes.to_string())

        # The same sums three ways: floats from the frame, exact Decimals from the frame and from the models.
        floats = df.groupby("CURRENCY_ID")["OPPORTUNITY"].sum()
        exact = deals.to_dataframe(money="decimal").groupby("CURRENCY_ID")["OPPORTUNITY"].sum()
        expected: dict[str, Decimal] = defaultdict(Decimal)
        for deal in deals:
            expected[deal.currency_id or ""] += deal.opportunity or Decimal(0)
        for currency, total in sorted(expected.items()):
            print(f"{currency}: {floats[currency]:,.2f} (float), {exact[currency]:,.2f} (Decimal)")
            assert abs(Decimal(str(floats[currency])) - total) < Decimal("0.01"), currency
            assert exact[currency] == total, currency
        print("per-currency sums equal the Decimal sums of the models")

        # Leads: contact data flattened to the first phone, every entry kept in PHONE_all.
        leads = to_dataframe(b24.crm.lead.list_all(select=["*", "PHONE", "EMAIL"], limit=3))
        print(leads[["ID", "PHONE", "EMAIL", "HAS_PHONE"]].to_string(index=False))
        print("labels:", {k: df.attrs["labels"][k] for k in ("OPPORTUNITY", "CURRENCY_ID")})


if __name__ == "__main__":
    main()
