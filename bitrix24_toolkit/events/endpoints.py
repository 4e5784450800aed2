"""Which addresses a payload may make the app call: the portal it names, over https, or an allow-list.

A payload's ``auth[client_endpoint]`` becomes the base URL of the client handed to your function, with the
payload's access token. Anyone holding a valid application token (every portal that installed the app)
could otherwise point it at ``http://169.254.169.254/`` or an internal service and have the app server
call it, token included (server-side request forgery). :func:`check_endpoints` refuses, with
:class:`~.errors.EventAuthError` and before any request, unless:

- the endpoint is ``https://`` with no user name, password, query or fragment, parsed by httpx (the
  parser the client uses), and
- its host (and port) is the portal the payload names in ``auth[domain]``, which must be a public DNS
  name (not an IP literal, ``localhost`` or an internal suffix such as ``.local``/``.internal``) — or,
  when the app configures ``allowed_hosts``, matches one of them (``"portal.example.com"``,
  ``"*.bitrix24.com"``; entries may name internal hosts or IPs, e.g. a box install on the intranet).
- ``http://`` only for a host the allow-list names with its scheme (``"http://127.0.0.1:8000"``: the
  emulator's HTTP server in a test), never otherwise.

``auth[server_endpoint]`` (the OAuth server) is checked the same way, against the portal, the configured
token URL's host and Bitrix24's ``oauth.bitrix.info``. Names are not resolved here: a public name that
resolves to an internal address is stopped only by ``allowed_hosts`` or the network (see docs/security.md).
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Iterable
from typing import Final

import httpx

from ..engine.redirects import INTERNAL_SUFFIXES
from .errors import EventAuthError
from .payload import EventAuth

__all__ = ["check_endpoints", "is_allowed", "normalize_allowed_hosts"]

#: Bitrix24's own OAuth servers, accepted as ``auth[server_endpoint]``
OAUTH_HOSTS: Final = frozenset({"oauth.bitrix.info", "oauth.bitrix24.tech"})
#: names that are never a portal on the internet: the internal names a redirect may not move to, and the
#: names reserved by RFC 2606 / 6761 / 7686 or used only at home
_INTERNAL_SUFFIXES: Final = (
    *INTERNAL_SUFFIXES,
    ".localhost",
    ".home",
    ".private",
    ".test",
    ".invalid",
    ".example",
    ".onion",
    ".arpa",
)
_LABEL: Final = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_BAD_CHARS: Final = re.compile(r"[\s\\@<>\"'`{}|^\x00-\x1f\x7f]")


def normalize_allowed_hosts(hosts: Iterable[str] | str | None) -> frozenset[str] | None:
    """The allow-list as lower-case ``host`` / ``host:port`` / ``*.suffix`` entries (``None``: none set)."""
    if hosts is None:
        return None
    if isinstance(hosts, str):
        hosts = [hosts]
    out: set[str] = set()
    for entry in hosts:
        if not isinstance(entry, str) or not entry.strip() or _BAD_CHARS.search(entry.strip()):
            raise EventAuthError(f"allowed_hosts entries are host names, not {entry!r}")
        name = entry.strip().lower().removeprefix("https://").rstrip("/").rstrip(".")
        if name.startswith("http://"):  # plain http for this host only: a test portal on loopback
            out.add("http://" + name.removeprefix("http://").removesuffix(":80"))
        else:
            out.add(name.removesuffix(":443"))
    return frozenset(out)


def _netloc(host: str, port: int | None, *, scheme: str = "https") -> str:
    default = 80 if scheme == "http" else 443
    return host if port in (None, default) else f"{host}:{port}"


def _in_clear(url: httpx.URL, netloc: str, allowed: frozenset[str] | None, what: str) -> None:
    """Refuse ``http://`` unless the allow-list names this very host with ``http://``."""
    if url.scheme == "http" and not (allowed is not None and f"http://{netloc}" in allowed):
        raise EventAuthError(
            f"{what} is not https:// (scheme 'http'): the access token would travel in clear; refused"
        )


def _parse(url: str, what: str) -> httpx.URL:
    if len(url) > 2048 or _BAD_CHARS.search(url):
        raise EventAuthError(f"{what} is not a plain https:// URL: refused")
    try:
        parsed = httpx.URL(url)
        parsed.netloc.decode("ascii")
    except (httpx.InvalidURL, ValueError, UnicodeError, TypeError):
        raise EventAuthError(f"{what} is not a usable URL: refused") from None
    if parsed.scheme not in ("https", "http"):
        raise EventAuthError(
            f"{what} is not https:// (scheme {parsed.scheme!r}): the access token would travel in clear; "
            "refused"
        )
    if parsed.userinfo or parsed.query or parsed.fragment or not parsed.host:
        raise EventAuthError(f"{what} carries a user name, password, query or fragment, or no host: refused")
    return parsed


