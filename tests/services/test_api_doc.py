"""docs/api.md names, for every client method, what it does and the REST methods it really sends.

The reference comes from the factories' first docstring lines (``tools/codegen/apidoc.py``). These tests hold
those lines to the code: every method of both clients is in the reference with a description and REST
names, the names are the ones the code builds, and a run on the demo portal sends exactly the listed ones.
"""

from __future__ import annotations

import ast
import inspect
import sys
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest

from bitrix24_toolkit import AsyncBitrix24, Bitrix24
from bitrix24_toolkit.testing import Emulator
from tools import codegen

ROOT = Path(__file__).resolve().parents[2]
ENTRIES = {entry.path: entry for entry in codegen.api_entries()}


def _client_paths(root: Any, prefix: str) -> set[str]:
    """Every public method reachable from a client namespace, as ``b24.crm.deal.list_all`` paths."""
    found: set[str] = set()
    for name in dir(type(root)):
        if name.startswith("_") or name == "calls":
            continue
        attr = inspect.getattr_static(type(root), name)
        if isinstance(attr, cached_property):
            found |= _client_paths(getattr(root, name), f"{prefix}.{name}")
        elif inspect.isfunction(attr):
            signature = inspect.signature(attr)
            returns = str(signature.return_annotation)
            if returns.endswith("API"):  # a namespace with arguments: b24.crm.item(entity_type_id)
                args = ", ".join(p for p in signature.parameters if p != "self")
                found |= _client_paths(getattr(root, name)(2), f"{prefix}.{name}({args})")
            else:
                found.add(f"{prefix}.{name}")
    return found


@pytest.mark.parametrize("client_class", [Bitrix24, AsyncBitrix24])
def test_the_reference_lists_every_method_of_both_clients(client_class: type) -> None:
    client = client_class("https://portal.bitrix24.test/rest/1/secretsecret1/")
    try:
        paths = set().union(*(_client_paths(getattr(client, n[4:]), n) for n, _ in codegen.apidoc.ROOTS))
    finally:
        closed = client.close() if client_class is Bitrix24 else None
        assert closed is None
    assert len(paths) > 150
    assert paths == set(ENTRIES)


def test_every_entry_has_a_description_and_real_rest_names() -> None:
    page = (ROOT / "docs/api.md").read_text(encoding="utf-8")
    assert "{rest}" not in page
    for path, entry in ENTRIES.items():
        assert len(entry.description) > 8, f"{path}: no description"
        assert "{rest" not in entry.description, f"{path}: placeholder left"
        assert entry.rest, f"{path}: the docstring names no REST method"
        for name in entry.rest:
            assert codegen.REST_METHOD.fullmatch(name), f"{path}: {name!r} is not a REST method name"
        head = f"- `{path}({entry.params})` → `{entry.returns}`  \n"
        block = f"{head}  {entry.description}  \n  REST: `{entry.rest[0]}`"
        assert block in page, f"{path}: not on the page as generated"


def test_a_docstring_without_a_rest_name_is_reported() -> None:
    assert codegen.rest_methods("Do a thing.") == ("Do a thing.", ())
    assert codegen.rest_methods("One record by id (crm.deal.get).") == ("One record by id", ("crm.deal.get",))
    assert codegen.rest_methods("Create (a write) (crm.deal.add, crm.deal.fields).") == (
        "Create (a write)",
        ("crm.deal.add", "crm.deal.fields"),
    )


def _call_methods(cls: type, name: str) -> set[str]:
    """The method names of the ``Call(...)`` objects a factory method builds in its own body."""
    owner = next(k for k in cls.__mro__ if name in vars(k))
    tree = ast.parse(inspect.getsource(sys.modules[owner.__module__]))
    rest = getattr(cls, "rest_name", "")
    found: set[str] = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.ClassDef) and node.name == owner.__name__):
            continue
        for item in node.body:
            if not (isinstance(item, ast.FunctionDef) and item.name == name):
                continue
            for call in ast.walk(item):
                if isinstance(call, ast.Call) and ast.unparse(call.func) == "Call" and call.args:
                    text = ast.unparse(call.args[0])
                    if text.startswith("f"):
                        text = text[1:].replace("{self.rest_name}", rest)
                    found.add(text.strip("'\""))
    return found


