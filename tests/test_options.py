"""Each option is declared once (const.NUMBER_OPTIONS); the options form and the numbers follow."""

from pathlib import Path
from typing import Any

from homeassistant.const import UnitOfTime
from homeassistant.util.yaml import load_yaml
import pytest

from custom_components.retrowalk.const import (
    CONF_PLACEMENT,
    DEFAULT_SNOOZE_MINUTES,
    NUMBER_OPTIONS,
    OPTION_DEFAULTS,
    UNIT_MINUTES,
)
from custom_components.retrowalk.gait import Placement
from custom_components.retrowalk.number import NUMBERS, RetrowalkNumberDescription
from custom_components.retrowalk.options import options_schema
from custom_components.retrowalk.services import SNOOZE_SCHEMA

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ROOT / "custom_components/retrowalk/services.yaml"
BLUEPRINT = ROOT / "blueprints/automation/retrowalk/go_walk_backwards.yaml"


def _form() -> dict[str, Any]:
    return {str(k): v for k, v in options_schema([Placement.FOOT]).schema.items()}


@pytest.mark.parametrize("key", list(NUMBER_OPTIONS))
def test_the_form_offers_each_number_as_declared(key: str) -> None:
    declared = NUMBER_OPTIONS[key]
    form_keys = {str(k): k for k in options_schema([Placement.FOOT]).schema}
    assert form_keys[key].default() == declared.default
    selector = _form()[key].validators[0]
    assert selector.config["min"] == declared.low
    assert selector.config["max"] == declared.high
    assert selector.config["step"] == declared.step
    assert selector.config.get("unit_of_measurement") == declared.unit
    # Stored as the default's type: 8.5 stays a float for the equivalence, 700 an int for goals.
    stored = options_schema([Placement.FOOT])({**OPTION_DEFAULTS, CONF_PLACEMENT: "foot"})[key]
    assert type(stored) is type(declared.default)


def test_the_form_keeps_its_order_with_active_hours_after_the_threshold() -> None:
    assert list(_form()) == [
        "placement",
        "backward_goal",
        "backward_minutes_goal",
        "forward_goal",
        "sedentary_minutes",
        "active_start",
        "active_end",
        "max_nudges_per_day",
        "backward_equivalence",
    ]


@pytest.mark.parametrize("description", NUMBERS, ids=lambda d: d.key)
def test_goal_numbers_take_range_and_unit_from_their_option(
    description: RetrowalkNumberDescription,
) -> None:
    declared = NUMBER_OPTIONS[description.option]
    assert description.key == description.option  # the entities' unique ids stay as they were
    assert description.native_min_value == declared.low
    assert description.native_max_value == declared.high
    assert description.native_step == declared.step
    assert description.native_unit_of_measurement == declared.unit


def test_minutes_unit_is_home_assistants() -> None:
    assert UNIT_MINUTES == UnitOfTime.MINUTES


def test_snooze_default_is_the_same_for_button_action_ui_and_blueprint() -> None:
    assert SNOOZE_SCHEMA({})["minutes"] == DEFAULT_SNOOZE_MINUTES
    services = load_yaml(SERVICES)
    assert services["snooze"]["fields"]["minutes"]["default"] == DEFAULT_SNOOZE_MINUTES
    blueprint = load_yaml(BLUEPRINT)
    assert blueprint["blueprint"]["input"]["snooze_minutes"]["default"] == DEFAULT_SNOOZE_MINUTES
