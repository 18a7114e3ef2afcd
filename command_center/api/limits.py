"""The HTTP service's limits, and the rate limiter that enforces two of them (no Qt, no I/O).

Sized for a county (one center, a dozen integrators and field apps, a few hundred grid workers):
see README, "HTTP service". Every number can be changed on the command line
(``command-center serve --help``).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ServerLimits:
    # connections: the kernel's accept queue, and the most sockets served at once (beyond it
    # uvicorn answers 503); a half-sent request is dropped after request_timeout seconds
    backlog: int = 2048
    max_connections: int = 4096
    request_timeout: float = 10.0  # headers and body of one request, from its first byte
    keep_alive: int = 5  # seconds an idle keep-alive connection stays open
    max_header_bytes: int = 16 * 1024  # request line and headers (h11's incomplete event)
    max_body_bytes: int = 1 << 20  # a POST: its fields (capped one by one) fit with room
    # database: connections for the server, how many requests use them at once, how long a
    # request waits for one before a 503 (and the pool's own wait, shorter)
    db_pool: int = 8
    db_queue_timeout: float = 10.0
    db_pool_timeout: float = 2.0
    # rate limits (token buckets): a burst, then so many requests a second
    per_address_burst: int = 600
    per_address_rate: float = 100.0
    per_key_burst: int = 400
    per_key_rate: float = 50.0
    # the public sees coordinates rounded to so many decimals (open311_api.PUBLIC_DECIMALS)
    public_decimals: int = 3


class RateLimiter:
    """Token buckets by name: ``take(name)`` is 0 when allowed, else the seconds to wait."""

    MAX_BUCKETS = 100_000  # forgotten oldest first beyond this: memory stays bounded

    def __init__(self, burst: int, rate: float, now: Callable[[], float] = time.monotonic) -> None:
        self.burst, self.rate, self._now = float(burst), float(rate), now
        self._buckets: dict[str, tuple[float, float]] = {}  # name -> (tokens, when)
        self._lock = threading.Lock()

    def take(self, name: str) -> int:
        with self._lock:
            now = self._now()
            tokens, when = self._buckets.pop(name, (self.burst, now))
            tokens = min(self.burst, tokens + (now - when) * self.rate)
            if tokens >= 1:
                self._buckets[name] = (tokens - 1, now)
                wait = 0
            else:
                self._buckets[name] = (tokens, now)
                wait = max(1, math.ceil((1 - tokens) / self.rate)) if self.rate > 0 else 3600
            while len(self._buckets) > self.MAX_BUCKETS:
                self._buckets.pop(next(iter(self._buckets)))
            return wait
