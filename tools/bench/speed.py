"""Throughput, per-batch latency and memory of GaitEngine.process on a long stream.

The signal is a real UCI foot run at 104 Hz (acc + gyro, 6 axes) repeated end to end on a
continuous clock, so the foot detector does its real work (a stride every ~1.2 s); WAIST uses the
same samples without gyro. Timing: 20-sample batches, one core, no tracemalloc. Memory: a separate
pass over a whole simulated day with tracemalloc, sampling the traced size every simulated hour.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
import gc
import os
import time
import tracemalloc

import numpy as np

from custom_components.retrowalk.gait import FloatArray, GaitEngine, Placement

from . import daily
from .data import BATCH, data_dir, fmt_table, to_uniform
from .registry import table
from .uci import load_run, runs

FS = 104.0


def stream(seconds: float) -> tuple[FloatArray, FloatArray, FloatArray]:
    t1, acc1, gyro1 = load_run(runs("2023_08_30_exp200")[0], FS)
    n = int(seconds * FS)
    reps = -(-n // len(t1))
    acc = np.tile(acc1, (reps, 1))[:n]
    gyro = np.tile(gyro1, (reps, 1))[:n]
    t = 1000.0 + np.arange(n) / FS
    return t, acc, gyro


def wrist_stream(seconds: float) -> tuple[FloatArray, FloatArray]:
    """WISDM's wrist walking blocks (daily-living, 20 Hz) interpolated to FS and looped end to
    end on a continuous clock: the wrist detector's stride comb runs where their lock is
    partial, so its cost is in the figure."""
    base = data_dir("daily-living")
    segs = daily.select(daily.read_labels(base), datasets=["wisdm_reduced"], locations=["wrist"])
    parts = []
    for seg in (s for s in segs if s.activity == "walking"):
        t_seg, acc_seg, _ = daily.load_segment(base, seg)
        parts.append(to_uniform(t_seg, acc_seg, FS)[1])
    one = np.concatenate(parts)
    n = int(seconds * FS)
    acc = np.tile(one, (-(-n // len(one)), 1))[:n]
    return 1000.0 + np.arange(n) / FS, acc


PASSES = 3  # timing passes per placement, interleaved; the median is reported


@dataclass(frozen=True, slots=True)
class Pass:
    """One timed replay of a stream: wall and CPU seconds, each batch's cost (ns), steps."""

    samples: int
    wall_s: float
    cpu_s: float
    costs_ns: FloatArray
    steps: int


