"""Where on the body backward steps are told from forward, and running counted, for users choosing.

One home for this advice: the config flow's placement step and the README's wearables table
(tools/wearables_table.py) both phrase it from here. The grades follow the benchmarks in the README
(./scripts/bench): at the foot every backward stride of the UCI runs and every Bandai walk-back clip
came out right. The trunk and the thigh are mostly right: on real people walking backwards (the
Erciyes data set, seventeen volunteers, a forward walk calibrating), 96 % of the waist's backward
steps, 77 % of the chest's and all of the thigh's came out backward, forward walking forward; on the
Bandai motion capture the waist 89 % and the chest 86 % of clips, and the thigh every clip it finds
a walk in; real forward walking has up to 5 % of an Oxford walk's trunk steps and 1-6 % of a trouser
pocket's labelled backward. The wrist is at chance (46 % of the Bandai clips). The shank uses the
foot's stride method but no shank recording exists to confirm it, so it is not graded reliable.
Running: the shank counts none (running_advice); the foot counts it; elsewhere it is not measured
against a truth.
"""

from collections.abc import Iterable
from enum import StrEnum

from .types import Placement


class Backward(StrEnum):
    """How well backward steps are told from forward ones at a placement."""

    RELIABLE = "reliable"
    MOSTLY = "mostly"
    COUNTS_ONLY = "counts_only"


BACKWARD_AT: dict[Placement, Backward] = {
    Placement.FOOT: Backward.RELIABLE,
    Placement.SHANK: Backward.MOSTLY,
    Placement.WAIST: Backward.MOSTLY,
    Placement.THIGH: Backward.MOSTLY,
    Placement.CHEST: Backward.MOSTLY,
    Placement.WRIST: Backward.COUNTS_ONLY,
}


def direction_is_chance(placement: Placement) -> bool:
    """Whether the engine's forward/backward at `placement` is chance (the wrist).

    There the engine claims no confidence in its labels (trunk.py), the integration counts every
    step forward, and backward only on the user's word in a declared session (counted.py,
    session.py): chance labels on real forward walking came to 4-13 % of a wrist's steps
    (docs/trunk_direction.md), each weighing ten forward steps. Everywhere else the engine's
    labels and confidence stand, in a session too.
    """
    return BACKWARD_AT[placement] is Backward.COUNTS_ONLY


# Short body-part names for the advice sentence (the placement selector has its own labels).
# An ankle strap sits on the shank and moves with it, not with the foot: it is graded (and
# counts running) as the shank does, so "ankle" names the strap, never the foot.
WHERE = {
    Placement.FOOT: "foot (shoe)",
    Placement.SHANK: "ankle strap/shank",
    Placement.WAIST: "waist/hip",
    Placement.THIGH: "trouser pocket",
    Placement.CHEST: "chest",
    Placement.WRIST: "wrist/arm",
}

_PHRASES = {
    Backward.RELIABLE: "measured reliably at the {where}",
    Backward.MOSTLY: "mostly right at the {where}",
    Backward.COUNTS_ONLY: "not told from forward at the {where} (steps are still counted)",
}


def backward_advice(placements: Iterable[Placement]) -> str:
    """One sentence: where, among `placements`, backward steps are measured reliably."""
    chosen = list(placements)
    parts = []
    for grade in Backward:
        where = [WHERE[p] for p in chosen if BACKWARD_AT[p] is grade]
        if where:
            parts.append(_PHRASES[grade].format(where=", ".join(where)))
    text = "Backward steps are " + "; ".join(parts) + "."
    if not any(BACKWARD_AT[p] is Backward.RELIABLE for p in chosen):
        reliable = ", ".join(WHERE[p] for p in Placement if BACKWARD_AT[p] is Backward.RELIABLE)
        text += f" Reliable backward counts need a wearable at the {reliable}."
    return text


# A running shank never holds still: at a running stance's quietest moment it still turns over the
# foot at about 1.2 rad/s under a load about 11 m/s^2 above g (about twice body weight), so the
# stride method's stance test finds no stance and jogging and running strides are not counted
# there at any rate (Bandai motion capture, ankle strap: 6 of 74 running steps at 100 Hz; UMAFall
# ankle jogging: 22 steps in 12 trials; ./scripts/bench jog, docs/shank_walktest.md). A running
# foot is flat long enough at the supported wearables' 50-104 Hz; trunk and wrist need no stance.
NO_RUNNING = frozenset({Placement.SHANK})


def running_advice(placements: Iterable[Placement]) -> str:
    """One sentence where `placements` include one that counts no running steps, else ""."""
    chosen = list(placements)
    where = [WHERE[p] for p in chosen if p in NO_RUNNING]
    if not where:
        return ""
    text = f"Jogging and running are not counted at the {', '.join(where)}"
    if Placement.FOOT in chosen:
        # An ankle strap moves with the shank (Bandai's strap: 6 of 74 running steps): the
        # wearable has to go on the shoe itself.
        text += "; wear it on the shoe (foot) to count runs"
    return text + "."


def placement_advice(placements: Iterable[Placement]) -> str:
    """What the placement step tells the user: backward_advice, then running_advice."""
    chosen = list(placements)
    return " ".join(part for part in (backward_advice(chosen), running_advice(chosen)) if part)
