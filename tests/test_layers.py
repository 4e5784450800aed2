"""The package's layers, checked by an AST scan independent of import-linter (``lint-imports``).

Order, high to low (a module may import its own layer or a lower one, never a higher one)::

    cli > testing > helpers > events > client > services | distributed > engine > protocol | models > errors

``protocol`` and ``models`` are independent siblings, and so are ``services`` and ``distributed`` (shared
state on Redis: it imports ``engine`` and below; the client layer and above import it). Every import
counts: top-level ones, imports inside functions and methods, ``if TYPE_CHECKING:`` blocks, relative
imports, and module names handed to ``importlib.import_module(...)`` / ``__import__(...)`` (a dynamic
import the scan cannot resolve statically is a violation too). Extra rules: ``testing`` never imports
``helpers`` or ``events``; modules inside the layers never import the root package ``bitrix24_toolkit``
itself (nor ``__main__``, ``tools``, ``tests``); ``models`` does not import httpx, and neither ``protocol``
nor ``models`` imports a network-I/O module.
The root ``__init__.py``, ``_version.py`` and ``__main__.py`` sit outside the layers.
"""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE_DIR = REPO / "bitrix24_toolkit"
ROOT = "bitrix24_toolkit"

#: high to low; names in one tuple are independent siblings of the same height
ORDER: tuple[tuple[str, ...], ...] = (
    ("cli",),
    ("testing",),
    ("helpers",),
    ("events",),
    ("client",),
    ("services", "distributed"),
    ("engine",),
    ("protocol", "models"),
    ("errors",),
)
HEIGHT = {name: len(ORDER) - index for index, names in enumerate(ORDER) for name in names}
#: top-level modules outside the layers (they may import anything; layer modules import only ``_version``)
OUTSIDE = {"__init__", "__main__", "_version"}
#: (importer layer, imported layer) pairs that are downward yet forbidden
FORBIDDEN_LAYERS = {("testing", "helpers"), ("testing", "events")}
#: top-level names a layer module never imports: the generator (tools/) and the test suite
FORBIDDEN_TOP = {"tools", "tests"}
#: modules that do network I/O (or send requests); ``models`` additionally never imports httpx
NETWORK = {"socket", "ssl", "http.client", "urllib.request", "requests", "aiohttp", "urllib3", "httpcore"}
NO_NETWORK = {"protocol": NETWORK, "models": NETWORK | {"httpx"}}
#: file names of code generators, which live in tools/codegen/, never in the package
GENERATOR_NAMES = {"codegen", "introspect", "apidoc"}


@dataclass(frozen=True, order=True)
class Violation:
    path: str
    line: int
    imported: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line} imports {self.imported} ({self.reason})"


@dataclass(frozen=True)
class Source:
    """One module to scan: its dotted name, whether it is a package ``__init__``, where it lives."""

    module: str
    is_package: bool
    path: str
    text: str

    @property
    def package(self) -> str:
        return self.module if self.is_package else self.module.rpartition(".")[0]


