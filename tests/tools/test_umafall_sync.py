"""UMAFall's per-trial comparison (tools/bench/umafall_sync.py): pairing, clocks and scoring on
made-up inputs; one test pairs the real labels, so a relabelled or re-cut trial is caught."""

from __future__ import annotations

import numpy as np
import pytest

from custom_components.retrowalk.gait import Direction, StepEvent
from tools.bench import daily, umafall_sync as sync, wrist_recall
from tools.peers import external

from ..data import shared


def _seg(location: str, duration: float = 14.8, **kw: str) -> daily.Segment:
    fields = {"subject": "umafall-s01", "session": "Walking1_x", "activity": "walking"} | kw
    return daily.Segment(
        name=f"{fields['subject']}_{location}_{fields['session']}",
        dataset="umafall",
        subject=fields["subject"],
        location=location,
        activity=fields["activity"],
        walking=True,
        expected="yes",
        duration_s=duration,
        rate=20.0,
        has_gyro=True,
        session=fields["session"],
        start_s=0.0,
        file="x.csv",
        source=fields.get("source", f"{fields['session']}.csv"),
    )


def test_pairs_one_trial_per_subject_and_session() -> None:
    segs = [
        _seg("ankle", 14.8),
        _seg("wrist", 14.2),
        _seg("waist", 14.6),
        _seg("ankle", 14.9, session="Walking2_x"),
        _seg("pocket", 14.9, session="Walking2_x"),
        _seg("ankle", 14.7, subject="umafall-s02"),
        _seg("chest", 14.7, subject="umafall-s02"),
    ]
    trials, skipped = sync.pair_trials(reversed(segs))
    assert skipped == []
    assert [(t.subject, t.session, sorted(t.segments)) for t in trials] == [
        ("umafall-s01", "Walking1_x", ["ankle", "waist", "wrist"]),
        ("umafall-s01", "Walking2_x", ["ankle", "pocket"]),
        ("umafall-s02", "Walking1_x", ["ankle", "chest"]),
    ]
    # The sensors stop together: the wrist's file is 0.6 s shorter because it started later, so
    # its t = 0 is the ankle's 0.6 s.
    assert trials[0].offset("wrist") == pytest.approx(0.6)
    assert trials[0].offset("ankle") == 0.0


def test_a_trial_without_the_ankle_is_left_out_and_said() -> None:
    trials, skipped = sync.pair_trials([_seg("wrist"), _seg("chest")])
    assert trials == []
    assert skipped == ["umafall-s01/Walking1_x: no ankle"]


@pytest.mark.parametrize(
    ("other", "what"),
    [
        (_seg("wrist", activity="jogging"), "activity differs"),
        (_seg("wrist", source="another.csv"), "source differs"),
        (_seg("wrist", 13.5), "durations 13.50-14.80 s differ"),
        (_seg("ankle"), "a location twice"),
    ],
)
def test_segments_of_one_session_that_disagree_are_an_error(
    other: daily.Segment, what: str
) -> None:
    with pytest.raises(sync.PairingError, match=what):
        sync.pair_trials([_seg("ankle"), other])


def test_where_lost_matches_steps_one_to_one_and_splits_the_lost_by_position() -> None:
    reference = np.arange(2.0, 14.0, 0.6)  # 20 steps
    # Confirmed from the 5th step on, one step missed inside, the last two not counted.
    counted = np.delete(reference[4:-2], 6) + 0.1  # within the tolerance of the reference's
    split = sync.where_lost(reference, counted)
    assert split == sync.Split(start=4, inside=1, end=2, extra=0)
    assert split.lost == 7
    assert sync.where_lost(reference, np.empty(0)) == sync.Split(20, 0, 0, 0)
    # A step counted inside that the reference does not have: extra, nothing lost.
    extra = np.sort(np.append(reference, 8.25))
    assert sync.where_lost(reference, extra) == sync.Split(0, 0, 0, 1)
    # Same count, different steps: the counter counts 3 steps while the reference stands and
    # misses the walk's first 3. A count difference says nothing was lost; matching says 3
    # lost (after the counter's first step: inside) and 3 extra.
    shifted = np.concatenate([[0.2, 0.6, 1.0], reference[3:]])
    split = sync.where_lost(reference, shifted)
    assert (split.lost, split.extra) == (3, 3)
    assert (split.start, split.inside, split.end) == (0, 3, 0)
    # Lost before the counter's first step and after its last, with extras between.
    counted = np.concatenate([reference[5:10], [9.15], reference[10:15]])
    assert sync.where_lost(reference, counted) == sync.Split(5, 0, 5, 1)


