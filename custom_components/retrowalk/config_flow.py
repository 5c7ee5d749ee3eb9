"""Config flow: discover, confirm, test the connection, pair, choose placement, calibrate."""

import asyncio
from collections.abc import Callable, Coroutine
import logging
from typing import Any, override

from homeassistant.components import bluetooth
from homeassistant.config_entries import (
    ConfigEntry,
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.const import CONF_ADDRESS
from homeassistant.core import callback
from homeassistant.helpers.selector import BooleanSelector
import probatio as vol

from .connection import CONNECT_ERRORS, DeviceNotFoundError, async_stream_until
from .const import CONF_CALIBRATION, CONF_PLACEMENT, CONF_PROTOCOL, DOMAIN
from .devices import match_protocol, protocol_by_key
from .devices.base import SampleBatch, SetupError, WearableProtocol
from .gait import GaitEngine, Placement
from .gait.advice import placement_advice
from .options import options_schema, placement_selector

_LOGGER = logging.getLogger(__name__)

PROBE_TIMEOUT = 15.0
# A second of samples proves the stream runs (one stray frame would not).
PROBE_SECONDS = 1.0
CALIBRATION_TIMEOUT = 180.0
CALIBRATION_STEPS = 20


def _protocol_for(info: bluetooth.BluetoothServiceInfoBleak) -> type[WearableProtocol] | None:
    return match_protocol(info.name, info.service_uuids, info.manufacturer_data)


def _stored_protocol(entry: ConfigEntry) -> type[WearableProtocol] | None:
    """The entry's protocol, or None for a key this version does not know (a downgrade).

    Setup reports that (unknown_protocol); the forms say the same instead of failing.
    """
    try:
        return protocol_by_key(str(entry.data.get(CONF_PROTOCOL)))
    except KeyError:
        return None


def _placement_schema(protocol: type[WearableProtocol], default: Placement) -> vol.Schema:
    return vol.Schema(
        {
            vol.Required(CONF_PLACEMENT, default=str(default)): placement_selector(
                protocol.placements
            ),
            vol.Required("calibrate", default=False): BooleanSelector(),
        }
    )


class RetrowalkConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add a wearable."""

    VERSION = 1
    # 1.2: the placement lives in the options only (1.1 also kept it in data); see
    # async_migrate_entry in __init__.py.
    MINOR_VERSION = 2

    def __init__(self) -> None:
        """Start with nothing chosen."""
        self._discovered: dict[str, bluetooth.BluetoothServiceInfoBleak] = {}
        self._address: str | None = None
        self._name = ""
        self._protocol: type[WearableProtocol] | None = None
        self._placement: Placement | None = None
        self._calibration: dict[str, Any] | None = None
        self._task: asyncio.Task[Any] | None = None
        self._error: str | None = None
        self._setup_reason = ""

    @staticmethod
    @callback
    @override
    def async_get_options_flow(config_entry: ConfigEntry) -> OptionsFlow:
        return RetrowalkOptionsFlow()

    # --- discovery ----------------------------------------------------------------------------

    @override
    async def async_step_bluetooth(
        self, discovery_info: bluetooth.BluetoothServiceInfoBleak
    ) -> ConfigFlowResult:
        await self.async_set_unique_id(discovery_info.address)
        self._abort_if_unique_id_configured()
        protocol = _protocol_for(discovery_info)
        if protocol is None:
            return self.async_abort(reason="not_supported")
        self._choose(discovery_info, protocol)
        self.context["title_placeholders"] = {"name": self._name}
        return await self.async_step_bluetooth_confirm()

    async def async_step_bluetooth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask before connecting to a discovered wearable."""
        if user_input is not None:
            return await self.async_step_connect()
        self._set_confirm_only()  # nothing to fill in: the frontend may offer a one-click add
        return self.async_show_form(
            step_id="bluetooth_confirm", description_placeholders=self._placeholders()
        )

    @override
    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        if user_input is not None:
            info = self._discovered[user_input[CONF_ADDRESS]]
            await self.async_set_unique_id(info.address, raise_on_progress=False)
            self._abort_if_unique_id_configured()
            protocol = _protocol_for(info)
            assert protocol is not None  # only supported devices were offered
            self._choose(info, protocol)
            return await self.async_step_connect()

        await bluetooth.async_request_active_scan(self.hass)
        configured = self._async_current_ids(include_ignore=False)
        for info in bluetooth.async_discovered_service_info(self.hass, connectable=True):
            if info.address not in configured and _protocol_for(info) is not None:
                self._discovered[info.address] = info
        if not self._discovered:
            return self.async_abort(reason="no_devices_found")
        choices = {
            address: f"{info.name} ({address})" for address, info in self._discovered.items()
        }
        return self.async_show_form(
            step_id="user", data_schema=vol.Schema({vol.Required(CONF_ADDRESS): vol.In(choices)})
        )

    def _choose(
        self, info: bluetooth.BluetoothServiceInfoBleak, protocol: type[WearableProtocol]
    ) -> None:
        self._address = info.address
        self._name = info.name or protocol.model
        self._protocol = protocol

    def _placeholders(self) -> dict[str, str]:
        assert self._protocol is not None
        return {
            "name": self._name,
            "model": f"{self._protocol.manufacturer} {self._protocol.model}",
            "steps": str(CALIBRATION_STEPS),
        }

    # --- test the connection (and pair) ---------------------------------------------------------

    async def async_step_connect(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Connect once and wait for data before anything is created (pairs if required)."""
        assert self._protocol is not None and self._address is not None
        action = "pairing" if self._protocol.requires_bonding else "connecting"
        if (progress := self._progress("connect", action, self._async_probe)) is not None:
            return progress
        self._error = self._finished()
        if self._error:
            return self.async_show_progress_done(next_step_id="connect_failed")
        return self.async_show_progress_done(next_step_id="placement")

    def _progress(
        self, step_id: str, action: str, job: Callable[[], Coroutine[Any, Any, Any]]
    ) -> ConfigFlowResult | None:
        """Show the progress of `step_id`'s job, started on the first call; None once it is done.

        Then _finished() takes its result. Progress is shown at least once, even when the job
        failed at once.
        """
        first = self._task is None
        if self._task is None:
            self._task = self.hass.async_create_task(job())
        if first or not self._task.done():
            return self.async_show_progress(
                step_id=step_id,
                progress_action=action,
                progress_task=self._task,
                description_placeholders=self._placeholders(),
            )
        return None

    def _finished(self) -> Any:
        """The finished job's result; the next _progress() starts a new one."""
        assert self._task is not None
        task, self._task = self._task, None
        return task.result()

    async def _async_probe(self) -> str | None:
        assert self._protocol is not None and self._address is not None
        wanted = int(self._protocol.nominal_rate * PROBE_SECONDS)
        received = 0

        def streaming(batch: SampleBatch) -> bool:
            nonlocal received
            received += len(batch)
            return received >= wanted

        try:
            await async_stream_until(
                self.hass, self._address, self._protocol, self._name, streaming, PROBE_TIMEOUT
            )
        except DeviceNotFoundError:
            return "not_found"
        except SetupError as err:
            # Connected, but the wearable refused or garbled its setup: its own reason is the
            # most useful thing to show (e.g. a Movesense without the GSP firmware).
            _LOGGER.warning("%s refused to stream: %s", self._name, err)
            self._setup_reason = str(err)
            return "setup_refused"
        except (*CONNECT_ERRORS,) as err:
            _LOGGER.debug("Test connection to %s failed: %r", self._name, err)
            return "pairing_failed" if self._protocol.requires_bonding else "cannot_connect"
        except Exception:
            # Anything else would leave the form spinning on the progress step for good: say
            # "unknown" (the form offers a retry) and keep the trace for a bug report.
            _LOGGER.exception("Unexpected error in the test connection to %s", self._name)
            return "unknown"
        return None

    async def async_step_connect_failed(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Explain the failure; submitting tries again."""
        if user_input is not None:
            return await self.async_step_connect()
        return self.async_show_form(
            step_id="connect_failed",
            errors={"base": self._error or "unknown"},
            description_placeholders={**self._placeholders(), "reason": self._setup_reason},
        )

    # --- placement and calibration ------------------------------------------------------------

    async def async_step_placement(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Where the wearable is worn, and whether to calibrate now."""
        assert self._protocol is not None
        if user_input is not None:
            self._placement = Placement(user_input[CONF_PLACEMENT])
            if user_input["calibrate"]:
                return await self.async_step_calibrate_intro()
            return self._create()
        return self.async_show_form(
            step_id="placement",
            data_schema=_placement_schema(self._protocol, self._protocol.placements[0]),
            description_placeholders={
                **self._placeholders(),
                "advice": placement_advice(self._protocol.placements),
            },
        )

    async def async_step_calibrate_intro(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Tell the user to walk forward; submitting starts listening."""
        if user_input is not None:
            return await self.async_step_calibrate()
        return self.async_show_form(
            step_id="calibrate_intro", description_placeholders=self._placeholders()
        )

    async def async_step_calibrate(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Stream while the user walks forward, until the engine has learned the forward axis."""
        if (
            progress := self._progress("calibrate", "calibrating", self._async_calibrate)
        ) is not None:
            return progress
        self._calibration = self._finished()
        if self._calibration is None:
            return self.async_show_progress_done(next_step_id="calibrate_failed")
        return self.async_show_progress_done(next_step_id="finish")

    async def _async_calibrate(self) -> dict[str, Any] | None:
        assert self._protocol is not None and self._address is not None
        assert self._placement is not None
        engine = GaitEngine(self._placement)
        engine.start_calibration(CALIBRATION_STEPS)

        def walked(batch: SampleBatch) -> bool:
            engine.process(batch.t, batch.acc, batch.gyro)
            calibration = engine.calibration
            self.async_update_progress(min(1.0, calibration.steps_seen / calibration.steps_needed))
            return calibration.done

        try:
            await async_stream_until(
                self.hass, self._address, self._protocol, self._name, walked, CALIBRATION_TIMEOUT
            )
        except (*CONNECT_ERRORS, DeviceNotFoundError) as err:
            _LOGGER.debug("Calibration with %s failed: %r", self._name, err)
            return None
        except Exception:
            # As in _async_probe: the calibrate_failed form (retry or skip), not a stuck spinner.
            _LOGGER.exception("Unexpected error while calibrating with %s", self._name)
            return None
        return engine.to_dict()

    async def async_step_calibrate_failed(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Calibration did not finish: try again, or skip (the engine also learns by itself)."""
        if user_input is not None:
            if user_input.get("retry"):
                return await self.async_step_calibrate_intro()
            return self._create()
        return self.async_show_form(
            step_id="calibrate_failed",
            data_schema=vol.Schema({vol.Required("retry", default=True): BooleanSelector()}),
            description_placeholders=self._placeholders(),
        )

    async def async_step_finish(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Create the entry after a successful calibration."""
        return self._create()

    def _create(self) -> ConfigFlowResult:
        assert self._protocol is not None and self._placement is not None
        data: dict[str, Any] = {CONF_ADDRESS: self._address, CONF_PROTOCOL: self._protocol.key}
        if self._calibration is not None:
            data[CONF_CALIBRATION] = self._calibration
        # The placement is a choice the options form changes later: it is stored there only.
        return self.async_create_entry(
            title=self._name, data=data, options={CONF_PLACEMENT: str(self._placement)}
        )

    # --- reconfigure ----------------------------------------------------------------------------

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Move the wearable to another placement."""
        entry = self._get_reconfigure_entry()
        if (protocol := _stored_protocol(entry)) is None:
            return self.async_abort(reason="unknown_protocol")
        if user_input is not None:
            options = {**entry.options, CONF_PLACEMENT: user_input[CONF_PLACEMENT]}
            # Our reason, not Home Assistant's generic one: its text says to walk (or calibrate).
            reason = "reconfigure_successful"
            if entry.state in (ConfigEntryState.SETUP_ERROR, ConfigEntryState.SETUP_RETRY):
                # Setup failed (on an unreadable placement, say): it has to run again.
                return self.async_update_reload_and_abort(entry, options=options, reason=reason)
            # Loaded, the update listener applies a new placement live (a new engine, the
            # calibration issue); a reload on top would apply it twice.
            return self.async_update_and_abort(entry, options=options, reason=reason)
        # The way out of an unreadable placement (hand-edited, or a downgrade) that failed setup:
        # offer the protocol's first placement instead of failing on the stored one.
        offered = [str(p) for p in protocol.placements]
        current = entry.options.get(CONF_PLACEMENT)
        default = current if current in offered else offered[0]
        schema = vol.Schema(
            {vol.Required(CONF_PLACEMENT, default=default): placement_selector(protocol.placements)}
        )
        # Moving it changes what it can count (backward steps, runs): the same advice as setup's.
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=schema,
            description_placeholders={"advice": placement_advice(protocol.placements)},
        )


class RetrowalkOptionsFlow(OptionsFlow):
    """Goals, sedentary threshold, active hours, equivalence factor."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Show and store the options."""
        if user_input is not None:
            entry, options = self.config_entry, {**self.config_entry.options, **user_input}
            if entry.state in (ConfigEntryState.SETUP_ERROR, ConfigEntryState.SETUP_RETRY):
                # A setup that failed (on unreadable options, say) left no update listener to
                # apply these: store them first (the reload reads them), then set it up again.
                self.hass.config_entries.async_update_entry(entry, options=options)
                self.hass.config_entries.async_schedule_reload(entry.entry_id)
            return self.async_create_entry(data=options)
        if (protocol := _stored_protocol(self.config_entry)) is None:
            return self.async_abort(reason="unknown_protocol")
        placements = protocol.placements
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(
                options_schema(placements), self.config_entry.options
            ),
            description_placeholders={"advice": placement_advice(placements)},
        )
