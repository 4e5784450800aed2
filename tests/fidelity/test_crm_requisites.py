"""Requisites, bank details and links against their official pages.

Each test sends the page's example request (ids adapted to records created first through the documented
add methods) and compares the answer with :mod:`.facts.crm_requisites`.
"""

from __future__ import annotations

from .conftest import Portal
from .facts import crm_requisites as F
from .requisite_setup import bankdetail, company, err, requisite
from .shapes import DATETIME, INTSTR, STR, DocError, ListOf, Obj, assert_shape

# --- requisites ---------------------------------------------------------------------------------------


def test_requisite_add_get_update_delete(portal: Portal) -> None:
    rq = requisite(portal, company(portal))
    got = portal.ok("crm.requisite.get", {"id": rq})
    assert_shape(got, F.REQUISITE)
    assert (got["ID"], got["ENTITY_TYPE_ID"], got["NAME"], got["SORT"]) == (
        str(rq),
        "4",
        "Organization",
        "500",
    )
    assert (got["DATE_MODIFY"], got["MODIFY_BY_ID"], got["RQ_VAT_PAYER"]) == ("", None, "N")
    update = {"RQ_OKPO": "80715150", "RQ_OKTMO": "45381000000"}
    assert portal.ok("crm.requisite.update", {"id": rq, "fields": update}) is True
    changed = portal.ok("crm.requisite.get", {"id": rq})
    assert_shape(changed, F.REQUISITE)
    assert_shape(changed["DATE_MODIFY"], DATETIME)
    assert (changed["RQ_OKPO"], changed["MODIFY_BY_ID"]) == ("80715150", "1")
    assert portal.ok("crm.requisite.delete", {"id": rq}) is True
    portal.error("crm.requisite.get", {"id": rq}, err(F.REQUISITE_NOT_FOUND, id=rq))


def test_requisite_list_example(portal: Portal) -> None:
    owner = company(portal)
    first, second = requisite(portal, owner), requisite(portal, owner, NAME="Headquarters details")
    params = {
        "order": {"DATE_CREATE": "ASC"},
        "filter": {"PRESET_ID": "1"},
        "select": ["ENTITY_TYPE_ID", "ENTITY_ID", "ID", "NAME"],
    }
    answer = portal.call("crm.requisite.list", params)
    row = Obj({"ENTITY_TYPE_ID": INTSTR, "ENTITY_ID": INTSTR, "ID": INTSTR, "NAME": STR})
    assert_shape(answer.result, ListOf(row, min_len=2))
    assert [r["ID"] for r in answer.result] == [str(first), str(second)]
    assert answer.body["total"] == 2
    assert "next" not in answer.body
    everything = portal.ok("crm.requisite.list", {})
    assert_shape(everything, ListOf(F.REQUISITE, min_len=2))


def test_requisite_refusals(portal: Portal) -> None:
    owner = company(portal)
    base = {"ENTITY_TYPE_ID": 4, "ENTITY_ID": owner, "PRESET_ID": 1, "NAME": "Organization"}
    cases = [
        ({**base, "ENTITY_TYPE_ID": 2}, F.REQUISITE_ERRORS["entity_type"]),
        ({**base, "ENTITY_ID": 0}, F.REQUISITE_ERRORS["entity_id"]),
        ({**base, "PRESET_ID": 9999}, F.REQUISITE_ERRORS["preset"]),
        ({**base, "ENTITY_ID": owner + 100}, F.REQUISITE_ERRORS["entity_missing"]),
    ]
    for fields, expected in cases:
        portal.error("crm.requisite.add", {"fields": fields}, expected)
    portal.error("crm.requisite.delete", {"id": 57}, err(F.REQUISITE_NOT_FOUND, id=57))
    portal.error("crm.requisite.update", {"id": 57, "fields": {}}, err(F.REQUISITE_NOT_FOUND, id=57))
    portal.error("crm.requisite.delete", {}, F.REQUISITE_ERRORS["id"])
    rq = requisite(portal, owner)
    update = "crm.requisite.update"
    portal.error(update, {"id": rq, "fields": {"ENTITY_TYPE_ID": 2}}, F.REQUISITE_ERRORS["entity_type"])
    portal.error(update, {"id": rq, "fields": {"ENTITY_ID": 0}}, F.REQUISITE_ERRORS["entity_id"])
    portal.error(update, {"id": rq, "fields": {"PRESET_ID": 9999}}, F.REQUISITE_ERRORS["preset"])


def test_requisite_fields_describe_the_page(portal: Portal) -> None:
    assert_shape(portal.ok("crm.requisite.fields"), F.REQUISITE_FIELDS)


