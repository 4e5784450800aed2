"""Documented facts of the CRM satellite methods: product rows, legacy products, contact bindings,
duplicate search and stage history. Every fact names its page (``api-reference/...`` of bitrix24/b24restdocs).

Types are as the pages' example responses send them. Where a page contradicts itself or another page the
comment says so and which side was chosen.
"""

from __future__ import annotations

from ..shapes import (
    DATE,
    DATETIME,
    DECSTR,
    FLOAT,
    INT,
    INTSTR,
    STR,
    YN,
    DocError,
    ListOf,
    MethodDoc,
    Obj,
    OneOf,
    Opt,
)

_DEALS = "api-reference/crm/deals"
_LEADS = "api-reference/crm/leads"
_PRODUCTS = "api-reference/crm/outdated/products"
_DEAL_CONTACTS = f"{_DEALS}/contacts"
_LEAD_CONTACTS = f"{_LEADS}/management-communication"

METHODS = {
    "crm.deal.productrows.get": MethodDoc(
        page=f"{_DEALS}/crm-deal-productrows-get.md",
        not_emulated="reserves and stores (STORE_ID/RESERVE_* are always null); access rights",
    ),
    "crm.deal.productrows.set": MethodDoc(
        page=f"{_DEALS}/crm-deal-productrows-set.md",
        not_emulated="access rights; the owner's amount recalculation follows the rows' sum only",
    ),
    "crm.lead.productrows.get": MethodDoc(
        page=f"{_LEADS}/crm-lead-productrows-get.md",
        not_emulated="reserves and stores (always null); access rights",
    ),
    "crm.lead.productrows.set": MethodDoc(
        page=f"{_LEADS}/crm-lead-productrows-set.md", not_emulated="access rights"
    ),
    "crm.product.add": MethodDoc(
        page=f"{_PRODUCTS}/crm-product-add.md",
        not_emulated="pictures, product properties (PROPERTY_*), symbolic-code generation",
    ),
    "crm.product.get": MethodDoc(page=f"{_PRODUCTS}/crm-product-get.md", not_emulated="PROPERTY_* values"),
    "crm.product.list": MethodDoc(
        page=f"{_PRODUCTS}/crm-product-list.md", not_emulated="PROPERTY_* in select"
    ),
    "crm.product.update": MethodDoc(
        page=f"{_PRODUCTS}/crm-product-update.md", not_emulated="pictures and file property values"
    ),
    "crm.product.delete": MethodDoc(page=f"{_PRODUCTS}/crm-product-delete.md"),
    "crm.product.fields": MethodDoc(page=f"{_PRODUCTS}/crm-product-fields.md"),
    "crm.deal.contact.add": MethodDoc(
        page=f"{_DEAL_CONTACTS}/crm-deal-contact-add.md", not_emulated="access rights"
    ),
    "crm.deal.contact.delete": MethodDoc(
        page=f"{_DEAL_CONTACTS}/crm-deal-contact-delete.md", not_emulated="access rights"
    ),
    "crm.deal.contact.fields": MethodDoc(page=f"{_DEAL_CONTACTS}/crm-deal-contact-fields.md"),
    "crm.deal.contact.items.get": MethodDoc(
        page=f"{_DEAL_CONTACTS}/crm-deal-contact-items-get.md", not_emulated="access rights"
    ),
    "crm.deal.contact.items.set": MethodDoc(
        page=f"{_DEAL_CONTACTS}/crm-deal-contact-items-set.md", not_emulated="access rights"
    ),
    "crm.deal.contact.items.delete": MethodDoc(
        page=f"{_DEAL_CONTACTS}/crm-deal-contact-items-delete.md", not_emulated="access rights"
    ),
    "crm.lead.contact.add": MethodDoc(
        page=f"{_LEAD_CONTACTS}/crm-lead-contact-add.md", not_emulated="access rights"
    ),
    "crm.lead.contact.delete": MethodDoc(
        page=f"{_LEAD_CONTACTS}/crm-lead-contact-delete.md", not_emulated="access rights"
    ),
    "crm.lead.contact.fields": MethodDoc(page=f"{_LEAD_CONTACTS}/crm-lead-contact-fields.md"),
    "crm.lead.contact.items.get": MethodDoc(
        page=f"{_LEAD_CONTACTS}/crm-lead-contact-items-get.md", not_emulated="access rights"
    ),
    "crm.lead.contact.items.set": MethodDoc(
        page=f"{_LEAD_CONTACTS}/crm-lead-contact-items-set.md", not_emulated="access rights"
    ),
    "crm.lead.contact.items.delete": MethodDoc(
        page=f"{_LEAD_CONTACTS}/crm-lead-contact-items-delete.md", not_emulated="access rights"
    ),
    "crm.duplicate.findbycomm": MethodDoc(
        page="api-reference/crm/duplicates/crm-duplicate-find-by-comm.md",
        not_emulated="the 20-duplicates cut-off across entity types; access rights",
    ),
    "crm.stagehistory.list": MethodDoc(
        page="api-reference/crm/crm-stage-history-list.md",
        not_emulated="old (5) and new (31) invoices and smart processes: answered as not supported",
    ),
}

