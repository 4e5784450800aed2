"""Names, companies and tours of the demo travel agency «Солнечный ветер» (internal to the demo builder).

Everything here is fictional: people are random combinations of common Russian names, e-mail addresses use
the reserved ``example.*`` domains, company names are invented.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

__all__ = [
    "CLIENT_COMPANIES",
    "CORPORATE_PRODUCTS",
    "DESTINATIONS",
    "FOREIGN_PRODUCTS",
    "HOLDING",
    "RETAIL_EXTRAS",
    "RETAIL_PRODUCTS",
    "Person",
    "Product",
    "company_email",
    "office_phone",
    "person",
    "person_email",
    "phone",
    "translit",
]

_MALE = (
    "Александр Алексей Андрей Артём Борис Вадим Виктор Владимир Дмитрий Евгений Игорь Илья Кирилл "
    "Константин Максим Михаил Никита Николай Олег Павел Роман Сергей Станислав Тимур Юрий"
).split()
_FEMALE = (
    "Анастасия Анна Алина Валентина Вера Вероника Виктория Галина Дарья Екатерина Елена Ирина Ксения "
    "Людмила Марина Мария Наталья Надежда Ольга Полина Светлана Софья Татьяна Юлия"
).split()
_PATRONYMIC_STEMS = (
    "Александров Алексеев Андреев Борисов Викторов Владимиров Дмитриев Евгеньев Игорев Михайлов "
    "Николаев Олегов Павлов Петров Сергеев Юрьев Иванов Васильев Степанов Фёдоров"
).split()
_SURNAMES = (
    "Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов Волков "
    "Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев Макаров Никитин "
    "Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев Кузьмин Фролов "
    "Александров Дмитриев Королёв Гусев Киселёв Ильин Максимов Поляков Сорокин Виноградов Ковалёв Белов "
    "Медведев Антонов Тарасов Жуков Баранов Филиппов Комаров Давыдов Беляев Герасимов Богданов Осипов "
    "Сидоров Матвеев Титов Марков Миронов Крылов Куликов Карпов Власов Мельников Денисов Гаврилов"
).split()
_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya".split(),
        strict=True,
    )
)
_MAIL_DOMAINS = ("example.com", "example.org", "example.net")


@dataclass(frozen=True)
class Person:
    """A generated person: names in both grammatical genders already agreed."""

    name: str
    second_name: str
    last_name: str
    female: bool

    @property
    def short(self) -> str:
        """``Иванова А. С.``"""
        return f"{self.last_name} {self.name[0]}. {self.second_name[0]}."


@dataclass(frozen=True)
class Product:
    """A tour or a service of the agency's price list."""

    name: str
    price: float
    currency: str = "RUB"


def translit(text: str) -> str:
    """Latin letters for e-mail addresses (``Ольга`` -> ``olga``)."""
    out = []
    for char in text.lower():
        mapped = _TRANSLIT.get(char, char if char.isascii() and char.isalnum() else "")
        out.append("" if mapped == "-" else mapped)
    return "".join(out)


def person(rng: random.Random) -> Person:
    """A random person with a first name, patronymic and surname of the same gender."""
    female = rng.random() < 0.55
    stem = rng.choice(_PATRONYMIC_STEMS)
    surname = rng.choice(_SURNAMES)
    if female:
        return Person(rng.choice(_FEMALE), stem + "на", surname + "а", True)
    return Person(rng.choice(_MALE), stem + "ич", surname, False)


def phone(rng: random.Random) -> str:
    """A Russian mobile number, ``+79XXXXXXXXX``."""
    return f"+79{rng.randint(0, 99):02d}{rng.randint(0, 9_999_999):07d}"


def office_phone(rng: random.Random) -> str:
    """A Moscow landline, ``+7495XXXXXXX``."""
    return f"+7495{rng.randint(1_000_000, 9_999_999)}"


def person_email(rng: random.Random, who: Person) -> str:
    """``a.ivanova@example.com``-style address."""
    return f"{translit(who.name)[0]}.{translit(who.last_name)}@{rng.choice(_MAIL_DOMAINS)}"


def company_email(slug: str) -> str:
    """The general mailbox of a company."""
    return f"info@{slug}.example"