def test_stats_ratios_totals_and_the_confirmed_trials() -> None:
    stats = sync.Stats()
    ref = np.arange(10.0)
    stats.add(ref, ref[2:], confirmed=True)  # 8 of 10, lost at the start
    stats.add(ref, np.arange(0.0, 10.0, 0.5), confirmed=False)  # 20 of 10
    stats.add(np.empty(0), ref)  # the reference counted nothing: no ratio
    assert stats.ratios == [0.8, 2.0]
    assert stats.confirmed == [0.8]
    assert (stats.reference, stats.counted, stats.lost, stats.extra) == (20, 28, 2, 10)
    assert (stats.start, stats.end, stats.no_reference) == (2, 0, 1)
    row = stats.row()
    cells = dict(zip(sync.STATS_HEADER, row, strict=True))
    assert row[:5] == ["2", "1.40", "0.80 (1)", "0.92", "2.00"]  # worst: furthest from 1
    assert cells["trials with none"] == "0"
    # Its own walking cadence: 60 / 1 s and 60 / 0.5 s between its first and last steps.
    assert cells["own walking cadence"] == "90 [75-105]"
    empty = sync.Stats()
    empty.add(ref, np.empty(0))
    assert empty.silent == 1
    # Equal counts, the first 3 counted while the reference stood: 3 lost and 3 extra, not 0.
    same_count = sync.Stats()
    same_count.add(ref + 3.0, np.concatenate([[0.0, 1.0, 2.0], ref[3:] + 3.0]))
    assert same_count.ratios == [1.0]
    assert (same_count.lost, same_count.extra, same_count.inside) == (3, 3, 3)
    assert len(sync.Stats().row()) == len(sync.STATS_HEADER)


def test_walking_cadence_counts_the_walk_only() -> None:
    # 11 steps 0.5 s apart, after 3 s of standing: 120 steps/min, not 11 / 8 s.
    assert sync.walking_cadence(np.arange(3.0, 8.01, 0.5)) == pytest.approx(120.0)
    assert sync.walking_cadence(np.array([1.0])) is None


def test_the_spectrum_confirms_a_cadence_within_ten_per_cent() -> None:
    assert sync.confirms(95.0, 100.0)
    assert not sync.confirms(85.0, 100.0)
    assert not sync.confirms(None, 100.0)
    assert not sync.confirms(100.0, None)


def _stream(start_walk: float, duration: float) -> daily.Stream:
    t = np.arange(0.0, duration, 0.05)
    walking = (t >= start_walk) & (t < start_walk + 6.0)
    acc = np.zeros((len(t), 3))
    acc[:, 2] = 9.8 + walking * 3.0 * np.sin(2 * np.pi * 1.8 * t)
    return daily.Stream(key="s", dataset="umafall", location="x", t=t, acc=acc, gyro=None)


def test_envelope_lag_finds_the_clock_offset_between_two_sensors() -> None:
    # The same walk, the second sensor's walk 0.6 s earlier on its own clock while its file is
    # only 0.2 s shorter: the movement says 0.6, end alignment 0.2.
    ankle = _stream(3.0, 15.0)
    wrist = _stream(2.4, 14.8)
    lag = sync.envelope_lag(sync.envelope(ankle), sync.envelope(wrist))
    assert lag == pytest.approx(0.6, abs=0.05)


def test_envelope_lag_is_not_pulled_by_the_files_ends() -> None:
    # Equal file lengths (end alignment says 0), the walks 0.6 s apart: the envelope must follow
    # the walk, not the trace's ends (smoothing |acc| ~ 9.8 against zero padding made a spike at
    # both ends of every trace, lined up exactly by equal lengths).
    ankle = _stream(3.0, 15.0)
    wrist = _stream(2.4, 15.0)
    lag = sync.envelope_lag(sync.envelope(ankle), sync.envelope(wrist))
    assert lag == pytest.approx(0.6, abs=0.05)


def test_the_envelope_of_standing_still_is_flat() -> None:
    still = _stream(100.0, 15.0)  # never walks: |acc| = 9.8 throughout
    env = sync.envelope(still)
    assert len(env) > 0
    assert float(np.max(env)) < 1e-6


def test_the_real_umafall_trials_pair() -> None:
    segs = [
        s
        for s in daily.read_labels(shared("daily-living"))
        if s.dataset == "umafall" and s.activity in sync.ACTIVITIES
    ]
    trials, skipped = sync.pair_trials(segs)
    assert skipped == []
    assert len(trials) == 51
    assert all(len(t.segments) >= 4 for t in trials)
    offsets = [abs(t.offset(loc)) for t in trials for loc in t.segments]
    assert max(offsets) < 0.7
    # The labels' trial number and start time sit in the session name; the source file agrees.
    assert all(len({s.source for s in t.segments.values()}) == 1 for t in trials)
    assert all(s.source for t in trials for s in t.segments.values())


# -- the comparison's plumbing, on made-up streams and a stand-in engine ---------------------

STEP_S = 60 / 108  # the made-up walk: 108 steps/min


