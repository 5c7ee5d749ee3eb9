"""The calibration job: the config flow's walk, the explicit walk and its repair issue."""

from collections.abc import Callable

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback

from .const import CONF_CALIBRATION
from .gait import EngineUpdate, Placement
from .gait.advice import WHERE
from .issues import async_ask_for_calibration, async_calibrated, async_calibration_unreadable
from .persist import engine_from_calibration
from .stream import SampleStream


class Calibration:
    """Keeps one wearable's engine calibrated, and asks the user when it needs a walk."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry, stream: SampleStream) -> None:
        """Calibrate the engine `stream` feeds (it may replace its engine)."""
        self.hass, self.entry, self.stream = hass, entry, stream
        self.entry_id, self.name = entry.entry_id, entry.title

    @callback
    def async_load(self, placement: Placement, *, restored: bool) -> None:
        """Apply the config flow's calibration walk, unless the store `restored` an engine.

        Unreadable, it is asked for again; the engine meanwhile learns the forward direction
        from everyday walking, and the counts are not touched.
        """
        if not restored and (state := self.entry.data.get(CONF_CALIBRATION)):
            if engine := engine_from_calibration(self.name, placement, state):
                self.stream.engine = engine
            else:
                async_calibration_unreadable(self.hass, self.entry_id, self.name)
        self.stream.calibration_finished()  # a calibration restored is not a new one

    @callback
    def async_finished(self) -> bool:
        """Whether a calibration walk finished since the last call; it retires the issue."""
        if not self.stream.calibration_finished():
            return False
        async_calibrated(self.hass, self.entry_id)
        return True

    @callback
    def async_new_placement(
        self, placement: Placement, count: Callable[[EngineUpdate], None]
    ) -> None:
        """The sensor moved: a new engine, and a repair issue until it is calibrated.

        The old engine's end goes to `count` (the coordinator's counting path) first: the steps
        it still holds (a held landing, a gate's candidates) are counted and its bout closed, so
        the walking state ends with it; the walks it measured are dropped only after that.
        """
        count(self.stream.engine.flush())
        self.stream.new_placement(placement)
        # The advice's body-part name ("ankle strap/shank"): a repair's placeholder is shown as
        # it is, untranslated, and the bare key ("shank") is not what users chose from.
        async_ask_for_calibration(self.hass, self.entry_id, self.name, WHERE[placement])
