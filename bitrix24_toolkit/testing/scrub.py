"""Removing credentials and the portal address from recorded exchanges. Pure: no I/O, no httpx.

A :class:`Scrubber` first *learns* what is secret, then *scrubs* copies of params and bodies:

- values of credential keys (``auth``, ``access_token``, ``refresh_token``, ``client_secret``, ``member_id``,
  ``application_token``, a robot's ``event_token``, placement ``AUTH_ID``/``REFRESH_ID``, ``password``; any
  letter case, at any depth) become fixed placeholders such as ``"<access-token>"``;
- the webhook secret (the path segment in ``/rest/<user id>/<secret>/``, also under a path prefix such as
  ``/b24/rest/1/<secret>/``) and every learnt credential value are also replaced wherever they occur inside
  other strings (a ``batch`` command, an echoed URL), raw or percent-encoded;
- the portal host (the request host, the host of ``client_endpoint``, a ``domain`` value) becomes
  ``example.bitrix24.test`` everywhere. ``oauth.bitrix.info`` is Bitrix24's public OAuth server and stays.

Placeholders contain ``<`` and ``>`` so that they never look like a real token or webhook code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, quote_plus, unquote, urlsplit

__all__ = [
    "CREDENTIAL_KEYS",
    "OAUTH_SERVER",
    "PLACEHOLDER_DOMAIN",
    "WEBHOOK_SECRET_PLACEHOLDER",
    "Scrubber",
    "placeholder_for",
]

#: the host every recorded portal address is rewritten to (the ``.test`` TLD is reserved, RFC 2606)
PLACEHOLDER_DOMAIN = "example.bitrix24.test"
#: what the webhook code becomes wherever it appears in a recorded string
WEBHOOK_SECRET_PLACEHOLDER = "<webhook-secret>"
#: Bitrix24's public authorization server; not a secret, never rewritten
OAUTH_SERVER = "oauth.bitrix.info"

#: lower-cased credential keys -> the placeholder their values become
CREDENTIAL_KEYS: dict[str, str] = {
    "auth": "<auth>",
    "access_token": "<access-token>",
    "refresh_token": "<refresh-token>",
    "client_secret": "<client-secret>",
    "member_id": "<member-id>",
    "application_token": "<application-token>",
    "auth_id": "<access-token>",
    "refresh_id": "<refresh-token>",
    "event_token": "<event-token>",
    "password": "<password>",
}

# Shorter values are replaced only as whole key values, never inside other strings (a "1" is no secret).
_MIN_SECRET_LENGTH = 6
_WEBHOOK_PATH = re.compile(r"/rest/(\d+)/([^/?#]+)(?:/|$)")
_HOST_KEYS = ("client_endpoint", "domain")


def placeholder_for(key: str) -> str | None:
    """The placeholder for a credential key (any case), or ``None`` when the key is not a credential."""
    return CREDENTIAL_KEYS.get(key.lower())


class Scrubber:
    """Learns the secrets of a recording session and removes them from params and bodies."""

    def __init__(self, *, secrets: Iterable[str] = (), domains: Iterable[str] = ()) -> None:
        self._secrets: dict[str, str] = {}
        self._domains: set[str] = set()
        for secret in secrets:
            self.add_secret(secret, "<secret>")
        for domain in domains:
            self.add_domain(domain)

    def add_secret(self, value: str, placeholder: str) -> None:
        """Replace ``value`` by ``placeholder`` inside every scrubbed string from now on."""
        if len(value) >= _MIN_SECRET_LENGTH and not value.startswith("<"):
            for form in (value, quote(value, safe=""), quote_plus(value, safe=""), unquote(value)):
                if len(form) >= _MIN_SECRET_LENGTH:
                    self._secrets.setdefault(form, placeholder)

    def add_domain(self, host: str) -> None:
        """Treat ``host`` as the portal address (unless it is Bitrix24's OAuth server)."""
        host = host.strip().lower().rstrip(".")
        if host and "." in host and host not in (OAUTH_SERVER, PLACEHOLDER_DOMAIN):
            self._domains.add(host)

    def learn_url(self, url: str) -> None:
        """Learn the webhook secret and the portal host from a request URL."""
        parts = urlsplit(url)
        match = _WEBHOOK_PATH.search(parts.path)  # also under a prefix: /b24/rest/1/<secret>/
        if match:
            self.add_secret(match.group(2), WEBHOOK_SECRET_PLACEHOLDER)
        if "/rest/" in f"{parts.path}/" and parts.hostname:
            self.add_domain(parts.hostname)
        if parts.password:
            self.add_secret(parts.password, "<password>")

    def learn(self, data: Any) -> None:
        """Learn credential values and portal hosts from decoded params or a decoded body."""
        if isinstance(data, dict):
            for key, value in data.items():
                lowered = str(key).lower()
                placeholder = CREDENTIAL_KEYS.get(lowered)
                if placeholder is not None and isinstance(value, str | int) and not isinstance(value, bool):
                    self.add_secret(str(value), placeholder)
                elif lowered in _HOST_KEYS and isinstance(value, str):
                    self._learn_host(value)
                self.learn(value)
        elif isinstance(data, list):
            for item in data:
                self.learn(item)

    def _learn_host(self, value: str) -> None:
        host = urlsplit(value).hostname if "//" in value else value
        if host:
            self.add_domain(host)

    def scrub(self, data: Any) -> Any:
        """A copy of ``data`` with credential values, learnt secrets and portal hosts replaced."""
        if isinstance(data, dict):
            out: dict[str, Any] = {}
            for key, value in data.items():
                placeholder = CREDENTIAL_KEYS.get(str(key).lower())
                clean_key = self.scrub_text(key) if isinstance(key, str) else key
                if placeholder is not None and not isinstance(value, dict | list) and value not in ("", None):
                    out[clean_key] = placeholder
                else:
                    out[clean_key] = self.scrub(value)
            return out
        if isinstance(data, list):
            return [self.scrub(item) for item in data]
        if isinstance(data, str):
            return self.scrub_text(data)
        return data

    def scrub_text(self, text: str) -> str:
        """Replace learnt secrets and portal hosts inside one string."""
        for secret in sorted(self._secrets, key=len, reverse=True):
            if secret in text:
                text = text.replace(secret, self._secrets[secret])
        for host in sorted(self._domains, key=len, reverse=True):
            text = re.sub(re.escape(host), PLACEHOLDER_DOMAIN, text, flags=re.IGNORECASE)
        return text
