"""Task (f)'s parse ratio, deterministic: instructions (callgrind) per page of the fake portal's deal rows.

    python benchmarks/parse_callgrind.py                 # 8 pages, every path, callgrind + process time
    python benchmarks/parse_callgrind.py --pages 4 --no-valgrind

The pages are the fake portal's own ``crm.deal.list`` answers (every field, 50 rows, the bytes its server
sends), built in-process. Each path decodes every page and drops it before the next (the parse of a page):

* ``loads``: ``json.loads`` of the body (the reference, 1.00x);
* ``models``: what ``list_all()`` does today: ``json.loads``, the envelope check, ``Deal`` per row;
* ``bytes``: the body's bytes validated straight into ``Deal`` rows (``protocol.typed_pages.PageDecoder``);
* ``raw_path``: what ``list_all(raw=True)`` does: ``json.loads``, the envelope check, the row dicts.

Instructions: ``valgrind --tool=callgrind`` runs this script once with 1 and once with ``1 + repeats``
passes over the pages after a warm-up; the difference divided by ``repeats`` is one pass, so start-up and
schema building cancel out. Wall-clock timings are noisy on shared CPUs; the process-time figures (best of
many passes, interleaved) are printed beside them. Instruction counts ignore cache misses and allocation
costs, so their ratios run lower than the time ratios; both are reported.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the ``benchmarks`` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

__all__ = ["PATHS", "bodies", "main"]

PATHS = ("loads", "models", "bytes", "raw_path")


def bodies(pages: int) -> list[bytes]:
    """``pages`` bodies of ``crm.deal.list`` (all fields, keyset by id) as the fake portal sends them."""
    from benchmarks.fake_portal import Portal

    portal = Portal(deals=pages * 50, burst=None, operating_limit=None)
    out: list[bytes] = []
    last = 0
    for _ in range(pages):
        params = {"filter": {">ID": last}, "order": {"ID": "ASC"}, "start": -1}
        status, envelope, _ = portal.handle("crm.deal.list", params)
        assert status == 200, envelope
        out.append(json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        last = int(envelope["result"][-1]["ID"])
    return out


def paths() -> dict[str, Callable[[bytes], Any]]:
    """One page's decode, per path."""
    from bitrix24_toolkit.models.crm import Deal
    from bitrix24_toolkit.protocol.envelope import parse_envelope
    from bitrix24_toolkit.protocol.rows import rows_of
    from bitrix24_toolkit.protocol.typed_pages import PageDecoder

    decoder = PageDecoder(Deal)

    def models(body: bytes) -> Any:
        return [Deal.model_validate(row) for row in rows_of(parse_envelope(json.loads(body)).result)]

    def from_bytes(body: bytes) -> Any:
        answer = decoder.page(body)
        assert answer is not None, "the decoder declined a plain page"
        return answer.result

    return {
        "loads": json.loads,
        "models": models,
        "bytes": from_bytes,
        "raw_path": lambda body: rows_of(parse_envelope(json.loads(body)).result),
    }


def _passes(name: str, pages: list[bytes], count: int) -> None:
    decode = paths()[name]
    for _ in range(count):
        for body in pages:
            decode(body)


def _instructions(name: str, pages: int, repeats: int) -> float:
    """Instructions of one pass over the pages (callgrind, start-up and warm-up subtracted)."""

    def run(count: int) -> int:
        command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable]
        command += [__file__, "--worker", name, "--pages", str(pages), "--passes", str(count)]
        done = subprocess.run(
            command, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"}
        )
        found = re.search(r"Collected : (\d+)", done.stderr)
        if done.returncode or found is None:
            raise SystemExit(f"callgrind run failed:\n{done.stderr[-2000:]}")
        return int(found.group(1))

    return (run(1 + repeats) - run(1)) / repeats


def _process_time(pages: list[bytes], rounds: int) -> dict[str, float]:
    """Best process time of one pass over the pages, per path (paths interleaved, round after round)."""
    decoders = paths()
    best = dict.fromkeys(decoders, float("inf"))
    for _ in range(rounds):
        for name, decode in decoders.items():
            start = time.process_time()
            for body in pages:
                decode(body)
            best[name] = min(best[name], time.process_time() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    """Print instructions and process time per page, and each path's ratio to ``json.loads``."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=8, help="pages of 50 deals (default 8)")
    parser.add_argument("--repeats", type=int, default=3, help="extra passes measured under callgrind")
    parser.add_argument("--rounds", type=int, default=30, help="passes timed with process_time")
    parser.add_argument("--no-valgrind", action="store_true", help="process time only")
    parser.add_argument("--worker", choices=PATHS, help=argparse.SUPPRESS)
    parser.add_argument("--passes", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    pages = bodies(args.pages)
    if args.worker:
        _passes(args.worker, pages, 1)  # warm-up: schemas, caches
        _passes(args.worker, pages, args.passes)
        return 0
    seconds = _process_time(pages, args.rounds)
    counts: dict[str, float] = {}
    if not args.no_valgrind and shutil.which("valgrind"):
        counts = {name: _instructions(name, args.pages, args.repeats) for name in PATHS}
    print(f"{args.pages} pages of 50 deals, {sum(map(len, pages)) / len(pages) / 1e3:.1f} kB each")
    print(f"{'path':10} {'M instr/page':>13} {'ratio':>7}   {'ms/page':>8} {'ratio':>7}")
    for name in PATHS:
        instr = (
            f"{counts[name] / args.pages / 1e6:13.3f} {counts[name] / counts['loads']:6.2f}x"
            if counts
            else " " * 21
        )
        per_page = seconds[name] / args.pages * 1e3
        print(f"{name:10} {instr}   {per_page:8.3f} {seconds[name] / seconds['loads']:6.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
