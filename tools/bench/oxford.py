"""Step counting on the Oxford step counter recordings (smartphones at the trunk and in the hand).

Each recording's irregular accelerometer stream (about 100-400 Hz) is interpolated onto a uniform
400 Hz grid, anti-alias resampled to 50 or 100 Hz and streamed through GaitEngine in 20-sample
batches, without gyro. Truth: a 0->1 transition of either foot switch in stepcounter.csv (this
reproduces stats.csv). Per-step F1 matches engine and true steps one-to-one within +-0.3 s.

Positions: pockets and purse run as WAIST, the neck pouch as CHEST (both reported as waist-like,
trunk positions); in the hand, swinging in the hand and on an armband run as WRIST (hand-held).

Peers on the same streams and the same truth (the daily bench's, tools/peers): Mobilise-D's mobgap
(GsdIluz gait sequences, then IcdIonescu initial contacts; made for a lower-back sensor) for the
trunk group, the Espruino/Bangle.js firmware counter (made for a wrist watch) for the hand-held
group; each also runs on the other group, marked * (off-label). mobgap runs in the dev-only
environment .venv-peers (./scripts/setup_peers); without it its columns say n/a and why.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
import csv
from dataclasses import dataclass

import numpy as np

from custom_components.retrowalk.gait import Direction, FloatArray, GaitEngine, Placement
from tools.peers import espruino, external

from .daily import PEER_NOTES
from .data import BATCH, data_dir, feed, fmt_table, resample, to_uniform
from .registry import table

MATCH_S = 0.3
# s: a foot switch open this briefly did not swing (see foot_strikes)
FLICKER_S = 0.25
UNIFORM_HZ = 400.0
PLACEMENT = {
    "FrontPocket": Placement.WAIST,
    "BackPocket": Placement.WAIST,
    "Purse": Placement.WAIST,
    "NeckPouch": Placement.CHEST,
    "InHand": Placement.WRIST,
    "SwingingArm": Placement.WRIST,
    "Armband": Placement.WRIST,
}
GROUPS = (
    ("waist-like (trunk)", (Placement.WAIST, Placement.CHEST)),
    ("hand-held", (Placement.WRIST,)),
)


@dataclass(frozen=True, slots=True)
class Count:
    """One counter's steps on one recording, against the foot strikes and the switch onsets."""

    true: int
    switch: int  # every switch onset, the stats.csv total (true adds no switch flicker)
    counted: int
    f1: float

    @property
    def error(self) -> float:
        return (self.counted - self.true) / self.true

    @property
    def switch_error(self) -> float:
        return (self.counted - self.switch) / self.switch


@dataclass(frozen=True, slots=True)
class Result(Count):
    """The engine's count on one recording, with its direction labels."""

    name: str
    position: str
    placement: Placement
    backward: int  # steps labelled backward: every Oxford step was taken forwards

    @property
    def backward_share(self) -> float:
        return self.backward / self.counted if self.counted else 0.0


# What load() returns: t, acc, true step times, the number of switch onsets.
Loaded = tuple[FloatArray, FloatArray, FloatArray, int]


def recordings() -> list[tuple[str, str]]:
    """(recording directory name, position) from stats.csv."""
    stats = data_dir("oxford-steps", "optimisation", "stats.csv")
    with stats.open(newline="") as fh:
        rows = list(csv.reader(fh))
    return [(r[0].strip(), r[3].strip()) for r in rows if r and not r[0].startswith("#")]


def load(name: str, fs: float) -> Loaded:
    """(t s, acc m/s^2 at fs, true step times s, switch onsets) on a clock starting at 0.

    The last item is the number of switch onsets (stats.csv's total, flicker included).
    """
    base = data_dir("oxford-steps", "optimisation", "data", name)
    raw = np.loadtxt(base / "accelerometer.csv", delimiter=",", ndmin=2)
    ts = raw[:, 0]
    keep = np.concatenate(([True], np.diff(ts) > 0))
    t0 = ts[0]
    t, acc = at_rate((ts[keep] - t0) / 1e9, raw[keep, 2:5], fs)
    sc = np.loadtxt(base / "stepcounter.csv", delimiter=",", ndmin=2)
    truth = (foot_strikes(sc) - t0) / 1e9
    return t, acc, truth, len(switch_onsets(sc))


