"""Requisites, bank details, links, presets and addresses: facts of ``api-reference/crm/requisites/``.

Every fact is read from the page named beside it. Legacy requisite methods answer numbers as strings of
digits (``"27"``), unset values as ``null``, errors with an empty ``error`` code and HTTP 400 (the pages say
"400" or "40x"; a real portal sends 400 for these ``RestException``s).

Where pages disagree (the lead chose what real portals are best known to do):

- ``crm.requisite.add`` marks ``NAME`` required; ``crm.requisite.fields`` says ``isRequired: false``. The
  fields answer is a portal's own output: we keep it.
- ``crm.requisite.bankdetail.get``'s table lists ``ENTITY_TYPE_ID``; its example response has no such key:
  the example (a real answer) wins.
- ``crm.requisite.bankdetail.update``'s error table says "The Requisite with ID '357' is not found"; its
  example and the get/delete pages say "The RequisiteBankDetail with ID ..." - the latter is used.
- ``crm.requisite.preset.countries`` titles country 1 ("RU") "United States" (a translation slip): we expect
  only the documented ids and codes.
- ``crm.requisite.link.get`` answers ``ENTITY_TYPE_ID``/``ENTITY_ID`` as ints (echoed from the request) and
  the requisite ids as strings, while ``crm.requisite.link.list`` sends all as strings: both as shown.
"""

from __future__ import annotations

from typing import Any

from ..shapes import BOOL, DATETIME, INT, INTSTR, STR, YN, DocError, MethodDoc, Obj, OneOf, Opt

P = "api-reference/crm/requisites/"
ENUM_PAGE = "api-reference/crm/auxiliary/enum/crm-enum-address-type.md"

