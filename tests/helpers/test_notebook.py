"""The notebooks of examples/notebooks run top to bottom in a fresh kernel and show what they promise:
funnel.ipynb its tables and the chart, export_funnel.ipynb the funnel and a SQL query on a DuckDB export."""

from __future__ import annotations

import base64
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bitrix24_toolkit.testing.emulator import Emulator

NOTEBOOK = Path(__file__).parents[2] / "examples" / "notebooks" / "funnel.ipynb"
EXPORT_NOTEBOOK = NOTEBOOK.with_name("export_funnel.ipynb")

nbformat = pytest.importorskip("nbformat", reason="the dev extra (nbformat) is not installed")
nbclient = pytest.importorskip("nbclient", reason="the dev extra (nbclient) is not installed")
pytest.importorskip("ipykernel", reason="ipykernel is not installed: no kernel to run the notebook")


def _kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """``python3`` when a kernel spec exists, else one installed for this interpreter under ``tmp_path``."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec("python3")
        return "python3"
    except NoSuchKernel:
        from ipykernel.kernelspec import install

        install(prefix=str(tmp_path), kernel_name="toolkit-test")
        monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "share" / "jupyter"))
        return "toolkit-test"


def _run(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every output of a notebook run from scratch (its stored outputs dropped first)."""
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    client = nbclient.NotebookClient(
        notebook,
        timeout=60,
        kernel_name=_kernel(tmp_path, monkeypatch),
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    return [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_the_funnel_notebook_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outputs = _run(NOTEBOOK, tmp_path, monkeypatch)
    assert not [o for o in outputs if o.get("output_type") == "error"]
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    portal = Emulator.demo(limits="off")  # the names the notebook must show, as the portal answers them
    funnel = portal.call("crm.category.get", {"entityTypeId": 2, "id": 0})[1]["result"]["category"]["name"]
    people = [f"{u['NAME']} {u['LAST_NAME']}" for u in portal.call("user.get", {})[1]["result"]]
    sources = {
        r["NAME"] for r in portal.call("crm.status.list", {"filter": {"ENTITY_ID": "SOURCE"}})[1]["result"]
    }
    assert any(f"<caption>{funnel}: " in h and "<table" in h for h in html)  # the snapshot, titled by name
    assert any("amount RUB" in h for h in html)  # the DataFrame
    assert any("user id" in h and all(p in h for p in people[:3]) for h in html)  # people by name
    assert any("<caption>Leads:" in h and len({s for s in sources if s in h}) >= 5 for h in html)
    assert not any("{}" in h for h in html)
    images = [o["data"]["image/png"] for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 1
    assert base64.b64decode(images[0])[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_the_export_notebook_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("duckdb", reason="the duckdb extra is not installed")
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # the notebook's database goes into this test's folder
    outputs = _run(EXPORT_NOTEBOOK, tmp_path, monkeypatch)
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert list(tmp_path.glob("*/crm.duckdb"))  # the export wrote the file there
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    plain = [o["data"]["text/plain"] for o in outputs if "text/plain" in o.get("data", {})]
    printed = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    portal = Emulator.demo(limits="off")
    funnel = portal.call("crm.category.get", {"entityTypeId": 2, "id": 0})[1]["result"]["category"]["name"]
    assert re.search(r"deal\s+full\s+163\s+163", printed)  # the export's report
    assert any(f"<caption>{funnel}: " in h and "<table" in h for h in html)  # the snapshot on the database
    assert "True" in plain  # equal to the live funnel_snapshot
    assert any("<caption>Leads:" in h for h in html)
    # the SQL query's DataFrame: won deals by month of closing, as the portal lists them
    deals = portal.client().crm.deal.list_all(
        select=["ID", "CLOSEDATE", "CURRENCY_ID"], filter={"STAGE_SEMANTIC_ID": "S"}, raw=True
    )
    won = Counter((d["CLOSEDATE"][:7], d["CURRENCY_ID"]) for d in deals)
    table = next(h for h in html if "won_amount" in h)
    rows = re.findall(r"<td>(\d{4}-\d{2})</td>\s*<td>(\w+)</td>\s*<td>(\d+)</td>", table)
    assert won
    assert Counter({(m, c): int(n) for m, c, n in rows}) == won
