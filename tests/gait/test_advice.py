"""The placement step's advice: backward grades, then where running is not counted."""

from custom_components.retrowalk.gait import Placement
from custom_components.retrowalk.gait.advice import (
    NO_RUNNING,
    backward_advice,
    placement_advice,
    running_advice,
)


def test_running_advice_names_the_shank_and_points_to_the_foot() -> None:
    assert {Placement.SHANK} == NO_RUNNING
    assert running_advice([Placement.FOOT, Placement.SHANK]) == (
        "Jogging and running are not counted at the ankle strap/shank;"
        " wear it on the shoe (foot) to count runs."
    )
    # A wearable that cannot go on the foot (a shank or wrist band) is not sent there.
    assert running_advice([Placement.SHANK, Placement.WRIST]) == (
        "Jogging and running are not counted at the ankle strap/shank."
    )
    assert running_advice([Placement.FOOT, Placement.WAIST, Placement.WRIST]) == ""


def test_placement_advice_is_backward_then_running() -> None:
    every = list(Placement)
    assert placement_advice(every) == f"{backward_advice(every)} {running_advice(every)}"
    trunk = [Placement.WAIST, Placement.CHEST]
    assert placement_advice(trunk) == backward_advice(trunk)
