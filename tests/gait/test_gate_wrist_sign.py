"""The wrist gate learns which way the wearer's forearm hangs (gate.py, learn_sign)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from custom_components.retrowalk.gait import GaitEngine, Placement, StepEvent
from custom_components.retrowalk.gait.gate import WalkingGate
from custom_components.retrowalk.gait.gate_params import GATE_PARAMS

from .test_gate import cand

P = GATE_PARAMS[Placement.WRIST]
DOWN = (1.0, 0.0, 0.0)  # "up" along +x: the hand below the elbow for this watch
RAISED = (-math.cos(math.radians(20)), 0.0, math.sin(math.radians(20)))  # the hand above


def run(n: int, start: float, up: tuple[float, float, float]) -> list[StepEvent]:
    return [cand(start + i * 0.55, up=up) for i in range(n)]


def walks(gate: WalkingGate, k: int, up: tuple[float, float, float], start: float = 0.0) -> float:
    """k walks of 12 steps, 20 s apart; returns the time after them."""
    for i in range(k):
        assert len(gate.add(run(12, start + 20.0 * i, up))) == 12
        gate.advance(start + 20.0 * i + 15.0)
        assert not gate.walking
    return start + 20.0 * k


def test_the_wrist_learns_its_hanging_side_from_three_walks() -> None:
    assert P.learn_sign == 3
    gate = WalkingGate(Placement.WRIST)
    t = walks(gate, P.learn_sign - 1, DOWN)
    assert gate.hanging_sign == 0
    # Not learned yet: as before, a forearm either way along the vertical is hanging, so a
    # regular run with the hand up confirms as fast as a walk.
    assert len(gate.add(run(P.confirm_steps, t, RAISED))) == P.confirm_steps
    gate.advance(t + 15.0)
    t = walks(gate, P.learn_sign, DOWN, start=t + 20.0)
    assert gate.hanging_sign == 1
    # Learned: the hand above the elbow is not hanging, whatever the angle; such a run needs
    # the longer run of a hand held in front.
    assert gate.add(run(P.confirm_steps, t, RAISED)) == []
    gate.advance(t + 15.0)
    assert gate.add(run(P.unposed_steps or 0, t + 20.0, RAISED)) != []
    # The hanging side itself is unchanged: the posture test of a hanging hand.
    gate.advance(t + 35.0)
    assert len(gate.add(run(P.confirm_steps, t + 40.0, DOWN))) == P.confirm_steps


def test_learning_survives_pauses_holes_and_the_end_of_a_stream() -> None:
    gate = WalkingGate(Placement.WRIST)
    t = walks(gate, P.learn_sign, DOWN)
    gate.gap(600.0)
    gate.close()
    assert gate.hanging_sign == 1
    assert gate.add(run(P.confirm_steps, t, RAISED)) == []


def test_a_watch_moved_to_the_other_wrist_is_relearned() -> None:
    gate = WalkingGate(Placement.WRIST)
    t = walks(gate, P.learn_sign, DOWN)
    # One walk (or one gesture run taken for a walk) the other way round changes nothing.
    t = walks(gate, 1, RAISED, start=t)
    assert gate.hanging_sign == 1
    t = walks(gate, 1, DOWN, start=t)
    # The other wrist: its walks confirm as runs held out of posture (longer), and once
    # learn_sign of them agree the other side is the hanging one.
    t = walks(gate, P.learn_sign - 1, RAISED, start=t)
    assert gate.hanging_sign == 1
    t = walks(gate, 1, RAISED, start=t)
    assert gate.hanging_sign == -1
    assert len(gate.add(run(P.confirm_steps, t, RAISED))) == P.confirm_steps
    gate.advance(t + 15.0)
    assert gate.add(run(P.confirm_steps, t + 20.0, DOWN)) == []


def test_a_walk_held_in_front_teaches_nothing() -> None:
    flat = (0.0, 0.0, 1.0)  # the watch face up: a phone being read, a cup
    gate = WalkingGate(Placement.WRIST)
    walks(gate, P.learn_sign, flat)
    assert gate.hanging_sign == 0
    assert gate.state() == {"sign": 0, "votes": []}


@pytest.mark.parametrize("placement", [Placement.WAIST, Placement.THIGH, Placement.FOOT])
def test_other_placements_learn_no_side(placement: Placement) -> None:
    gate = WalkingGate(placement)
    for i in range(4):
        gate.add(run(12, 20.0 * i, (0.0, 1.0, 0.0)))
        gate.advance(20.0 * i + 15.0)
    assert gate.hanging_sign == 0


def test_what_was_learned_does_not_depend_on_how_candidates_are_handed_over() -> None:
    steps: list[StepEvent] = []
    for i, up in enumerate([DOWN] * 3 + [RAISED] + [DOWN] + [RAISED] * 3 + [DOWN]):
        steps += run(12 if up is DOWN else P.unposed_steps or 0, 20.0 * i, up)
    outs = []
    for size in (1, 5, 7, len(steps)):
        gate = WalkingGate(Placement.WRIST)
        out = []
        for k in range(0, len(steps), size):
            out += gate.add(steps[k : k + size])
            gate.advance(steps[min(k + size, len(steps)) - 1].t)
        outs.append(([s.t for s in out], gate.state()))
    assert all(o == outs[0] for o in outs)
    assert outs[0][1]["sign"] == -1


def test_the_learned_side_is_kept_in_the_engine_state() -> None:
    gate = WalkingGate(Placement.WRIST)
    walks(gate, P.learn_sign, DOWN)
    engine = GaitEngine(Placement.WRIST)
    state = engine.to_dict() | {"gate": gate.state()}
    assert state["gate"] == {"sign": 1, "votes": [1, 1, 1]}
    restored = GaitEngine.from_dict(state)
    assert restored.to_dict()["gate"] == state["gate"]
    # An engine state written before the gate learned anything (no "gate" part) restores.
    old = {k: v for k, v in state.items() if k != "gate"}
    assert GaitEngine.from_dict(old).to_dict()["gate"] == {"sign": 0, "votes": []}
    # Another placement's learning is never applied.
    waist = GaitEngine(Placement.WAIST, state=state)
    assert waist.to_dict()["gate"] == {"sign": 0, "votes": []}


@pytest.mark.parametrize(
    "bad", [{"sign": 2}, {"votes": "up"}, {"votes": [1, 0]}, {"sign": 0.5, "votes": []}]
)
def test_a_malformed_gate_state_is_refused(bad: dict[str, object]) -> None:
    gate = WalkingGate(Placement.WRIST)
    walks(gate, P.learn_sign, DOWN)
    with pytest.raises(ValueError, match="bad walking gate state"):
        gate.load_state(bad)
    assert gate.hanging_sign == 1  # kept


def learned_state(gate: object) -> dict[str, Any]:
    """A wrist engine's state with learned forward axes, a calibration walk, counts, `gate`."""
    state = GaitEngine(Placement.WRIST).to_dict()
    state["detector"] |= {
        "auto": [0.6, 0.8, 0.0],
        "auto_weight": 40.0,
        "calibrated": [0.0, 1.0, 0.0],
        "calibrated_steps": 20,
        "calibration_quality": 0.9,
    }
    state["calibration"] = {"done": True, "quality": 0.9}
    state["totals"] = {"forward": 500, "backward": 120, "left": 0, "right": 0}
    return state | {"gate": gate}


