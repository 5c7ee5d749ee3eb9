"""Nudges out of the policy and into Home Assistant: the event entity (and the soak) listen."""

from collections.abc import Callable
from datetime import datetime
import logging

from homeassistant.core import CALLBACK_TYPE, callback

from .ledger import DayTotals
from .nudge import Nudge, NudgePolicy

_LOGGER = logging.getLogger(__name__)


class NudgeEvents:
    """The listeners of one wearable's nudges."""

    def __init__(self) -> None:
        """Start without listeners."""
        self._listeners: list[Callable[[Nudge], None]] = []

    @callback
    def async_add_listener(self, listener: Callable[[Nudge], None]) -> CALLBACK_TYPE:
        """Subscribe to nudges; returns the unsubscribe callback."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @callback
    def async_check(self, policy: NudgePolicy, now: datetime, today: DayTotals) -> bool:
        """Evaluate the policy at `now` (local) and tell the listeners what it fires.

        Returns whether anything fired (the policy then has state to save).
        """
        fired = policy.check(
            now, backward_steps=today.backward, backward_seconds=today.backward_seconds
        )
        for nudge in fired:
            _LOGGER.debug("Nudge %s: %s", nudge.type, nudge.data)
            for listener in list(self._listeners):  # a listener may unsubscribe itself
                listener(nudge)
        return bool(fired)
