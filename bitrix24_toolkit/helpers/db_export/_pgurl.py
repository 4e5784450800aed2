"""PostgreSQL target URLs: read the way libpq reads them, and shown with every password masked.

libpq reads ``postgresql://[user[:password]@][host[:port][,...]][/dbname][?name=value[&...]]`` its own way:
it takes everything up to the first ``@`` before the first ``/`` as ``user:password``, even across ``?``, and
``#`` means nothing to it. A standard URL parser (``urllib``) stops the credentials at ``?`` or ``#``. A URL
that the two read differently (an unencoded ``@``, ``?``, ``#`` or ``/`` in a password) is refused, with an
error that never repeats the URL; so is one libpq would refuse with a message quoting it (a bad
``%``-escape, a space, an unclosed ``[``). A password can also come as ``?password=...``: masked too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from ...errors import InvalidInputError

__all__ = ["PgUrl", "parse_pg_url", "without_secrets"]

_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})|%00")
_PORT = re.compile(r"[0-9]{1,5}")
_IPV6 = re.compile(r"[0-9A-Fa-f:.]+(%25[0-9A-Za-z_.-]+)?")
_ENCODE = "percent-encode '@' as %40, '?' as %3F, '#' as %23 and '/' as %2F in a user name or password"
#: query parameters that name the server or the database
_LOCATING = {"host", "hostaddr", "dbname", "service"}
#: what replaces a password
MASK = "***"


@dataclass(frozen=True)
class PgUrl:
    """A checked PostgreSQL URL: ``location`` for psycopg, ``shown`` with every password masked, and
    ``secrets`` (each password as written and decoded) to keep out of any text."""

    location: str
    shown: str
    secrets: tuple[str, ...]
    #: a host or a database is named (in the URL or as ``?host=``, ``?dbname=``, ``?service=``)
    located: bool

    def __repr__(self) -> str:
        return f"PgUrl({self.shown!r})"


def _bad(why: str) -> InvalidInputError:
    return InvalidInputError(
        f"not a valid PostgreSQL URL: {why} (the URL is not repeated here: it may hold a password)",
        field="target",
    )


def _check_hosts(spec: str) -> None:
    """``host[:port]`` items separated by ``,`` (an IPv6 host in ``[...]``), ports from 1 to 65535."""
    for item in spec.split(",") if spec else []:
        if item.startswith("["):
            close = item.find("]")
            if close < 0:
                raise _bad("an IPv6 host opened with '[' is not closed with ']'")
            if not _IPV6.fullmatch(item[1:close]):
                raise _bad("the host in '[...]' is not an IPv6 address")
            rest = item[close + 1 :]
            if rest and not rest.startswith(":"):
                raise _bad("an IPv6 host in '[...]' can only be followed by ':port'")
            port = rest[1:]
        else:
            host, _, port = item.partition(":")
            if "[" in host or "]" in host:
                raise _bad("'[' and ']' only enclose an IPv6 host, such as [::1]:5432")
        if port and not (_PORT.fullmatch(port) and 1 <= int(port) <= 65535):
            raise _bad("the port must be a number from 1 to 65535")


#: libpq parameters that hold a secret: the password, and the password of the client's SSL key
_SECRET_PARAMS = ("password", "sslpassword")


def _masked_params(query: str) -> tuple[str, list[str]]:
    """The query string with ``password=`` and ``sslpassword=`` values masked, and those values."""
    shown: list[str] = []
    secrets: list[str] = []
    for part in query.split("&"):
        name, equals, value = part.partition("=")
        if part and (not equals or not name):
            raise _bad("every query parameter is name=value, and they are joined by '&'")
        if "=" in value:
            raise _bad("a '=' inside a query parameter's value must be percent-encoded as %3D")
        if unquote(name).lower() in _SECRET_PARAMS and value:
            secrets.append(value)
            value = MASK
        shown.append(f"{name}={value}" if equals else part)
    return "&".join(shown), secrets


def parse_pg_url(scheme: str, rest: str) -> PgUrl:
    """Check ``scheme://rest`` (``postgresql`` or ``postgres``); InvalidInputError when unusable."""
    if any(ch.isspace() or not ch.isprintable() for ch in rest):
        raise _bad("it holds a space or a control character: percent-encode a space as %20")
    if "#" in rest:
        raise _bad(f"'#' has no meaning in a PostgreSQL URL: {_ENCODE}")
    if _BAD_ESCAPE.search(rest):
        raise _bad("a '%' must start an escape such as %40 (and %00 is not allowed)")
    try:
        unquote(rest, errors="strict")
    except UnicodeDecodeError:
        raise _bad("its %-escapes do not spell UTF-8 text") from None
    slash = rest.find("/")
    credentials = rest if slash < 0 else rest[:slash]  # libpq looks for '@' up to the first '/'
    user = password = None
    after = rest
    if "@" in credentials:
        userinfo, _, after = rest.partition("@")
        if credentials.count("@") > 1 or "?" in userinfo:
            raise _bad(f"the user name or password holds an unencoded character: {_ENCODE}")
        user, colon, password = userinfo.partition(":")
        password = password if colon else None
    hosts = re.match(r"[^/?]*", after)
    assert hosts is not None  # it matches the empty string at least
    _check_hosts(hosts.group())
    tail = after[hosts.end() :]
    path, question, query = (tail[1:] if tail.startswith("/") else tail).partition("?")
    if "@" in path:
        raise _bad(f"an '@' after the host: {_ENCODE}, and '@' as %40 in the database name")
    shown_query, secrets = _masked_params(query) if question else ("", [])
    if password:
        secrets.insert(0, password)
    shown = f"{scheme}://"
    if user is not None:
        shown += user + (f":{MASK}" if password else ":" if password == "" else "") + "@"
    shown += hosts.group() + ("/" + path if tail.startswith("/") else "")
    shown += ("?" + shown_query) if question else ""
    every = {*secrets, *(unquote(s) for s in secrets)}
    names = {unquote(part.partition("=")[0]).lower() for part in query.split("&")} if question else set()
    located = bool(hosts.group().strip(",") or path.strip("/") or names & _LOCATING)
    return PgUrl(f"{scheme}://{rest}", shown, tuple(sorted(s for s in every if s)), located)


def without_secrets(text: str, secrets: tuple[str, ...]) -> str:
    """A driver's message on one line, or a note in its place when it quotes a password."""
    line = " ".join(text.split())
    if any(secret in line for secret in secrets):
        return "the driver's message is left out: it quotes the password"
    return line
