"""Column names of fields: the code in lowercase, unique in its table and the same on every run.

A field keeps the column ``_fields`` gave it on an earlier run (a removed field's column too: it keeps its
history, so no other field takes it). A field seen for the first time gets its code in lowercase
(``UF_CRM_A`` -> ``uf_crm_a``, a money field also ``uf_crm_a_currency``) unless that name is taken (``id``,
``_synced_at``, another field's column or currency column); then the name gets an ``_`` and 8 hex digits
of the code's SHA-1 (``uf_crm_a_currency_1f0c2d3e``), so the name depends on the code alone, never on the
order the portal lists its fields in. New fields are placed sorted by code, those whose code lowercases to
their name exactly first, so two new fields that want one name are told apart the same way on every portal.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping

__all__ = ["RESERVED", "assign_columns", "column_of", "column_parts"]

#: the columns of every entity table that no field can take
RESERVED = frozenset({"id", "_synced_at"})
#: PostgreSQL cuts identifiers at 63 bytes; a money column's name also takes ``_currency``
_LONGEST = 63 - len("_currency")
_SAFE = re.compile(r"^[a-z_][a-z0-9_]*$")


def column_of(code: str) -> str:
    """The natural column name of a field code: lowercased, anything but ``a-z``, digits and ``_`` as
    ``_``, ``f_`` in front of a leading digit, at most 54 characters."""
    name = re.sub(r"[^a-z0-9_]", "_", code.lower())
    if not re.match(r"^[a-z_]", name):
        name = f"f_{name}"
    return name if len(name) <= _LONGEST else _alternative(code, name, 0)


def _alternative(code: str, natural: str, attempt: int) -> str:
    digest = hashlib.sha1(code.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    suffix = f"_{digest}" if attempt == 0 else f"_{digest}_{attempt}"
    return natural[: _LONGEST - len(suffix)] + suffix


def column_parts(base: str, money: bool) -> tuple[str, ...]:
    """The columns of a field whose column is ``base``: a money field has ``<base>_currency`` too."""
    return (base, f"{base}_currency") if money else (base,)


def assign_columns(wanted: Mapping[str, bool], kept: Mapping[str, tuple[str, bool]]) -> dict[str, str]:
    """The column of every field of ``wanted`` (code -> is money): its column from ``kept`` (code ->
    (column, is money) from ``_fields``, removed fields included) while still free, else a new name."""
    taken: set[str] = set(RESERVED)
    out: dict[str, str] = {}
    for code in sorted(kept, key=lambda c: (c not in wanted, c)):  # the current fields first
        column, money = kept[code]
        money = wanted.get(code, money)
        names = column_parts(column, money)
        if len(column) > _LONGEST or not all(_SAFE.match(n) for n in names) or taken.intersection(names):
            continue
        taken.update(names)
        if code in wanted:
            out[code] = column
    fresh = sorted((c for c in wanted if c not in out), key=lambda c: (column_of(c) != c.lower(), c))
    for code in fresh:
        natural = base = column_of(code)
        attempt = 0
        while taken.intersection(column_parts(base, wanted[code])):
            base = _alternative(code, natural, attempt)
            attempt += 1
        taken.update(column_parts(base, wanted[code]))
        out[code] = base
    return out
