"""backward.py: the walk test and "Going now" sessions as the coordinator holds them — starting
them, feeding them the engine's steps, their results (kept, capped, announced) and restoring those
results from the store.

The walk test and session rules themselves are tested in test_walktest.py and test_session.py;
the whole flow through buttons, actions and entities in test_walk_test_flow.py."""

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import numpy as np
import pytest

from custom_components.retrowalk.backward import (
    BACKWARD_SESSION,
    BACKWARD_WALK_TEST,
    BackwardActivities,
)
from custom_components.retrowalk.devices.base import SampleBatch
from custom_components.retrowalk.gait import Direction, EngineUpdate, Placement, StepEvent
from custom_components.retrowalk.session import END_PAUSE_S, START_WAIT_S
from custom_components.retrowalk.walktest import HISTORY, STOP_S, Outcome, WalkTestResult

from .common import PREFIX, Start, state, stored_state, wait_for

TIME = f"sensor.{PREFIX}_backward_walk_test_time"


class Recorder:
    """A BackwardActivities with its announcements and on_result calls recorded."""

    def __init__(self) -> None:
        self.saved = 0
        self.announced: list[tuple[str, dict[str, Any]]] = []
        self.activities = BackwardActivities("Left shoe", self._save)
        self.unsubscribe = self.activities.async_add_listener(
            lambda kind, data: self.announced.append((kind, data))
        )

    def _save(self) -> None:
        self.saved += 1


def _steps(times: list[float], direction: Direction, **extra: Any) -> tuple[StepEvent, ...]:
    return tuple(StepEvent(t=t, direction=direction, confidence=1.0, **extra) for t in times)


def follow(backward: BackwardActivities, t: float, steps: tuple[StepEvent, ...]) -> None:
    """What the coordinator does with each update: the session takes the steps, then both go on."""
    backward.session_steps(t, steps)
    backward.async_follow(t, steps)


BACKWARD_WALK = _steps(
    [1.0, 1.7, 2.4, 3.1, 3.8, 4.5], Direction.BACKWARD, stride_length_m=0.6, speed_m_s=0.5
)


def test_a_walk_test_result_is_kept_announced_and_saved() -> None:
    rec = Recorder()
    backward = rec.activities
    backward.start_walk_test(0.0, Placement.FOOT, connected=True, measures_strides=True)
    assert backward.walk_test is not None
    backward.async_follow(None, BACKWARD_WALK)  # no sample time yet: nothing happens
    backward.async_follow(5.0, BACKWARD_WALK)
    assert rec.announced == [] and rec.saved == 0  # still walking
    backward.async_follow(4.5 + STOP_S, ())
    assert backward.walk_test is None
    assert [r.outcome for r in backward.walk_tests] == [Outcome.OK]
    assert backward.walk_tests[0].when is not None  # stamped with the wall clock
    assert [kind for kind, _ in rec.announced] == [BACKWARD_WALK_TEST]
    assert rec.announced[0][1] == backward.walk_tests[0].to_dict()
    assert rec.saved == 1


def test_a_walk_test_needs_strides_and_a_connection() -> None:
    rec = Recorder()
    backward = rec.activities
    with pytest.raises(ServiceValidationError) as err:
        backward.start_walk_test(0.0, Placement.WRIST, connected=True, measures_strides=False)
    assert err.value.translation_key == "cannot_time_walk"
    assert err.value.translation_placeholders == {"name": "Left shoe", "placement": "wrist/arm"}
    with pytest.raises(ServiceValidationError) as err:
        backward.start_walk_test(0.0, Placement.FOOT, connected=False, measures_strides=True)
    assert err.value.translation_key == "needs_connection"
    with pytest.raises(ServiceValidationError):
        backward.start_session(0.0, Placement.FOOT, connected=False)
    assert backward.walk_test is None
    assert backward.session is None


def test_a_new_walk_test_starts_anew_a_new_session_goes_on() -> None:
    backward = Recorder().activities
    backward.start_walk_test(0.0, Placement.FOOT, connected=True, measures_strides=True)
    first = backward.walk_test
    backward.start_walk_test(10.0, Placement.FOOT, connected=True, measures_strides=True)
    assert backward.walk_test is not first
    assert backward.walk_test is not None and backward.walk_test.start == 10.0

    backward.start_session(0.0, Placement.FOOT, connected=True)
    session = backward.session
    backward.start_session(10.0, Placement.FOOT, connected=True)
    assert backward.session is session


