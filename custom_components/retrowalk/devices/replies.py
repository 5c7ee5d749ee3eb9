"""Awaiting control-point replies that arrive as notifications."""

import asyncio
from collections.abc import Callable

from .base import SetupError

REPLY_TIMEOUT_S = 5.0


class Replies:
    """Queue of notifications on a reply characteristic, consumed by the setup sequence.

    Once setup is over (`close`), further notifications go to `after_setup` instead of piling up.
    """

    def __init__(self, after_setup: Callable[[bytes], None] | None = None) -> None:
        self._queue: asyncio.Queue[bytes] = asyncio.Queue()
        self._after_setup = after_setup
        self._closed = False

    def push(self, data: bytes) -> None:
        """Notification callback for the reply characteristic."""
        if not self._closed:
            self._queue.put_nowait(bytes(data))
        elif self._after_setup is not None:
            self._after_setup(bytes(data))

    def close(self) -> None:
        """End of setup: later notifications are unsolicited."""
        self._closed = True

    async def wait_for(self, accept: Callable[[bytes], bool]) -> bytes:
        """Next reply `accept` recognises; unrelated notifications are skipped."""
        try:
            async with asyncio.timeout(REPLY_TIMEOUT_S):
                while True:
                    data = await self._queue.get()
                    if accept(data):
                        return data
        except TimeoutError:
            raise SetupError("timeout", "no reply from the device") from None
