"""User fields of CRM entities: facts of the ``crm.<entity>.userfield.*`` pages and ``crm.userfield.*``.

Pages: ``crm/deals/user-defined-fields/``, ``crm/leads/userfield/``, ``crm/contacts/userfield/``,
``crm/companies/userfields/``, ``crm/quote/user-field/``, ``crm/requisites/user-fields/`` and
``crm/universal/user-defined-fields/``.

Where pages disagree (and what we expect):

- Not found: the tables give code ``ERROR_NOT_FOUND`` "The entity with ID 'id' is not found" (requisite get
  example: with a trailing dot) and no status ("40x"); a real portal throws it with ``STATUS_NOT_FOUND``, so
  404 is expected. The requisite delete/update pages show an empty code for the same text: the get
  example's ``ERROR_NOT_FOUND`` (shared by every entity page) wins.
- A field of another entity: the tables say "403 Access denied", the examples answer
  ``{"error": "", "error_description": "Access denied."}`` with HTTP 400. The example (a real answer) wins.
- Labels: ``get`` answers lang maps (lead/contact/requisite get examples), ``list`` with ``filter[LANG]``
  plain strings and ``null`` for an unset message (lead/requisite list examples).
"""

from __future__ import annotations

from ..shapes import DICT, INTSTR, LIST, STR, YN, DocError, ListOf, MethodDoc, Obj, OneOf, Opt

_PAGES = {
    "lead": ("api-reference/crm/leads/userfield/", "crm-lead-userfield-{op}.md"),
    "deal": ("api-reference/crm/deals/user-defined-fields/", "crm-deal-userfield-{op}.md"),
    "contact": ("api-reference/crm/contacts/userfield/", "crm-contact-userfield-{op}.md"),
    "company": ("api-reference/crm/companies/userfields/", "crm-company-userfield-{op}.md"),
    "quote": ("api-reference/crm/quote/user-field/", "crm-quote-user-field-{op}.md"),
    "requisite": ("api-reference/crm/requisites/user-fields/", "crm-requisite-userfield-{op}.md"),
}
OPS = ("add", "get", "list", "update", "delete")
ENTITY_IDS = {
    "lead": "CRM_LEAD",
    "deal": "CRM_DEAL",
    "contact": "CRM_CONTACT",
    "company": "CRM_COMPANY",
    "quote": "CRM_QUOTE",
    "requisite": "CRM_REQUISITE",
}
_UNIVERSAL = "api-reference/crm/universal/user-defined-fields/"

METHODS = {
    f"crm.{entity}.userfield.{op}": MethodDoc(
        folder + name.format(op=op), "access rights (403 for non-admins)"
    )
    for entity, (folder, name) in _PAGES.items()
    for op in OPS
}
METHODS |= {
    "crm.userfield.types": MethodDoc(_UNIVERSAL + "crm-userfield-types.md", "application-registered types"),
    "crm.userfield.fields": MethodDoc(_UNIVERSAL + "crm-userfield-fields.md"),
    "crm.userfield.settings.fields": MethodDoc(
        _UNIVERSAL + "crm-userfield-settings-fields.md",
        "only double is documented; other types' keys guessed",
    ),
    "crm.userfield.enumeration.fields": MethodDoc(_UNIVERSAL + "crm-userfield-enumeration-fields.md"),
}

LABELS = ("EDIT_FORM_LABEL", "LIST_COLUMN_LABEL", "LIST_FILTER_LABEL", "ERROR_MESSAGE", "HELP_MESSAGE")
_BASE = {
    "ID": INTSTR,
    "ENTITY_ID": STR,
    "FIELD_NAME": STR,
    "USER_TYPE_ID": STR,
    "XML_ID": Opt(STR),
    "SORT": INTSTR,
    "MULTIPLE": YN,
    "MANDATORY": YN,
    "SHOW_FILTER": OneOf("N", "I", "E", "S"),
    "SHOW_IN_LIST": YN,
    "EDIT_IN_LIST": YN,
    "IS_SEARCHABLE": YN,
    # object of type settings; a type without settings answers a PHP empty array (contact list: employee)
    "SETTINGS": OneOf(DICT, []),
}
#: an enumeration item (contact update page, lead list example): all strings
ENUM_ITEM = Obj({"ID": INTSTR, "SORT": INTSTR, "VALUE": STR, "DEF": YN, "XML_ID": STR})
#: crm.*.userfield.get: labels are lang maps; LIST only for enumeration fields
USERFIELD_GET = Obj(
    {**_BASE, **dict.fromkeys(LABELS, DICT), "LIST": ListOf(ENUM_ITEM)}, optional=frozenset({"LIST"})
)
#: crm.*.userfield.list with filter[LANG]: labels are strings of that language (null when unset)
USERFIELD_LISTED = Obj(
    {**_BASE, **dict.fromkeys(LABELS, Opt(STR)), "LIST": LIST}, optional=frozenset({"LIST"})
)

