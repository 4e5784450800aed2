"""Legacy ``crm.{lead,deal,contact,company}.list`` and ``.fields`` against their official pages.

Pages: ``api-reference/crm/{leads,deals,contacts,companies}/crm-<entity>-list.md`` (select masks, default
``'*'`` + ``'UF_*'``, filter prefixes, 50-row pages with ``total``/``next``, "Parameter 'filter' must be
array.") and ``crm-<entity>-fields.md`` (every documented field's description).
"""

from __future__ import annotations

import pytest

from .conftest import Portal
from .facts.crm_entities import ERRORS, MULTIFIELD, RECORDS
from .facts.crm_entity_fields import (
    COMPANY_FIELDS,
    CONTACT_FIELDS,
    DEAL_FIELDS,
    LEAD_FIELDS,
    description_spec,
)
from .shapes import INTSTR, STR, ListOf, Obj, assert_shape
from .test_crm_entities import ENTITIES, EXAMPLES

FIELD_FACTS = {"lead": LEAD_FIELDS, "deal": DEAL_FIELDS, "contact": CONTACT_FIELDS, "company": COMPANY_FIELDS}
_MULTI = ("PHONE", "EMAIL", "WEB", "IM", "LINK")


def _plain_keys(entity: str) -> set[str]:
    """The record's keys without multifields: what ``'*'`` selects (crm-X-list.md)."""
    return set(RECORDS[entity].keys) - set(_MULTI)


# --------------------------------------------------------------------------------------------- list
def test_lead_list_example(portal: Portal) -> None:
    """crm-lead-list.md: select ["*","UF_*"], =OPPORTUNITY filter, order by STATUS_ID, start 50."""
    uf = "UF_CRM_1704817278"
    portal.ok("crm.lead.userfield.add", {"fields": {"FIELD_NAME": "1704817278", "USER_TYPE_ID": "string"}})
    for i in range(60):
        portal.ok("crm.lead.add", {"fields": {"TITLE": f"Lead {i}", "OPPORTUNITY": 15000 if i < 55 else 1}})
    params = {
        "select": ["*", "UF_*"],
        "start": 50,
        "filter": {"=OPPORTUNITY": 15000},
        "order": {"STATUS_ID": "ASC"},
    }
    answer = portal.call("crm.lead.list", params)
    assert answer.status == 200
    assert answer.body["total"] == 55
    assert "next" not in answer.body
    rows = answer.result
    assert len(rows) == 5
    assert_shape(rows, ListOf(Obj({k: RECORDS["lead"].keys[k] for k in _plain_keys("lead")} | {uf: ANY_UF})))
    first = portal.call("crm.lead.list", {**params, "start": 0})
    assert first.body["next"] == 50
    assert len(first.result) == 50


def ANY_UF(value: object) -> bool:
    """An unset string userfield reads as "" or null (crm-lead-list.md shows null)."""
    return value is None or isinstance(value, str)


def test_deal_list_example(portal: Portal) -> None:
    """crm-deal-list.md: the page's SELECT/FILTER/ORDER; only the selected keys come back."""
    portal.ok("crm.category.add", {"entityTypeId": 2, "fields": {"name": "Funnel 1"}})
    select = ["ID", "TITLE", "TYPE_ID", "CATEGORY_ID", "STAGE_ID", "OPPORTUNITY", "IS_MANUAL_OPPORTUNITY"]
    select += ["ASSIGNED_BY_ID", "DATE_CREATE"]
    base = {"TYPE_ID": "COMPLEX", "CATEGORY_ID": 1, "STAGE_ID": "C1:NEW", "IS_MANUAL_OPPORTUNITY": "Y"}
    # "=%TITLE": "%a" is LIKE '%a' (crm-deal-list.md: "%mol" finds values ending with "mol")
    deals = (("[B] Alpha", 13500), ("[A] Vista", 19999.99), ("[C] Deal", 12500), ("[D] Beta", 50000))
    for title, amount in deals:
        portal.ok("crm.deal.add", {"fields": {**base, "TITLE": title, "OPPORTUNITY": amount}})
    flt = {"=%TITLE": "%a", **base, ">OPPORTUNITY": 10000, "<=OPPORTUNITY": 20000}
    flt |= {"@ASSIGNED_BY_ID": [1, 6], ">DATE_CREATE": "2020-01-01"}
    params = {"SELECT": select, "FILTER": flt, "ORDER": {"TITLE": "ASC", "OPPORTUNITY": "ASC"}}
    answer = portal.call("crm.deal.list", params)
    assert answer.body["total"] == 2, answer.body
    shape = Obj({k: RECORDS["deal"].keys[k] for k in select})
    assert_shape(answer.result, ListOf(shape, min_len=2))
    assert [r["TITLE"] for r in answer.result] == ["[A] Vista", "[B] Alpha"]
    assert [r["CATEGORY_ID"] for r in answer.result] == ["1", "1"]