@pytest.mark.parametrize(
    ("placement", "declares"), [(Placement.FOOT, False), (Placement.WRIST, True)]
)
def test_only_a_session_declares_steps(placement: Placement, declares: bool) -> None:
    backward = Recorder().activities
    unsure = (StepEvent(t=5.0, direction=Direction.FORWARD, confidence=0.1),)
    assert backward.session_steps(5.0, unsure) is None  # no session: nothing is declared
    backward.start_session(0.0, placement, connected=True)
    assert backward.session_steps(None, unsure) is None  # no sample time yet
    assert backward.session_steps(5.0, unsure) == [declares]


def test_a_session_ends_after_the_pause_and_its_result_is_kept() -> None:
    rec = Recorder()
    backward = rec.activities
    backward.start_session(0.0, Placement.FOOT, connected=True)
    follow(backward, 5.0, BACKWARD_WALK)
    assert backward.session is not None
    follow(backward, 4.5 + END_PAUSE_S, ())
    assert backward.session is None
    last = backward.last_session
    assert last is not None and last.steps == len(BACKWARD_WALK) and last.when is not None
    assert rec.announced == [(BACKWARD_SESSION, last.to_dict())]
    assert rec.saved == 1


def test_a_disconnect_fails_the_test_and_ends_the_session() -> None:
    rec = Recorder()
    backward = rec.activities
    backward.async_disconnected()  # nothing running: nothing to announce
    assert rec.announced == [] and rec.saved == 0
    backward.start_walk_test(0.0, Placement.FOOT, connected=True, measures_strides=True)
    backward.start_session(0.0, Placement.FOOT, connected=True)
    follow(backward, 3.0, BACKWARD_WALK[:3])
    backward.async_disconnected()
    assert backward.walk_test is None and backward.session is None
    assert [kind for kind, _ in rec.announced] == [BACKWARD_WALK_TEST, BACKWARD_SESSION]
    assert backward.walk_tests[-1].outcome is Outcome.DISCONNECTED
    assert backward.walk_tests[-1].steps == 3
    assert backward.last_session is not None and backward.last_session.steps == 3
    assert rec.saved == 2


def test_home_assistant_ending_the_stream_interrupts_the_test_and_ends_the_session() -> None:
    rec = Recorder()
    backward = rec.activities
    backward.start_walk_test(0.0, Placement.FOOT, connected=True, measures_strides=True)
    backward.start_session(0.0, Placement.FOOT, connected=True)
    follow(backward, 3.0, BACKWARD_WALK[:3])
    backward.async_disconnected(interrupted=True)
    assert backward.walk_test is None and backward.session is None
    assert backward.walk_tests[-1].outcome is Outcome.INTERRUPTED
    assert backward.walk_tests[-1].steps == 3
    # The session's steps so far are its result, announced once like any other session's.
    assert backward.last_session is not None and backward.last_session.steps == 3
    assert [kind for kind, _ in rec.announced] == [BACKWARD_WALK_TEST, BACKWARD_SESSION]
    assert rec.announced[0][1]["outcome"] == "interrupted"
    backward.async_disconnected(interrupted=True)  # the stream ending again: nothing more
    assert len(rec.announced) == 2


def test_an_unsubscribed_listener_hears_nothing_but_the_result_is_saved() -> None:
    rec = Recorder()
    backward = rec.activities
    rec.unsubscribe()
    backward.start_session(0.0, Placement.FOOT, connected=True)
    follow(backward, START_WAIT_S, ())  # nobody walked: the session ends empty
    assert rec.announced == []
    assert rec.saved == 1
    assert backward.last_session is not None and backward.last_session.steps == 0


