"""The base of every model: tolerant by default, the API's names as aliases, writes in the portal's forms."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, ClassVar, Self, cast

from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler, ValidationError
from pydantic.alias_generators import to_camel
from pydantic_core import CoreSchema

from ..errors import InvalidInputError
from .native import empty_as_none
from .strict import refuse_unknown

__all__ = ["BitrixModel", "CamelModel", "api_name", "attribute_names"]


def _upper(name: str) -> str:
    return name.upper()


class BitrixModel(BaseModel):
    """A Bitrix24 object with snake_case attributes and the API's UPPER_CASE names as aliases.

    Unknown keys (every ``UF_CRM_*`` custom field, fields added by a newer portal) are kept and reachable
    by their code: ``deal["UF_CRM_HOLDING"]`` or ``deal.custom_fields``. ``from_api(data, strict=True)``
    refuses keys the model does not know (custom fields excepted).
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        alias_generator=_upper,
        arbitrary_types_allowed=False,
        protected_namespaces=(),
    )

    #: Extra keys that strict parsing still accepts (prefixes).
    custom_prefixes: ClassVar[tuple[str, ...]] = ("UF_",)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler, /) -> CoreSchema:
        """Pydantic's schema, ``""`` (the portal's "no value") read as ``None`` for every field and extra.

        Everything is parsed natively by pydantic-core: ``"123"`` -> int, ``"15000.00"`` -> Decimal,
        ``"Y"``/``"N"`` -> bool, ISO 8601 strings -> datetime, link ids (:data:`~.values.LinkId`), and ``""``
        as ``None`` before each field's own validation (see :mod:`.native`): no Python call per row.
        """
        return empty_as_none(handler(source), cls)

    @classmethod
    def from_api(cls, data: Mapping[str, Any], *, strict: bool = False) -> Self:
        """Parse a portal answer; ``strict=True`` refuses unknown non-custom keys."""
        try:
            if strict:
                parse = functools.partial(cls.model_validate, data, context={"strict": True})
                return cast(Self, refuse_unknown(cls, data, parse, _custom))
            return cls.model_validate(data, context={"strict": False})
        except ValidationError as exc:
            raise InvalidInputError(f"{cls.__name__}: {exc}", field=cls.__name__) from exc

    def to_api(self) -> dict[str, Any]:
        """The fields that were set, under the API's names, in the forms the portal takes (``Y``/``N``)."""
        return self.model_dump(by_alias=True, exclude_unset=True, mode="json")

    @property
    def custom_fields(self) -> dict[str, Any]:
        """Custom (``UF_*``) and other extra fields as the portal sent them."""
        return dict(self.model_extra or {})

    def get(self, name: str, default: Any = None) -> Any:
        """A field by its API name or attribute name (custom fields too)."""
        extra = self.model_extra or {}
        if name in extra:
            return extra[name]
        attribute = _attribute_for(type(self), name)
        if attribute is not None:
            return getattr(self, attribute)
        return default

    def __getitem__(self, name: str) -> Any:
        sentinel = object()
        value = self.get(name, sentinel)
        if value is sentinel:
            raise KeyError(name)
        return value


class CamelModel(BitrixModel):
    """A model of a newer API that speaks camelCase (``crm.category.*``, ``*.fields`` descriptions)."""

    model_config = ConfigDict(alias_generator=to_camel)


def _custom(cls: type[BaseModel], key: str) -> bool:
    """Whether an unknown key is a custom field that strict parsing still accepts (``UF_*``)."""
    return key.startswith(getattr(cls, "custom_prefixes", BitrixModel.custom_prefixes))


def _attribute_for(cls: type[BaseModel], name: str) -> str | None:
    fields = cls.model_fields
    if name in fields:
        return name
    for attribute, info in fields.items():
        if info.alias == name:
            return attribute
    return None


def api_name(cls: type[BaseModel], name: str) -> str:
    """The API's name for an attribute name (``stage_id`` -> ``STAGE_ID``); other names unchanged."""
    info = cls.model_fields.get(name)
    if info is not None and info.alias:
        return info.alias
    return name


def attribute_names(cls: type[BaseModel]) -> dict[str, str]:
    """API name -> attribute name for every declared field of a model."""
    return {(info.alias or attribute): attribute for attribute, info in cls.model_fields.items()}