#: (TITLE, e-mail slug, INDUSTRY, EMPLOYEES, INN region)
CLIENT_COMPANIES: tuple[tuple[str, str, str, str, str], ...] = (
    ("ООО «Северная логистика»", "sevlog", "DELIVERY", "EMPLOYEES_2", "78"),
    ("АО «Технопарк Сигма»", "sigma-tech", "IT", "EMPLOYEES_3", "77"),
    ("ООО «Агрохолдинг Заречье»", "zarechye-agro", "MANUFACTURING", "EMPLOYEES_4", "36"),
    ("ООО «Консалтинговая группа Меридиан»", "meridian-cg", "CONSULTING", "EMPLOYEES_1", "77"),
    ("ООО «Волжский кондитер»", "volzhsky-konditer", "MANUFACTURING", "EMPLOYEES_2", "63"),
    ("АО «Уралпромсервис»", "uralpromservis", "MANUFACTURING", "EMPLOYEES_4", "66"),
    ("ООО «Цифровые решения»", "digital-resh", "IT", "EMPLOYEES_1", "16"),
    ("ООО «Медицинский центр Здоровье+»", "zdorovie-plus", "OTHER", "EMPLOYEES_2", "50"),
    ("ООО «Банковские системы»", "banksys", "BANKING", "EMPLOYEES_3", "77"),
    ("ООО «Телеком Регион»", "telecom-region", "TELECOM", "EMPLOYEES_3", "54"),
    # the holding follows (ids 12-17 on a fresh portal), then the rest of the client base
    ("ООО «Финансовый партнёр»", "finpartner", "FINANCE", "EMPLOYEES_1", "77"),
    ("ООО «Строительная компания Монолит»", "monolit-sk", "MANUFACTURING", "EMPLOYEES_3", "23"),
    ("ООО «Издательский дом Парус»", "parus-id", "ENTERTAINMENT", "EMPLOYEES_1", "78"),
    ("АО «Энергосбыт Центр»", "energosbyt-c", "OTHER", "EMPLOYEES_4", "40"),
    ("ООО «Фармация»", "farmatsiya", "OTHER", "EMPLOYEES_2", "52"),
    ("ООО «Школа английского Оксфорд-Клуб»", "oxford-club", "OTHER", "EMPLOYEES_1", "77"),
    ("ООО «Автодилер Магистраль»", "magistral-auto", "DELIVERY", "EMPLOYEES_2", "74"),
    ("ООО «Ресторанная группа Самовар»", "samovar-rg", "ENTERTAINMENT", "EMPLOYEES_2", "77"),
    ("ООО «ИТ-Интегратор Вектор»", "vector-it", "IT", "EMPLOYEES_2", "78"),
    ("АО «Нефтесервис Сибирь»", "neftservis", "MANUFACTURING", "EMPLOYEES_4", "72"),
    ("ООО «Юридическая фирма Статус»", "status-law", "CONSULTING", "EMPLOYEES_1", "77"),
    ("ООО «Мебельная фабрика Берёзка»", "berezka-mebel", "MANUFACTURING", "EMPLOYEES_2", "33"),
    ("ООО «Логистический центр Восход»", "voskhod-lc", "DELIVERY", "EMPLOYEES_3", "50"),
    ("НКО «Фонд Добрые дела»", "dobrye-dela", "NOTPROFIT", "EMPLOYEES_1", "77"),
    ("ООО «Спортивный клуб Олимп»", "olimp-sport", "ENTERTAINMENT", "EMPLOYEES_1", "16"),
    ("ООО «Частная клиника Мирт»", "mirt-clinic", "OTHER", "EMPLOYEES_1", "78"),
)

#: the hotel holding: (TITLE, slug, INN region, city, index of the parent in this tuple or -1)
HOLDING: tuple[tuple[str, str, str, str, int], ...] = (
    ("Гостиничная группа Восток", "vostok-hotels", "77", "Москва", -1),
    ("Отель Восток Казань", "vostok-kazan", "16", "Казань", 0),
    ("Отель Восток Сочи", "vostok-sochi", "23", "Сочи", 0),
    ("Отель Восток Байкал", "vostok-baikal", "38", "Иркутск", 0),
    ("Отель Восток Алтай", "vostok-altai", "04", "Горно-Алтайск", 0),
    ("Гостевой дом Восток Листвянка", "vostok-listvyanka", "38", "Листвянка", 3),
)

RETAIL_PRODUCTS: tuple[Product, ...] = (
    Product("Тур в Сочи, 7 ночей", 68000),
    Product("Экскурсия по Казани", 4500),
    Product("Горнолыжный тур в Шерегеш", 54000),
    Product("Тур на Байкал, 5 ночей", 72000),
    Product("Круиз по Волге, 4 дня", 39000),
    Product("Тур в Калининград, 5 ночей", 47000),
    Product("Экскурсионный тур по Золотому кольцу", 29000),
    Product("Тур на Алтай, 8 ночей", 83000),
    Product("Санаторий в Кисловодске, 10 ночей", 96000),
    Product("Тур в Карелию, 3 ночи", 31000),
)
RETAIL_EXTRAS: tuple[Product, ...] = (
    Product("Трансфер аэропорт — отель", 3500),
    Product("Медицинская страховка", 1200),
    Product("Обзорная экскурсия с гидом", 2500),
)
FOREIGN_PRODUCTS: tuple[Product, ...] = (
    Product("Пляжный отдых в Анталье, 10 ночей", 1450, "USD"),
    Product("Тур в Дубай, 7 ночей", 1900, "USD"),
    Product("Экскурсионный тур в Стамбул, 5 ночей", 980, "EUR"),
    Product("Отдых на Мальдивах, 9 ночей", 3400, "USD"),
)
CORPORATE_PRODUCTS: tuple[Product, ...] = (
    Product("Авиабилеты Москва — Казань, эконом", 12500),
    Product("Проживание в гостинице, 1 сутки", 7800),
    Product("Деловая поездка в Санкт-Петербург, 3 дня", 46000),
    Product("Организация конференции", 150000),
    Product("Тимбилдинг на базе отдыха", 250000),
    Product("Трансфер для группы", 18000),
)
DESTINATIONS = ("Казань", "Сочи", "Санкт-Петербург", "Байкал", "Алтай", "Калининград", "Екатеринбург")
