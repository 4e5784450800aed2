"""Contact bindings of deals and leads (``crm.{deal,lead}.contact.*``), as their official pages say."""

from __future__ import annotations

import pytest

from .conftest import Portal
from .facts import crm_satellites as F
from .shapes import ListOf, assert_shape


def _contacts(portal: Portal, count: int) -> list[int]:
    return [int(portal.ok("crm.contact.add", {"fields": {"NAME": f"C{i}"}})) for i in range(count)]


def _owner(portal: Portal, entity: str) -> int:
    return int(portal.ok(f"crm.{entity}.add", {"fields": {"TITLE": "Bound"}}))


# ---------------------------------------------------------------------------------------------- deals
def test_deal_contact_items_set_example_then_get(portal: Portal) -> None:
    deal = _owner(portal, "deal")
    c55, c54, c56 = _contacts(portal, 3)
    # crm-deal-contact-items-set.md example request
    items = [
        {"CONTACT_ID": c55, "IS_PRIMARY": "Y", "SORT": 100},
        {"CONTACT_ID": c54, "SORT": 200},
        {"CONTACT_ID": c56, "SORT": 400},
    ]
    assert portal.ok("crm.deal.contact.items.set", {"id": deal, "items": items}) is True
    got = portal.ok("crm.deal.contact.items.get", {"id": deal})
    assert_shape(got, ListOf(F.CONTACT_BINDING, min_len=3))
    # crm-deal-contact-items-get.md example answer for that set
    assert got == [
        {"CONTACT_ID": c55, "SORT": 100, "ROLE_ID": 0, "IS_PRIMARY": "Y"},
        {"CONTACT_ID": c54, "SORT": 200, "ROLE_ID": 0, "IS_PRIMARY": "N"},
        {"CONTACT_ID": c56, "SORT": 400, "ROLE_ID": 0, "IS_PRIMARY": "N"},
    ]


def test_deal_contact_items_set_defaults(portal: Portal) -> None:
    # "By default (i + 1) * 10"; no IS_PRIMARY = Y: the first item is primary; several: the first Y wins
    deal = _owner(portal, "deal")
    a, b, c = _contacts(portal, 3)
    portal.ok("crm.deal.contact.items.set", {"id": deal, "items": [{"CONTACT_ID": a}, {"CONTACT_ID": b}]})
    got = portal.ok("crm.deal.contact.items.get", {"id": deal})
    assert [(x["CONTACT_ID"], x["SORT"], x["IS_PRIMARY"]) for x in got] == [(a, 10, "Y"), (b, 20, "N")]
    items = [{"CONTACT_ID": a}, {"CONTACT_ID": b, "IS_PRIMARY": "Y"}, {"CONTACT_ID": c, "IS_PRIMARY": "Y"}]
    portal.ok("crm.deal.contact.items.set", {"id": deal, "items": items})
    got = portal.ok("crm.deal.contact.items.get", {"id": deal})
    assert [x["IS_PRIMARY"] for x in sorted(got, key=lambda x: x["CONTACT_ID"])] == ["N", "Y", "N"]


def test_deal_contact_add_and_delete_examples(portal: Portal) -> None:
    deal = _owner(portal, "deal")
    first, c55 = _contacts(portal, 2)
    # without IS_PRIMARY on a deal with no primary binding the new one becomes primary
    assert portal.ok("crm.deal.contact.add", {"id": deal, "fields": {"CONTACT_ID": first}}) is True
    # crm-deal-contact-add.md example request
    body = {"id": deal, "fields": {"CONTACT_ID": c55, "IS_PRIMARY": "Y", "SORT": 1000}}
    assert portal.ok("crm.deal.contact.add", body) is True
    got = portal.ok("crm.deal.contact.items.get", {"id": deal})
    assert_shape(got, ListOf(F.CONTACT_BINDING, min_len=2))
    assert {x["CONTACT_ID"]: (x["IS_PRIMARY"], x["SORT"]) for x in got}[c55] == ("Y", 1000)
    assert [x["IS_PRIMARY"] for x in got].count("Y") == 1
    # "false — link not added, contact already linked to the deal"
    assert portal.ok("crm.deal.contact.add", body) is False
    # crm-deal-contact-delete.md example; removing the primary makes the first remaining one primary
    assert portal.ok("crm.deal.contact.delete", {"id": deal, "fields": {"CONTACT_ID": c55}}) is True
    assert portal.ok("crm.deal.contact.items.get", {"id": deal}) == [
        {"CONTACT_ID": first, "SORT": 10, "ROLE_ID": 0, "IS_PRIMARY": "Y"}
    ]
    # "false — contact not linked to the deal"
    assert portal.ok("crm.deal.contact.delete", {"id": deal, "fields": {"CONTACT_ID": c55}}) is False


def test_deal_contact_items_delete_example(portal: Portal) -> None:
    deal = _owner(portal, "deal")
    portal.ok(
        "crm.deal.contact.items.set", {"id": deal, "items": [{"CONTACT_ID": c} for c in _contacts(portal, 2)]}
    )
    assert portal.ok("crm.deal.contact.items.delete", {"id": deal}) is True
    assert portal.ok("crm.deal.contact.items.get", {"id": deal}) == []


