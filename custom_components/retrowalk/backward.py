"""The user's backward walking activities: the guided walk test and "Going now" sessions.

Both run on the engine's sample clock and end with a result that is kept (and survives a restart)
and announced to listeners (the backward walking event entity).
"""

from collections.abc import Callable, Sequence
from dataclasses import replace
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .gait import Placement, StepEvent
from .gait.advice import WHERE, direction_is_chance
from .persist import MALFORMED
from .session import Session, SessionResult
from .walktest import HISTORY, WalkTest, WalkTestResult

_LOGGER = logging.getLogger(__name__)

# Event types of the backward walking event entity.
BACKWARD_WALK_TEST = "backward_walk_test"
BACKWARD_SESSION = "backward_session"

type ResultListener = Callable[[str, dict[str, Any]], None]


class BackwardActivities:
    """The running walk test and session, and the results they left."""

    def __init__(self, name: str, on_result: Callable[[], None]) -> None:
        """`on_result` runs after each result was announced (to save it and update entities)."""
        self.name = name
        self.walk_test: WalkTest | None = None
        self.walk_tests: list[WalkTestResult] = []
        self.session: Session | None = None
        self.last_session: SessionResult | None = None
        self._on_result = on_result
        self._listeners: list[ResultListener] = []

    def restore(self, data: dict[str, Any]) -> None:
        """Take the results from the store; a malformed one is skipped (logged)."""
        self.walk_tests = _tests_from_list(data.get("walk_tests"))
        self.last_session = _session_from_dict(data.get("last_session"))

    def to_dict(self) -> dict[str, Any]:
        """The results, JSON-safe."""
        return {
            "walk_tests": [t.to_dict() for t in self.walk_tests],
            "last_session": None if self.last_session is None else self.last_session.to_dict(),
        }

    def session_steps(self, t: float | None, steps: Sequence[StepEvent]) -> list[bool] | None:
        """Give a running session the new steps, up to sample time `t`, before they are counted.

        Returns, per step, whether it counts as backward on the user's word (only in a session).
        """
        return None if self.session is None or t is None else self.session.add(t, steps)

    def start_walk_test(
        self, t: float | None, placement: Placement, *, connected: bool, measures_strides: bool
    ) -> None:
        """Start a walk test at sample time `t` (a running one starts anew)."""
        if not measures_strides:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="cannot_time_walk",
                translation_placeholders={"name": self.name, "placement": WHERE[placement]},
            )
        self._require_connection(connected)
        self.walk_test = WalkTest(t)

    def start_session(self, t: float | None, placement: Placement, *, connected: bool) -> None:
        """Start a session at sample time `t`; a running one goes on."""
        self._require_connection(connected)
        if self.session is None:
            self.session = Session(t, declare=direction_is_chance(placement))

    @callback
    def async_follow(self, t: float | None, steps: tuple[StepEvent, ...]) -> None:
        """Feed the running test the new steps, up to sample time `t`; end what has ended.

        The session took the steps already (session_steps(), before they were counted).
        """
        if t is None:
            return
        if self.walk_test and (result := self.walk_test.update(t, steps)):
            self._async_walk_test_done(result)
        if self.session and (done := self.session.ended()):
            self._async_session_done(done)

    @callback
    def async_disconnected(self, *, interrupted: bool = False) -> None:
        """The stream ended: a test fails (or finishes), a session ends with its steps so far.

        `interrupted`: Home Assistant ended the stream (going_down()), not the wearable.
        """
        if self.walk_test and (result := self.walk_test.disconnected(interrupted=interrupted)):
            self._async_walk_test_done(result)
        if self.session:
            self._async_session_done(self.session.end())

    def new_placement(self) -> None:
        """The sensor moved: a running test was timed where it started, so it is dropped."""
        self.walk_test = None

    @callback
    def async_add_listener(self, listener: ResultListener) -> CALLBACK_TYPE:
        """Subscribe to results."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _require_connection(self, connected: bool) -> None:
        if not connected:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="needs_connection",
                translation_placeholders={"name": self.name},
            )

    @callback
    def _async_walk_test_done(self, result: WalkTestResult) -> None:
        self.walk_test = None
        result = replace(result, when=dt_util.now().isoformat())
        self.walk_tests = [*self.walk_tests, result][-HISTORY:]
        _LOGGER.debug("Backward walk test of %s: %s", self.name, result)
        self._async_announce(BACKWARD_WALK_TEST, result.to_dict())

    @callback
    def _async_session_done(self, result: SessionResult) -> None:
        self.session = None
        self.last_session = replace(result, when=dt_util.now().isoformat())
        self._async_announce(BACKWARD_SESSION, self.last_session.to_dict())

    @callback
    def _async_announce(self, event_type: str, data: dict[str, Any]) -> None:
        for listener in list(self._listeners):
            listener(event_type, data)
        self._on_result()


def going_down(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Whether Home Assistant is stopping or unloading the entry (a restart, a reload).

    A stream that ends then was ended by Home Assistant, not lost by the wearable.
    """
    return hass.is_stopping or entry.state is ConfigEntryState.UNLOAD_IN_PROGRESS


def _tests_from_list(data: Any) -> list[WalkTestResult]:
    tests: list[WalkTestResult] = []
    for raw in data if isinstance(data, list) else ():
        try:
            tests.append(WalkTestResult.from_dict(raw))
        except MALFORMED as err:
            _LOGGER.warning("Ignoring a malformed walk test result in the store: %r", err)
    return tests[-HISTORY:]


def _session_from_dict(data: Any) -> SessionResult | None:
    if data is None:
        return None
    try:
        return SessionResult.from_dict(data)
    except MALFORMED as err:
        _LOGGER.warning("Ignoring a malformed backward session in the store: %r", err)
        return None