@pytest.mark.parametrize(
    "bad",
    [{"sign": 2}, {"votes": "up"}, {"sign": 0.5, "votes": []}, "garbage", None, 7, [1, 2]],
)
def test_a_malformed_gate_part_costs_only_the_learned_side(
    bad: object, caplog: pytest.LogCaptureFixture
) -> None:
    """Three walks relearn the side; the forward axes and the calibration walk are kept."""
    state = learned_state(bad)
    engine = GaitEngine.from_dict(state)
    assert engine.to_dict() == state | {"gate": {"sign": 0, "votes": []}}
    assert engine.calibration.done
    assert "Ignoring the walking gate's learned state" in caplog.text


def test_an_engine_state_malformed_elsewhere_is_refused_as_a_whole() -> None:
    state = learned_state({"sign": 2})
    state["detector"]["auto_weight"] = "heavy"
    with pytest.raises(ValueError, match="bad trunk detector state"):
        GaitEngine.from_dict(state)


def test_a_learned_side_is_refused_where_nothing_learns_one() -> None:
    # Only a hand-edited store could hold one: the pocket's posture rule would turn signed.
    gate = WalkingGate(Placement.THIGH)
    with pytest.raises(ValueError, match="another placement"):
        gate.load_state({"sign": 1, "votes": []})
    gate.load_state({"sign": 0, "votes": [1]})  # votes are dropped where nothing learns
    assert gate.state() == {"sign": 0, "votes": []}


