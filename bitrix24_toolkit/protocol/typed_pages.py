"""A list answer read from its bytes straight into typed rows: one pass in pydantic-core (issue 18, item 2).

``json.loads`` of a page and then a model per row build every row twice (a dict, then the model). A
:class:`PageDecoder` validates the body's bytes with the row model inside the envelope's shape, so the
rows are built once, natively. It is an optimisation only: it reads an answer only when it is the plain
success shape and gives ``None`` otherwise (an error envelope, another shape, a row the model refuses,
nesting deeper than :data:`~.envelope.MAX_DEPTH`, too many containers), and the caller then decodes the
body as always (:func:`~.envelope.decode_body`, :func:`~.envelope.parse_envelope`), which gives the exact
answer or error. When it reads an answer, it is the one the usual path gives, with the rows already parsed:
the same :class:`~.envelope.APIResponse` (``total``/``next``/``time`` through :func:`parse_envelope`, so
the same checks and errors) whose rows are model instances instead of dicts.

Two shapes: one list page (``{"result": [...], "total": 654, "next": 50, "time": {...}}``) and a
``batch`` of list pages (``{"result": {"result": {"p0": [...], ...}, "result_total": ...}, "time": ...}``).
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Callable, Iterable
from typing import Any, Final, Generic, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import CoreSchema, SchemaValidator, core_schema

from .envelope import MAX_CONTAINERS, MAX_DEPTH, APIResponse, parse_envelope, too_deep

__all__ = ["PageDecoder", "page_decoder"]

M = TypeVar("M", bound=BaseModel)
#: depth of a row in each shape: envelope 1, ``result`` 2, row 3 (batch: ``result.result[key]`` 4, row 5)
_ROW_DEPTH = {"page": 3, "batch": 5}
#: every byte but ``[`` and ``{`` (deleted, what is left is the containers :func:`decode_body` counts)
_NOT_CONTAINERS: Final = bytes(b for b in range(256) if b not in b"[{")


class PageDecoder(Generic[M]):
    """Reads list answers whose rows are ``model`` from their bytes (``None``: use the usual decoding)."""

    def __init__(self, model: type[M]) -> None:
        self.model = model
        self._page, self._batch = _validators(model)
        self._walk = _deep_parts(model)

    def page(
        self,
        body: bytes,
        *,
        status_code: int | None = None,
        method: str | None = None,
        redact: Callable[[str], str] | None = None,
        reset_at: float | None = None,
    ) -> APIResponse | None:
        """A single list page's answer with typed rows, or ``None`` when it is not the plain shape."""
        envelope, shallow = self._read(self._page, body)
        if envelope is None or (not shallow and self._too_deep(envelope, envelope["result"], "page")):
            return None
        return parse_envelope(
            envelope, status_code=status_code, method=method, redact=redact, reset_at=reset_at
        )

    def batch(
        self,
        body: bytes,
        *,
        status_code: int | None = None,
        method: str | None = None,
        redact: Callable[[str], str] | None = None,
        reset_at: float | None = None,
    ) -> APIResponse | None:
        """A ``batch`` answer whose results are all list pages of ``model``, rows typed, or ``None``."""
        envelope, shallow = self._read(self._batch, body)
        if envelope is None:
            return None
        inner = envelope["result"]
        rows = [row for page in inner["result"].values() for row in page]
        others = [value for key, value in inner.items() if key != "result"]
        if not shallow and self._too_deep(envelope, rows, "batch", others):
            return None
        return parse_envelope(
            envelope, status_code=status_code, method=method, redact=redact, reset_at=reset_at
        )

    @staticmethod
    def _read(validator: SchemaValidator, body: bytes) -> tuple[dict[str, Any] | None, bool]:
        """The envelope (``None``: not the shape) and whether it holds too few containers (``[``/``{``
        bytes, strings included) to nest deeper than :data:`MAX_DEPTH` (counted only in a body long enough
        to hold more than :data:`MAX_CONTAINERS`: shorter ones get the cheaper walk of their rows)."""
        containers = len(body)
        if containers > MAX_CONTAINERS:
            containers = len(body.translate(None, _NOT_CONTAINERS))
            if containers > MAX_CONTAINERS:
                return None, False
        try:
            envelope: dict[str, Any] = validator.validate_json(body)
        except (ValidationError, ValueError, RecursionError):
            return None, False
        return envelope, containers <= MAX_DEPTH

    def _too_deep(
        self, envelope: dict[str, Any], rows: list[Any], shape: str, others: Iterable[Any] = ()
    ) -> bool:
        """Whether any untyped part (``time``, the batch's maps, a row's extras or ``Any`` fields) nests
        deeper than the usual decoding accepts (:data:`MAX_DEPTH` for the whole answer)."""
        if _deep(envelope.get("time"), 2) or any(_deep(part, 3) for part in others):
            return True
        depth, walk = _ROW_DEPTH[shape], self._walk
        for row in rows:
            if walk(row, depth):
                return True
        return False


