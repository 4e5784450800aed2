"""``docs/api.md``: every client method with its signature, return type, description and REST methods.

Both come from the factory's first docstring line: the text is the description, the parentheses that end it
name the REST method(s) the call sends (``{rest}`` resolved to the family, e.g. ``crm.deal``), several
separated by ``, ``. The page is a list, not a table: Material's ``code { word-break: break-word }`` lets
a cramped table column split ``crm.requisite.bankdetail.list`` mid-name, a paragraph only breaks at spaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .introspect import factories, members

__all__ = ["REST_METHOD", "REST_NAME", "ApiEntry", "api_entries", "render_api_doc", "rest_methods"]

#: the roots of the client: ``b24.crm``, ``b24.user``, ``b24.department``, ``b24.task``, ``b24.workgroup``,
#: ``b24.feed``
ROOTS = (
    ("b24.crm", "CrmCalls"),
    ("b24.user", "UserCalls"),
    ("b24.department", "DepartmentCalls"),
    ("b24.task", "TaskCalls"),
    ("b24.workgroup", "WorkgroupCalls"),
    ("b24.feed", "BlogPostCalls"),
)
#: the REST method(s) named in parentheses at the end of a docstring line
REST_NAME = re.compile(r"\(([^()]*)\)\.?$")
#: one REST method name: lower-case dotted words (``crm.deal.list``, ``sonet_group.get``)
REST_METHOD = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+")
_RST_CODE = re.compile(r"``(.+?)``")


@dataclass(frozen=True)
class ApiEntry:
    """One client method as the reference shows it."""

    namespace: str  # ``b24.crm.deal`` / ``b24.crm.item(entity_type_id)``
    name: str  # ``list_all``
    params: str  # ``*, filter, select, order, limit, progress, raw``
    returns: str  # with ``Bitrix24`` (``Iterator[Deal]`` for streams)
    description: str  # the docstring line without its REST part, as markdown
    rest: tuple[str, ...]  # the REST methods it calls, in the docstring's order

    @property
    def path(self) -> str:
        """``b24.crm.deal.list_all``."""
        return f"{self.namespace}.{self.name}"


def rest_methods(doc: str) -> tuple[str, tuple[str, ...]]:
    """A first docstring line split into (description, REST methods); no parentheses: ``(doc, ())``."""
    found = REST_NAME.search(doc)
    if found is None:
        return doc.strip(), ()
    names = tuple(name.strip() for name in found.group(1).split(","))
    return doc[: found.start()].rstrip(" ;:,"), names


def _markdown(text: str) -> str:
    text = _RST_CODE.sub(lambda m: f"`{m.group(1)}`", text)
    return text if text.endswith((".", "!", "?")) else text + "."


def _params(args: str) -> str:
    names = (part.split(":")[0].split("=")[0].strip() for part in _split_args(args))
    return ", ".join(name for name in names if name != "self")


def _collect(namespace: str, cls: type, by_name: dict[str, type], out: list[ApiEntry]) -> None:
    for member in members(cls):
        if member.kind == "child":
            child = by_name.get(member.returns)
            if child is not None:
                _collect(f"{namespace}.{member.name}", child, by_name, out)
        elif member.kind == "namespace":
            child = by_name.get(member.returns.split("[", 1)[0])
            if child is not None:
                _collect(f"{namespace}.{member.name}({_params(member.args)})", child, by_name, out)
        else:
            returns = f"Iterator[{member.returns}]" if member.kind == "stream" else member.returns
            description, rest = rest_methods(member.doc)
            out.append(
                ApiEntry(
                    namespace,
                    member.name,
                    _params(member.args),
                    returns.replace("builtins.", ""),
                    _markdown(description) if description else "",
                    rest,
                )
            )


def _split_args(args: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in args:
        if char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    if current.strip():
        parts.append(current.strip())
    return parts


def api_entries() -> list[ApiEntry]:
    """Every client method under the client's roots (:data:`ROOTS`), in the order of the page."""
    by_name = {cls.__name__: cls for cls in factories()}
    entries: list[ApiEntry] = []
    for namespace, root in ROOTS:
        _collect(namespace, by_name[root], by_name, entries)
    return entries


def _rest_line(entry: ApiEntry) -> str:
    shown = []
    for name in entry.rest:
        note = ""
        if name.endswith(".fields") and entry.name != "fields" and len(entry.rest) > 1:
            note = " (the key check, once per client)"
        shown.append(f"`{name}`{note}")
    return "REST: " + ", ".join(shown)


def render_api_doc() -> str:
    """The text of ``docs/api.md``."""
    entries = api_entries()
    lines = [
        "# API index",
        "",
        "Every method of the typed namespaces: what it does and the REST method it sends. `Bitrix24` and",
        "`AsyncBitrix24` have the same methods: with `AsyncBitrix24` each call is awaited and a stream is an",
        "`async for` iterator; the return type shown is the sync one. Any other REST method is one",
        "`b24.call(method, params)` away.",
        "",
        "A method that also lists a `*.fields` method checks the names it is given (the keys of a write;",
        "the `filter`, `select` and `order` names of a read): unknown (and, on writes, read-only) names are",
        "refused before the call is sent. Standard names the model declares need no `*.fields` read; any",
        "other name makes the client read those fields once (cached for a few minutes) and answer from its",
        "cache. `check=False` on the call or `check_fields=False` on the client turns it off (see",
        "[Typed models](models.md)).",
        "",
        "Generated from the call factories by `python -m tools.codegen`; a test keeps it in step with the",
        "code.",
    ]
    section = None
    for entry in entries:
        top = ".".join(entry.namespace.split("(")[0].split(".")[:3])
        if top != section:
            section = top
            lines += ["", f"## `{top}`"]
        lines += [
            "",
            f"- `{entry.path}({entry.params})` → `{entry.returns}`  ",
            f"  {entry.description}  ",
            f"  {_rest_line(entry)}",
        ]
    return "\n".join(lines) + "\n"
