"""Lets wearer time pass in step with the wall clock (optionally faster)."""

import asyncio
import time

from .device import SUPPORTED_RATE, VirtualWearable

TICK = 0.1


class RealtimeRunner:
    """Advances a VirtualWearable every TICK seconds by `speed` times TICK of wearer time."""

    def __init__(self, device: VirtualWearable, *, speed: float = 1.0) -> None:
        """Bind to a device."""
        self.device = device
        self.speed = speed
        self._handle: asyncio.TimerHandle | None = None
        self._last = 0.0
        self._owed = 0.0

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Start ticking on the loop."""
        self._last = time.monotonic()
        self._handle = loop.call_later(TICK, self._tick, loop)

    def stop(self) -> None:
        """Stop ticking."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def _tick(self, loop: asyncio.AbstractEventLoop) -> None:
        now = time.monotonic()
        self._owed += (now - self._last) * self.speed * SUPPORTED_RATE
        self._last = now
        due = int(self._owed)
        if due:
            self._owed -= due
            self.device.advance(due)
        self._handle = loop.call_later(TICK, self._tick, loop)
