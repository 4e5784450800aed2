"""What ``list_all`` returns (sync and async): a plain list that knows its model, with ``.to_dataframe()``."""

from __future__ import annotations

import pickle
from decimal import Decimal
from pathlib import Path

import pytest

from bitrix24_toolkit.helpers import to_dataframe
from bitrix24_toolkit.models import Activity, Deal, StageHistoryItem
from bitrix24_toolkit.models.row_list import RowList
from bitrix24_toolkit.testing import Emulator

pd = pytest.importorskip("pandas", reason="the pandas extra is not installed")

NOTEBOOK = Path(__file__).parents[2] / "examples" / "notebooks" / "deals_dataframe.ipynb"


def test_list_all_returns_a_plain_list_that_knows_its_model() -> None:
    b24 = Emulator.demo().client()
    deals = b24.crm.deal.list_all()
    assert isinstance(deals, list)
    assert isinstance(deals, RowList)
    assert deals.model is Deal
    assert deals == list(deals)
    assert list(deals) == deals
    assert len(deals) == 163
    assert type(deals[:3]) is list
    assert deals[:3] == list(deals)[:3]
    copy = pickle.loads(pickle.dumps(deals))
    assert copy == deals
    assert copy.model is Deal
    assert isinstance(copy, RowList)
    df = deals.to_dataframe()
    pd.testing.assert_frame_equal(df, to_dataframe(list(deals)))
    assert str(df["OPPORTUNITY"].dtype) == "float64"
    assert len(df) == 163
    exact = deals.to_dataframe(money="decimal").groupby("CURRENCY_ID")["OPPORTUNITY"].sum()
    sums: dict[str, Decimal] = {}
    for deal in deals:
        assert deal.currency_id is not None
        sums[deal.currency_id] = sums.get(deal.currency_id, Decimal(0)) + (deal.opportunity or 0)
    assert exact.to_dict() == sums


def test_raw_list_all_is_typed_by_the_model_it_would_parse_into() -> None:
    b24 = Emulator.demo().client()
    raw = b24.crm.deal.list_all(raw=True)
    assert isinstance(raw, RowList)
    assert raw.model is Deal
    assert isinstance(raw[0], dict)
    assert raw[0]["OPPORTUNITY"] == "184000.00"  # the portal's dicts, unchanged
    pd.testing.assert_frame_equal(raw.to_dataframe(), b24.crm.deal.list_all().to_dataframe())
    assert to_dataframe(raw)["OPPORTUNITY"][0] == 184000.0  # the helper reads the model off the list too
    items = b24.crm.item(2).list_all(raw=True, limit=5)
    assert "stageId" in items[0]
    frame = items.to_dataframe()
    assert str(frame["OPPORTUNITY"].dtype) == "float64"
    assert "STAGE_ID" in frame


def test_an_empty_list_all_still_has_the_columns() -> None:
    b24 = Emulator.demo().client()
    none = b24.crm.deal.list_all(filter={"ID": 10**6})
    assert none == []
    assert none.model is Deal
    df = none.to_dataframe()
    assert df.empty
    assert {"ID", "OPPORTUNITY", "CURRENCY_ID"} <= set(df.columns)
    assert str(df["OPPORTUNITY"].dtype) == "float64"
    assert str(df["ID"].dtype) == "Int64"


async def test_async_list_all_has_to_dataframe_too() -> None:
    emu = Emulator.demo()
    async with emu.async_client() as ab24:
        deals = await ab24.crm.deal.list_all()
        raw = await ab24.crm.deal.list_all(raw=True, limit=10)
    assert isinstance(deals, RowList)
    assert deals.model is Deal
    assert len(deals) == 163
    df = deals.to_dataframe()
    pd.testing.assert_frame_equal(df, emu.client().crm.deal.list_all().to_dataframe())
    pd.testing.assert_frame_equal(raw.to_dataframe(), df.head(10))


def test_stage_history_activities_and_product_rows() -> None:
    b24 = Emulator.demo().client()
    history = b24.crm.stagehistory.list_all(2, limit=20)
    assert isinstance(history, RowList)
    assert history.model is StageHistoryItem
    frame = history.to_dataframe()
    assert str(frame["CREATED_TIME"].dtype).startswith("datetime64[ns, ")
    assert str(frame["OWNER_ID"].dtype) == "Int64"
    b24.crm.activity.todo.add(owner_type_id=2, owner_id=1, deadline="2026-05-01T12:00:00+03:00", title="Call")
    activities = b24.crm.activity.list_all()
    assert activities.model is Activity
    assert len(activities) >= 1
    acts = activities.to_dataframe()
    assert str(acts["COMPLETED"].dtype) == "boolean"
    assert str(acts["OWNER_ID"].dtype) == "Int64"
    b24.crm.deal.productrows.set(1, [{"PRODUCT_NAME": "Тур", "PRICE": "1000.50", "QUANTITY": 2}])
    rows = b24.crm.deal.productrows.get(1)
    products = to_dataframe(rows)
    assert str(products["PRICE"].dtype) == "float64"
    assert products["PRICE"][0] == 1000.5
    assert str(products["ID"].dtype) == "Int64"
    assert rows[0].price == Decimal("1000.50")


def test_the_notebook_is_kept_without_outputs() -> None:
    nbformat = pytest.importorskip("nbformat", reason="the dev extra (nbformat) is not installed")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code
    assert all(not cell.outputs and cell.execution_count is None for cell in code)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_the_deals_dataframe_notebook_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nbformat = pytest.importorskip("nbformat", reason="the dev extra (nbformat) is not installed")
    nbclient = pytest.importorskip("nbclient", reason="the dev extra (nbclient) is not installed")
    pytest.importorskip("ipykernel", reason="ipykernel is not installed: no kernel to run the notebook")
    from tests.helpers.test_notebook import _kernel

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=60,
        kernel_name=_kernel(tmp_path, monkeypatch),
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any("OPPORTUNITY" in h and "<table" in h for h in html)  # the frame itself
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    assert "sums checked against the Decimal sums" in text
