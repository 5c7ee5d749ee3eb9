"""Where the trunk counts go wrong on Oxford, step by step (a developer tool, not a bench table).

Every trunk recording (pockets, purse, neck pouch; oxford.PLACEMENT) is run through the engine
with its walking gate, through the detector alone (the gate open) and through mobgap (the peer
the Oxford table puts beside the engine there), and each counter's steps are matched one to one
to the foot strikes (+-0.3 s, oxford.match, as oxford.f1). What is left over is sorted by
where in the walk it lies:

- a miss and an extra within LATE_S of each other are one step counted off time: it costs F1,
  not the count ("late");
- an extra before the first true step or after the last ("before" / "after"): both feet were
  standing (the phone being put away or taken out);
- a miss or extra within EDGE_S of a walk's first or last true step ("start" / "end"; a walk
  ends at a pause longer than PAUSE_S);
- an extra within DOUBLE of the walk's median step interval from another counted step
  ("double": one step counted twice, a push-off bump);
- an unmatched step next to a true interval longer than SLOW times the median ("slow": a slow or
  irregular step, a turn or a hesitation; Oxford has no gyro, so turns are not told apart);
- anything else ("mid").

For the engine, a miss the detector alone did find is the gate's ("gate"), otherwise the
detector's. The table has one row per recording; the error is counted minus true.

--closing adds a table of each walk's last true steps as the detector sees them: counted or
not, the interval before the step in the walk's median intervals, the peak of the detector's
signal (|a| - |g|, smoothed as trunk.py does) within +-PEAK_S of the step, that peak and the
deepest dip since the step before in units of the signal's RMS over the detector's history
(its thresholds are peak_k and -valley_k times it).

--handling adds a table of what tells the steps counted while the wearer stands (the "before" and
"after" extras: the phone handled into or out of a pocket, purse or pouch; an extra in a pause
between two walks is put before the next walk or after the last, whichever is nearer, and the
table says how many were) from the walk's true first and last steps (the first and last
HANDLING_EDGE true steps of each walk the engine counted): per class, the distribution of each
feature in FEATURES (see features()).

    PYTHONPATH=$PWD:$PWD/dev ./.venv/bin/python -m tools.bench.oxford_misses [--fs 50] [--closing]
        [--handling]
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
import math
from typing import NamedTuple

import numpy as np

from custom_components.retrowalk.gait import FloatArray, GaitEngine, Placement, StepEvent
from custom_components.retrowalk.gait.gate_params import GATE_PARAMS
from custom_components.retrowalk.gait.trunk_params import TrunkParams, smoothing_kernel
from custom_components.retrowalk.gait.trunk_signal import causal_mean
from tools.peers import external

from . import oxford
from .data import centred_mean, feed, fmt_table

LATE_S = 0.6  # a miss and an extra this close: one step off time
EDGE_S = 3.0  # s from a walk's first or last true step
PAUSE_S = 2.0  # a longer interval between true steps ends a walk
DOUBLE = 0.6  # times the median interval: an extra this near another counted step
SLOW = 1.3  # times the median interval: a slow or irregular true interval
PEAK_S = 0.2  # s either side of a true step where its peak is looked for (under half a step)
CLOSING = 2  # a walk's last true steps in the --closing table
HANDLING_EDGE = 2  # a walk's first and last true steps in the --handling table
JOLT_S = 0.2  # s either side of a counted step: the jolt whose direction is measured
TURN_S = 0.5  # s: the gravity means before and after a counted step whose angle is the turn
# --handling: the classes compared, and the features (name, what it is).
PCTS = (0, 10, 50, 90, 100)  # the percentiles the --handling table shows
HANDLING_CLASSES = ("before", "after", "first", "last", "mid")
FEATURES = (
    ("jolt m/s2", "the detector's peak height (StepFeatures.amplitude)"),
    ("jolt/walk", "that over the recording's median for its true steps"),
    ("posture deg", "angle of the step's 'up' from the true steps' median 'up'"),
    ("vertical share", f"share of the jolt's power (+-{JOLT_S:g} s) along gravity"),
    ("turn deg", f"gravity's turn from the {TURN_S:g} s before the step to the {TURN_S:g} s after"),
    ("interval/walk", "interval to the nearest counted step, over the walk's median"),
)

MISS_KINDS = ("start", "end", "slow", "mid")
EXTRA_KINDS = ("before", "after", "start", "end", "double", "slow", "mid")


@dataclass(frozen=True, slots=True)
class Errors:
    """One counter's unmatched steps on one recording, by kind (see the module docstring)."""

    misses: Counter[str]
    extras: Counter[str]
    late: int

    @property
    def net(self) -> int:
        return sum(self.extras.values()) - sum(self.misses.values())


