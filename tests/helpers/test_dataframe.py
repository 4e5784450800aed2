"""helpers.to_dataframe: rows of any entity (models or raw dicts) into pandas with real dtypes (issue 17)."""

from __future__ import annotations

import datetime as dt
import sys
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest

from bitrix24_toolkit import Bitrix24
from bitrix24_toolkit.errors import InvalidInputError
from bitrix24_toolkit.helpers import to_dataframe
from bitrix24_toolkit.models import Contact, Deal, Lead
from bitrix24_toolkit.models.item import DealItem, LeadItem
from bitrix24_toolkit.testing import Emulator

pd = pytest.importorskip("pandas", reason="the pandas extra is not installed")

MSK = dt.timezone(dt.timedelta(hours=3))


@pytest.fixture(scope="module")
def demo() -> Bitrix24:
    """The demo portal, with three custom deal fields set on deal 1 (read-only for the tests below)."""
    b24 = Emulator.demo().client()
    b24.crm.deal.userfield.add(
        {"FIELD_NAME": "BUDGET", "USER_TYPE_ID": "double", "LIST_COLUMN_LABEL": {"en": "Budget"}}
    )
    b24.crm.deal.userfield.add(
        {"FIELD_NAME": "TRIP", "USER_TYPE_ID": "datetime", "EDIT_FORM_LABEL": {"en": "Trip date"}}
    )
    b24.crm.deal.userfield.add(
        {"FIELD_NAME": "VIP", "USER_TYPE_ID": "boolean", "LIST_COLUMN_LABEL": {"en": "VIP"}}
    )
    b24.crm.deal.update(
        1, {"UF_CRM_BUDGET": "1500.50", "UF_CRM_TRIP": "2026-03-01T10:00:00+03:00", "UF_CRM_VIP": "1"}
    )
    return b24


def _decimal_sums(deals: list[Deal]) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for deal in deals:
        assert deal.currency_id is not None
        sums[deal.currency_id] += deal.opportunity or Decimal(0)
    return dict(sums)


# ------------------------------------------------------------------------- model_dump vs to_api
def test_model_dump_keeps_python_types_and_to_api_stays_the_wire_form(demo: Bitrix24) -> None:
    deal = demo.crm.deal.get(1)
    dumped = deal.model_dump()
    assert dumped["opportunity"] == Decimal("184000.00")
    assert isinstance(dumped["opportunity"], Decimal)
    assert dumped["date_create"] == dt.datetime(2026, 1, 1, 15, 10, 21, tzinfo=MSK)
    assert dumped["opened"] is True
    assert dumped["closed"] is True
    assert dumped["is_new"] is False
    assert isinstance(dumped["id"], int)
    assert isinstance(dumped["category_id"], int)
    # the portal's forms, unchanged: to_api() and the JSON dump it is made of
    wire = deal.to_api()
    assert wire["OPPORTUNITY"] == "184000.00"
    assert wire["TAX_VALUE"] == "0.00"
    assert wire["OPENED"] == "Y"
    assert wire["IS_NEW"] == "N"
    assert wire["DATE_CREATE"] == "2026-01-01T15:10:21+03:00"
    assert deal.model_dump(mode="json", by_alias=True)["CLOSED"] == "Y"
    assert Deal(opportunity=Decimal("1E+3")).to_api() == {"OPPORTUNITY": "1000"}  # exact, never "1E+3"


def test_a_naive_sum_of_model_dumps_is_now_a_number(demo: Bitrix24) -> None:
    deals = demo.crm.deal.list_all()
    naive = pd.DataFrame([d.model_dump() for d in deals])
    totals = naive.groupby("currency_id")["opportunity"].sum()
    assert {k: Decimal(v) for k, v in totals.items()} == _decimal_sums(deals)


# ---------------------------------------------------------------------------------------- deals
def _assert_deal_dtypes(df: Any, zone: str = "UTC+03:00", closedate: str = "") -> None:
    assert str(df["OPPORTUNITY"].dtype) == "float64"
    assert str(df["TAX_VALUE"].dtype) == "float64"
    assert str(df["DATE_CREATE"].dtype) == f"datetime64[ns, {zone}]"
    assert str(df["CLOSEDATE"].dtype) == (closedate or f"datetime64[ns, {zone}]")
    for flag in ("OPENED", "CLOSED", "IS_NEW"):
        assert str(df[flag].dtype) == "boolean"
    for key in ("ID", "CATEGORY_ID", "ASSIGNED_BY_ID", "COMPANY_ID", "CONTACT_ID"):
        assert str(df[key].dtype) == "Int64"


