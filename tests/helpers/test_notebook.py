"""examples/notebooks/funnel.ipynb runs top to bottom in a fresh kernel and shows its tables and the chart."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from bitrix24_toolkit.testing.emulator import Emulator

NOTEBOOK = Path(__file__).parents[2] / "examples" / "notebooks" / "funnel.ipynb"

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


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_the_funnel_notebook_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
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
