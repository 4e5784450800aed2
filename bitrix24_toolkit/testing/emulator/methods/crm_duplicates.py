"""``crm.duplicate.findbycomm``: ids of leads/contacts/companies sharing a phone/e-mail.

Page: api-reference/crm/duplicates/crm-duplicate-find-by-comm.md. Its example error puts the table's text in
``error`` (``"Communication type is not defined"``) and a sentence in ``error_description``; the other
refusals follow that form.

Phones compare by digits only (``+7 (999) 123-45-67`` matches ``79991234567``), e-mails
case-insensitively. The answer is ``{"CONTACT": [ids...], ...}`` with int ids and keys only for types
with hits; with no hits it is ``[]`` (the empty shape is unconfirmed; PHP sends an empty array).
"""

from __future__ import annotations

import re
from typing import Any

from ..registry import Ctx, PortalError, method

__all__ = ["normalize_comm"]

_TYPES = ("LEAD", "CONTACT", "COMPANY")
_MAX_VALUES = 20


def normalize_comm(kind: str, value: Any) -> str:
    """The comparable form of a phone (digits) or e-mail (lower case)."""
    text = str(value or "").strip()
    return re.sub(r"\D", "", text) if kind == "PHONE" else text.lower()


@method("crm.duplicate.findbycomm")
def findbycomm(ctx: Ctx) -> dict[str, list[int]] | list[Any]:
    """Entities having any of the given communication values."""
    raw_kind = ctx.param("type")
    if raw_kind in (None, ""):
        raise PortalError("Communication type is not defined", "Parameter 'type' is required.", 400)
    kind = str(raw_kind).upper()
    if kind not in ("PHONE", "EMAIL"):
        code = f"Communication type '{raw_kind}' is not supported in current context"
        raise PortalError(code, f"Parameter 'type' must be PHONE or EMAIL, got '{raw_kind}'.", 400)
    values = ctx.param("values")
    if isinstance(values, dict):
        values = list(values.values())
    if not isinstance(values, list) or not values:
        raise PortalError("Communication values is not defined", "Parameter 'values' is required.", 400)
    if len(values) > _MAX_VALUES:
        raise PortalError("", f"Too many communication values (max {_MAX_VALUES}).", 400)
    wanted = {normalize_comm(kind, v) for v in values} - {""}
    entity_type = str(ctx.param("entity_type") or "").upper()
    types = [entity_type] if entity_type in _TYPES else list(_TYPES)
    out: dict[str, list[int]] = {}
    for type_name in types:
        hits = [
            int(row_id)
            for row_id, row in sorted(ctx.state.table(type_name.lower()).items())
            if any(normalize_comm(kind, e.get("VALUE")) in wanted for e in row.get(kind) or [])
        ]
        if hits:
            out[type_name] = hits
    return out or []
