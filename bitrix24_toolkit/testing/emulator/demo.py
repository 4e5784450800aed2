"""The demo portal: the travel agency «Солнечный ветер» with six months of CRM history.

``Emulator.demo()`` (and ``python -m bitrix24_toolkit.testing.emulator --seed demo``) calls
:func:`build_demo`. What the portal holds (ids as on a fresh portal; counts are approximate):

- users 1-4: the director (1, the webhook's user) and three managers (4 handles corporate clients);
- lead statuses, deal stages and the default funnel (0, «Продажи туров») renamed in Russian, and a second
  funnel «Корпоративные поездки» (``crm.category.add``, stages ``C{N}:...``);
- the agency itself (company 1, ``IS_MY_COMPANY=Y``) with an RU «Организация» requisite carrying valid
  INN/KPP/OGRN, a bank detail with a valid BIK, settlement and correspondent accounts, and legal (6) and
  actual (1) addresses;
- the company userfield ``UF_CRM_HOLDING_PARENT`` (type ``crm``) and the hotel holding «Гостиничная группа
  Восток» (company 12) with four branches and one branch of a branch; one branch stores ``"CO_12"``, the
  others the plain id ``"12"``;
- about 40 companies and 120 contacts (some contacts work for companies), requisites for ten companies;
- 300 leads from seven sources at every status; converted ones have a contact (and a company) and a deal
  made with ``crm.item.add`` + ``leadId``;
- about 160 deals in both funnels at every stage, RUB and some USD/EUR, product rows (tours and services,
  some discounted) on most, stage history from late December 2025 to the end of June 2026, two deals
  moved between funnels;
- done calls, e-mails and meetings, done and planned to-dos, timeline comments;
- the company structure (:mod:`.demo_org`): department 1 «Солнечный ветер», the Moscow head office and two
  branches, eight departments below them, each with a head; 40 employees (users 1-4 and 36 invited with
  ``user.add``, personnel numbers in ``XML_ID``);
- one running project, the workgroup «Открытие офиса в Нижнем Новгороде» (``sonet_group.create``) with 10
  tasks (done, overdue, in progress), a checklist, subtasks and finish-start links.

The build is deterministic: a ``random.Random(emu.seed or 0)`` and a fixed story clock that ends at
:data:`DEMO_NOW`, never the wall clock. It runs through the emulated REST methods (``emu.call``); the only
rows written directly are users 1-4 (created before the story, as ``user.current`` reads them).
"""

from __future__ import annotations

import random
from typing import Any

from .demo_clients import import_clients, setup_holding_field, setup_my_company
from .demo_deals import DealBook, stage_id
from .demo_leads import schedule_leads
from .demo_org import build_org, build_project
from .demo_story import DEMO_NOW, STORY_START, DemoPortal, Story

__all__ = ["CORPORATE_FUNNEL", "DEMO_NOW", "SALES_FUNNEL", "build_demo"]

SALES_FUNNEL = "Продажи туров"
CORPORATE_FUNNEL = "Корпоративные поездки"

_USERS: tuple[tuple[str, str, str, str, str], ...] = (
    ("Ольга", "Викторовна", "Соколова", "Директор", "F"),
    ("Андрей", "Сергеевич", "Кузнецов", "Менеджер по турам", "M"),
    ("Марина", "Игоревна", "Волкова", "Менеджер по турам", "F"),
    ("Дмитрий", "Павлович", "Лебедев", "Менеджер корпоративного отдела", "M"),
)
_LEAD_STATUS_NAMES = {
    "NEW": "Не обработан",
    "IN_PROCESS": "В работе",
    "PROCESSED": "Обработан",
    "CONVERTED": "Качественный лид",
    "JUNK": "Некачественный лид",
}
_SALES_STAGE_NAMES = {
    "NEW": "Новая заявка",
    "PREPARATION": "Подбор тура",
    "PREPAYMENT_INVOICE": "Счёт на предоплату",
    "EXECUTING": "Бронирование",
    "FINAL_INVOICE": "Оплата и документы",
    "WON": "Тур продан",
    "LOSE": "Отказ",
    "APOLOGY": "Анализ причины отказа",
}
_CORPORATE_STAGE_NAMES = {
    "NEW": "Запрос",
    "PREPARATION": "Подготовка предложения",
    "PREPAYMENT_INVOICE": "Согласование договора",
    "EXECUTING": "Организация поездки",
    "FINAL_INVOICE": "Закрывающие документы",
    "WON": "Поездка состоялась",
    "LOSE": "Отказ",
    "APOLOGY": "Анализ причины отказа",
}
_SOURCE_NAMES = {
    "CALL": "Звонок",
    "EMAIL": "Электронная почта",
    "WEB": "Веб-сайт",
    "ADVERTISING": "Реклама",
    "PARTNER": "Существующий клиент",
    "RECOMMENDATION": "По рекомендации",
    "CALLBACK": "Обратный звонок",
}


