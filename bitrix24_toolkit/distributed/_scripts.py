"""The Lua scripts of :class:`~bitrix24_toolkit.distributed.RedisLimits`, run atomically by Redis.

Every script reads **Redis' own clock** (``redis.call('TIME')``), never a process clock, so processes on
machines whose clocks disagree share one bucket. The arithmetic is :class:`~bitrix24_toolkit.engine.limiter.
Limiter`'s: drain ``rate`` per second since the stamp; a reservation keeps one slot of headroom below the
burst, books its slot and returns the wait; a method near its operating budget waits for its reset.

Keys: ``KEYS[1]`` the bucket (a hash: ``level``, ``stamp``), ``KEYS[2]`` the methods' budgets (a hash:
``o:<method>`` operating seconds, ``r:<method>`` reset unix time, ``b:<method>`` blocked until). Both
expire: the bucket when it would have drained, the budgets after the latest reset, so an idle portal leaves
nothing behind. Numbers travel as strings (``%.17g``): a Lua number returned to Redis would be cut to
an integer.

:class:`Script` runs a script by ``EVALSHA`` (loading it with ``SCRIPT LOAD`` on ``NOSCRIPT``: a restarted
or flushed server), sync or async.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any, Final

from ..engine.limiter import MethodBudget

if TYPE_CHECKING:
    import redis
    import redis.asyncio

__all__ = ["BLOCK", "OBSERVE", "PENALIZE", "RESERVE", "SNAPSHOT", "Script", "parse_snapshot"]

#: ``now`` from Redis' clock, in seconds
_CLOCK: Final = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
"""

#: the bucket level after draining to ``now``
_LEVEL: Final = """
local burst, rate = tonumber(ARGV[1]), tonumber(ARGV[2])
local saved = redis.call('HMGET', KEYS[1], 'level', 'stamp')
local level = tonumber(saved[1]) or 0
local stamp = tonumber(saved[2]) or now
local elapsed = now - stamp
if elapsed < 0 then elapsed = 0 end
level = math.max(0, level - elapsed * rate)
"""

#: the bucket level after draining to Redis' clock, ``now`` set (a prelude of every bucket script)
_DRAIN: Final = _CLOCK + _LEVEL

_STORE: Final = """
redis.call('HSET', KEYS[1], 'level', string.format('%.17g', level), 'stamp', string.format('%.17g', now))
redis.call('PEXPIRE', KEYS[1], math.ceil((level / rate + 1) * 1000))
"""

#: ARGV: burst, rate, method ('' none), budget threshold ('' none), longest budget wait -> wait (string);
#: a method held by its budget or blocked books nothing and answers ``-seconds`` (reserve again after it)
RESERVE_SOURCE: Final = (
    _CLOCK
    + """
local held = 0
if ARGV[3] ~= '' then
  local blocked = tonumber(redis.call('HGET', KEYS[2], 'b:' .. ARGV[3]))
  if blocked then held = math.max(held, blocked - now) end
  if ARGV[4] ~= '' then
    local operating = tonumber(redis.call('HGET', KEYS[2], 'o:' .. ARGV[3]))
    local reset_at = tonumber(redis.call('HGET', KEYS[2], 'r:' .. ARGV[3]))
    if operating and reset_at and operating >= tonumber(ARGV[4]) then
      held = math.max(held, reset_at - now)
    end
  end
  held = math.min(tonumber(ARGV[5]), held)
end
if held > 0 then
  return string.format('%.17g', -held)
end
"""
    + _LEVEL
    + """
local capacity = math.max(1, burst - 1)
local wait = math.max(0, (level + 1 - capacity) / rate)
level = level + 1
"""
    + _STORE
    + """
return string.format('%.17g', wait)
"""
)

#: ARGV: burst, rate -> the level (string): the bucket taken as full
PENALIZE_SOURCE: Final = (
    _DRAIN
    + """
level = math.max(level, burst)
"""
    + _STORE
    + """
return string.format('%.17g', level)
"""
)

