"""Drive a helper's flow with canned portal answers (no HTTP): batches included, every call recorded."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bitrix24_toolkit.protocol import Flow, drive_flow
from bitrix24_toolkit.protocol.call import Call, Composite, KnownFields, Parallel, Step
from bitrix24_toolkit.protocol.envelope import APIResponse

#: (method, params) -> the raw ``result`` the portal would send, or an APIResponse (for total/next)
Answer = Callable[[str, dict[str, Any]], Any]


class Canned:
    """Answers each call from ``answer``; ``calls`` lists the calls, ``requests`` counts HTTP requests.

    Like a client, it keeps the field descriptions it has read (``*.fields`` calls, ``KnownFields`` steps)
    and answers a write's field check from them.
    """

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.calls: list[Call[Any]] = []
        self.requests = 0
        self.fields: dict[str, Any] = {}

    def _response(self, method: str, params: dict[str, Any]) -> APIResponse:
        raw = self.answer(method, params)
        return raw if isinstance(raw, APIResponse) else APIResponse(result=raw)

    def execute(self, step: Step) -> Any:
        if isinstance(step, Parallel):
            return [self.execute(call) for call in step.calls]
        if isinstance(step, KnownFields):
            if step.key not in self.fields:
                self.fields[step.key] = self.execute(step.load)
            return self.fields[step.key]
        if isinstance(step, Composite):
            return drive_flow(step.as_flow(), self.execute)
        self.requests += 1
        if step.method == "batch":
            results, totals, nexts = {}, {}, {}
            for key, command in step.params["cmd"].items():
                method = command.split("?", 1)[0]
                sub = self._sub_call(step, key)
                self.calls.append(sub)
                response = self._response(method, dict(sub.params))
                results[key] = response.result
                if response.total is not None:
                    totals[key] = response.total
                if response.next is not None:
                    nexts[key] = response.next
            body = {"result": results, "result_error": [], "result_total": totals, "result_next": nexts}
            return step.parse(APIResponse(result=body))
        self.calls.append(step)
        value = step.parse(self._response(step.method, dict(step.params)))
        if step.describes is not None:
            self.fields[step.describes] = value
        return value

    def _sub_call(self, batch_call: Call[Any], key: str) -> Call[Any]:
        chunk = getattr(batch_call.parse, "__self__", None)
        for name, call in chunk.calls if chunk is not None else []:
            if name == key and isinstance(call, Call):
                return call
        raise AssertionError(f"batch key {key} not found")

    def run(self, flow: Flow[Any]) -> Any:
        """Drive the flow to its value."""
        return drive_flow(flow, self.execute)

    def methods(self) -> list[str]:
        """The methods called, in order (batch sub-calls included, ``batch`` itself not)."""
        return [call.method for call in self.calls]
