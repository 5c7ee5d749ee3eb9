"""Step counting on the Oxford data set's validation walks: two people the engine never saw.

The Oxford step counter data set (Salvi et al., EMBC 2018; CC BY 4.0) has two parts: the
`optimisation` recordings in ../shared/data (two users, the engine's tuning set) and a
`validation` folder with two other users, each walking with a Samsung S6 in the hand, on an
armband, in a front and a back trouser pocket, in a bag and in a neck pouch: 12 walks of about
200 s and 326-361 steps, with the ground-truth device's running step count on every sample (and
the phone's own hardware step counter's, for user 2). It is in the data set's public repository
(github.com/Oxford-step-counter/DataSet), not in ../shared/data. The first run of this bench
(2026-12-06, sixth session, main 4608644) was blind; the thigh's stride fill was then found on
its pocket walks, a stride-among-steps rule and then the thigh's swing (which replaced both)
designed on them: they are no longer blind (docs/oxford_validation.md).

    python -m tools.bench.oxford_validation DIR     # DIR: the DataSet clone's validation/

Each walk is interpolated onto 400 Hz and anti-alias resampled to 50 or 100 Hz as the Oxford bench
does (a sample not later than every one before it is dropped, where the Oxford bench compares with
the previous sample only: three samples here, user1's armband and neck pouch) and run through a
fresh engine for its position: the trouser pockets as THIGH, the placement a user with a phone in a
trouser pocket picks (the Oxford bench, older than that placement, runs its pockets as WAIST; so did
the blind first run here, and `--pockets-as waist` does: a user who calls a hip pocket the waist);
the bag as WAIST, as the optimisation set's purse; the neck pouch as CHEST; hand and armband as
WRIST. Peers: the Oxford bench's (mobgap, Espruino; without ./scripts/setup_peers mobgap's cells say
n/a). Truth: one step for each unit the ground-truth count rises by; F1 within +-0.3 s as in the
Oxford bench, though the ground-truth device's count reaches the phone with a radio link's delay.
The Oxford bench's "vs switch" column has no counterpart here (the ground truth is one count): it
repeats the count error.
"""

from __future__ import annotations

import argparse
from pathlib import Path
import re
import sys

import numpy as np
import numpy.typing as npt

from custom_components.retrowalk.gait import FloatArray, GaitEngine, Placement

from .data import fmt_table
from .oxford import (
    COUNT_HEADER,
    GROUPS,
    PEERS,
    PLACEMENT,
    Count,
    Loaded,
    at_rate,
    count_summary,
    head_to_head,
    peer_cells,
    peer_label,
    run,
    run_peers,
)

# The validation files' positions as the Oxford bench names them (a bag carried like the
# optimisation set's purse); the trouser pockets run as THIGH or WAIST (--pockets-as), the others
# as the Oxford bench runs them.
POSITION = {
    "hand": "InHand",
    "armband": "Armband",
    "frontpocket": "FrontPocket",
    "backpocket": "BackPocket",
    "bag": "Purse",
    "neckpouch": "NeckPouch",
}
POCKETS = {"FrontPocket", "BackPocket"}
NAME = re.compile(r"^user(\d)_([a-z]+)_\d+\.csv$", re.IGNORECASE)
RATES = (50.0, 100.0)


def walks(folder: Path) -> list[tuple[Path, str]]:
    """(file, Oxford position) of every validation walk in `folder`, by name."""
    out = []
    for path in sorted(folder.glob("*.csv")):
        m = NAME.match(path.name)
        if m and m.group(2).lower() in POSITION:
            out.append((path, POSITION[m.group(2).lower()]))
    return out


def in_time(ts: FloatArray) -> npt.NDArray[np.bool_]:
    """Which samples are later than every one before them (the first always is)."""
    return np.concatenate(([True], ts[1:] > np.maximum.accumulate(ts)[:-1]))


