"""How a helper is written: one flow, callable with either client.

A helper is a function whose first argument is a client. Inside it is a flow (a generator of calls, see
:mod:`bitrix24_toolkit.protocol.call`), so the same code serves both clients and is tested with canned
results and no HTTP::

    @helper
    def company_title(company_id: int) -> Flow[str]:
        \"\"\"The title of a company (crm.company.get).\"\"\"
        company = yield Call("crm.company.get", {"id": company_id})
        return str(company["TITLE"])

    company_title(b24, 5)            # Bitrix24: the value
    await company_title(ab24, 5)     # AsyncBitrix24: an awaitable
    company_title.flow(5)            # the bare flow, for tests and for composing helpers
"""

from __future__ import annotations

import collections.abc as abc
import functools
import inspect
import sys
import types
import typing
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Generic, ParamSpec, TypeVar, overload

from ..errors import InvalidInputError, short_repr
from ..protocol.call import Flow

if TYPE_CHECKING:
    from ..client.async_client import AsyncBitrix24
    from ..client.sync_client import Bitrix24

__all__ = ["Helper", "OptionChecker", "helper"]

# ---------------------------------------------------------------------------------- option checks
# ``convert_leads(b24, ids=ids, dedupe="no")`` would otherwise run with ``dedupe`` true (a non-empty string).
# Simple annotations are checked before any request: bool, int, float, str, Literal[...], unions of those
# with None, and the Mapping / Sequence / Iterable containers (their elements are the helper's business).
# Anything else (models, callables, Any) is left to the helper.
_Check = Callable[[Any], bool]


def _of(annotation: Any) -> tuple[_Check, str] | None:
    """A check and its description for an annotation, or None when it is not a simple one."""
    if annotation is bool:
        return (lambda v: isinstance(v, bool)), "True or False"
    if annotation is int:
        # a 64-bit range: no id, count or option of a portal is larger (and a 5,000-digit int cannot even
        # be printed in an error)
        return (lambda v: isinstance(v, int) and not isinstance(v, bool) and -(2**63) <= v < 2**63), "an int"
    if annotation is float:
        return (lambda v: isinstance(v, int | float) and not isinstance(v, bool)), "a number"
    if annotation is str:
        return (lambda v: isinstance(v, str)), "a string"
    if annotation is type(None):
        return (lambda v: v is None), "None"
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        values = typing.get_args(annotation)
        return (lambda v: any(v == x and type(v) is type(x) for x in values)), " or ".join(map(repr, values))
    if origin in (typing.Union, types.UnionType):
        parts = [_of(arg) for arg in typing.get_args(annotation)]
        if any(part is None for part in parts):
            return None
        checks = [part[0] for part in parts if part is not None]
        text = " or ".join(part[1] for part in parts if part is not None)
        return (lambda v: any(check(v) for check in checks)), text
    if origin in (abc.Mapping, dict) or annotation in (abc.Mapping, dict):
        return (lambda v: isinstance(v, abc.Mapping)), "a mapping (dict)"
    if origin in (abc.Sequence, list, tuple) or annotation in (abc.Sequence, list, tuple):
        return (lambda v: isinstance(v, abc.Sequence) and not isinstance(v, str | bytes)), "a list"
    if origin is abc.Iterable or annotation is abc.Iterable:
        return (lambda v: isinstance(v, abc.Iterable) and not isinstance(v, str | bytes)), "an iterable"
    return None


def _resolve(annotation: Any, namespace: dict[str, Any]) -> Any:
    """A parameter's annotation as an object (our modules use postponed annotations), or None when it
    names something imported for type checking only."""
    if not isinstance(annotation, str):
        return None if annotation is inspect.Parameter.empty else annotation
    try:
        return eval(annotation, namespace)  # our own annotation text, never input
    except Exception:
        return None


class OptionChecker:
    """Checks a helper's arguments against its annotations (built on first use)."""

    def __init__(self, flow: Callable[..., Any]) -> None:
        self.flow = flow
        self._checks: dict[str, tuple[_Check, str]] | None = None
        self._signature: inspect.Signature | None = None

    def _build(self) -> tuple[inspect.Signature, dict[str, tuple[_Check, str]]]:
        if self._signature is None or self._checks is None:
            signature = inspect.signature(self.flow)
            checks: dict[str, tuple[_Check, str]] = {}
            namespace = vars(sys.modules[self.flow.__module__])
            for name, parameter in signature.parameters.items():
                if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
                    continue
                found = _of(_resolve(parameter.annotation, namespace))
                if found is not None:
                    checks[name] = found
            self._signature, self._checks = signature, checks
        return self._signature, self._checks

    def check(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        """Raise :class:`InvalidInputError` for the first argument of the wrong type."""
        signature, checks = self._build()
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError:
            return  # the call itself raises the usual TypeError
        for name, value in bound.arguments.items():
            found = checks.get(name)
            if found is None:
                continue
            test, wanted = found
            default = signature.parameters[name].default
            if value is default or test(value):
                continue
            raise InvalidInputError(
                f"{self.flow.__name__}: {name} must be {wanted}, "
                f"not {type(value).__name__} {short_repr(value)}",
                field=name,
            )


P = ParamSpec("P")
T = TypeVar("T")


class Helper(Generic[P, T]):
    """A flow bound to whichever client it is called with (see the module docstring)."""

    def __init__(self, flow: Callable[P, Flow[T]]) -> None:
        self.flow = flow
        self._options = OptionChecker(flow)
        functools.update_wrapper(self, flow)

    @overload
    def __call__(self, b24: Bitrix24, /, *args: P.args, **kwargs: P.kwargs) -> T: ...
    @overload
    def __call__(self, b24: AsyncBitrix24, /, *args: P.args, **kwargs: P.kwargs) -> Awaitable[T]: ...
    def __call__(self, b24: Any, /, *args: P.args, **kwargs: P.kwargs) -> Any:
        run = getattr(b24, "run", None)
        if run is None:
            raise InvalidInputError(
                f"{self.flow.__name__}: the first argument must be a Bitrix24 or AsyncBitrix24 client, "
                f"not {type(b24).__name__}",
                field="b24",
            )
        self._options.check(args, kwargs)
        return run(self.flow(*args, **kwargs))

    def __repr__(self) -> str:
        return f"<helper {self.flow.__module__}.{self.flow.__qualname__}>"


def helper(flow: Callable[P, Flow[T]]) -> Helper[P, T]:
    """Turn a flow function into a helper callable as ``name(b24, ...)`` with either client."""
    return Helper(flow)