def module_name(path: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts.pop()
    return ".".join(parts), is_package


def package_sources() -> list[Source]:
    sources = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        name, is_package = module_name(path)
        rel = path.relative_to(REPO).as_posix()
        sources.append(Source(name, is_package, rel, path.read_text(encoding="utf-8")))
    return sources


def known_modules(sources: list[Source]) -> set[str]:
    return {source.module for source in sources}


# ----------------------------------------------------------------------------------------------- layers
def layer_of(module: str) -> str | None:
    """The layer of a package module, or ``"<root>"``/``"<outside>"``/``"<unplaced>"``; None = external."""
    if module == ROOT:
        return "<root>"
    if not module.startswith(ROOT + "."):
        return None
    top = module.split(".")[1]
    if top in HEIGHT:
        return top
    if top in OUTSIDE:
        return "<outside>" if top == "_version" else "<root>"
    return "<unplaced>"


def judge(importer_layer: str, imported: str) -> str | None:
    """Why importing ``imported`` from a module of ``importer_layer`` is a violation (None: it is fine)."""
    target = layer_of(imported)
    if target is None:
        top = imported.split(".")[0]
        if top in FORBIDDEN_TOP:
            return f"layer {importer_layer} never imports {top}/"
        for banned in NO_NETWORK.get(importer_layer, set()):
            if imported == banned or imported.startswith(banned + "."):
                return f"layer {importer_layer} does no network I/O: {banned} is forbidden"
        return None
    if target == "<outside>":
        return None
    if target == "<root>":
        return f"the root package from layer {importer_layer}: import the layer module instead"
    if target == "<unplaced>":
        return f"{imported} is in no layer"
    if HEIGHT[target] > HEIGHT[importer_layer]:
        return f"layer {target} above layer {importer_layer}"
    if HEIGHT[target] == HEIGHT[importer_layer] and target != importer_layer:
        return f"layer {target} beside layer {importer_layer}: independent siblings"
    if (importer_layer, target) in FORBIDDEN_LAYERS:
        return f"layer {importer_layer} must not import layer {target}"
    return None


# ------------------------------------------------------------------------------------------- the scan
class Unresolvable(Exception):
    """A dynamic import whose module name the scan cannot work out statically."""


def resolve_relative(name: str, level: int, package: str) -> str:
    """``from <level dots><name> import ...`` seen from ``package``."""
    if level == 0:
        return name
    parts = package.split(".")
    if level - 1 >= len(parts):
        raise Unresolvable(f"relative import beyond the top-level package: {'.' * level}{name}")
    base = parts[: len(parts) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def static_prefix(node: ast.expr | None, source: Source) -> tuple[str, bool]:
    """The statically known start of a string expression, and whether that is the whole string.

    Understands literals, f-strings and ``+`` concatenation, with ``__name__``/``__package__`` filled in.
    """
    if node is None:
        return "", False
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value, True
    if isinstance(node, ast.Name) and node.id in ("__name__", "__package__"):
        return (source.module if node.id == "__name__" else source.package), True
    if isinstance(node, ast.FormattedValue) and node.conversion == -1 and node.format_spec is None:
        return static_prefix(node.value, source)
    if isinstance(node, ast.JoinedStr):
        text = ""
        for part in node.values:
            piece, complete = static_prefix(part, source)
            text += piece
            if not complete:
                return text, False
        return text, True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, complete = static_prefix(node.left, source)
        if not complete:
            return left, False
        right, complete = static_prefix(node.right, source)
        return left + right, complete
    return "", False


def dynamic_target(call: ast.Call, is_import_module: bool, source: Source) -> str:
    """The module (or, for a partly dynamic name, the package it lies in) a dynamic import loads."""
    args = {"name": call.args[0] if call.args else None}
    if is_import_module:
        args["package"] = call.args[1] if len(call.args) > 1 else None
    else:
        args["level"] = call.args[4] if len(call.args) > 4 else None
    for keyword in call.keywords:
        if keyword.arg in args:
            args[keyword.arg] = keyword.value
    name, complete = static_prefix(args["name"], source)
    if not complete:
        name = name.rpartition(".")[0] + "." if "." in name else ""  # only whole components count
    level, package = 0, source.package
    if is_import_module:
        level = len(name) - len(name.lstrip("."))
        name = name[level:]
        if level:
            package, package_complete = static_prefix(args.get("package"), source)
            if not package_complete or not package:
                raise Unresolvable("relative import_module() without a static package")
    else:
        level_node = args.get("level")
        if level_node is not None:
            if not (isinstance(level_node, ast.Constant) and isinstance(level_node.value, int)):
                raise Unresolvable("__import__() with a non-literal level")
            level = level_node.value
    name = name.rstrip(".")
    if not name and not level:
        raise Unresolvable("dynamic import of a name the scan cannot resolve (use a literal module name)")
    return resolve_relative(name, level, package)


def import_calls(tree: ast.Module) -> tuple[set[str], set[str], set[str]]:
    """Local names bound to the ``importlib`` module, to ``import_module`` and to ``__import__``."""
    importlib_names, import_module_names, dunder_names = {"importlib"}, set(), {"__import__"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "importlib":
                    importlib_names.add(alias.asname or alias.name)
        elif isinstance(node, ast.ImportFrom) and node.module == "importlib" and not node.level:
            for alias in node.names:
                if alias.name == "import_module":
                    import_module_names.add(alias.asname or alias.name)
                elif alias.name == "__import__":
                    dunder_names.add(alias.asname or alias.name)
    return importlib_names, import_module_names, dunder_names


def imports_of(source: Source, modules: set[str]) -> Iterator[tuple[int, str]]:
    """Every ``(line, imported module)`` of a source, wherever the import statement or call sits.

    ``from X import n`` imports ``X.n`` when that is a module of the package, else ``X``.
    An unresolvable dynamic import yields the message of :class:`Unresolvable` prefixed with ``?``.
    """
    tree = ast.parse(source.text, filename=source.path)
    importlib_names, import_module_names, dunder_names = import_calls(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            try:
                base = resolve_relative(node.module or "", node.level, source.package)
            except Unresolvable as exc:
                yield node.lineno, f"?{exc}"
                continue
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                yield node.lineno, candidate if candidate in modules else base
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                if func.value.id not in importlib_names or func.attr not in ("import_module", "__import__"):
                    continue
                is_import_module = func.attr == "import_module"
            elif isinstance(func, ast.Name) and func.id in import_module_names | dunder_names:
                is_import_module = func.id in import_module_names
            else:
                continue
            try:
                yield node.lineno, dynamic_target(node, is_import_module, source)
            except Unresolvable as exc:
                yield node.lineno, f"?{exc}"


def scan(sources: list[Source], modules: set[str]) -> list[Violation]:
    """Every import of a layer module that breaks the rules (sorted)."""
    found = []
    for source in sources:
        layer = layer_of(source.module)
        if layer == "<unplaced>":
            found.append(Violation(source.path, 1, "-", f"{source.module} is in no layer"))
            continue
        if layer not in HEIGHT:
            continue  # the root __init__, __main__, _version
        for line, imported in imports_of(source, modules):
            if imported.startswith("?"):
                found.append(Violation(source.path, line, "?", imported[1:]))
                continue
            reason = judge(layer, imported)
            if reason is not None:
                found.append(Violation(source.path, line, imported, reason))
    return sorted(set(found))


# ------------------------------------------------------------------------------------------- the tests
def test_no_import_breaks_the_layers() -> None:
    sources = package_sources()
    violations = scan(sources, known_modules(sources))
    assert not violations, f"{len(violations)} imports break the layers:\n" + "\n".join(map(str, violations))


def test_the_scan_sees_the_package() -> None:
    """Guard against a scan that passes because it looks at nothing."""
    sources = package_sources()
    modules = known_modules(sources)
    internal = [imp for s in sources for _, imp in imports_of(s, modules) if layer_of(imp) is not None]
    assert len(sources) > 100
    assert len(internal) > 300
    assert {layer_of(s.module) for s in sources} >= set(HEIGHT)


def synthetic(path: str, text: str) -> list[str]:
    """Scan one made-up module next to the real ones and return its violations as text."""
    sources = package_sources()
    name, is_package = module_name(REPO / path)
    fake = Source(name, is_package, path, text)
    return [str(v) for v in scan([fake], known_modules(sources) | {name})]


@pytest.mark.parametrize(
    ("path", "text", "expected"),
    [
        (
            "bitrix24_toolkit/engine/x.py",
            "from ..client import Bitrix24\n",
            "bitrix24_toolkit/engine/x.py:1 imports bitrix24_toolkit.client (layer client above layer engine",
        ),
        (
            "bitrix24_toolkit/engine/x.py",
            "from .. import client\n",
            "bitrix24_toolkit/engine/x.py:1 imports bitrix24_toolkit.client (layer client above layer engine",
        ),
        (
            "bitrix24_toolkit/services/x.py",
            "def f():\n    from bitrix24_toolkit.client.sync_client import Bitrix24\n",
            "bitrix24_toolkit/services/x.py:2 imports bitrix24_toolkit.client.sync_client (layer client",
        ),
        (
            "bitrix24_toolkit/protocol/sub/__init__.py",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ...engine import Limits\n",
            "bitrix24_toolkit/protocol/sub/__init__.py:3 imports bitrix24_toolkit.engine (layer engine above",
        ),
        (
            "bitrix24_toolkit/errors.py",
            "import importlib\ndef f():\n    return importlib.import_module('bitrix24_toolkit.protocol')\n",
            "bitrix24_toolkit/errors.py:3 imports bitrix24_toolkit.protocol (layer protocol above",
        ),
        (
            "bitrix24_toolkit/engine/x.py",
            "from importlib import import_module as im\nim('..helpers.funnel', __package__)\n",
            "bitrix24_toolkit/engine/x.py:2 imports bitrix24_toolkit.helpers.funnel (layer helpers above",
        ),
        (
            "bitrix24_toolkit/engine/x.py",
            "__import__('bitrix24_toolkit.events')\n",
            "bitrix24_toolkit/engine/x.py:1 imports bitrix24_toolkit.events (layer events above layer engine",
        ),
        (
            "bitrix24_toolkit/models/x.py",
            "import importlib\nimportlib.import_module(f'bitrix24_toolkit.services.{name}')\n",
            "bitrix24_toolkit/models/x.py:2 imports bitrix24_toolkit.services (layer services above",
        ),
        (
            "bitrix24_toolkit/engine/x.py",
            "import importlib\nimportlib.import_module(name)\n",
            "bitrix24_toolkit/engine/x.py:2 imports ? (dynamic import of a name the scan cannot resolve",
        ),
        (
            "bitrix24_toolkit/protocol/x.py",
            "from ..models import Deal\n",
            "bitrix24_toolkit/protocol/x.py:1 imports bitrix24_toolkit.models (layer models beside layer "
            "protocol: independent siblings)",
        ),
        (
            "bitrix24_toolkit/testing/x.py",
            "from ..helpers import convert_lead\n",
            "bitrix24_toolkit/testing/x.py:1 imports bitrix24_toolkit.helpers (layer testing must not "
            "import layer helpers)",
        ),
        (
            "bitrix24_toolkit/testing/x.py",
            "from .. import Bitrix24\n",
            "bitrix24_toolkit/testing/x.py:1 imports bitrix24_toolkit (the root package from layer testing",
        ),
        (
            "bitrix24_toolkit/helpers/x.py",
            "import bitrix24_toolkit\n",
            "bitrix24_toolkit/helpers/x.py:1 imports bitrix24_toolkit (the root package from layer helpers",
        ),
        (
            "bitrix24_toolkit/services/x.py",
            "from tools.codegen import generate\n",
            "bitrix24_toolkit/services/x.py:1 imports tools.codegen (layer services never imports tools/)",
        ),
        (
            "bitrix24_toolkit/models/x.py",
            "import httpx\n",
            "bitrix24_toolkit/models/x.py:1 imports httpx (layer models does no network I/O",
        ),
        (
            "bitrix24_toolkit/protocol/x.py",
            "from urllib.request import urlopen\n",
            "bitrix24_toolkit/protocol/x.py:1 imports urllib.request (layer protocol does no network I/O",
        ),
        (
            "bitrix24_toolkit/distributed/x.py",
            "from ..client import Bitrix24\n",
            "bitrix24_toolkit/distributed/x.py:1 imports bitrix24_toolkit.client (layer client above layer "
            "distributed",
        ),
        (
            "bitrix24_toolkit/distributed/x.py",
            "def f():\n    from ..testing import Emulator\n",
            "bitrix24_toolkit/distributed/x.py:2 imports bitrix24_toolkit.testing (layer testing above",
        ),
        (
            "bitrix24_toolkit/services/x.py",
            "from ..distributed import RedisLimits\n",
            "bitrix24_toolkit/services/x.py:1 imports bitrix24_toolkit.distributed (layer distributed beside "
            "layer services: independent siblings)",
        ),
        (
            "bitrix24_toolkit/engine/x.py",
            "from ..distributed.limits import RedisLimits\n",
            "bitrix24_toolkit/engine/x.py:1 imports bitrix24_toolkit.distributed.limits (layer distributed "
            "above layer engine",
        ),
        (
            "bitrix24_toolkit/newlayer/x.py",
            "import json\n",
            "bitrix24_toolkit/newlayer/x.py:1 imports - (bitrix24_toolkit.newlayer.x is in no layer)",
        ),
    ],
)
def test_the_scan_reports_a_synthetic_violation(path: str, text: str, expected: str) -> None:
    found = synthetic(path, text)
    assert len(found) == 1, found
    assert found[0].startswith(expected), found


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("bitrix24_toolkit/client/x.py", "from ..engine import Limits\nfrom ..services import CrmCalls\n"),
        (
            "bitrix24_toolkit/distributed/x.py",
            "from ..engine.limiter import Limiter\nfrom ..errors import SharedStateError\n"
            "from ..protocol.call import Call\nfrom ..models import Deal\n",
        ),
        ("bitrix24_toolkit/client/x.py", "from ..distributed import RedisLimits\n"),
        ("bitrix24_toolkit/cli/x.py", "from ..distributed.limits import RedisLimits\n"),
        ("bitrix24_toolkit/cli/x.py", "from .. import errors\nfrom .._version import __version__\n"),
        (
            "bitrix24_toolkit/testing/x.py",
            "import importlib\nimportlib.import_module(f'{__name__}.sub.{n}')\n",
        ),
        (
            "bitrix24_toolkit/testing/emulator/x.py",
            "import importlib\nimportlib.import_module(f'.m.{n}', __package__)\n",
        ),
        (
            "bitrix24_toolkit/protocol/x.py",
            "import httpx\nfrom urllib.parse import quote\nfrom ..errors import APIError\n",
        ),
        ("bitrix24_toolkit/helpers/x.py", "import importlib\nimportlib.import_module('pandas')\n"),
    ],
)
def test_the_scan_accepts_allowed_imports(path: str, text: str) -> None:
    assert synthetic(path, text) == []


def test_no_code_generator_in_the_package() -> None:
    generators = [
        path.relative_to(REPO).as_posix()
        for path in PACKAGE_DIR.rglob("*")
        if path.name.split(".")[0] in GENERATOR_NAMES and "__pycache__" not in path.parts
    ]
    assert generators == [], "code generators belong in tools/codegen/, not in the package"
    assert (REPO / "tools" / "codegen").is_dir()


def test_ci_runs_lint_imports() -> None:
    lines = [line.strip() for line in (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    commands = [line for line in lines if line and not line.startswith("#")]
    assert "lint-imports" in commands
    section = commands.index('echo "== lint and types"')
    assert commands.index("lint-imports") > section


def test_import_linter_contract_has_the_same_order() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    assert config["root_package"] == ROOT
    layer_contracts = [c for c in config["contracts"] if c["type"] == "layers"]
    assert len(layer_contracts) == 1
    contract = layer_contracts[0]
    written = [tuple(sorted(part.strip() for part in layer.split("|"))) for layer in contract["layers"]]
    assert written == [tuple(sorted(names)) for names in ORDER]
    assert contract["containers"] == [ROOT]
    assert contract["exhaustive"] is True
    forbidden = {
        (source, target)
        for c in config["contracts"]
        if c["type"] == "forbidden"
        for source in c["source_modules"]
        for target in c["forbidden_modules"]
    }
    for importer, imported in FORBIDDEN_LAYERS:
        assert (f"{ROOT}.{importer}", f"{ROOT}.{imported}") in forbidden
    assert (f"{ROOT}.models", "httpx") in forbidden