def arm_walk(engine: GaitEngine, k: int, side: int = 1) -> int:
    """The k-th of walks 30 s apart: 12 s of a synthetic hanging-arm signal (gravity along
    -side * x: "up" along side * x) with sharp heel-strike jolts along the forearm, then the
    stream ends. Returns the steps counted."""
    fs = 50.0
    t = np.arange(0.0, 12.0, 1.0 / fs) + 30.0 * k
    vertical = np.zeros_like(t)
    for tj in np.arange(1.0, 11.0, 0.55) + 30.0 * k:
        vertical += 3.0 * np.exp(-0.5 * ((t - tj) / 0.05) ** 2)
        vertical -= 1.5 * np.exp(-0.5 * ((t - tj - 0.25) / 0.07) ** 2)
    acc = (9.80665 + vertical)[:, None] * np.array([side, 0.0, 0.0])
    return len(engine.process(t, acc).steps) + len(engine.flush().steps)


def test_the_engine_learns_the_side_from_a_walk_signal() -> None:
    engine = GaitEngine(Placement.WRIST)
    for k in range(P.learn_sign):
        assert arm_walk(engine, k)
    assert engine.to_dict()["gate"]["sign"] == 1


def learned_wrist() -> GaitEngine:
    engine = GaitEngine(Placement.WRIST)
    for k in range(P.learn_sign):
        arm_walk(engine, k)
    assert engine.to_dict()["gate"] == {"sign": 1, "votes": [1, 1, 1]}
    return engine


def test_a_calibration_walk_starts_the_hanging_side_afresh() -> None:
    """The watch moved to the other wrist and the wearer calibrates: the old side is forgotten,
    the calibration walk is the first of the walks that learn the new one."""
    engine = learned_wrist()
    engine.start_calibration(steps=6)
    # Until the walk finishes, the engine's state is what it knew before (a restart mid-walk).
    assert engine.to_dict()["gate"] == {"sign": 1, "votes": [1, 1, 1]}
    assert arm_walk(engine, P.learn_sign, side=-1)
    assert engine.calibration.done
    assert engine.to_dict()["gate"] == {"sign": 0, "votes": [-1]}
    for k in range(P.learn_sign + 1, 2 * P.learn_sign):
        arm_walk(engine, k, side=-1)
    assert engine.to_dict()["gate"] == {"sign": -1, "votes": [-1, -1, -1]}


def test_a_cancelled_calibration_walk_keeps_the_hanging_side() -> None:
    engine = learned_wrist()
    engine.start_calibration(steps=40)
    assert arm_walk(engine, P.learn_sign, side=-1)
    assert engine.calibration.active  # not enough steps yet
    engine.cancel_calibration()
    assert engine.to_dict()["gate"] == {"sign": 1, "votes": [1, 1, 1]}
