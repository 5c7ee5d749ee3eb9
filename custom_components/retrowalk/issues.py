"""The integration's repair issues: not heard for a day, calibration to redo, unreadable counts."""

from datetime import datetime, timedelta

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN, NOT_SEEN_REPAIR_HOURS

# Each wearable's issue ids are "<kind>_<entry id>", one per kind; the "not seen" and store
# issues' kind is also their translation key (the calibration issue has several).
_NOT_SEEN, _CALIBRATE, _STORE_RESTORED, _STORE_LOST = KINDS = (
    "not_seen",
    "calibrate",
    "store_restored",
    "store_lost",
)


def _issue_id(kind: str, entry_id: str) -> str:
    return f"{kind}_{entry_id}"


@callback
def async_track_not_seen(
    hass: HomeAssistant, entry_id: str, name: str, now: datetime, last_seen: datetime
) -> None:
    """Raise the issue once no adapter or proxy has heard the wearable for a day; else retire it."""
    issue_id = _issue_id(_NOT_SEEN, entry_id)
    if now - last_seen >= timedelta(hours=NOT_SEEN_REPAIR_HOURS):
        ir.async_create_issue(
            hass,
            DOMAIN,
            issue_id,
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=_NOT_SEEN,
            translation_placeholders={"name": name, "hours": str(NOT_SEEN_REPAIR_HOURS)},
        )
    else:
        ir.async_delete_issue(hass, DOMAIN, issue_id)


@callback
def async_ask_for_calibration(
    hass: HomeAssistant, entry_id: str, name: str, placement: str
) -> None:
    """A new placement needs a calibration walk: say so until one finishes."""
    _calibration_issue(hass, entry_id, "calibration_needed", name=name, placement=placement)


@callback
def async_calibration_unreadable(hass: HomeAssistant, entry_id: str, name: str) -> None:
    """The calibration stored at setup could not be read: ask for a new one until it finishes."""
    _calibration_issue(hass, entry_id, "calibration_unreadable", name=name)


def _calibration_issue(
    hass: HomeAssistant, entry_id: str, translation_key: str, **placeholders: str
) -> None:
    # One issue id for every reason: the calibration walk that finishes retires it.
    ir.async_create_issue(
        hass,
        DOMAIN,
        _issue_id(_CALIBRATE, entry_id),
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key=translation_key,
        translation_placeholders=placeholders,
    )


@callback
def async_calibrated(hass: HomeAssistant, entry_id: str) -> None:
    """A calibration walk finished: the issue is retired."""
    ir.async_delete_issue(hass, DOMAIN, _issue_id(_CALIBRATE, entry_id))


@callback
def async_store_restored(hass: HomeAssistant, entry_id: str) -> None:
    """The saved counts were unreadable and the last good backup was restored."""
    issue_id = _issue_id(_STORE_RESTORED, entry_id)
    _store_issue(hass, issue_id, _STORE_RESTORED, ir.IssueSeverity.WARNING)


@callback
def async_store_lost(hass: HomeAssistant, entry_id: str, kept: str) -> None:
    """The saved counts were unreadable and no backup could be read: counting restarts at 0."""
    issue_id = _issue_id(_STORE_LOST, entry_id)
    _store_issue(hass, issue_id, _STORE_LOST, ir.IssueSeverity.ERROR, kept=kept)


def _store_issue(
    hass: HomeAssistant,
    issue_id: str,
    translation_key: str,
    severity: ir.IssueSeverity,
    **placeholders: str,
) -> None:
    # Not persistent: a later good load has nothing to retire, the issue lasts until a restart.
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        is_fixable=False,
        is_persistent=False,
        severity=severity,
        translation_key=translation_key,
        translation_placeholders=placeholders or None,
    )


@callback
def async_delete_issues(hass: HomeAssistant, entry_id: str) -> None:
    """The wearable was disabled or removed: nothing of it is left to retire its issues.

    Its 30-second tick retired "not seen" and a calibration walk the calibration issue; without
    them a lost wearable's "not seen for a day" would stay in Repairs after it is deleted.
    """
    for kind in KINDS:
        ir.async_delete_issue(hass, DOMAIN, _issue_id(kind, entry_id))
