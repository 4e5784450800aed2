"""``Owner``: a typed reference to one CRM object (a lead, deal, contact, company or smart-process item).

Helpers that act on "an object" take any of ``Owner.deal(5)``, ``("deal", 5)``, ``(2, 5)`` or a model
instance with an id (``Deal``, ``Lead`` ... read from the portal); :meth:`Owner.of` turns each into an Owner.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeAlias

from ...errors import InvalidInputError

__all__ = ["Owner", "OwnerLike"]

#: entityTypeId by lowercase name (reference 5.1)
_TYPE_IDS = {"lead": 1, "deal": 2, "contact": 3, "company": 4, "quote": 7, "smart_invoice": 31}
_NAMES = {number: name for name, number in _TYPE_IDS.items()}

#: what helpers accept where an owner is expected
OwnerLike: TypeAlias = "Owner | tuple[str | int, int] | Any"


def _type_id(kind: Any) -> int:
    if isinstance(kind, int) and not isinstance(kind, bool) and kind > 0:
        return kind
    if isinstance(kind, str):
        text = kind.strip().lower()
        if text in _TYPE_IDS:
            return _TYPE_IDS[text]
        if text.startswith("dynamic_") and text[len("dynamic_") :].isdigit():
            return int(text[len("dynamic_") :])
        if text.isdigit() and int(text) > 0:
            return int(text)
    raise InvalidInputError(
        f"unknown CRM object kind {kind!r}: use 'lead', 'deal', 'contact', 'company' or an entityTypeId",
        field="owner",
    )


def _positive(value: Any) -> int:
    if isinstance(value, bool):
        raise InvalidInputError(f"an object id must be a positive int, not {value!r}", field="owner")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidInputError(
            f"an object id must be a positive int, not {value!r}", field="owner"
        ) from None
    if number <= 0 or (isinstance(value, float) and not value.is_integer()):
        raise InvalidInputError(f"an object id must be a positive int, not {value!r}", field="owner")
    return number


@dataclass(frozen=True, order=True)
class Owner:
    """One CRM object: its kind (``entity_type_id``: 1 lead, 2 deal, 3 contact, 4 company, >= 128 smart
    processes) and its id."""

    entity_type_id: int
    id: int

    def __post_init__(self) -> None:
        _type_id(self.entity_type_id)
        _positive(self.id)

    @classmethod
    def lead(cls, id: int) -> Owner:
        """A lead."""
        return cls(1, _positive(id))

    @classmethod
    def deal(cls, id: int) -> Owner:
        """A deal."""
        return cls(2, _positive(id))

    @classmethod
    def contact(cls, id: int) -> Owner:
        """A contact."""
        return cls(3, _positive(id))

    @classmethod
    def company(cls, id: int) -> Owner:
        """A company."""
        return cls(4, _positive(id))

    @classmethod
    def of(cls, value: OwnerLike) -> Owner:
        """An Owner from ``Owner``, ``("deal", 5)``, ``(2, 5)`` or a model instance with an id."""
        if isinstance(value, Owner):
            return value
        if isinstance(value, tuple) and len(value) == 2:
            return cls(_type_id(value[0]), _positive(value[1]))
        type_id = getattr(type(value), "entity_type_id", None)
        if isinstance(type_id, int) and type_id > 0 and hasattr(value, "id"):
            if getattr(value, "id", None) is None:
                raise InvalidInputError(f"this {type(value).__name__} has no id yet", field="owner")
            return cls(type_id, _positive(value.id))
        raise InvalidInputError(
            f"expected an Owner, a (kind, id) pair such as ('deal', 5) or a model with an id, not {value!r}"[
                :200
            ],
            field="owner",
        )

    @property
    def name(self) -> str:
        """The lowercase kind, as timeline methods want it: ``deal``, ``lead``, ``dynamic_128``."""
        return _NAMES.get(self.entity_type_id, f"dynamic_{self.entity_type_id}")

    def __str__(self) -> str:
        return f"{self.name} {self.id}"
