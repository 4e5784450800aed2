"""``b24 demo`` tells the demo portal's story to the end, well under a minute, and leaves the chart file."""

from __future__ import annotations

import time
from pathlib import Path

from .conftest import Invoke


def test_the_demo_runs_to_the_end(b24: Invoke, tmp_path: Path) -> None:
    started = time.perf_counter()
    run = b24("demo")
    seconds = time.perf_counter() - started
    assert run.code == 0, run.text
    assert "Traceback" not in run.text
    out = run.stdout
    assert out.splitlines()[0].startswith("b24 demo: the built-in demo portal")
    # my company, the holding, a lead converted into contact/company/deal, the funnel table and chart
    assert "company #1: Солнечный ветер (my company)" in out
    assert "INN 7727053079" in out
    assert "Гостиничная группа Восток (12)" in out
    assert "└── Отель Восток Алтай (16)" in out
    assert "converted:" in out
    assert "contact #" in out
    assert "company #" in out
    assert "deal #" in out
    assert "Продажи туров: " in out  # the funnel table is titled with the funnel's name
    assert "win rate" in out
    assert (tmp_path / "funnel.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "done:" in out
    assert seconds < 60


def test_the_demo_chart_path_and_no_chart(b24: Invoke, tmp_path: Path) -> None:
    run = b24("demo", "--png", "charts.png")
    assert run.code == 0
    assert (tmp_path / "charts.png").exists()
    run = b24("demo", "--no-chart")
    assert run.code == 0
    assert not (tmp_path / "funnel.png").exists()
    assert "chart saved" not in run.stdout
