"""Reading a scenario from a preset name, a compact string or a list of mappings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
import re
from typing import Any

from .presets import PRESETS
from .segments import TYPICAL_CADENCE, Activity, Segment

_ITEM = re.compile(
    r"""^(?P<activity>[a-z]+)\s*:\s*
        (?P<value>\d+(?:\.\d+)?|\.\d+)\s*(?P<unit>s|sec|min|m|h)?\s*
        (?:@\s*(?P<cadence>\d+(?:\.\d+)?))?\s*
        (?:~\s*(?P<turn>-?\d+(?:\.\d+)?))?$""",
    re.VERBOSE,
)
_UNIT_S = {"s": 1.0, "sec": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0}
_KEYS = frozenset({"activity", "seconds", "steps", "cadence", "turn"})
_FORMAT = (
    'expected a preset name ({presets}), a string like "sit:30s,forward:40,backward:20@85" '
    "(N = steps, Ns/Nmin/Nh = duration, @N = cadence in steps/min, ~N = turn N degrees to "
    "the left, ~-N to the right), or a list of mappings with activity and seconds or steps"
)


def parse_scenario(spec: str | Sequence[Mapping[str, Any]]) -> list[Segment]:
    """Segments described by `spec`; raises ValueError saying what is wrong.

    A walking segment without an explicit cadence gets the activity's typical one (forward 105,
    backward 85, sideways 75 steps/min), unlike a bare Segment, whose default is 105.
    """
    if isinstance(spec, str):
        text = spec.strip().lower()
        if text in PRESETS:
            return PRESETS[text]()
        if not text:
            raise ValueError(f"empty scenario: {_format()}")
        return [_parse_item(item.strip(), i) for i, item in enumerate(text.split(","))]
    if isinstance(spec, Mapping) or not isinstance(spec, Sequence):
        raise ValueError(f"bad scenario type {type(spec).__name__}: {_format()}")
    if not spec:
        raise ValueError(f"empty scenario: {_format()}")
    return [_parse_mapping(item, i) for i, item in enumerate(spec)]


def _format() -> str:
    return _FORMAT.format(presets=", ".join(PRESETS))


def _activity(name: object, where: str) -> Activity:
    try:
        return Activity(str(name).strip().lower())
    except ValueError:
        names = ", ".join(a.value for a in Activity)
        raise ValueError(f"{where}: unknown activity {name!r} (expected one of {names})") from None


def _parse_item(item: str, index: int) -> Segment:
    where = f"scenario item {index + 1} {item!r}"
    match = _ITEM.match(item)
    if match is None:
        raise ValueError(f"{where}: {_format()}")
    activity = _activity(match["activity"], where)
    cadence = float(match["cadence"]) if match["cadence"] else TYPICAL_CADENCE[activity]
    value = match["value"]
    turn = float(match["turn"]) if match["turn"] else 0.0
    try:
        if match["unit"]:
            seconds = float(value) * _UNIT_S[match["unit"]]
            return Segment(activity=activity, seconds=seconds, cadence=cadence, turn=turn)
        if "." in value:
            raise ValueError("a step count must be a whole number (add s for seconds)")
        return Segment(activity=activity, steps=int(value), cadence=cadence, turn=turn)
    except ValueError as err:
        raise ValueError(f"{where}: {err}") from None


def _parse_mapping(item: object, index: int) -> Segment:
    where = f"scenario item {index + 1}"
    if not isinstance(item, Mapping):
        raise ValueError(f"{where}: expected a mapping, got {type(item).__name__}")
    unknown = set(item) - _KEYS
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(map(str, unknown))}")
    if "activity" not in item:
        raise ValueError(f"{where}: missing 'activity'")
    activity = _activity(item["activity"], where)
    cadence = item.get("cadence", TYPICAL_CADENCE[activity])
    try:
        return Segment(
            activity=activity,
            seconds=item.get("seconds"),
            steps=item.get("steps"),
            cadence=cadence,
            turn=item.get("turn", 0.0),
        )
    except ValueError as err:
        raise ValueError(f"{where}: {err}") from None