def test_requisite_userfields_show_in_fields_and_records(portal: Portal) -> None:
    uf = {
        "USER_TYPE_ID": "double",
        "ENTITY_ID": "CRM_REQUISITE",
        "FIELD_NAME": "AMOUNT",
        "EDIT_FORM_LABEL": "PP",
    }
    portal.ok("crm.requisite.userfield.add", {"fields": uf})
    described = portal.ok("crm.requisite.fields")
    assert_shape(described.pop("UF_CRM_AMOUNT"), F.UF_DESCRIPTION)
    assert_shape(described, F.REQUISITE_FIELDS)
    rq = requisite(portal, company(portal), UF_CRM_AMOUNT="56")
    got = portal.ok("crm.requisite.get", {"id": rq})
    assert got.pop("UF_CRM_AMOUNT") in ("56", 56.0, 56)
    assert_shape(got, F.REQUISITE)
    listed = portal.ok("crm.requisite.list", {"select": ["UF_CRM_AMOUNT"]})
    assert list(listed[0]) == ["UF_CRM_AMOUNT"]


# --- bank details -------------------------------------------------------------------------------------


def test_bankdetail_add_get_update_delete(portal: Portal) -> None:
    rq = requisite(portal, company(portal))
    bank = bankdetail(portal, rq)
    got = portal.ok("crm.requisite.bankdetail.get", {"id": bank})
    assert_shape(got, F.BANKDETAIL)
    assert (got["ENTITY_ID"], got["COUNTRY_ID"], got["SORT"], got["DATE_MODIFY"]) == (str(rq), "1", "600", "")
    change = {"NAME": "Ltd. Superbank (do not use)", "COMMENTS": "Outdated", "SORT": 10000, "ACTIVE": "N"}
    assert portal.ok("crm.requisite.bankdetail.update", {"id": bank, "fields": change}) is True
    changed = portal.ok("crm.requisite.bankdetail.get", {"id": bank})
    assert (changed["COMMENTS"], changed["SORT"], changed["ACTIVE"]) == ("Outdated", "10000", "N")
    listed = portal.call(
        "crm.requisite.bankdetail.list",
        {
            "order": {"DATE_CREATE": "ASC"},
            "filter": {"COUNTRY_ID": "1"},
            "select": ["ENTITY_ID", "ID", "NAME"],
        },
    )
    assert listed.result == [{"ENTITY_ID": str(rq), "ID": str(bank), "NAME": "Ltd. Superbank (do not use)"}]
    assert listed.body["total"] == 1
    assert portal.ok("crm.requisite.bankdetail.delete", {"id": bank}) is True
    portal.error("crm.requisite.bankdetail.get", {"id": bank}, err(F.BANKDETAIL_NOT_FOUND, id=bank))


def test_bankdetail_refusals_and_fields(portal: Portal) -> None:
    portal.error("crm.requisite.bankdetail.add", {"fields": {"NAME": "x"}}, F.BANKDETAIL_ERRORS["entity_id"])
    portal.error("crm.requisite.bankdetail.delete", {"id": 357}, err(F.BANKDETAIL_NOT_FOUND, id=357))
    portal.error(
        "crm.requisite.bankdetail.update", {"id": 357, "fields": {}}, err(F.BANKDETAIL_NOT_FOUND, id=357)
    )
    portal.error("crm.requisite.bankdetail.get", {"id": 0}, F.BANKDETAIL_ERRORS["id"])
    assert_shape(portal.ok("crm.requisite.bankdetail.fields"), F.BANKDETAIL_FIELDS)


def test_deleting_a_requisite_takes_bank_details_and_addresses(portal: Portal) -> None:
    rq = requisite(portal, company(portal))
    bank = bankdetail(portal, rq)
    portal.ok("crm.address.add", {"fields": {"TYPE_ID": 1, "ENTITY_TYPE_ID": 8, "ENTITY_ID": rq}})
    portal.ok("crm.requisite.delete", {"id": rq})
    portal.error("crm.requisite.bankdetail.get", {"id": bank}, err(F.BANKDETAIL_NOT_FOUND, id=bank))
    assert portal.ok("crm.address.list", {"filter": {"ENTITY_ID": rq}}) == []


# --- links --------------------------------------------------------------------------------------------


def test_link_register_get_list_unregister(portal: Portal) -> None:
    client = company(portal)
    mine = company(portal, IS_MY_COMPANY="Y")
    rq, mc_rq = requisite(portal, client), requisite(portal, mine)
    bank, mc_bank = bankdetail(portal, rq), bankdetail(portal, mc_rq)
    deal = int(portal.ok("crm.deal.add", {"fields": {"TITLE": "D", "COMPANY_ID": client}}))
    fields = {
        "ENTITY_TYPE_ID": 2,
        "ENTITY_ID": deal,
        "REQUISITE_ID": rq,
        "BANK_DETAIL_ID": bank,
        "MC_REQUISITE_ID": mc_rq,
        "MC_BANK_DETAIL_ID": mc_bank,
    }
    assert portal.ok("crm.requisite.link.register", {"fields": fields}) is True
    got = portal.ok("crm.requisite.link.get", {"entityTypeId": 2, "entityId": deal})
    assert_shape(got, F.LINK_GET)
    assert got == {"ENTITY_TYPE_ID": 2, "ENTITY_ID": deal, **{k: str(fields[k]) for k in F.LINK_IDS}}
    listed = portal.call(
        "crm.requisite.link.list",
        {"order": {"ENTITY_ID": "ASC"}, "filter": {"@ENTITY_TYPE_ID": [1, 2, 7, 31]}},
    )
    assert_shape(listed.result, ListOf(F.LINK_ROW, min_len=1))
    assert listed.body["total"] == 1
    assert portal.ok("crm.requisite.link.unregister", {"entityTypeId": 2, "entityId": deal}) is True
    portal.error("crm.requisite.link.get", {"entityTypeId": 2, "entityId": deal}, F.LINK_ERRORS["not_found"])