# ------------------------------------------------------------------------------------------ product rows
# api-reference/crm/deals/crm-deal-productrows-get.md and crm/leads/crm-lead-productrows-get.md, example
# responses (mixed types: ID/OWNER_ID strings, PRODUCT_ID/MEASURE_CODE/SORT/TYPE ints, prices numbers,
# PRICE_ACCOUNT a decimal string). STORE_ID is 0 in the deal example and null in the lead one; reserves are
# null in the lead example: all nullable. QUANTITY is 1 in both examples, documented "integer" (deal) and
# "double" (lead): a number. XML_ID is "" or a code in the examples, never null.


def product_row(owner_type: str) -> Obj:
    """A product row of ``crm.{deal,lead}.productrows.get`` (owner type ``D`` or ``L``)."""
    return Obj(
        {
            "ID": INTSTR,
            "OWNER_ID": INTSTR,
            "OWNER_TYPE": owner_type,
            "PRODUCT_ID": INT,
            "PRODUCT_NAME": STR,
            "ORIGINAL_PRODUCT_NAME": STR,
            "PRODUCT_DESCRIPTION": Opt(STR),
            "PRICE": FLOAT,
            "PRICE_EXCLUSIVE": FLOAT,
            "PRICE_NETTO": FLOAT,
            "PRICE_BRUTTO": FLOAT,
            "PRICE_ACCOUNT": DECSTR,
            "QUANTITY": FLOAT,
            "DISCOUNT_TYPE_ID": OneOf(1, 2),
            "DISCOUNT_RATE": FLOAT,
            "DISCOUNT_SUM": FLOAT,
            "TAX_RATE": Opt(FLOAT),
            "TAX_INCLUDED": YN,
            "CUSTOMIZED": YN,
            "MEASURE_CODE": INT,
            "MEASURE_NAME": STR,
            "SORT": INT,
            "XML_ID": STR,
            "TYPE": OneOf(1, 4, 7),
            "STORE_ID": Opt(INT),
            "RESERVE_ID": Opt(INT),
            "DATE_RESERVE_END": Opt(DATE),
            "RESERVE_QUANTITY": Opt(FLOAT),
        }
    )


# The set pages: "If PRODUCT_ID is provided, the name will be taken from the product". Read with the get
# pages' two names (PRODUCT_NAME "the name of the product row", ORIGINAL_PRODUCT_NAME "the name ... in the
# catalog"), a portal fills an empty PRODUCT_NAME from the product and keeps a name that is sent (rows are
# renamed in deals): that reading is the one tested.

