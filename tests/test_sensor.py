"""Sensors: counts, goals, walk measures, gait, battery and calibration."""

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
import pytest

from custom_components.retrowalk.gait import Direction, Placement

from .common import PREFIX, SnapshotEntities, Start, Walk, state, wait_for


async def test_all_entities(snapshot_entities: SnapshotEntities) -> None:
    """Every sensor: state, unit, device and state class, on the scene of tests/common.py."""
    await snapshot_entities(Platform.SENSOR)


async def test_live_entities_unavailable_while_away_counts_stay(
    hass: HomeAssistant, start: Start, walk: Walk, caplog: pytest.LogCaptureFixture
) -> None:
    device, coordinator, _ = await start("forward:40,sit:600s", loop=False)
    await walk(device, 30)
    counted = coordinator.ledger.today.forward
    assert state(hass, f"sensor.{PREFIX}_battery").state == "87"
    device.in_range = False
    device.drop_link()
    await wait_for(lambda: not coordinator.connection.connected)
    await walk(device, 10)
    assert state(hass, f"sensor.{PREFIX}_cadence").state == "unavailable"
    assert state(hass, f"sensor.{PREFIX}_current_gait").state == "unavailable"
    assert state(hass, f"sensor.{PREFIX}_forward_steps_today").state == str(counted)
    assert caplog.text.count("Retrowalk IMU Test is unavailable") == 1
    device.in_range = True
    await wait_for(lambda: coordinator.connection.connected, 10)
    assert caplog.text.count("Retrowalk IMU Test is back online") == 1
    assert state(hass, f"sensor.{PREFIX}_current_gait").state == "still"


async def test_sideways_steps_and_gait(hass: HomeAssistant, start: Start, walk: Walk) -> None:
    # Forward first: a fresh engine learns which way is forward from the dominant walking.
    device, coordinator, _ = await start("forward:80,left:30,right:30,sit:60s", loop=False)
    await walk(device, 90)
    truth = device.truth.delivered[Direction.LEFT] + device.truth.delivered[Direction.RIGHT]
    assert abs(coordinator.ledger.today.sideways - truth) <= max(3, 0.2 * truth)


async def test_walking_speed_stride_length_and_variability_of_the_last_walk(
    hass: HomeAssistant, start: Start, walk: Walk
) -> None:
    # Forward first (a fresh engine learns which way is forward), a pause ends each bout.
    device, coordinator, _ = await start("forward:60,sit:10s,backward:40,sit:30s", loop=False)
    speed = f"sensor.{PREFIX}_backward_walking_speed"
    assert state(hass, speed).state == "unknown"  # no walk measured yet: unknown, not zero
    await walk(device, 110)
    assert set(coordinator.stream.last_walk) == {Direction.FORWARD, Direction.BACKWARD}
    backward = float(state(hass, speed).state)
    forward = float(state(hass, f"sensor.{PREFIX}_forward_walking_speed").state)
    stride = float(state(hass, f"sensor.{PREFIX}_backward_stride_length").state)
    variability = float(state(hass, f"sensor.{PREFIX}_backward_step_time_variability").state)
    # The virtual walker (virtual/styles.py): backward strides 2 x 0.36 m at 85 steps/min,
    # forward 2 x 0.70 m at 105 steps/min.
    assert stride == pytest.approx(0.72, rel=0.1)
    assert backward == pytest.approx(0.72 * 85 / 120, rel=0.1)
    assert forward == pytest.approx(1.40 * 105 / 120, rel=0.1)
    assert 0.0 <= variability < 15.0
    saved = coordinator.stored()["last_walk"]["backward"]
    assert saved["stride_length_m"] == pytest.approx(stride, abs=1e-3)
    attributes = state(hass, speed).attributes
    assert attributes["state_class"] == "measurement"
    assert attributes["unit_of_measurement"] == "m/s"


@pytest.mark.parametrize("placement", [Placement.WAIST, Placement.WRIST])
async def test_stride_entities_unavailable_where_they_cannot_be_measured(
    hass: HomeAssistant, start: Start, walk: Walk, placement: Placement
) -> None:
    device, _, _ = await start("forward:40,sit:30s", placement, loop=False)
    await walk(device, 60)
    for key in (
        "backward_walking_speed",
        "forward_walking_speed",
        "backward_stride_length",
        "backward_step_time_variability",
    ):
        assert state(hass, f"sensor.{PREFIX}_{key}").state == "unavailable", key
    assert state(hass, f"sensor.{PREFIX}_forward_steps_today").state != "unavailable"