def test_the_history_keeps_the_latest_results_and_round_trips() -> None:
    backward = Recorder().activities
    for i in range(HISTORY + 3):
        backward.start_walk_test(0.0, Placement.FOOT, connected=True, measures_strides=True)
        backward.async_follow(float(i), ())
        backward.async_disconnected()
    assert len(backward.walk_tests) == HISTORY
    data = backward.to_dict()
    assert data["last_session"] is None

    again = Recorder().activities
    again.restore(data)
    assert again.walk_tests == backward.walk_tests
    assert again.last_session is None
    # A store written with a longer history is cut to the latest HISTORY results.
    longer = [
        WalkTestResult(outcome=Outcome.NO_WALK, steps=i).to_dict() for i in range(HISTORY + 5)
    ]
    again.restore({"walk_tests": longer})
    assert [t.steps for t in again.walk_tests] == list(range(5, HISTORY + 5))


def test_restoring_an_empty_store_leaves_no_results() -> None:
    backward = Recorder().activities
    backward.restore({})
    assert backward.walk_tests == []
    assert backward.last_session is None


def _stored(**extra: Any) -> dict[str, Any]:
    return stored_state({"backward": 30}, {"backward": 30}, **extra)


async def test_history_and_last_session_restore_skipping_malformed_ones(
    hass: HomeAssistant, start: Start, caplog: pytest.LogCaptureFixture
) -> None:
    good = {"outcome": "ok", "steps": 9, "time_s": 6.3, "distance_m": 2.9, "speed_m_s": 0.46}
    stored = _stored(
        walk_tests=[good, {"outcome": "fell"}, {"outcome": "no_walk"}],
        last_session={"steps": 30, "declared_steps": 0, "minutes": 0.4, "speed_m_s": 0.5},
    )
    _, coordinator, _ = await start(stored=stored)
    assert [str(t.outcome) for t in coordinator.backward.walk_tests] == ["ok", "no_walk"]
    assert "Ignoring a malformed walk test result" in caplog.text
    assert state(hass, TIME).state == "6.3"  # the last timed test, not the failed attempt after it
    assert state(hass, TIME).attributes["last_outcome"] == "no_walk"
    assert state(hass, TIME).attributes["tests"] == 1
    assert state(hass, f"sensor.{PREFIX}_backward_session_steps").state == "30"
    assert coordinator.ledger.today.backward == 30


async def test_a_malformed_session_is_skipped_and_the_counts_kept(
    hass: HomeAssistant, start: Start, caplog: pytest.LogCaptureFixture
) -> None:
    stored = _stored(walk_tests="garbage", last_session={"minutes": "long"})
    _, coordinator, _ = await start(stored=stored)
    assert coordinator.backward.walk_tests == []
    assert coordinator.backward.last_session is None
    assert "Ignoring a malformed backward session" in caplog.text
    assert coordinator.ledger.today.backward == 30


async def test_a_session_pressed_before_the_first_sample_counts_what_the_ledger_counts(
    hass: HomeAssistant, start: Start, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "Going now" pressed as the wearable connects, and the first notification already holds
    steps (a buffered burst): the ledger and the session decide about each step once, together,
    so the first step is in both or in neither."""
    device, coordinator, _ = await start(placement=Placement.WRIST, loop=False)
    assert coordinator.stream.last_t is None  # connected, nothing received yet
    coordinator.async_start_session()
    unsure = tuple(
        StepEvent(t=1.0 + 0.6 * k, direction=Direction.FORWARD, confidence=0.3) for k in range(5)
    )
    burst = EngineUpdate(
        steps=unsure, bouts=(), walking=True, direction=Direction.FORWARD, cadence=100.0, gap_s=0.0
    )
    # The engine is stood in for: which steps a wrist engine finds is not what is tested here.
    monkeypatch.setattr(coordinator.stream.engine, "process", lambda *_: burst)
    t = np.linspace(0.0, 4.0, 200)
    coordinator.async_on_batch(SampleBatch(t=t, acc=np.tile([0.0, 0.0, 9.81], (200, 1)), gyro=None))
    device.drop_link()
    await wait_for(lambda: not coordinator.connection.connected)
    session = coordinator.backward.last_session
    assert session is not None
    assert coordinator.ledger.today.declared_backward == session.declared_steps == len(unsure)
    assert coordinator.ledger.today.backward == session.steps == len(unsure)