#: the set pages' example request, rows as sent (the first refers to a catalog product, made first)
SET_EXAMPLE_ROWS = [
    {
        "PRODUCT_ID": 456,
        "PRICE": 1000,
        "QUANTITY": 10,
        "DISCOUNT_TYPE_ID": 1,
        "DISCOUNT_SUM": 100,
        "TAX_RATE": 13,
        "MEASURE_CODE": 796,
        "MEASURE_NAME": "pcs",
        "SORT": 10,
    },
    {
        "PRODUCT_NAME": "Product #2",
        "PRICE": 500,
        "QUANTITY": 5,
        "DISCOUNT_TYPE_ID": 2,
        "DISCOUNT_RATE": 10,
        "TAX_RATE": 10,
        "MEASURE_CODE": 166,
        "MEASURE_NAME": "kg",
        "SORT": 20,
    },
]

#: productrows.* "Error Handling": example ``{"error": "", "error_description": "The parameter id is invalid
#: or not defined."}`` HTTP 400 (get pages); the tables list "Not found" for an unknown owner.
ROWS_BAD_ID = DocError("", "The parameter id is invalid or not defined.", 400)
ROWS_NOT_FOUND = DocError("", "Not found", 400)
#: crm-lead-productrows-set.md table: "The parameter rows must be array" (the pages' sentences end with a
#: period in examples and lose it in tables: the example form is kept)
ROWS_NOT_ARRAY = DocError("", "The parameter rows must be array.", 400)
# set pages' example error (ERROR_CORE, HTTP 400, the text ends with "<br>"); the other two discount
# refusals are given only in the tables, in the same form
DISCOUNT_RATE_REQUIRED = DocError(
    "ERROR_CORE",
    "Discount Rate (DISCOUNT_RATE) is required if Percentage Discount Type (DISCOUNT_TYPE_ID) is defined<br>",
    400,
)
DISCOUNT_SUM_REQUIRED_100 = DocError(
    "ERROR_CORE",
    "Discount Sum (DISCOUNT_SUM) is required if Percentage Discount Type (DISCOUNT_TYPE_ID) is defined "
    "and Discount Rate (DISCOUNT_RATE) is 100%<br>",
    400,
)
DISCOUNT_SUM_REQUIRED = DocError(
    "ERROR_CORE",
    "Discount Sum (DISCOUNT_SUM) is required if Monetary Discount Type (DISCOUNT_TYPE_ID) is defined<br>",
    400,
)
#: set pages' field table defaults: QUANTITY 1, DISCOUNT_TYPE_ID 2, DISCOUNT_RATE/SUM 0, TAX_INCLUDED N,
#: SORT 0, MEASURE_CODE 0 and MEASURE_NAME "" without a product, PRODUCT_NAME "[{row id}]" without both
ROW_DEFAULTS = {
    "PRODUCT_ID": 0,
    "PRICE": 0,
    "QUANTITY": 1,
    "DISCOUNT_TYPE_ID": 2,
    "DISCOUNT_RATE": 0,
    "DISCOUNT_SUM": 0,
    "TAX_INCLUDED": "N",
    "SORT": 0,
    "MEASURE_CODE": 0,
    "MEASURE_NAME": "",
}

# ---------------------------------------------------------------------------------------- legacy products
# api-reference/crm/outdated/products/crm-product-fields.md "Returned Data": the 20 product fields (NAME
# marked required). The product pages show no example responses; values follow the legacy crm.* rule
# (numbers as strings of digits, money a decimal string, links null when empty).
PRODUCT_FIELD_TYPES = {
    "ACTIVE": "char",
    "CATALOG_ID": "integer",
    "CREATED_BY": "integer",
    "CURRENCY_ID": "string",
    "DATE_CREATE": "datetime",
    "DESCRIPTION": "string",
    "DESCRIPTION_TYPE": "string",
    "DETAIL_PICTURE": "product_file",
    "ID": "integer",
    "MEASURE": "integer",
    "MODIFIED_BY": "integer",
    "NAME": "string",
    "PREVIEW_PICTURE": "product_file",
    "PRICE": "double",
    "SECTION_ID": "integer",
    "SORT": "integer",
    "TIMESTAMP_X": "datetime",
    "VAT_ID": "integer",
    "VAT_INCLUDED": "char",
    "XML_ID": "string",
}
PRODUCT_REQUIRED = frozenset({"NAME"})

