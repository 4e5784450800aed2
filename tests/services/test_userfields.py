"""``b24.crm.{lead,contact,company,deal}.userfield``: definitions, labels, enumerations, early errors."""

from __future__ import annotations

from typing import Any

import pytest

from bitrix24_toolkit import errors
from bitrix24_toolkit.models.userfield import UserField
from bitrix24_toolkit.services.userfields import check_field_name
from bitrix24_toolkit.testing.emulator import Emulator


def test_reference_get_shape_parses() -> None:
    field = UserField.from_api(
        {
            "ID": "6997",
            "ENTITY_ID": "CRM_COMPANY",
            "FIELD_NAME": "UF_CRM_HOLDING_PARENT",
            "USER_TYPE_ID": "crm",
            "XML_ID": "holding_parent",
            "SORT": "100",
            "MULTIPLE": "N",
            "MANDATORY": "N",
            "SHOW_FILTER": "I",
            "SHOW_IN_LIST": "N",
            "EDIT_IN_LIST": "Y",
            "IS_SEARCHABLE": "N",
            "SETTINGS": {"LEAD": "N", "CONTACT": "N", "COMPANY": "Y", "DEAL": "N"},
            "EDIT_FORM_LABEL": {"ru": "Головная компания", "en": "Parent company", "de": ""},
        }
    )
    assert (field.id, field.sort, field.multiple, field.edit_in_list) == (6997, 100, False, True)
    assert field.show_filter == "I"
    assert field.settings == {"LEAD": "N", "CONTACT": "N", "COMPANY": "Y", "DEAL": "N"}
    assert (field.text("ru"), field.text("en"), field.text("de")) == (
        "Головная компания",
        "Parent company",
        None,
    )
    assert UserField.from_api({"SETTINGS": []}).settings == {}  # PHP's empty array


@pytest.mark.parametrize(
    ("given", "stored"),
    [("holding", "UF_CRM_HOLDING"), ("UF_HOLDING", "UF_CRM_HOLDING"), ("uf_crm_x_1", "UF_CRM_X_1")],
)
def test_field_names_are_normalised_like_the_portal(given: str, stored: str) -> None:
    assert check_field_name(given) == stored


@pytest.mark.parametrize("bad", ["", "поле", "has space", "A" * 44, "UF_CRM_", None])
def test_obviously_bad_field_names_are_refused(bad: Any) -> None:
    with pytest.raises(errors.InvalidInputError, match="FIELD_NAME"):
        check_field_name(bad)


async def test_add_get_list_update_delete(client: Any) -> None:
    field_id = await client.crm.company.userfield.add(
        UserField(
            field_name="holding_parent",
            user_type_id="crm",
            xml_id="holding_parent",
            label="Головная компания",
            edit_form_label={"ru": "Головная компания", "en": "Parent company"},
            settings={"COMPANY": "Y"},
            show_filter="Y",
        )
    )
    field = await client.crm.company.userfield.get(field_id)
    assert (field.field_name, field.entity_id, field.user_type_id) == (
        "UF_CRM_HOLDING_PARENT",
        "CRM_COMPANY",
        "crm",
    )
    assert isinstance(field.edit_form_label, dict)
    assert field.text("en") == "Parent company"
    assert field.list_column_label == {**dict.fromkeys(field.list_column_label or {}, "Головная компания")}
    assert field.settings is not None
    assert field.settings["COMPANY"] == "Y"
    listed = await client.crm.company.userfield.list(
        filter={"field_name": "UF_CRM_HOLDING_PARENT"}, lang="en"
    )
    assert [(f.id, f.edit_form_label) for f in listed] == [(field_id, "Parent company")]
    assert await client.crm.company.userfield.update(
        field_id, {"EDIT_FORM_LABEL": {"en": "Holding"}, "SORT": 10}
    )
    changed = await client.crm.company.userfield.get(field_id)
    assert (changed.text("en"), changed.text("ru"), changed.sort) == ("Holding", "Головная компания", 10)
    assert await client.crm.deal.userfield.list() == []  # other entities untouched
    assert await client.crm.company.userfield.delete(field_id)
    assert await client.crm.company.userfield.list() == []


async def test_enumeration_items(client: Any) -> None:
    field_id = await client.crm.deal.userfield.add(
        {
            "FIELD_NAME": "SEGMENT",
            "USER_TYPE_ID": "enumeration",
            "LIST": [{"VALUE": "Опт", "SORT": 10, "DEF": "Y"}, {"VALUE": "Розница", "SORT": 20}],
        }
    )
    items = (await client.crm.deal.userfield.get(field_id)).enum_items or []
    assert [(i.value, i.sort, i.default) for i in items] == [("Опт", 10, True), ("Розница", 20, False)]
    await client.crm.deal.userfield.update(
        field_id, {"LIST": [{"ID": items[1].id, "DEL": "Y"}, {"VALUE": "VIP"}]}
    )
    again = (await client.crm.deal.userfield.get(field_id)).enum_items or []
    assert [i.value for i in again] == ["Опт", "VIP"]


async def test_a_new_field_is_writable_at_once(client: Any) -> None:
    await client.crm.lead.add({"TITLE": "warms the fields cache"})
    with pytest.raises(errors.InvalidInputError, match="UF_CRM_PROMO"):
        await client.crm.lead.add({"TITLE": "x", "UF_CRM_PROMO": "SPRING"})
    await client.crm.lead.userfield.add({"FIELD_NAME": "PROMO", "USER_TYPE_ID": "string"})
    lead_id = await client.crm.lead.add({"TITLE": "x", "UF_CRM_PROMO": "SPRING"})
    assert (await client.crm.lead.get(lead_id))["UF_CRM_PROMO"] == "SPRING"
    contact_field = await client.crm.contact.userfield.add({"FIELD_NAME": "VIP", "USER_TYPE_ID": "boolean"})
    assert [f.id for f in await client.crm.contact.userfield.list()] == [contact_field]


async def test_bad_arguments_fail_before_any_request(client: Any, emu: Emulator) -> None:
    emu.reset_stats()
    with pytest.raises(errors.InvalidInputError, match="FIELD_NAME"):
        await client.crm.deal.userfield.add({"FIELD_NAME": "сумма", "USER_TYPE_ID": "string"})
    with pytest.raises(errors.InvalidInputError, match="USER_TYPE_ID"):
        await client.crm.deal.userfield.add({"FIELD_NAME": "SUM"})
    with pytest.raises(errors.InvalidInputError, match="FIELD_NAME"):
        await client.crm.deal.userfield.update(3, {"FIELD_NAME": "OTHER"})
    with pytest.raises(errors.InvalidInputError, match="MULTIPLE"):
        await client.crm.deal.userfield.update(3, UserField(multiple=True))
    assert not emu.stats.calls


@pytest.mark.parametrize("count", [49, 50, 51, 130])
def test_list_reads_every_page(count: int) -> None:
    """The portal answers 50 fields a page (crm-deal-userfield-list.md): list() reads them all, each once,
    the pages after the first in one batch request."""
    emu = Emulator(limits="off")
    for number in range(count):
        status, payload = emu.call(
            "crm.deal.userfield.add", {"fields": {"FIELD_NAME": f"F{number:03d}", "USER_TYPE_ID": "string"}}
        )
        assert status == 200, payload
    emu.reset_stats()
    with emu.client() as b24:
        fields = b24.crm.deal.userfield.list(order={"id": "ASC"})
    assert [f.field_name for f in fields] == [f"UF_CRM_F{n:03d}" for n in range(count)]
    assert emu.stats.requests == (1 if count <= 50 else 2)
