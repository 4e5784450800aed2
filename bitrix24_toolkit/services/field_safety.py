"""Field safety: a write's keys are checked against the portal's ``*.fields`` before it is sent.

The portal silently drops keys it does not know, so a typo (``TITEL``) loses data without an error. Every
write factory runs :func:`checked` before building its call: the flow yields
:class:`~bitrix24_toolkit.protocol.call.KnownFields`, the running client answers from its own per-portal
cache (or with ``None`` when its checks are off), and :func:`check_fields` refuses unknown, read-only and
(on update) immutable keys, naming the nearest valid key. Nothing here remembers a portal.

A write whose keys are all documented writable standard fields (``standard``: the static table of
``models/standard_fields.py``) is not checked at all: it sends no ``*.fields`` request, and there is nothing
the check could refuse. Any other key (custom ``UF_*``, read-only, a typo) takes the portal's ``*.fields``.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

from ..errors import InvalidInputError
from ..models.meta import FieldInfo
from ..models.standard_fields import StandardFields
from ..protocol.call import Call, Flow, KnownFields

__all__ = ["IMPORT_FIELDS", "check_fields", "checked", "did_you_mean", "known_fields"]

#: System fields companies and contacts may write with ``params={"IMPORT": "Y"}`` (reference 5.2).
IMPORT_FIELDS: Final = frozenset({"DATE_CREATE", "DATE_MODIFY", "CREATED_BY_ID", "MODIFY_BY_ID"})


def did_you_mean(name: str, names: Iterable[str]) -> str:
    """``"; did you mean 'STAGE_ID'?"`` for the valid name nearest to ``name`` (any case), or ``""``."""
    by_lower: dict[str, str] = {}
    for candidate in names:
        by_lower.setdefault(str(candidate).lower(), str(candidate))
    choices = difflib.get_close_matches(str(name).lower(), list(by_lower), n=1, cutoff=0.6)
    return f"; did you mean {by_lower[choices[0]]!r}?" if choices else ""


def check_fields(
    where: str,
    known: Mapping[str, FieldInfo],
    data: Mapping[str, Any],
    *,
    updating: bool,
    allowed: Iterable[str] = (),
    hints: Mapping[str, str] | None = None,
) -> None:
    """Refuse keys the portal would silently drop: unknown, read-only, or immutable on update."""
    allow = set(allowed)
    for key in data:
        info = known.get(key)
        if info is None:
            raise InvalidInputError(
                f"{where}: unknown field {key!r} (the portal would silently ignore it)"
                f"{did_you_mean(key, known)}",
                field=key,
            )
        if key in allow:
            continue
        hint = f" ({hints[key]})" if hints and key in hints else ""
        if info.is_read_only:
            raise InvalidInputError(f"{where}: field {key!r} is read-only{hint}", field=key)
        if updating and info.is_immutable:
            raise InvalidInputError(
                f"{where}: field {key!r} cannot be changed after creation{hint}", field=key
            )


def known_fields(key: str, load: Call[dict[str, FieldInfo]]) -> Flow[dict[str, FieldInfo] | None]:
    """The portal's fields for ``key`` from the running client (``None``: its checks are off)."""
    known: dict[str, FieldInfo] | None = yield KnownFields(key, load)
    return known


def checked(
    rest_name: str,
    data: Mapping[str, Any],
    load: Call[dict[str, FieldInfo]],
    *,
    updating: bool,
    allowed: Iterable[str] = (),
    hints: Mapping[str, str] | None = None,
    exempt: Iterable[str] = (),
    by_name: Callable[[dict[str, FieldInfo]], Mapping[str, FieldInfo]] | None = None,
    standard: StandardFields | None = None,
) -> Flow[None]:
    """Check the keys of a ``{rest_name}.add``/``.update`` (``exempt`` pass; ``by_name`` re-keys fields).

    Keys all among ``standard``'s writable fields (not immutable, on update) need no ``*.fields`` read.
    """
    skipped = set(exempt)
    if standard is not None and standard.allows([k for k in data if k not in skipped], updating=updating):
        return
    known = yield from known_fields(load.describes or rest_name, load)
    if known is None:
        return
    check_fields(
        f"{rest_name}.{'update' if updating else 'add'}",
        by_name(known) if by_name is not None else known,
        {name: value for name, value in data.items() if name not in skipped},
        updating=updating,
        allowed=allowed,
        hints=hints,
    )
