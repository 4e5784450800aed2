"""Workflows a CRM team lives by, as functions whose first argument is a client.

Each helper returns its value with :class:`~bitrix24_toolkit.Bitrix24` and an awaitable with
:class:`~bitrix24_toolkit.AsyncBitrix24`; inside is one flow (``helper.flow(...)``), testable without HTTP.
"""

from .base import Helper, helper

__all__ = ["Helper", "helper"]
