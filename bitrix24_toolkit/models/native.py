"""The portal's "no value" (``""``) read as ``None`` inside pydantic-core: no Python call per row or field.

The portal sends ``""`` for an empty value of any type (``"DATE_CLOSED": ""``, ``"OPPORTUNITY": ""``). Every
field of a :class:`~.base.BitrixModel` (and every extra key) reads it as ``None`` and then validates that
``None`` as the field would: ``None`` for the usual optional fields, the field's own error for a required
one. :func:`empty_as_none` rewrites a model's core schema so that pydantic-core does this itself, field by
field, before the field's own validation:

* a field whose type rejects ``""`` and is unchanged by a second pass (``int``, ``bool``, ``float``,
  ``datetime``, ``date``, ``time``) is parsed first (``"123"`` -> ``123``), ``""`` then reads
  as ``None``, and the result goes through the field's schema as before (a value already parsed passes
  straight through, and anything the first step refused reaches the field unchanged, so a refusal is
  exactly the field's own error);
* any other field (text, lists, nested models, ``Any``, custom validators) gets a non-empty string or any
  other value unchanged and ``""`` as ``None``, then its own schema;
* a type that already reads ``""`` as none itself (:data:`~.values.LinkId`) says so with
  :data:`EMPTY_IS_NONE` in its schema's metadata and is left alone.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any, Final, cast

from pydantic_core import CoreSchema, core_schema

__all__ = ["EMPTY_IS_NONE", "empty_as_none", "model_nodes", "to_none"]

#: metadata key of a core schema that reads ``""`` as ``None`` itself (its fields are left as they are)
EMPTY_IS_NONE: Final = "bitrix24_toolkit.empty_is_none"
#: metadata key marking a model node whose fields were rewritten (a model nested in another is done once)
_DONE: Final = "bitrix24_toolkit.empty_as_none_done"
#: types that refuse ``""``, give back what they are given once parsed and read a JSON value as they read
#: its decoded Python value (so they may run first, on the raw input). Not ``decimal``: from a JSON float
#: pydantic makes ``Decimal("0")`` where the decoded ``0.0`` gives ``Decimal("0.0")``.
_PARSE_FIRST: Final = frozenset({"int", "bool", "float", "datetime", "date", "time"})


def to_none() -> CoreSchema:
    """Any input -> ``None`` (in a chain after a check that matched an "empty" form), natively."""
    return core_schema.with_default_schema(core_schema.none_schema(), default=None, on_error="default")


def _empty_to_none() -> CoreSchema:
    return core_schema.chain_schema([core_schema.literal_schema([""]), to_none()])


def _first_step(field: CoreSchema) -> CoreSchema:
    """``""`` -> ``None``, anything else parsed by ``field`` when it may run first, else unchanged."""
    ahead = (
        [copy.deepcopy(field)]
        if field.get("type") in _PARSE_FIRST
        else [core_schema.str_schema(strict=True, min_length=1)]
    )
    return core_schema.union_schema(
        [*ahead, _empty_to_none(), core_schema.any_schema()], mode="left_to_right"
    )


def _same_json_schema(original: CoreSchema) -> Callable[[Any, Any], Any]:
    def generate(_schema: Any, handler: Any) -> Any:
        return handler.generate_json_schema.generate_inner(original)

    return generate


def _wrapped(schema: CoreSchema) -> CoreSchema:
    """``schema`` with ``""`` read as ``None`` first (same values, same errors, same serialisation)."""
    if schema.get("metadata", {}).get(EMPTY_IS_NONE):
        return schema
    nullable = schema.get("type") == "nullable"
    field = cast(CoreSchema, schema["schema"]) if nullable else schema
    chain = core_schema.chain_schema([_first_step(field), schema])
    wrapped = core_schema.nullable_schema(chain) if nullable else chain
    if "serialization" in schema:
        wrapped["serialization"] = schema["serialization"]
    wrapped["metadata"] = {"pydantic_js_functions": [_same_json_schema(schema)], EMPTY_IS_NONE: True}
    return wrapped


def _no_extras_json_schema(schema: Any, handler: Any) -> Any:
    """The model's JSON schema as if it had no ``extras_schema`` (``additionalProperties: true``)."""
    json_schema = handler(schema)
    json_schema.pop("additionalProperties", None)
    return json_schema


def _fields_node(model: dict[str, Any]) -> dict[str, Any]:
    """The ``model-fields`` schema of a ``model`` node (under its ``mode="before"`` model validators)."""
    node = model["schema"]
    while node.get("type") != "model-fields":
        node = node["schema"]
    return cast(dict[str, Any], node)


def model_nodes(schema: Any, match: Callable[[type], bool]) -> Iterator[dict[str, Any]]:
    """Every ``model`` node of a core schema whose class passes ``match`` (definitions included)."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("type") == "model" and isinstance(node.get("cls"), type) and match(node["cls"]):
                yield node
            stack.extend(v for v in node.values() if isinstance(v, dict | list))
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, dict | list))


def _nodes_of(schema: Any, cls: type) -> list[dict[str, Any]]:
    """The ``model`` nodes of ``cls``: the schema itself or a top-level definition, else anywhere in it."""
    tops = [schema]
    if schema.get("type") == "definitions":
        tops += [schema["schema"], *schema["definitions"]]
    found = [node for node in tops if node.get("type") == "model" and node.get("cls") is cls]
    return found or list(model_nodes(schema, lambda model: model is cls))


def empty_as_none(schema: CoreSchema, cls: type) -> CoreSchema:
    """``schema`` (built by pydantic for ``cls``) with every field and extra of ``cls`` reading ``""`` as
    ``None`` natively; a model node already rewritten (a nested model's cached schema) is left alone."""
    for node in _nodes_of(schema, cls):
        metadata = node.setdefault("metadata", {})
        if metadata.get(_DONE):
            continue
        metadata[_DONE] = True
        fields = _fields_node(node)
        for field in fields["fields"].values():
            holder = field["schema"] if field["schema"].get("type") == "default" else field
            holder["schema"] = _wrapped(holder["schema"])
        extras = fields.get("extras_schema")
        if extras is None:
            fields["extras_schema"] = core_schema.nullable_schema(_first_step(core_schema.any_schema()))
            js_functions = fields.setdefault("metadata", {}).setdefault("pydantic_js_functions", [])
            js_functions.append(_no_extras_json_schema)
        else:
            fields["extras_schema"] = _wrapped(extras)
    return schema