def at_rate(t_raw: FloatArray, acc_raw: FloatArray, fs: float) -> tuple[FloatArray, FloatArray]:
    """A phone's irregular samples (t s, increasing) interpolated onto UNIFORM_HZ, then
    anti-alias resampled to `fs`: (t, acc) on a uniform grid from the first sample."""
    grid, acc_u = to_uniform(t_raw, acc_raw, UNIFORM_HZ)
    acc = resample(acc_u, UNIFORM_HZ, fs)
    return grid[0] + np.arange(len(acc)) / fs, acc


def switch_onsets(sc: FloatArray) -> FloatArray:
    """Every 0->1 transition of either foot switch (ns): what stats.csv counts as steps."""
    steps = [sc[1:, 0][np.diff(sc[:, k]) == 1] for k in (1, 2)]
    return np.sort(np.concatenate(steps))


def foot_strikes(sc: FloatArray) -> FloatArray:
    """The true steps (ns): switch onsets, except a switch re-closing within one stance.

    A foot that strikes again must first swing, and a walking swing lasts about 0.35-0.45 s
    (some 40 % of a stride); meanwhile the other foot lands (steps alternate feet). Some
    switches open for one or two of their 0.1 s samples in the middle of a stance (the foot
    rolling over the switch), or touch for one sample just before the foot settles, and close
    again with no step of the other foot; a stance counts once, from its first contact. That
    happens at 78 of the 10,206 onsets of the 36 recordings, 59 of them in one session's four
    armband and swinging-arm walks (Pixel, Jamie), 0.18-0.45 s after the same foot's previous
    onset while the walk's steps are 0.54 s apart. The count is the same with FLICKER_S at
    0.2 s (72 at 0.15 s, 82 at 0.3 s). An onset after the switch was open less than FLICKER_S,
    with no onset of the other foot since that foot's previous one, is not a step.
    """
    t = sc[1:, 0]
    onsets = {k: t[np.diff(sc[:, k]) == 1] for k in (1, 2)}
    opens = {k: t[np.diff(sc[:, k]) == -1] for k in (1, 2)}
    keep: list[float] = []
    for k in (1, 2):
        other = onsets[3 - k]
        for prev, on in zip([-np.inf, *onsets[k][:-1]], onsets[k], strict=True):
            opened = opens[k][opens[k] < on]
            flicker = len(opened) > 0 and on - opened[-1] < FLICKER_S * 1e9
            if flicker and not np.any((other > prev) & (other < on)):
                continue
            keep.append(float(on))
    return np.sort(np.array(keep))


def match(truth: FloatArray, found: FloatArray, window: float = MATCH_S) -> dict[int, int]:
    """Truth index -> found index, one to one within `window`, closest pairs first."""
    pairs = sorted(
        (abs(a - b), i, j)
        for i, a in enumerate(truth.tolist())
        for j in range(int(np.searchsorted(found, a - window)), len(found))
        if (b := float(found[j])) <= a + window
    )
    out: dict[int, int] = {}
    used: set[int] = set()
    for _, i, j in pairs:
        if i not in out and j not in used:
            out[i] = j
            used.add(j)
    return out


def f1(truth: FloatArray, found: FloatArray, window: float = MATCH_S) -> float:
    """F1 of the one-to-one matching (match)."""
    if len(truth) == 0 or len(found) == 0:
        return 0.0
    return 2 * len(match(truth, found, window)) / (len(truth) + len(found))


