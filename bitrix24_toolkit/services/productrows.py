"""``b24.crm.deal.productrows`` and ``b24.crm.lead.productrows``: read and replace an owner's product rows."""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from ..errors import InvalidInputError
from ..models.products import ProductRow
from ..protocol.call import Call
from ..protocol.envelope import APIResponse
from .common import dump_fields, ensure_id, parse_bool
from .shapes import unwrap_rows

__all__ = ["DealProductRowsCalls", "LeadProductRowsCalls", "ProductRowsBase"]


def _rows(response: APIResponse) -> list[ProductRow]:
    return [ProductRow.model_validate(row) for row in unwrap_rows(response)]


class ProductRowsBase:
    """Product rows of one owner kind; ``rest_name`` names the method family."""

    rest_name: ClassVar[str] = ""

    def get(self, owner_id: int) -> Call[builtins.list[ProductRow]]:
        """The owner's product rows in their order ({rest}.get)."""
        return Call(
            f"{self.rest_name}.get", {"id": ensure_id(owner_id, "owner_id")}, parse=_rows, read_only=True
        )

    def set(self, owner_id: int, rows: Sequence[ProductRow | Mapping[str, Any]]) -> Call[bool]:
        """Replace ALL product rows of the owner with ``rows`` (``[]`` removes them all) ({rest}.set)."""
        if isinstance(rows, Mapping | str) or not isinstance(rows, Sequence):
            raise InvalidInputError("rows must be a list of ProductRow or dicts", field="rows")
        payload = []
        for index, row in enumerate(rows):
            data = dump_fields(ProductRow, row)
            for key in ProductRow.output_only:
                data.pop(key, None)
            if not data.get("PRODUCT_NAME") and not data.get("PRODUCT_ID"):
                raise InvalidInputError(
                    f"rows[{index}] needs PRODUCT_ID or PRODUCT_NAME", field=f"rows[{index}]"
                )
            payload.append(data)
        params = {"id": ensure_id(owner_id, "owner_id"), "rows": payload}
        return Call(f"{self.rest_name}.set", params, parse=parse_bool)


class DealProductRowsCalls(ProductRowsBase):
    """Product rows of deals."""

    rest_name: ClassVar[str] = "crm.deal.productrows"


class LeadProductRowsCalls(ProductRowsBase):
    """Product rows of leads."""

    rest_name: ClassVar[str] = "crm.lead.productrows"
