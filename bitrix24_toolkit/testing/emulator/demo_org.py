"""The demo agency's company structure and its running project (internal to the demo builder).

Three levels: the company (department 1, «Солнечный ветер», headed by the director), the Moscow head office
and two branches (St Petersburg, Kazan), and their departments, each with a head. 40 employees: users 1-4 of
the CRM story and 36 more invited with ``user.add`` (names, positions, e-mails, mobiles, a personnel number
``ZUP-00NN`` in ``XML_ID``). One project runs: the workgroup «Открытие офиса в Нижнем Новгороде» with 10
tasks (three done, two overdue at :data:`~.demo_story.DEMO_NOW`, the rest in progress or waiting), one with a
checklist, a parent task with two subtasks and finish-start links between the steps. Everything goes
through the emulated methods with its own ``random.Random``, so the CRM part of the demo does not change.
"""

from __future__ import annotations

import datetime as dt
import random

from .demo_people import person, phone, translit
from .demo_story import DEMO_NOW, STORY_START, Story

__all__ = ["PROJECT_NAME", "PROJECT_TAG", "build_org"]

COMPANY = "Солнечный ветер"
PROJECT_NAME = "Открытие офиса в Нижнем Новгороде"
PROJECT_TAG = "открытие-офиса"
_DOMAIN = "solnechny-veter.example"

#: (key, name, parent key or "" for the company, head's position, [(position, how many)] of the staff)
_DEPARTMENTS: tuple[tuple[str, str, str, str, tuple[tuple[str, int], ...]], ...] = (
    ("hq", "Головной офис (Москва)", "", "Исполнительный директор", ()),
    ("spb", "Филиал Санкт-Петербург", "", "Директор филиала", ()),
    ("kzn", "Филиал Казань", "", "Директор филиала", ()),
    ("sales", "Отдел продаж туров", "hq", "", (("Менеджер по турам", 6),)),
    ("corp", "Корпоративный отдел", "hq", "", (("Менеджер корпоративного отдела", 3),)),
    ("acc", "Бухгалтерия", "hq", "Главный бухгалтер", (("Бухгалтер", 2),)),
    ("mkt", "Маркетинг", "hq", "Руководитель маркетинга", (("Маркетолог", 3),)),
    ("spb_sales", "Продажи (Санкт-Петербург)", "spb", "Руководитель продаж", (("Менеджер по турам", 5),)),
    ("spb_visa", "Визовый отдел", "spb", "Руководитель визового отдела", (("Специалист по визам", 2),)),
    ("kzn_sales", "Продажи (Казань)", "kzn", "Руководитель продаж", (("Менеджер по турам", 4),)),
    (
        "kzn_tours",
        "Экскурсионный отдел",
        "kzn",
        "Руководитель экскурсионного отдела",
        (("Гид-экскурсовод", 2),),
    ),
)
#: the CRM story's people: user id -> (department key, heads it)
_STORY_USERS = {1: ("", True), 2: ("sales", True), 3: ("sales", False), 4: ("corp", True)}


def build_org(story: Story) -> dict[str, int]:
    """Departments and employees (module doc) -> department ids by key ("" = the company)."""
    rng = random.Random(f"org-{story.emu.seed or 0}")
    story.moment = (STORY_START - dt.timedelta(days=60)).timestamp()
    story.call("department.update", {"ID": 1, "NAME": COMPANY, "UF_HEAD": 1})
    ids: dict[str, int] = {"": 1}
    for key, name, parent, _, _ in _DEPARTMENTS:
        ids[key] = story.call("department.add", {"NAME": name, "PARENT": ids[parent], "SORT": 100 * len(ids)})
    for user_id, (key, _) in _STORY_USERS.items():
        story.call(
            "user.update", {"ID": user_id, "UF_DEPARTMENT": [ids[key]], "XML_ID": f"ZUP-{user_id:04d}"}
        )
    used = {f"user{n}@{_DOMAIN}" for n in _STORY_USERS}
    names = {
        (str(row.get("NAME")), str(row.get("LAST_NAME"))) for row in story.emu.state.table("user").values()
    }
    number = len(_STORY_USERS)
    for key, _, _, head_post, staff in _DEPARTMENTS:
        posts = ([head_post] if head_post else []) + [post for post, count in staff for _ in range(count)]
        for index, post in enumerate(posts):
            number += 1
            who = person(rng)
            while (who.name, who.last_name) in names:  # forty different people: no two share a name
                who = person(rng)
            names.add((who.name, who.last_name))
            email = f"{translit(who.name)[0]}.{translit(who.last_name)}@{_DOMAIN}"
            while email in used:
                email = email.replace("@", f"{len(used) % 10}@", 1)
            used.add(email)
            story.moment += 3600 * rng.randint(1, 48)
            user_id = story.call(
                "user.add",
                {
                    "EMAIL": email,
                    "NAME": who.name,
                    "SECOND_NAME": who.second_name,
                    "LAST_NAME": who.last_name,
                    "PERSONAL_GENDER": "F" if who.female else "M",
                    "WORK_POSITION": post,
                    "PERSONAL_MOBILE": phone(rng),
                    "UF_DEPARTMENT": [ids[key]],
                    "XML_ID": f"ZUP-{number:04d}",
                },
            )
            if index == 0 and head_post:
                story.call("department.update", {"ID": ids[key], "UF_HEAD": user_id})
    for user_id, (key, heads) in _STORY_USERS.items():
        if heads and key:
            story.call("department.update", {"ID": ids[key], "UF_HEAD": user_id})
    return ids


