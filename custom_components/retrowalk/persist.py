"""What survives a restart: the coordinator's state to and from the store's JSON."""

from dataclasses import asdict
from datetime import datetime
import logging
from typing import TYPE_CHECKING, Any

from .gait import Bout, Direction, GaitEngine, Placement
from .ledger import Ledger, aware_datetime
from .nudge import NudgePolicy

if TYPE_CHECKING:
    from .coordinator import RetrowalkCoordinator

_LOGGER = logging.getLogger(__name__)

# What reading malformed stored content raises: a missing key, a wrong type or value.
MALFORMED = (KeyError, ValueError, TypeError, AttributeError)


def to_store(c: RetrowalkCoordinator) -> dict[str, Any]:
    """Everything that must survive a restart, JSON-safe."""
    return {
        "ledger": c.ledger.to_dict(),
        "nudges": c.nudges.to_dict(),
        "engine": c.stream.engine.to_dict(),
        "placement": str(c.settings.placement),
        "last_seen": c.presence.last_seen.isoformat(),
        "last_walk": walks_to_dict(c.stream.last_walk),
    } | c.backward.to_dict()


def restore(c: RetrowalkCoordinator, data: dict[str, Any]) -> None:
    """Apply stored data; raises on malformed content before changing anything.

    The store then tries its backup.
    """
    ledger = Ledger.from_dict(data["ledger"])
    nudges = NudgePolicy.from_dict(data["nudges"], c.settings.nudge)
    last_seen = _last_seen(data.get("last_seen"))
    engine, walks = c.stream.engine, {}
    # Calibration and measured walks belong to where the sensor was worn.
    if data.get("placement") == c.settings.placement:
        if data.get("engine"):
            engine = _engine(data["engine"], engine)
        walks = walks_from_dict(data.get("last_walk"))
    c.ledger, c.nudges, c.stream.engine, c.stream.last_walk = ledger, nudges, engine, walks
    c.backward.restore(data)
    if last_seen is not None:
        c.presence.last_seen = last_seen


def _engine(value: Any, current: GaitEngine) -> GaitEngine:
    """What the engine learned; malformed, the current engine goes on (logged), the counts kept.

    Malformed includes an engine version this one cannot read. A bad learned state is no reason
    to fall back to an hour-old backup, or to zero when the backup holds it too.
    """
    try:
        return GaitEngine.from_dict(value)
    except MALFORMED as err:
        _LOGGER.warning(
            "Ignoring the engine state in the store (%r); what it learned is learned again", err
        )
        return current


def _last_seen(value: Any) -> datetime | None:
    """When the wearable was last heard; malformed, it is skipped (logged), never the counts."""
    if not value:
        return None
    try:
        return aware_datetime(value)
    except MALFORMED as err:
        _LOGGER.warning("Ignoring a malformed last-seen time in the store: %r", err)
        return None


def engine_from_calibration(name: str, placement: Placement, state: Any) -> GaitEngine | None:
    """An engine with the calibration the config flow stored, or None (logged) when unreadable."""
    try:
        return GaitEngine(placement, state=state)
    except MALFORMED as err:
        _LOGGER.warning(
            "Ignoring the unreadable calibration stored for %s (%r); it needs a new one", name, err
        )
        return None


def walks_to_dict(walks: dict[Direction, Bout]) -> dict[str, dict[str, Any]]:
    """Last walks, JSON-safe."""
    return {str(d): asdict(bout) | {"direction": str(d)} for d, bout in walks.items()}


def _optional(value: Any) -> float | None:
    return None if value is None else float(value)


def walks_from_dict(data: Any) -> dict[Direction, Bout]:
    """Last walks from the store; a malformed one is skipped (logged), never the counts."""
    walks: dict[Direction, Bout] = {}
    stored = data.values() if isinstance(data, dict) else ()
    for raw in stored:
        try:
            bout = Bout(
                start=float(raw["start"]),
                end=float(raw["end"]),
                direction=Direction(raw["direction"]),
                steps=int(raw["steps"]),
                stride_length_m=_optional(raw.get("stride_length_m")),
                speed_m_s=_optional(raw.get("speed_m_s")),
                step_time_cv=_optional(raw.get("step_time_cv")),
            )
        except MALFORMED as err:
            _LOGGER.warning("Ignoring a malformed last walk in the store: %r", err)
            continue
        walks[bout.direction] = bout
    return walks
