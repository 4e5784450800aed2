"""Legacy ``crm.{lead,deal,contact,company}.add/get/update/delete``: each page's example request, sent to a
served emulator, answered with the page's record shape, values and errors (facts: ``facts/crm_entities.py``).

Pages: ``api-reference/crm/{leads,deals,contacts,companies}/crm-<entity>-<action>.md``. The examples refer
to records (company 9, contacts 84/83, userfield ``UF_CRM_1721244482250`` ...) that are created first
through the documented add methods, and their ids substituted.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest

from .conftest import Portal
from .facts.crm_entities import ERRORS, FILE_VALUE, RECORDS
from .shapes import assert_shape

ENTITIES = ("lead", "deal", "contact", "company")
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 16).decode()


def _uf(portal: Portal, entity: str, name: str) -> str:
    """A string userfield ``UF_CRM_<name>`` (crm.<entity>.userfield.add), as the examples' portals have."""
    portal.ok(f"crm.{entity}.userfield.add", {"fields": {"FIELD_NAME": name, "USER_TYPE_ID": "string"}})
    return f"UF_CRM_{name}"


# ----------------------------------------------------------------------------------------- examples
def lead_example(portal: Portal) -> int:
    """crm-lead-add.md's request."""
    return int(
        portal.ok(
            "crm.lead.add",
            {
                "fields": {
                    "TITLE": "IP Titov",
                    "NAME": "Gleb",
                    "SECOND_NAME": "Egorovich",
                    "LAST_NAME": "Titov",
                    "STATUS_ID": "NEW",
                    "OPENED": "Y",
                    "ASSIGNED_BY_ID": 1,
                    "CURRENCY_ID": "USD",
                    "OPPORTUNITY": 12500,
                    "PHONE": [{"VALUE": "555888", "VALUE_TYPE": "WORK"}],
                    "WEB": [{"VALUE": "www.mysite.com", "VALUE_TYPE": "WORK"}],
                },
                "params": {"REGISTER_SONET_EVENT": "Y"},
            },
        )
    )


def company_example(portal: Portal) -> int:
    """crm-company-add.md's request."""
    return int(
        portal.ok(
            "crm.company.add",
            {
                "fields": {
                    "TITLE": "John Doe LLC",
                    "COMPANY_TYPE": "CUSTOMER",
                    "INDUSTRY": "MANUFACTURING",
                    "EMPLOYEES": "EMPLOYEES_2",
                    "CURRENCY_ID": "USD",
                    "REVENUE": 3000000,
                    "OPENED": "Y",
                    "ASSIGNED_BY_ID": 1,
                    "PHONE": [{"VALUE": "555888", "VALUE_TYPE": "WORK"}],
                },
                "params": {"REGISTER_SONET_EVENT": "Y"},
            },
        )
    )


def contact_example(portal: Portal) -> int:
    """crm-contact-add.md's request (companies 12, 13, 15 created first; a real photo)."""
    companies = [company_example(portal) for _ in range(3)]
    uf = _uf(portal, "contact", "1720697698689")
    fields = {
        "HONORIFIC": "HNR_RU_1",
        "NAME": "John",
        "SECOND_NAME": "Doe",
        "LAST_NAME": "Smith",
        "PHOTO": {"fileData": ["photo.png", PNG]},
        "BIRTHDATE": "11.11.2001",
        "TYPE_ID": "PARTNER",
        "SOURCE_ID": "WEB",
        "SOURCE_DESCRIPTION": "*Additional information about the source*",
        "POST": "Administrator",
        "COMMENTS": "comment",
        "OPENED": "Y",
        "EXPORT": "N",
        "ASSIGNED_BY_ID": 6,
        "COMPANY_ID": companies[0],
        "COMPANY_IDS": companies,
        "UTM_SOURCE": "google",
        "UTM_MEDIUM": "CPC",
        "UTM_CAMPAIGN": "summer_sale",
        "UTM_CONTENT": "header_banner",
        "UTM_TERM": "discount",
        "PHONE": [
            {"VALUE": "+1333333555", "VALUE_TYPE": "WORK"},
            {"VALUE": "+15599888666", "VALUE_TYPE": "HOME"},
        ],
        "EMAIL": [
            {"VALUE": "john.smith@example.mailing", "VALUE_TYPE": "MAILING"},
            {"VALUE": "john.smith@example.work", "VALUE_TYPE": "WORK"},
        ],
        uf: 'Example value of a custom field with type "String"',
        "PARENT_ID_1224": 12,
    }
    return int(portal.ok("crm.contact.add", {"FIELDS": fields}))