def test_the_rest_names_are_those_the_code_builds() -> None:
    checked = 0
    by_name = {cls.__name__: cls for cls in codegen.factories()}
    for cls in by_name.values():
        for member in codegen.members(cls):
            if member.kind not in ("call", "stream"):
                continue
            built = _call_methods(cls, member.name)
            documented = set(codegen.rest_methods(member.doc)[1])
            assert built <= documented, f"{cls.__name__}.{member.name} builds {built}, names {documented}"
            checked += bool(built)
    assert checked > 60


#: (path in the reference, what to run) on a fresh demo-portal client, so its field cache is empty
CASES: list[tuple[str, Callable[[Bitrix24], Any]]] = [
    ("b24.crm.deal.get", lambda b: b.crm.deal.get(1)),
    ("b24.crm.deal.list", lambda b: b.crm.deal.list(filter={"STAGE_ID": "WON"})),
    ("b24.crm.deal.list_all", lambda b: b.crm.deal.list_all(filter={">OPPORTUNITY": 0}, select=["ID"])),
    ("b24.crm.deal.iter_all", lambda b: list(b.crm.deal.iter_all(order={"ID": "DESC"}, limit=3))),
    ("b24.crm.deal.get_many", lambda b: b.crm.deal.get_many([1, 2, 3])),
    ("b24.crm.deal.add", lambda b: b.crm.deal.add({"TITLE": "api doc"})),
    ("b24.crm.deal.update", lambda b: b.crm.deal.update(1, {"TITLE": "api doc"})),
    ("b24.crm.deal.add_many", lambda b: b.crm.deal.add_many([{"TITLE": "a"}, {"TITLE": "b"}])),
    ("b24.crm.deal.update_many", lambda b: b.crm.deal.update_many({1: {"TITLE": "c"}})),
    ("b24.crm.deal.delete", lambda b: b.crm.deal.delete(163)),
    ("b24.crm.deal.fields", lambda b: b.crm.deal.fields()),
    ("b24.crm.deal.productrows.get", lambda b: b.crm.deal.productrows.get(1)),
    ("b24.crm.deal.userfield.list", lambda b: b.crm.deal.userfield.list()),
    ("b24.crm.item(entity_type_id).get", lambda b: b.crm.item(2).get(1)),
    ("b24.crm.item(entity_type_id).list_all", lambda b: b.crm.item(2).list_all(filter={"stageId": "WON"})),
    ("b24.crm.item(entity_type_id).update", lambda b: b.crm.item(2).update(1, {"title": "api doc"})),
    ("b24.crm.category(entity_type_id).list", lambda b: b.crm.category(2).list()),
    ("b24.crm.status.deal_stages", lambda b: b.crm.status.deal_stages()),
    ("b24.crm.status.entity_types", lambda b: b.crm.status.entity_types()),
    ("b24.crm.stagehistory.list_all", lambda b: b.crm.stagehistory.list_all(2)),
    ("b24.crm.company.get_many", lambda b: b.crm.company.get_many([1, 2])),
    ("b24.crm.requisite.for_owner", lambda b: b.crm.requisite.for_owner(4, 1)),
    ("b24.crm.requisite.preset.for_country", lambda b: b.crm.requisite.preset.for_country(1)),
    ("b24.crm.address.types", lambda b: b.crm.address.types()),
    ("b24.crm.activity.list_all", lambda b: b.crm.activity.list_all(filter={"OWNER_TYPE_ID": 2}, limit=5)),
    ("b24.crm.duplicate.find_by_comm", lambda b: b.crm.duplicate.find_by_comm("PHONE", ["+70000000000"])),
    ("b24.user.current", lambda b: b.user.current()),
    ("b24.user.get", lambda b: b.user.get(filter={"ACTIVE": True})),
]


@pytest.fixture(scope="module")
def demo() -> Emulator:
    return Emulator.demo()


@pytest.mark.parametrize(("path", "run"), CASES, ids=[path for path, _ in CASES])
def test_a_run_sends_the_rest_methods_listed(
    demo: Emulator, path: str, run: Callable[[Bitrix24], Any]
) -> None:
    with demo.client(limits="off") as b24:
        before = dict(demo.stats.calls)
        run(b24)
    sent = {method for method, count in demo.stats.calls.items() if count > before.get(method, 0)} - {"batch"}
    listed = ENTRIES[path].rest
    assert listed[0] in sent, f"{path} sent {sent}, not its own {listed[0]}"
    # nothing unlisted; a listed ``*.fields`` (the key check) is skipped for names the model declares
    assert sent <= set(listed), f"{path} sent {sorted(sent - set(listed))}, which the reference does not list"
