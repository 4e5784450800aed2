"""Leads of the demo portal: 300 requests from several sources, at every status, some converted.

Internal to the demo builder. Conversion follows the integrator recipe of reference section 8: contact (and
company) through ``crm.item.add`` with ``leadId``, a deal through ``crm.item.add`` with ``leadId``, then
``crm.lead.update`` links the lead to its client and closes it as ``CONVERTED``.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from .demo_activities import Counterpart, log_call, log_email, plan_todo, write_comment
from .demo_deals import DealBook
from .demo_people import (
    DESTINATIONS,
    FOREIGN_PRODUCTS,
    RETAIL_PRODUCTS,
    Person,
    Product,
    person,
    person_email,
    phone,
    translit,
)
from .demo_story import DEMO_NOW, STORY_START, Client, Story

__all__ = ["LEAD_COUNT", "LEAD_SOURCES", "LEAD_STATUSES", "schedule_leads"]

LEAD_COUNT = 300
LEAD_SOURCES = ("WEB", "CALL", "EMAIL", "ADVERTISING", "PARTNER", "RECOMMENDATION", "CALLBACK")
_SOURCE_WEIGHTS = (30, 20, 10, 14, 8, 12, 6)
LEAD_STATUSES = ("NEW", "IN_PROCESS", "PROCESSED", "JUNK", "CONVERTED")
_STATUS_WEIGHTS = (8, 12, 8, 40, 32)
#: how old (in days) a lead still sitting at an open status is
_OPEN_AGE = {"NEW": (0.05, 6.0), "IN_PROCESS": (1.0, 25.0), "PROCESSED": (2.0, 40.0)}
_TITLES = {
    "WEB": "Заявка с сайта",
    "CALL": "Входящий звонок",
    "EMAIL": "Письмо на почту",
    "ADVERTISING": "Заявка по рекламе",
    "PARTNER": "Заявка от партнёра",
    "RECOMMENDATION": "По рекомендации",
    "CALLBACK": "Обратный звонок",
}
_NEW_COMPANIES = (
    "ООО «Ромашка-Сервис»",
    "ООО «Прайм Девелопмент»",
    "АО «Сибирские сети»",
    "ООО «Кофейня Зерно»",
    "ООО «Альфа-Строй»",
    "ООО «Научные приборы»",
    "ООО «Книжный мир»",
    "ООО «ТрансЛайн»",
)
_JUNK_REASONS = ("Не дозвонились, номер неверный", "Спам", "Дубль заявки", "Поездка неактуальна")
_COMMENTS = (
    "Хотят вылет в июле, 2 взрослых и ребёнок 7 лет",
    "Интересует отель первой линии, питание всё включено",
    "Бюджет ограничен, просили варианты подешевле",
    "Нужен трансфер из аэропорта",
    "",
)


@dataclass
class _Lead:
    who: Person
    source: str
    status: str
    phone: str | None
    email: str | None
    company: str | None
    product: Product | None
    travellers: int
    user: int
    lead_id: int = 0

    @property
    def owner(self) -> tuple[int, int]:
        return (1, self.lead_id)


def _weighted(story: Story, index: int, values: tuple[str, ...], weights: tuple[int, ...]) -> str:
    return values[index] if index < len(values) else story.rng.choices(values, weights)[0]


def schedule_leads(story: Story, deals: DealBook) -> None:
    """Plan :data:`LEAD_COUNT` leads; the first ones cover every status and every source."""
    rng = story.rng
    for index in range(LEAD_COUNT):
        status = _weighted(story, index, LEAD_STATUSES, _STATUS_WEIGHTS)
        source = _weighted(story, index, LEAD_SOURCES, _SOURCE_WEIGHTS)
        who = person(rng)
        corporate = rng.random() < 0.1
        has_phone = source in ("CALL", "CALLBACK") or rng.random() < 0.85
        lead = _Lead(
            who=who,
            source=source,
            status=status,
            phone=phone(rng) if has_phone else None,
            email=person_email(rng, who) if not has_phone or rng.random() < 0.6 else None,
            company=rng.choice(_NEW_COMPANIES) if corporate else None,
            product=None
            if corporate
            else rng.choice(RETAIL_PRODUCTS if rng.random() < 0.85 else FOREIGN_PRODUCTS),
            travellers=rng.randint(1, 4),
            user=story.corporate_manager if corporate else story.manager(),
        )
        if status in _OPEN_AGE:
            low, high = _OPEN_AGE[status]
            created = story.random_day(DEMO_NOW - dt.timedelta(days=high), DEMO_NOW - dt.timedelta(days=low))
        else:
            created = story.random_day(STORY_START + dt.timedelta(hours=2), DEMO_NOW - dt.timedelta(days=3))
        story.at(created, functools.partial(_create, story, deals, lead))


def _path(story: Story, status: str) -> list[tuple[str, float]]:
    """The statuses a lead goes through after ``NEW``, each with the days it waits before."""
    rng = story.rng
    quick = rng.uniform(0.02, 1.0)
    if status == "NEW":
        return []
    if status == "IN_PROCESS":
        return [("IN_PROCESS", quick)]
    if status == "PROCESSED":
        return [("IN_PROCESS", quick), ("PROCESSED", rng.uniform(1, 6))]
    if status == "JUNK":
        head = [("IN_PROCESS", quick)] if rng.random() < 0.6 else []
        return [*head, ("JUNK", rng.uniform(0.5, 5))]
    middle = [("PROCESSED", rng.uniform(1, 6))] if rng.random() < 0.5 else []
    return [("IN_PROCESS", quick), *middle, ("CONVERTED", rng.uniform(1, 5))]


def _fields(story: Story, lead: _Lead) -> dict[str, Any]:
    rng = story.rng
    what = lead.product.name if lead.product else f"корпоративная поездка, {rng.choice(DESTINATIONS)}"
    budget = rng.randint(150, 900) * 1000 if lead.product is None else lead.product.price * lead.travellers
    fields: dict[str, Any] = {
        "TITLE": f"{_TITLES[lead.source]}: {what}",
        "NAME": lead.who.name,
        "SECOND_NAME": lead.who.second_name,
        "LAST_NAME": lead.who.last_name,
        "SOURCE_ID": lead.source,
        "ASSIGNED_BY_ID": lead.user,
        "OPPORTUNITY": budget,
        "CURRENCY_ID": lead.product.currency if lead.product else "RUB",
        "COMMENTS": rng.choice(_COMMENTS),
    }
    if lead.phone:
        fields["PHONE"] = [{"VALUE": lead.phone, "VALUE_TYPE": "MOBILE"}]
    if lead.email:
        fields["EMAIL"] = [{"VALUE": lead.email, "VALUE_TYPE": "HOME"}]
    if lead.company:
        fields["COMPANY_TITLE"] = lead.company
    if lead.source in ("WEB", "ADVERTISING"):
        slug = "_".join(translit(word) for word in what.split(",")[0].split())
        fields.update(
            UTM_SOURCE=rng.choice(("yandex", "google", "vk")),
            UTM_MEDIUM="cpc" if lead.source == "ADVERTISING" else rng.choice(("organic", "cpc", "email")),
            UTM_CAMPAIGN=f"{slug}_2026",
            UTM_CONTENT=rng.choice(("banner_a", "banner_b", "text_ad")),
            UTM_TERM=what.split(",")[0].lower(),
        )
    return fields


def _create(story: Story, deals: DealBook, lead: _Lead) -> None:
    lead.lead_id = int(story.call("crm.lead.add", {"fields": _fields(story, lead)}, user_id=lead.user))
    steps = _path(story, lead.status)
    times = story.path(story.now, [gap for _, gap in steps])
    who = Counterpart(1, lead.lead_id, lead.phone, lead.email)
    if lead.phone:
        incoming = lead.source in ("CALL", "CALLBACK")
        log_call(story, lead.owner, who, "Первичная консультация", lead.user, incoming=incoming)
    else:
        log_email(story, lead.owner, who, "Ответ на заявку: варианты туров", lead.user)
    for (status, _), when in zip(steps, times[1:], strict=True):
        story.at(when, functools.partial(_move, story, deals, lead, status))
    if lead.status in _OPEN_AGE:
        last = times[-1]
        deadline = story.deadline(DEMO_NOW + dt.timedelta(days=story.rng.uniform(-1.0, 5.0)), not_before=last)
        story.at(last, functools.partial(_call_back, story, lead, deadline))


def _call_back(story: Story, lead: _Lead, deadline: dt.datetime) -> None:
    plan_todo(story, lead.owner, "Перезвонить клиенту", deadline, lead.user)


def _move(story: Story, deals: DealBook, lead: _Lead, status: str) -> None:
    if status == "CONVERTED":
        _convert(story, deals, lead)
        return
    fields: dict[str, Any] = {"STATUS_ID": status}
    if status == "JUNK":
        reason = story.rng.choice(_JUNK_REASONS)
        fields["STATUS_DESCRIPTION"] = reason
        if story.rng.random() < 0.2:
            write_comment(story, lead.owner, f"Лид закрыт: {reason.lower()}.", lead.user)
    story.call("crm.lead.update", {"id": lead.lead_id, "fields": fields}, user_id=lead.user)


def _convert(story: Story, deals: DealBook, lead: _Lead) -> None:
    """Contact (+ company) and a deal created from the lead, then the lead closed as CONVERTED."""
    rng, user = story.rng, lead.user
    company_id: int | None = None
    if lead.company:
        company = {"title": lead.company, "typeId": "CUSTOMER", "leadId": lead.lead_id, "assignedById": user}
        if lead.phone:
            company["fm"] = [{"typeId": "PHONE", "valueType": "WORK", "value": lead.phone}]
        item = story.call("crm.item.add", {"entityTypeId": 4, "fields": company}, user_id=user)
        company_id = int(item["item"]["id"])
    if company_id is None and story.people and rng.random() < 0.15:
        client = rng.choice(story.people)  # a returning customer: the existing contact is reused
    else:
        fm = [{"typeId": "PHONE", "valueType": "MOBILE", "value": lead.phone}] if lead.phone else []
        if lead.email:
            fm.append({"typeId": "EMAIL", "valueType": "HOME", "value": lead.email})
        contact: dict[str, Any] = {
            "name": lead.who.name,
            "secondName": lead.who.second_name,
            "lastName": lead.who.last_name,
            "typeId": "CLIENT",
            "sourceId": lead.source,
            "assignedById": user,
            "leadId": lead.lead_id,
            "fm": fm,
        }
        if company_id:
            contact["companyId"] = company_id
        item = story.call("crm.item.add", {"entityTypeId": 3, "fields": contact}, user_id=user)
        title = lead.company or f"{lead.who.last_name} {lead.who.name}"
        client = Client(title, int(item["item"]["id"]), company_id, lead.phone, lead.email)
    mover = company_id is not None and deals.take_mover()
    plan = deals.plan(
        client,
        source=lead.source,
        user=user,
        product=lead.product,
        travellers=lead.travellers,
        lead_id=lead.lead_id,
        move_to_corporate=mover,
    )
    deals.start(plan)
    links: dict[str, Any] = {"CONTACT_ID": client.contact_id, "STATUS_ID": "CONVERTED"}
    if company_id:
        links["COMPANY_ID"] = company_id
    story.call("crm.lead.update", {"id": lead.lead_id, "fields": links}, user_id=user)
    if rng.random() < 0.2:
        write_comment(story, lead.owner, f"Лид сконвертирован: создана сделка №{plan.deal_id}.", user)