def walks(truth: FloatArray) -> list[tuple[float, float]]:
    """(first, last) true step of each walk: the true steps split at pauses over PAUSE_S."""
    cut = np.flatnonzero(np.diff(truth) > PAUSE_S)
    first = np.r_[0, cut + 1]
    last = np.r_[cut, len(truth) - 1]
    return [(float(truth[a]), float(truth[b])) for a, b in zip(first, last, strict=True)]


def _edge(x: float, spans: Sequence[tuple[float, float]]) -> str | None:
    for a, b in spans:
        if a - oxford.MATCH_S <= x <= b + oxford.MATCH_S:
            if x - a <= EDGE_S:
                return "start"
            if b - x <= EDGE_S:
                return "end"
    return None


def _slow(x: float, truth: FloatArray, med: float) -> bool:
    """A true interval next to time x is longer than SLOW medians."""
    k = int(np.searchsorted(truth, x))
    near = [truth[i + 1] - truth[i] for i in (k - 2, k - 1, k) if 0 <= i < len(truth) - 1]
    return any(d > SLOW * med for d in near)


def errors(truth: FloatArray, found: FloatArray) -> tuple[Errors, list[int]]:
    """found's unmatched steps on one recording by kind, and the truth indices it missed."""
    found = np.sort(found)
    pairs = oxford.match(truth, found)
    used = set(pairs.values())
    missed = [i for i in range(len(truth)) if i not in pairs]
    extra = [j for j in range(len(found)) if j not in used]
    # One step off time: a miss and an extra near each other, paired closest first.
    late = sorted(
        (abs(float(found[j] - truth[i])), i, j)
        for i in missed
        for j in extra
        if abs(found[j] - truth[i]) <= LATE_S
    )
    gone_i: set[int] = set()
    gone_j: set[int] = set()
    for _, i, j in late:
        if i not in gone_i and j not in gone_j:
            gone_i.add(i)
            gone_j.add(j)
    med = float(np.median(np.diff(truth)))
    spans = walks(truth)
    misses: Counter[str] = Counter()
    miss_idx = [i for i in missed if i not in gone_i]
    for i in miss_idx:
        x = float(truth[i])
        misses[_edge(x, spans) or ("slow" if _slow(x, truth, med) else "mid")] += 1
    extras: Counter[str] = Counter()
    for j in extra:
        if j in gone_j:
            continue
        x = float(found[j])
        if x < truth[0] - oxford.MATCH_S:
            kind = "before"
        elif x > truth[-1] + oxford.MATCH_S:
            kind = "after"
        else:
            others = np.delete(found, j)
            kind = _edge(x, spans) or (
                "double"
                if len(others) and float(np.min(np.abs(others - x))) < DOUBLE * med
                else "slow"
                if _slow(x, truth, med)
                else "mid"
            )
        extras[kind] += 1
    return Errors(misses, extras, len(gone_i)), miss_idx


def cells(e: Errors) -> list[str]:
    """net, misses by kind, extras by kind, late (compact: kind=n, only the non-zero ones)."""

    def some(c: Counter[str], kinds: Sequence[str]) -> str:
        return " ".join(f"{k} {c[k]}" for k in kinds if c[k]) or "-"

    return [f"{e.net:+d}", some(e.misses, MISS_KINDS), some(e.extras, EXTRA_KINDS), str(e.late)]