def load(path: Path, fs: float) -> tuple[Loaded, int | None]:
    """(t, acc at fs, truth step times, truth steps) on a clock from the first sample, and the
    phone's hardware step count over the walk (None where it never counted). The fourth item
    stands where the Oxford bench keeps its switch onsets: here the same count as the truth.

    Columns: ns since boot, ax, ay, az (m/s^2), the app's steps, the ground-truth device's and
    the phone's hardware counter's (running counts). A sample not later than every one before
    it is dropped, as the engine drops it in a live stream.
    """
    raw = np.loadtxt(path, delimiter=",", ndmin=2)
    if raw.shape[1] != 7 or len(raw) < 2:
        raise ValueError(f"{path.name}: expected 7 columns and samples, got {raw.shape}")
    ts = raw[:, 0]
    keep = in_time(ts)
    t0 = ts[0]
    t, acc = at_rate((ts[keep] - t0) / 1e9, raw[keep, 1:4], fs)
    # A step where the ground-truth count first reaches a new value, on the samples kept (a
    # sample from the past carries an old count, which must not make its steps twice); a count
    # rising by two at once is two steps.
    reached = np.maximum.accumulate(raw[keep, 5])
    rise = np.diff(reached)
    at = np.flatnonzero(rise > 0)
    truth: FloatArray = np.repeat((ts[keep][at + 1] - t0) / 1e9, rise[at].astype(np.int64))
    hw = int(raw[-1, 6] - raw[0, 6])
    return (t, acc, truth, len(truth)), (hw if raw[:, 6].any() else None)


def rate_block(
    files: list[tuple[Path, str]], fs: float, pockets: Placement = Placement.THIGH
) -> str:
    """The table and summary at `fs`, the trouser pockets run as `pockets`."""
    loaded = []
    hardware: list[int | None] = []
    for path, _ in files:
        walk, hw = load(path, fs)
        loaded.append(walk)
        hardware.append(hw)
    recs = [(path.stem, pos) for path, pos in files]
    placed = [pockets if p in POCKETS else PLACEMENT[p] for _, p in recs]
    # Result.placement stays the Oxford bench's, which sorts the walks into its GROUPS.
    results = [
        run(n, p, fs, engine=GaitEngine(at), loaded=x)
        for (n, p), x, at in zip(recs, loaded, placed, strict=True)
    ]
    peers, why = run_peers(recs, loaded)
    rows = []
    for i, r in enumerate(results):
        peer_part = [c for p in peers.values() for c in peer_cells(None if p is None else p[i])]
        hw = hardware[i]
        rows.append(
            [
                r.name.rsplit("_", 1)[0],
                placed[i].value,
                str(r.true),
                str(r.counted),
                f"{100 * r.error:+.1f}",
                f"{r.f1:.3f}",
                *peer_part,
                "-" if hw is None else f"{hw} ({100 * (hw - r.true) / r.true:+.1f})",
            ]
        )
    header = ["walk", "placement", "true", "engine", "err%", "F1"]
    for peer in PEERS:
        header += [peer, "err%", "F1"]
    out = [f"{fs:g} Hz", fmt_table([*header, "phone's counter (err%)"], rows), ""]
    summary = []
    for title, placements in GROUPS:
        idx = [i for i, r in enumerate(results) if r.placement in placements]
        if not idx:
            continue
        engine: list[Count] = [results[i] for i in idx]
        summary.append([title, "engine", *count_summary(engine), ""])
        for peer, counts in peers.items():
            label = peer_label(peer, placements)
            if counts is None:
                summary.append([title, label, *["n/a"] * len(COUNT_HEADER), ""])
                continue
            mine = [counts[i] for i in idx]
            summary.append([title, label, *count_summary(mine), head_to_head(engine, mine)])
    header = ["positions", "counter", *COUNT_HEADER, "engine closer/tie/peer"]
    out.append(fmt_table(header, summary))
    out += [f"n/a: {w}" for w in why]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.bench.oxford_validation", description=__doc__
    )
    parser.add_argument("dir", type=Path, help="Oxford-step-counter/DataSet's validation folder")
    parser.add_argument(
        "--pockets-as",
        choices=[Placement.THIGH.value, Placement.WAIST.value],
        default=Placement.THIGH.value,
        help="the placement the trouser pockets run as (waist: a user who calls a hip pocket "
        "the waist, as the blind first run did)",
    )
    args = parser.parse_args(argv)
    pockets = Placement(args.pockets_as)
    files = walks(args.dir)
    if not files:
        print(
            f"error: no validation walks in {args.dir}: clone Oxford-step-counter/DataSet",
            file=sys.stderr,
        )
        return 2
    print("\n\n".join(rate_block(files, fs, pockets) for fs in RATES))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