def test_link_refusals_and_fields(portal: Portal) -> None:
    client, other = company(portal), company(portal)
    foreign = requisite(portal, other)
    deal = int(portal.ok("crm.deal.add", {"fields": {"TITLE": "D", "COMPANY_ID": client}}))
    zero = dict.fromkeys(F.LINK_IDS, 0)
    base = {"ENTITY_TYPE_ID": 2, "ENTITY_ID": deal, **zero}
    reg = "crm.requisite.link.register"
    portal.error(reg, {"fields": {**base, "ENTITY_ID": deal + 50}}, F.LINK_ERRORS["entity_missing"])
    portal.error(
        reg, {"fields": {**base, "REQUISITE_ID": 60}}, err(F.LINK_ERRORS["requisite_missing"], id=60)
    )
    portal.error(
        reg,
        {"fields": {**base, "REQUISITE_ID": foreign}},
        err(F.LINK_ERRORS["requisite_foreign"], id=foreign, company=client),
    )
    portal.error(
        reg, {"fields": {**base, "MC_REQUISITE_ID": 77}}, err(F.LINK_ERRORS["mc_requisite_missing"], id=77)
    )
    assert portal.ok(reg, {"fields": base}) is True  # all zero: "not linked" (register page)
    portal.error("crm.requisite.link.unregister", {"entityTypeId": 2}, F.LINK_ERRORS["entity_id_camel"])
    portal.error("crm.requisite.link.get", {"entityId": deal}, F.LINK_ERRORS["entity_type_camel"])
    assert_shape(portal.ok("crm.requisite.link.fields"), F.LINK_FIELDS)


def test_lists_refuse_a_non_object_filter_or_order(portal: Portal) -> None:
    # the legacy list base refuses it (crm/leads/userfield/crm-lead-userfield-list.md documents the text)
    refusal = {name: DocError("", f"Parameter '{name}' must be array.", 400) for name in ("filter", "order")}
    for method in (
        "crm.requisite.list",
        "crm.requisite.bankdetail.list",
        "crm.requisite.link.list",
        "crm.requisite.preset.list",
        "crm.address.list",
    ):
        portal.error(method, {"filter": "PRESET_ID"}, refusal["filter"])
        portal.error(method, {"order": "ID"}, refusal["order"])


def test_typed_models_parse_every_documented_key(portal: Portal) -> None:
    from bitrix24_toolkit.models.requisites import Address, BankDetail, Preset, Requisite, RequisiteLink

    client = company(portal)
    rq = requisite(portal, client)
    bank = bankdetail(portal, rq)
    portal.ok(
        "crm.address.add", {"fields": {"TYPE_ID": 6, "ENTITY_TYPE_ID": 8, "ENTITY_ID": rq, "CITY": "X"}}
    )
    deal = int(portal.ok("crm.deal.add", {"fields": {"TITLE": "D", "COMPANY_ID": client}}))
    link = {"ENTITY_TYPE_ID": 2, "ENTITY_ID": deal, "REQUISITE_ID": rq, "BANK_DETAIL_ID": bank}
    portal.ok(
        "crm.requisite.link.register", {"fields": {**link, "MC_REQUISITE_ID": 0, "MC_BANK_DETAIL_ID": 0}}
    )
    parsed = Requisite.from_api(portal.ok("crm.requisite.get", {"id": rq}), strict=True)
    assert (parsed.id, parsed.rq_inn, parsed.rq_cpf, parsed.rq_vat_payer) == (rq, "1717586110", None, False)
    assert (
        BankDetail.from_api(portal.ok("crm.requisite.bankdetail.get", {"id": bank}), strict=True).entity_id
        == rq
    )
    assert Preset.from_api(portal.ok("crm.requisite.preset.get", {"id": 1}), strict=True).country_id == 1
    address = Address.from_api(portal.ok("crm.address.list", {})[0], strict=True)
    assert address.key == (6, 8, rq)
    got = portal.ok("crm.requisite.link.get", {"entityTypeId": 2, "entityId": deal})
    assert RequisiteLink.from_api(got, strict=True).bank_detail_id == bank


def test_requisite_list_pages_by_fifty(portal: Portal) -> None:
    # crm-requisite-list.md: "The results page size is always static: 50 records"
    owner = company(portal)
    for _ in range(51):
        portal.ok(
            "crm.requisite.add",
            {"fields": {"ENTITY_TYPE_ID": 4, "ENTITY_ID": owner, "PRESET_ID": 1, "NAME": "R"}},
        )
    first = portal.call("crm.requisite.list", {"select": ["ID"]})
    assert (len(first.result), first.body["total"], first.body["next"]) == (50, 51, 50)
    last = portal.call("crm.requisite.list", {"select": ["ID"], "start": 50})
    assert len(last.result) == 1
    assert "next" not in last.body
