"""Fill an emulator with many deals fast, for benchmarks: rows written straight into the store.

``crm.deal.add`` through the dispatcher costs about a millisecond a deal; :func:`seed_deals` writes the
same rows (every key ``crm.deal.add`` stores, stage semantics, ``CLOSED``, ``MOVED_TIME`` ...) and their
stage history directly, 100,000 deals with 2-4 history rows each in a few seconds::

    emu = Emulator(limits="off")
    ids = seed_deals(emu, 100_000)            # deals 1..100000 of the default funnel
    with emu.serve() as url: ...

Each deal is created at a moment spread over ``days`` ending a week before the portal clock (ids grow with
the creation time, as on a portal; nothing is modified in the last week, so what a test changes after
seeding is all that is recent), starts in the funnel's first stage (stage history ``TYPE_ID`` 1) and moves
1-3 times forward (``TYPE_ID`` 2; 3 when it reaches a final stage); ``DATE_MODIFY`` and ``MOVED_TIME`` are
its last move. Amounts, responsibles (the portal's users, else user 1) and stages are drawn from ``seed``,
so the same call makes the same portal.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING, Any

from .methods._crm_directory import deal_directory, stages_of
from .methods._crm_schema import ENTITIES
from .methods._crm_store import create_entity
from .methods.crm_stagehistory import TABLE as HISTORY_TABLE
from .state import PortalState

if TYPE_CHECKING:
    from .portal import Emulator

__all__ = ["seed_deals"]


def _template(state: PortalState, category_id: int) -> dict[str, Any]:
    """The keys and defaults ``crm.deal.add`` stores, made on a scratch portal with the same clock."""
    scratch = PortalState(clock=state.clock, tz=state.tz)
    row = create_entity(scratch, ENTITIES["deal"], {"TITLE": "template"}, user_id=1)
    row.pop("ID", None)
    row["CATEGORY_ID"] = category_id
    return row


def seed_deals(
    emu: Emulator,
    n: int,
    *,
    history: bool = True,
    seed: int = 0,
    days: float = 365.0,
    category_id: int = 0,
) -> list[int]:
    """Write ``n`` deals (``history``: 2-4 stage-history rows each) straight into the store; their ids."""
    if n < 0:
        raise ValueError("n must be >= 0")
    rng = random.Random(seed)
    with emu.lock:
        state = emu.state
        if category_id and category_id not in state.table("category"):
            raise ValueError(f"deal funnel {category_id} does not exist")
        stages = [
            (str(r["STATUS_ID"]), str(r.get("SEMANTICS") or "P"))
            for r in stages_of(state, deal_directory(category_id))
        ]
        process = [s for s in stages if s[1] == "P"]
        finals = [s for s in stages if s[1] != "P"]
        users = sorted(state.table("user")) or [1]
        template = _template(state, category_id)
        now = state.now()
        # the newest move lands a week before the clock: changes made after seeding are the only recent ones
        end = now - dt.timedelta(days=7)
        begin = end - dt.timedelta(days=days)
        step = dt.timedelta(days=days) / max(n, 1)
        deals = state.table("deal")
        ids: list[int] = []
        for number in range(n):
            created = (begin + step * number).replace(microsecond=0)
            path = _path(rng, process, finals, moves=rng.randint(1, 3))
            moments = [created]
            for _ in path[1:]:
                moments.append(min(moments[-1] + dt.timedelta(seconds=rng.randint(1_800, 172_800)), end))
            stage, semantic = path[-1]
            user = users[rng.randrange(len(users))]
            created_text, moved_text = created.isoformat(), moments[-1].isoformat()
            row = dict(template)
            deal_id = state.next_id("deal")
            row.update(
                ID=deal_id,
                TITLE=f"Deal #{deal_id}",
                OPPORTUNITY=float(rng.randrange(1_000, 2_000_000, 50)),
                ASSIGNED_BY_ID=user,
                CREATED_BY_ID=user,
                MODIFY_BY_ID=user,
                MOVED_BY_ID=user,
                LAST_ACTIVITY_BY=user,
                DATE_CREATE=created_text,
                DATE_MODIFY=moved_text,
                LAST_ACTIVITY_TIME=created_text,
                MOVED_TIME=moved_text,
                BEGINDATE=created.replace(hour=0, minute=0, second=0).isoformat(),
                CLOSEDATE=(created + dt.timedelta(days=7)).replace(hour=0, minute=0, second=0).isoformat(),
                STAGE_ID=stage,
                STAGE_SEMANTIC_ID=semantic,
                CLOSED="Y" if semantic != "P" else "N",
                IS_NEW="Y" if stage == process[0][0] else "N",
            )
            deals[deal_id] = row
            ids.append(deal_id)
            if history:
                for index, ((code, meaning), moment) in enumerate(zip(path, moments, strict=True)):
                    type_id = 1 if index == 0 else 3 if meaning != "P" else 2
                    state.insert(
                        HISTORY_TABLE,
                        {
                            "TYPE_ID": type_id,
                            "OWNER_ID": deal_id,
                            "CREATED_TIME": moment.isoformat(),
                            "ENTITY_TYPE_ID": 2,
                            "CATEGORY_ID": category_id,
                            "STAGE_SEMANTIC_ID": meaning,
                            "STAGE_ID": code,
                        },
                    )
        return ids


def _path(
    rng: random.Random, process: list[tuple[str, str]], finals: list[tuple[str, str]], *, moves: int
) -> list[tuple[str, str]]:
    """The first stage, then ``moves`` steps forward; the last may be a final stage (then it ends)."""
    path = [process[0]]
    position = 0
    for move in range(moves):
        last = move == moves - 1
        if finals and (position == len(process) - 1 or (last and rng.random() < 0.5)):
            path.append(finals[rng.randrange(len(finals))])
            break
        position = min(len(process) - 1, position + rng.randint(1, 2))
        path.append(process[position])
    return path
