"""Scenario parsing and segment validation of the virtual wearable's signal model."""

from __future__ import annotations

from typing import Any

import pytest

from custom_components.retrowalk_virtual.model import Activity, Segment, parse_scenario
from custom_components.retrowalk_virtual.presets import DAY_S
from custom_components.retrowalk_virtual.timing import segment_seconds


def test_compact_string() -> None:
    got = parse_scenario("sit:30s, forward:40,backward:20@90 ,left:2min,stand:1h,right:8")
    assert got == [
        Segment(activity=Activity.SIT, seconds=30.0),
        Segment(activity=Activity.FORWARD, steps=40, cadence=105.0),
        Segment(activity=Activity.BACKWARD, steps=20, cadence=90.0),
        Segment(activity=Activity.LEFT, seconds=120.0, cadence=75.0),
        Segment(activity=Activity.STAND, seconds=3600.0),
        Segment(activity=Activity.RIGHT, steps=8, cadence=75.0),
    ]


def test_typical_cadence_when_not_given() -> None:
    fwd, back, side = parse_scenario("forward:10,backward:10,left:10")
    assert (fwd.cadence, back.cadence, side.cadence) == (105.0, 85.0, 75.0)


def test_mappings() -> None:
    got = parse_scenario(
        [
            {"activity": "sit", "seconds": 5},
            {"activity": "Forward", "steps": 12, "cadence": 110},
            {"activity": "backward", "seconds": 20.5},
        ]
    )
    assert got == [
        Segment(activity=Activity.SIT, seconds=5.0),
        Segment(activity=Activity.FORWARD, steps=12, cadence=110.0),
        Segment(activity=Activity.BACKWARD, seconds=20.5, cadence=85.0),
    ]


@pytest.mark.parametrize("name", ["demo", "e2e", "day", " DAY "])
def test_presets(name: str) -> None:
    segments = parse_scenario(name)
    assert segments
    assert any(s.activity is Activity.BACKWARD for s in segments)


def test_day_is_24_hours_with_realistic_steps() -> None:
    segments = parse_scenario("day")
    total = 0.0
    previous = None
    for seg in segments:
        total += segment_seconds(seg, previous)
        previous = seg.activity
    assert total == pytest.approx(DAY_S, abs=1e-6)
    steps = {a: sum(s.steps or 0 for s in segments if s.activity is a) for a in Activity}
    assert 6000 <= steps[Activity.FORWARD] <= 12000
    assert 500 <= steps[Activity.BACKWARD] <= 2000
    assert steps[Activity.LEFT] > 0
    assert steps[Activity.RIGHT] > 0


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "empty scenario"),
        ("   ", "empty scenario"),
        ("nap:30s", "unknown activity"),
        ("forward", "expected a preset name"),
        ("forward:", "expected a preset name"),
        ("forward:-3", "expected a preset name"),
        ("forward:4.5", "whole number"),
        ("forward:0", "steps must be an integer"),
        ("sit:20", "give seconds"),
        ("sit:0s", "seconds must be"),
        ("forward:20@500", "cadence"),
        ("forward:20@0", "cadence"),
        ("forward:10,,sit:3s", "item 2"),
        ("walk:10", "unknown activity"),
    ],
)
def test_bad_strings(spec: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_scenario(spec)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ([], "empty scenario"),
        ([{"steps": 3}], "missing 'activity'"),
        ([{"activity": "forward"}], "exactly one of seconds or steps"),
        ([{"activity": "forward", "steps": 3, "seconds": 3}], "exactly one"),
        ([{"activity": "forward", "steps": 3.0}], "steps must be an integer"),
        ([{"activity": "forward", "steps": True}], "steps must be an integer"),
        ([{"activity": "sit", "seconds": "long"}], "seconds must be a number"),
        ([{"activity": "sit", "seconds": float("nan")}], "seconds must be"),
        ([{"activity": "stand", "seconds": 3, "steps": 4}], "give seconds"),
        ([{"activity": "forward", "steps": 3, "speed": 2}], "unknown keys"),
        ([{"activity": "forward", "steps": 3, "cadence": "fast"}], "cadence must be a number"),
        (["forward:3"], "expected a mapping"),
        ({"activity": "sit"}, "bad scenario type"),
        (42, "bad scenario type"),
    ],
)
def test_bad_mappings(spec: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_scenario(spec)


def test_segment_validates_directly() -> None:
    with pytest.raises(ValueError, match="unknown activity"):
        Segment(activity="jog", steps=3)  # type: ignore[arg-type]
    seg = Segment(activity="forward", steps=3)  # type: ignore[arg-type]
    assert seg.activity is Activity.FORWARD
    assert seg.walking
    assert not Segment(activity=Activity.SIT, seconds=1).walking