def timing(placement: Placement, t: FloatArray, acc: FloatArray, gyro: FloatArray | None) -> Pass:
    """One pass of a fresh engine over the stream in BATCH-sample batches."""
    engine = GaitEngine(placement)
    costs = np.empty(-(-len(t) // BATCH))
    steps = 0
    gc.collect()
    start = time.perf_counter()
    cpu0 = time.process_time()
    for k, i in enumerate(range(0, len(t), BATCH)):
        b0 = time.perf_counter_ns()
        g = None if gyro is None else gyro[i : i + BATCH]
        steps += len(engine.process(t[i : i + BATCH], acc[i : i + BATCH], g).steps)
        costs[k] = time.perf_counter_ns() - b0
    # Per CPU-second as well: on a busy machine wall time includes time the process was preempted.
    cpu_s = time.process_time() - cpu0
    return Pass(len(t), time.perf_counter() - start, cpu_s, costs, steps)


def timing_row(placement: Placement, with_gyro: bool, passes: list[Pass]) -> list[str]:
    """The median wall and CPU rates (each its own median), the CPU rate's range over the
    passes, and the batch costs pooled over them (so "max us" is the slowest of every pass).

    This machine's speed drifts by a quarter from day to day and by several per cent from minute
    to minute (other guests on the host): one pass said less than the median of interleaved ones.
    """
    if len({p.steps for p in passes}) != 1:
        raise RuntimeError(f"{placement}: passes counted different steps: {passes}")
    cpu = sorted(p.samples / p.cpu_s for p in passes)
    wall = float(np.median([p.samples / p.wall_s for p in passes]))
    costs = np.concatenate([p.costs_ns for p in passes])
    rate = float(np.median(cpu))
    return [
        placement.value,
        "acc+gyro" if with_gyro else "acc",
        f"{passes[0].samples / FS / 3600:.2f} h",
        f"{wall:,.0f}",
        f"{rate:,.0f}",
        f"{cpu[0]:,.0f}-{cpu[-1]:,.0f}",
        f"{rate / FS:,.0f}x",
        f"{np.median(costs) / 1e3:.1f}",
        f"{np.percentile(costs, 99) / 1e3:.1f}",
        f"{costs.max() / 1e3:.0f}",
        str(passes[0].steps),
    ]


def _load() -> str:
    with open("/proc/loadavg") as fh:
        return " ".join(fh.read().split()[:3])


def _rss_kib() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1024


def memory(placement: Placement, hours: int, with_gyro: bool) -> list[str]:
    """Hourly RSS over the whole stream, and with tracemalloc during the first and the last hour
    the bytes allocated in that hour that are still alive at its end (a leak shows in both)."""
    t, acc, gyro = stream(3600.0)  # one hour, replayed with advancing time
    engine = GaitEngine(placement)
    rss: list[float] = []
    kept: list[float] = []
    for hour in range(hours):
        traced = hour in (0, hours - 1)
        gc.collect()
        if traced:
            tracemalloc.start()
        offset = hour * 3600.0
        for i in range(0, len(t), BATCH):
            g = gyro[i : i + BATCH] if with_gyro else None
            engine.process(t[i : i + BATCH] + offset, acc[i : i + BATCH], g)
        gc.collect()
        if traced:
            kept.append(tracemalloc.get_traced_memory()[0] / 1024)
            tracemalloc.stop()
        rss.append(_rss_kib())
    return [
        placement.value,
        f"{hours} h",
        f"{kept[0]:.1f}",
        f"{kept[-1]:.1f}",
        f"{rss[0] / 1024:.1f}",
        f"{rss[len(rss) // 2] / 1024:.1f}",
        f"{rss[-1] / 1024:.1f}",
    ]


@table("speed")
def speed_table(args: argparse.Namespace) -> str:
    load = _load()
    seconds = 600.0 if args.quick else 3600.0
    hours = 2 if args.quick else 24
    t, acc, gyro = stream(seconds)
    streams: list[tuple[Placement, FloatArray, FloatArray, FloatArray | None]] = [
        (Placement.FOOT, t, acc, gyro),
        (Placement.WAIST, t, acc, None),
        # The same stream as a pocket: the thigh band-limits every block of samples and measures
        # its swing where a step comes a short stride or more after the one before.
        (Placement.THIGH, t, acc, None),
        (Placement.WRIST, *wrist_stream(seconds), None),
    ]
    # Interleaved (every placement once, then again), so a slow spell of the machine falls on
    # all of them rather than on one placement's every pass.
    passes: dict[Placement, list[Pass]] = {p: [] for p, *_ in streams}
    for _ in range(PASSES):
        for placement, tt, aa, gg in streams:
            passes[placement].append(timing(placement, tt, aa, gg))
    rows = [timing_row(p, g is not None, passes[p]) for p, _, _, g in streams]
    mem = [memory(Placement.FOOT, hours, True), memory(Placement.WAIST, hours, False)]
    return "\n".join(
        [
            "Speed: GaitEngine.process, 20-sample batches at 104 Hz, one core (foot, waist, thigh:"
            " a UCI foot run; wrist: WISDM's wrist walking interpolated to 104 Hz). Goal >= 100,000"
            f" samples/s (>= 1000x real time). The median of {PASSES} interleaved passes, the"
            " range of the CPU rate over them, batch costs pooled over them. Load average"
            f" before: {load}.",
            fmt_table(
                [
                    "placement",
                    "axes",
                    "stream",
                    "samples/s wall",
                    "samples/CPU-s",
                    "range",
                    "x real time (CPU)",
                    "median us",
                    "p99 us",
                    "max us",
                    "steps",
                ],
                rows,
            ),
            "",
            f"Memory over a simulated {hours} h stream (real samples looped, continuous clock):"
            " KiB allocated during the first / last hour and still alive after it (tracemalloc),"
            " and the process RSS after hour 1 / the middle hour / the last hour (MiB).",
            fmt_table(
                [
                    "placement",
                    "stream",
                    "kept h1 KiB",
                    "kept last KiB",
                    "RSS h1",
                    "RSS mid",
                    "RSS last",
                ],
                mem,
            ),
        ]
    )
