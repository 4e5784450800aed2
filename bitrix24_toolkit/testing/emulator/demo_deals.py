"""Deals of the demo portal: two funnels, every stage, product rows and six months of moves.

Internal to the demo builder. A deal is planned as a list of ``(category, stage)`` steps; it is created at
the first step (``crm.deal.add``, or ``crm.item.add`` with ``leadId`` when it comes from a lead) and moved
at the later ones (``crm.deal.update``; ``crm.item.update`` with ``categoryId`` when the funnel changes),
so the emulator writes its stage history itself. Deals with product rows keep
``IS_MANUAL_OPPORTUNITY=N`` and their amount follows the rows.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from dataclasses import dataclass, field
from typing import Any

from .demo_activities import Counterpart, complete, log_call, log_email, log_meeting, plan_todo, write_comment
from .demo_people import (
    CORPORATE_PRODUCTS,
    DESTINATIONS,
    FOREIGN_PRODUCTS,
    RETAIL_EXTRAS,
    RETAIL_PRODUCTS,
    Product,
)
from .demo_story import DEMO_NOW, STORY_START, Client, Story
from .methods._crm_schema import camel_of

__all__ = [
    "DIRECT_CORPORATE_DEALS",
    "DIRECT_RETAIL_DEALS",
    "PROCESS_STAGES",
    "STAGES",
    "DealBook",
    "DealPlan",
]

PROCESS_STAGES = ("NEW", "PREPARATION", "PREPAYMENT_INVOICE", "EXECUTING", "FINAL_INVOICE")
STAGES = (*PROCESS_STAGES, "WON", "LOSE", "APOLOGY")
_STAGE_WEIGHTS = (6, 9, 7, 7, 5, 38, 22, 6)
#: days spent before entering a stage
_GAPS = {
    "PREPARATION": (0.3, 4.0),
    "PREPAYMENT_INVOICE": (2.0, 10.0),
    "EXECUTING": (2.0, 12.0),
    "FINAL_INVOICE": (5.0, 25.0),
    "WON": (1.0, 10.0),
    "LOSE": (2.0, 20.0),
    "APOLOGY": (2.0, 20.0),
}
_TOUCH = {
    "NEW": "Первый звонок: пожелания по поездке",
    "PREPARATION": "Отправлена подборка вариантов",
    "PREPAYMENT_INVOICE": "Счёт на предоплату отправлен",
    "EXECUTING": "Подтверждение бронирования",
    "FINAL_INVOICE": "Финальный счёт и документы",
    "WON": "Ваучеры и билеты отправлены клиенту",
    "LOSE": "Клиент отказался от поездки",
    "APOLOGY": "Разговор о причинах отказа",
}
_TODOS = ("Перезвонить клиенту", "Отправить подборку туров", "Проверить оплату", "Уточнить состав группы")
_LOSS_REASONS = ("Клиент выбрал другое агентство", "Не устроила цена", "Поездка перенесена на следующий год")
DIRECT_RETAIL_DEALS = 35
DIRECT_CORPORATE_DEALS = 25
_MOVED_BETWEEN_FUNNELS = 2


def stage_id(category: int, code: str) -> str:
    """``NEW`` in the default funnel, ``C{N}:NEW`` in funnel N."""
    return code if category == 0 else f"C{category}:{code}"


@dataclass
class DealPlan:
    """What one deal will be and go through."""

    title: str
    client: Client
    steps: list[tuple[int, str]]
    rows: list[dict[str, Any]]
    currency: str
    amount: float
    user: int
    source: str
    lead_id: int | None = None
    deal_id: int = 0
    open_todo: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def owner(self) -> tuple[int, int]:
        """``(2, deal id)`` for activities."""
        return (2, self.deal_id)


class DealBook:
    """Plans, creates and moves the demo deals; every stage of both funnels gets at least one deal."""

    def __init__(self, story: Story) -> None:
        self.story = story
        self._decks: dict[int, list[str]] = {}
        self._moved = 0

    # ---------------------------------------------------------------------------------- planning
    def _target(self, category: int) -> str:
        deck = self._decks.setdefault(category, self.story.rng.sample(STAGES, len(STAGES)))
        if deck:
            return deck.pop()
        return self.story.rng.choices(STAGES, _STAGE_WEIGHTS)[0]

    def _steps(self, category: int, target: str) -> list[tuple[int, str]]:
        rng = self.story.rng
        if target in PROCESS_STAGES:
            codes = list(PROCESS_STAGES[: PROCESS_STAGES.index(target) + 1])
        elif target == "WON":
            codes = [c for c in PROCESS_STAGES if c != "FINAL_INVOICE" or rng.random() < 0.7] + ["WON"]
        else:
            codes = [*PROCESS_STAGES[: rng.randint(1, 4)], target]
        return [(category, code) for code in codes]

    def _rows(self, corporate: bool, product: Product | None, travellers: int) -> list[dict[str, Any]]:
        rng = self.story.rng
        if corporate:
            chosen = rng.sample(CORPORATE_PRODUCTS, rng.randint(1, 3))
            quantities = {0: (2, 20), 1: (4, 60), 2: (2, 12), 5: (1, 4)}
            return [
                _row(rng, item, rng.randint(*quantities.get(CORPORATE_PRODUCTS.index(item), (1, 1))), sort)
                for sort, item in enumerate(chosen, 1)
            ]
        assert product is not None
        rows = [_row(rng, product, travellers, 1)]
        if product.currency == "RUB" and rng.random() < 0.5:
            for sort, extra in enumerate(rng.sample(RETAIL_EXTRAS, rng.randint(1, 2)), 2):
                rows.append(_row(rng, extra, travellers, sort))
        return rows

    def plan(
        self,
        client: Client,
        *,
        source: str,
        user: int,
        product: Product | None = None,
        travellers: int = 1,
        lead_id: int | None = None,
        move_to_corporate: bool = False,
    ) -> DealPlan:
        """A deal for ``client``: corporate clients buy in the second funnel, people in the first."""
        rng, corp = self.story.rng, self.story.corporate_category
        corporate = client.corporate
        if move_to_corporate:
            target = rng.choice(("PREPAYMENT_INVOICE", "EXECUTING", "WON"))
            steps = [(0, "NEW"), (0, "PREPARATION"), *self._steps(corp, target)[1:]]
        else:
            steps = self._steps(corp if corporate else 0, self._target(corp if corporate else 0))
        if corporate:
            title = f"Корпоративная поездка: {rng.choice(DESTINATIONS)} — {client.title}"
        else:
            product = product or rng.choice(RETAIL_PRODUCTS if rng.random() < 0.85 else FOREIGN_PRODUCTS)
            title = f"{product.name} — {client.title}"
        currency = "RUB" if corporate or product is None else product.currency
        rows = self._rows(corporate, product, travellers) if rng.random() < 0.8 else []
        estimate = (
            rng.randint(150, 900) * 1000 if corporate else (product.price if product else 0) * travellers
        )
        return DealPlan(title, client, steps, rows, currency, float(estimate), user, source, lead_id)

    # ---------------------------------------------------------------------------------- running
    def start(self, plan: DealPlan) -> None:
        """Create the deal now and schedule its moves (runs inside an event of the story)."""
        story = self.story
        gaps = [story.rng.uniform(*_GAPS[code]) for _, code in plan.steps[1:]]
        times = story.path(story.now, gaps)
        self._create(plan)
        self._touch(plan, 0, times)
        for index in range(1, len(plan.steps)):
            story.at(times[index], functools.partial(self._move, plan, index, times))

    def take_mover(self) -> bool:
        """Whether the next corporate deal from a lead starts in the wrong funnel and is moved later."""
        if self._moved < _MOVED_BETWEEN_FUNNELS:
            self._moved += 1
            return True
        return False

    def _create(self, plan: DealPlan) -> None:
        category, code = plan.steps[0]
        client, story = plan.client, self.story
        closes = (story.now + dt.timedelta(days=story.rng.randint(14, 60))).date().isoformat()
        contacts = [client.contact_id] if client.contact_id else []
        manual = {} if plan.rows else {"OPPORTUNITY": plan.amount, "IS_MANUAL_OPPORTUNITY": "Y"}
        fields: dict[str, Any] = {
            "TITLE": plan.title,
            "TYPE_ID": "SERVICES" if client.corporate else "SALE",
            "CATEGORY_ID": category,
            "STAGE_ID": stage_id(category, code),
            "CURRENCY_ID": plan.currency,
            "ASSIGNED_BY_ID": plan.user,
            "SOURCE_ID": plan.source,
            "CLOSEDATE": closes,
            **manual,
        }
        if client.company_id:
            fields["COMPANY_ID"] = client.company_id
        if contacts:
            fields["CONTACT_IDS"] = contacts
        if plan.lead_id:
            camel = {camel_of(key): value for key, value in fields.items()}
            camel["leadId"] = plan.lead_id
            item = story.call("crm.item.add", {"entityTypeId": 2, "fields": camel}, user_id=plan.user)
            plan.deal_id = int(item["item"]["id"])
        else:
            plan.deal_id = int(story.call("crm.deal.add", {"fields": fields}, user_id=plan.user))
        if plan.rows:
            story.call("crm.deal.productrows.set", {"id": plan.deal_id, "rows": plan.rows}, user_id=plan.user)
        if client.requisite_id:
            link = {
                "ENTITY_TYPE_ID": 2,
                "ENTITY_ID": plan.deal_id,
                "REQUISITE_ID": client.requisite_id,
                "BANK_DETAIL_ID": 0,
                "MC_REQUISITE_ID": story.my_requisite_id,
                "MC_BANK_DETAIL_ID": story.my_bank_detail_id,
            }
            story.call("crm.requisite.link.register", {"fields": link}, user_id=plan.user)

    def _move(self, plan: DealPlan, index: int, times: list[dt.datetime]) -> None:
        category, code = plan.steps[index]
        if category != plan.steps[index - 1][0]:
            fields = {"categoryId": category, "stageId": stage_id(category, code)}
            params: dict[str, Any] = {"entityTypeId": 2, "id": plan.deal_id, "fields": fields}
            self.story.call("crm.item.update", params, user_id=plan.user)
            write_comment(
                self.story,
                plan.owner,
                "Заявка корпоративная — перенесена в воронку «Корпоративные поездки».",
                plan.user,
            )
        else:
            fields = {"STAGE_ID": stage_id(category, code)}
            self.story.call("crm.deal.update", {"id": plan.deal_id, "fields": fields}, user_id=plan.user)
        self._touch(plan, index, times)

    def _touch(self, plan: DealPlan, index: int, times: list[dt.datetime]) -> None:
        """Activities at a step: close the pending to-do, log a call/e-mail/meeting, plan the next to-do."""
        story, rng = self.story, self.story.rng
        code = plan.steps[index][1]
        client = plan.client
        if plan.open_todo:
            complete(story, plan.open_todo, plan.user)
            plan.open_todo = 0
        who = _counterpart(client)
        if rng.random() < 0.7 and (who.phone or who.email):
            if code in ("EXECUTING", "PREPARATION") and rng.random() < 0.3:
                log_meeting(story, plan.owner, who, f"Встреча в офисе: {_TOUCH[code].lower()}", plan.user)
            elif who.phone:
                log_call(story, plan.owner, who, _TOUCH[code], plan.user)
            else:
                log_email(story, plan.owner, who, _TOUCH[code], plan.user)
        last = index == len(plan.steps) - 1
        if code in ("WON", "LOSE", "APOLOGY"):
            if code == "WON" and rng.random() < 0.2:
                write_comment(
                    story, plan.owner, "Тур оплачен полностью, документы переданы клиенту.", plan.user
                )
            elif code != "WON" and rng.random() < 0.4:
                write_comment(
                    story, plan.owner, f"Причина отказа: {rng.choice(_LOSS_REASONS).lower()}.", plan.user
                )
            return
        if last:
            # still in progress: a planned to-do, mostly due after "now", sometimes overdue
            days = rng.uniform(0.5, 10.0) if rng.random() < 0.8 else -rng.uniform(0.5, 3.0)
            deadline = story.deadline(DEMO_NOW + dt.timedelta(days=days), not_before=story.now)
            plan.open_todo = plan_todo(story, plan.owner, rng.choice(_TODOS), deadline, plan.user)
        elif rng.random() < 0.5:
            around = times[index] + (times[index + 1] - times[index]) * rng.uniform(0.3, 0.9)
            deadline = story.deadline(around, not_before=times[index])
            plan.open_todo = plan_todo(story, plan.owner, rng.choice(_TODOS), deadline, plan.user)

    def schedule_direct(self) -> None:
        """Deals of existing clients (repeat customers and companies), spread over the six months."""
        story, rng = self.story, self.story.rng
        end = DEMO_NOW - dt.timedelta(days=1)
        holding = [c for c in story.organisations if c.company_id in story.holding_ids]
        others = rng.sample(story.organisations, DIRECT_CORPORATE_DEALS - len(holding))
        corporate = [*holding, *others]  # every holding company buys at least once
        people = [rng.choice(story.people) for _ in range(DIRECT_RETAIL_DEALS)]
        for client in [*corporate, *people]:
            user = story.corporate_manager if client.corporate else story.manager()
            plan = self.plan(
                client,
                source=rng.choice(("PARTNER", "CALL", "EMAIL")),
                user=user,
                travellers=rng.randint(1, 4),
            )
            when = story.random_day(STORY_START + dt.timedelta(days=1), end)
            story.at(when, functools.partial(self.start, plan))


def _counterpart(client: Client) -> Counterpart:
    """The company for organisations (its phone/e-mail are the ones on file), else the contact."""
    if client.company_id:
        return Counterpart(4, client.company_id, client.phone, client.email)
    return Counterpart(3, client.contact_id or 0, client.phone, client.email)


def _row(rng: random.Random, product: Product, quantity: int, sort: int) -> dict[str, Any]:
    """A product row; a quarter get a discount (percent or absolute) and ``PRICE`` is the final price."""
    base = product.price
    row: dict[str, Any] = {
        "PRODUCT_ID": 0,
        "PRODUCT_NAME": product.name,
        "PRICE": base,
        "QUANTITY": quantity,
        "MEASURE_CODE": 796,
        "MEASURE_NAME": "шт",
        "SORT": sort * 10,
    }
    if rng.random() < 0.25:
        if rng.random() < 0.6:
            rate = rng.choice((5, 7, 10))
            price = round(base * (100 - rate) / 100, 2)
            row.update(
                PRICE=price, DISCOUNT_TYPE_ID=2, DISCOUNT_RATE=rate, DISCOUNT_SUM=round(base - price, 2)
            )
        else:
            steps = (1000, 2000, 3000) if product.currency == "RUB" else (50, 100)
            off = min(float(rng.choice(steps)), base / 10)
            row.update(
                PRICE=base - off,
                DISCOUNT_TYPE_ID=1,
                DISCOUNT_SUM=off,
                DISCOUNT_RATE=round(off / base * 100, 2),
            )
    return row
