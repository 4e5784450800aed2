"""The ``batch`` method (reference 2.3): up to 50 ``method?query`` commands with ``$result[...]`` references.

The framework runs it (not the registry) because every sub-call goes through the portal's own pipeline:
operating-time check and accounting per method, cost model and statistics. The response is double wrapped
and follows PHP ``json_encode``: every empty collection is ``[]``, a collection keyed exactly ``0..n-1``
(list-style ``cmd``) is a JSON array, any other (e.g. a gap after a failed command) an object.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from ...protocol.encoding import decode_php_query
from ...protocol.php_query import PhpQueryError, QueryLimits
from .dispatch import Outcome, time_block
from .registry import PortalError

__all__ = ["MAX_COMMANDS", "php_array", "run_batch", "substitute"]

MAX_COMMANDS = 50

SubCall = Callable[[str, dict[str, Any]], Outcome]

# ``$result[cmd][path]...`` (also ``$result_total``/``_next``/``_error``); keys have no brackets.
_REFERENCE = re.compile(r"\$(result(?:_error|_total|_next|_time)?)((?:\[[^\[\]]*\])+)")
_SEGMENT = re.compile(r"\[([^\[\]]*)\]")
_FORBIDDEN = {"batch"}


def php_array(items: Mapping[str, Any]) -> Any:
    """``items`` as PHP's ``json_encode`` renders an array: ``[]`` if empty, a list if keyed 0..n-1."""
    if not items:
        return []
    keys = list(items)
    if all(key == str(index) for index, key in enumerate(keys)):
        return [items[key] for key in keys]
    return dict(items)


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "y", "yes")


def _param(params: Mapping[str, Any], name: str) -> Any:
    if name in params:
        return params[name]
    for key, value in params.items():
        if key.lower() == name:
            return value
    return None


def _lookup(node: Any, segments: list[str]) -> Any:
    for segment in segments:
        if isinstance(node, Mapping):
            found = node.get(segment)
            if found is None and segment.lstrip("-").isdigit():
                found = node.get(int(segment))
            node = found
        elif isinstance(node, list) and segment.isdigit() and int(segment) < len(node):
            node = node[int(segment)]
        else:
            return None
    return node


def _text(value: Any) -> str:
    """A value interpolated into a string, as PHP casts it (``true`` -> "1", ``false``/``null`` -> "")."""
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    if isinstance(value, list | dict):
        return "Array"
    return str(value)


def substitute(value: Any, collections: Mapping[str, Mapping[str, Any]]) -> Any:
    """Replace ``$result[...]`` references in every string of ``value`` with earlier results.

    A string that is exactly one reference takes the referenced value itself (so a referenced list stays a
    list); references inside longer strings are interpolated. A missing key gives ``""``, as in PHP.
    """
    if isinstance(value, dict):
        return {key: substitute(item, collections) for key, item in value.items()}
    if isinstance(value, list):
        return [substitute(item, collections) for item in value]
    if not isinstance(value, str) or "$result" not in value:
        return value

    def resolve(match: re.Match[str]) -> Any:
        found = _lookup(collections.get(match.group(1), {}), _SEGMENT.findall(match.group(2)))
        return "" if found is None else found

    whole = _REFERENCE.fullmatch(value)
    if whole is not None:
        found = resolve(whole)
        return found if isinstance(found, list | dict) else _text(found)
    return _REFERENCE.sub(lambda m: _text(resolve(m)), value)


def _commands(raw: Any) -> list[tuple[str, Any]]:
    if isinstance(raw, Mapping):
        return [(str(key), value) for key, value in raw.items()]
    if isinstance(raw, list):
        return [(str(index), value) for index, value in enumerate(raw)]
    return []


@dataclass(frozen=True)
class Command:
    """A batch command decoded ahead of the run (outside the portal lock): its method and parameters."""

    name: str
    params: dict[str, Any]


def predecode(params: dict[str, Any], limits: QueryLimits) -> dict[str, Any]:
    """The batch's parameters with every ``cmd`` query string decoded; all commands share one budget of
    ``limits.max_pairs`` pairs (a malformed or oversized command raises ``PhpQueryError``)."""
    key = next((k for k in params if k.lower() == "cmd"), None)
    if key is None:
        return params
    commands = _commands(params[key])
    if len(commands) > MAX_COMMANDS:
        return params  # refused by run_batch with the portal's own error
    budget = limits.max_pairs
    decoded: dict[str, Command] = {}
    for cmd_key, command in commands:
        text = str(command) if command is not None else ""
        name, _, query = text.partition("?")
        pairs = query.count("&") + 1 if query else 0
        if pairs > budget:
            raise PhpQueryError(f"the batch's commands hold more than {limits.max_pairs} parameters")
        sub = decode_php_query(query, limits=replace(limits, max_pairs=max(budget, 1)))
        budget -= pairs
        decoded[cmd_key] = Command(name.strip().lstrip("/"), sub)
    raw = params[key]
    value: Any = [decoded[str(i)] for i in range(len(raw))] if isinstance(raw, list) else decoded
    return {**params, key: value}


def run_batch(params: Mapping[str, Any], call: SubCall, tz: dt.tzinfo, start: float) -> Outcome:
    """Run a batch: each command through ``call``; return the batch's own outcome (always HTTP 200)."""
    commands = _commands(_param(params, "cmd"))
    if len(commands) > MAX_COMMANDS:
        return Outcome(
            "batch", error=PortalError("ERROR_BATCH_LENGTH_EXCEEDED", "Max batch length exceeded", 400)
        )
    halt = _flag(_param(params, "halt") or False)
    results: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    totals: dict[str, Any] = {}
    nexts: dict[str, Any] = {}
    times: dict[str, Any] = {}
    collections = {
        "result": results,
        "result_error": errors,
        "result_total": totals,
        "result_next": nexts,
        "result_time": times,
    }
    moment = start
    rows = counted = skipped = 0
    processing = 0.0
    for key, command in commands:
        if isinstance(command, Command):
            name, decoded = command.name, command.params
        else:
            text = str(command) if command is not None else ""
            name, _, query = text.partition("?")
            name = name.strip().lstrip("/")
            decoded = decode_php_query(query)
        if name.lower().removesuffix(".json") in _FORBIDDEN:
            error = PortalError(
                "ERROR_BATCH_METHOD_NOT_ALLOWED", "Method is not allowed for batch usage", 405
            )
            outcome = Outcome(name.lower(), error=error, processing=0.0)
        else:
            sub_params = substitute(decoded, collections)
            outcome = call(name, sub_params)
        if outcome.error is not None:
            errors[key] = outcome.error.payload()
        else:
            results[key] = outcome.value
            if outcome.total is not None:
                totals[key] = outcome.total
            if outcome.next is not None:
                nexts[key] = outcome.next
            times[key] = time_block(moment, outcome.processing, tz)
        moment += outcome.processing
        processing += outcome.processing
        rows += outcome.rows
        counted += outcome.counted
        skipped += outcome.skipped
        if halt and outcome.error is not None:
            break
    value = {name: php_array(items) for name, items in collections.items()}
    return Outcome("batch", value=value, rows=rows, counted=counted, skipped=skipped, processing=processing)
