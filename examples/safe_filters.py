"""Typo-proof reads: a misspelt filter, select or order name is refused before the list is sent.

The portal ignores filter keys it does not know, so ``{"STAGE": "WON"}`` would match every deal; a script that
deleted what it matched would delete them all. Runs against your portal when BITRIX24_WEBHOOK_URL is set, else
against the built-in demo portal:

    python examples/safe_filters.py
"""

from __future__ import annotations

import os

from bitrix24_toolkit import Bitrix24, errors
from bitrix24_toolkit.testing import Emulator


def main() -> None:
    if os.environ.get("BITRIX24_WEBHOOK_URL"):
        b24 = Bitrix24()
    else:
        print("No BITRIX24_WEBHOOK_URL set: using the built-in demo portal")
        b24 = Emulator.demo().client()
    with b24:
        won = b24.crm.deal.list_all(filter={"STAGE_ID": "WON"}, select=["ID", "TITLE", "OPPORTUNITY"])
        print(f"{len(won)} won deals")

        for bad in ({"filter": {"STAGE": "WON"}}, {"select": ["TITEL"]}, {"order": {"DATE_CREAT": "DESC"}}):
            try:
                b24.crm.deal.list_all(**bad)
            except errors.InvalidInputError as exc:
                print(f"refused, nothing listed: {exc}")
            else:
                raise SystemExit(f"expected {bad} to be refused")

        # crm.item speaks camelCase; the same check applies to its names.
        items = b24.crm.item(2).list_all(filter={"stageId": "WON"}, limit=5)
        print(f"crm.item: {len(items)} of the won deals")
        try:
            b24.crm.item(2).list_all(filter={"stage": "WON"})
        except errors.InvalidInputError as exc:
            print(f"refused: {exc}")


if __name__ == "__main__":
    main()