def test_deals_get_real_dtypes_from_models_and_from_raw_dicts(demo: Bitrix24) -> None:
    deals = demo.crm.deal.list_all()
    raw = demo.call("crm.deal.list", {"order": {"ID": "ASC"}})  # one page of the portal's own dicts
    assert isinstance(raw, list)
    assert isinstance(raw[0]["OPPORTUNITY"], str)
    from_models = to_dataframe(deals)
    from_raw = to_dataframe(raw, model=Deal)
    _assert_deal_dtypes(from_models)
    _assert_deal_dtypes(from_raw)
    assert next(iter(from_models.columns)) == "ID"
    assert list(from_raw.columns) == list(from_models.columns)
    pd.testing.assert_frame_equal(from_raw, from_models.head(len(raw)))
    # "0"/null links are missing, not 0
    assert from_models["CONTACT_ID"].isna().any()
    assert not (from_models["CONTACT_ID"] == 0).any()


def test_per_currency_sums_equal_the_decimal_sums_of_all_163_deals(demo: Bitrix24) -> None:
    deals = demo.crm.deal.list_all()
    assert len(deals) == 163
    expected = _decimal_sums(deals)
    assert len(expected) >= 2
    floats = to_dataframe(deals).groupby("CURRENCY_ID")["OPPORTUNITY"].sum()
    assert set(floats.index) == set(expected)
    for currency, total in expected.items():
        assert floats[currency] == pytest.approx(float(total), abs=0.005)
    exact = to_dataframe(deals, money="decimal").groupby("CURRENCY_ID")["OPPORTUNITY"].sum()
    assert exact.to_dict() == expected
    assert all(isinstance(value, Decimal) for value in exact)


def test_decimal_money_keeps_missing_amounts_missing() -> None:
    rows = [{"ID": "1", "OPPORTUNITY": "10.10", "CURRENCY_ID": "RUB"}, {"ID": "2", "OPPORTUNITY": ""}]
    df = to_dataframe(rows, model=Deal, money="decimal")
    assert df["OPPORTUNITY"][0] == Decimal("10.10")
    assert df["OPPORTUNITY"][1] is None
    assert df["OPPORTUNITY"].sum() == Decimal("10.10")
    assert to_dataframe(rows, model=Deal)["OPPORTUNITY"].isna().tolist() == [False, True]


def test_dates_are_the_models_instants(demo: Bitrix24) -> None:
    deals = demo.crm.deal.list_all()
    df = to_dataframe(deals)
    for row, deal in zip(df.itertuples(), deals, strict=True):
        assert row.DATE_CREATE.to_pydatetime() == deal.date_create
        assert row.DATE_CREATE.utcoffset() == dt.timedelta(hours=3)
        assert row.MOVED_TIME.to_pydatetime() == deal.moved_time
    utc = to_dataframe(deals, tz="UTC")
    assert str(utc["DATE_CREATE"].dtype) == "datetime64[ns, UTC]"
    assert (utc["DATE_CREATE"] == df["DATE_CREATE"]).all()  # the same instants
    assert utc["DATE_CREATE"][0].hour == 12  # 15:10 +03:00


def test_mixed_offsets_land_in_utc_with_the_instants_kept() -> None:
    rows = [
        {"ID": "1", "DATE_CREATE": "2026-03-01T10:00:00+03:00"},
        {"ID": "2", "DATE_CREATE": "2026-07-01T10:00:00+02:00"},
        {"ID": "3", "DATE_CREATE": ""},
    ]
    df = to_dataframe(rows, model=Deal)
    assert str(df["DATE_CREATE"].dtype) == "datetime64[ns, UTC]"
    assert df["DATE_CREATE"][0] == pd.Timestamp("2026-03-01T07:00:00Z")
    assert df["DATE_CREATE"][1] == pd.Timestamp("2026-07-01T08:00:00Z")
    assert df["DATE_CREATE"].isna().tolist() == [False, False, True]
    moscow = to_dataframe(rows, model=Deal, tz="Europe/Moscow")
    assert moscow["DATE_CREATE"][1].hour == 11


