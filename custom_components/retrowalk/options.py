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
    DEFAULT_ACTIVE_END,
    DEFAULT_ACTIVE_START,
    DEFAULT_BACKWARD_GOAL,
    DEFAULT_BACKWARD_MINUTES_GOAL,
    DEFAULT_EQUIVALENCE,
    DEFAULT_FORWARD_GOAL,
    DEFAULT_MAX_NUDGES,
    DEFAULT_SEDENTARY_MINUTES,
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
    return vol.Schema(
        {
            vol.Required(CONF_PLACEMENT): placement_selector(placements),
            vol.Required(CONF_BACKWARD_GOAL, default=DEFAULT_BACKWARD_GOAL): vol.All(
                _number(0, 20000, 50, "steps"), vol.Coerce(int)
            ),
            vol.Required(
                CONF_BACKWARD_MINUTES_GOAL, default=DEFAULT_BACKWARD_MINUTES_GOAL
            ): vol.All(_number(0, 120, 1, "min"), vol.Coerce(int)),
            vol.Required(CONF_FORWARD_GOAL, default=DEFAULT_FORWARD_GOAL): vol.All(
                _number(0, 100000, 500, "steps"), vol.Coerce(int)
            ),
            vol.Required(CONF_SEDENTARY_MINUTES, default=DEFAULT_SEDENTARY_MINUTES): vol.All(
                _number(1, 480, 1, "min"), vol.Coerce(int)
            ),
            vol.Required(
                CONF_ACTIVE_START, default=DEFAULT_ACTIVE_START.isoformat()
            ): TimeSelector(),
            vol.Required(CONF_ACTIVE_END, default=DEFAULT_ACTIVE_END.isoformat()): TimeSelector(),
            vol.Required(CONF_MAX_NUDGES, default=DEFAULT_MAX_NUDGES): vol.All(
                _number(0, 24, 1), vol.Coerce(int)
            ),
            vol.Required(CONF_EQUIVALENCE, default=DEFAULT_EQUIVALENCE): vol.All(
                _number(1, 50, 0.5), vol.Coerce(float)
            ),
        }
    )