def test_deal_contact_errors(portal: Portal) -> None:
    deal = _owner(portal, "deal")
    missing = deal + 1000
    portal.error("crm.deal.contact.add", {"fields": {"CONTACT_ID": 1}}, F.DEAL_BAD_OWNER_QUOTED)
    portal.error("crm.deal.contact.delete", {"id": 0, "fields": {"CONTACT_ID": 1}}, F.DEAL_BAD_OWNER_QUOTED)
    for suffix in ("get", "set", "delete"):
        portal.error(f"crm.deal.contact.items.{suffix}", {"items": []}, F.DEAL_BAD_OWNER)
    portal.error("crm.deal.contact.add", {"id": missing, "fields": {"CONTACT_ID": 1}}, F.DEAL_NOT_FOUND)
    portal.error("crm.deal.contact.delete", {"id": missing, "fields": {"CONTACT_ID": 1}}, F.DEAL_NOT_FOUND)
    portal.error("crm.deal.contact.items.get", {"id": missing}, F.DEAL_NOT_FOUND)
    portal.error("crm.deal.contact.items.set", {"id": missing, "items": []}, F.DEAL_NOT_FOUND)
    portal.error("crm.deal.contact.items.delete", {"id": missing}, F.DEAL_NOT_FOUND_ITEMS_DELETE)
    portal.error("crm.deal.contact.add", {"id": deal, "fields": "x"}, F.ADD_FIELDS_NOT_OBJECT)
    portal.error("crm.deal.contact.delete", {"id": deal, "fields": "x"}, F.DELETE_FIELDS_NOT_OBJECT)
    portal.error("crm.deal.contact.add", {"id": deal, "fields": {"SORT": 10}}, F.FIELDS_NOT_VALID)
    portal.error("crm.deal.contact.add", {"id": deal, "fields": {"CONTACT_ID": 0}}, F.FIELDS_NOT_VALID)
    portal.error("crm.deal.contact.delete", {"id": deal, "fields": {"CONTACT_ID": -1}}, F.FIELDS_NOT_VALID)
    portal.error("crm.deal.contact.items.set", {"id": deal, "items": "x"}, F.ITEMS_NOT_ARRAY)


@pytest.mark.parametrize("method", ["crm.deal.contact.fields", "crm.lead.contact.fields"])
def test_contact_binding_fields_example(portal: Portal, method: str) -> None:
    got = portal.ok(method, {})
    assert sorted(got) == sorted(F.CONTACT_BINDING_FIELDS)
    for name, expected in F.CONTACT_BINDING_FIELDS.items():
        assert_shape(got[name], F.FIELD_DESCRIPTION, f"result.{name}")
        assert {key: got[name][key] for key in expected} == expected, name
        assert (got[name]["isReadOnly"], got[name]["isMultiple"]) == (False, False), name


# ---------------------------------------------------------------------------------------------- leads
def test_lead_contact_examples(portal: Portal) -> None:
    lead = _owner(portal, "lead")
    c1010, c1011, c1020 = _contacts(portal, 3)
    # crm-lead-contact-add.md example request
    assert portal.ok(
        "crm.lead.contact.add", {"id": lead, "fields": {"CONTACT_ID": c1010, "SORT": 10, "IS_PRIMARY": "Y"}}
    )
    # "SORT ... Defaults to 10", "IS_PRIMARY ... Defaults to N"
    assert portal.ok("crm.lead.contact.add", {"id": lead, "fields": {"CONTACT_ID": c1011, "SORT": 20}})
    got = portal.ok("crm.lead.contact.items.get", {"id": lead})
    assert_shape(got, ListOf(F.CONTACT_BINDING, min_len=2))
    # crm-lead-contact-items-get.md example answer
    assert got == [
        {"CONTACT_ID": c1010, "SORT": 10, "ROLE_ID": 0, "IS_PRIMARY": "Y"},
        {"CONTACT_ID": c1011, "SORT": 20, "ROLE_ID": 0, "IS_PRIMARY": "N"},
    ]
    # crm-lead-contact-items-set.md example request
    items = [
        {"CONTACT_ID": c1010, "SORT": 10, "IS_PRIMARY": "Y"},
        {"CONTACT_ID": c1020, "SORT": 20, "IS_PRIMARY": "N"},
    ]
    assert portal.ok("crm.lead.contact.items.set", {"id": lead, "items": items}) is True
    assert [x["CONTACT_ID"] for x in portal.ok("crm.lead.contact.items.get", {"id": lead})] == [c1010, c1020]
    # crm-lead-contact-delete.md example request
    assert portal.ok("crm.lead.contact.delete", {"id": lead, "fields": {"CONTACT_ID": c1010}}) is True
    assert portal.ok("crm.lead.contact.items.get", {"id": lead}) == [
        {"CONTACT_ID": c1020, "SORT": 20, "ROLE_ID": 0, "IS_PRIMARY": "Y"}
    ]
    # crm-lead-contact-items-delete.md example request
    assert portal.ok("crm.lead.contact.items.delete", {"id": lead}) is True
    assert portal.ok("crm.lead.contact.items.get", {"id": lead}) == []


def test_lead_contact_errors(portal: Portal) -> None:
    lead = _owner(portal, "lead")
    missing = lead + 1000
    portal.error("crm.lead.contact.add", {"id": missing, "fields": {"CONTACT_ID": 1}}, F.LEAD_NOT_FOUND)
    portal.error("crm.lead.contact.delete", {"id": missing, "fields": {"CONTACT_ID": 1}}, F.LEAD_NOT_FOUND)
    portal.error("crm.lead.contact.items.get", {"id": missing}, F.LEAD_NOT_FOUND)
    portal.error("crm.lead.contact.items.set", {"id": missing, "items": []}, F.LEAD_NOT_FOUND)
    portal.error("crm.lead.contact.items.delete", {"id": missing}, F.LEAD_NOT_FOUND)
    portal.error("crm.lead.contact.add", {"id": lead, "fields": {"SORT": 1}}, F.LEAD_REQUIRED_MISSING)
    portal.error("crm.lead.contact.items.get", {}, F.LEAD_REQUIRED_MISSING)