def run(
    name: str,
    position: str,
    fs: float,
    batch: int = BATCH,
    engine: GaitEngine | None = None,
    loaded: Loaded | None = None,
) -> Result:
    """One recording through a fresh engine (or the one given, built for its placement).

    loaded: what load(name, fs) returned, when the caller keeps it for many runs.
    """
    t, acc, truth, switch = loaded or load(name, fs)
    placement = PLACEMENT[position]
    engine = engine or GaitEngine(placement)
    steps = feed(engine, t, acc, None, batch)
    found = np.array([s.t for s in steps])
    backward = sum(s.direction is Direction.BACKWARD for s in steps)
    c = score(truth, switch, found)
    return Result(c.true, c.switch, c.counted, c.f1, name, position, placement, backward)


def score(truth: FloatArray, switch: int, found: FloatArray) -> Count:
    """Step times found by any counter against a recording's truth (see load())."""
    return Count(len(truth), switch, len(found), f1(truth, np.sort(found)))


def count_summary(group: Sequence[Count]) -> list[str]:
    """Median and worst |count error| (true steps, then switch onsets) and F1 (COUNT_HEADER)."""
    errs = [abs(r.error) for r in group]
    raw = [abs(r.switch_error) for r in group]
    return [
        str(len(group)),
        f"{100 * float(np.median(errs)):.1f}",
        f"{100 * max(errs):.1f}",
        str(sum(e <= 0.05 for e in errs)),
        f"{100 * float(np.median(raw)):.1f} / {100 * max(raw):.1f}",
        f"{float(np.median([r.f1 for r in group])):.3f}",
        f"{min(r.f1 for r in group):.3f}",
    ]


def group_summary(group: list[Result]) -> list[str]:
    """count_summary, then the share of steps labelled backward (overall and worst recording)."""
    return [
        *count_summary(group),
        f"{100 * sum(r.backward for r in group) / sum(r.counted for r in group):.1f}",
        f"{100 * max(r.backward_share for r in group):.1f}",
    ]


COUNT_HEADER = ["n", "med|err|%", "max|err|%", "n<=5%", "vs switch med/max %", "med F1", "min F1"]
SUMMARY_HEADER = [*COUNT_HEADER, "back%", "max back%"]


# -- peers --------------------------------------------------------------------------------------

PeerFn = Callable[[list[external.Recording], list[str]], list[FloatArray]]


def espruino_steps(streams: list[external.Recording], _positions: list[str]) -> list[FloatArray]:
    """One watch per recording; the Oxford streams are on a uniform grid, without holes."""
    return [espruino.step_times(t, acc) for t, acc, _ in streams]


def mobgap_steps(streams: list[external.Recording], positions: list[str]) -> list[FloatArray]:
    return external.run_peer("mobgap", streams, positions)


PEERS: dict[str, PeerFn] = {"mobgap": mobgap_steps, "espruino": espruino_steps}
# Each position group's own peer, the one made for the nearest place (mobgap: the lower back,
# Espruino: the wrist); on the other group it runs off-label.
PEER_AT = {Placement.WAIST: "mobgap", Placement.CHEST: "mobgap", Placement.WRIST: "espruino"}
PEER_NOTES_HERE = {
    **{k: v for k, v in PEER_NOTES.items() if k in ("mobgap", "mobgap*", "espruino")},
    "espruino*": "Espruino off-label: made for a wrist watch, here in a pocket, purse or pouch",
}


def peer_label(peer: str, placements: Sequence[Placement]) -> str:
    """The peer's name, with * where the group is not what it was made for."""
    return peer if all(PEER_AT[p] == peer for p in placements) else f"{peer}*"


def run_peers(
    recs: Sequence[tuple[str, str]], loaded: Sequence[Loaded]
) -> tuple[dict[str, list[Count] | None], list[str]]:
    """Every peer's Count per recording (None: the peer could not run) and why any could not."""
    streams: list[external.Recording] = [(t, acc, None) for t, acc, _, _ in loaded]
    positions = [pos for _, pos in recs]
    out: dict[str, list[Count] | None] = {}
    errors = []
    for peer, fn in PEERS.items():
        try:
            found = fn(streams, positions)
        except external.PeerUnavailableError as err:
            out[peer] = None
            errors.append(f"{peer}: {err}")
            continue
        out[peer] = [
            score(truth, switch, steps)
            for (_, _, truth, switch), steps in zip(loaded, found, strict=True)
        ]
    return out, errors