def _walk(location: str, duration: float, start_walk: float) -> daily.Stream:
    """A stream whose acc has a 1.8 Hz step and a 0.9 Hz stride component while walking."""
    t = np.arange(0.0, duration, 0.05)
    walking = (t >= start_walk) & (t < duration - 0.5)
    acc = np.zeros((len(t), 3))
    acc[:, 2] = 9.8 + walking * (np.sin(2 * np.pi * 1.8 * t) + 0.8 * np.sin(2 * np.pi * 0.9 * t))
    return daily.Stream(key=location, dataset="umafall", location=location, t=t, acc=acc, gyro=None)


def test_compare_puts_each_location_on_the_ankles_clock_and_reports(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The ankle counts 20 steps from 2 s; the wrist's file starts 0.5 s later and its counter
    # (a stand-in engine) starts counting 4 steps late; the pocket's peer cannot run.
    ankle_steps = 2.0 + STEP_S * np.arange(20)
    trial = sync.Trial(
        "umafall-s01",
        "Walking1_x",
        "walking",
        {
            "ankle": _seg("ankle", 14.8),
            "wrist": _seg("wrist", 14.3),
            "pocket": _seg("pocket", 14.8),
        },
    )
    streams = {
        trial.segments["ankle"].name: _walk("ankle", 14.8, 2.0),
        trial.segments["wrist"].name: _walk("wrist", 14.3, 1.5),
        trial.segments["pocket"].name: _walk("pocket", 14.8, 2.0),
    }
    on_own_clock = {"ankle": ankle_steps, "wrist": ankle_steps[4:] - 0.5, "pocket": ankle_steps}

    def engine(stream: daily.Stream, *, gated: bool = True) -> list[list[StepEvent]]:
        times = on_own_clock[stream.location]
        if stream.location == "wrist" and not gated:
            times = ankle_steps - 0.5  # the detector alone sees every step
        feet = [i % 2 == 0 for i in range(len(times))]
        return [
            [
                StepEvent(t=float(x), direction=Direction.FORWARD, confidence=1.0, sensor_foot=f)
                for x, f in zip(times, feet, strict=True)
            ]
        ]

    def no_peer(streams: list[daily.Stream]) -> list[np.ndarray]:
        raise external.PeerUnavailableError("not here")

    ran: list[str] = []

    def peer_at(location: str) -> daily.PeerFn:
        def run(group: list[daily.Stream]) -> list[np.ndarray]:
            ran.append(location)
            return [np.empty(0) for _ in group]

        return run

    # Every peer stood in for (no subprocess); the ones with no trial here must not run.
    def through_gate(
        stream: daily.Stream, batches: list[list[StepEvent]], params: object
    ) -> np.ndarray:
        # The engine's steps are its candidates through the gate (None: the detector alone).
        if params is None:
            return daily.batch_times(batches)
        return np.sort(on_own_clock[stream.location])

    monkeypatch.setattr(sync, "engine_batches", engine)
    monkeypatch.setattr(daily, "engine_batches", engine)
    monkeypatch.setattr(sync, "gate_times", through_gate)
    monkeypatch.setitem(sync.PEERS, "wrist", ("espruino", lambda s: [ankle_steps - 0.5]))
    monkeypatch.setitem(sync.PEERS, "waist", ("mobgap", peer_at("waist")))
    monkeypatch.setitem(sync.PEERS, "chest", ("mobgap*", peer_at("chest")))
    monkeypatch.setitem(sync.PEERS, "pocket", ("mobgap*", no_peer))
    monkeypatch.setitem(sync.PEERS, "ankle", ("gaitmap*", no_peer))
    result = sync.compare([trial], streams)
    assert ran == []  # no trial has a waist or a chest
    assert not any(k[1] in {"waist", "chest"} for k in result.stats)

    assert result.cadence["walking"] == [pytest.approx(108.0)]
    assert result.before["walking"] == [pytest.approx(2.0)]
    assert result.spectral["walking"][0] == pytest.approx(108, abs=6)
    assert result.confirmed["walking"] == 1
    assert result.sensor_foot["walking"] == (10, 20)
    assert result.offsets == [pytest.approx(0.5), 0.0]
    assert result.pair_activity == ["walking", "walking"]
    assert len(result.lags) == 2
    wrist = result.stats[("walking", "wrist", "engine")]
    assert (wrist.ratios, wrist.lost, wrist.start, wrist.inside, wrist.end) == ([0.8], 4, 4, 0, 0)
    assert wrist.extra == 0
    assert result.stats[("walking", "wrist", "detector alone")].ratios == [1.0]
    assert result.stats[("walking", "wrist", "espruino")].confirmed == [1.0]
    assert result.stats[("walking", "pocket", "engine")].ratios == [1.0]
    assert ("walking", "pocket", "mobgap*") not in result.stats
    assert ("walking", "ankle", "engine") not in result.stats  # the reference itself

    text = sync.report([trial], ["umafall-s02/x: no ankle"], result)
    assert "1 trials: walking 1" in text
    assert "left out: umafall-s02/x: no ankle" in text
    assert "| walking | wrist | engine | 1 | 0.80 | 0.80 (1) |" in text
    assert "n/a: mobgap* at pocket: not here" in text
    assert "n/a: gaitmap* at ankle: not here" in text
    assert "n/a: mobgap at waist" not in text and "mobgap* at chest" not in text
    assert "Envelope lag off the offset:" in text

    listing = sync.per_trial([trial], streams)
    # The wrist: 20 ankle steps, 16 counted from the 5th on; the detector saw every step (its
    # longest gap is a step interval); the pocket counts every one.
    assert (
        "| umafall-s01 | Walking1_x | wrist | 20 | yes | 16 | 4 | 0 | 0 | 0 | 2.0 | 4.2 | 0.6 |"
        in listing
    )
    assert (
        "| umafall-s01 | Walking1_x | pocket | 20 | yes | 20 | 0 | 0 | 0 | 0 | 2.0 | 2.0 | 0.6 |"
        in (listing)
    )
    assert (
        "wrist: 1 trials; lost 4 (at start 4, inside 0, at end 0) in 1 trials; 4 of them in the"
        " 1 trials losing more than 2; 0 trials count nothing; extra 0." in listing
    )
    assert "waist: 0 trials; lost 0" in listing


def test_the_longest_candidate_gap_counts_the_walks_edges() -> None:
    cands = np.array([1.0, 2.5, 3.0, 3.5, 9.0])
    assert sync.longest_gap(cands, 2.0, 6.0) == pytest.approx(2.5)  # 3.5 to the walk's end
    assert sync.longest_gap(np.empty(0), 2.0, 6.0) == pytest.approx(4.0)
    assert sync.longest_gap(np.array([2.1, 2.6, 3.2]), 2.0, 3.5) == pytest.approx(0.6)


def test_pair_check_says_which_pairs_could_tell_the_clocks_apart() -> None:
    result = sync.Result()
    result.offsets = [0.0, 0.01, 0.5, 0.4]
    result.lags = [0.0, 0.6, 0.45, 0.0]
    result.pair_activity = ["walking", "jogging", "walking", "walking"]
    text = sync.pair_check(result)
    assert "off the offset: 2 pairs (walking 1, jogging 1)" in text
    assert "|offset| > 0.15 s" in text
    assert "2, of which the lag agrees in 1, lies within 0.15 s of 0 (start-aligned) in 1" in text


def test_the_rule_variants_loosen_one_rule_each() -> None:
    wrist = sync.location_variants("wrist")
    assert wrist["detector alone"] is None
    assert "confirm 6 (10) -> 4 (8)" in wrist
    assert "measured_run off" in wrist and "run_posture off" not in wrist  # the wrist has none
    trunk = sync.location_variants("waist")
    assert "confirm 4 -> 3" in trunk and "measured_run off" not in trunk
    thigh = sync.location_variants("pocket")
    shipped = thigh["shipped"]
    assert shipped is not None
    loosened = {k: v for k, v in thigh.items() if v is not None and k != "shipped"}
    assert "8 out of posture -> 4" in loosened and "soft_walk_posture off" in loosened
    for name, params in loosened.items():
        assert params != shipped, name
    assert "soft_walk_posture off" not in sync.location_variants("chest")
    # wrist_recall loosens the wrist's rules with the same function.
    assert wrist_recall.rule_variants is sync.rule_variants


def test_the_quick_subset_runs_end_to_end(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The real engine on UMAFall's first two subjects (the out-of-process peers stood down)."""

    def no_peer(streams: list[daily.Stream]) -> list[np.ndarray]:
        raise external.PeerUnavailableError("not in this test")

    for location in ("waist", "pocket", "chest", "ankle"):
        monkeypatch.setitem(sync.PEERS, location, (sync.PEERS[location][0], no_peer))
    shared("daily-living")
    assert sync.main(["--quick"]) == 0
    table = capsys.readouterr().out
    assert "| walking | wrist | engine |" in table
    assert "| walking | chest | engine |" in table
    # The trunk counts what the ankle counts (subjects 1-2: waist 1.07, chest 1.02).
    for location in ("waist", "chest"):
        (row,) = [
            r for r in table.splitlines() if r.startswith(f"| walking | {location} | engine |")
        ]
        median_ratio = float(row.split("|")[5])
        assert 0.9 <= median_ratio <= 1.1, row
    assert sync.main(["--quick", "--rules"]) == 0
    rules = capsys.readouterr().out
    for location in sync.LOCATIONS:
        assert f"| {location} | shipped |" in rules
        assert f"| {location} | detector alone |" in rules