def build_demo(emu: DemoPortal) -> None:
    """Fill an empty portal with the «Солнечный ветер» travel agency (deterministic, see module doc)."""
    story = Story(emu, random.Random(emu.seed or 0))
    saved_clock = emu.state.clock
    emu.state.clock = story.clock  # every method stamps rows with the story's moment
    try:
        _add_users(story)
        _setup_directories(story)
        setup_holding_field(story)
        setup_my_company(story)
        import_clients(story)
        deals = DealBook(story)
        schedule_leads(story, deals)
        deals.schedule_direct()
        story.run()
        build_org(story)
        build_project(story)
    finally:
        emu.state.clock = saved_clock
    # setup calls are not the user's traffic: start with clean counters and operating-time windows
    emu.operating.clear()
    emu.reset_stats()


def _add_users(story: Story) -> None:
    """Users 1-4 as ``user.current`` reads them (no emulated method creates users: written directly)."""
    users = story.emu.state.table("user")
    for number, (name, second, last, post, gender) in enumerate(_USERS, 1):
        registered = STORY_START.replace(hour=9 + number).isoformat()
        users[number] = {
            "ID": number,
            "XML_ID": "",
            "ACTIVE": True,
            "NAME": name,
            "SECOND_NAME": second,
            "LAST_NAME": last,
            "EMAIL": f"user{number}@solnechny-veter.example",
            "WORK_POSITION": post,
            "PERSONAL_GENDER": gender,
            "PERSONAL_CITY": "Москва",
            "DATE_REGISTER": registered,
            "LAST_LOGIN": DEMO_NOW.replace(hour=9, minute=number * 7).isoformat(),
            "UF_DEPARTMENT": [1],
            "USER_TYPE": "employee",
        }
    story.emu.state.counters["user"] = max(story.emu.state.counters.get("user", 0), len(_USERS))


def _rename(story: Story, entity_id: str, names: dict[str, str], prefix: str = "") -> None:
    rows: list[dict[str, Any]] = story.call("crm.status.list", {"filter": {"ENTITY_ID": entity_id}})
    for row in rows:
        code = str(row["STATUS_ID"]).removeprefix(prefix)
        if code in names:
            story.call("crm.status.update", {"id": row["ID"], "fields": {"NAME": names[code]}})


def _setup_directories(story: Story) -> None:
    """Russian names for statuses, stages and sources; the second deal funnel."""
    _rename(story, "STATUS", _LEAD_STATUS_NAMES)
    _rename(story, "SOURCE", _SOURCE_NAMES)
    _rename(story, "DEAL_STAGE", _SALES_STAGE_NAMES)
    story.call("crm.category.update", {"entityTypeId": 2, "id": 0, "fields": {"name": SALES_FUNNEL}})
    created = story.call(
        "crm.category.add", {"entityTypeId": 2, "fields": {"name": CORPORATE_FUNNEL, "sort": 400}}
    )
    story.corporate_category = int(created["category"]["id"])
    prefix = stage_id(story.corporate_category, "")
    _rename(story, f"DEAL_STAGE_{story.corporate_category}", _CORPORATE_STAGE_NAMES, prefix)