PRODUCT = Obj(
    {
        "ACTIVE": YN,
        "CATALOG_ID": INTSTR,
        "CREATED_BY": INTSTR,
        "CURRENCY_ID": STR,
        "DATE_CREATE": DATETIME,
        "DESCRIPTION": Opt(STR),
        "DESCRIPTION_TYPE": STR,
        "DETAIL_PICTURE": Opt(OneOf(INTSTR, Obj({}, exact=False))),
        "ID": INTSTR,
        "MEASURE": Opt(INTSTR),
        "MODIFIED_BY": INTSTR,
        "NAME": STR,
        "PREVIEW_PICTURE": Opt(OneOf(INTSTR, Obj({}, exact=False))),
        "PRICE": DECSTR,
        "SECTION_ID": Opt(INTSTR),
        "SORT": INTSTR,
        "TIMESTAMP_X": DATETIME,
        "VAT_ID": Opt(INTSTR),
        "VAT_INCLUDED": YN,
        "XML_ID": Opt(STR),
    }
)

#: a field description of crm.*.fields (crm-deal-contact-fields.md example shows the full key set)
FIELD_DESCRIPTION = Obj(
    {
        "type": STR,
        "isRequired": OneOf(True, False),
        "isReadOnly": OneOf(True, False),
        "isImmutable": OneOf(True, False),
        "isMultiple": OneOf(True, False),
        "isDynamic": OneOf(True, False),
        "title": STR,
    },
    exact=False,
)

# ---------------------------------------------------------------------------------------- contact bindings
# crm-deal-contact-items-get.md and crm-lead-contact-items-get.md example responses: ints and a Y/N flag
CONTACT_BINDING = Obj({"CONTACT_ID": INT, "SORT": INT, "ROLE_ID": INT, "IS_PRIMARY": YN})

# crm-deal-contact-fields.md / crm-lead-contact-fields.md example responses (identical)
CONTACT_BINDING_FIELDS = {
    "SORT": {"type": "integer", "isRequired": False, "title": "Sorting"},
    "IS_PRIMARY": {"type": "char", "isRequired": False, "title": "Primary"},
    "CONTACT_ID": {"type": "integer", "isRequired": True, "title": "Contact"},
}

# Deal binding errors (empty code, HTTP 400). The pages disagree on the id message: crm.deal.contact.add and
# .delete quote the name ('ownerEntityID'), the items.* pages do not; and items.delete's "Not found" has no
# period while the others have one. Each method answers as its own page says.
DEAL_BAD_OWNER_QUOTED = DocError("", "The parameter 'ownerEntityID' is invalid or not defined.", 400)
DEAL_BAD_OWNER = DocError("", "The parameter ownerEntityID is invalid or not defined.", 400)
DEAL_NOT_FOUND = DocError("", "Not found.", 400)  # add, delete, items.get, items.set
DEAL_NOT_FOUND_ITEMS_DELETE = DocError("", "Not found", 400)  # crm-deal-contact-items-delete.md
ADD_FIELDS_NOT_OBJECT = DocError("", "The parameter 'fields' must be array.", 400)  # crm-deal-contact-add.md
DELETE_FIELDS_NOT_OBJECT = DocError(
    "", "The parameter 'item' must be array.", 400
)  # crm-deal-contact-delete.md
FIELDS_NOT_VALID = DocError("", "The parameter 'fields' is not valid.", 400)  # add and delete pages
ITEMS_NOT_ARRAY = DocError("", "The parameter items must be array.", 400)  # crm-deal-contact-items-set.md