METHODS = {
    "crm.requisite.add": MethodDoc(P + "universal/crm-requisite-add.md", "access rights"),
    "crm.requisite.get": MethodDoc(P + "universal/crm-requisite-get.md", "access rights"),
    "crm.requisite.list": MethodDoc(P + "universal/crm-requisite-list.md", "access rights"),
    "crm.requisite.update": MethodDoc(P + "universal/crm-requisite-update.md", "access rights"),
    "crm.requisite.delete": MethodDoc(P + "universal/crm-requisite-delete.md", "access rights"),
    "crm.requisite.fields": MethodDoc(P + "universal/crm-requisite-fields.md"),
    "crm.requisite.bankdetail.add": MethodDoc(
        P + "bank-detail/crm-requisite-bank-detail-add.md", "access rights"
    ),
    "crm.requisite.bankdetail.get": MethodDoc(
        P + "bank-detail/crm-requisite-bank-detail-get.md", "access rights"
    ),
    "crm.requisite.bankdetail.list": MethodDoc(
        P + "bank-detail/crm-requisite-bank-detail-list.md", "access rights"
    ),
    "crm.requisite.bankdetail.update": MethodDoc(
        P + "bank-detail/crm-requisite-bank-detail-update.md", "access rights"
    ),
    "crm.requisite.bankdetail.delete": MethodDoc(
        P + "bank-detail/crm-requisite-bank-detail-delete.md", "access rights"
    ),
    "crm.requisite.bankdetail.fields": MethodDoc(P + "bank-detail/crm-requisite-bank-detail-fields.md"),
    "crm.requisite.link.register": MethodDoc(
        P + "links/crm-requisite-link-register.md",
        "access rights; only deals are checked to exist (the emulator keeps no quote/invoice rows)",
    ),
    "crm.requisite.link.get": MethodDoc(P + "links/crm-requisite-link-get.md", "access rights"),
    "crm.requisite.link.list": MethodDoc(P + "links/crm-requisite-link-list.md", "access rights"),
    "crm.requisite.link.unregister": MethodDoc(P + "links/crm-requisite-link-unregister.md", "access rights"),
    "crm.requisite.link.fields": MethodDoc(P + "links/crm-requisite-link-fields.md"),
    "crm.requisite.preset.add": MethodDoc(P + "presets/crm-requisite-preset-add.md", "access rights"),
    "crm.requisite.preset.get": MethodDoc(P + "presets/crm-requisite-preset-get.md", "access rights"),
    "crm.requisite.preset.list": MethodDoc(
        P + "presets/crm-requisite-preset-list.md", "access rights; default preset names are the RU portal's"
    ),
    "crm.requisite.preset.update": MethodDoc(P + "presets/crm-requisite-preset-update.md", "access rights"),
    "crm.requisite.preset.delete": MethodDoc(P + "presets/crm-requisite-preset-delete.md", "access rights"),
    "crm.requisite.preset.fields": MethodDoc(P + "presets/crm-requisite-preset-fields.md"),
    "crm.requisite.preset.countries": MethodDoc(P + "presets/crm-requisite-preset-countries.md"),
    "crm.requisite.preset.field.add": MethodDoc(
        P + "presets/fields/crm-requisite-preset-field-add.md", "access rights; per-country field sets"
    ),
    "crm.requisite.preset.field.get": MethodDoc(P + "presets/fields/crm-requisite-preset-field-get.md"),
    "crm.requisite.preset.field.list": MethodDoc(P + "presets/fields/crm-requisite-preset-field-list.md"),
    "crm.requisite.preset.field.update": MethodDoc(P + "presets/fields/crm-requisite-preset-field-update.md"),
    "crm.requisite.preset.field.delete": MethodDoc(P + "presets/fields/crm-requisite-preset-field-delete.md"),
    "crm.requisite.preset.field.fields": MethodDoc(P + "presets/fields/crm-requisite-preset-field-fields.md"),
    "crm.requisite.preset.field.availabletoadd": MethodDoc(
        P + "presets/fields/crm-requisite-preset-field-available-to-add.md", "per-country field sets"
    ),
    "crm.address.add": MethodDoc(
        P + "addresses/crm-address-add.md", "access rights; location module copy (LOC_ADDR_ID) is a bare id"
    ),
    "crm.address.update": MethodDoc(P + "addresses/crm-address-update.md", "access rights"),
    "crm.address.delete": MethodDoc(P + "addresses/crm-address-delete.md", "access rights"),
    "crm.address.list": MethodDoc(P + "addresses/crm-address-list.md", "access rights"),
    "crm.address.fields": MethodDoc(P + "addresses/crm-address-fields.md"),
    "crm.enum.addresstype": MethodDoc(ENUM_PAGE),
}


def described(table: str, **status_types: list[str]) -> Obj:
    """A ``*.fields`` answer: ``"NAME:type:flags ..."`` (flags R required, O read-only, I immutable)."""
    keys: dict[str, Any] = {}
    for item in table.split():
        name, type_, flags = ([*item.split(":"), ""])[:3]
        entry: dict[str, Any] = {
            "type": type_,
            "isRequired": "R" in flags,
            "isReadOnly": "O" in flags,
            "isImmutable": "I" in flags,
            "isMultiple": "M" in flags,
            "isDynamic": False,
            "title": STR,
        }
        if name in status_types:
            entry["statusType"] = status_types[name]
        keys[name] = Obj(entry)
    return Obj(keys)


