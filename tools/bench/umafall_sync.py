"""UMAFall's simultaneous sensors: each location's step count against the ankle's, trial by trial.

UMAFall (../shared/data/daily-living/umafall) recorded wrist, waist, chest, trouser pocket (a phone)
and ankle SensorTags at the same time in every trial: one source file per trial holds all of them.
Its walking trials are 15 s long and start (and often end) standing, so steps / segment duration
(the daily table's cadence) cannot tell a counter that misses steps from one that counts a short
walk right. The engine at the ankle (placement shank) verifies every stride it counts, so its count
in the same trial is a per-trial step reference for the other four locations.

Pairing (pair_trials): the segments of one trial share the data set, subject, session (activity,
trial number and start time in the session name), activity and source file; their durations differ
by under MAX_SKEW_S. The sensors stop together and start apart (each file's clock starts at the
sensor's first sample): a location's times are put on the ankle's clock by the difference of the
durations (offset()). check_offset() checks that against the walking itself: the lag that best
lines up the two sensors' movement envelopes.

Per activity (walking, stairs up and down, jogging: separate rows) and location: the engine's
count / the ankle engine's count per trial (median, 10th percentile, worst: the headline), and,
steps matched one to one within TOL_S (oxford.match), the ankle's steps lost (matched by none of
the counter's) split by where they lie (before the location's first counted step: the walk's
start, never confirmed there; after its last: the walk's end; between: inside) and the counter's
extra steps (matched to none of the ankle's); the same for the detector without its walking gate
(what the gate drops) and for the location's peer of the daily table (tools/bench/daily.py
PEERS). At the ankle: its walking cadence, 60 x (steps - 1) / (last step - first step), the
trial's walking cadence without the standing before and after. --per-trial lists every walking
trial (per_trial()), --rules the gate's rules loosened one at a time (rules()).

Run: ./scripts/bench umafall_sync [--quick] [--rules | --per-trial]. Figures:
docs/daily_bench.md, "UMAFall: every location against the ankle in the same trial".
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
import math

import numpy as np

from custom_components.retrowalk.gait import FloatArray, StepEvent
from custom_components.retrowalk.gait.gate_params import GATE_PARAMS, GateParams
from tools.peers import external

from .daily import (
    PEER_NOTES,
    PEERS,
    PLACEMENT,
    QUICK_SUBJECTS,
    Segment,
    Stream,
    build_streams,
    engine_batches,
    md_table,
    read_labels,
    select,
    spread,
    step_times,
)
from .data import data_dir
from .gate_eval import gate_times, rule_variants
from .oxford import match
from .registry import table
from .wrist_recall import spectral_cadence

DATASET = "umafall"
ACTIVITIES = ("walking", "walking_upstairs", "walking_downstairs", "jogging")
REFERENCE = "ankle"
LOCATIONS = ("wrist", "waist", "pocket", "chest")
# One trial's sensors ran for the same trial: their durations differ by the time each took to
# start sending (UMAFall walking: at most 0.65 s). A larger difference is not the same trial.
MAX_SKEW_S = 1.0
# A location's step and the ankle's step of the same heel strike lie within this of each other
# (less than half a walking step: 0.5 s at 120 steps/min).
TOL_S = 0.3
# check_offset(): the movement envelope (1 s moving standard deviation of |acc|) on a grid of
# ENVELOPE_HZ, lags searched within +-MAX_LAG_S, and a lag within AGREE_S of offset() agrees.
ENVELOPE_HZ = 20.0
MAX_LAG_S = 2.0
AGREE_S = 0.15
# The ankle is checked against the spectrum: over its walking span (about 12 s, so the spectrum
# resolves about 5 steps/min) its walking cadence within this fraction of the step frequency the
# sensors' spectra agree on confirms it as the trial's reference.
SPECTRUM_AGREES = 0.1


class PairingError(ValueError):
    """Segments grouped as one trial do not describe the same trial."""


@dataclass(frozen=True, slots=True)
class Trial:
    """One UMAFall trial: its segment at each location (the reference's always present)."""

    subject: str
    session: str
    activity: str
    segments: dict[str, Segment]

    @property
    def reference(self) -> Segment:
        return self.segments[REFERENCE]

    def offset(self, location: str) -> float:
        """Seconds to add to a location's times to put them on the reference's clock.

        The sensors stop together when the recording stops and start apart: a sensor whose
        file is shorter started later.
        """
        return self.reference.duration_s - self.segments[location].duration_s


def pair_trials(
    segments: Iterable[Segment], *, max_skew: float = MAX_SKEW_S
) -> tuple[list[Trial], list[str]]:
    """UMAFall's segments grouped into trials, and why any group was left out (no reference).

    Raises PairingError where one group's segments disagree on activity or source file, repeat a
    location, or differ in duration by more than `max_skew`: then the labels are wrong.
    """
    groups: dict[tuple[str, str, str], list[Segment]] = defaultdict(list)
    for seg in segments:
        groups[(seg.dataset, seg.subject, seg.session)].append(seg)
    trials: list[Trial] = []
    skipped: list[str] = []
    for (_, subject, session), segs in sorted(groups.items()):
        name = f"{subject}/{session}"
        for what in ("activity", "source"):
            values = {getattr(s, what) for s in segs}
            if len(values) > 1:
                raise PairingError(f"{name}: {what} differs: {sorted(values)}")
        locations = [s.location for s in segs]
        if len(set(locations)) != len(locations):
            raise PairingError(f"{name}: a location twice: {sorted(locations)}")
        durations = [s.duration_s for s in segs]
        if max(durations) - min(durations) > max_skew:
            raise PairingError(
                f"{name}: durations {min(durations):.2f}-{max(durations):.2f} s differ by more"
                f" than {max_skew} s"
            )
        if REFERENCE not in locations:
            skipped.append(f"{name}: no {REFERENCE}")
            continue
        by = {s.location: s for s in segs}
        trials.append(Trial(subject, session, segs[0].activity, by))
    return trials, skipped


def envelope(stream: Stream) -> FloatArray:
    """The movement envelope: 1 s moving standard deviation of |acc| on an ENVELOPE_HZ grid.

    Only full 1 s windows ("valid"): a window reaching past the trace would pad |acc| (about
    9.8 m/s^2 standing) with zeros, a false burst at both ends of every trace, and those line
    up exactly where the files are end-aligned, the very thing the lag is meant to check.
    Every envelope starts half a window after its stream's first sample, so lags are unchanged.
    """
    grid = np.arange(stream.t[0], stream.t[-1], 1 / ENVELOPE_HZ)
    mag = np.interp(grid, stream.t, np.linalg.norm(stream.acc, axis=1))
    box = np.ones(round(ENVELOPE_HZ)) / round(ENVELOPE_HZ)
    mean, square = np.convolve(mag, box, "valid"), np.convolve(mag * mag, box, "valid")
    out: FloatArray = np.sqrt(np.maximum(square - mean * mean, 0.0))
    return out


def envelope_lag(reference: FloatArray, other: FloatArray) -> float:
    """The lag (s) to add to `other`'s times that best lines its envelope up with `reference`'s
    (mean product of the standardised envelopes over their overlap, at least 2 s of it)."""

    def standard(x: FloatArray) -> FloatArray:
        out: FloatArray = (x - x.mean()) / max(float(x.std()), 1e-9)
        return out

    ref, oth = standard(reference), standard(other)
    best, lag = -math.inf, 0
    span = round(MAX_LAG_S * ENVELOPE_HZ)
    for k in range(-span, span + 1):  # reference index = other index + k
        lo, hi = max(0, -k), min(len(oth), len(ref) - k)
        if hi - lo < 2 * ENVELOPE_HZ:
            continue
        score = float(np.mean(oth[lo:hi] * ref[lo + k : hi + k]))
        if score > best:
            best, lag = score, k
    return lag / ENVELOPE_HZ


@dataclass(frozen=True, slots=True)
class Split:
    """How a counter's steps differ from the reference's in one trial, step by step."""

    start: int  # reference steps matched by none, before the counter's first step (all if none)
    inside: int  # ... between its first and last step
    end: int  # ... after its last step
    extra: int  # the counter's steps matched to no reference step

    @property
    def lost(self) -> int:
        return self.start + self.inside + self.end


def where_lost(reference: FloatArray, counted: FloatArray, tol: float = TOL_S) -> Split:
    """The reference's steps the counter missed, and where; the counter's times on the
    reference's clock, matched one to one within `tol` (oxford.match: closest pairs first)."""
    reference, counted = np.sort(reference), np.sort(counted)
    if len(counted) == 0:
        return Split(len(reference), 0, 0, 0)
    pairs = match(reference, counted, tol)
    lost = np.delete(reference, list(pairs))
    start = int(np.count_nonzero(lost < counted[0]))
    end = int(np.count_nonzero(lost > counted[-1]))
    return Split(start, len(lost) - start - end, end, len(counted) - len(pairs))


def walking_cadence(times: FloatArray) -> float | None:
    """60 x (steps - 1) / (last step - first step): steps/min over the walking time only."""
    if len(times) < 2 or float(times.max() - times.min()) <= 0:
        return None
    return 60 * (len(times) - 1) / float(times.max() - times.min())


@dataclass(slots=True)
class Stats:
    """A counter against the reference over trials: per-trial ratios, totals, where lost."""

    ratios: list[float] = field(default_factory=list)
    reference: int = 0
    counted: int = 0
    extra: int = 0
    start: int = 0
    inside: int = 0
    end: int = 0
    no_reference: int = 0  # trials where the reference counted nothing (no ratio)
    confirmed: list[float] = field(default_factory=list)  # ratios where the spectrum agrees
    silent: int = 0  # trials where the counter counted nothing (the walk never confirmed)
    cadences: list[float] = field(default_factory=list)  # the counter's own walking cadences

    def add(self, reference: FloatArray, counted: FloatArray, *, confirmed: bool = False) -> None:
        """One trial: the reference's and the counter's step times (on the reference's clock);
        `confirmed`: the spectrum confirms the reference's cadence in this trial."""
        n_ref, n = len(reference), len(counted)
        if n_ref == 0:
            self.no_reference += 1
            return
        self.ratios.append(n / n_ref)
        self.silent += n == 0
        cadence = walking_cadence(counted)
        if cadence is not None:
            self.cadences.append(cadence)
        if confirmed:
            self.confirmed.append(n / n_ref)
        self.reference += n_ref
        self.counted += n
        split = where_lost(reference, counted)
        self.extra += split.extra
        self.start += split.start
        self.inside += split.inside
        self.end += split.end

    @property
    def lost(self) -> int:
        """Reference steps no counted step matched, wherever they lie."""
        return self.start + self.inside + self.end

    def row(self) -> list[str]:
        if not self.ratios:
            return ["0", *["-"] * (len(STATS_HEADER) - 1)]
        r = np.asarray(self.ratios)
        worst = float(r[np.argmax(np.abs(r - 1))])
        sure = f"{np.median(self.confirmed):.2f} ({len(self.confirmed)})" if self.confirmed else "-"
        return [
            str(len(r)),
            f"{np.median(r):.2f}",
            sure,
            f"{np.percentile(r, 10):.2f}",
            f"{worst:.2f}",
            str(self.silent),
            f"{self.counted} / {self.reference}",
            str(self.lost),
            str(self.extra),
            str(self.start),
            str(self.inside),
            str(self.end),
            spread(self.cadences),
        ]


STATS_HEADER = (
    "trials",
    "median ratio",
    "median ratio, ankle confirmed (trials)",
    "10th pct",
    "worst",
    "trials with none",
    "steps / ankle's",
    "lost",
    "extra",
    "lost at start",
    "lost inside",
    "lost at end",
    "own walking cadence",
)  # Stats.row()'s columns
# The columns the gate-rule table shows (rules()).
RULE_COLUMNS = (
    "steps / ankle's",
    "median ratio, ankle confirmed (trials)",
    "10th pct",
    "worst",
    "trials with none",
    "lost",
    "lost at start",
    "lost inside",
    "lost at end",
    "own walking cadence",
)

Counter = Callable[[list[Stream]], list[FloatArray]]


def counters(location: str) -> list[tuple[str, Counter]]:
    """What runs at a location: the engine, its detector without the gate, the daily peer.

    The engine and its detector share one run of the detector per stream: the gated engine's
    steps are its candidates through the location's gate (gate_eval.gate_times).
    """
    peer, fn = PEERS[location]
    params = GATE_PARAMS[PLACEMENT[location]]
    candidates: dict[str, list[list[StepEvent]]] = {}

    def gated(with_params: GateParams | None) -> Counter:
        def run(streams: list[Stream]) -> list[FloatArray]:
            return [gate_times(s, _cached(candidates, s), with_params) for s in streams]

        return run

    return [("engine", gated(params)), ("detector alone", gated(None)), (peer, fn)]


def _cached(candidates: dict[str, list[list[StepEvent]]], stream: Stream) -> list[list[StepEvent]]:
    """The detector's candidate batches of `stream`, run once (keyed by the stream's key)."""
    if stream.key not in candidates:
        candidates[stream.key] = engine_batches(stream, gated=False)
    return candidates[stream.key]


@dataclass(slots=True)
class Result:
    """Everything the table needs: per (activity, location, counter) the Stats; per activity the
    reference's walking cadences and count / duration cadences; the offset checks."""

    stats: dict[tuple[str, str, str], Stats] = field(default_factory=lambda: defaultdict(Stats))
    cadence: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    per_duration: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    spectral: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    # Per trial: seconds before the ankle's first step, and its first-to-last span.
    before: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    span: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    confirmed: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    doubted: list[str] = field(default_factory=list)
    sensor_foot: dict[str, tuple[int, int]] = field(default_factory=dict)
    offsets: list[float] = field(default_factory=list)
    lags: list[float] = field(default_factory=list)  # the envelopes' best lag, pair by pair
    pair_activity: list[str] = field(default_factory=list)

    @property
    def agree(self) -> int:
        """The pairs whose envelope lag agrees with their end-aligned offset within AGREE_S."""
        lag, off = np.asarray(self.lags), np.asarray(self.offsets)
        return int(np.count_nonzero(np.abs(lag - off) <= AGREE_S))

    errors: list[str] = field(default_factory=list)


def span_cadence(
    trial: Trial, streams: dict[str, Stream], first: float, last: float
) -> float | None:
    """The step frequency (steps/min) the trial's sensors' spectra agree on over [first, last]
    of the reference's clock: the median over the sensors whose step and stride peaks agree
    (wrist_recall.spectral_cadence), None where none do."""
    found = []
    for location, seg in trial.segments.items():
        stream = streams[seg.name]
        inside = (stream.t + trial.offset(location) >= first) & (
            stream.t + trial.offset(location) <= last
        )
        if np.count_nonzero(inside) < 2:
            continue
        cad = spectral_cadence(stream.acc[inside], 1 / float(np.median(np.diff(stream.t))))
        if cad is not None:
            found.append(cad)
    return float(np.median(found)) if found else None


def confirms(cadence: float | None, spectral: float | None) -> bool:
    """Whether the spectrum confirms the reference's walking cadence (SPECTRUM_AGREES)."""
    if cadence is None or spectral is None:
        return False
    return abs(cadence / spectral - 1) <= SPECTRUM_AGREES


@dataclass(frozen=True, slots=True)
class Reference:
    """The ankle engine's steps in one trial, its walking cadence, and the spectrum's."""

    events: list[StepEvent]
    times: FloatArray
    cadence: float | None
    spectral: float | None

    @property
    def confirmed(self) -> bool:
        return confirms(self.cadence, self.spectral)


def reference(trial: Trial, streams: dict[str, Stream]) -> Reference:
    """The ankle engine run on the trial's ankle stream, checked against the spectrum."""
    events = [s for b in engine_batches(streams[trial.reference.name]) for s in b]
    times = step_times(events)
    cad = walking_cadence(times)
    spec = span_cadence(trial, streams, times.min(), times.max()) if cad is not None else None
    return Reference(events, times, cad, spec)


def compare(trials: Sequence[Trial], streams: dict[str, Stream]) -> Result:
    """Run every counter on every trial's streams (by segment name) and score them."""
    out = Result()
    refs = [reference(t, streams) for t in trials]
    feet: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for trial, ref in zip(trials, refs, strict=True):
        feet[trial.activity][0] += sum(s.sensor_foot for s in ref.events)
        feet[trial.activity][1] += len(ref.events)
        if ref.cadence is not None:
            out.cadence[trial.activity].append(ref.cadence)
            out.before[trial.activity].append(float(ref.times.min()))
            out.span[trial.activity].append(float(ref.times.max() - ref.times.min()))
        if ref.spectral is not None:
            out.spectral[trial.activity].append(ref.spectral)
        out.confirmed[trial.activity] += ref.confirmed
        if ref.spectral is not None and not ref.confirmed:
            out.doubted.append(
                f"{trial.activity} {trial.subject}/{trial.session}: ankle {len(ref.times)} steps,"
                f" {ref.cadence or 0:.0f}/min; spectrum {ref.spectral:.0f}/min"
            )
        out.per_duration[trial.activity].append(60 * len(ref.times) / trial.reference.duration_s)
    out.sensor_foot = {k: (v[0], v[1]) for k, v in feet.items()}
    envelopes = {t.reference.name: envelope(streams[t.reference.name]) for t in trials}
    for location in (*LOCATIONS, REFERENCE):
        here = [
            (t, ref.times, ref.confirmed)
            for t, ref in zip(trials, refs, strict=True)
            if location in t.segments
        ]
        if not here:
            continue  # no trial has this location: nothing to run (a peer would run on nothing)
        if location != REFERENCE:
            for trial, _, _ in here:
                lag = envelope_lag(
                    envelopes[trial.reference.name],
                    envelope(streams[trial.segments[location].name]),
                )
                out.offsets.append(trial.offset(location))
                out.lags.append(lag)
                out.pair_activity.append(trial.activity)
        mine = [streams[t.segments[location].name] for t, _, _ in here]
        for name, fn in counters(location):
            if location == REFERENCE and name != PEERS[REFERENCE][0]:
                continue  # the engine there is the reference itself
            try:
                results = fn(mine)
            except external.PeerUnavailableError as err:
                out.errors.append(f"{name} at {location}: {err}")
                continue
            for (trial, ref_times, ok), times in zip(here, results, strict=True):
                on_ref = times + trial.offset(location)
                out.stats[(trial.activity, location, name)].add(ref_times, on_ref, confirmed=ok)
    return out


def pair_check(result: Result) -> str:
    """Which pairs the envelope check disagrees with, and how many could tell the clocks apart
    at all: with |offset| <= AGREE_S start- and end-aligned clocks agree within the check's own
    tolerance."""
    off, lag = np.asarray(result.offsets), np.asarray(result.lags)
    if len(off) == 0:
        return "No location-ankle pairs."
    agree = np.abs(lag - off) <= AGREE_S
    apart = np.abs(off) > AGREE_S
    by: dict[str, int] = defaultdict(int)
    for activity, ok in zip(result.pair_activity, agree.tolist(), strict=True):
        by[activity] += not ok
    return (
        f"Envelope lag off the offset: {int(np.count_nonzero(~agree))} pairs"
        f" ({', '.join(f'{a} {by[a]}' for a in ACTIVITIES if by[a])}); pairs with |offset| >"
        f" {AGREE_S} s (start- and end-aligned clocks differ by more than the check's tolerance):"
        f" {int(np.count_nonzero(apart))}, of which the lag agrees in"
        f" {int(np.count_nonzero(agree & apart))}, lies within {AGREE_S} s of 0 (start-aligned) in"
        f" {int(np.count_nonzero(apart & ~agree & (np.abs(lag) <= AGREE_S)))}; |lag - offset|"
        f" median {float(np.median(np.abs(lag - off))):.2f} s."
    )


def report(trials: Sequence[Trial], skipped: Sequence[str], result: Result) -> str:
    n_pairs = len(result.offsets)
    offsets = np.abs(np.asarray(result.offsets)) if n_pairs else np.zeros(1)
    by_activity: dict[str, int] = defaultdict(int)
    for t in trials:
        by_activity[t.activity] += 1
    peers = [PEERS[loc] for loc in (*LOCATIONS, REFERENCE)]
    lines = [
        f"UMAFall, every location against the ankle engine in the same trial ({len(trials)}"
        f" trials: {', '.join(f'{a} {by_activity[a]}' for a in ACTIVITIES if by_activity[a])}).",
        f"Pairing: same subject, session, activity and source file, durations within"
        f" {MAX_SKEW_S} s; {n_pairs} location-ankle pairs, |offset| median"
        f" {np.median(offsets):.2f} s, max {offsets.max():.2f} s (end-aligned); the movement"
        f" envelopes' best lag agrees within {AGREE_S} s in {result.agree} of {n_pairs}.",
        pair_check(result),
        *(f"left out: {s}" for s in skipped),
        "",
        md_table(
            [
                "activity",
                "trials",
                "ankle walking cadence (60 (n-1) / first-to-last)",
                "ankle steps / duration",
                "s before the ankle's first step",
                "ankle's first-to-last step, s",
                "spectrum over the ankle's walking span",
                "ankle confirmed by the spectrum",
                "ankle steps of its own foot",
            ],
            [
                [
                    a,
                    str(by_activity[a]),
                    spread(result.cadence[a]),
                    spread(result.per_duration[a]),
                    spread(result.before[a], 1),
                    spread(result.span[a], 1),
                    spread(result.spectral[a]),
                    f"{result.confirmed[a]} of {by_activity[a]}",
                    "{} of {}".format(*result.sensor_foot.get(a, (0, 0))),
                ]
                for a in ACTIVITIES
                if by_activity[a]
            ],
        ),
        "",
        md_table(
            [
                "activity",
                "location",
                "counter",
                *STATS_HEADER,
            ],
            [
                [a, loc, name, *result.stats[(a, loc, name)].row()]
                for a in ACTIVITIES
                for loc in (*LOCATIONS, REFERENCE)
                for name in (n for n, _ in counters(loc))
                if (a, loc, name) in result.stats
            ],
        ),
        "",
        "ratio: a location's steps / the ankle engine's in the same trial. Steps matched one to"
        f" one within {TOL_S} s (closest pairs first), summed over trials: lost, ankle steps"
        " matched by none of the counter's; extra, the counter's matched to none of the ankle's."
        " Lost at start: before the counter's first step (the walk not yet, or never, confirmed"
        " there; all of them where it counts nothing); at end: after its last; inside: between.",
        "Ankle confirmed: its walking cadence within"
        f" {SPECTRUM_AGREES:.0%} of the step frequency the sensors' spectra agree on over its"
        " walking span (median over the sensors with one). Not confirmed, with a spectrum:",
        *(f"  {d}" for d in result.doubted),
        *(f"{k}: {v}" for k, v in PEER_NOTES.items() if k in {n for n, _ in peers}),
    ]
    lines += [f"n/a: {e}" for e in result.errors]
    return "\n".join(lines)


# -- which gate rule drops the steps the ankle counts ---------------------------------------


def location_variants(location: str) -> dict[str, GateParams | None]:
    """The location's gate variants (gate_eval.rule_variants of its shipped GateParams)."""
    return rule_variants(GATE_PARAMS[PLACEMENT[location]])


def rules(trials: Sequence[Trial], streams: dict[str, Stream], idle: Sequence[Stream]) -> str:
    """Per location and gate variant: the walking trials' steps against the ankle's (lost, where,
    ratios) and the false steps per hour on `idle` (UMAFall's steps_expected = no streams)."""
    walks = [t for t in trials if t.activity == "walking"]
    refs = [reference(t, streams) for t in walks]
    rows: list[list[str]] = []
    for location in LOCATIONS:
        here = [(t, r) for t, r in zip(walks, refs, strict=True) if location in t.segments]
        cached = [
            (
                streams[t.segments[location].name],
                engine_batches(streams[t.segments[location].name], gated=False),
            )
            for t, _ in here
        ]
        quiet = [(s, engine_batches(s, gated=False)) for s in idle if s.location == location]
        hours = sum(seg.duration_s for s, _ in quiet for seg, _ in s.segments) / 3600
        for name, params in location_variants(location).items():
            stats = Stats()
            for (trial, ref), (stream, batches) in zip(here, cached, strict=True):
                times = gate_times(stream, batches, params) + trial.offset(location)
                stats.add(ref.times, times, confirmed=ref.confirmed)
            false = sum(len(gate_times(s, b, params)) for s, b in quiet)
            cells = dict(zip(STATS_HEADER, stats.row(), strict=True))
            rows.append(
                [
                    location,
                    name,
                    *(cells[c] for c in RULE_COLUMNS),
                    f"{false / hours:.0f}" if hours else "-",
                ]
            )
    return md_table(
        [
            "location",
            "gate",
            *RULE_COLUMNS,
            "false steps/h (UMAFall no-step activities)",
        ],
        rows,
    )


# -- trial by trial ----------------------------------------------------------------------------

# A trial that loses more than this is where the lost steps are, not at the edges: one step at
# each end of a walk can differ by the match tolerance or the reference's own first/last step.
FEW_LOST = 2


def longest_gap(candidates: FloatArray, first: float, last: float) -> float:
    """The longest time within [first, last] (the ankle's walk) without a detector candidate."""
    inside = candidates[(candidates > first) & (candidates < last)]
    return float(np.max(np.diff(np.concatenate([[first], np.sort(inside), [last]]))))


def per_trial(trials: Sequence[Trial], streams: dict[str, Stream]) -> str:
    """The engine at each location in every walking trial against the ankle: steps, lost by
    position, extra, its first counted step and the detector's longest gap in the ankle's walk;
    per location a summary of where the lost steps are."""
    walks = [(t, reference(t, streams)) for t in trials if t.activity == "walking"]
    rows: list[list[str]] = []
    summary: list[str] = []
    for location in LOCATIONS:
        lost: list[int] = []
        total, silent, extra = Split(0, 0, 0, 0), 0, 0
        for trial, ref in walks:
            if location not in trial.segments or len(ref.times) == 0:
                continue
            stream = streams[trial.segments[location].name]
            batches = engine_batches(stream, gated=False)  # one detector run for both
            params = GATE_PARAMS[PLACEMENT[location]]
            counted = gate_times(stream, batches, params) + trial.offset(location)
            candidates = gate_times(stream, batches, None) + trial.offset(location)
            split = where_lost(ref.times, counted)
            first, last = float(ref.times.min()), float(ref.times.max())
            lost.append(split.lost)
            silent += len(counted) == 0
            extra += split.extra
            total = Split(
                total.start + split.start, total.inside + split.inside, total.end + split.end, 0
            )
            rows.append(
                [
                    trial.subject,
                    trial.session,
                    location,
                    str(len(ref.times)),
                    "yes" if ref.confirmed else "no",
                    str(len(counted)),
                    str(split.start),
                    str(split.inside),
                    str(split.end),
                    str(split.extra),
                    f"{first:.1f}",
                    f"{counted.min():.1f}" if len(counted) else "-",
                    f"{longest_gap(candidates, first, last):.1f}",
                ]
            )
        many = [n for n in lost if n > FEW_LOST]
        summary.append(
            f"{location}: {len(lost)} trials; lost {total.lost} (at start {total.start}, inside"
            f" {total.inside}, at end {total.end}) in {sum(n > 0 for n in lost)} trials;"
            f" {sum(many)} of them in the {len(many)} trials losing more than {FEW_LOST};"
            f" {silent} trials count nothing; extra {extra}."
        )
    table_ = md_table(
        [
            "subject",
            "trial",
            "location",
            "ankle steps",
            "ankle confirmed",
            "counted",
            "lost at start",
            "lost inside",
            "lost at end",
            "extra",
            "ankle's first step, s",
            "first counted, s",
            "longest candidate gap in the ankle's walk, s",
        ],
        rows,
    )
    return "\n".join(
        [
            "Walking trials, the engine at each location against the ankle (times on the"
            " ankle's clock; candidates: the detector without the gate).",
            "",
            table_,
            "",
            *summary,
        ]
    )


def _load(quick: bool) -> tuple[list[Segment], list[Trial], list[str], dict[str, Stream]]:
    base = data_dir("daily-living")
    segments = select(
        read_labels(base), datasets=[DATASET], subjects=QUICK_SUBJECTS if quick else 0
    )
    trials, skipped = pair_trials(s for s in segments if s.activity in ACTIVITIES)
    used = [s for t in trials for s in t.segments.values()]
    streams = {s.segments[0][0].name: s for s in build_streams(used, base)}
    return segments, trials, skipped, streams


def run(*, quick: bool = False) -> str:
    _, trials, skipped, streams = _load(quick)
    return report(trials, skipped, compare(trials, streams))


@table("umafall_sync")
def umafall_sync_table(args: argparse.Namespace) -> str:
    return run(quick=bool(args.quick))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="the first two subjects")
    parser.add_argument(
        "--rules", action="store_true", help="which gate rule drops the ankle's steps (walking)"
    )
    parser.add_argument(
        "--per-trial",
        action="store_true",
        help="every walking trial: steps, lost by position, the detector's longest gap",
    )
    args = parser.parse_args(argv)
    if args.per_trial:
        _, trials, _, streams = _load(args.quick)
        print(per_trial(trials, streams))
        return 0
    if not args.rules:
        print(run(quick=args.quick))
        return 0
    segments, trials, _, streams = _load(args.quick)
    idle = [s for s in segments if s.expected == "no"]
    print(rules(trials, streams, build_streams(idle, data_dir("daily-living"))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
