"""The demo agency's own details, its client base and the hotel holding (internal to the demo builder).

All of it is "imported from the old CRM" when the portal goes live (``STORY_START``): companies and contacts
are created with ``params[IMPORT]=Y`` and their original ``DATE_CREATE``; requisites, bank details and
addresses are filled in through ``crm.requisite.*`` and ``crm.address.add``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import demo_identifiers as ids
from .demo_people import (
    CLIENT_COMPANIES,
    HOLDING,
    company_email,
    office_phone,
    person,
    person_email,
    phone,
)
from .demo_story import MSK, STORY_START, Client, DemoError, Story

__all__ = ["HOLDING_FIELD", "MY_COMPANY_TITLE", "import_clients", "setup_holding_field", "setup_my_company"]

MY_COMPANY_TITLE = "Солнечный ветер"
HOLDING_FIELD = "UF_CRM_HOLDING_PARENT"
#: the holding branch whose parent link is written in the prefixed form ``CO_<id>``
_PREFIXED_BRANCH = 4
_IMPORTED_CONTACTS = 48
#: the first companies have a contact person among the imported contacts
_WITH_CONTACT_PERSON = 20
_POSTS = ("Офис-менеджер", "HR-директор", "Генеральный директор", "Секретарь", "Менеджер по персоналу")
_FORMS = {
    "ООО": "ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ",
    "АО": "АКЦИОНЕРНОЕ ОБЩЕСТВО",
    "НКО": "НЕКОММЕРЧЕСКАЯ ОРГАНИЗАЦИЯ",
}
_CITY_ADDRESS = {
    "77": ("Москва", "г. Москва", "ул. Тверская, д. {n}", "1250{n:02d}"),
    "16": ("Казань", "Республика Татарстан", "ул. Баумана, д. {n}", "4200{n:02d}"),
    "23": ("Сочи", "Краснодарский край", "Курортный проспект, д. {n}", "3540{n:02d}"),
    "38": ("Иркутск", "Иркутская область", "ул. Карла Маркса, д. {n}", "6640{n:02d}"),
    "04": ("Горно-Алтайск", "Республика Алтай", "Коммунистический проспект, д. {n}", "6490{n:02d}"),
}


def _import_params(created: dt.datetime, user_id: int) -> dict[str, Any]:
    stamp = created.isoformat()
    return {"DATE_CREATE": stamp, "DATE_MODIFY": stamp, "CREATED_BY_ID": user_id, "MODIFY_BY_ID": user_id}


def _ru_company_preset(story: Story) -> int:
    for row in story.call("crm.requisite.preset.list", {}):
        if row["NAME"] == "Организация" and str(row["COUNTRY_ID"]) == "1":
            return int(row["ID"])
    raise DemoError("the RU preset «Организация» is missing")


def _add_requisite(
    story: Story, company_id: int, title: str, region: str, director: str, *, city_key: str | None = None
) -> int:
    """A valid RU company requisite with a legal address; returns its id."""
    rng = story.rng
    year = rng.randint(2004, 2019)
    inn = ids.company_inn(rng, region)
    short = title if title.split(" ", 1)[0] in _FORMS else f"ООО «{title}»"
    requisite_id = int(
        story.call(
            "crm.requisite.add",
            {
                "fields": {
                    "ENTITY_TYPE_ID": 4,
                    "ENTITY_ID": company_id,
                    "PRESET_ID": _ru_company_preset(story),
                    "NAME": "Реквизиты организации",
                    "RQ_COMPANY_NAME": short,
                    "RQ_COMPANY_FULL_NAME": _full_name(short),
                    "RQ_INN": inn,
                    "RQ_KPP": ids.kpp(inn),
                    "RQ_OGRN": ids.ogrn(rng, region, year),
                    "RQ_COMPANY_REG_DATE": f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{year}",
                    "RQ_DIRECTOR": director,
                }
            },
        )
    )
    city, region_name, street, postal = _CITY_ADDRESS.get(city_key or region, _CITY_ADDRESS["77"])
    number = rng.randint(1, 60)
    story.call(
        "crm.address.add",
        {
            "fields": {
                "TYPE_ID": 6,
                "ENTITY_TYPE_ID": 8,
                "ENTITY_ID": requisite_id,
                "ADDRESS_1": street.format(n=number),
                "CITY": city,
                "REGION": region_name,
                "POSTAL_CODE": postal.format(n=number % 100),
                "COUNTRY": "Россия",
                "COUNTRY_CODE": "RU",
            }
        },
    )
    return requisite_id


def _full_name(short: str) -> str:
    form, _, rest = short.partition(" ")
    return f"{_FORMS[form]} {rest.upper()}" if form in _FORMS else short.upper()


def setup_my_company(story: Story) -> None:
    """The agency itself: ``IS_MY_COMPANY=Y``, RU requisite, bank details, legal and actual addresses."""
    rng = story.rng
    created = dt.datetime(2022, 9, 1, 10, 0, tzinfo=MSK)
    story.my_company_id = int(
        story.call(
            "crm.company.add",
            {
                "fields": {
                    "TITLE": MY_COMPANY_TITLE,
                    "IS_MY_COMPANY": "Y",
                    "COMPANY_TYPE": "OTHER",
                    "INDUSTRY": "ENTERTAINMENT",
                    "EMPLOYEES": "EMPLOYEES_1",
                    "PHONE": [{"VALUE": "+74951234567", "VALUE_TYPE": "WORK"}],
                    "EMAIL": [{"VALUE": "info@solnechny-veter.example", "VALUE_TYPE": "WORK"}],
                    "WEB": [{"VALUE": "https://solnechny-veter.example", "VALUE_TYPE": "WORK"}],
                    "COMMENTS": "Туристическое агентство: туры по России и за рубеж, корпоративные поездки.",
                    **_import_params(created, 1),
                },
                "params": {"IMPORT": "Y"},
            },
        )
    )
    story.my_requisite_id = _add_requisite(
        story, story.my_company_id, "ООО «Солнечный ветер»", "77", "Соколова Ольга Викторовна"
    )
    story.call(
        "crm.requisite.update",
        {"id": story.my_requisite_id, "fields": {"RQ_ACCOUNTANT": "Лебедева Ирина Сергеевна"}},
    )
    bank_bik = ids.bik(rng)
    story.my_bank_detail_id = int(
        story.call(
            "crm.requisite.bankdetail.add",
            {
                "fields": {
                    "ENTITY_ID": story.my_requisite_id,
                    "NAME": "Расчётный счёт в рублях",
                    "RQ_BANK_NAME": "АО «Банк Ладья»",
                    "RQ_BANK_ADDR": "125009, г. Москва, ул. Большая Дмитровка, д. 7",
                    "RQ_BIK": bank_bik,
                    "RQ_ACC_NUM": ids.settlement_account(rng, bank_bik),
                    "RQ_COR_ACC_NUM": ids.correspondent_account(bank_bik),
                    "RQ_ACC_CURRENCY": "RUB",
                }
            },
        )
    )
    story.call(
        "crm.address.add",
        {
            "fields": {
                "TYPE_ID": 1,
                "ENTITY_TYPE_ID": 8,
                "ENTITY_ID": story.my_requisite_id,
                "ADDRESS_1": "ул. Покровка, д. 12, офис 5",
                "CITY": "Москва",
                "REGION": "г. Москва",
                "POSTAL_CODE": "101000",
                "COUNTRY": "Россия",
                "COUNTRY_CODE": "RU",
            }
        },
    )


def setup_holding_field(story: Story) -> None:
    """The company userfield ``UF_CRM_HOLDING_PARENT`` (type ``crm``, companies only; reference 7.2)."""
    label = {"ru": "Головная компания", "en": "Parent company"}
    story.call(
        "crm.company.userfield.add",
        {
            "fields": {
                "FIELD_NAME": "HOLDING_PARENT",
                "USER_TYPE_ID": "crm",
                "XML_ID": "holding_parent",
                "LABEL": label["ru"],
                "EDIT_FORM_LABEL": label,
                "LIST_COLUMN_LABEL": label,
                "LIST_FILTER_LABEL": label,
                "MULTIPLE": "N",
                "MANDATORY": "N",
                "SHOW_FILTER": "Y",
                "SETTINGS": {"LEAD": "N", "CONTACT": "N", "COMPANY": "Y", "DEAL": "N"},
            }
        },
    )


def _company(story: Story, title: str, slug: str, created: dt.datetime, extra: dict[str, Any]) -> Client:
    manager = story.corporate_manager
    fields = {
        "TITLE": title,
        "COMPANY_TYPE": "CUSTOMER",
        "ASSIGNED_BY_ID": manager,
        "PHONE": [{"VALUE": office_phone(story.rng), "VALUE_TYPE": "WORK"}],
        "EMAIL": [{"VALUE": company_email(slug), "VALUE_TYPE": "WORK"}],
        "SOURCE_ID": story.rng.choice(("PARTNER", "RECOMMENDATION", "TRADE_SHOW", "CALL")),
        **_import_params(created, manager),
        **extra,
    }
    company_id = int(story.call("crm.company.add", {"fields": fields, "params": {"IMPORT": "Y"}}))
    return Client(title, company_id=company_id, phone=fields["PHONE"][0]["VALUE"], email=company_email(slug))


def _import_dates(story: Story, count: int, start: dt.datetime) -> list[dt.datetime]:
    span = (STORY_START - dt.timedelta(days=7) - start).total_seconds()
    days = sorted(start + dt.timedelta(seconds=story.rng.uniform(0, span)) for _ in range(count))
    return [story.office_hours(day) for day in days]


def import_clients(story: Story) -> None:
    """Client companies (ten, then the hotel holding, then the rest), contacts, a few requisites."""
    rng = story.rng
    first, rest = CLIENT_COMPANIES[:10], CLIENT_COMPANIES[10:]
    dates = iter(
        _import_dates(story, len(CLIENT_COMPANIES) + len(HOLDING), dt.datetime(2023, 2, 1, tzinfo=MSK))
    )
    regions: dict[int, str] = {}
    for title, slug, industry, employees, region in first:
        client = _company(story, title, slug, next(dates), {"INDUSTRY": industry, "EMPLOYEES": employees})
        story.organisations.append(client)
        regions[client.company_id or 0] = region
    for index, (title, slug, region, _city, parent) in enumerate(HOLDING):
        extra: dict[str, Any] = {
            "INDUSTRY": "OTHER",
            "EMPLOYEES": "EMPLOYEES_2" if parent >= 0 else "EMPLOYEES_4",
        }
        if parent >= 0:
            parent_id = story.holding_ids[parent]
            # single-type crm field: the UI stores the plain id; one branch shows the prefixed form (7.3)
            extra[HOLDING_FIELD] = f"CO_{parent_id}" if index == _PREFIXED_BRANCH else str(parent_id)
        client = _company(story, title, slug, next(dates), extra)
        story.holding_ids.append(client.company_id or 0)
        story.organisations.append(client)
        regions[client.company_id or 0] = region
    for title, slug, industry, employees, region in rest:
        client = _company(story, title, slug, next(dates), {"INDUSTRY": industry, "EMPLOYEES": employees})
        story.organisations.append(client)
        regions[client.company_id or 0] = region
    _import_contacts(story)
    holding = [c for c in story.organisations if c.company_id in story.holding_ids]
    with_requisites = [*holding, *rng.sample(story.organisations[:10], 4)]
    for client in with_requisites:
        region = regions[client.company_id or 0]
        who = person(rng)
        director = f"{who.last_name} {who.name} {who.second_name}"
        client.requisite_id = _add_requisite(story, client.company_id or 0, client.title, region, director)


def _import_contacts(story: Story) -> None:
    rng = story.rng
    companies = list(story.organisations)
    dates = _import_dates(story, _IMPORTED_CONTACTS, dt.datetime(2023, 3, 1, tzinfo=MSK))
    for index, created in enumerate(dates):
        who = person(rng)
        mobile, email = phone(rng), person_email(rng, who)
        employer = companies[index // 2] if index % 2 == 0 and index // 2 < _WITH_CONTACT_PERSON else None
        manager = story.corporate_manager if employer else story.manager()
        fields: dict[str, Any] = {
            "NAME": who.name,
            "SECOND_NAME": who.second_name,
            "LAST_NAME": who.last_name,
            "HONORIFIC": "HNR_EN_2" if who.female else "HNR_EN_1",
            "TYPE_ID": "CLIENT",
            "SOURCE_ID": rng.choice(("CALL", "WEB", "RECOMMENDATION", "PARTNER")),
            "ASSIGNED_BY_ID": manager,
            "PHONE": [{"VALUE": mobile, "VALUE_TYPE": "MOBILE"}],
            "EMAIL": [{"VALUE": email, "VALUE_TYPE": "HOME" if employer is None else "WORK"}],
            **_import_params(created, manager),
        }
        if employer is not None:
            fields["COMPANY_ID"] = employer.company_id
            fields["POST"] = rng.choice(_POSTS)
        contact_id = int(story.call("crm.contact.add", {"fields": fields, "params": {"IMPORT": "Y"}}))
        if employer is not None and employer.contact_id is None:
            employer.contact_id = contact_id
        elif employer is None:
            title = f"{who.last_name} {who.name}"
            story.people.append(Client(title, contact_id=contact_id, phone=mobile, email=email))
