"""What every endpoint of the HTTP service shares: the database, the limits, error answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import anyio
import anyio.to_thread
from sqlalchemy import Engine
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from command_center.api.limits import RateLimiter, ServerLimits

T = TypeVar("T")

BUSY = "服务繁忙，请稍后重试 / the service is busy, try again shortly"


class Busy(Exception):
    """No database connection within the limits' waits: answered 503 with Retry-After."""


class Context:
    """The engine and its sessions, the database gate and the rate limiters of one server."""

    def __init__(self, engine: Engine, limits: ServerLimits) -> None:
        self.engine = engine
        self.limits = limits
        self.sessions: sessionmaker[Session] = sessionmaker(engine, expire_on_commit=False)
        # at most db_pool requests use the database at once; the others wait here (cheaply,
        # not in a thread) for db_queue_timeout at most
        self._gate = anyio.Semaphore(limits.db_pool)
        self._threads = anyio.CapacityLimiter(limits.db_pool)
        self.by_address = RateLimiter(limits.per_address_burst, limits.per_address_rate)
        self.by_key = RateLimiter(limits.per_key_burst, limits.per_key_rate)

    async def run(self, work: Callable[[], T]) -> T:
        """``work`` (blocking, database) on a worker thread; :class:`Busy` when no connection
        is free within the waits (the gate's, then the pool's)."""
        try:
            with anyio.fail_after(self.limits.db_queue_timeout):
                await self._gate.acquire()
        except TimeoutError:
            raise Busy() from None
        try:
            return await anyio.to_thread.run_sync(work, limiter=self._threads)
        except PoolTimeout:
            raise Busy() from None
        finally:
            self._gate.release()
