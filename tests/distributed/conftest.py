"""Fixtures of the shared-state tests: one real redis-server per session, emptied before each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bitrix24_toolkit.testing.redis_server import running_redis


@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    """The URL of a real redis-server on loopback, for the whole session."""
    with running_redis() as url:
        yield url


@pytest.fixture
def redis_url(redis_server: str) -> str:
    """The session's redis-server, emptied (FLUSHALL) before the test."""
    import redis

    connection = redis.Redis.from_url(redis_server)
    connection.flushall()
    connection.close()
    return redis_server
