"""Command line: replay a recording CSV through the engine and print its steps as JSON lines."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
import json
import sys
from typing import TextIO

from .engine import GaitEngine
from .recording import Recording, RecordingError, read_recording
from .types import Direction, Placement, StepEvent

BATCH = 32  # samples per process() call, about what a wearable delivers per notification burst


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m custom_components.retrowalk.gait",
        description="Retrowalk gait engine tools.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    replay = sub.add_parser("replay", help="print the steps found in a recording CSV")
    replay.add_argument("recording", help="CSV with header t,ax,ay,az[,gx,gy,gz]")
    replay.add_argument("--placement", required=True, choices=[str(p) for p in Placement])
    replay.add_argument(
        "--calibrate-with",
        metavar="FORWARD_REC",
        help="a recording of walking forward, used first as the calibration walk",
    )
    return parser


def stream(engine: GaitEngine, rec: Recording, batch: int = BATCH) -> list[StepEvent]:
    """Feed a whole recording in batches and return every step in time order, ending the stream.

    In time order: the wrist's stride fill returns a walk's first strides' steps late (gate.py).
    """
    steps: list[StepEvent] = []
    for i in range(0, len(rec), batch):
        gyro = None if rec.gyro is None else rec.gyro[i : i + batch]
        steps += engine.process(rec.t[i : i + batch], rec.acc[i : i + batch], gyro).steps
    steps += engine.flush().steps
    return sorted(steps, key=lambda s: s.t)


def replay(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run the replay command; RecordingError propagates to main()."""
    rec = read_recording(args.recording)
    calibration = read_recording(args.calibrate_with) if args.calibrate_with else None
    for name, r in ((args.recording, rec), (args.calibrate_with, calibration)):
        if r is not None and r.repeated:
            print(
                f"warning: {name}: dropped {r.repeated} sample(s) repeating the previous"
                " sample's time",
                file=err,
            )
    engine = GaitEngine(Placement(args.placement))
    if calibration is not None:
        engine.start_calibration(steps=2**31 - 1)
        stream(engine, calibration)
        engine.finish_calibration()
        state = engine.calibration
        if not state.done:
            print(
                f"warning: calibration walk gave only {state.steps_seen} steps; not used",
                file=err,
            )
    counts = dict.fromkeys(Direction, 0)
    for step in stream(engine, rec):
        counts[step.direction] += 1
        line = {
            "t": round(step.t, 3),
            "direction": str(step.direction),
            "confidence": round(step.confidence, 3),
        }
        # Only on the instrumented foot's steps that end a measured stride (foot/shank + gyro).
        if step.stride_length_m is not None:
            line["stride_length_m"] = round(step.stride_length_m, 3)
            if step.speed_m_s is not None:
                line["speed_m_s"] = round(step.speed_m_s, 3)
        out.write(json.dumps(line) + "\n")
    out.write(json.dumps({"summary": {str(d): n for d, n in counts.items()}}) + "\n")
    return 0


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Exit codes: 0 fine, 2 bad arguments or unusable recording (one line on stderr)."""
    out = out or sys.stdout
    err = err or sys.stderr
    args = _parser().parse_args(argv)
    try:
        return replay(args, out, err)
    except RecordingError as exc:
        print(f"error: {exc}", file=err)
        return 2
    except ModuleNotFoundError as exc:
        print(f"error: placement {args.placement} is not available: {exc}", file=err)
        return 2
