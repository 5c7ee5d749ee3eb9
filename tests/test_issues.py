"""issues.py: the repair issues a wearable not heard for a day and a calibration to redo raise."""

from datetime import timedelta
import json
from pathlib import Path
import re

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util

import custom_components.retrowalk as integration
from custom_components.retrowalk.const import DOMAIN, NOT_SEEN_REPAIR_HOURS
from custom_components.retrowalk.issues import (
    async_ask_for_calibration,
    async_calibrated,
    async_calibration_unreadable,
    async_store_lost,
    async_store_restored,
    async_track_not_seen,
)

ENTRY = "entry1"
NAME = "Left shoe"


def _issue(hass: HomeAssistant, issue_id: str) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, issue_id)


async def test_not_seen_is_raised_after_a_day_and_retired_when_heard(hass: HomeAssistant) -> None:
    seen = dt_util.utcnow()
    limit = timedelta(hours=NOT_SEEN_REPAIR_HOURS)
    async_track_not_seen(hass, ENTRY, NAME, seen + limit - timedelta(seconds=1), seen)
    assert _issue(hass, f"not_seen_{ENTRY}") is None
    async_track_not_seen(hass, ENTRY, NAME, seen + limit, seen)
    issue = _issue(hass, f"not_seen_{ENTRY}")
    assert issue is not None
    assert issue.translation_key == "not_seen"
    assert issue.severity is ir.IssueSeverity.WARNING
    assert not issue.is_fixable
    assert issue.translation_placeholders == {"name": NAME, "hours": str(NOT_SEEN_REPAIR_HOURS)}
    # Heard again: the issue goes away on its own.
    later = seen + 2 * limit
    async_track_not_seen(hass, ENTRY, NAME, later, later)
    assert _issue(hass, f"not_seen_{ENTRY}") is None


async def test_not_seen_is_per_entry(hass: HomeAssistant) -> None:
    seen = dt_util.utcnow()
    now = seen + timedelta(hours=NOT_SEEN_REPAIR_HOURS + 1)
    async_track_not_seen(hass, "a", NAME, now, seen)
    async_track_not_seen(hass, "b", NAME, now, now)
    assert _issue(hass, "not_seen_a") is not None
    assert _issue(hass, "not_seen_b") is None


async def test_calibration_reasons_share_one_issue_that_a_walk_retires(hass: HomeAssistant) -> None:
    async_ask_for_calibration(hass, ENTRY, NAME, "wrist")
    issue = _issue(hass, f"calibrate_{ENTRY}")
    assert issue is not None
    assert issue.translation_key == "calibration_needed"
    assert issue.translation_placeholders == {"name": NAME, "placement": "wrist"}
    assert issue.severity is ir.IssueSeverity.WARNING

    # A later reason replaces the first, under the same id: one issue per wearable.
    async_calibration_unreadable(hass, ENTRY, NAME)
    issue = _issue(hass, f"calibrate_{ENTRY}")
    assert issue is not None
    assert issue.translation_key == "calibration_unreadable"
    assert issue.translation_placeholders == {"name": NAME}
    assert len([i for i in ir.async_get(hass).issues.values() if i.domain == DOMAIN]) == 1

    async_calibrated(hass, ENTRY)
    assert _issue(hass, f"calibrate_{ENTRY}") is None
    async_calibrated(hass, ENTRY)  # nothing to retire: no error


async def test_every_issue_has_its_text(hass: HomeAssistant) -> None:
    """The translation keys the module raises exist in en.json, with the same placeholders."""
    text = json.loads((Path(integration.__file__).parent / "translations" / "en.json").read_text())
    seen = dt_util.utcnow()
    async_track_not_seen(hass, ENTRY, NAME, seen + timedelta(days=2), seen)
    async_ask_for_calibration(hass, "other", NAME, "foot")
    async_calibration_unreadable(hass, "third", NAME)
    async_store_restored(hass, "fourth")
    async_store_lost(hass, "fifth", "/config/.storage/retrowalk.fifth.malformed")
    raised = [i for i in ir.async_get(hass).issues.values() if i.domain == DOMAIN]
    assert len(raised) == 5
    for issue in raised:
        assert issue.translation_key is not None
        entry = text["issues"][issue.translation_key]
        wanted = set(re.findall(r"{(\w+)}", entry["title"] + entry["description"]))
        assert wanted == set(issue.translation_placeholders or {}), issue.translation_key


async def test_unreadable_counts_say_whether_the_backup_saved_them(hass: HomeAssistant) -> None:
    """Restored is a warning; lost (counting restarts at 0) is an error naming the kept file."""
    async_store_restored(hass, ENTRY)
    restored = _issue(hass, f"store_restored_{ENTRY}")
    assert restored is not None
    assert restored.severity is ir.IssueSeverity.WARNING
    assert not restored.is_persistent
    async_store_lost(hass, "other", "kept.malformed")
    lost = _issue(hass, "store_lost_other")
    assert lost is not None
    assert lost.severity is ir.IssueSeverity.ERROR
    assert lost.translation_placeholders == {"kept": "kept.malformed"}
    assert not lost.is_persistent