def vertical(acc: FloatArray, fs: float, p: TrunkParams) -> FloatArray:
    """The trunk detector's step signal: |a| - |trailing gravity mean|, Hann-smoothed."""
    grav = causal_mean(acc, max(1, round(p.gravity_s * fs)))
    vert = np.linalg.norm(acc, axis=1) - np.linalg.norm(grav, axis=1)
    return np.convolve(vert, smoothing_kernel(p, fs), mode="same")


def closing(
    t: FloatArray, acc: FloatArray, truth: FloatArray, found: FloatArray, fs: float
) -> list[list[str]]:
    """Each walk's last CLOSING true steps against the detector's signal (see --closing).

    One row per walk of more than CLOSING steps: end time, median interval, then per step
    "counted" or "MISSED", its interval / median, peak m/s^2, peak / RMS and dip / RMS.
    """
    p = TrunkParams()
    sig = vertical(acc, fs, p)
    counted = set(oxford.match(truth, np.sort(found)))
    n_hist = round(p.history_s * fs)
    rows = []
    for a, b in walks(truth):
        idx = np.flatnonzero((truth >= a) & (truth <= b))
        if len(idx) <= CLOSING:
            continue
        med = float(np.median(np.diff(truth[idx])))
        row = [f"{b:.2f}", f"{med:.2f}"]
        for i in idx[-CLOSING:].tolist():
            k = int(np.searchsorted(t, truth[i]))
            k_prev = int(np.searchsorted(t, truth[i - 1]))
            rms = float(np.sqrt(np.mean(sig[max(0, k - n_hist) : k] ** 2)))
            reach = round(PEAK_S * fs)
            peak = float(sig[max(0, k - reach) : k + reach + 1].max())
            dip = float(sig[k_prev : k + 1].min())
            row += [
                "counted" if i in counted else "MISSED",
                f"{(truth[i] - truth[i - 1]) / med:.2f}",
                f"{peak:.2f}",
                f"{peak / rms:.2f}",
                f"{dip / rms:.2f}",
            ]
        rows.append(row)
    return rows


def engine_events(loaded: oxford.Loaded, placement: Placement, *, gated: bool) -> list[StepEvent]:
    t, acc, _, _ = loaded
    return sorted(feed(GaitEngine(placement, gated=gated), t, acc, None), key=lambda s: s.t)


def engine_steps(loaded: oxford.Loaded, placement: Placement, *, gated: bool) -> FloatArray:
    return np.array([s.t for s in engine_events(loaded, placement, gated=gated)])


class HandlingRow(NamedTuple):
    """One counted step in the --handling table: its class, FEATURES' values, and whether a
    "before" / "after" step lies in a pause between two walks (rather than before the first or
    after the last)."""

    kind: str
    values: list[float]
    between: bool = False


def handling_class(truth: FloatArray, t: float, truth_i: int | None) -> tuple[str, bool] | None:
    """A counted step's class in the --handling table, and whether it lies between two walks.

    A step matched to true step truth_i is "first" / "last" among its walk's first / last
    HANDLING_EDGE true steps, else "mid". An unmatched one inside a walk (within MATCH_S of its
    true steps' span) is None; one outside every walk is "before" the walk that follows it or
    "after" the walk that precedes it, whichever edge is nearer (in a pause between walks the
    wearer stops, handles the phone and walks on; the nearer walk is the likelier one).
    """
    spans = walks(truth)
    if truth_i is None:
        if any(a - oxford.MATCH_S <= t <= b + oxford.MATCH_S for a, b in spans):
            return None
        nxt = next((a for a, _ in spans if a > t), None)
        prev = next((b for _, b in reversed(spans) if b < t), None)
        between = nxt is not None and prev is not None
        if prev is None or (nxt is not None and nxt - t < t - prev):
            return "before", between
        return "after", between
    for a, b in spans:
        idx = np.flatnonzero((truth >= a) & (truth <= b))
        if truth_i in idx[:HANDLING_EDGE]:
            return "first", False
        if truth_i in idx[-HANDLING_EDGE:]:
            return "last", False
    return "mid", False


