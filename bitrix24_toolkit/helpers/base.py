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

import functools
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Generic, ParamSpec, TypeVar, overload

from ..errors import InvalidInputError
from ..protocol.call import Flow

if TYPE_CHECKING:
    from ..client.async_client import AsyncBitrix24
    from ..client.sync_client import Bitrix24

__all__ = ["Helper", "helper"]

P = ParamSpec("P")
T = TypeVar("T")


class Helper(Generic[P, T]):
    """A flow bound to whichever client it is called with (see the module docstring)."""

    def __init__(self, flow: Callable[P, Flow[T]]) -> None:
        self.flow = flow
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
        return run(self.flow(*args, **kwargs))

    def __repr__(self) -> str:
        return f"<helper {self.flow.__module__}.{self.flow.__qualname__}>"


def helper(flow: Callable[P, Flow[T]]) -> Helper[P, T]:
    """Turn a flow function into a helper callable as ``name(b24, ...)`` with either client."""
    return Helper(flow)
