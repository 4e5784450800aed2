"""Users: ``user.current``, ``user.get``, ``user.search``, ``user.fields`` (pages ``api-reference/user/``).

Users are the rows of table ``"user"`` (invited by ``user.add``, see :mod:`.user_writes`);
a portal always has its administrator, so user 1 is a built-in record when the table has none. A stored row
may hold any ``user.fields`` code; answers carry the documented keys only, ids as strings, ``ACTIVE`` as a
boolean, ``UF_DEPARTMENT`` as a list of ints, and leave out a field the profile never had (``None``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..query import compile_filter, order_rows, page, parse_condition
from ..registry import Ctx, ListResult, method

__all__ = ["DEFAULT_ADMIN", "all_users", "find_user", "user_record"]

#: the administrator of a portal nobody has filled in: the fields of user-current.md's example, no others
DEFAULT_ADMIN: dict[str, Any] = {
    "ID": 1,
    "XML_ID": "",
    "ACTIVE": True,
    "NAME": "Иван",
    "LAST_NAME": "Петров",
    "EMAIL": "admin@demo.bitrix24.test",
    "LAST_LOGIN": "2024-01-15T09:00:00+03:00",
    "DATE_REGISTER": "2023-01-10T03:00:00+03:00",
    "IS_ONLINE": "Y",
    "PERSONAL_GENDER": "M",
    "WORK_POSITION": "Администратор",
    "UF_DEPARTMENT": [1],
    "USER_TYPE": "employee",
}

#: user.get's record (user-get.md example), in the page's key order, with the value of an unset field
_RECORD: tuple[tuple[str, Any], ...] = (
    ("ID", ""),
    ("ACTIVE", True),
    ("NAME", ""),
    ("LAST_NAME", ""),
    ("SECOND_NAME", None),
    ("EMAIL", ""),
    ("LAST_LOGIN", ""),
    ("DATE_REGISTER", DEFAULT_ADMIN["DATE_REGISTER"]),  # every account has one
    ("TIME_ZONE", None),
    ("IS_ONLINE", "N"),
    ("TIMESTAMP_X", {}),
    ("LAST_ACTIVITY_DATE", {}),
    ("PERSONAL_GENDER", ""),
    ("PERSONAL_WWW", None),
    ("PERSONAL_BIRTHDAY", ""),
    ("PERSONAL_MOBILE", None),
    ("PERSONAL_CITY", None),
    ("WORK_PHONE", None),
    ("WORK_POSITION", ""),
    ("UF_EMPLOYMENT_DATE", ""),
    ("UF_DEPARTMENT", []),
    ("USER_TYPE", "employee"),
)
#: user.current's example lacks these two and sends LAST_ACTIVITY_DATE as "Y-m-d H:i:s" text
_NOT_IN_CURRENT = ("TIMESTAMP_X", "USER_TYPE")

#: user.fields: code -> title (user-fields.md example)
USER_FIELDS: dict[str, str] = {
    "ID": "ID",
    "XML_ID": "External code",
    "ACTIVE": "Activity",
    "NAME": "First Name",
    "LAST_NAME": "Last Name",
    "SECOND_NAME": "Middle Name",
    "TITLE": "User List",
    "EMAIL": "E-Mail",
    "LAST_LOGIN": "Last Authorization",
    "DATE_REGISTER": "Registration Date",
    "TIME_ZONE": "TIME_ZONE",
    "IS_ONLINE": "IS_ONLINE",
    "TIMESTAMP_X": "TIMESTAMP_X",
    "LAST_ACTIVITY_DATE": "LAST_ACTIVITY_DATE",
    "PERSONAL_GENDER": "Gender",
    "PERSONAL_PROFESSION": "Profession",
    "PERSONAL_WWW": "Homepage",
    "PERSONAL_BIRTHDAY": "Date of Birth",
    "PERSONAL_PHOTO": "Photo",
    "PERSONAL_ICQ": "ICQ",
    "PERSONAL_PHONE": "Personal Phone",
    "PERSONAL_FAX": "Fax",
    "PERSONAL_MOBILE": "Personal Mobile",
    "PERSONAL_PAGER": "Pager",
    "PERSONAL_STREET": "Residential Street",
    "PERSONAL_CITY": "Residential City",
    "PERSONAL_STATE": "State / Region",
    "PERSONAL_ZIP": "Zip Code",
    "PERSONAL_COUNTRY": "Country",
    "PERSONAL_MAILBOX": "P.O. Box",
    "PERSONAL_NOTES": "Additional Notes",
    "WORK_PHONE": "Company Phone",
    "WORK_COMPANY": "Company",
    "WORK_POSITION": "Job Title",
    "WORK_DEPARTMENT": "Department",
    "WORK_WWW": "Company Website",
    "WORK_FAX": "WORK_FAX",
    "WORK_PAGER": "WORK_PAGER",
    "WORK_STREET": "WORK_STREET",
    "WORK_MAILBOX": "WORK_MAILBOX",
    "WORK_CITY": "Work City",
    "WORK_STATE": "WORK_STATE",
    "WORK_ZIP": "WORK_ZIP",
    "WORK_COUNTRY": "WORK_COUNTRY",
    "WORK_PROFILE": "WORK_PROFILE",
    "WORK_LOGO": "WORK_LOGO",
    "WORK_NOTES": "WORK_NOTES",
    "UF_SKYPE_LINK": "Skype Chat Link",
    "UF_ZOOM": "Zoom",
    "UF_EMPLOYMENT_DATE": "Hire Date",
    "UF_TIMEMAN": "Time Tracking",
    "UF_DEPARTMENT": "Units",
    "UF_INTERESTS": "Interests",
    "UF_SKILLS": "Skills",
    "UF_WEB_SITES": "Other Websites",
    "UF_XING": "Xing",
    "UF_LINKEDIN": "LinkedIn",
    "UF_TWITTER": "Twitter",
    "UF_SKYPE": "Skype",
    "UF_DISTRICT": "District",
    "UF_PHONE_INNER": "Extension",
    "USER_TYPE": "USER_TYPE",
}
#: request keys of user.get that are not filter fields
_CONTROL = frozenset({"SORT", "ORDER", "START", "SELECT", "FILTER", "ADMIN_MODE", "IMAGE_RESIZE", "AUTH"})
#: user-get.md: extra filter keys besides the user.add fields
_EXTRA_FILTERS = frozenset({"NAME_SEARCH", "UF_PHONE_INNER", "IS_ONLINE", "USER_TYPE", "ACTIVE"})
_NAME_FIELDS = ("NAME", "LAST_NAME", "SECOND_NAME", "EMAIL")


def all_users(ctx: Ctx) -> list[dict[str, Any]]:
    """Every user row by ascending id, the built-in administrator included when none is stored as 1."""
    rows = {int(key): row for key, row in ctx.state.table("user").items()}
    if 1 not in rows:
        rows[1] = dict(DEFAULT_ADMIN)
    return [{**row, "ID": user_id} for user_id, row in sorted(rows.items())]


def find_user(ctx: Ctx, user_id: int) -> dict[str, Any] | None:
    """One user row (``None`` when the portal has no such user)."""
    return next((row for row in all_users(ctx) if row["ID"] == user_id), None)


def _departments(value: Any) -> list[int]:
    items = value if isinstance(value, list | tuple) else [value]
    return [int(item) for item in items if str(item).strip().lstrip("-").isdigit()]


def user_record(row: Mapping[str, Any], *, current: bool = False) -> dict[str, Any]:
    """A user as user.get sends it (``current``: as user.current sends it)."""
    out: dict[str, Any] = {}
    for key, default in _RECORD:
        if current and key in _NOT_IN_CURRENT:
            continue
        value = row.get(key, default)
        if value is None:
            continue
        if key == "ID":
            value = str(value)
        elif key == "ACTIVE":
            value = value in (True, "Y", "y", 1, "1", "true")
        elif key == "UF_DEPARTMENT":
            value = _departments(value)
        elif key in ("TIMESTAMP_X", "LAST_ACTIVITY_DATE"):
            value = _activity_text(row.get(key)) if current else {}
        elif isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        out[key] = value
    if not current and row.get("XML_ID"):  # a user given an external code (user.add/user.update) shows it
        out["XML_ID"] = str(row["XML_ID"])
    return out


def _activity_text(value: Any) -> str:
    """user.current's LAST_ACTIVITY_DATE: ``2024-07-23 08:08:50`` (no offset), ``""`` when unknown."""
    if not isinstance(value, str) or len(value) < 19:
        return ""
    return value[:10] + " " + value[11:19]