_DECODERS: dict[type[BaseModel], PageDecoder[Any]] = {}


def page_decoder(model: type[M]) -> PageDecoder[M]:
    """The (shared) :class:`PageDecoder` of ``model``'s rows."""
    decoder = _DECODERS.get(model)
    if decoder is None:
        decoder = _DECODERS.setdefault(model, PageDecoder(model))
    return decoder


@functools.cache
def _validators(model: type[BaseModel]) -> tuple[SchemaValidator, SchemaValidator]:
    """The envelope shapes with ``model`` rows: a page, and a batch of pages (no other key accepted)."""
    rows = core_schema.list_schema(model.__pydantic_core_schema__)

    def shape(required: dict[str, CoreSchema], *optional: str) -> CoreSchema:
        fields = {key: core_schema.typed_dict_field(schema) for key, schema in required.items()}
        for key in optional:
            fields[key] = core_schema.typed_dict_field(core_schema.any_schema(), required=False)
        return core_schema.typed_dict_schema(fields, extra_behavior="forbid")

    page = shape({"result": rows}, "total", "next", "time")
    results = shape(
        {"result": core_schema.dict_schema(core_schema.str_schema(), rows)},
        "result_error",
        "result_total",
        "result_next",
        "result_time",
    )
    return SchemaValidator(page), SchemaValidator(shape({"result": results}, "time"))


# ------------------------------------------------------------------------------- depth of untyped parts
Walk = Callable[[Any, int], bool]


@functools.cache
def _deep_parts(model: type[BaseModel]) -> Walk:
    """A check of one parsed ``model`` row at a depth: whether its untyped parts nest too deep.

    Typed fields of fixed depth (numbers, text, ``list[int]`` ...) are skipped; extras, ``Any``/``dict``
    values and nested models are walked (a nested model's own plan applies to it)."""
    walks = [(name, plan) for name, info in model.model_fields.items() if (plan := _plan(info.annotation))]

    def walk(row: Any, depth: int) -> bool:
        extra = row.__pydantic_extra__
        if extra:
            for value in extra.values():
                if type(value) in _CONTAINERS and _deep(value, depth + 1):
                    return True
        values = row.__dict__
        for name, plan in walks:
            value = values.get(name)
            if value is not None and plan(value, depth + 1):
                return True
        return False

    return walk


_CONTAINERS: Final = (dict, list)


def _deep(value: Any, depth: int) -> bool:
    """An untyped value at ``depth`` (``depth`` 1 is the envelope) nests deeper than :data:`MAX_DEPTH`."""
    return isinstance(value, dict | list) and too_deep(value, MAX_DEPTH - depth + 1)


def _plan(annotation: Any) -> Walk | None:
    """How to check a field's value (``None``: its type bounds its depth far below the limit)."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):  # its own plan, looked up late
        return lambda value, depth: isinstance(value, BaseModel) and _deep_parts(type(value))(value, depth)
    if annotation in (int, str, bool, float, type(None)) or (
        isinstance(annotation, type) and annotation.__module__ in ("datetime", "decimal")
    ):
        return None
    if origin in (typing.Union, types.UnionType):
        plans = [plan for plan in map(_plan, args) if plan is not None]
        if not plans:
            return None
        return lambda value, depth: any(plan(value, depth) for plan in plans)
    if origin is typing.Annotated:
        return _plan(args[0])
    if origin in (list, tuple, set, frozenset) and args:
        item = _plan(args[0])
        if item is None:
            return None  # list[int], list[str]: one level, far below the limit
        return lambda value, depth: isinstance(value, list | tuple) and any(item(v, depth + 1) for v in value)
    return _deep  # Any, dict[...], anything else: walk it as decoded JSON
