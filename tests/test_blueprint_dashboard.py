"""The shipped blueprint validates and works end to end; the shipped dashboard loads."""

import asyncio
from datetime import timedelta
from pathlib import Path
import shutil
from types import SimpleNamespace
from typing import Any
from unittest.mock import AsyncMock

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.automation.config import AUTOMATION_BLUEPRINT_SCHEMA
from homeassistant.components.blueprint.models import Blueprint
from homeassistant.core import HomeAssistant
from homeassistant.helpers import (
    config_validation as cv,
    device_registry as dr,
    entity_registry as er,
)
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util, yaml as yaml_util
import probatio as vol
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockModule,
    async_fire_time_changed,
    mock_integration,
    mock_platform,
)
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.retrowalk.const import (
    CONF_ACTIVE_END,
    CONF_ACTIVE_START,
    CONF_SEDENTARY_MINUTES,
)
from custom_components.retrowalk.coordinator import RetrowalkCoordinator

from .common import MakeWearable, Walk, advance, entry_for, setup_entry

ROOT = Path(__file__).resolve().parent.parent
BLUEPRINT = ROOT / "blueprints" / "automation" / "retrowalk" / "go_walk_backwards.yaml"
DASHBOARD = ROOT / "dashboards" / "retrowalk.yaml"
VIRTUAL = "Retrowalk IMU Virtual"


def _render(value: Any, variables: Any) -> Any:
    return value.async_render(variables) if hasattr(value, "async_render") else value


async def settle(rounds: int = 100) -> None:
    """Let queued tasks run without waiting on timers."""
    for _ in range(rounds):
        await asyncio.sleep(0)


def test_blueprint_passes_home_assistants_schema() -> None:
    blueprint = Blueprint(
        yaml_util.load_yaml(str(BLUEPRINT)),
        expected_domain="automation",
        schema=AUTOMATION_BLUEPRINT_SCHEMA,
    )
    assert set(blueprint.inputs) == {
        "nudge_entity",
        "notify_device",
        "do_not_disturb",
        "snooze_minutes",
        "reply_timeout",
    }


@pytest.fixture
async def nudged(
    hass: HomeAssistant,
    make_wearable: MakeWearable,
    walk: Walk,
    freezer: FrozenDateTimeFactory,
    tmp_path: Path,
) -> tuple[RetrowalkCoordinator, list[dict[str, Any]]]:
    """The blueprint set up, a wearer sitting long enough for a nudge: its phone buttons."""
    await hass.config.async_set_time_zone("Europe/Berlin")
    freezer.move_to("2026-06-10 08:00:00+00:00")
    hass.config.config_dir = str(tmp_path)
    target = tmp_path / "blueprints" / "automation" / "retrowalk"
    target.mkdir(parents=True)
    shutil.copy(BLUEPRINT, target / BLUEPRINT.name)

    phone_entry = MockConfigEntry(domain="mobile_app", data={"webhook_id": "abc"})
    phone_entry.add_to_hass(hass)
    phone = dr.async_get(hass).async_get_or_create(
        config_entry_id=phone_entry.entry_id, identifiers={("mobile_app", "phone-1")}, name="Phone"
    )
    device = make_wearable("forward:20,sit:7200s", loop=False)
    coordinator = await setup_entry(
        hass,
        entry_for(
            **{
                CONF_SEDENTARY_MINUTES: 2,
                CONF_ACTIVE_START: "08:00:00",
                CONF_ACTIVE_END: "21:00:00",
            }
        ),
    )
    nudge_entity = er.async_get(hass).async_get_entity_id(
        "event", "retrowalk", "d0:5e:57:1a:00:01-nudge"
    )
    assert nudge_entity is not None
    config = {
        "automation": {
            "id": "retrowalk_nudge",
            "alias": "Retrowalk nudge",
            "use_blueprint": {
                "path": "retrowalk/go_walk_backwards.yaml",
                "input": {
                    "nudge_entity": nudge_entity,
                    "notify_device": phone.id,
                    "snooze_minutes": 20,
                },
            },
        }
    }
    # A stand-in for the companion app's notify device action: the real one needs a phone.
    notify = AsyncMock()
    mock_integration(hass, MockModule("mobile_app"))
    mock_platform(
        hass,
        "mobile_app.device_action",
        SimpleNamespace(
            ACTION_SCHEMA=cv.DEVICE_ACTION_BASE_SCHEMA.extend(
                {
                    vol.Required("type"): "notify",
                    vol.Required("message"): cv.template,
                    vol.Optional("title"): cv.template,
                    vol.Optional("data"): cv.template_complex,
                }
            ),
            async_call_action_from_config=notify,
        ),
    )
    assert await async_setup_component(hass, "automation", config)
    await hass.async_block_till_done()
    assert hass.states.get("automation.retrowalk_nudge").state == "on"

    await walk(device, 15)
    # From the nudge on, the automation waits for the phone's reply: block_till_done would
    # wait with it, and with the clock frozen only zero-length sleeps return.
    for _ in range(4):
        advance(device, 1)
        freezer.tick(timedelta(seconds=60))
        async_fire_time_changed(hass)
        await settle()
    assert notify.await_count == 1
    action = notify.await_args.args[1]
    variables = notify.await_args.args[2]
    data = action["data"]
    buttons = [
        {k: v.async_render(variables) if hasattr(v, "async_render") else v for k, v in b.items()}
        for b in data["actions"]
    ]
    assert len(buttons) == 2  # Android shows at most three
    return coordinator, buttons


