"""Every script in ``examples/`` runs to the end against the built-in demo portal, as CI and the docs promise.

(The notebook ``examples/notebooks/funnel.ipynb`` is executed by ``tests/helpers/test_notebook.py``.)
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).parents[1] / "examples").glob("*.py"))
#: examples that show how bad input is reported (their "failed" lines are the point)
DEMONSTRATES_FAILURES = {"import_leads.py", "convert_leads.py"}
#: seconds one example may take (they finish in one or two)
TIMEOUT = 120


def test_there_are_examples() -> None:
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda path: path.name)
def test_example_runs_on_the_demo_portal(script: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("BITRIX24_WEBHOOK_URL", "B24_DEBUG")}
    env["PYTHONIOENCODING"] = "utf-8"
    env["MPLBACKEND"] = "Agg"
    done = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,  # files an example writes land here; no .env of the checkout is picked up
        timeout=TIMEOUT,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "Traceback" not in output
    assert done.stdout.strip(), "an example should print what it did"
    if script.name in DEMONSTRATES_FAILURES:
        assert "failed" in output  # the bad rows it shows are reported as such
    else:  # nothing went wrong on the demo portal, and nothing says it did
        assert not [line for line in output.splitlines() if "failed" in line.lower()], output