# --- requisites (universal/crm-requisite-get.md example; crm-requisite-fields.md example) -------------
RQ_FIELDS = (
    "RQ_NAME RQ_FIRST_NAME RQ_LAST_NAME RQ_SECOND_NAME RQ_COMPANY_ID RQ_COMPANY_NAME RQ_COMPANY_FULL_NAME "
    "RQ_COMPANY_REG_DATE RQ_DIRECTOR RQ_ACCOUNTANT RQ_CEO_NAME RQ_CEO_WORK_POS RQ_CONTACT RQ_EMAIL RQ_PHONE "
    "RQ_FAX RQ_IDENT_TYPE RQ_IDENT_DOC RQ_IDENT_DOC_SER RQ_IDENT_DOC_NUM RQ_IDENT_DOC_PERS_NUM "
    "RQ_IDENT_DOC_DATE RQ_IDENT_DOC_ISSUED_BY RQ_IDENT_DOC_DEP_CODE RQ_INN RQ_KPP RQ_USRLE RQ_IFNS RQ_OGRN "
    "RQ_OGRNIP RQ_OKPO RQ_OKTMO RQ_OKVED RQ_EDRPOU RQ_DRFO RQ_KBE RQ_IIN RQ_BIN RQ_ST_CERT_SER "
    "RQ_ST_CERT_NUM RQ_ST_CERT_DATE RQ_VAT_PAYER RQ_VAT_ID RQ_VAT_CERT_SER RQ_VAT_CERT_NUM RQ_VAT_CERT_DATE "
    "RQ_RESIDENCE_COUNTRY RQ_BASE_DOC RQ_REGON RQ_KRS RQ_PESEL RQ_LEGAL_FORM RQ_SIRET RQ_SIREN RQ_CAPITAL "
    "RQ_RCS RQ_CNPJ RQ_STATE_REG RQ_MNPL_REG RQ_CPF"
).split()
#: DATE_MODIFY is "" until the first update (get example); MODIFY_BY_ID null then
_BOOKKEEPING = {
    "DATE_CREATE": DATETIME,
    "DATE_MODIFY": OneOf("", DATETIME),
    "CREATED_BY_ID": INTSTR,
    "MODIFY_BY_ID": Opt(INTSTR),
}
REQUISITE = Obj(
    {
        "ID": INTSTR,
        "ENTITY_TYPE_ID": INTSTR,
        "ENTITY_ID": INTSTR,
        "PRESET_ID": INTSTR,
        **_BOOKKEEPING,
        "NAME": STR,
        "CODE": Opt(STR),
        "XML_ID": Opt(STR),
        "ORIGINATOR_ID": Opt(STR),
        "ACTIVE": YN,
        "ADDRESS_ONLY": YN,
        "SORT": INTSTR,
        **{name: Opt(STR) for name in RQ_FIELDS},
        "RQ_VAT_PAYER": YN,
    }
)
REQUISITE_FIELDS = described(
    "ID:integer:O ENTITY_TYPE_ID:integer:RI ENTITY_ID:integer:RI PRESET_ID:integer:RI DATE_CREATE:datetime:O "
    "DATE_MODIFY:datetime:O CREATED_BY_ID:user:O MODIFY_BY_ID:user:O NAME:string CODE:string XML_ID:string "
    "ORIGINATOR_ID:string ACTIVE:char ADDRESS_ONLY:char SORT:integer "
    + " ".join(
        f"{n}:{'char' if n == 'RQ_VAT_PAYER' else 'crm_status' if n == 'RQ_IDENT_TYPE' else 'string'}"
        for n in RQ_FIELDS
    ),
    RQ_IDENT_TYPE=["RQ_IDENT_TYPE_CO"],
)
#: a user field inside *.fields (crm-requisite-fields.md example, UF_CRM_1694526604)
UF_DESCRIPTION = Obj(
    {
        "type": STR,
        "isRequired": BOOL,
        "isReadOnly": False,
        "isImmutable": False,
        "isMultiple": BOOL,
        "isDynamic": True,
        "title": STR,
        "listLabel": STR,
        "formLabel": STR,
        "filterLabel": STR,
        "settings": Obj({}, exact=False),
    }
)
REQUISITE_NOT_FOUND = DocError("", "The Requisite with ID '{id}' is not found", 400)  # get/update/delete
REQUISITE_ERRORS = {  # crm-requisite-add.md / -update.md / -delete.md tables
    "entity_type": DocError("", "ENTITY_TYPE_ID is not defined or invalid.", 400),
    "entity_id": DocError("", "ENTITY_ID is not defined or invalid.", 400),
    "preset": DocError("", "PRESET_ID is not defined or invalid.", 400),
    "entity_missing": DocError("", "Entity not found.", 400),
    "id": DocError("", "ID is not defined or invalid.", 400),
}

