"""The development-only virtual wearable integration: its YAML, its actions, and what it is not."""

import asyncio
from typing import Any

from homeassistant.components import bluetooth
from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.setup import async_setup_component
import pytest

from custom_components.retrowalk.const import DOMAIN as RETROWALK
from custom_components.retrowalk.gait import Placement
from custom_components.retrowalk_virtual.client import DEVICES
from custom_components.retrowalk_virtual.config import DEFAULT_ADDRESS, DOMAIN
from custom_components.retrowalk_virtual.device import VirtualWearable
from custom_components.retrowalk_virtual.model import parse_scenario


async def _truth(hass: HomeAssistant) -> dict[str, Any]:
    response = await hass.services.async_call(
        DOMAIN, "truth", {}, blocking=True, return_response=True
    )
    assert response is not None
    return dict(response)


async def test_yaml_starts_an_advertising_wearable_with_actions(
    hass: HomeAssistant, enable_bluetooth: Any
) -> None:
    config = {DOMAIN: {"scenario": "sit:5s,forward:20", "speed": 20}}
    assert await async_setup_component(hass, DOMAIN, config)
    await hass.async_block_till_done()
    info = bluetooth.async_last_service_info(hass, DEFAULT_ADDRESS, connectable=True)
    assert info is not None
    assert info.name == "Retrowalk IMU Virtual"
    device = DEVICES[DEFAULT_ADDRESS]
    await asyncio.sleep(0.3)  # about 6 s of wearer time at speed 20
    truth = await _truth(hass)
    assert truth["model_seconds"] > 2
    assert truth["connected"] is False
    assert truth["rate"] == 104

    await hass.services.async_call(
        DOMAIN, "play", {"scenario": "backward:10", "loop": False}, blocking=True
    )
    assert not device.loop
    await hass.services.async_call(DOMAIN, "fault", {"fault": "refuse", "count": 3}, blocking=True)
    assert device.refuse_connections == 3
    await hass.services.async_call(DOMAIN, "fault", {"fault": "hang", "count": 2}, blocking=True)
    assert device.hang_connections == 2
    await hass.services.async_call(DOMAIN, "fault", {"fault": "out_of_range"}, blocking=True)
    assert not device.in_range
    await hass.services.async_call(DOMAIN, "fault", {"fault": "in_range"}, blocking=True)
    assert device.in_range
    await hass.services.async_call(DOMAIN, "fault", {"fault": "drop_link"}, blocking=True)
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(DOMAIN, "play", {"scenario": "dance:10"}, blocking=True)

    hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
    await hass.async_block_till_done()
    assert DEFAULT_ADDRESS not in DEVICES


async def test_bad_scenario_in_yaml_is_logged_not_fatal(
    hass: HomeAssistant, enable_bluetooth: Any, caplog: pytest.LogCaptureFixture
) -> None:
    config = {DOMAIN: {"scenario": "moonwalk:5"}}
    assert await async_setup_component(hass, DOMAIN, config)
    assert "Virtual wearable not started: bad scenario" in caplog.text
    assert DEFAULT_ADDRESS not in DEVICES


async def test_without_yaml_nothing_advertises(hass: HomeAssistant, enable_bluetooth: Any) -> None:
    assert await async_setup_component(hass, DOMAIN, {})
    assert DEFAULT_ADDRESS not in DEVICES
    assert not hass.services.has_service(DOMAIN, "play")


async def test_retrowalk_takes_no_yaml(
    hass: HomeAssistant, enable_bluetooth: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """The shipped integration is set up from config entries only; the old YAML key is refused."""
    config = {RETROWALK: {"virtual_wearable": {"scenario": "demo"}}}
    assert await async_setup_component(hass, RETROWALK, config)
    await hass.async_block_till_done()
    assert "does not support YAML setup" in caplog.text
    assert DEFAULT_ADDRESS not in DEVICES
    assert not hass.services.has_service(RETROWALK, "virtual_wearable_play")


def _wearable(scenario: str, *, loop: bool = True) -> VirtualWearable:
    """A wearable on its own (no proxy), stepped by hand."""
    return VirtualWearable(
        address="AA:BB:CC:DD:EE:01",
        name="x",
        placement=Placement.FOOT,
        scenario=parse_scenario(scenario),
        seed=3,
        loop=loop,
    )


def test_a_new_scenario_keeps_the_sensor_mounting() -> None:
    device = _wearable("sit:10s")
    before = device._stream.mounting.copy()
    device.advance(50)
    device.play(parse_scenario("forward:10"))
    assert (device._stream.mounting == before).all()


def test_the_sensor_keeps_streaming_after_the_scenario_ends() -> None:
    device = _wearable("forward:10", loop=False)
    total = 0
    while not device.scenario_finished:
        total += device.advance(100)
    steps = sum(device.truth.missed.values())
    assert device.advance(500) == 500  # sitting still, still sampled
    assert sum(device.truth.missed.values()) == steps == 10
    device.play(parse_scenario("sit:1s"), loop=False)
    assert not device.scenario_finished
