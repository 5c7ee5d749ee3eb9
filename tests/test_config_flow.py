"""Config flow through the real bluetooth stack: discovery, user step, test connection, placement,
calibration, failures, options and reconfigure."""

import asyncio
from typing import Any
from unittest.mock import patch

import pytest

from custom_components.retrowalk.const import (
    CONF_BACKWARD_GOAL,
    CONF_CALIBRATION,
    CONF_PLACEMENT,
    CONF_PROTOCOL,
    CONF_SEDENTARY_MINUTES,
    DOMAIN,
)
from custom_components.retrowalk.gait import Placement
from custom_components.retrowalk.virtual.runner import RealtimeRunner
from homeassistant.components import bluetooth
from homeassistant.config_entries import SOURCE_BLUETOOTH, SOURCE_USER
from homeassistant.const import CONF_ADDRESS
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.setup import async_setup_component

from .conftest import ADDRESS, NAME, MakeWearable, entry_for


@pytest.fixture(autouse=True)
def _no_entry_setup() -> Any:
    """The flow ends at entry creation; setting it up is other tests' business."""
    with patch("custom_components.retrowalk.async_setup_entry", return_value=True):
        yield


async def _progress_done(hass: HomeAssistant, flow_id: str) -> dict[str, Any]:
    """Let the flow's background task run, then continue the flow."""
    for _ in range(500):
        await asyncio.sleep(0.01)
        flow = hass.config_entries.flow.async_get(flow_id)
        if flow.get("progress_action") is None:
            break
        result = await hass.config_entries.flow.async_configure(flow_id)
        if result["type"] is not FlowResultType.SHOW_PROGRESS:
            return dict(result)
    return dict(await hass.config_entries.flow.async_configure(flow_id))


def _service_info(hass: HomeAssistant) -> bluetooth.BluetoothServiceInfoBleak:
    info = bluetooth.async_last_service_info(hass, ADDRESS, connectable=True)
    assert info is not None
    return info


async def _running(hass: HomeAssistant, make_wearable: MakeWearable, scenario: str) -> RealtimeRunner:
    device = make_wearable(scenario)
    runner = RealtimeRunner(device, speed=4.0)
    runner.start(hass.loop)
    return runner


async def test_discovery_confirm_connect_placement_creates_entry(
    hass: HomeAssistant, make_wearable: MakeWearable
) -> None:
    runner = await _running(hass, make_wearable, "sit:600s")
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_BLUETOOTH}, data=_service_info(hass)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "bluetooth_confirm"
    assert result["description_placeholders"]["name"] == NAME

    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.SHOW_PROGRESS
    assert result["progress_action"] == "connecting"
    result = await _progress_done(hass, result["flow_id"])
    assert result["step_id"] == "placement"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PLACEMENT: "waist", "calibrate": False}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == NAME
    assert result["data"] == {
        CONF_ADDRESS: ADDRESS,
        CONF_PROTOCOL: "retrowalk_imu",
        CONF_PLACEMENT: "waist",
    }
    assert result["result"].unique_id == ADDRESS
    runner.stop()


async def test_discovery_of_unsupported_device_aborts(hass: HomeAssistant, make_wearable: MakeWearable) -> None:
    make_wearable()
    info = _service_info(hass)
    with patch("custom_components.retrowalk.config_flow.match_protocol", return_value=None):
        result = await hass.config_entries.flow.async_init(
            DOMAIN, context={"source": SOURCE_BLUETOOTH}, data=info
        )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_supported"


async def test_discovery_of_configured_device_aborts(hass: HomeAssistant, make_wearable: MakeWearable) -> None:
    make_wearable()
    entry_for().add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_BLUETOOTH}, data=_service_info(hass)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_wearable_is_discovered_by_home_assistant(
    hass: HomeAssistant, make_wearable: MakeWearable
) -> None:
    """The manifest matcher brings the virtual wearable to Discovered without any user action."""
    assert await async_setup_component(hass, DOMAIN, {})
    make_wearable()
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [f["context"]["source"] for f in flows] == [SOURCE_BLUETOOTH]
    assert flows[0]["context"]["unique_id"] == ADDRESS


async def test_user_step_lists_supported_devices(hass: HomeAssistant, make_wearable: MakeWearable) -> None:
    runner = await _running(hass, make_wearable, "sit:600s")
    with patch(
        "custom_components.retrowalk.config_flow.bluetooth.async_request_active_scan"
    ) as scan:
        result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    scan.assert_awaited_once()
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {CONF_ADDRESS: ADDRESS})
    assert result["type"] is FlowResultType.SHOW_PROGRESS
    result = await _progress_done(hass, result["flow_id"])
    assert result["step_id"] == "placement"
    runner.stop()


