"""entity.py: what every Retrowalk entity shares — its device, unique id and availability — and
the platform setup that creates one entity per description."""

from dataclasses import replace

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.entity import Entity, EntityDescription
import pytest

from custom_components.retrowalk.const import DOMAIN
from custom_components.retrowalk.coordinator import RetrowalkCoordinator
from custom_components.retrowalk.data import RetrowalkData
from custom_components.retrowalk.entity import (
    RetrowalkEntity,
    RetrowalkEntityDescription,
    platform_setup,
)
from custom_components.retrowalk.gait import Placement

from .common import ADDRESS, NAME, PREFIX, Start, state, wait_for


def _entity(coordinator: RetrowalkCoordinator, description: EntityDescription) -> RetrowalkEntity:
    return RetrowalkEntity(coordinator, description)


async def test_one_device_per_wearable_and_unique_ids_per_description(start: Start) -> None:
    _, coordinator, _ = await start()
    first = _entity(coordinator, EntityDescription(key="one"))
    second = _entity(coordinator, EntityDescription(key="two"))
    mac = dr.format_mac(ADDRESS)
    assert first.unique_id == f"{mac}-one"
    assert second.unique_id == f"{mac}-two"
    assert first.device_info == second.device_info
    info = first.device_info
    assert info is not None
    assert info["identifiers"] == {(DOMAIN, mac)}
    assert info["connections"] == {(dr.CONNECTION_BLUETOOTH, mac)}
    assert info["manufacturer"] == coordinator.protocol_cls.manufacturer
    assert info["model"] == coordinator.protocol_cls.model
    assert info["name"] == NAME
    assert first.has_entity_name


async def test_the_registry_holds_one_device_with_every_entity(
    hass: HomeAssistant, start: Start
) -> None:
    _, _, entry = await start()
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    assert len(devices) == 1
    assert devices[0].name == NAME


def _with(coordinator: RetrowalkCoordinator, **changes: object) -> None:
    coordinator.data = replace(coordinator.data, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("description", "away", "no_strides"),
    [
        # Counts stay valid while the wearable is away and whatever it measures.
        (EntityDescription(key="plain"), True, True),
        (RetrowalkEntityDescription(key="counts"), True, True),
        # A live value needs the connection.
        (RetrowalkEntityDescription(key="live", needs_connection=True), False, True),
        # A measurement the wearable cannot make is unavailable, connected or not.
        (
            RetrowalkEntityDescription(key="stride", available_fn=lambda d: d.measures_strides),
            True,
            False,
        ),
        (
            RetrowalkEntityDescription(
                key="both", needs_connection=True, available_fn=lambda d: d.measures_strides
            ),
            False,
            False,
        ),
    ],
)
async def test_availability(
    start: Start, description: EntityDescription, away: bool, no_strides: bool
) -> None:
    """`away`: available while disconnected; `no_strides`: available where strides are not
    measured. Every entity is unavailable when the coordinator's update failed."""
    _, coordinator, _ = await start()
    entity = _entity(coordinator, description)
    connected: RetrowalkData = coordinator.data
    assert connected.connected and connected.measures_strides  # a foot wearable streaming
    assert entity.available

    _with(coordinator, connected=False)
    assert entity.available is away
    coordinator.data = connected
    _with(coordinator, measures_strides=False)
    assert entity.available is no_strides

    coordinator.data = connected
    coordinator.last_update_success = False
    assert not entity.available


async def test_availability_follows_the_live_connection(hass: HomeAssistant, start: Start) -> None:
    """Through the real entities: the cadence needs the connection, the counts do not."""
    device, coordinator, _ = await start()
    cadence = f"sensor.{PREFIX}_cadence"
    forward = f"sensor.{PREFIX}_forward_steps_today"
    assert state(hass, cadence).state != "unavailable"
    device.in_range = False
    device.drop_link()
    await wait_for(lambda: not coordinator.connection.connected)
    await hass.async_block_till_done()
    assert state(hass, cadence).state == "unavailable"
    assert state(hass, forward).state == "0"


async def test_platform_setup_adds_one_entity_per_description(
    hass: HomeAssistant, start: Start
) -> None:
    _, coordinator, entry = await start(placement=Placement.FOOT)
    descriptions = [EntityDescription(key="a"), EntityDescription(key="b")]
    setup = platform_setup(RetrowalkEntity, descriptions)
    added: list[Entity] = []
    await setup(hass, entry, lambda entities, update_before_add=False: added.extend(entities))
    assert [e.entity_description.key for e in added] == ["a", "b"]
    assert all(isinstance(e, RetrowalkEntity) and e.coordinator is coordinator for e in added)