#: crm-userfield-types.md example: every documented type id
TYPE_IDS = (
    "string integer double boolean enumeration datetime date money url address file employee crm_status "
    "iblock_section iblock_element crm"
).split()
TYPE = Obj({"ID": STR, "title": STR})
#: requisites accept only these (crm/requisites/user-fields/index.md)
REQUISITE_TYPES = ("string", "boolean", "double", "datetime")

#: crm-userfield-fields.md example: key -> (type, extra flags present as true)
USERFIELD_FIELD_TYPES = {
    "ID": ("int", "isReadOnly"),
    "ENTITY_ID": ("string", "isImmutable"),
    "FIELD_NAME": ("string", "isImmutable"),
    "USER_TYPE_ID": ("string", "isImmutable"),
    "XML_ID": ("string", ""),
    "SORT": ("int", ""),
    "MULTIPLE": ("char", ""),
    "MANDATORY": ("char", ""),
    "SHOW_FILTER": ("char", ""),
    "SHOW_IN_LIST": ("char", ""),
    "EDIT_IN_LIST": ("char", ""),
    "IS_SEARCHABLE": ("char", ""),
    "EDIT_FORM_LABEL": ("string", ""),
    "LIST_COLUMN_LABEL": ("string", ""),
    "LIST_FILTER_LABEL": ("string", ""),
    "ERROR_MESSAGE": ("string", ""),
    "HELP_MESSAGE": ("string", ""),
    "LIST": ("uf_enum_element", "isMultiple"),
    "SETTINGS": ("object", ""),
}
#: crm-userfield-enumeration-fields.md example
ENUMERATION_FIELD_TYPES = {
    "ID": ("int", "isReadOnly"),
    "SORT": ("int", ""),
    "VALUE": ("string", ""),
    "DEF": ("string", ""),
    "DEL": ("string", ""),
}
#: crm-userfield-settings-fields.md example for type=double
DOUBLE_SETTINGS_TYPES = {"DEFAULT_VALUE": "double", "PRECISION": "int"}

ERRORS = {
    # crm-*-userfield-get.md example (HTTP 400, empty code)
    "id": DocError("", "ID is not defined or invalid.", 400),
    # tables: ERROR_NOT_FOUND; status: see the module docstring
    "not_found": DocError("ERROR_NOT_FOUND", "The entity with ID '{id}' is not found.", 404),
    "foreign": DocError("", "Access denied.", 400),
    # crm-*-userfield-add.md
    "no_type": DocError("", "The 'USER_TYPE_ID' field is not found.", 400),
    "no_name": DocError("", "The 'FIELD_NAME' field is not found.", 400),
    "bad_type": DocError("ERROR_CORE", "Invalid custom type specified.", 400),
    "long_name": DocError("ERROR_CORE", "Field name is too long (more than 50 characters).", 400),
    "bad_name": DocError(
        "ERROR_CORE", "Field name contains invalid characters. Allowed characters are: A-Z, 0-9 and _.", 400
    ),
    # crm-deal-userfield-add.md / crm-company-userfield-add.md tables ("XML_ID=xml_id")
    "enum_xml_id": DocError("ERROR_CORE", "List item with XML_ID={xml_id} already exists.", 400),
    # crm-requisite-userfield-add.md example
    "exists": DocError("ERROR_CORE", "The field {name} for the {entity} object already exists.", 400),
    # crm-*-userfield-list.md / -update.md
    "filter": DocError("", "Parameter 'filter' must be array.", 400),
    "order": DocError("", "Parameter 'order' must be array.", 400),
    "fields": DocError("", "Parameter 'fields' must be array.", 400),
    # crm-userfield-settings-fields.md
    "no_settings_type": DocError("", "Parameter 'type' is not specified or empty.", 400),
}
