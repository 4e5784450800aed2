"""Saving and loading a whole emulated portal (data and OAuth grants) as one JSON file, and demo data."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self, cast

from .oauth import OAuthServer
from .state import PortalState

if TYPE_CHECKING:
    from .demo_story import DemoPortal

__all__ = ["PortalPersistence"]

_FORMAT = "bitrix24-toolkit-emulator"


class PortalPersistence:
    """``dump``/``restore``/``save``/``load``/``demo`` of :class:`~.portal.Emulator`."""

    lock: threading.RLock
    domain: str
    user_id: int
    secret: str
    state: PortalState
    oauth: OAuthServer

    def __init__(self, **options: Any) -> None:  # the real constructor is Emulator's
        raise NotImplementedError

    def dump(self) -> dict[str, Any]:
        """The whole portal as a JSON-able dict."""
        with self.lock:
            return {
                "format": _FORMAT,
                "version": 1,
                "domain": self.domain,
                "user_id": self.user_id,
                "secret": self.secret,
                "state": self.state.dump(),
                "oauth": self.oauth.dump(),
            }

    def restore(self, data: dict[str, Any]) -> None:
        """Replace this portal's data and OAuth grants with a :meth:`dump`."""
        if data.get("format") != _FORMAT:
            raise ValueError("not a saved bitrix24-toolkit emulator portal")
        with self.lock:
            self.state.load(data["state"])
            self.oauth.load(data.get("oauth", {}))

    def save(self, path: str | Path) -> None:
        """Write the whole portal to a JSON file."""
        text = json.dumps(self.dump(), ensure_ascii=False, indent=1)
        Path(path).write_text(text, encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path, **options: Any) -> Self:
        """A portal restored from :meth:`save` (webhook credentials from the file unless overridden)."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        for key in ("domain", "user_id", "secret"):
            options.setdefault(key, data.get(key))
        emu = cls(**options)
        emu.restore(data)
        return emu

    @classmethod
    def demo(cls, **options: Any) -> Self:
        """A portal filled with demo data (``testing/emulator/demo.py``: ``build_demo(emu)``)."""
        from .demo import build_demo

        emu = cls(**options)
        with emu.lock:
            build_demo(cast("DemoPortal", emu))
        return emu
