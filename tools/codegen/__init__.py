"""The generator of the client namespaces and ``docs/api.md``: ``python -m tools.codegen`` (``--check``)."""

from .apidoc import REST_NAME, render_api_doc
from .generate import main, render
from .introspect import Member, factories, members

__all__ = ["REST_NAME", "Member", "factories", "main", "members", "render", "render_api_doc"]
