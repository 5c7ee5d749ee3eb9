"""The entities' snapshot: gait and calibration states, and what a placement can measure."""

from dataclasses import FrozenInstanceError

from homeassistant.core import HomeAssistant
import pytest

from custom_components.retrowalk.data import Gait, measures_strides
from custom_components.retrowalk.gait import Direction, Placement

from .common import Start


@pytest.mark.parametrize(
    ("walking", "direction", "gait"),
    [
        (False, Direction.FORWARD, Gait.STILL),  # the last direction stays, the walk ended
        (True, None, Gait.STILL),  # walking, but no direction decided yet
        (True, Direction.FORWARD, Gait.FORWARD),
        (True, Direction.BACKWARD, Gait.BACKWARD),
        (True, Direction.LEFT, Gait.SIDEWAYS),
        (True, Direction.RIGHT, Gait.SIDEWAYS),
    ],
)
def test_gait_of_the_walking_state(walking: bool, direction: Direction | None, gait: Gait) -> None:
    assert Gait.of(walking, direction) is gait


def test_entity_states_are_the_enum_values() -> None:
    """The gait sensor's options and states; translations and snapshots key on these strings."""
    assert [str(g) for g in Gait] == ["still", "forward", "backward", "sideways"]


@pytest.mark.parametrize(
    ("placement", "has_gyro", "expected"),
    [
        (Placement.FOOT, True, True),
        (Placement.SHANK, True, True),
        (Placement.FOOT, False, False),  # strides are integrated from the gyroscope
        (Placement.WAIST, True, False),
        (Placement.WRIST, True, False),
    ],
)
def test_measures_strides(placement: Placement, has_gyro: bool, expected: bool) -> None:
    assert measures_strides(placement, has_gyro) is expected


async def test_snapshot_is_frozen_and_a_copy(hass: HomeAssistant, start: Start) -> None:
    """Entities read a snapshot: counting on must not change what was published."""
    _, coordinator, _ = await start()
    data = coordinator.data
    with pytest.raises(FrozenInstanceError):
        data.connected = False  # type: ignore[misc]
    forward = data.today.forward
    coordinator.ledger.today.forward += 5
    assert data.today.forward == forward
    assert data.today is not coordinator.ledger.today