def _portal(domain: str) -> str:
    """``auth[domain]`` as ``host`` or ``host:port``, lower-case and IDNA-encoded."""
    if not domain or len(domain) > 253 or _BAD_CHARS.search(domain) or "/" in domain:
        raise EventAuthError("auth[domain] is not a portal's host name: refused")
    try:
        parsed = httpx.URL(f"https://{domain}/")
        parsed.netloc.decode("ascii")
    except (httpx.InvalidURL, ValueError, UnicodeError, TypeError):
        raise EventAuthError("auth[domain] is not a portal's host name: refused") from None
    if parsed.userinfo or not parsed.host:
        raise EventAuthError("auth[domain] is not a portal's host name: refused")
    return _netloc(parsed.host.rstrip("."), parsed.port)


def is_public_name(host: str) -> bool:
    """Whether ``host`` is a DNS name of the public internet (not an IP literal, not an internal name)."""
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        pass
    else:
        return False
    labels = name.split(".")
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels):
        return False
    if labels[-1].isdigit() or name.endswith(_INTERNAL_SUFFIXES) or name == "localhost":
        return False
    return True


def is_allowed(netloc: str, allowed: frozenset[str]) -> bool:
    """Whether ``host`` / ``host:port`` matches the app's ``allowed_hosts``."""
    return _allowed(netloc, allowed)


def _allowed(netloc: str, allowed: frozenset[str]) -> bool:
    if netloc in allowed or f"http://{netloc}" in allowed:
        return True
    if ":" in netloc and not netloc.endswith("]"):
        return False  # a port other than 443 must be listed as host:port
    return any(entry.startswith("*.") and netloc.endswith(entry[1:]) for entry in allowed)


def check_endpoints(
    auth: EventAuth, *, allowed_hosts: frozenset[str] | None = None, token_url: str | None = None
) -> None:
    """Refuse (:class:`~.errors.EventAuthError`) endpoints other than the named portal's https URLs."""
    refusal = _verdict(auth.domain, auth.client_endpoint, auth.server_endpoint, allowed_hosts, token_url)
    if refusal is not None:
        raise EventAuthError(refusal)


@functools.lru_cache(maxsize=1024)
def _verdict(
    domain: str,
    client_endpoint: str,
    server_endpoint: str,
    allowed: frozenset[str] | None,
    token_url: str | None,
) -> str | None:
    """The refusal message for these endpoints, or ``None`` (remembered: a portal sends the same ones)."""
    try:
        _check(domain, client_endpoint, server_endpoint, allowed, token_url)
    except EventAuthError as exc:
        return str(exc)
    return None


def _check(
    domain: str,
    client_endpoint: str,
    server_endpoint: str,
    allowed_hosts: frozenset[str] | None,
    token_url: str | None,
) -> None:
    client = _parse(client_endpoint, "auth[client_endpoint]")
    target = _netloc(client.host.rstrip("."), client.port, scheme=client.scheme)
    _in_clear(client, target, allowed_hosts, "auth[client_endpoint]")
    if allowed_hosts is not None:
        if not _allowed(target, allowed_hosts):
            raise EventAuthError(
                f"auth[client_endpoint] host {target!r} is not in the configured allowed_hosts: refused"
            )
    else:
        portal = _portal(domain)
        if target != portal:
            raise EventAuthError(
                f"auth[client_endpoint] host {target!r} is not the portal auth[domain] names ({portal!r}): "
                "refused (configure allowed_hosts if the app talks to portals under other names)"
            )
        if ":" in portal:
            raise EventAuthError(
                f"auth[domain] {portal!r} names a port: a cloud portal answers on 443 only; refused (list "
                "host:port in allowed_hosts to trust it)"
            )
        if not is_public_name(portal):
            raise EventAuthError(
                f"auth[domain] {portal!r} is not a public portal name (an IP address or an internal host): "
                "refused (list it in allowed_hosts to trust it)"
            )
    if server_endpoint:
        server = _parse(server_endpoint, "auth[server_endpoint]")
        netloc = _netloc(server.host.rstrip("."), server.port, scheme=server.scheme)
        _in_clear(server, netloc, allowed_hosts, "auth[server_endpoint]")
        trusted = {target, *OAUTH_HOSTS}
        if token_url:
            try:
                token = httpx.URL(token_url)
                trusted.add(_netloc(token.host, token.port))
            except (httpx.InvalidURL, ValueError, TypeError):
                pass
        if netloc not in trusted and not (allowed_hosts is not None and _allowed(netloc, allowed_hosts)):
            raise EventAuthError(
                f"auth[server_endpoint] host {netloc!r} is neither the portal nor Bitrix24's OAuth server: "
                "refused"
            )
