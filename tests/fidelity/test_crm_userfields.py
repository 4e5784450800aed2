"""User-field methods of every CRM entity against their official pages (:mod:`.facts.crm_userfields`)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from .conftest import Portal
from .facts import crm_userfields as F
from .shapes import INT, ListOf, Obj, assert_shape


def err(doc: Any, **values: Any) -> Any:
    """A documented error with its ``{placeholders}`` filled in."""
    return replace(doc, description=doc.description.format(**values))


#: crm-deal-userfield-add.md example (the lead/company pages send the same)
HELLO_WORLD = {
    "LABEL": "Hello, world! Field",
    "USER_TYPE_ID": "string",
    "FIELD_NAME": "HELLO_WORLD",
    "MULTIPLE": "Y",
    "MANDATORY": "Y",
    "SHOW_FILTER": "Y",
    "SETTINGS": {"DEFAULT_VALUE": "Hello, world! Default value", "ROWS": 3},
    "SORT": 1000,
    "EDIT_IN_LIST": "Y",
    "LIST_FILTER_LABEL": "Hello, world! Filter",
    "LIST_COLUMN_LABEL": {"en": "Hello, World! Column", "de": "Hallo, Welt! Spalte"},
    "EDIT_FORM_LABEL": {"en": "Hello, World! Edit", "de": "Hallo, Welt! Bearbeiten"},
    "ERROR_MESSAGE": {"en": "Hello, World! Error", "de": "Hallo, Welt! Fehler"},
    "HELP_MESSAGE": {"en": "Hello, World! Help", "de": "Hallo, Welt! Hilfe"},
}
#: crm-deal-userfield-update.md example
CHANGES = {
    "MANDATORY": "N",
    "SHOW_FILTER": "N",
    "SETTINGS": {"DEFAULT_VALUE": "Hello, world! Default value (changed)", "ROWS": 10},
    "SORT": 2000,
    "EDIT_IN_LIST": "N",
    "LIST_FILTER_LABEL": "Hello, world! Filter (changed)",
    "LIST_COLUMN_LABEL": {"en": "Hello, World! Column (changed)", "de": "Hallo, Welt! Spalte (geändert)"},
}
ENTITIES = [e for e in F.ENTITY_IDS if e != "requisite"]


@pytest.mark.parametrize("entity", ENTITIES)
def test_add_get_update_list_delete(portal: Portal, entity: str) -> None:
    api = f"crm.{entity}.userfield."
    new = portal.ok(api + "add", {"fields": HELLO_WORLD})
    assert_shape(new, INT)
    got = portal.ok(api + "get", {"id": new})
    assert_shape(got, F.USERFIELD_GET)
    assert (got["ID"], got["ENTITY_ID"], got["FIELD_NAME"]) == (
        str(new),
        F.ENTITY_IDS[entity],
        "UF_CRM_HELLO_WORLD",
    )
    assert (got["MULTIPLE"], got["MANDATORY"], got["SORT"], got["XML_ID"]) == ("Y", "Y", "1000", None)
    assert got["SETTINGS"]["ROWS"] == 3
    assert got["SETTINGS"]["SIZE"] == 20
    assert got["EDIT_FORM_LABEL"]["de"] == "Hallo, Welt! Bearbeiten"
    assert portal.ok(api + "update", {"id": new, "fields": CHANGES}) is True
    changed = portal.ok(api + "get", {"id": new})
    assert (changed["MANDATORY"], changed["SORT"], changed["EDIT_IN_LIST"]) == ("N", "2000", "N")
    assert changed["SETTINGS"]["ROWS"] == 10
    answer = portal.call(api + "list", {"filter": {"MULTIPLE": "Y", "LANG": "de"}, "order": {"SORT": "ASC"}})
    assert_shape(answer.result, ListOf(F.USERFIELD_LISTED, min_len=1))
    assert answer.result[0]["LIST_COLUMN_LABEL"] == "Hallo, Welt! Spalte (geändert)"
    assert answer.body["total"] == 1
    assert portal.ok(api + "delete", {"id": new}) is True
    portal.error(api + "get", {"id": new}, err(F.ERRORS["not_found"], id=new))


@pytest.mark.parametrize("entity", list(F.ENTITY_IDS))
def test_documented_refusals(portal: Portal, entity: str) -> None:
    api = f"crm.{entity}.userfield."
    string = {"USER_TYPE_ID": "string", "FIELD_NAME": "NEWTECH_v1_STRING", "ENTITY_ID": F.ENTITY_IDS[entity]}
    portal.error(api + "add", {"fields": {"FIELD_NAME": "X"}}, F.ERRORS["no_type"])
    portal.error(api + "add", {"fields": {"USER_TYPE_ID": "string"}}, F.ERRORS["no_name"])
    portal.error(api + "add", {"fields": {**string, "USER_TYPE_ID": "no_such_type"}}, F.ERRORS["bad_type"])
    portal.error(api + "add", {"fields": {**string, "FIELD_NAME": "A" * 44}}, F.ERRORS["long_name"])
    portal.error(api + "add", {"fields": {**string, "FIELD_NAME": "BAD-NAME"}}, F.ERRORS["bad_name"])
    new = portal.ok(api + "add", {"fields": string})
    name = "UF_CRM_NEWTECH_V1_STRING"  # the UF_CRM_ prefix is added and the code upper-cased
    assert portal.ok(api + "get", {"id": new})["FIELD_NAME"] == name
    portal.error(
        api + "add", {"fields": string}, err(F.ERRORS["exists"], name=name, entity=F.ENTITY_IDS[entity])
    )
    portal.error(api + "get", {"id": 0}, F.ERRORS["id"])
    portal.error(api + "get", {"id": new + 500}, err(F.ERRORS["not_found"], id=new + 500))
    portal.error(api + "delete", {"id": new + 500}, err(F.ERRORS["not_found"], id=new + 500))
    portal.error(api + "update", {"id": new, "fields": "x"}, F.ERRORS["fields"])
    portal.error(api + "list", {"filter": "x"}, F.ERRORS["filter"])
    portal.error(api + "list", {"order": "x"}, F.ERRORS["order"])
    other = "lead" if entity != "lead" else "deal"
    portal.error(f"crm.{other}.userfield.get", {"id": new}, F.ERRORS["foreign"])


def test_requisite_example_and_type_limits(portal: Portal) -> None:
    # crm-requisite-userfield-add.md example
    fields = {
        "USER_TYPE_ID": "string",
        "ENTITY_ID": "CRM_REQUISITE",
        "SORT": 100,
        "MULTIPLE": "N",
        "MANDATORY": "N",
        "SHOW_FILTER": "E",
        "SHOW_IN_LIST": "Y",
        "EDIT_FORM_LABEL": "PP - Line",
        "LIST_COLUMN_LABEL": "PP - Line",
        "LIST_FILTER_LABEL": "PP - Line",
        "FIELD_NAME": "NEWTECH_v1_STRING",
    }
    new = portal.ok("crm.requisite.userfield.add", {"fields": fields})
    got = portal.ok("crm.requisite.userfield.get", {"id": new})
    assert_shape(got, F.USERFIELD_GET)
    expected_settings = {
        "SIZE": 20,
        "ROWS": 1,
        "REGEXP": "",
        "MIN_LENGTH": 0,
        "MAX_LENGTH": 0,
        "DEFAULT_VALUE": "",
    }
    assert got["SETTINGS"] == expected_settings
    update = {"EDIT_FORM_LABEL": "Category", "LIST_COLUMN_LABEL": "Category", "LIST_FILTER_LABEL": "Category"}
    assert portal.ok("crm.requisite.userfield.update", {"id": new, "fields": update}) is True
    listed = portal.ok(
        "crm.requisite.userfield.list", {"order": {"SORT": "ASC"}, "filter": {"MANDATORY": "N", "LANG": "de"}}
    )
    assert_shape(listed, ListOf(F.USERFIELD_LISTED, min_len=1))
    assert (listed[0]["EDIT_FORM_LABEL"], listed[0]["ERROR_MESSAGE"]) == ("Category", None)
    assert portal.ok("crm.requisite.userfield.delete", {"id": new}) is True
    yes_no = {"USER_TYPE_ID": "boolean", "FIELD_NAME": "NEWTECH_v1_BOOLEAN", "EDIT_FORM_LABEL": "UF - Yes/No"}
    flag = portal.ok(
        "crm.requisite.userfield.get", {"id": portal.ok("crm.requisite.userfield.add", {"fields": yes_no})}
    )
    expected = {"DEFAULT_VALUE": 0, "DISPLAY": "CHECKBOX", "LABEL": ["", ""], "LABEL_CHECKBOX": "UF - Yes/No"}
    assert flag["SETTINGS"] == expected  # crm-requisite-userfield-list.md example
    enum = {"USER_TYPE_ID": "enumeration", "FIELD_NAME": "KIND", "ENTITY_ID": "CRM_REQUISITE"}
    portal.error("crm.requisite.userfield.add", {"fields": enum}, F.ERRORS["bad_type"])


def test_enumeration_items(portal: Portal) -> None:
    items = [{"VALUE": "List item #1", "DEF": "Y", "XML_ID": "XML_ID_1"}, {"VALUE": "List item #2"}]
    new = portal.ok(
        "crm.contact.userfield.add",
        {"fields": {"USER_TYPE_ID": "enumeration", "FIELD_NAME": "KIND", "LIST": items}},
    )
    got = portal.ok("crm.contact.userfield.get", {"id": new})
    assert_shape(got, F.USERFIELD_GET)
    assert [item["VALUE"] for item in got["LIST"]] == ["List item #1", "List item #2"]
    assert got["SETTINGS"] == {
        "DISPLAY": "LIST",
        "LIST_HEIGHT": 1,
        "CAPTION_NO_VALUE": "",
        "SHOW_NO_VALUE": "Y",
    }
    assert all(item["XML_ID"] for item in got["LIST"])  # the portal makes up the missing ones
    twice = [{"VALUE": "a", "XML_ID": "X"}, {"VALUE": "b", "XML_ID": "X"}]
    fields = {"USER_TYPE_ID": "enumeration", "FIELD_NAME": "KIND2", "LIST": twice}
    portal.error("crm.contact.userfield.add", {"fields": fields}, err(F.ERRORS["enum_xml_id"], xml_id="X"))


def test_userfield_types(portal: Portal) -> None:
    types = portal.ok("crm.userfield.types")
    assert_shape(types, ListOf(F.TYPE, min_len=len(F.TYPE_IDS)))
    assert [t["ID"] for t in types] == F.TYPE_IDS


def _described(table: dict[str, Any]) -> Obj:
    keys: dict[str, Any] = {}
    for name, (type_, flag) in table.items():
        entry: dict[str, Any] = {"type": type_, "title": F.STR}
        if flag:
            entry[flag] = True
        keys[name] = Obj(entry)
    return Obj(keys)


def test_userfield_descriptions(portal: Portal) -> None:
    assert_shape(portal.ok("crm.userfield.fields"), _described(F.USERFIELD_FIELD_TYPES))
    assert_shape(portal.ok("crm.userfield.enumeration.fields"), _described(F.ENUMERATION_FIELD_TYPES))
    double = portal.ok("crm.userfield.settings.fields", {"type": "double"})
    assert {key: value["type"] for key, value in double.items()} == F.DOUBLE_SETTINGS_TYPES
    portal.error("crm.userfield.settings.fields", {}, F.ERRORS["no_settings_type"])


#: every entity's methods by their literal names (pages: see facts.crm_userfields.METHODS)
BY_ENTITY = {
    "lead": (
        "crm.lead.userfield.add",
        "crm.lead.userfield.get",
        "crm.lead.userfield.list",
        "crm.lead.userfield.update",
        "crm.lead.userfield.delete",
    ),
    "deal": (
        "crm.deal.userfield.add",
        "crm.deal.userfield.get",
        "crm.deal.userfield.list",
        "crm.deal.userfield.update",
        "crm.deal.userfield.delete",
    ),
    "contact": (
        "crm.contact.userfield.add",
        "crm.contact.userfield.get",
        "crm.contact.userfield.list",
        "crm.contact.userfield.update",
        "crm.contact.userfield.delete",
    ),
    "company": (
        "crm.company.userfield.add",
        "crm.company.userfield.get",
        "crm.company.userfield.list",
        "crm.company.userfield.update",
        "crm.company.userfield.delete",
    ),
    "quote": (
        "crm.quote.userfield.add",
        "crm.quote.userfield.get",
        "crm.quote.userfield.list",
        "crm.quote.userfield.update",
        "crm.quote.userfield.delete",
    ),
    "requisite": (
        "crm.requisite.userfield.add",
        "crm.requisite.userfield.get",
        "crm.requisite.userfield.list",
        "crm.requisite.userfield.update",
        "crm.requisite.userfield.delete",
    ),
}


@pytest.mark.parametrize("entity", list(BY_ENTITY))
def test_each_method_by_name(portal: Portal, entity: str) -> None:
    add, get, list_, update, delete = BY_ENTITY[entity]
    new = portal.ok(
        add, {"fields": {"USER_TYPE_ID": "string", "FIELD_NAME": "PLAIN", "EDIT_FORM_LABEL": "Plain"}}
    )
    got = portal.ok(get, {"id": new})
    assert_shape(got, F.USERFIELD_GET)
    assert (got["ENTITY_ID"], got["SHOW_IN_LIST"], got["EDIT_IN_LIST"], got["SHOW_FILTER"]) == (
        F.ENTITY_IDS[entity],
        "Y",
        "Y",
        "N",
    )
    assert portal.ok(update, {"id": new, "fields": {"SORT": 300}}) is True
    assert_shape(portal.ok(list_, {}), ListOf(F.USERFIELD_LISTED, min_len=1))
    assert portal.ok(delete, {"id": new}) is True
    assert portal.ok(list_, {}) == []


def test_typed_model_and_client_error(portal: Portal) -> None:
    from bitrix24_toolkit.errors import NotFoundError, error_class_for
    from bitrix24_toolkit.models.userfield import UserField

    new = portal.ok("crm.deal.userfield.add", {"fields": HELLO_WORLD})
    parsed = UserField.from_api(portal.ok("crm.deal.userfield.get", {"id": new}), strict=True)
    assert (parsed.field_name, parsed.multiple, parsed.text("de")) == (
        "UF_CRM_HELLO_WORLD",
        True,
        "Hallo, Welt! Bearbeiten",
    )
    missing = portal.call("crm.deal.userfield.get", {"id": new + 1})
    body = missing.body
    assert error_class_for(body["error"], body["error_description"], missing.status) is NotFoundError
