"""The ``leads`` extra (phonenumbers, email-validator, charset-normalizer), imported on first use.

``import bitrix24_toolkit.helpers`` works without them; a lead-import function that needs one raises an
:class:`ImportError` that names the extra to install.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["PACKAGES", "leads_extra", "require_leads_extra"]

#: module -> the distribution that provides it
PACKAGES = {
    "phonenumbers": "phonenumbers",
    "email_validator": "email-validator",
    "charset_normalizer": "charset-normalizer",
}


@contextmanager
def leads_extra() -> Iterator[None]:
    """Turn a missing lead-import package, imported in the block, into an ImportError naming the extra."""
    try:
        yield
    except ModuleNotFoundError as exc:
        top = (exc.name or "").partition(".")[0]
        if top not in PACKAGES:
            raise
        raise ImportError(
            f"lead import needs {PACKAGES[top]}, which is not installed: "
            'pip install "bitrix24-toolkit[leads]"',
            name=exc.name,
        ) from exc


def require_leads_extra() -> None:
    """Import every package of the ``leads`` extra now (before any request), or raise the ImportError."""
    with leads_extra():
        import charset_normalizer  # noqa: F401
        import email_validator  # noqa: F401
        import phonenumbers  # noqa: F401