def test_contact_list_example(portal: Portal) -> None:
    """crm-contact-list.md: upper-case FILTER/ORDER/SELECT, EMAIL exact match, EMAIL only when selected."""
    email = [{"VALUE": "special-for@example.com", "VALUE_TYPE": "WORK"}]
    for name, last in (("Ivan", "Isaev"), ("Inna", "Ilyina"), ("Ivan", "Petrov"), ("Olga", "Isaeva")):
        fields = {"NAME": name, "LAST_NAME": last, "SOURCE_ID": "CRM_FORM", "EMAIL": email}
        portal.ok("crm.contact.add", {"fields": fields})
    select = ["ID", "NAME", "LAST_NAME", "EMAIL", "EXPORT", "ASSIGNED_BY_ID", "DATE_CREATE"]
    flt = {"SOURCE_ID": "CRM_FORM", "!=NAME": "", "!=LAST_NAME": "", "=%NAME": "I%", "=%LAST_NAME": "I%"}
    flt |= {"EMAIL": "special-for@example.com", "@ASSIGNED_BY_ID": [1, 6], "IMPORT": "Y"}
    flt |= {">=DATE_CREATE": "2020-01-01"}
    params = {"FILTER": flt, "ORDER": {"LAST_NAME": "ASC", "NAME": "ASC"}, "SELECT": select}
    answer = portal.call("crm.contact.list", params)
    shape = Obj(
        {k: RECORDS["contact"].keys[k] for k in select if k != "EMAIL"} | {"EMAIL": ListOf(MULTIFIELD)}
    )
    assert_shape(answer.result, ListOf(shape, min_len=2))
    assert [r["LAST_NAME"] for r in answer.result] == ["Ilyina", "Isaev"]
    assert answer.body["total"] == 2


def test_company_list_example(portal: Portal) -> None:
    """crm-company-list.md: SELECT TITLE/ASSIGNED_BY_ID/PHONE — ID is always added; PHONE when listed."""
    phone = [{"VALUE": "+19998887766", "VALUE_TYPE": "WORK"}]
    portal.ok(
        "crm.company.add", {"fields": {"TITLE": "Crossroads", "COMPANY_TYPE": "CUSTOMER", "PHONE": phone}}
    )
    portal.ok("crm.company.add", {"fields": {"TITLE": "Supplier", "COMPANY_TYPE": "SUPPLIER"}})
    params = {
        "ORDER": {"DATE_CREATE": "ASC"},
        "FILTER": {"COMPANY_TYPE": "CUSTOMER", ">=DATE_CREATE": "2025-01-01"},
        "SELECT": ["TITLE", "ASSIGNED_BY_ID", "PHONE"],
    }
    answer = portal.call("crm.company.list", params)
    shape = Obj(
        {"TITLE": STR, "ASSIGNED_BY_ID": INTSTR, "ID": INTSTR, "PHONE": ListOf(MULTIFIELD, min_len=1)}
    )
    assert_shape(answer.result, ListOf(shape, min_len=1))
    assert answer.body["total"] == 1


def test_like_is_exact_on_status_and_multifields(portal: Portal) -> None:
    """crm-contact-list.md: LIKE does not work on crm_status fields (TYPE_ID) and multifields match
    exactly (EMAIL)."""
    email = [{"VALUE": "special-for@example.com", "VALUE_TYPE": "WORK"}]
    portal.ok("crm.contact.add", {"fields": {"NAME": "A", "TYPE_ID": "CLIENT", "EMAIL": email}})
    assert portal.ok("crm.contact.list", {"filter": {"%TYPE_ID": "CLI"}}) == []
    assert len(portal.ok("crm.contact.list", {"filter": {"%TYPE_ID": "CLIENT"}})) == 1
    assert portal.ok("crm.contact.list", {"filter": {"%EMAIL": "special"}}) == []
    assert len(portal.ok("crm.contact.list", {"filter": {"EMAIL": "special-for@example.com"}})) == 1
    assert len(portal.ok("crm.contact.list", {"filter": {"%NAME": "a"}})) == 1  # strings: substring


