"""Reading the call factories for code generation: which ``*Calls`` classes exist and what their members are.

A member is a method returning ``Call[X]``/``Flow[X]`` (a value), ``Stream[X]`` (an iterator), another
``*Calls`` class (a namespace), or a property giving a child namespace. Signatures, overloads and the first
docstring line are read from the source with :mod:`ast`, so the generated code carries them verbatim.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import pkgutil
import re
import sys
import typing
from dataclasses import dataclass, field

__all__ = ["Member", "factories", "members", "split_return", "union_parts"]

_SKIP_MODULES: set[str] = set()
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def factories() -> list[type]:
    """Every concrete ``*Calls`` factory class of the services package, in a stable order."""
    package = importlib.import_module("bitrix24_toolkit.services")
    found: dict[str, type] = {}
    for info in pkgutil.iter_modules(package.__path__):
        if info.name in _SKIP_MODULES:
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for name, obj in vars(module).items():
            if (
                inspect.isclass(obj)
                and name.endswith("Calls")
                and obj.__module__ == module.__name__
                and not getattr(obj, "__parameters__", ())
            ):
                found[name] = obj
    return [found[name] for name in sorted(found)]


@dataclass
class Member:
    name: str
    kind: str  # "call" | "stream" | "namespace" | "child"
    args: str
    annotations: str
    forward: str
    returns: str
    doc: str
    #: ``(args, inner return type)`` of each ``@overload`` of the factory method, in order
    overloads: list[tuple[str, str]] = field(default_factory=list)


def _type_map(cls: type) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for klass in cls.__mro__:  # most derived first, so a base's type variable resolves to the concrete type
        for base in getattr(klass, "__orig_bases__", ()):
            origin = typing.get_origin(base)
            params = getattr(origin, "__parameters__", ())
            for param, arg in zip(params, typing.get_args(base), strict=False):
                if isinstance(arg, typing.TypeVar):
                    text = mapping.get(arg.__name__, arg.__name__)
                else:
                    text = arg.__name__ if isinstance(arg, type) else str(arg)
                mapping.setdefault(param.__name__, text)
    return mapping


def _function_nodes(owner: type, name: str) -> list[ast.FunctionDef]:
    source = inspect.getsource(sys.modules[owner.__module__])
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef) and node.name == owner.__name__:
            found = [item for item in node.body if isinstance(item, ast.FunctionDef) and item.name == name]
            if found:
                return found
    raise LookupError(f"{owner.__name__}.{name} not found in source")


def _is_overload(node: ast.FunctionDef) -> bool:
    return any(ast.unparse(d) in ("overload", "typing.overload") for d in node.decorator_list)


def _function_node(owner: type, name: str) -> ast.FunctionDef:
    """The implementation (the definition that is not an ``@overload``)."""
    nodes = _function_nodes(owner, name)
    return next((n for n in reversed(nodes) if not _is_overload(n)), nodes[-1])


def _forward(args: ast.arguments) -> str:
    parts = [a.arg for a in (*args.posonlyargs, *args.args) if a.arg != "self"]
    if args.vararg:
        parts.append(f"*{args.vararg.arg}")
    parts += [f"{a.arg}={a.arg}" for a in args.kwonlyargs]
    if args.kwarg:
        parts.append(f"**{args.kwarg.arg}")
    return ", ".join(parts)


def _annotation_text(args: ast.arguments) -> str:
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    every += [a for a in (args.vararg, args.kwarg) if a is not None]
    texts = [ast.unparse(a.annotation) for a in every if a.annotation is not None]
    texts += [ast.unparse(d) for d in [*args.defaults, *args.kw_defaults] if d is not None]
    return " ".join(texts)


def _substitute(text: str, mapping: dict[str, str]) -> str:
    return _IDENT.sub(lambda m: mapping.get(m.group(0), m.group(0)), text)


def members(cls: type) -> list[Member]:
    mapping = _type_map(cls)
    rest = getattr(cls, "rest_name", "")
    members: list[Member] = []
    for name in sorted(dir(cls)):
        if name.startswith("_"):
            continue
        owner = next(k for k in cls.__mro__ if name in vars(k))
        attr = vars(owner)[name]
        if isinstance(attr, property | functools.cached_property):
            node = _function_node(owner, name)
            returns = _substitute(ast.unparse(node.returns) if node.returns else "Any", mapping)
            doc = (inspect.getdoc(attr) or "").splitlines()[0].replace("{rest}", rest)
            members.append(Member(name, "child", "self", "", "", returns, doc))
            continue
        if not inspect.isfunction(attr):
            continue
        node = _function_node(owner, name)
        doc = (inspect.getdoc(attr) or "").splitlines()[0].replace("{rest}", rest)
        variants = [n for n in _function_nodes(owner, name) if _is_overload(n)]
        overloads = []
        for variant in variants:
            _, inner = split_return(
                _substitute(ast.unparse(variant.returns) if variant.returns else "Any", mapping)
            )
            overloads.append((_substitute(ast.unparse(variant.args), mapping), inner))
        first = variants[0] if variants else node
        returns = _substitute(ast.unparse(first.returns) if first.returns else "Any", mapping)
        args = _substitute(ast.unparse(node.args), mapping)
        annotations = _substitute(
            " ".join([_annotation_text(node.args), *(_annotation_text(v.args) for v in variants)]), mapping
        )
        forward = _forward(node.args)
        kind, inner = split_return(returns)
        if kind in ("call", "stream"):
            members.append(Member(name, kind, args, annotations, forward, inner, doc, overloads))
        elif kind == "namespace":
            members.append(Member(name, "namespace", args, annotations, forward, returns, doc))
    return members


def union_parts(text: str) -> list[str]:
    """The members of a top-level ``A | B`` union (brackets respected)."""
    parts, depth, current = [], 0, ""
    for char in text:
        depth += char in "[("
        depth -= char in "])"
        if char == "|" and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return [p for p in parts if p]


def split_return(returns: str) -> tuple[str, str]:
    """``Call[X]``/``Flow[X]`` -> ("call", X); ``Stream[X]`` -> ("stream", X); ``XCalls`` -> namespace.

    A union of such types (``Stream[A] | Stream[B]``) gives the union of their insides.
    """
    parts = union_parts(returns)
    if len(parts) > 1:
        split = [split_return(part) for part in parts]
        kinds = {kind for kind, _ in split}
        if len(kinds) == 1:
            return kinds.pop(), " | ".join(dict.fromkeys(inner for _, inner in split))
        return "other", returns
    head = returns.split("[", 1)[0]
    if head in ("Call", "Flow"):
        return "call", returns[len(head) + 1 : -1]
    if head == "Stream":
        return "stream", returns[len(head) + 1 : -1]
    if head.endswith("Calls"):
        return "namespace", returns
    return "other", returns
