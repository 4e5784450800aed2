"""Draining the portal's offline event queue with a pool of workers (``event.offline.*``, offline-events.md).

::

    dispatcher = Dispatcher()

    @dispatcher.on("ONCRMDEALUPDATE")
    def deal_changed(event: Event, b24: Bitrix24) -> None:
        deal = b24.crm.deal.get(event.id)           # the record carries only the id: read the deal
        ...

    OfflineConsumer(b24, dispatcher, process_id="worker-1").run(idle_timeout=None)   # until stop()

Each round reserves a batch with ``event.offline.get`` (``clear=0`` and the consumer's own ``process_id``),
runs the dispatcher's functions for each record (plain functions, with the consumer's client), then
``event.offline.clear`` the records whose functions all returned and ``event.offline.error`` the others.

The guarantees (details in ``docs/processes.md``):

- **at least once**: a record leaves the queue only by ``event.offline.clear`` after its functions ran;
  a consumer killed before the clear leaves it reserved, and it runs again;
- **never twice in parallel while consumers are healthy**: parallel fetches get disjoint sets, so with
  distinct ``process_id`` values (a second live run of one id in one process is refused) and every
  handler returning in less than ``adopt_after``, each record is processed exactly once;
- **a killed consumer's batch goes to the others**: an idle consumer takes over (*adopts*) the records a
  process id has held unchanged for ``adopt_after`` seconds (default 600): a merely slow consumer taking
  longer than that may see its events handled twice; a stable ``process_id`` restarted gets its own back
  at once (*recovers*, one record at a time);
- **a record that kills its worker does not loop**: recovered and adopted records are marked
  ``event.offline.error`` before they are handled; one that kills the worker again stays ``ERROR=1``;
- **failures stay visible, and may be retried**: ``event.offline.error`` keeps a record marked
  ``ERROR=1``; ``retry_failed=N`` gives such records up to N attempts in a run, then leaves them.
"""

from __future__ import annotations

from .offline_consumer import AsyncOfflineConsumer, OfflineConsumer
from .offline_records import DEFAULT_BATCH, MAX_BATCH, OfflineEvent, OfflineRun, reserved_batches

__all__ = [
    "DEFAULT_BATCH",
    "MAX_BATCH",
    "AsyncOfflineConsumer",
    "OfflineConsumer",
    "OfflineEvent",
    "OfflineRun",
    "reserved_batches",
]
