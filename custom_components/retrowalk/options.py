"""The options form's schema, derived from const.NUMBER_OPTIONS and OPTION_DEFAULTS."""

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
    CONF_PLACEMENT,
    CONF_SEDENTARY_MINUTES,
    NUMBER_OPTIONS,
    OPTION_DEFAULTS,
)
from .gait import Placement


def _number(key: str) -> vol.All[int | float]:
    option = NUMBER_OPTIONS[key]
    config = NumberSelectorConfig(
        min=option.low, max=option.high, step=option.step, mode=NumberSelectorMode.BOX
    )
    if option.unit is not None:
        config["unit_of_measurement"] = option.unit
    return vol.All(NumberSelector(config), vol.Coerce(type(option.default)))


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
    # Form order: the numbers as declared, the active hours right after the sedentary threshold.
    fields: dict[str, object] = {}
    for key in NUMBER_OPTIONS:
        fields[key] = _number(key)
        if key == CONF_SEDENTARY_MINUTES:
            fields[CONF_ACTIVE_START] = TimeSelector()
            fields[CONF_ACTIVE_END] = TimeSelector()
    return vol.Schema(
        {
            vol.Required(CONF_PLACEMENT): placement_selector(placements),
            **{
                vol.Required(key, default=OPTION_DEFAULTS[key]): field
                for key, field in fields.items()
            },
        }
    )
