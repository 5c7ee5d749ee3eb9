"""Config flow through the real bluetooth stack: discovery, user step, test connection, placement,
calibration, failures, options and reconfigure."""

import asyncio
from collections.abc import Callable
from contextlib import ExitStack
import json
from pathlib import Path
from typing import Any
from unittest.mock import patch

from homeassistant.components import bluetooth
from homeassistant.config_entries import SOURCE_BLUETOOTH, SOURCE_USER
from homeassistant.const import CONF_ADDRESS
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest

from custom_components.retrowalk.const import (
    CONF_BACKWARD_GOAL,
    CONF_CALIBRATION,
    CONF_PLACEMENT,
    CONF_PROTOCOL,
    CONF_SEDENTARY_MINUTES,
    DEFAULT_SEDENTARY_MINUTES,
    DOMAIN,
)
from custom_components.retrowalk.devices import protocol_by_key
from custom_components.retrowalk.devices.base import SetupError
from custom_components.retrowalk.gait import Placement
from custom_components.retrowalk.settings import Settings
from custom_components.retrowalk_virtual.device import VirtualWearable

from .common import ADDRESS, NAME, MakeWearable, entry_for, wait_for

TRANSLATIONS = (
    Path(__file__).parents[1] / "custom_components" / "retrowalk" / "translations" / "en.json"
)


@pytest.fixture(autouse=True)
def _no_entry_setup() -> Any:
    """The flow ends at entry creation; setting it up is other tests' business."""
    with patch("custom_components.retrowalk.async_setup_entry", return_value=True):
        yield


async def _progress_done(hass: HomeAssistant, flow_id: str) -> dict[str, Any]:
    """Wait until the flow's background task moved it on, then continue as the frontend does."""
    flows = hass.config_entries.flow
    async with asyncio.timeout(15):
        while flows.async_get(flow_id)["step_id"] in ("connect", "calibrate"):
            await asyncio.sleep(0.02)
    return dict(await flows.async_configure(flow_id))


def _service_info(hass: HomeAssistant) -> bluetooth.BluetoothServiceInfoBleak:
    info = bluetooth.async_last_service_info(hass, ADDRESS, connectable=True)
    assert info is not None
    return info


async def _discovered(hass: HomeAssistant) -> dict[str, Any]:
    """The flow Home Assistant started by itself when the wearable advertised."""
    progress = hass.config_entries.flow.async_progress_by_handler
    await wait_for(lambda: bool(progress(DOMAIN)))
    flows = progress(DOMAIN)
    assert len(flows) == 1
    assert flows[0]["context"]["source"] == SOURCE_BLUETOOTH
    assert flows[0]["context"]["confirm_only"]  # the discovery card can add it in one click
    return dict(flows[0])


async def _to_placement(hass: HomeAssistant) -> dict[str, Any]:
    flow = await _discovered(hass)
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    assert result["type"] is FlowResultType.SHOW_PROGRESS
    result = await _progress_done(hass, result["flow_id"])
    assert result["step_id"] == "placement"
    return result


async def test_discovery_confirm_connect_placement_creates_entry(
    hass: HomeAssistant, make_wearable: MakeWearable
) -> None:
    make_wearable(speed=4)
    flow = await _discovered(hass)
    assert flow["step_id"] == "bluetooth_confirm"
    assert flow["context"]["title_placeholders"] == {"name": NAME}

    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    assert result["type"] is FlowResultType.SHOW_PROGRESS
    assert result["progress_action"] == "connecting"
    result = await _progress_done(hass, result["flow_id"])
    assert result["step_id"] == "placement"
    # The same per-placement advice as the README's wearables table (gait/advice.py: its
    # backward column, and the running sentence in its notes).
    advice = result["description_placeholders"]["advice"]
    assert advice.startswith("Backward steps are measured reliably at the foot (shoe);")
    assert advice.endswith(
        "Jogging and running are not counted at the ankle strap/shank;"
        " wear it on the shoe (foot) to count runs."
    )

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PLACEMENT: "waist", "calibrate": False}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == NAME
    assert result["data"] == {CONF_ADDRESS: ADDRESS, CONF_PROTOCOL: "retrowalk_imu"}
    assert result["options"] == {CONF_PLACEMENT: "waist"}  # stored once, in the options
    assert result["result"].unique_id == ADDRESS


def _placement_choices(result: dict[str, Any]) -> list[str]:
    """The placements a form offers, in order."""
    for key, selector in result["data_schema"].schema.items():
        if key == CONF_PLACEMENT:
            return list(selector.config["options"])
    raise AssertionError("the form has no placement field")


