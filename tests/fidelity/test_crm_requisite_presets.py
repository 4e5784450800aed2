"""Requisite presets, their fields and addresses against their official pages.

Each test sends the page's example request (ids adapted to records created first through the documented
add methods) and compares the answer with :mod:`.facts.crm_requisites`.
"""

from __future__ import annotations

from .conftest import Portal
from .facts import crm_requisites as F
from .requisite_setup import company, err, requisite
from .shapes import DATETIME, INT, INTSTR, STR, ListOf, Obj, assert_shape

# --- presets ------------------------------------------------------------------------------------------


def test_preset_list_get_fields_countries(portal: Portal) -> None:
    answer = portal.call(
        "crm.requisite.preset.list",
        {"order": {"ID": "ASC"}, "filter": {"COUNTRY_ID": "1"}, "select": ["ID", "NAME"]},
    )
    assert_shape(answer.result, ListOf(Obj({"ID": INTSTR, "NAME": STR}), min_len=1))
    assert answer.body["total"] == len(answer.result)
    assert_shape(portal.ok("crm.requisite.preset.list"), ListOf(F.PRESET, min_len=1))
    got = portal.ok("crm.requisite.preset.get", {"id": 1})
    assert_shape(got, F.PRESET)
    assert (got["ENTITY_TYPE_ID"], got["COUNTRY_ID"]) == ("8", "1")
    portal.error("crm.requisite.preset.get", {"id": 347}, err(F.PRESET_ERRORS["not_found"], id=347))
    assert_shape(portal.ok("crm.requisite.preset.fields"), F.PRESET_FIELDS)
    countries = portal.ok("crm.requisite.preset.countries")
    assert_shape(countries, ListOf(F.COUNTRY, min_len=len(F.COUNTRY_CODES)))
    assert {c["ID"]: c["CODE"] for c in countries} == F.COUNTRY_CODES


def test_preset_add_update_delete(portal: Portal) -> None:
    fields = {
        "ENTITY_TYPE_ID": 8,
        "COUNTRY_ID": 1,
        "NAME": "LLC",
        "XML_ID": "EXAMPLE_COMPANY__VALUE_1",
        "ACTIVE": "Y",
        "SORT": 520,
    }
    new = portal.ok("crm.requisite.preset.add", {"fields": fields})
    assert_shape(new, INT)
    got = portal.ok("crm.requisite.preset.get", {"id": new})
    assert_shape(got, F.PRESET)
    assert (got["NAME"], got["SORT"], got["DATE_MODIFY"]) == ("LLC", "520", "")
    assert (
        portal.ok(
            "crm.requisite.preset.update",
            {"id": new, "fields": {"NAME": "Smith LLC (archive)", "ACTIVE": "N"}},
        )
        is True
    )
    changed = portal.ok("crm.requisite.preset.get", {"id": new})
    assert (changed["NAME"], changed["ACTIVE"]) == ("Smith LLC (archive)", "N")
    assert_shape(changed["DATE_MODIFY"], DATETIME)
    owner = company(portal)
    rq = requisite(portal, owner, PRESET_ID=new)
    portal.error("crm.requisite.preset.delete", {"id": new}, F.PRESET_ERRORS["in_use"])
    portal.ok("crm.requisite.delete", {"id": rq})
    assert portal.ok("crm.requisite.preset.delete", {"id": new}) is True
    portal.error("crm.requisite.preset.delete", {"id": new}, err(F.PRESET_ERRORS["not_found"], id=new))
    portal.error(
        "crm.requisite.preset.add",
        {"fields": {**fields, "ENTITY_TYPE_ID": 4}},
        F.PRESET_ERRORS["entity_type"],
    )


def test_preset_fields_lifecycle(portal: Portal) -> None:
    preset = portal.ok(
        "crm.requisite.preset.add", {"fields": {"ENTITY_TYPE_ID": 8, "COUNTRY_ID": 1, "NAME": "T"}}
    )
    assert_shape(portal.ok("crm.requisite.preset.field.fields"), F.PRESET_FIELD_FIELDS)
    available = portal.ok("crm.requisite.preset.field.availabletoadd", {"preset": {"ID": preset}})
    assert "RQ_NAME" in available
    assert all(isinstance(name, str) for name in available)
    add = {
        "preset": {"ID": preset},
        "fields": {"FIELD_NAME": "RQ_NAME", "FIELD_TITLE": "TEST", "IN_SHORT_LIST": "N", "SORT": 580},
    }
    field_id = portal.ok("crm.requisite.preset.field.add", add)
    assert_shape(field_id, INT)
    portal.error(
        "crm.requisite.preset.field.add", add, err(F.PRESET_ERRORS["field_not_addable"], name="RQ_NAME")
    )
    assert "RQ_NAME" not in portal.ok("crm.requisite.preset.field.availabletoadd", {"preset": {"ID": preset}})
    got = portal.ok("crm.requisite.preset.field.get", {"ID": field_id, "preset": {"ID": preset}})
    assert got == {
        "ID": field_id,
        "FIELD_NAME": "RQ_NAME",
        "FIELD_TITLE": "TEST",
        "IN_SHORT_LIST": "N",
        "SORT": 580,
    }
    update = {
        "ID": field_id,
        "preset": {"ID": preset},
        "fields": {"FIELD_NAME": "RQ_NAME", "FIELD_TITLE": "Name", "IN_SHORT_LIST": "Y"},
    }
    assert portal.ok("crm.requisite.preset.field.update", update) is True
    answer = portal.call("crm.requisite.preset.field.list", {"preset": {"ID": preset}})
    assert_shape(answer.result, ListOf(F.PRESET_FIELD, min_len=1))
    assert answer.result[0]["FIELD_TITLE"] == "Name"
    assert answer.body["total"] == 1
    assert portal.ok("crm.requisite.preset.field.delete", {"ID": field_id, "preset": {"ID": preset}}) is True
    portal.error(
        "crm.requisite.preset.field.get",
        {"ID": field_id, "preset": {"ID": preset}},
        err(F.PRESET_ERRORS["field_not_found"], id=field_id),
    )
    portal.error(
        "crm.requisite.preset.field.list", {"preset": {"ID": 999}}, err(F.PRESET_ERRORS["not_found"], id=999)
    )
    portal.error(
        "crm.requisite.preset.field.availabletoadd",
        {"preset": {"ID": 999}},
        F.PRESET_ERRORS["template_not_found"],
    )
    assert_shape(
        portal.ok("crm.requisite.preset.field.list", {"preset": {"ID": 1}}), ListOf(F.PRESET_FIELD, min_len=1)
    )


