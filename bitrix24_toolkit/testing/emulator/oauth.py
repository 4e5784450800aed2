"""OAuth 2.0 of the emulated portal (reference 1.5): token pairs, the ``/oauth/token/`` endpoint, expiry.

Access tokens live one hour on the portal clock (or until :meth:`OAuthServer.expire_all`); a refresh
returns a new pair and invalidates the old refresh token (and the old access token). Errors use the REST
error envelope: ``invalid_client`` (unknown id or wrong secret, HTTP 401), ``invalid_grant`` (unknown or
used refresh token, HTTP 400), ``invalid_request`` (unsupported grant, HTTP 400).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Mapping
from typing import Any

from .registry import PortalError

__all__ = ["ACCESS_TTL", "OAuthServer"]

ACCESS_TTL = 3600
REFRESH_TTL = 180 * 24 * 3600
DEFAULT_SCOPE = "crm,user,user_basic,department,bizproc,placement,entity,task,sonet_group,log,im,basic"


class OAuthServer:
    """Registered client apps, live access tokens and refresh tokens, all JSON-serialisable."""

    def __init__(self, domain: str, clock: Callable[[], float], seed: int | str = 0) -> None:
        self.domain = domain
        self.clock = clock
        self._rng = random.Random(f"oauth:{seed}")
        self.clients: dict[str, str] = {}
        self.access: dict[str, dict[str, Any]] = {}
        self.refresh: dict[str, dict[str, Any]] = {}

    @property
    def member_id(self) -> str:
        """The stable portal id (a hash of the domain)."""
        return hashlib.md5(self.domain.encode(), usedforsecurity=False).hexdigest()

    def _token(self) -> str:
        while True:
            token = "".join(self._rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(32))
            if token not in self.access and token not in self.refresh:
                return token

    def issue(
        self, client_id: str, client_secret: str, *, user_id: int = 1, scope: str = DEFAULT_SCOPE
    ) -> dict[str, Any]:
        """Register (or re-register) an app and hand out a fresh token pair, as after installation."""
        self.clients[client_id] = client_secret
        return self._pair(client_id, user_id, scope)

    def _pair(self, client_id: str, user_id: int, scope: str) -> dict[str, Any]:
        now = self.clock()
        access, refresh = self._token(), self._token()
        grant = {"client_id": client_id, "user_id": user_id, "scope": scope}
        self.access[access] = {**grant, "expires": int(now) + ACCESS_TTL, "refresh": refresh}
        self.refresh[refresh] = {**grant, "expires": int(now) + REFRESH_TTL}
        return {
            "access_token": access,
            "client_endpoint": f"https://{self.domain}/rest/",
            "domain": f"oauth.{self.domain}",
            "expires": int(now) + ACCESS_TTL,
            "expires_in": ACCESS_TTL,
            "member_id": self.member_id,
            "refresh_token": refresh,
            "scope": scope,
            "server_endpoint": f"https://oauth.{self.domain}/rest/",
            "status": "L",
            "user_id": user_id,
        }

    def grant(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """Answer ``/oauth/token/`` (``grant_type=refresh_token``); raises :class:`PortalError`."""
        grant_type = str(params.get("grant_type", ""))
        client_id = str(params.get("client_id", ""))
        if grant_type != "refresh_token":
            raise PortalError("invalid_request", f"Unsupported grant_type '{grant_type}'", 400)
        if client_id not in self.clients or self.clients[client_id] != str(params.get("client_secret", "")):
            raise PortalError("invalid_client", "Invalid client credentials", 401)
        token = str(params.get("refresh_token", ""))
        stored = self.refresh.get(token)
        if stored is None or stored["client_id"] != client_id or self.clock() >= stored["expires"]:
            raise PortalError("invalid_grant", "Invalid refresh token", 400)
        del self.refresh[token]
        for access in [a for a, info in self.access.items() if info.get("refresh") == token]:
            del self.access[access]
        return self._pair(client_id, int(stored["user_id"]), str(stored["scope"]))

    def check(self, token: str) -> dict[str, Any]:
        """The grant behind a live access token; raises the portal's 401 errors otherwise."""
        if not token:
            raise PortalError("NO_AUTH_FOUND", "Wrong authorization data", 401)
        info = self.access.get(token)
        if info is None:
            raise PortalError("invalid_token", "Unable to get application by token", 401)
        if self.clock() >= info["expires"]:
            raise PortalError("expired_token", "The access token provided has expired.", 401)
        return info

    def expire_all(self) -> None:
        """Make every current access token expired (refresh tokens keep working)."""
        now = int(self.clock())
        for info in self.access.values():
            info["expires"] = min(info["expires"], now)

    def dump(self) -> dict[str, Any]:
        """A JSON-able snapshot."""
        return {"clients": dict(self.clients), "access": dict(self.access), "refresh": dict(self.refresh)}

    def load(self, data: Mapping[str, Any]) -> None:
        """Restore a snapshot made by :meth:`dump`."""
        self.clients = dict(data.get("clients", {}))
        self.access = {k: dict(v) for k, v in data.get("access", {}).items()}
        self.refresh = {k: dict(v) for k, v in data.get("refresh", {}).items()}