@pytest.mark.parametrize("entity", ENTITIES)
def test_default_select_is_star_and_uf(portal: Portal, entity: str) -> None:
    """crm-X-list.md: no select = '*' + 'UF_*' (no multifields); '*' alone = no userfields."""
    EXAMPLES[entity](portal)
    name = f"crm.{entity}.list"
    rows = portal.call(name, {"filter": {">ID": 0}}).result
    keys = set(rows[-1])
    ufs = {k for k in keys if k.startswith("UF_")}
    assert keys - ufs == _plain_keys(entity)
    if entity in ("deal", "contact"):
        assert ufs, "the example's userfield belongs to the default selection"
    star = portal.call(name, {"select": ["*"]}).result
    assert set(star[-1]) == _plain_keys(entity)


@pytest.mark.parametrize("entity", ENTITIES)
def test_filter_and_order_must_be_objects(portal: Portal, entity: str) -> None:
    """crm-X-list.md: a non-object filter or order is refused."""
    name = f"crm.{entity}.list"
    for bad in ("ID", 5, True):
        portal.error(name, {"filter": bad}, ERRORS[(name, "filter not an object")])
        portal.error(name, {"order": bad}, ERRORS[(name, "order not an object")])
    assert portal.ok(name, {"filter": {}, "order": {}}) == []
    # a JSON array is a PHP array too: not refused
    assert portal.ok(name, {"filter": [], "order": ["ID"]}) == []


@pytest.mark.parametrize("entity", ENTITIES)
def test_list_envelope(portal: Portal, entity: str) -> None:
    """crm-X-list.md: ``total`` always; ``next`` only while more than 50 rows follow."""
    name = f"crm.{entity}.list"
    empty = portal.call(name, {})
    assert empty.body["result"] == []
    assert empty.body["total"] == 0
    assert "next" not in empty.body
    for i in range(51):
        portal.ok(f"crm.{entity}.add", {"fields": {"TITLE": f"t{i}", "NAME": "n"}})
    answer = portal.call(name, {"select": ["ID"]})
    assert (len(answer.result), answer.body["total"], answer.body["next"]) == (50, 51, 50)
    assert isinstance(answer.result[0]["ID"], str)


# ------------------------------------------------------------------------------------------- fields
@pytest.mark.parametrize(
    "name", ["crm.lead.fields", "crm.deal.fields", "crm.contact.fields", "crm.company.fields"]
)
def test_fields_descriptions(portal: Portal, name: str) -> None:
    """crm-X-fields.md: exactly the documented fields, each with type and the five flags (+ statusType)."""
    entity = name.split(".")[1]
    facts = FIELD_FACTS[entity]
    result = portal.ok(name, {})
    assert set(result) == set(facts), (sorted(set(result) - set(facts)), sorted(set(facts) - set(result)))
    problems = []
    for field, fact in facts.items():
        got = dict(result[field])
        title = got.pop("title", None)
        if not isinstance(title, str) or not title:
            problems.append(f"{field}: title {title!r}")
        if got != description_spec(fact):
            problems.append(f"{field}: {got} != {description_spec(fact)}")
    assert not problems, "\n".join(problems)


def test_fields_list_userfields_as_dynamic(portal: Portal) -> None:
    """crm-company-fields.md: a userfield is described with isDynamic true and its labels."""
    portal.ok(
        "crm.company.userfield.add", {"fields": {"FIELD_NAME": "64A29A1CD5CC2", "USER_TYPE_ID": "string"}}
    )
    entry = portal.ok("crm.company.fields", {})["UF_CRM_64A29A1CD5CC2"]
    assert entry["type"] == "string"
    assert entry["isDynamic"] is True
    assert {"listLabel", "formLabel", "filterLabel"} <= set(entry)
