"""Token buckets: how often a client may do something, in memory only.

Each key (a client's address) has a bucket of ``burst`` tokens that refills at ``rate`` a
second; an action takes one token or is refused with the seconds until one is back. The
keys live in this process's memory and nowhere else (nothing about a client is written
down); at most ``max_keys`` are kept, full buckets (idle clients) dropped first, since a
full bucket is the same as none.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable


class TokenBuckets:
    def __init__(
        self,
        rate: float,
        burst: float,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("a token bucket needs a rate above 0 and room for one token")
        self.rate, self.burst, self.max_keys, self.clock = rate, float(burst), max_keys, clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key: (tokens, at)
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Take a token for ``key``: 0.0 when there was one, else the seconds to wait."""
        with self._lock:
            now = self.clock()
            tokens, at = self._buckets.pop(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - at) * self.rate)
            if tokens >= 1:
                tokens -= 1
                wait = 0.0
            else:
                wait = (1 - tokens) / self.rate
            self._buckets[key] = (tokens, now)  # most recently used last
            if len(self._buckets) > self.max_keys:
                self._forget(now)
            return wait

    def _forget(self, now: float) -> None:
        """Drop the buckets that have refilled, else the least recently used."""
        for key, (tokens, at) in list(self._buckets.items()):
            if tokens + (now - at) * self.rate >= self.burst:
                del self._buckets[key]
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