async def test_blueprint_notifies_and_snoozes(
    hass: HomeAssistant, nudged: tuple[RetrowalkCoordinator, list[dict[str, Any]]]
) -> None:
    coordinator, buttons = nudged
    snooze = next(b["action"] for b in buttons if b["action"].startswith("RETROWALK_SNOOZE_"))
    hass.bus.async_fire("mobile_app_notification_action", {"action": snooze})
    await settle()
    assert coordinator.nudges.snoozed_until is not None
    assert coordinator.nudges.snoozed_until - dt_util.now() > timedelta(minutes=19)
    assert coordinator.backward.session is None


async def test_going_now_starts_a_backward_session(
    hass: HomeAssistant, nudged: tuple[RetrowalkCoordinator, list[dict[str, Any]]]
) -> None:
    coordinator, buttons = nudged
    going = next(b for b in buttons if b["action"].startswith("RETROWALK_GOING_"))
    assert going["title"] == "Going now"
    hass.bus.async_fire("mobile_app_notification_action", {"action": going["action"]})
    await settle()
    assert coordinator.backward.session is not None
    assert coordinator.nudges.snoozed_until is None
    trace = hass.states.get("automation.retrowalk_nudge")
    assert trace is not None and trace.state == "on"


async def test_dashboard_loads_as_a_yaml_dashboard(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    make_wearable: MakeWearable,
) -> None:
    make_wearable(name=VIRTUAL)
    await setup_entry(hass, entry_for(title=VIRTUAL))
    config = {
        "lovelace": {
            "dashboards": {
                "retrowalk-dash": {
                    "mode": "yaml",
                    "filename": str(DASHBOARD),
                    "title": "Retrowalk",
                    "icon": "mdi:walk",
                }
            }
        }
    }
    assert await async_setup_component(hass, "lovelace", config)
    client = await hass_ws_client(hass)
    await client.send_json({"id": 1, "type": "lovelace/config", "url_path": "retrowalk-dash"})
    response = await client.receive_json()
    assert response["success"], response
    dashboard: dict[str, Any] = response["result"]
    assert dashboard["views"][0]["type"] == "sections"
    referenced = set()

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "entity" and isinstance(value, str):
                    referenced.add(value)
                elif key == "entities":
                    for item in value:
                        referenced.add(item if isinstance(item, str) else item["entity"])
                else:
                    collect(value)
        elif isinstance(node, list):
            for item in node:
                collect(item)

    collect(dashboard)
    assert len(referenced) >= 12
    missing = sorted(e for e in referenced if hass.states.get(e) is None)
    assert missing == []
    prefix = "retrowalk_imu_virtual"
    for entity in (
        f"button.{prefix}_start_3_metre_backward_walk_test",
        f"sensor.{prefix}_backward_walk_test_time",
        f"sensor.{prefix}_backward_walk_test_speed",
        f"button.{prefix}_start_backward_walk_session",
    ):
        assert entity in referenced, entity

    # The weekly trend of backward walking speed: long-term statistics, one point a week.
    graphs = [
        card
        for section in dashboard["views"][0]["sections"]
        for card in section["cards"]
        if card["type"] == "statistics-graph"
    ]
    weekly = [g for g in graphs if g["period"] == "week"]
    assert len(weekly) == 1
    speeds = [e if isinstance(e, str) else e["entity"] for e in weekly[0]["entities"]]
    assert f"sensor.{prefix}_backward_walking_speed" in speeds
    assert "mean" in weekly[0]["stat_types"]
    speed = hass.states.get(f"sensor.{prefix}_backward_walking_speed")
    assert speed is not None and speed.attributes["state_class"] == "measurement"