def deal_example(portal: Portal) -> int:
    """crm-deal-add.md's request (company 9, contacts 84/83 and the userfield created first)."""
    company = company_example(portal)
    contacts = [int(portal.ok("crm.contact.add", {"fields": {"NAME": n}})) for n in ("A", "B")]
    uf = _uf(portal, "deal", "1721244482250")
    fields = {
        "TITLE": "New Deal #1",
        "TYPE_ID": "COMPLEX",
        "CATEGORY_ID": 0,
        "STAGE_ID": "PREPARATION",
        "IS_RECURRING": "N",
        "IS_RETURN_CUSTOMER": "Y",
        "IS_REPEATED_APPROACH": "Y",
        "PROBABILITY": 99,
        "CURRENCY_ID": "EUR",
        "OPPORTUNITY": 1000000,
        "IS_MANUAL_OPPORTUNITY": "Y",
        "TAX_VALUE": 0.10,
        "COMPANY_ID": company,
        "CONTACT_IDS": contacts,
        "BEGINDATE": "2024-08-30T14:29:00+02:00",
        "CLOSEDATE": "2024-09-09T14:29:00+02:00",
        "OPENED": "Y",
        "CLOSED": "N",
        "COMMENTS": "Example comment",
        "SOURCE_ID": "CALLBACK",
        "SOURCE_DESCRIPTION": "Additional information about the source",
        "ADDITIONAL_INFO": "Additional information",
        "UTM_SOURCE": "google",
        "UTM_MEDIUM": "CPC",
        "PARENT_ID_1220": 22,
        uf: "Hello World!",
    }
    return int(portal.ok("crm.deal.add", {"FIELDS": fields, "PARAMS": {"REGISTER_SONET_EVENT": "N"}}))


EXAMPLES = {
    "lead": lead_example,
    "deal": deal_example,
    "contact": contact_example,
    "company": company_example,
}


def _uf_keys(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k.startswith("UF_")}


def _standard(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if not k.startswith("UF_")}


# ------------------------------------------------------------------------------------------ add/get
def test_lead_add_then_get(portal: Portal) -> None:
    """crm.lead.add answers the new id (int); crm.lead.get the documented record."""
    answer = portal.call("crm.lead.add", {"fields": {"TITLE": "x"}})
    assert answer.status == 200
    assert isinstance(answer.result, int)
    assert answer.result > 0
    lead = portal.ok("crm.lead.get", {"ID": lead_example(portal)})
    assert_shape(lead, RECORDS["lead"])
    assert (lead["OPPORTUNITY"], lead["CURRENCY_ID"], lead["STATUS_ID"]) == ("12500.00", "USD", "NEW")
    assert [e["VALUE"] for e in lead["PHONE"]] == ["555888"]
    assert lead["HAS_PHONE"] == "Y"
    assert "EMAIL" not in lead
    assert lead["HAS_EMAIL"] == "N"
    # crm-lead-get.md: a fresh lead's last activity is its creation, by its creator
    assert (lead["LAST_ACTIVITY_TIME"], lead["LAST_ACTIVITY_BY"]) == (lead["DATE_CREATE"], "1")
    assert (lead["COMPANY_ID"], lead["CONTACT_ID"], lead["DATE_CLOSED"]) == (None, None, "")


def test_deal_add_then_get(portal: Portal) -> None:
    """crm.deal.add with the page's FIELDS; crm.deal.get answers the documented record."""
    deal = portal.ok("crm.deal.get", {"ID": deal_example(portal)})
    assert_shape(_standard(deal), RECORDS["deal"])
    assert _uf_keys(deal) == {"UF_CRM_1721244482250": "Hello World!"}
    assert deal["OPPORTUNITY"] == "1000000.00"
    assert deal["PROBABILITY"] == "99"
    assert (deal["STAGE_ID"], deal["STAGE_SEMANTIC_ID"], deal["CATEGORY_ID"]) == ("PREPARATION", "P", "0")
    # crm-deal-fields.md: IS_RETURN_CUSTOMER and IS_REPEATED_APPROACH are writable
    assert (deal["IS_RETURN_CUSTOMER"], deal["IS_REPEATED_APPROACH"]) == ("Y", "Y")
    assert deal["LAST_ACTIVITY_TIME"] == deal["DATE_CREATE"]
    assert deal["LAST_ACTIVITY_BY"] == "1"
    assert deal["BEGINDATE"].startswith("2024-08-30T")
    assert deal["CLOSEDATE"].startswith("2024-09-09T")