# Lead binding pages: the example error is {"error": "NOT_FOUND", "error_description": "Not found."} HTTP 400
# (the deal pages send an empty code for the same case; each method follows its own page). Missing
# required fields: an empty code, wording not given (the deal wording is used).
LEAD_NOT_FOUND = DocError("NOT_FOUND", "Not found.", 400)
LEAD_REQUIRED_MISSING = DocError("", None, 400)

# -------------------------------------------------------------------------------------------- duplicates
# api-reference/crm/duplicates/crm-duplicate-find-by-comm.md: {"CONTACT": [275, 2297]}, int ids, a key per
# type that has hits (LEAD / CONTACT / COMPANY as documented in "Returned Data")
DUPLICATES = Obj(
    {"LEAD": ListOf(INT, 1), "CONTACT": ListOf(INT, 1), "COMPANY": ListOf(INT, 1)},
    optional=frozenset({"LEAD", "CONTACT", "COMPANY"}),
)
# The example error is {"error": "Communication type is not defined", "error_description": "Parameter 'type'
# is required."} HTTP 400: the table's "Description" column is the `error` field. The other rows give only
# that text, so only the code is checked for them.
DUP_NO_TYPE = DocError("Communication type is not defined", "Parameter 'type' is required.", 400)
DUP_NO_VALUES = DocError("Communication values is not defined", None, 400)


def dup_bad_type(kind: str) -> DocError:
    """The refusal of an unsupported communication type (table row of the page)."""
    return DocError(f"Communication type '{kind}' is not supported in current context", None, 400)


# ----------------------------------------------------------------------------------------- stage history
# api-reference/crm/crm-stage-history-list.md: result {"items": [...]}, "total" beside result; ints for ids.
# The common fields plus STATUS_* for leads (1) and CATEGORY_ID/STAGE_* for deals (2).
# The page's example request selects ID, STAGE_ID and CREATED_TIME but its example answer shows every field;
# a portal honours select (as every list does), so the select test expects the selected keys only.
_HISTORY_COMMON = {"ID": INT, "TYPE_ID": OneOf(1, 2, 3, 5), "OWNER_ID": INT, "CREATED_TIME": DATETIME}
LEAD_HISTORY = Obj({**_HISTORY_COMMON, "STATUS_SEMANTIC_ID": OneOf("P", "S", "F"), "STATUS_ID": STR})
DEAL_HISTORY = Obj(
    {**_HISTORY_COMMON, "CATEGORY_ID": INT, "STAGE_SEMANTIC_ID": OneOf("P", "S", "F"), "STAGE_ID": STR}
)
# The table: ENTITY_TYPE_NOT_SUPPORTED "Entity type `TYPE` is not supported" (HTTP 400); the example error
# ({"error": 0, "error_description": "SHIPMENT_DOCUMENT entity is not supported"}) contradicts it: the table's
# code is chosen (it is the portal's ErrorCode of the crm service layer).


def history_not_supported(type_name: str) -> DocError:
    """The refusal of an entityTypeId without stage history."""
    return DocError("ENTITY_TYPE_NOT_SUPPORTED", f"Entity type {type_name} is not supported", 400)


def history_bad_filter(field: str) -> DocError:
    """A filter field that is not allowed."""
    return DocError("INVALID_ARG_VALUE", f"Invalid filter: field '{field}' is not allowed in filter", 400)


def history_bad_order(field: str) -> DocError:
    """An order field that is not allowed."""
    return DocError("INVALID_ARG_VALUE", f"Invalid order: field '{field}' is not allowed in order", 400)


def history_bad_direction(field: str, direction: str) -> DocError:
    """An order direction other than ASC/DESC."""
    return DocError(
        "INVALID_ARG_VALUE",
        f"Invalid order: allowed sort directions are ASC, DESC. But got '{direction}' for field '{field}'",
        400,
    )