# --- bank details (bank-detail/crm-requisite-bank-detail-get.md, -fields.md) --------------------------
BANK_RQ = (
    "RQ_BANK_NAME RQ_BANK_CODE RQ_BANK_ADDR RQ_BANK_ROUTE_NUM RQ_BIK RQ_MFO RQ_ACC_NAME RQ_ACC_NUM "
    "RQ_ACC_TYPE RQ_IIK RQ_ACC_CURRENCY RQ_COR_ACC_NUM RQ_IBAN RQ_SWIFT RQ_BIC RQ_CODEB RQ_CODEG RQ_RIB "
    "RQ_AGENCY_NAME"
).split()
BANKDETAIL = Obj(
    {
        "ID": INTSTR,
        "ENTITY_ID": INTSTR,
        "COUNTRY_ID": INTSTR,
        **_BOOKKEEPING,
        "NAME": STR,
        "CODE": Opt(STR),
        "XML_ID": Opt(STR),
        "ORIGINATOR_ID": Opt(STR),
        "ACTIVE": YN,
        "SORT": INTSTR,
        **{name: Opt(STR) for name in BANK_RQ},
        "COMMENTS": Opt(STR),
    }
)
BANKDETAIL_FIELDS = described(
    "ID:integer:O ENTITY_ID:integer:RI COUNTRY_ID:integer DATE_CREATE:datetime:O DATE_MODIFY:datetime:O "
    "CREATED_BY_ID:user:O MODIFY_BY_ID:user:O NAME:string CODE:string XML_ID:string ACTIVE:char SORT:integer "
    + " ".join(f"{n}:string" for n in BANK_RQ)
    + " COMMENTS:string ORIGINATOR_ID:string"
)
BANKDETAIL_NOT_FOUND = DocError("", "The RequisiteBankDetail with ID '{id}' is not found", 400)
BANKDETAIL_ERRORS = {
    "entity_id": DocError("", "ENTITY_ID is not defined or invalid.", 400),  # add example
    "id": DocError("", "ID is not defined or invalid.", 400),
}

# --- links (links/crm-requisite-link-get.md, -list.md, -fields.md, -register.md) ----------------------
LINK_IDS = ("REQUISITE_ID", "BANK_DETAIL_ID", "MC_REQUISITE_ID", "MC_BANK_DETAIL_ID")
LINK_GET = Obj({"ENTITY_TYPE_ID": INT, "ENTITY_ID": INT, **dict.fromkeys(LINK_IDS, INTSTR)})
LINK_ROW = Obj({"ENTITY_TYPE_ID": INTSTR, "ENTITY_ID": INTSTR, **dict.fromkeys(LINK_IDS, INTSTR)})
LINK_FIELDS = described(
    "ENTITY_TYPE_ID:integer:RI ENTITY_ID:integer:RI REQUISITE_ID:integer:R BANK_DETAIL_ID:integer:R "
    "MC_REQUISITE_ID:integer:R MC_BANK_DETAIL_ID:integer:R"
)
LINK_ERRORS = {
    "not_found": DocError("", "Not found", 400),  # get example
    "entity_type_camel": DocError("", "entityTypeId is not defined or invalid.", 400),
    "entity_id_camel": DocError("", "entityId is not defined or invalid.", 400),  # unregister example
    "entity_missing": DocError("", "Entity is not found", 400),  # register example
    "requisite_missing": DocError("", "The Requisite with ID '{id}' is not found", 400),
    "requisite_foreign": DocError(
        "", "The Requisite with ID '{id}' is not assigned to Company with ID '{company}'", 400
    ),
    "bank_missing": DocError("", "The BankDetail with ID '{id}' is not found", 400),
    "bank_foreign": DocError(
        "", "The BankDetail with ID '{id}' is not assigned to Requisite with ID '{requisite}'", 400
    ),
    "mc_requisite_missing": DocError("", "The Requisite of your company with ID '{id}' is not found", 400),
}

