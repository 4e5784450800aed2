"""Which portal moves (HTTP 301/302/303/307/308) a client follows. Pure: no I/O.

A client follows one move of its portal, re-sending the same POST, webhook secret or access token
included, to the new address. It does not when that would hand the credentials to someone else:

=============  ============================================================================================
reason         refused move
=============  ============================================================================================
``invalid``    no ``Location``, a scheme other than http(s), no host, a host that is not ASCII/IDNA
``downgrade``  ``https://`` to ``http://``: the secret would then travel in clear
``credentials`` a ``user:password@`` part in the new address (never sent by a real portal)
``internal``   a public portal sending us to a loopback, private, link-local or reserved address (or
               ``localhost``): the classic redirect-to-metadata-service trick; a portal that is itself
               internal (a box install on 10.0.0.5, the emulator on 127.0.0.1) may move inside its network
=============  ============================================================================================

A second redirect after a move is refused too (``again``, in :meth:`ClientCore.decode`). Names are not
resolved (no DNS here): a public name that resolves to an internal address is not caught.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from typing import Final

import httpx

__all__ = ["INTERNAL_SUFFIXES", "is_internal_host", "refused_redirect"]

_LOCAL_NAMES: Final = ("localhost", "localhost.localdomain")
#: names of internal networks, clusters and containers (a move from a public portal to one is refused)
INTERNAL_SUFFIXES: Final = (
    ".local",
    ".localdomain",
    ".internal",
    ".intranet",
    ".lan",
    ".home.arpa",
    ".corp",
    ".svc",
    ".cluster.local",
    ".default",
    ".docker",
)
#: a host made of numbers only (decimal, octal, hex labels): what inet_aton would read as an address
_NUMERIC_HOST: Final = re.compile(r"(?:0x[0-9a-f]+|[0-9]+)(?:\.(?:0x[0-9a-f]+|[0-9]+)){0,3}")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST_NAME: Final = re.compile(rf"(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*\.?")


def _valid_host(host: str) -> bool:
    if _HOST_NAME.fullmatch(host):
        return True
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def is_internal_host(host: str) -> bool:
    """Whether ``host`` (a name or an IP literal) is loopback, private, link-local, reserved or local."""
    name = host.strip("[]").rstrip(".").lower()
    if name in _LOCAL_NAMES or name.endswith(".localhost"):
        return True
    if name.endswith(INTERNAL_SUFFIXES):
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        numeric = _NUMERIC_HOST.fullmatch(name)
        if numeric is None:
            return False
        try:  # 2130706433, 0x7f000001, 127.1: the resolver reads these as IPv4 addresses
            address = ipaddress.IPv4Address(socket.inet_aton(name))
        except (OSError, ValueError):
            return True  # numeric, but no address: nothing a portal moves to
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return bool(
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_reserved
        or address.is_unspecified
        or address.is_multicast
    )


def refused_redirect(request_url: str, location: str) -> tuple[str, str] | None:
    """``(reason, why)`` when the move from ``request_url`` to ``location`` must not be followed."""
    if not location.strip():
        return "invalid", "the redirect has no Location header"
    try:
        source = httpx.URL(request_url)
        target = source.join(location.strip())
        host = target.host
        target.netloc.decode("ascii")
    except (httpx.InvalidURL, ValueError, UnicodeError, TypeError):
        return "invalid", "the Location header is not a usable URL"
    if target.scheme not in ("http", "https") or not host or not _valid_host(host):
        return "invalid", "the Location header is not an http(s) address with a host"
    if source.scheme == "https" and target.scheme == "http":
        return (
            "downgrade",
            "a move from https:// to http:// would send the webhook secret or access token in clear; "
            "check the portal's address and use its https:// URL",
        )
    if target.userinfo:
        return "credentials", "the new address carries a user name or password, which no portal move has"
    if is_internal_host(host) and not is_internal_host(source.host):
        return (
            "internal",
            f"a public portal may not send the client to the internal address {host!r} (loopback, private "
            "or link-local): that would hand the credentials to another server",
        )
    return None