def features(
    t: FloatArray, acc: FloatArray, truth: FloatArray, steps: list[StepEvent], fs: float
) -> list[HandlingRow]:
    """A HandlingRow for every counted step of one recording but extras in a walk.

    Restored steps (no StepFeatures) get NaN for the detector's jolt and posture, as do all
    steps' jolt/walk and posture when the recording has no measured matched step to compare
    with. The jolt's direction: the acceleration minus its 1 s centred mean (gravity), within
    +-JOLT_S.
    """
    found = np.array([s.t for s in steps])
    inv = {j: i for i, j in oxford.match(truth, found).items()}
    measured = [s.features for j, s in enumerate(steps) if j in inv and s.features is not None]
    if measured:
        walk_jolt = float(np.median([f.amplitude for f in measured]))
        walk_up = np.median(np.asarray([f.up for f in measured]), axis=0)
        walk_up /= np.linalg.norm(walk_up)
    else:  # nothing to compare with: NaN, not a median of nothing
        walk_jolt, walk_up = math.nan, np.full(3, math.nan)
    med = float(np.median(np.diff(truth)))
    grav = centred_mean(acc, round(fs))
    dyn = acc - grav
    reach, turn_n = round(JOLT_S * fs), round(TURN_S * fs)
    out = []
    for j, s in enumerate(steps):
        cls = handling_class(truth, s.t, inv.get(j))
        if cls is None:
            continue
        k = int(np.searchsorted(t, s.t))
        d = dyn[max(0, k - reach) : k + reach + 1]
        g = grav[k] / np.linalg.norm(grav[k])
        power = float(np.sum(d**2))  # 0 only on a perfectly still (synthetic) signal
        share = float(np.sum((d @ g) ** 2)) / power if power > 0 else math.nan
        before, after = acc[max(0, k - turn_n) : k].mean(0), acc[k : k + turn_n].mean(0)
        cos = before @ after / (np.linalg.norm(before) * np.linalg.norm(after))
        near = np.abs(np.delete(found, j) - s.t)
        f = s.features
        jolt = f.amplitude if f is not None else math.nan
        # clip, not min(1, .): rounding can take the dot product past -1 as well as 1, and
        # min(1, nan) is 1, which would show an unknown posture as 0 degrees.
        up_cos = float(np.clip(np.dot(f.up, walk_up), -1.0, 1.0)) if f else math.nan
        values = [
            jolt,
            jolt / walk_jolt,
            math.degrees(math.acos(up_cos)),
            share,
            math.degrees(math.acos(float(np.clip(cos, -1.0, 1.0)))),
            float(near.min()) / med if len(near) else math.nan,
        ]
        out.append(HandlingRow(cls[0], values, cls[1]))
    return out