async def test_trouser_pocket_is_a_placement_to_pick(
    hass: HomeAssistant, make_wearable: MakeWearable
) -> None:
    make_wearable(speed=4)
    result = await _to_placement(hass)
    choices = _placement_choices(result)
    assert "thigh" in choices
    translations = json.loads(TRANSLATIONS.read_text())
    labels = translations["selector"]["placement"]["options"]
    assert set(choices) <= set(labels)  # every offered placement has a label
    assert "pocket" in labels["thigh"].lower()

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PLACEMENT: "thigh", "calibrate": False}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["options"][CONF_PLACEMENT] == "thigh"
    assert Settings.from_options(result["options"]).placement is Placement.THIGH


def _unsupported(hass: HomeAssistant) -> ExitStack:
    stack = ExitStack()
    stack.enter_context(
        patch("custom_components.retrowalk.config_flow.match_protocol", return_value=None)
    )
    return stack


def _configured(hass: HomeAssistant) -> ExitStack:
    entry_for().add_to_hass(hass)
    return ExitStack()


@pytest.mark.parametrize(
    ("cause", "reason"),
    [
        pytest.param(_unsupported, "not_supported", id="not_supported"),
        pytest.param(_configured, "already_configured", id="already_configured"),
    ],
)
async def test_discovery_aborts(
    hass: HomeAssistant,
    make_wearable: MakeWearable,
    cause: Callable[[HomeAssistant], ExitStack],
    reason: str,
) -> None:
    """A wearable no protocol speaks, or one already set up, starts no flow and aborts one."""
    with cause(hass):
        make_wearable()
        await hass.async_block_till_done()
        assert hass.config_entries.flow.async_progress_by_handler(DOMAIN) == []
        result = await hass.config_entries.flow.async_init(
            DOMAIN, context={"source": SOURCE_BLUETOOTH}, data=_service_info(hass)
        )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == reason


async def test_user_step_lists_supported_devices(
    hass: HomeAssistant, make_wearable: MakeWearable
) -> None:
    make_wearable(speed=4)
    await hass.async_block_till_done()
    with patch(
        "custom_components.retrowalk.config_flow.bluetooth.async_request_active_scan"
    ) as scan:
        result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    scan.assert_awaited_once()
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_ADDRESS: ADDRESS}
    )
    assert result["type"] is FlowResultType.SHOW_PROGRESS
    result = await _progress_done(hass, result["flow_id"])
    assert result["step_id"] == "placement"


async def test_user_step_without_devices_aborts(hass: HomeAssistant, enable_bluetooth: Any) -> None:
    with patch("custom_components.retrowalk.config_flow.bluetooth.async_request_active_scan"):
        result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_devices_found"


REFUSAL = SetupError("subscribe_silent", "no IMU6 data after SUBSCRIBE /Meas/IMU6/104")
PROTOCOL = "custom_components.retrowalk.devices.retrowalk_imu.RetrowalkImu"
FLOW = "custom_components.retrowalk.config_flow"


def _refuse_links(device: VirtualWearable) -> ExitStack:
    """More refusals than establish_connection's attempts, without its back-off waits."""
    device.refuse_connections = 20
    stack = ExitStack()
    stack.enter_context(patch("bleak_retry_connector.calculate_backoff_time", return_value=0.0))
    stack.callback(setattr, device, "refuse_connections", 0)
    return stack


def _bonded_and_refusing(device: VirtualWearable) -> ExitStack:
    stack = _refuse_links(device)
    stack.enter_context(patch(f"{PROTOCOL}.requires_bonding", True))
    return stack


def _refusing_setup(device: VirtualWearable) -> ExitStack:
    stack = ExitStack()
    stack.enter_context(patch(f"{PROTOCOL}.start", side_effect=REFUSAL))
    return stack


def _gone(device: VirtualWearable) -> ExitStack:
    stack = ExitStack()
    stack.enter_context(
        patch(
            "custom_components.retrowalk.connection.bluetooth.async_ble_device_from_address",
            return_value=None,
        )
    )
    return stack


def _crashing(device: VirtualWearable) -> ExitStack:
    """An error none of the expected ones (a bug, or a Bluetooth stack's surprise)."""
    stack = ExitStack()
    stack.enter_context(patch(f"{FLOW}.async_stream_until", side_effect=RuntimeError("bug")))
    return stack


@pytest.mark.parametrize(
    ("cause", "progress_action", "error", "reason"),
    [
        pytest.param(_refuse_links, "connecting", "cannot_connect", "", id="cannot_connect"),
        pytest.param(_bonded_and_refusing, "pairing", "pairing_failed", "", id="pairing_failed"),
        # The wearable's own reason is shown: the most useful thing the user can read.
        pytest.param(_refusing_setup, "connecting", "setup_refused", str(REFUSAL), id="refused"),
        pytest.param(_gone, "connecting", "not_found", "", id="not_found"),
        # Not a spinner for good: the form offers the retry, the trace goes to the log.
        pytest.param(_crashing, "connecting", "unknown", "", id="unexpected"),
    ],
)
async def test_connection_test_failure_then_retry(
    hass: HomeAssistant,
    make_wearable: MakeWearable,
    cause: Callable[[VirtualWearable], ExitStack],
    progress_action: str,
    error: str,
    reason: str,
) -> None:
    """Each way the test connection fails shows its error; once the cause is gone, retrying
    goes on to the placement step."""
    device = make_wearable(speed=4)
    flow = await _discovered(hass)
    with cause(device):
        result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
        assert result["type"] is FlowResultType.SHOW_PROGRESS
        assert result["progress_action"] == progress_action
        result = await _progress_done(hass, result["flow_id"])
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "connect_failed"
    assert result["errors"] == {"base": error}
    assert result["description_placeholders"]["reason"] == reason

    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    result = await _progress_done(hass, result["flow_id"])
    assert result["step_id"] == "placement"