async def test_user_step_without_devices_aborts(hass: HomeAssistant, enable_bluetooth: Any) -> None:
    with patch("custom_components.retrowalk.config_flow.bluetooth.async_request_active_scan"):
        result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_devices_found"


async def test_connection_failure_then_retry(hass: HomeAssistant, make_wearable: MakeWearable) -> None:
    runner = await _running(hass, make_wearable, "sit:600s")
    runner.device.refuse_connections = 10  # more than establish_connection's attempts
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_BLUETOOTH}, data=_service_info(hass)
    )
    with patch("bleak_retry_connector.asyncio.sleep"):
        result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
        result = await _progress_done(hass, result["flow_id"])
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "connect_failed"
    assert result["errors"] == {"base": "cannot_connect"}

    runner.device.refuse_connections = 0
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    result = await _progress_done(hass, result["flow_id"])
    assert result["step_id"] == "placement"
    runner.stop()


async def test_device_gone_before_connect(hass: HomeAssistant, make_wearable: MakeWearable) -> None:
    make_wearable()
    info = _service_info(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_BLUETOOTH}, data=info
    )
    with patch(
        "custom_components.retrowalk.connection.bluetooth.async_ble_device_from_address",
        return_value=None,
    ):
        result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
        result = await _progress_done(hass, result["flow_id"])
    assert result["errors"] == {"base": "not_found"}


async def test_pairing_failure_is_reported_for_bonded_protocols(
    hass: HomeAssistant, make_wearable: MakeWearable
) -> None:
    runner = await _running(hass, make_wearable, "sit:600s")
    runner.device.refuse_connections = 10
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_BLUETOOTH}, data=_service_info(hass)
    )
    with (
        patch(
            "custom_components.retrowalk.devices.retrowalk_imu.RetrowalkImu.requires_bonding", True
        ),
        patch("bleak_retry_connector.asyncio.sleep"),
    ):
        result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
        assert result["progress_action"] == "pairing"
        result = await _progress_done(hass, result["flow_id"])
    assert result["errors"] == {"base": "pairing_failed"}
    runner.stop()


async def test_calibration_walk_is_stored_in_the_entry(
    hass: HomeAssistant, make_wearable: MakeWearable
) -> None:
    runner = await _running(hass, make_wearable, "forward:400")
    runner.speed = 20.0
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_BLUETOOTH}, data=_service_info(hass)
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    result = await _progress_done(hass, result["flow_id"])
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PLACEMENT: "foot", "calibrate": True}
    )
    assert result["step_id"] == "calibrate_intro"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["progress_action"] == "calibrating"
    result = await _progress_done(hass, result["flow_id"])
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_CALIBRATION]["placement"] == "foot"
    runner.stop()


async def test_calibration_timeout_offers_retry_or_skip(
    hass: HomeAssistant, make_wearable: MakeWearable
) -> None:
    runner = await _running(hass, make_wearable, "sit:600s")
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_BLUETOOTH}, data=_service_info(hass)
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    result = await _progress_done(hass, result["flow_id"])
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PLACEMENT: "foot", "calibrate": True}
    )
    with patch("custom_components.retrowalk.config_flow.CALIBRATION_TIMEOUT", 0.3):
        result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
        result = await _progress_done(hass, result["flow_id"])
    assert result["step_id"] == "calibrate_failed"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"retry": True})
    assert result["step_id"] == "calibrate_intro"
    with patch("custom_components.retrowalk.config_flow.CALIBRATION_TIMEOUT", 0.3):
        result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
        result = await _progress_done(hass, result["flow_id"])
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"retry": False})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert CONF_CALIBRATION not in result["data"]
    runner.stop()


async def test_options_flow_stores_goals(hass: HomeAssistant) -> None:
    entry = entry_for()
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_PLACEMENT: "foot",
            CONF_BACKWARD_GOAL: 700,
            "backward_minutes_goal": 15,
            "forward_goal": 9000,
            CONF_SEDENTARY_MINUTES: 45,
            "active_start": "07:30:00",
            "active_end": "22:00:00",
            "max_nudges_per_day": 4,
            "backward_equivalence": 8,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options[CONF_BACKWARD_GOAL] == 700
    assert entry.options[CONF_SEDENTARY_MINUTES] == 45


async def test_reconfigure_changes_placement(hass: HomeAssistant) -> None:
    entry = entry_for(Placement.FOOT)
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    with patch("custom_components.retrowalk.async_unload_entry", return_value=True):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_PLACEMENT: "wrist"}
        )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data[CONF_PLACEMENT] == "wrist"
    assert entry.options[CONF_PLACEMENT] == "wrist"