def head_to_head(engine: Sequence[Count], peer: Sequence[Count]) -> str:
    """engine closer / tie / peer closer: recordings by |counted - true|, pairwise."""
    pairs = [
        (abs(e.counted - e.true), abs(p.counted - p.true))
        for e, p in zip(engine, peer, strict=True)
    ]
    wins = sum(e < p for e, p in pairs)
    ties = sum(e == p for e, p in pairs)
    return f"{wins}/{ties}/{len(pairs) - wins - ties}"


def peer_cells(count: Count | None) -> list[str]:
    """counted, err%, F1 of one peer on one recording ('n/a' when it could not run)."""
    if count is None:
        return ["n/a"] * 3
    return [str(count.counted), f"{100 * count.error:+.1f}", f"{count.f1:.3f}"]


@table("oxford")
def oxford_table(args: argparse.Namespace) -> str:
    recs = recordings()
    if args.quick:
        recs = recs[::6]
    blocks = [
        "Oxford step counting (GaitEngine, acc only, 20-sample batches). Goals (issue 12): median"
        " |count error| <= 2%, worst <= 5% in every position group; F1 >= 0.95 (+-0.3 s).\n"
        "true: foot strikes (switch onsets without a switch's flicker within one stance, see"
        " foot_strikes); switch: every onset (stats.csv), err% sw against it.\nback%: steps"
        " labelled backward (all of them were walked forwards; each recording starts with nothing"
        " learned).",
    ]
    summary = []
    against = []
    errors: set[str] = set()
    for fs in (50.0, 100.0):
        loaded = [load(name, fs) for name, _ in recs]
        results = [run(n, p, fs, loaded=x) for (n, p), x in zip(recs, loaded, strict=True)]
        peers, why = run_peers(recs, loaded)
        errors.update(why)
        for title, placements in GROUPS:
            idx = [i for i, r in enumerate(results) if r.placement in placements]
            if not idx:
                continue
            labels = [peer_label(peer, placements) for peer in PEERS]
            rows = []
            for i in idx:
                r = results[i]
                cells = [c for p in peers.values() for c in peer_cells(None if p is None else p[i])]
                rows.append(
                    [
                        r.name,
                        r.placement.value,
                        str(r.true),
                        str(r.switch),
                        str(r.counted),
                        f"{100 * r.error:+.1f}",
                        f"{100 * r.switch_error:+.1f}",
                        f"{r.f1:.3f}",
                        f"{100 * r.backward_share:.1f}",
                        *cells,
                    ]
                )
            blocks.append(f"\n-- {fs:g} Hz, {title} --")
            header = ["recording", "as", "true", "switch", "counted", "err%", "err% sw", "F1"]
            peer_header = [h for p in labels for h in (p, f"{p} err%", f"{p} F1")]
            blocks.append(fmt_table([*header, "back%", *peer_header], rows))
            group = [results[i] for i in idx]
            summary.append([f"{fs:g} Hz", title, *group_summary(group)])
            against.append([f"{fs:g} Hz", title, "engine", *count_summary(group), "-"])
            for label, counts in zip(labels, peers.values(), strict=True):
                cells = ["n/a"] * (len(COUNT_HEADER) + 1)
                if counts is not None:
                    theirs = [counts[i] for i in idx]
                    cells = [*count_summary(theirs), head_to_head(group, theirs)]
                against.append([f"{fs:g} Hz", title, label, *cells])
    blocks.append("\n-- summary --")
    blocks.append(fmt_table(["rate", "positions", *SUMMARY_HEADER], summary))
    blocks.append("\n-- engine and peers, same recordings and truth --")
    header = ["rate", "positions", "counter", *COUNT_HEADER, "engine closer/tie/peer"]
    blocks.append(fmt_table(header, against))
    blocks += [f"{k}: {v}" for k, v in PEER_NOTES_HERE.items()]
    blocks += [f"n/a: {e}" for e in sorted(errors)]
    return "\n".join(blocks)
