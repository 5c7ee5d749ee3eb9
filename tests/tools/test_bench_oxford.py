"""The Oxford bench's peer columns (tools/bench/oxford.py): scoring any counter's step times against
the same truth, the group summaries, which peer is off-label, and the n/a path when .venv-peers is
missing (the test command never builds it, so that path must be printed, not skipped).

The last test runs the real --quick table (six recordings) with the peers' Python pointed nowhere.
"""

from __future__ import annotations

import argparse
import re

import numpy as np
import pytest

from tools.bench import oxford
from tools.peers import espruino

from ..data import shared


def test_a_peers_step_times_are_scored_like_the_engines() -> None:
    truth = np.array([1.0, 2.0, 3.0, 4.0])
    found = np.array([5.0, 4.0, 1.1, 3.5, 2.05])  # unsorted: 3 within 0.3 s, 3.5 s is too late
    c = oxford.score(truth, 5, found)
    assert (c.true, c.switch, c.counted) == (4, 5, 5)
    assert c.f1 == pytest.approx(2 * 3 / (4 + 5))
    assert c.error == pytest.approx(0.25)
    assert c.switch_error == pytest.approx(0.0)
    assert oxford.score(truth, 4, np.empty(0)).f1 == 0.0


def test_a_group_of_counts_is_summarised_by_median_and_worst() -> None:
    counts = [
        oxford.Count(true=100, switch=100, counted=c, f1=f)
        for c, f in ((101, 0.99), (97, 0.95), (110, 0.90))
    ]
    assert oxford.count_summary(counts) == [
        "3",
        "3.0",  # median |error| of 1, 3, 10 %
        "10.0",
        "2",  # two within 5 %
        "3.0 / 10.0",
        "0.950",
        "0.900",
    ]
    assert len(oxford.count_summary(counts)) == len(oxford.COUNT_HEADER)


def test_head_to_head_counts_recordings_by_the_closer_count() -> None:
    def c(counted: int) -> oxford.Count:
        return oxford.Count(true=100, switch=100, counted=counted, f1=1.0)

    engine = [c(101), c(98), c(100), c(95)]
    peer = [c(97), c(102), c(100), c(104)]  # engine closer, tie (2 each), tie, peer closer
    assert oxford.head_to_head(engine, peer) == "1/2/1"


def test_each_group_has_its_own_peer_and_the_other_is_off_label() -> None:
    trunk, hand = (placements for _, placements in oxford.GROUPS)
    assert oxford.peer_label("mobgap", trunk) == "mobgap"
    assert oxford.peer_label("espruino", trunk) == "espruino*"
    assert oxford.peer_label("espruino", hand) == "espruino"
    assert oxford.peer_label("mobgap", hand) == "mobgap*"
    assert set(oxford.PLACEMENT.values()) == set(oxford.PEER_AT)
    assert set(oxford.PEER_AT.values()) <= set(oxford.PEERS)
    # every label the table can print is explained under it
    labels = {oxford.peer_label(p, g) for p in oxford.PEERS for _, g in oxford.GROUPS}
    assert labels == set(oxford.PEER_NOTES_HERE)


def _walk(seconds: float = 30.0, step_s: float = 0.55, fs: float = 50.0) -> oxford.Loaded:
    """A hand-like bounce, one peak per step, and those peaks as the truth."""
    t = np.arange(0.0, seconds, 1.0 / fs)
    acc = np.zeros((len(t), 3))
    acc[:, 2] = espruino.GRAVITY * (1.0 + 0.3 * np.sin(2 * np.pi * t / step_s))
    truth = np.arange(step_s / 4, seconds, step_s)
    return t, acc, truth, len(truth)


def test_a_missing_peer_environment_is_reported_and_the_other_peer_still_runs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.setenv("RETROWALK_PEERS_PYTHON", "/nonexistent/python")
    loaded = [_walk(), _walk(20.0)]
    counts, errors = oxford.run_peers([("a", "InHand"), ("b", "Purse")], loaded)
    assert counts["mobgap"] is None
    assert errors == ["mobgap: /nonexistent/python missing: run ./scripts/setup_peers"]
    es = counts["espruino"]
    assert es is not None and len(es) == 2
    for c, (_, _, truth, _) in zip(es, loaded, strict=True):
        # the watch holds its first 6 steps until the run is confirmed, then releases them all
        assert c.true == len(truth)
        assert abs(c.error) < 0.05, c
        assert c.f1 > 0.95, c
    assert oxford.peer_cells(None) == ["n/a", "n/a", "n/a"]
    assert oxford.peer_cells(oxford.Count(200, 201, 198, 0.9876)) == ["198", "-1.0", "0.988"]


def test_the_quick_table_says_why_a_peer_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    shared("oxford-steps")
    monkeypatch.setenv("RETROWALK_PEERS_PYTHON", "/nonexistent/python")
    text = oxford.oxford_table(argparse.Namespace(quick=True))
    assert "n/a: mobgap: /nonexistent/python missing: run ./scripts/setup_peers" in text
    rows = text.split("-- engine and peers, same recordings and truth --")[1].splitlines()
    cells = [re.split(r"\s{2,}", r.strip()) for r in rows if " Hz " in r]
    by_counter = {tuple(c[:3]): c[3:] for c in cells}
    assert len(by_counter) == 2 * 2 * 3  # rates x groups x (engine, mobgap, espruino)
    na = ["n/a"] * (len(oxford.COUNT_HEADER) + 1)
    assert by_counter["50 Hz", "waist-like (trunk)", "mobgap"] == na
    assert by_counter["100 Hz", "hand-held", "mobgap*"] == na
    # the engine and the Espruino counter are scored on the same recordings (n: 3 each)
    for counter in ("engine", "espruino"):
        assert by_counter["50 Hz", "hand-held", counter][0] == "3"
    assert by_counter["100 Hz", "waist-like (trunk)", "espruino*"][0] == "3"
