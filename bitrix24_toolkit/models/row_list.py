"""What ``list_all`` returns: a plain ``list`` of rows that knows their model and turns into a DataFrame."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, Generic, Literal, TypeVar, cast

from pydantic import BaseModel

from .frames import to_dataframe
from .meta import FieldInfo

__all__ = ["RowList"]

T = TypeVar("T")


class RowList(list[T], Generic[T]):
    """A ``list`` of rows (models, or the portal's dicts with ``raw=True``) with ``.to_dataframe()``.

    It is a real list: it compares equal to a plain list of the same rows, slices into plain lists and
    pickles with its model. ``model`` is the model the rows are (or, for raw dicts, would be) parsed into.
    """

    model: type[BaseModel] | None

    def __init__(self, rows: Iterable[T] = (), *, model: type[BaseModel] | None = None) -> None:
        super().__init__(rows)
        self.model = model

    def to_dataframe(
        self,
        *,
        fields: Mapping[str, FieldInfo | Mapping[str, Any]] | None = None,
        money: Literal["float", "decimal"] = "float",
        tz: str | dt.tzinfo | None = None,
    ) -> Any:
        """These rows as a ``pandas.DataFrame`` with real dtypes (see ``helpers.to_dataframe``)."""
        rows = cast("list[BaseModel | Mapping[str, Any]]", self)
        return to_dataframe(rows, model=self.model, fields=fields, money=money, tz=tz)