# --- presets (presets/crm-requisite-preset-get.md, -fields.md, -countries.md, fields/...) ----------------
PRESET = Obj(
    {
        "ID": INTSTR,
        "ENTITY_TYPE_ID": INTSTR,
        "COUNTRY_ID": INTSTR,
        **_BOOKKEEPING,
        "NAME": STR,
        "XML_ID": Opt(STR),
        "ACTIVE": YN,
        "SORT": INTSTR,
    }
)
PRESET_FIELDS = described(
    "ID:integer:O ENTITY_TYPE_ID:integer:RI COUNTRY_ID:integer:RI NAME:string:R DATE_CREATE:datetime:O "
    "DATE_MODIFY:datetime:O CREATED_BY_ID:user:O MODIFY_BY_ID:user:O ACTIVE:char SORT:integer XML_ID:string"
)
#: crm-requisite-preset-countries.md: ids are ints
COUNTRY = Obj({"ID": INT, "CODE": STR, "TITLE": STR})
COUNTRY_CODES = {
    1: "RU",
    4: "BY",
    6: "KZ",
    14: "UA",
    34: "BR",
    46: "DE",
    77: "CO",
    110: "PL",
    122: "US",
    132: "FR",
}
#: a preset's customizable field (fields/crm-requisite-preset-field-get.md, -list.md): ints, not strings
PRESET_FIELD = Obj({"ID": INT, "FIELD_NAME": STR, "FIELD_TITLE": STR, "IN_SHORT_LIST": YN, "SORT": INT})
PRESET_FIELD_FIELDS = described(
    "ID:integer:O FIELD_NAME:string:R FIELD_TITLE:string SORT:integer IN_SHORT_LIST:char"
)
PRESET_ERRORS = {
    "not_found": DocError("", "The Preset with ID '{id}' is not found", 400),
    "entity_type": DocError("", "ENTITY_TYPE_ID is not defined or invalid", 400),  # add example
    "in_use": DocError(
        "", "You cannot delete the template because requisites have already been created for it", 400
    ),
    "field_not_found": DocError("", "The PresetField with ID '{id}' is not found", 400),
    "field_not_addable": DocError("", "The field '{name}' can not be added.", 400),
    "template_not_found": DocError("", "Template not found.", 400),  # availabletoadd example
}

# --- addresses (addresses/crm-address-list.md, -fields.md; auxiliary/enum/crm-enum-address-type.md) -----
ADDRESS = Obj(
    {
        "TYPE_ID": INTSTR,
        "ENTITY_TYPE_ID": INTSTR,
        "ENTITY_ID": INTSTR,
        **{key: Opt(STR) for key in ("ADDRESS_1", "ADDRESS_2", "CITY", "POSTAL_CODE", "REGION", "PROVINCE")},
        "COUNTRY": Opt(STR),
        "COUNTRY_CODE": Opt(STR),
        "LOC_ADDR_ID": INTSTR,
        "ANCHOR_TYPE_ID": INTSTR,
        "ANCHOR_ID": INTSTR,
    }
)
ADDRESS_FIELDS = described(
    "TYPE_ID:integer:RI ENTITY_TYPE_ID:integer:RI ENTITY_ID:integer:RI ADDRESS_1:string ADDRESS_2:string "
    "CITY:string POSTAL_CODE:string REGION:string PROVINCE:string COUNTRY:string COUNTRY_CODE:string "
    "LOC_ADDR_ID:integer ANCHOR_TYPE_ID:integer:O ANCHOR_ID:integer:O"
)
ADDRESS_TYPE = Obj({"ID": INT, "NAME": STR, "SYMBOL_CODE": Opt(STR), "SYMBOL_CODE_SHORT": Opt(STR)})
#: crm-enum-address-type.md example, in its order
ADDRESS_TYPE_IDS = [11, 1, 6, 4, 8, 9]
ADDRESS_ERRORS = {
    "type": DocError("", "TYPE_ID is not defined or invalid.", 400),
    "entity_type": DocError("", "ENTITY_TYPE_ID is not defined or invalid.", 400),
    "entity_id": DocError("", "ENTITY_ID is not defined or invalid.", 400),
    "exists": DocError("", None, 400),  # "TypeAddress exists" (table; punctuation not shown)
    "not_found": DocError("", "TypeAddress not found.", 400),  # delete example
}