# ------------------------------------------------------------------------ leads and contacts
def test_lead_multifields_flatten_to_the_first_value_plus_all(demo: Bitrix24) -> None:
    leads = demo.crm.lead.list_all(select=["*", "PHONE", "EMAIL"], limit=20)
    df = to_dataframe(leads)
    assert len(df) == 20
    for row, lead in zip(df.itertuples(), leads, strict=True):
        phones = lead.phone or []
        assert row.PHONE == (phones[0].value if phones else None)
        assert [entry["VALUE"] for entry in row.PHONE_all] == [p.value for p in phones]
        assert all(set(entry) == {"ID", "VALUE", "VALUE_TYPE", "TYPE_ID"} for entry in row.EMAIL_all)
    assert df["PHONE"].notna().any()
    assert df["EMAIL"].notna().any()
    assert str(df["HAS_PHONE"].dtype) == "boolean"
    assert str(df["OPPORTUNITY"].dtype) == "float64"
    assert str(df["DATE_CLOSED"].dtype).startswith("datetime64[ns, ")
    # the portal's dicts give the same frame
    raw = demo.crm.lead.list_all(select=["*", "PHONE", "EMAIL"], limit=20, raw=True)
    pd.testing.assert_frame_equal(to_dataframe(raw, model=Lead), df)


def test_contacts(demo: Bitrix24) -> None:
    contacts = demo.crm.contact.list_all(select=["*", "PHONE", "EMAIL"], limit=30)
    df = to_dataframe(contacts)
    assert str(df["EXPORT"].dtype) == "boolean"
    assert str(df["COMPANY_ID"].dtype) == "Int64"
    assert df["PHONE"].tolist() == [(c.phone[0].value if c.phone else None) for c in contacts]
    raw = demo.crm.contact.list_all(select=["*", "PHONE", "EMAIL"], limit=30, raw=True)
    pd.testing.assert_frame_equal(to_dataframe(raw, model=Contact), df)


# ------------------------------------------------------------------------------- crm.item rows
def test_crm_item_rows_models_and_camel_case_dicts(demo: Bitrix24) -> None:
    items = demo.crm.item(1).list_all(limit=10)
    raw = demo.crm.item(1).list_all(limit=10, raw=True)
    assert "stageId" in raw[0]
    assert "fm" in raw[0]
    df = to_dataframe(items)
    pd.testing.assert_frame_equal(to_dataframe(raw, model=LeadItem), df)
    assert df["STATUS_ID"].tolist() == [row["stageId"] for row in raw]
    assert df["PHONE"].tolist() == [row["phone"] or None for row in raw]  # crm.item's own first phone
    assert str(df["DATE_CREATE"].dtype) == "datetime64[ns, UTC+03:00]"
    assert str(df["OPPORTUNITY"].dtype) == "float64"
    assert str(df["HAS_PHONE"].dtype) == "boolean"


# ------------------------------------------------------------------------------ custom fields
def test_custom_fields_are_kept_typed_by_the_description_and_labelled(demo: Bitrix24) -> None:
    fields = demo.crm.deal.fields()
    deals = demo.crm.deal.list_all(select=["*", "UF_*"], filter={"@ID": [1, 2]})
    untyped = to_dataframe(deals)
    assert untyped["UF_CRM_BUDGET"][0] == "1500.50"  # kept as sent without a description
    df = to_dataframe(deals, fields=fields)
    assert str(df["UF_CRM_BUDGET"].dtype) == "float64"
    assert df["UF_CRM_BUDGET"][0] == 1500.5
    assert df["UF_CRM_BUDGET"].isna().tolist() == [False, True]
    assert df["UF_CRM_TRIP"][0] == pd.Timestamp("2026-03-01T10:00:00+03:00")
    assert str(df["UF_CRM_VIP"].dtype) == "boolean"
    assert df["UF_CRM_VIP"].tolist() == [True, False]
    labels = df.attrs["labels"]
    assert labels["UF_CRM_BUDGET"] == "Budget"
    assert labels["UF_CRM_TRIP"] == "Trip date"
    assert labels["OPPORTUNITY"] == fields["OPPORTUNITY"].title
    raw = demo.crm.deal.list_all(select=["*", "UF_*"], filter={"@ID": [1, 2]}, raw=True)
    pd.testing.assert_frame_equal(to_dataframe(raw, model=Deal, fields=fields), df)


