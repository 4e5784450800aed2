"""``UserCalls()`` (``b24.user``): employees, with their filter names checked as CRM lists are."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from ..errors import InvalidInputError, short_repr
from ..models.meta import FieldInfo, Page, User
from ..protocol.call import Call
from ..protocol.envelope import APIResponse
from .common import translate_filter
from .listing import page_call
from .query_safety import declared_names, query_checks

__all__ = ["SEARCH_FILTER_EXTRAS", "USER_FILTER_EXTRAS", "UserCalls"]

#: filter keys user.get takes beside the user.add fields (user-get.md)
USER_FILTER_EXTRAS: Final = frozenset(
    {"UF_DEPARTMENT", "UF_PHONE_INNER", "IS_ONLINE", "NAME_SEARCH", "USER_TYPE", "ACTIVE"}
)
#: ... and user.search besides (user-search.md: ``FIND``, ``UF_DEPARTMENT_NAME``)
SEARCH_FILTER_EXTRAS: Final = USER_FILTER_EXTRAS | {"FIND", "UF_DEPARTMENT_NAME"}


def _user_fields(response: APIResponse) -> dict[str, FieldInfo]:
    """user.fields answers names with their titles (``{"NAME": "First Name"}``)."""
    raw = response.result if isinstance(response.result, Mapping) else {}
    return {str(name): FieldInfo(title=str(title)) for name, title in raw.items()}


def _query(params: Mapping[str, Any]) -> dict[str, Any]:
    """The names a user list call uses, in the shape the name check reads; custom ``UF_*`` fields (not
    described by user.fields) are left to the portal."""
    flt = params.get("FILTER")
    query: dict[str, Any] = {}
    if isinstance(flt, Mapping):
        query["filter"] = {k: v for k, v in flt.items() if not str(k).lstrip("=!<>@%").startswith("UF_")}
    if isinstance(params.get("SORT"), str) and not params["SORT"].startswith("UF_"):
        query["order"] = {params["SORT"]: "ASC"}
    return query


class UserCalls:
    """Employees (scope ``user``)."""

    def current(self) -> Call[User]:
        """The user the webhook or token acts as (user.current)."""
        return Call("user.current", {}, parse=lambda r: User.model_validate(r.result), read_only=True)

    def fields(self) -> Call[dict[str, FieldInfo]]:
        """The names and titles of the standard user fields (user.fields)."""
        return Call("user.fields", {}, parse=_user_fields, read_only=True, describes="user")

    def get(
        self,
        *,
        filter: Mapping[str, Any] | None = None,
        sort: str | None = None,
        order: str | None = None,
        start: int = 0,
        check: bool = True,
    ) -> Call[Page[User]]:
        """A page of up to 50 users by filter (``UF_DEPARTMENT``, ``%LAST_NAME``) (user.get, user.fields)."""
        return self._page("user.get", USER_FILTER_EXTRAS, filter, sort, order, start, check)

    def search(
        self,
        *,
        filter: Mapping[str, Any] | None = None,
        sort: str | None = None,
        order: str | None = None,
        start: int = 0,
        check: bool = True,
    ) -> Call[Page[User]]:
        """One page of users found by personal data (``{"FIND": "Ivan"}``) (user.search, user.fields)."""
        return self._page("user.search", SEARCH_FILTER_EXTRAS, filter, sort, order, start, check)

    def _page(
        self,
        method: str,
        extras: frozenset[str],
        filter: Mapping[str, Any] | None,
        sort: str | None,
        order: str | None,
        start: int,
        check: bool,
    ) -> Call[Page[User]]:
        params = _user_params(filter, sort, order)
        checks = (
            query_checks(
                method,
                _query(params),
                self.fields(),
                names=lambda known: set(known) | extras,
                standard=declared_names(User) | extras,
            )
            if check
            else None
        )
        return page_call(method, params, User.model_validate, start=start, checks=checks)


def _user_params(filter: Mapping[str, Any] | None, sort: str | None, order: str | None) -> dict[str, Any]:
    """user.get's request: ``FILTER``, ``SORT`` (a field) and ``ORDER`` (ASC/DESC) (user-get.md)."""
    params: dict[str, Any] = {}
    if filter:
        params["FILTER"] = translate_filter(User, filter)  # attribute names too: last_name -> LAST_NAME
    if sort is not None:
        if not isinstance(sort, str) or not sort:
            raise InvalidInputError(f"sort must be a field name, not {short_repr(sort)}", field="sort")
        params["SORT"] = User.model_fields[sort].alias or sort if sort in User.model_fields else sort
    if order is not None:
        if not isinstance(order, str) or order.upper() not in ("ASC", "DESC"):
            raise InvalidInputError(f"order must be 'ASC' or 'DESC', not {short_repr(order)}", field="order")
        params["ORDER"] = order.upper()
    return params
