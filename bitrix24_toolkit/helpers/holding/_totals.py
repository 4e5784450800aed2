"""Deal totals of a holding: how many deals are open, won and lost, and their amounts by currency.

Pure code: :func:`aggregate_deals` sums raw ``crm.deal.list`` rows (``STAGE_SEMANTIC_ID``,
``OPPORTUNITY``, ``CURRENCY_ID``, ``COMPANY_ID``) with :class:`~decimal.Decimal` arithmetic. A deal whose
semantic is missing or unknown counts as open (the portal sets ``P`` for every stage that is not final).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ...models.values import parse_decimal

__all__ = ["DealBucket", "HoldingTotals", "aggregate_deals"]

_SEMANTICS = {"P": "open", "S": "won", "F": "lost"}


@dataclass
class DealBucket:
    """Deals of one outcome: their number, and number and amount per currency."""

    count: int = 0
    amounts: dict[str, Decimal] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, currency: str, amount: Decimal) -> None:
        """Count one deal."""
        self.count += 1
        self.amounts[currency] = self.amounts.get(currency, Decimal(0)) + amount
        self.counts[currency] = self.counts.get(currency, 0) + 1

    def to_dict(self) -> dict[str, Any]:
        """A plain dict; amounts as strings (exact decimals)."""
        return {
            "count": self.count,
            "amounts": {cur: str(value) for cur, value in sorted(self.amounts.items())},
            "counts": dict(sorted(self.counts.items())),
        }


@dataclass
class HoldingTotals:
    """Deals of every company of a holding, split into open, won and lost."""

    root_id: int
    company_ids: list[int]
    open: DealBucket = field(default_factory=DealBucket)
    won: DealBucket = field(default_factory=DealBucket)
    lost: DealBucket = field(default_factory=DealBucket)
    #: company id -> number of its deals (companies without deals left out)
    deals_by_company: dict[int, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        """Every deal of the holding."""
        return self.open.count + self.won.count + self.lost.count

    @property
    def currencies(self) -> list[str]:
        """The currencies that occur, sorted."""
        return sorted({*self.open.amounts, *self.won.amounts, *self.lost.amounts})

    def to_dict(self) -> dict[str, Any]:
        """A plain dict of everything (amounts as strings)."""
        return {
            "root_id": self.root_id,
            "company_ids": list(self.company_ids),
            "count": self.count,
            "open": self.open.to_dict(),
            "won": self.won.to_dict(),
            "lost": self.lost.to_dict(),
            "deals_by_company": dict(sorted(self.deals_by_company.items())),
        }

    def summary(self) -> str:
        """One line per outcome, e.g. ``won: 3 deals, 1,293,720.00 RUB``."""
        lines = []
        for name in ("open", "won", "lost"):
            bucket: DealBucket = getattr(self, name)
            money = ", ".join(f"{value:,.2f} {cur}" for cur, value in sorted(bucket.amounts.items()))
            lines.append(f"{name}: {bucket.count} deals" + (f", {money}" if money else ""))
        return "\n".join(lines)


def aggregate_deals(
    root_id: int, company_ids: Iterable[int], deals: Iterable[Mapping[str, Any]]
) -> HoldingTotals:
    """Sum raw deal rows into open / won / lost buckets by currency (deals of other companies ignored)."""
    members = list(company_ids)
    wanted = set(members)
    totals = HoldingTotals(root_id, members)
    for deal in deals:
        try:
            company = int(deal.get("COMPANY_ID") or 0)
        except (TypeError, ValueError):
            continue
        if company not in wanted:
            continue
        bucket_name = _SEMANTICS.get(str(deal.get("STAGE_SEMANTIC_ID") or "P").upper(), "open")
        amount = parse_decimal(deal.get("OPPORTUNITY")) or Decimal(0)
        currency = str(deal.get("CURRENCY_ID") or "") or "?"
        getattr(totals, bucket_name).add(currency, amount)
        totals.deals_by_company[company] = totals.deals_by_company.get(company, 0) + 1
    return totals
