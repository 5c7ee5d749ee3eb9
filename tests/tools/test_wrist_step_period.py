"""tools/bench/wrist_step_period.py: the one-step-period prototype's emulation."""

from __future__ import annotations

from dataclasses import replace

from custom_components.retrowalk.gait import Placement
from custom_components.retrowalk.gait.gate import GATE_PARAMS
from tools.bench import wrist_step_period as tool
from tools.bench.gate_eval import STEP_PERIOD


def test_the_emulated_gate_is_the_wrists_with_only_the_rule_on() -> None:
    wrist = GATE_PARAMS[Placement.WRIST]
    assert wrist.step_period is None  # measured, not shipped
    on = tool.with_step_period()
    assert on.step_period == STEP_PERIOD
    assert replace(on, step_period=None) == wrist


def test_random_runs_pass_the_wider_rule_more_often() -> None:
    alone, either = tool.random_share(n=5_000)
    assert 0 < alone < either < 1
    assert tool.random_share(n=5_000) == (alone, either)  # seeded


def test_an_empty_table_is_its_header() -> None:
    assert len(tool.table([])) == 2
