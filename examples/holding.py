"""Holding structure: the "Parent company" field, the forest of companies, a refused loop, deal totals.

Runs against your portal when BITRIX24_WEBHOOK_URL is set, else against the built-in demo portal (its hotel
holding «Гостиничная группа Восток» has four branches, one stored as "CO_12", and a second level):

    python examples/holding.py

On a real portal the only write is creating the company field "Parent company" when it does not exist yet
(it needs CRM admin rights); the loop below is refused before anything is written.
"""

from __future__ import annotations

import os

from bitrix24_toolkit import Bitrix24
from bitrix24_toolkit.helpers import (
    HoldingCycleError,
    ensure_parent_field,
    holding_totals,
    holding_tree,
    set_parent,
)
from bitrix24_toolkit.testing import Emulator


def main() -> None:
    if os.environ.get("BITRIX24_WEBHOOK_URL"):
        b24 = Bitrix24()
    else:
        print("No BITRIX24_WEBHOOK_URL set: using the built-in demo portal")
        b24 = Emulator.demo().client()
    with b24:
        code = ensure_parent_field(b24)  # found, not created again
        print(f"parent field: {code}")

        tree = holding_tree(b24)  # one fast read of every company
        print(f"{len(tree)} companies, {len(tree.holdings)} holding(s)")
        print(tree.render())
        if not tree.holdings:
            print("no holdings yet: link a branch with set_parent(b24, branch_id, head_id)")
            return

        head = tree.holdings[0]
        deepest = max(head.walk(), key=lambda node: node.depth)
        try:
            set_parent(b24, head.id, deepest.id)  # the head below its own branch: a loop
        except HoldingCycleError as exc:
            print(f"refused: {exc}")

        totals = holding_totals(b24, head.id)
        print(f"deals of «{head.title}» and its {len(head.ids) - 1} subsidiaries:")
        print(totals.summary())


if __name__ == "__main__":
    main()