def test_raw_rows_typed_by_a_fields_description_alone(demo: Bitrix24) -> None:
    raw = demo.call("crm.deal.list", {"order": {"ID": "ASC"}, "select": ["*", "UF_*"]})
    fields = demo.call("crm.deal.fields")  # the portal's own description dicts
    assert fields["CLOSEDATE"]["type"] == "date"
    df = to_dataframe(raw, fields=fields)
    _assert_deal_dtypes(df, closedate="datetime64[ns]")  # a "date" field: the calendar day
    assert df["CLOSEDATE"][0] == pd.Timestamp("2026-01-30")
    assert df["UF_CRM_BUDGET"][0] == 1500.5
    assert df.attrs["labels"]["UF_CRM_VIP"] == "VIP"


def test_crm_item_uf_crm_camel_names_without_original_names(demo: Bitrix24) -> None:
    answer = demo.call("crm.item.list", {"entityTypeId": 2, "filter": {"id": 1}})
    described = demo.call("crm.item.fields", {"entityTypeId": 2})["fields"]
    rows = answer["items"]
    assert rows[0]["ufCrmBudget"] == "1500.50"
    # no model: crm.item's own names, typed and labelled by crm.item.fields
    df = to_dataframe(rows, fields=described)
    assert df["ufCrmBudget"][0] == 1500.5
    assert df.attrs["labels"]["ufCrmBudget"] == "Budget"
    assert str(df["createdTime"].dtype) == "datetime64[ns, UTC+03:00]"
    assert str(df["id"].dtype) == "Int64"
    # with the model: the legacy names of the models (ufCrmBudget -> UF_CRM_BUDGET)
    typed = to_dataframe(rows, model=DealItem, fields=described)
    assert typed["UF_CRM_BUDGET"][0] == 1500.5
    assert typed.attrs["labels"]["UF_CRM_BUDGET"] == "Budget"
    assert typed["OPPORTUNITY"][0] == 184000.0


# ------------------------------------------------------------------------- empty, errors, extra
def test_empty_input_gives_the_models_columns() -> None:
    df = to_dataframe([], model=Deal)
    assert len(df) == 0
    assert next(iter(df.columns)) == "ID"
    assert {"OPPORTUNITY", "CURRENCY_ID", "UF_CRM_BUDGET"} & set(df.columns) == {"OPPORTUNITY", "CURRENCY_ID"}
    _assert_deal_dtypes(df, zone="UTC")  # no value to take an offset from
    assert str(to_dataframe([], model=Deal, tz="Europe/Moscow")["DATE_CREATE"].dtype).endswith("Moscow]")
    leads = to_dataframe([], model=Lead)
    assert {"PHONE", "PHONE_all", "EMAIL", "EMAIL_all"} <= set(leads.columns)
    assert to_dataframe([]).empty


@pytest.mark.parametrize(
    ("rows", "options", "message"),
    [
        ([{"ID": "1"}], {}, "model= or fields="),
        ([Deal(id=1)], {"money": "cents"}, "money must be"),
        ([Deal(id=1)], {"tz": "Mars/Olympus"}, "unknown time zone"),
        ([Deal(id=1)], {"model": "Deal"}, "model must be"),
        ([Deal(id=1)], {"fields": ["OPPORTUNITY"]}, "fields must be"),
        ([1, 2], {}, "rows[0] must be a model or a dict"),
        (Deal(id=1), {}, "rows must be a list"),
        ({"ID": "1"}, {}, "rows must be a list"),
        ([{"ID": "1", "OPPORTUNITY": "a lot"}], {"model": Deal}, "rows[0] is no Deal"),
        (
            [{"ID": "1", "OPPORTUNITY": "a lot"}],
            {"fields": {"OPPORTUNITY": {"type": "double"}}},
            "OPPORTUNITY",
        ),
    ],
)
def test_bad_input_is_a_typed_error(rows: Any, options: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        to_dataframe(rows, **options)
    assert message in str(caught.value)


def test_without_pandas_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"pip install \"bitrix24-toolkit\[pandas\]\""):
        to_dataframe([Deal(id=1)])