def _day(days: int, hour: int = 18) -> str:
    """A date relative to the demo's "now" at a round hour, as a task deadline."""
    return (DEMO_NOW + dt.timedelta(days=days)).replace(hour=hour, minute=0).isoformat()


#: (title, responsible, accomplices, start days, deadline days, status, parent index or -1)
_TASKS: tuple[tuple[str, int, tuple[int, ...], int, int, int, int], ...] = (
    ("Выбрать и арендовать помещение", 1, (4,), -40, -25, 5, -1),
    ("Зарегистрировать обособленное подразделение", 4, (), -30, -18, 5, -1),
    ("Сделать ремонт и вывеску", 4, (2,), -24, -3, 3, -1),  # overdue
    ("Нанять и обучить менеджеров", 2, (3,), -20, 10, 3, -1),
    ("Провести собеседования", 2, (), -20, -8, 5, 3),
    ("Обучить продукту и CRM", 3, (2,), -6, -1, 2, 3),  # overdue
    ("Подключить телефонию и CRM", 4, (), -5, 7, 3, -1),
    ("Запустить рекламу открытия", 3, (), -2, 14, 2, -1),
    ("Закупить мебель и технику", 1, (4,), -3, 12, 6, -1),
    ("Торжественное открытие", 1, (2, 3, 4), 15, 21, 2, -1),
)
#: finish-start links (from, to) by index in _TASKS
_LINKS = ((0, 2), (1, 6), (3, 9), (2, 9))
_CHECKLIST = (
    ("Договор аренды подписан", True),
    ("Вывеска согласована с городом", False),
    ("Интернет", False),
)


def build_project(story: Story) -> int:
    """The running project (module doc) -> the workgroup's id."""
    story.moment = (DEMO_NOW - dt.timedelta(days=45)).timestamp()
    group = story.call(
        "sonet_group.create",
        {
            "NAME": PROJECT_NAME,
            "DESCRIPTION": "Типовой проект: открытие нового офиса продаж",
            "PROJECT": "Y",
            "PROJECT_DATE_START": _day(-40, 9),
            "PROJECT_DATE_FINISH": _day(21),
        },
    )
    ids: list[int] = []
    for title, responsible, accomplices, start, deadline, _status, parent in _TASKS:
        story.moment = (DEMO_NOW + dt.timedelta(days=start)).replace(hour=10).timestamp()
        fields = {
            "TITLE": title,
            "RESPONSIBLE_ID": responsible,
            "ACCOMPLICES": list(accomplices),
            "GROUP_ID": group,
            "DEADLINE": _day(deadline),
            "START_DATE_PLAN": _day(start, 9),
            "END_DATE_PLAN": _day(deadline),
            "TAGS": [PROJECT_TAG],
        }
        if parent >= 0:
            fields["PARENT_ID"] = ids[parent]
        task = story.call("tasks.task.add", {"fields": fields})["task"]
        ids.append(int(task["id"]))
    for index, (_, _, _, _, deadline, status, _) in enumerate(_TASKS):
        if status != 2:
            when = min(DEMO_NOW + dt.timedelta(days=deadline - 1), DEMO_NOW - dt.timedelta(hours=2))
            story.moment = when.timestamp()
            story.call("tasks.task.update", {"taskId": ids[index], "fields": {"STATUS": status}})
    story.moment = (DEMO_NOW - dt.timedelta(days=10)).timestamp()
    for title, done in _CHECKLIST:
        item = story.call("task.checklistitem.add", {"TASKID": ids[2], "FIELDS": {"TITLE": title}})
        if done:
            story.call("task.checklistitem.complete", {"TASKID": ids[2], "ITEMID": item})
    for source, target in _LINKS:
        story.call("task.dependence.add", {"taskIdFrom": ids[source], "taskIdTo": ids[target], "linkType": 2})
    story.moment = DEMO_NOW.timestamp()
    return int(group)