def _value(row: Mapping[str, Any], name: str) -> Any:
    """A user's field as the filter compares it (flags as Y/N, departments as ints)."""
    if name == "ACTIVE":
        return "Y" if user_record(row)["ACTIVE"] else "N"
    if name == "UF_DEPARTMENT":
        return _departments(row.get("UF_DEPARTMENT", []))
    if name == "IS_ONLINE":
        return row.get("IS_ONLINE", "N")
    if name == "USER_TYPE":
        return row.get("USER_TYPE", "employee")
    return row.get(name)


def _flag(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [_flag(item) for item in value]
    text = str(value).strip().lower()
    if text in ("y", "true", "1"):
        return "Y"
    if text in ("n", "false", "0", ""):
        return "N"
    return value


def user_filter(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The request's filter in the shared operator syntax (unknown fields are ignored, as CUser does)."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        cond = parse_condition(str(key).upper(), value)
        field = cond.field
        if field == "NAME_SEARCH" or (field not in USER_FIELDS and field not in _EXTRA_FILTERS):
            continue
        op = "" if cond.op == "=" and not str(key).startswith("=") else cond.op
        if field in ("ACTIVE", "IS_ONLINE"):
            value = _flag(value)
        if op == "" and isinstance(value, str) and "%" in value:
            op = "=%"  # user-get.md: {"NAME": "Iv%"} finds names starting with "Iv"
        out[f"{op}{field}"] = value
    return out


def name_search(raw: Mapping[str, Any]) -> Callable[[Mapping[str, Any]], bool]:
    """``NAME_SEARCH``: every word of the value is found in the user's names or e-mail."""
    text = next((value for key, value in raw.items() if str(key).upper() == "NAME_SEARCH"), None)
    words = [word.lower() for word in str(text or "").split()]

    def hit(row: Mapping[str, Any]) -> bool:
        haystack = " ".join(str(row.get(key) or "") for key in _NAME_FIELDS).lower()
        return all(word in haystack for word in words)

    return hit


def _getter(row: Mapping[str, Any], name: str) -> Any:
    return _value(row, name)


def _select(ctx: Ctx) -> set[str] | None:
    raw = ctx.param("select") or ctx.param("SELECT")
    if not isinstance(raw, list | tuple) or not raw:
        return None
    names = {str(item).upper() for item in raw}
    if "*" in names:
        return None
    if "UF_*" in names:
        names |= {key for key, _ in _RECORD if key.startswith("UF_")}
    chosen = {*(key for key, _ in _RECORD), "XML_ID"} & names
    return chosen or None


def _raw_filter(ctx: Ctx) -> Mapping[str, Any]:
    nested = ctx.param("FILTER")
    if isinstance(nested, Mapping):
        return nested
    return {key: value for key, value in ctx.params.items() if str(key).upper() not in _CONTROL}


def list_users(
    ctx: Ctx, flt: Mapping[str, Any], extra: Callable[[Mapping[str, Any]], bool] | None = None
) -> ListResult:
    """Filter, sort (``SORT``/``ORDER``, default ID ascending) and page users; ``extra``: a predicate."""
    predicate = compile_filter(user_filter(flt), _getter)
    searched = name_search(flt)
    rows = [
        row for row in all_users(ctx) if predicate(row) and searched(row) and (extra is None or extra(row))
    ]
    field = str(ctx.param("SORT") or "ID").upper()
    direction = str(ctx.param("ORDER") or "ASC").upper()
    if direction not in ("ASC", "DESC"):
        direction = "ASC"
    result = page(order_rows(rows, {field: direction}, _getter), ctx.param("start"))
    chosen = _select(ctx)
    records = [user_record(row) for row in result.result]
    if chosen is not None:
        records = [{key: value for key, value in record.items() if key in chosen} for record in records]
    result.result = records
    return result


@method("user.current", scope="user")
def user_current(ctx: Ctx) -> dict[str, Any]:
    """The calling user (user-current.md)."""
    row = find_user(ctx, ctx.user_id) or {**DEFAULT_ADMIN, "ID": ctx.user_id}
    return user_record(row, current=True)


@method("user.get", scope="user")
def user_get(ctx: Ctx) -> ListResult:
    """``user.get``: users by filter (``FILTER`` or top-level keys), 50 a page with ``total``/``next``."""
    return list_users(ctx, _raw_filter(ctx))


@method("user.fields", scope="user")
def user_fields(ctx: Ctx) -> dict[str, str]:
    """``user.fields``: field code -> title."""
    return dict(USER_FIELDS)


#: user-search.md: the personal-data fields of FILTER (a "right LIKE": the value starts the field's text)
_SEARCH_KEYS = ("NAME", "LAST_NAME", "WORK_POSITION", "UF_DEPARTMENT_NAME")


def _department_names(ctx: Ctx, row: Mapping[str, Any]) -> list[str]:
    from .departments import department_rows

    rows = department_rows(ctx)
    return [str(rows[dep]["NAME"]) for dep in _departments(row.get("UF_DEPARTMENT", [])) if dep in rows]


def _starts(texts: list[str], value: Any) -> bool:
    """A right LIKE on each word of the texts (``Iv`` finds ``Ivan``, ``Anna Ivanova``)."""
    wanted = str(value).strip().lower().rstrip("%")
    return any(word.startswith(wanted) for text in texts for word in [text.lower(), *text.lower().split()])


@method("user.search", scope="user")
def user_search(ctx: Ctx) -> ListResult:
    """``user.search``: user.get plus a fast personal-data search (``FIND`` or NAME/LAST_NAME/...)."""
    nested = ctx.param("FILTER")
    search = dict(nested) if isinstance(nested, Mapping) else {}
    top = {key: value for key, value in ctx.params.items() if str(key).upper() not in _CONTROL}
    terms = {str(key).upper(): value for key, value in search.items()}
    plain = {k: v for k, v in search.items() if str(k).upper() not in (*_SEARCH_KEYS, "FIND")}

    def hit(row: Mapping[str, Any]) -> bool:
        fields = {key: [str(row.get(key) or "")] for key in _SEARCH_KEYS[:3]}
        fields["UF_DEPARTMENT_NAME"] = _department_names(ctx, row)
        if "FIND" in terms:
            everything = [*fields["NAME"], str(row.get("SECOND_NAME") or ""), *fields["LAST_NAME"]]
            everything += [*fields["WORK_POSITION"], *fields["UF_DEPARTMENT_NAME"]]
            words = str(terms["FIND"]).split()
            return all(_starts(everything, word) for word in words)
        return all(_starts(fields[key], terms[key]) for key in _SEARCH_KEYS if key in terms)

    return list_users(ctx, {**top, **plain}, hit)