#: ARGV: method, operating, reset_at, longest budget wait -> 1; the hash lives until the latest reset
OBSERVE_SOURCE: Final = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local reset_at = tonumber(ARGV[3])
redis.call('HSET', KEYS[2], 'o:' .. ARGV[1], ARGV[2], 'r:' .. ARGV[1], ARGV[3])
local keep = math.ceil((math.min(tonumber(ARGV[4]), math.max(0, reset_at - now)) + 60) * 1000)
if redis.call('PTTL', KEYS[2]) < keep then
  redis.call('PEXPIRE', KEYS[2], keep)
end
return 1
"""

#: ARGV: method, blocked until (unix time), longest budget wait -> 1: the portal answered
#: OPERATION_TIME_LIMIT; every process holds the method until then, whatever its budget threshold
BLOCK_SOURCE: Final = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local until_at = tonumber(ARGV[2])
local old = tonumber(redis.call('HGET', KEYS[2], 'b:' .. ARGV[1]))
if old and old > until_at then until_at = old end
redis.call('HSET', KEYS[2], 'b:' .. ARGV[1], string.format('%.17g', until_at))
local keep = math.ceil((math.min(tonumber(ARGV[3]), math.max(0, until_at - now)) + 60) * 1000)
if redis.call('PTTL', KEYS[2]) < keep then
  redis.call('PEXPIRE', KEYS[2], keep)
end
return 1
"""

#: ARGV: burst, rate -> {level (string), {field, value, ...} of the budgets}; writes nothing
SNAPSHOT_SOURCE: Final = (
    _DRAIN
    + """
return {string.format('%.17g', level), redis.call('HGETALL', KEYS[2])}
"""
)


class Script:
    """A Lua script run by its SHA1 (``EVALSHA``), loaded again when the server answers ``NOSCRIPT``."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.sha = hashlib.sha1(source.encode("utf-8"), usedforsecurity=False).hexdigest()

    def run(self, client: redis.Redis, keys: tuple[str, ...], args: tuple[Any, ...]) -> Any:
        """Run on a sync client."""
        from redis.exceptions import NoScriptError

        try:
            return client.evalsha(self.sha, len(keys), *keys, *args)
        except NoScriptError:
            client.script_load(self.source)  # its SHA1 is ours
            return client.evalsha(self.sha, len(keys), *keys, *args)

    async def arun(self, client: redis.asyncio.Redis, keys: tuple[str, ...], args: tuple[Any, ...]) -> Any:
        """Run on an asyncio client."""
        from redis.exceptions import NoScriptError

        try:
            return await client.evalsha(self.sha, len(keys), *keys, *args)
        except NoScriptError:
            await client.script_load(self.source)
            return await client.evalsha(self.sha, len(keys), *keys, *args)

    def __repr__(self) -> str:
        return f"Script({self.sha[:12]})"


RESERVE: Final = Script(RESERVE_SOURCE)
PENALIZE: Final = Script(PENALIZE_SOURCE)
OBSERVE: Final = Script(OBSERVE_SOURCE)
BLOCK: Final = Script(BLOCK_SOURCE)
SNAPSHOT: Final = Script(SNAPSHOT_SOURCE)


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def parse_snapshot(raw: Any) -> tuple[float, dict[str, MethodBudget]]:
    """The level and the budgets of the snapshot script's answer."""
    level_text, flat = raw[0], raw[1] or []
    fields = {_text(flat[i]): _text(flat[i + 1]) for i in range(0, len(flat) - 1, 2)}
    methods: dict[str, MethodBudget] = {}
    for name, value in fields.items():
        if not name.startswith("o:"):
            continue
        method = name[2:]
        reset = fields.get("r:" + method)
        try:
            methods[method] = MethodBudget(float(value), float(reset if reset is not None else ""))
        except ValueError:  # half a record (written by something else): not a budget
            continue
    return float(_text(level_text)), methods