def test_contact_add_then_get(portal: Portal) -> None:
    """crm.contact.add with PHOTO, multifields and a userfield; crm.contact.get answers the record."""
    contact = portal.ok("crm.contact.get", {"ID": contact_example(portal)})
    assert_shape(_standard(contact), RECORDS["contact"])
    assert_shape(contact["PHOTO"], FILE_VALUE, "PHOTO")
    assert _uf_keys(contact) == {"UF_CRM_1720697698689": 'Example value of a custom field with type "String"'}
    assert contact["BIRTHDATE"].startswith("2001-11-11T")
    assert [e["VALUE_TYPE"] for e in contact["EMAIL"]] == ["MAILING", "WORK"]
    assert (contact["HAS_PHONE"], contact["HAS_EMAIL"], contact["EXPORT"]) == ("Y", "Y", "N")
    assert contact["ASSIGNED_BY_ID"] == "6"
    assert contact["LAST_ACTIVITY_BY"] == "1"


def test_company_add_then_get(portal: Portal) -> None:
    """crm.company.add with the page's fields; crm.company.get answers the record (LOGO, REG_ADDRESS*)."""
    company = portal.ok("crm.company.get", {"ID": company_example(portal)})
    assert_shape(company, RECORDS["company"])
    assert (company["REVENUE"], company["CURRENCY_ID"], company["EMPLOYEES"]) == (
        "3000000",  # crm-company-get.md: REVENUE is a plain double ("REVENUE": "0"), not money "0.00"
        "USD",
        "EMPLOYEES_2",
    )
    assert company["LOGO"] is None
    assert company["LAST_COMMUNICATION_TIME"] is None
    logo = {"LOGO": {"fileData": ["logo.png", PNG]}, "REG_ADDRESS_CITY": "Riga"}
    assert portal.ok("crm.company.update", {"ID": company["ID"], "FIELDS": logo}) is True
    company = portal.ok("crm.company.get", {"ID": company["ID"]})
    assert_shape(company["LOGO"], FILE_VALUE, "LOGO")
    assert company["REG_ADDRESS_CITY"] == "Riga"


@pytest.mark.parametrize("entity", ["lead", "contact", "company"])
def test_split_address_fields_are_stored(portal: Portal, entity: str) -> None:
    """The split address fields of crm-X-add.md are written and read back (crm-deal-fields.md has none)."""
    parts = {"ADDRESS": "1 Main St", "ADDRESS_2": "Apt 2", "ADDRESS_CITY": "Springfield"}
    parts |= {"ADDRESS_POSTAL_CODE": "12345", "ADDRESS_REGION": "R", "ADDRESS_PROVINCE": "P"}
    parts |= {"ADDRESS_COUNTRY": "Latvia"}
    row_id = portal.ok(f"crm.{entity}.add", {"fields": {"TITLE": "t", "NAME": "n", **parts}})
    record = portal.ok(f"crm.{entity}.get", {"id": row_id})
    assert {k: record[k] for k in parts} == parts


# ------------------------------------------------------------------------------------------- update
def test_update_examples(portal: Portal) -> None:
    """crm.lead.update / crm.deal.update / crm.contact.update / crm.company.update answer true and apply."""
    lead = lead_example(portal)
    fields = {"SECOND_NAME": "Yegorovich", "STATUS_ID": "NEW", "OPPORTUNITY": 12500}
    assert portal.ok("crm.lead.update", {"id": lead, "fields": fields, "params": {}}) is True
    assert portal.ok("crm.lead.get", {"id": lead})["SECOND_NAME"] == "Yegorovich"
    deal = deal_example(portal)
    fields = {"TITLE": "New Deal Title!", "TYPE_ID": "GOODS", "STAGE_ID": "WON", "OPPORTUNITY": 9999.99}
    params = {"REGISTER_SONET_EVENT": "N", "REGISTER_HISTORY_EVENT": "N"}
    assert portal.ok("crm.deal.update", {"ID": deal, "FIELDS": fields, "PARAMS": params}) is True
    got = portal.ok("crm.deal.get", {"ID": deal})
    assert (got["STAGE_ID"], got["STAGE_SEMANTIC_ID"], got["CLOSED"], got["OPPORTUNITY"]) == (
        "WON",
        "S",
        "Y",
        "9999.99",
    )
    contact = contact_example(portal)
    fields = {"NAME": "John", "BIRTHDATE": "11.11.1999", "POST": "Network Administrator", "OPENED": "N"}
    assert portal.ok("crm.contact.update", {"ID": contact, "FIELDS": fields, "PARAMS": params}) is True
    got = portal.ok("crm.contact.get", {"ID": contact})
    assert got["BIRTHDATE"].startswith("1999-11-11T")
    assert got["OPENED"] == "N"
    company = company_example(portal)
    fields = {"CURRENCY_ID": "EUR", "REVENUE": 500000, "EMPLOYEES": "EMPLOYEES_3"}
    assert portal.ok("crm.company.update", {"ID": company, "FIELDS": fields}) is True
    assert portal.ok("crm.company.get", {"ID": company})["REVENUE"] == "500000"


