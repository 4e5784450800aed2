"""A tiny canned portal for lead conversion flows: no HTTP, one handler per method, batches run in place."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bitrix24_toolkit.errors import APIError, Bitrix24Error
from bitrix24_toolkit.protocol import APIResponse, Call, Flow, drive_flow
from bitrix24_toolkit.protocol.batch import BatchChunk
from bitrix24_toolkit.protocol.call import Composite, Parallel
from bitrix24_toolkit.testing.emulator.batch import substitute

Handler = Callable[[str, dict[str, Any]], Any]


def run_canned(flow: Flow[Any], handler: Handler, log: list[str] | None = None) -> Any:
    """Drive a flow: plain calls go to ``handler``; ``batch`` calls run their commands with references."""
    seen = log if log is not None else []

    def execute(step: Any) -> Any:
        if isinstance(step, Parallel):
            out: list[Any] = []
            for call in step.calls:
                try:
                    out.append(execute(call))
                except Bitrix24Error as exc:
                    out.append(exc)
            return out
        if isinstance(step, Composite):
            return drive_flow(step.as_flow(), execute)
        assert isinstance(step, Call)
        if step.method == "batch":
            chunk = step.parse.__self__  # type: ignore[attr-defined]
            assert isinstance(chunk, BatchChunk)
            results: dict[str, Any] = {}
            errors: dict[str, Any] = {}
            for key, call in chunk.calls:
                params = substitute(dict(call.params), {"result": results})
                seen.append(call.method)
                try:
                    results[key] = handler(call.method, params)
                except APIError as exc:
                    errors[key] = {"error": exc.code, "error_description": exc.description}
                    if chunk.halt:
                        break
            return step.parse(APIResponse(result={"result": results, "result_error": errors}))
        seen.append(step.method)
        return step.parse(APIResponse(result=handler(step.method, dict(step.params))))

    return drive_flow(flow, execute)
