"""Make an application's event subscriptions for one handler URL match a declared set (reference 9.1).

``sync_subscriptions(b24, "https://app.example.com/b24/events", ["ONCRMDEALUPDATE", "onCrmDealAdd"])``
reads ``event.get``, binds what is missing (``event.bind``) and unbinds what this handler no longer wants
(``event.unbind``); running it again changes nothing. Subscriptions of other handler URLs are left alone.
Needs an application (OAuth) client: webhooks subscribe through the "outgoing webhook" UI instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ...errors import InvalidInputError
from ...protocol.call import Call, Flow
from ...protocol.rows import rows_of
from ..base import helper

__all__ = ["SubscriptionChanges", "sync_subscriptions"]


@dataclass(frozen=True)
class SubscriptionChanges:
    """What :func:`sync_subscriptions` did: event names bound, unbound and already in place."""

    bound: tuple[str, ...]
    unbound: tuple[str, ...]
    kept: tuple[str, ...]

    @property
    def changed(self) -> bool:
        """Whether anything was bound or unbound."""
        return bool(self.bound or self.unbound)


def _current(result: Any, handler_url: str) -> set[str]:
    """The events bound to ``handler_url`` (online handlers only), from an ``event.get`` result."""
    return {
        str(row.get("event", "")).upper()
        for row in rows_of(result)
        if str(row.get("handler", "")) == handler_url and str(row.get("offline", "0")) in ("0", "")
    }


@helper
def sync_subscriptions(
    handler_url: str, events: Iterable[str], *, unbind_others: bool = True
) -> Flow[SubscriptionChanges]:
    """Bind ``events`` to ``handler_url`` and (``unbind_others``) unbind this URL's other events."""
    if not isinstance(handler_url, str) or not handler_url.startswith(("https://", "http://")):
        raise InvalidInputError(f"handler_url {handler_url!r} must be an http(s) URL", field="handler_url")
    if isinstance(events, str):
        raise InvalidInputError("events is a list of event names, not one string", field="events")
    wanted = {name.strip().upper() for name in events if name and name.strip()}
    current = _current((yield Call("event.get", {}, read_only=True)), handler_url)
    to_bind = sorted(wanted - current)
    to_unbind = sorted(current - wanted) if unbind_others else []
    for name in to_bind:
        yield Call("event.bind", {"event": name, "handler": handler_url})
    for name in to_unbind:
        yield Call("event.unbind", {"event": name, "handler": handler_url})
    return SubscriptionChanges(
        bound=tuple(to_bind), unbound=tuple(to_unbind), kept=tuple(sorted(wanted & current))
    )
