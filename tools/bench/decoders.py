"""Every wearable's decoder on recorded walks sent in that wearable's own frame format.

Per protocol in tools/wire.py's ENCODERS (one row each, so a new protocol shows up with its
encoder): the UCI foot runs (tools/bench/uci.py) resampled to the device's native rate, saturated
at its sensor range, packed into notifications as its firmware packs them, decoded by its decoder
with receive times 20 ms after each notification's newest sample, and streamed batch by batch,
as the coordinator does, through GaitEngine(FOOT). Scored like uci.py; beside it the same runs
at the same rate fed straight to the engine (20-sample batches, ±16 g / ±2000 deg/s), so what the
format and decoder lose shows as the difference: dropped samples, gyro missing from samples,
clipping, quantisation.

Throughput: notifications decoded per CPU-second (time.process_time over the decode loop only).
The engine's own thresholds were tuned on the 2023_08_23 session (uci.py): every row includes it.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path
import time

from custom_components.retrowalk.devices import DecodeError, SampleBatch
from custom_components.retrowalk.gait import FloatArray, Placement
from tools.wire import ENCODERS, Encoder, missing

from .data import fmt_table
from .registry import table
from .uci import (
    CHECK_SESSION,
    TUNE_SESSION,
    RunScore,
    evaluate,
    load_run,
    rates,
    reference,
    runs,
    score,
    stream_strides,
)

# BLE delivery delay after a notification's newest sample (one connection interval or so).
RECEIVE_DELAY_S = 0.02
RECEIVE_ORIGIN_S = 1000.0


@dataclass(slots=True)
class WireStats:
    """What one decoder made of one protocol's notifications over all runs."""

    notifications: int = 0
    cpu_s: float = 0.0
    samples_sent: int = 0
    samples_out: int = 0
    without_gyro: int = 0
    lost: int = 0
    clipped: int = 0
    errors: dict[str, int] = field(default_factory=dict)

    def per_cpu_second(self, count: int) -> float:
        return count / self.cpu_s if self.cpu_s > 0 else float("inf")


def decode_all(
    encoder: Encoder, acc: FloatArray, gyro: FloatArray, stats: WireStats
) -> list[SampleBatch]:
    """One run as `encoder`'s device sends it, decoded; the batches in arrival order."""
    notifications = encoder.encode(acc, gyro)
    decoder = encoder.decoder()
    batches: list[SampleBatch] = []
    errors: list[str] = []
    start = time.process_time()
    for ready, data in notifications:
        try:
            batch = decoder.decode(data, received=RECEIVE_ORIGIN_S + ready + RECEIVE_DELAY_S)
        except DecodeError as err:
            errors.append(err.reason)
            continue
        if batch is not None and len(batch):
            batches.append(batch)
    stats.cpu_s += time.process_time() - start
    stats.notifications += len(notifications)
    stats.samples_sent += len(acc)
    for batch in batches:
        stats.samples_out += len(batch)
        stats.lost += batch.lost
        stats.clipped += batch.clipped
        if batch.gyro is None:
            stats.without_gyro += len(batch)
    for reason in [*errors, *decoder.error_counts.elements()]:
        stats.errors[reason] = stats.errors.get(reason, 0) + 1
    return batches


def evaluate_wire(encoder: Encoder, paths: list[Path]) -> tuple[list[RunScore], WireStats]:
    """uci.evaluate through the wire: encode, decode, stream the decoder's batches."""
    stats = WireStats()
    scores = []
    for path in paths:
        t, acc, gyro = load_run(path, encoder.rate)  # once: resampling is the costly part
        t0 = float(t[0])
        batches = decode_all(encoder, acc, gyro, stats)
        # The decoders' timelines start at 0 with the first sample; the references use the
        # recording's clock.
        strides = stream_strides(((b.t + t0, b.acc, b.gyro) for b in batches), Placement.FOOT)
        scores.append(score(path.stem, strides, reference(path)))
    return scores, stats


def _pct(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.1f}" if whole else "-"


def _count_error(scores: list[RunScore]) -> str:
    return f"{100 * max(abs(s.count_error) for s in scores):.1f}"


@table("decoders")
def decoders_table(args: argparse.Namespace) -> str:
    paths = []
    for session in (TUNE_SESSION, CHECK_SESSION):
        found = runs(session)
        paths += found[:2] if args.quick else found
    rows, wire_rows = [], []
    for key, encoder in ENCODERS.items():
        direct = rates(evaluate(paths, encoder.rate, gyro=encoder.gyro_range_dps is not None))
        scores, stats = evaluate_wire(encoder, paths)
        got = rates(scores)
        rows.append(
            [
                key,
                f"{encoder.rate:g}",
                f"{got['back_ok']:.1f} ({direct['back_ok']:.1f})",
                f"{got['fwd_as_back']:.1f} ({direct['fwd_as_back']:.1f})",
                f"{got['side_as_back']:.1f} ({direct['side_as_back']:.1f})",
                f"{got['missed']:.1f} ({direct['missed']:.1f})",
                f"{sum(s.n_eng for s in scores)}/{sum(s.n_ref for s in scores)}",
                _count_error(scores),
            ]
        )
        wire_rows.append(
            [
                key,
                str(stats.notifications),
                f"{stats.per_cpu_second(stats.notifications):,.0f}",
                f"{stats.per_cpu_second(stats.samples_out):,.0f}",
                _pct(stats.samples_out, stats.samples_sent),
                _pct(stats.without_gyro, stats.samples_out),
                str(stats.lost),
                _pct(stats.clipped, stats.samples_out),
                ", ".join(f"{k} {v}" for k, v in sorted(stats.errors.items())) or "-",
            ]
        )
    blocks = [
        f"Decoders on the UCI foot runs sent in each wearable's frame format ({len(paths)} runs:"
        f" {TUNE_SESSION} tuning and {CHECK_SESSION} check sessions; GaitEngine FOOT)."
        " In brackets: the same runs at the same rate straight into the engine.",
        fmt_table(
            ["wearable", "Hz", "B->B%", "F->B%", "S->B%", "missed%", "eng/ref", "max|cnt|%"], rows
        ),
        "",
        fmt_table(
            [
                "wearable",
                "notifications",
                "notif/CPU-s",
                "samples/CPU-s",
                "samples out%",
                "no gyro%",
                "lost",
                "clipped%",
                "decode errors",
            ],
            wire_rows,
        ),
    ]
    if missing():
        blocks.append(f"(no encoder in tools/wire.py for: {', '.join(missing())})")
    return "\n".join(blocks)
