"""The generator of the client namespaces and ``docs/api.md``: ``python -m tools.codegen`` (``--check``)."""

from .apidoc import REST_METHOD, REST_NAME, ApiEntry, api_entries, render_api_doc, rest_methods
from .generate import main, render
from .introspect import Member, factories, members

__all__ = [
    "REST_METHOD",
    "REST_NAME",
    "ApiEntry",
    "Member",
    "api_entries",
    "factories",
    "main",
    "members",
    "render",
    "render_api_doc",
    "rest_methods",
]