def handling_table(rows: Sequence[HandlingRow]) -> str:
    """Per class and feature: n, min / 10th percentile / median / 90th percentile / max; the
    class's header says how many of its steps lie in a pause between two walks."""
    jolt = GATE_PARAMS[Placement.WAIST].min_amplitude
    lines = []
    for kind in HANDLING_CLASSES:
        vals = [r.values for r in rows if r.kind == kind]
        between = sum(r.between for r in rows if r.kind == kind)
        restored = sum(math.isnan(v[0]) for v in vals)
        x = np.asarray([v[0] for v in vals])
        soft = int(np.sum(x[~np.isnan(x)] < jolt))
        out = []
        for i, (name, _) in enumerate(FEATURES):
            col = np.asarray([v[i] for v in vals])
            col = col[~np.isnan(col)]
            qs = np.percentile(col, PCTS) if len(col) else [math.nan] * len(PCTS)
            out.append([name, *("-" if math.isnan(q) else f"{q:.2f}" for q in qs)])
        head = f"{kind}: {len(vals)} steps, {restored} restored, {soft} jolts under {jolt:g} m/s^2"
        if kind in ("before", "after"):
            head += f", {between} in a pause between walks"
        lines += [head, fmt_table(["feature", "min", "p10", "median", "p90", "max"], out), ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    prog = "python -m tools.bench.oxford_misses"
    parser = argparse.ArgumentParser(prog=prog, description=__doc__)
    parser.add_argument("--fs", type=float, default=50.0)
    parser.add_argument("--closing", action="store_true", help="each walk's last steps' signal")
    parser.add_argument(
        "--handling", action="store_true", help="standing extras against first/last steps"
    )
    args = parser.parse_args(argv)
    trunk = dict(oxford.GROUPS)["waist-like (trunk)"]
    recs = [(n, p) for n, p in oxford.recordings() if oxford.PLACEMENT[p] in trunk]
    loaded = [oxford.load(n, args.fs) for n, _ in recs]
    try:
        mob: list[FloatArray] | None = external.run_peer(
            "mobgap", [(t, acc, None) for t, acc, _, _ in loaded], [p for _, p in recs]
        )
    except external.PeerUnavailableError as err:
        print(f"mobgap could not run: {err}")
        mob = None
    rows = []
    closing_rows = []
    handling_rows: list[HandlingRow] = []
    totals: dict[str, Counter[str]] = {}
    for k, ((name, pos), x) in enumerate(zip(recs, loaded, strict=True)):
        truth = x[2]
        placement = oxford.PLACEMENT[pos]
        events = engine_events(x, placement, gated=True)
        found = np.array([s.t for s in events])
        gated, missed = errors(truth, found)
        if args.handling:
            handling_rows += features(x[0], x[1], truth, events, args.fs)
        if args.closing:
            short = name.replace("_Hard", "")
            closing_rows += [[short, *r] for r in closing(x[0], x[1], truth, found, args.fs)]
        _, open_missed = errors(truth, engine_steps(x, placement, gated=False))
        by_gate = len(set(missed) - set(open_missed))
        row = [name.replace("_Hard", ""), str(len(truth)), *cells(gated), str(by_gate)]
        parts = [("engine", gated)]
        if mob is not None:
            theirs, _ = errors(truth, mob[k])
            row += cells(theirs)
            parts.append(("mobgap", theirs))
            closer = abs(gated.net) - abs(theirs.net)
            row.append("engine" if closer < 0 else "mobgap" if closer > 0 else "tie")
        rows.append(row)
        for who, e in parts:
            totals.setdefault(f"{who} miss", Counter()).update(e.misses)
            totals.setdefault(f"{who} extra", Counter()).update(e.extras)
            totals.setdefault(f"{who} late", Counter())["late"] += e.late
        totals.setdefault("engine miss", Counter())["of them the gate's"] += by_gate
    header = ["recording", "true", "engine", "missed", "extra", "late", "gate's"]
    if mob is not None:
        header += ["mobgap", "missed", "extra", "late", "closer"]
    print(
        f"Oxford trunk recordings at {args.fs:g} Hz: unmatched steps by where they lie"
        " (counted - true = extra - missed; late: off time, count-neutral; gate's: misses the"
        " detector alone found)"
    )
    print(fmt_table(header, rows))
    print("\n-- totals over the 16 recordings --")
    for key, c in totals.items():
        print(f"{key}: " + ", ".join(f"{k} {v}" for k, v in c.items()))
    if args.closing:
        p = TrunkParams()
        print(
            f"\n-- each walk's last {CLOSING} true steps against the detector's signal"
            f" (peak threshold {p.peak_k:g} x RMS, valley threshold -{p.valley_k:g} x RMS) --"
        )
        step = ["engine", "dt/med", "peak", "peak/RMS", "dip/RMS"]
        header = ["recording", "walk ends", "median"]
        header += [f"{h} {k}" for k in ("-2", "-1") for h in step]
        print(fmt_table(header, closing_rows))
    if args.handling:
        print(
            f"\n-- steps counted while standing (before / after the walk) against each walk's"
            f" first / last {HANDLING_EDGE} true steps counted, and the rest (mid) --"
        )
        print("\n".join(f"{name}: {what}" for name, what in FEATURES) + "\n")
        print(handling_table(handling_rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
