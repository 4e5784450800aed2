"""The real redis-server fixtures of the shared-state tests, reused by the adversarial tests."""

from tests.distributed.conftest import redis_server, redis_url

__all__ = ["redis_server", "redis_url"]