# --- addresses ----------------------------------------------------------------------------------------


def test_address_add_list_update_delete(portal: Portal) -> None:
    owner = company(portal)
    rq = requisite(portal, owner)
    fields = {
        "TYPE_ID": 1,
        "ENTITY_TYPE_ID": 8,
        "ENTITY_ID": rq,
        "ADDRESS_1": "4 Peace Avenue",
        "ADDRESS_2": "Drama Theater",
        "CITY": "City",
        "POSTAL_CODE": "000000",
        "REGION": "Urban District",
        "PROVINCE": "Region",
        "COUNTRY": "USA",
    }
    assert portal.ok("crm.address.add", {"fields": fields}) is True
    portal.error("crm.address.add", {"fields": fields}, F.ADDRESS_ERRORS["exists"])
    answer = portal.call(
        "crm.address.list",
        {"order": {"TYPE_ID": "asc"}, "filter": {"ENTITY_TYPE_ID": 8, "ENTITY_ID": rq}, "limit": 10},
    )
    assert_shape(answer.result, ListOf(F.ADDRESS, min_len=1))
    row = answer.result[0]
    assert (row["ENTITY_ID"], row["ANCHOR_TYPE_ID"], row["ANCHOR_ID"], row["COUNTRY_CODE"]) == (
        str(rq),
        "4",
        str(owner),
        None,
    )
    assert answer.body["total"] == 1
    update = {
        "TYPE_ID": 1,
        "ENTITY_TYPE_ID": 8,
        "ENTITY_ID": rq,
        "ADDRESS_1": "Street, 261",
        "CITY": "Los Angeles",
    }
    assert portal.ok("crm.address.update", {"fields": update}) is True
    again = portal.ok("crm.address.list", {"filter": {"ENTITY_ID": rq}})[0]
    assert (again["ADDRESS_1"], again["CITY"], again["ADDRESS_2"]) == (
        "Street, 261",
        "Los Angeles",
        "Drama Theater",
    )
    key = {"TYPE_ID": 1, "ENTITY_TYPE_ID": 8, "ENTITY_ID": rq}
    assert portal.ok("crm.address.delete", {"fields": key}) is True
    portal.error("crm.address.delete", {"fields": key}, F.ADDRESS_ERRORS["not_found"])
    portal.error("crm.address.update", {"fields": key}, F.ADDRESS_ERRORS["not_found"])


def test_address_refusals_fields_and_types(portal: Portal) -> None:
    rq = requisite(portal, company(portal))
    portal.error(
        "crm.address.add",
        {"fields": {"TYPE_ID": 99, "ENTITY_TYPE_ID": 8, "ENTITY_ID": rq}},
        F.ADDRESS_ERRORS["type"],
    )
    portal.error(
        "crm.address.add",
        {"fields": {"TYPE_ID": 1, "ENTITY_TYPE_ID": 2, "ENTITY_ID": rq}},
        F.ADDRESS_ERRORS["entity_type"],
    )
    portal.error(
        "crm.address.add",
        {"fields": {"TYPE_ID": 1, "ENTITY_TYPE_ID": 8, "ENTITY_ID": rq + 9}},
        F.ADDRESS_ERRORS["entity_id"],
    )
    assert_shape(portal.ok("crm.address.fields"), F.ADDRESS_FIELDS)
    types = portal.ok("crm.enum.addresstype")
    assert_shape(types, ListOf(F.ADDRESS_TYPE, min_len=6))
    assert [t["ID"] for t in types] == F.ADDRESS_TYPE_IDS


def test_preset_field_methods_without_a_preset_id(portal: Portal) -> None:
    """presets/fields/crm-requisite-preset-field-{delete,update,get}.md: "ID is not defined or invalid"
    (the template id missing), never the Python ``None`` in a "Preset with ID" text."""
    for method in ("crm.requisite.preset.field.delete", "crm.requisite.preset.field.update"):
        answer = portal.call(method, {})
        assert answer.status == 400
        assert answer.body["error_description"] == "ID is not defined or invalid"
