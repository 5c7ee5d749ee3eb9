"""The Oxford split bench (tools/bench/oxford_split.py) varies only its grid's fields: every
other detector field is the placement's as shipped (the wrist's comb and swing, the waist's
swing and turn), so its held-out figures are of the detector that ships."""

from __future__ import annotations

from dataclasses import replace

import pytest

from custom_components.retrowalk.gait import Placement
from custom_components.retrowalk.gait.trunk import TrunkDetector
from custom_components.retrowalk.gait.trunk_params import TrunkParams, shipped_params
from tools.bench import oxford_split


@pytest.mark.parametrize("position", ["Purse", "InHand", "NeckPouch"])
def test_a_grid_point_changes_its_fields_and_keeps_the_rest_as_shipped(
    position: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[TrunkParams] = []

    def detector(placement: Placement, params: TrunkParams) -> TrunkDetector:
        made.append(params)
        return TrunkDetector(placement, params)

    monkeypatch.setattr(oxford_split, "TrunkDetector", detector)
    point = replace(TrunkParams(), peak_k=0.4, extremum_s=0.35, smooth_s=0.15)
    oxford_split.engine_with(point, position)
    placement = oxford_split.oxford.PLACEMENT[position]
    assert made == [replace(shipped_params(placement), peak_k=0.4, extremum_s=0.35, smooth_s=0.15)]