async def _to_calibration(hass: HomeAssistant) -> dict[str, Any]:
    """From discovery to the calibration walk's introduction, at the foot."""
    result = await _to_placement(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PLACEMENT: "foot", "calibrate": True}
    )
    assert result["step_id"] == "calibrate_intro"
    return dict(result)


async def test_calibration_walk_is_stored_in_the_entry(
    hass: HomeAssistant, make_wearable: MakeWearable
) -> None:
    make_wearable("forward:600", speed=25)
    result = await _to_calibration(hass)
    assert result["description_placeholders"]["steps"] == "20"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["progress_action"] == "calibrating"
    result = await _progress_done(hass, result["flow_id"])
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_CALIBRATION]["placement"] == "foot"


async def test_calibration_timeout_offers_retry_or_skip(
    hass: HomeAssistant, make_wearable: MakeWearable
) -> None:
    make_wearable("sit:600s", speed=4)
    result = await _to_calibration(hass)
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


async def test_an_unexpected_error_while_calibrating_offers_retry_or_skip(
    hass: HomeAssistant, make_wearable: MakeWearable, caplog: pytest.LogCaptureFixture
) -> None:
    """Not a spinner for good: the calibrate_failed form, and the trace in the log."""
    make_wearable("forward:600", speed=25)
    result = await _to_calibration(hass)
    with patch(f"{FLOW}.async_stream_until", side_effect=RuntimeError("bug")):
        result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
        result = await _progress_done(hass, result["flow_id"])
    assert result["step_id"] == "calibrate_failed"
    assert "Unexpected error while calibrating" in caplog.text
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"retry": True})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    result = await _progress_done(hass, result["flow_id"])
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_CALIBRATION]["placement"] == "foot"


async def test_options_flow_stores_goals(hass: HomeAssistant) -> None:
    entry = entry_for()
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["description_placeholders"]["advice"].startswith("Backward steps are")
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


async def test_options_flow_moves_the_wearable_to_a_trouser_pocket(hass: HomeAssistant) -> None:
    entry = entry_for(Placement.WAIST)
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert "thigh" in _placement_choices(dict(result))
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_PLACEMENT: "thigh"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options[CONF_PLACEMENT] == "thigh"
    settings = Settings.from_options(entry.options)
    assert settings.placement is Placement.THIGH
    assert settings.nudge.sedentary_minutes == DEFAULT_SEDENTARY_MINUTES  # defaults filled in


async def test_reconfigure_changes_placement(hass: HomeAssistant) -> None:
    entry = entry_for(Placement.FOOT)
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    # Moving it to the shank would stop runs counting: the form says so, as setup's does.
    assert (
        "Jogging and running are not counted at the ankle strap/shank"
        in (result["description_placeholders"]["advice"])
    )
    with patch("custom_components.retrowalk.async_unload_entry", return_value=True):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_PLACEMENT: "wrist"}
        )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert CONF_PLACEMENT not in entry.data
    assert entry.options[CONF_PLACEMENT] == "wrist"


@pytest.mark.parametrize("stored", [{CONF_PLACEMENT: "elbow"}, {}])
async def test_reconfigure_repairs_an_unreadable_placement(
    hass: HomeAssistant, stored: dict[str, str]
) -> None:
    """An unknown or missing placement (which fails setup) is what reconfigure repairs."""
    entry = entry_for(Placement.FOOT)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, options=stored)
    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    (key,) = result["data_schema"].schema
    # the protocol's first placement is offered
    assert key.default() == str(protocol_by_key("retrowalk_imu").placements[0])
    with patch("custom_components.retrowalk.async_unload_entry", return_value=True):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_PLACEMENT: "foot"}
        )
    assert result["reason"] == "reconfigure_successful"
    assert entry.options[CONF_PLACEMENT] == "foot"


async def test_forms_of_an_entry_with_an_unknown_protocol_say_so(hass: HomeAssistant) -> None:
    """After a downgrade the stored protocol may be unknown: setup says remove and re-add, and
    the options and reconfigure forms say the same instead of failing with an error."""
    entry = entry_for()
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_PROTOCOL: "future"})
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "unknown_protocol"
    result = await entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "unknown_protocol"
