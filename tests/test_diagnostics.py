"""Diagnostics carry stream health and never the Bluetooth address or the wearable's name."""

import json
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.json import JSONEncoder
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import paths

from custom_components.retrowalk.diagnostics import async_get_config_entry_diagnostics

from .common import ADDRESS, NAME, MakeWearable, Walk, entry_for, setup_entry, setup_scene


async def test_diagnostics_are_redacted_and_useful(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    make_wearable: MakeWearable,
    walk: Walk,
) -> None:
    device = make_wearable("forward:40", loop=False)
    device.frame_filter = lambda data: [data[:5], data]
    entry = entry_for()
    await setup_entry(hass, entry)
    await walk(device, 20)
    engine = entry.runtime_data.stream.engine
    assert engine.dropped == {"nonfinite": 0, "backwards": 0, "repeated": 0}
    # A notification that repeats the last sample's time, then one from long ago.
    t = engine._resampler.last_t
    engine.process([t, t - 1.0], [[0.0, 0.0, 9.8]] * 2, [[0.0, 0.0, 0.0]] * 2)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    text = json.dumps(diagnostics)
    for secret in (ADDRESS, ADDRESS.lower(), NAME, ADDRESS.replace(":", "")):
        assert secret not in text
    assert diagnostics["protocol"] == "retrowalk_imu"
    assert diagnostics["connection"]["connected"] is True
    assert diagnostics["stream"]["samples"] > 1000
    assert diagnostics["decode_errors"]["length"] > 10
    assert diagnostics["protocol_errors"] == diagnostics["decode_errors"]
    assert diagnostics["dropped_samples"] == {"nonfinite": 0, "backwards": 1, "repeated": 1}
    assert diagnostics["today"]["forward"] > 0
    assert diagnostics["walk_test"] == {"running": False, "results": []}
    assert diagnostics["backward_session"] == {"running": False, "last": None}
    assert diagnostics["entry"]["data"]["address"] == "**REDACTED**"


async def test_diagnostics_snapshot(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    make_wearable: MakeWearable,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    snapshot: SnapshotAssertion,
) -> None:
    """The whole diagnostics of the scene in tests/common.py, redacted.

    Called directly, through the JSON the download goes through: the scene's frozen clock is
    months away from the test client's access token, which the HTTP path would refuse (the test
    above covers that path).
    """
    await setup_scene(hass, mock_config_entry, make_wearable, freezer, hass_storage)
    diagnostics = await async_get_config_entry_diagnostics(hass, mock_config_entry)
    # The advertisement's receive time is the host's monotonic clock: the one value no scene fixes.
    assert json.loads(json.dumps(diagnostics, cls=JSONEncoder)) == snapshot(
        exclude=paths("service_info.time")
    )