# ------------------------------------------------------------------------------------------- delete
def test_delete_examples(portal: Portal) -> None:
    """crm.lead.delete ({"id": "123"}), crm.deal.delete / crm.contact.delete / crm.company.delete
    ({"ID": n}) answer true; the record is gone and a second delete is refused."""
    requests = {
        "crm.lead.delete": lambda i: {"id": str(i)},  # crm-lead-delete.md sends the id as a string
        "crm.deal.delete": lambda i: {"ID": i},
        "crm.contact.delete": lambda i: {"ID": i},
        "crm.company.delete": lambda i: {"ID": i},
    }
    for name, request in requests.items():
        entity = name.split(".")[1]
        row_id = portal.ok(f"crm.{entity}.add", {"fields": {"TITLE": "t", "NAME": "n"}})
        assert portal.ok(name, request(row_id)) is True
        portal.error(f"crm.{entity}.get", {"id": row_id}, ERRORS[(f"crm.{entity}.get", "not found")])
        portal.error(name, request(row_id), ERRORS[(name, "not found")])


# ------------------------------------------------------------------------------------------- errors
@pytest.mark.parametrize("entity", ENTITIES)
@pytest.mark.parametrize("action", ["get", "update", "delete"])
def test_id_invalid_and_not_found(portal: Portal, entity: str, action: str) -> None:
    """Each page's "ID is not defined or invalid." and its own not-found wording."""
    name = f"crm.{entity}.{action}"
    fields = {"fields": {"TITLE": "x"}} if action == "update" else {}
    for bad in ({}, {"id": 0}, {"id": -3}, {"id": "abc"}):
        portal.error(name, {**bad, **fields}, ERRORS[(name, "id invalid")])
    portal.error(name, {"id": 999, **fields}, ERRORS[(name, "not found")])


@pytest.mark.parametrize("entity", ENTITIES)
def test_fields_and_params_must_be_objects(portal: Portal, entity: str) -> None:
    """crm-X-add.md / crm-X-update.md: "Parameter 'fields' must be array." ('params' likewise)."""
    row_id = portal.ok(f"crm.{entity}.add", {"fields": {"TITLE": "t"}})
    for action, base in (("add", {}), ("update", {"id": row_id})):
        name = f"crm.{entity}.{action}"
        portal.error(name, {**base, "fields": "TITLE"}, ERRORS[(name, "fields not an object")])
        if (name, "params not an object") in ERRORS:
            params = {**base, "fields": {"TITLE": "t"}, "params": "Y"}
            portal.error(name, params, ERRORS[(name, "params not an object")])


@pytest.mark.parametrize("entity", ["contact", "company"])
def test_invalid_email_is_refused(portal: Portal, entity: str) -> None:
    """crm-contact-add.md, crm-company-add.md: ERROR_CORE for an e-mail that is no address; nothing stored."""
    email = {"EMAIL": [{"VALUE": "not-an-address", "VALUE_TYPE": "WORK"}]}
    name = f"crm.{entity}.add"
    portal.error(name, {"fields": {"TITLE": "t", **email}}, ERRORS[(name, "invalid email")])
    assert portal.ok(f"crm.{entity}.list", {}) == []
    row_id = portal.ok(name, {"fields": {"TITLE": "t", "NAME": "n"}})
    name = f"crm.{entity}.update"
    portal.error(name, {"id": row_id, "fields": email}, ERRORS[(name, "invalid email")])
    assert "EMAIL" not in portal.ok(f"crm.{entity}.get", {"id": row_id})


def test_read_only_fields_are_ignored(portal: Portal) -> None:
    """crm-deal-fields.md: DATE_CREATE, CREATED_BY_ID, STAGE_SEMANTIC_ID are read-only (ignored on write)."""
    deal = portal.ok("crm.deal.add", {"fields": {"DATE_CREATE": "2001-01-01T00:00:00+00:00"}})
    got = portal.ok("crm.deal.get", {"id": deal})
    assert not got["DATE_CREATE"].startswith("2001")
    assert got["CREATED_BY_ID"] == "1"


def test_typed_models_parse_the_documented_records(portal: Portal) -> None:
    """The typed models know every documented key (strict parsing) and parse the new fields."""
    from bitrix24_toolkit.models import Company, Contact, Deal, Lead

    models = {"lead": Lead, "deal": Deal, "contact": Contact, "company": Company}
    parsed: dict[str, Any] = {}
    for entity, model in models.items():
        record = portal.ok(f"crm.{entity}.get", {"id": EXAMPLES[entity](portal)})
        parsed[entity] = model.from_api(record, strict=True)
        assert parsed[entity].last_activity_time is not None
        assert parsed[entity].last_activity_time.isoformat() == record["LAST_ACTIVITY_TIME"]
        assert parsed[entity].last_activity_by == 1
    assert parsed["contact"].photo is not None
    assert isinstance(parsed["contact"].photo.id, int)
