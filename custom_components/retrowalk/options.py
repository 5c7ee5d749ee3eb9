"""The options form's schema (defaults in one place, shared with Settings)."""

from collections.abc import Iterable

from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TimeSelector,
)
import probatio as vol

from .const import (
    CONF_ACTIVE_END,
    CONF_ACTIVE_START,
    CONF_BACKWARD_GOAL,
    CONF_BACKWARD_MINUTES_GOAL,
    CONF_EQUIVALENCE,
    CONF_FORWARD_GOAL,
    CONF_MAX_NUDGES,
    CONF_PLACEMENT,
    CONF_SEDENTARY_MINUTES,
    OPTION_DEFAULTS,
)
from .gait import Placement


def _number(low: float, high: float, step: float, unit: str | None = None) -> NumberSelector:
    config = NumberSelectorConfig(min=low, max=high, step=step, mode=NumberSelectorMode.BOX)
    if unit is not None:
        config["unit_of_measurement"] = unit
    return NumberSelector(config)


def placement_selector(placements: Iterable[Placement]) -> SelectSelector:
    """A list of the placements a wearable suits, with translated labels."""
    return SelectSelector(
        SelectSelectorConfig(
            options=[str(p) for p in placements],
            translation_key="placement",
            mode=SelectSelectorMode.LIST,
        )
    )


def options_schema(placements: Iterable[Placement]) -> vol.Schema:
    """Every option with its default."""
    fields = {
        CONF_BACKWARD_GOAL: vol.All(_number(0, 20000, 50, "steps"), vol.Coerce(int)),
        CONF_BACKWARD_MINUTES_GOAL: vol.All(_number(0, 120, 1, "min"), vol.Coerce(int)),
        CONF_FORWARD_GOAL: vol.All(_number(0, 100000, 500, "steps"), vol.Coerce(int)),
        CONF_SEDENTARY_MINUTES: vol.All(_number(1, 480, 1, "min"), vol.Coerce(int)),
        CONF_ACTIVE_START: TimeSelector(),
        CONF_ACTIVE_END: TimeSelector(),
        CONF_MAX_NUDGES: vol.All(_number(0, 24, 1), vol.Coerce(int)),
        CONF_EQUIVALENCE: vol.All(_number(1, 50, 0.5), vol.Coerce(float)),
    }
    return vol.Schema(
        {
            vol.Required(CONF_PLACEMENT): placement_selector(placements),
            **{
                vol.Required(key, default=OPTION_DEFAULTS[key]): field
                for key, field in fields.items()
            },
        }
    )
