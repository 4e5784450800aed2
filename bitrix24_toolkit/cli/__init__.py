"""The ``b24`` command (also ``python -m bitrix24_toolkit``): the library from a terminal.

``b24 demo`` tours the built-in demo portal; ``b24 call``, ``b24 list``, ``b24 funnel``, ``b24 holding``,
``b24 requisites``, ``b24 leads`` and ``b24 emulator serve`` reach the rest. Reference: ``docs/cli.md``.
"""

from __future__ import annotations

from .app import app, main

__all__ = ["app", "main"]
