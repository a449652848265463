"""A client-side sliding-window rate limiter.

Contract: ``SlidingWindowLimiter.acquire()`` blocks (through the injected ``sleep``) until one more
call fits in the window, then records it. At most ``max_calls`` calls are recorded in any interval
of ``window`` seconds of the injected ``clock``. The clock and sleep functions are injectable so
tests never wait for real; the limiter itself does no I/O.

The documented bulkUpload limit is 40 calls per 5-second window (docs/entra-provisioning.md §5.2).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

BULK_UPLOAD_MAX_CALLS = 40
BULK_UPLOAD_WINDOW_SECONDS = 5.0


class SlidingWindowLimiter:
    """Allows at most ``max_calls`` calls in any ``window``-second interval."""

    def __init__(
        self,
        max_calls: int = BULK_UPLOAD_MAX_CALLS,
        window: float = BULK_UPLOAD_WINDOW_SECONDS,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if max_calls < 1 or window <= 0:
            raise ValueError("max_calls must be >= 1 and window > 0")
        self.max_calls = max_calls
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._calls: deque[float] = deque()

    def acquire(self) -> float:
        """Wait until a call is allowed, record it, and return the seconds waited."""
        waited = 0.0
        while True:
            now = self._clock()
            while self._calls and self._calls[0] <= now - self.window:
                self._calls.popleft()
            if len(self._calls) < self.max_calls:
                self._calls.append(now)
                return waited
            delay = self._calls[0] + self.window - now
            # A clock that does not move would loop forever; always wait a little.
            delay = max(delay, 0.001)
            self._sleep(delay)
            waited += delay
