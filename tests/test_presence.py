"""presence.py: whether Home Assistant still hears the wearable — signal strength, last seen and
the "not seen for a day" repair issue, through the virtual proxy's advertisements."""

from datetime import timedelta
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util

from custom_components.retrowalk.const import DOMAIN, NOT_SEEN_REPAIR_HOURS
from custom_components.retrowalk.presence import Presence
from custom_components.retrowalk_virtual.scanner import RSSI

from .common import ADDRESS, NAME, MakeWearable, entry_for, tick

ENTRY = "entry1"
DAY = timedelta(hours=NOT_SEEN_REPAIR_HOURS)


def _not_seen(hass: HomeAssistant, entry_id: str = ENTRY) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, f"not_seen_{entry_id}")


async def test_a_heard_wearable_gives_its_signal_and_is_seen(
    hass: HomeAssistant, make_wearable: MakeWearable
) -> None:
    make_wearable()
    presence = Presence(hass, ADDRESS, ENTRY, NAME)
    assert presence.rssi is None
    later = presence.last_seen + 2 * DAY
    presence.async_update(later, connected=False)  # advertising, not connected
    assert presence.rssi == RSSI
    assert presence.last_seen == later
    assert _not_seen(hass) is None


async def test_an_unheard_wearable_raises_the_issue_after_a_day(
    hass: HomeAssistant, enable_bluetooth: Any
) -> None:
    presence = Presence(hass, ADDRESS, ENTRY, NAME)
    start = presence.last_seen
    presence.async_update(start + DAY - timedelta(minutes=1), connected=False)
    assert presence.last_seen == start
    assert presence.rssi is None
    assert _not_seen(hass) is None
    presence.async_update(start + DAY, connected=False)
    assert _not_seen(hass) is not None
    # A live connection counts as heard, advertisements or not: the issue goes.
    presence.async_update(start + 2 * DAY, connected=True)
    assert presence.last_seen == start + 2 * DAY
    assert _not_seen(hass) is None


async def test_a_restored_last_seen_counts_from_then(
    hass: HomeAssistant, enable_bluetooth: Any
) -> None:
    """After a restart the day is counted from when it was last heard, not from the start."""
    presence = Presence(hass, ADDRESS, ENTRY, NAME)
    now = dt_util.utcnow()
    presence.last_seen = now - DAY
    presence.async_update(now, connected=False)
    assert _not_seen(hass) is not None


async def test_not_seen_for_a_day_raises_a_repair_issue(
    hass: HomeAssistant, enable_bluetooth: Any, freezer: FrozenDateTimeFactory
) -> None:
    entry = entry_for()
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    issues = ir.async_get(hass)
    await tick(hass, freezer, 3600)
    assert issues.async_get_issue(DOMAIN, f"not_seen_{entry.entry_id}") is None
    for _ in range(24):
        await tick(hass, freezer, 3600)
    assert issues.async_get_issue(DOMAIN, f"not_seen_{entry.entry_id}") is not None


async def test_a_vanished_wearable_has_no_signal_strength(
    hass: HomeAssistant, make_wearable: MakeWearable
) -> None:
    """Home Assistant's bluetooth forgets a device it has not heard for a while; its last
    signal must not go on being shown as the signal now."""
    make_wearable()
    presence = Presence(hass, ADDRESS, ENTRY, NAME)
    heard = presence.last_seen
    presence.async_update(heard, connected=False)
    assert presence.rssi == RSSI
    bt = "homeassistant.components.bluetooth"
    with (
        patch(f"{bt}.async_last_service_info", return_value=None),
        patch(f"{bt}.async_address_present", return_value=False),
    ):
        presence.async_update(heard + timedelta(minutes=10), connected=False)
    assert presence.rssi is None
    assert presence.last_seen == heard
