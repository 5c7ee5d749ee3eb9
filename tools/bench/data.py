"""Locating the shared data and preparing it the way a wearable would deliver it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from fractions import Fraction
import os
from pathlib import Path
import statistics
import sys

import numpy as np
from scipy.signal import resample_poly  # type: ignore[import-untyped]

from custom_components.retrowalk.gait import FloatArray, GaitEngine, StepEvent
from custom_components.retrowalk.gait.cli import stream
from custom_components.retrowalk.gait.recording import Recording

ROOT = Path(__file__).resolve().parents[2]
# Samples per GaitEngine.process() call in the benchmarks: about one notification of a 50-100 Hz
# wearable. Every published bench figure was made with it (the replay CLI uses 32).
BATCH = 20


class DataMissingError(RuntimeError):
    """The shared recordings are not where the benchmark expects them."""


def data_dir(*parts: str) -> Path:
    """../shared/data/<parts> relative to the repository root (or $RETROWALK_DATA/<parts>)."""
    base = Path(os.environ.get("RETROWALK_DATA", ROOT.parent / "shared" / "data"))
    path = base.joinpath(*parts)
    if not path.exists():
        raise DataMissingError(f"{path} not found: the shared recordings are needed (see README)")
    return path


def resample(x: FloatArray, fs_in: float, fs_out: float) -> FloatArray:
    """Polyphase resampling with scipy's default Kaiser anti-alias filter."""
    ratio = Fraction(fs_out / fs_in).limit_denominator(1000)
    out: FloatArray = resample_poly(x, ratio.numerator, ratio.denominator, axis=0)
    return out


def to_uniform(t: FloatArray, x: FloatArray, fs: float) -> tuple[FloatArray, FloatArray]:
    """Irregular samples onto a uniform grid by linear interpolation (used before resample)."""
    grid = np.arange(t[0], t[-1], 1.0 / fs)
    cols = [np.interp(grid, t, x[:, i]) for i in range(x.shape[1])]
    return grid, np.stack(cols, axis=1)


def feed(
    engine: GaitEngine,
    t: FloatArray,
    acc: FloatArray,
    gyro: FloatArray | None,
    batch: int = BATCH,
) -> list[StepEvent]:
    """Every step `engine` reports on one recording delivered `batch` samples at a time, then
    flushed (the replay CLI's stream())."""
    return stream(engine, Recording(t, acc, gyro), batch)


def fmt_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
    out = [line, "-" * len(line)]
    out += ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(out)


def peak_hz(x: FloatArray, fs: float, band_hz: tuple[float, float]) -> float:
    """The frequency (Hz) in `band_hz` where the columns of `x` (n, k), means removed, hold the
    most power together: a walk's rhythm, checked without step truth."""
    centred = x - x.mean(axis=0)
    freqs = np.fft.rfftfreq(len(centred), 1.0 / fs)
    power = (np.abs(np.fft.rfft(centred, axis=0)) ** 2).sum(axis=1)
    band = (freqs >= band_hz[0]) & (freqs <= band_hz[1])
    return float(freqs[band][np.argmax(power[band])])


# Normal walking's steps, 72-132 a minute. The acceleration's magnitude repeats every step,
# whichever way the sensor lies (at the trunk and the thigh, which feel both legs' steps); a
# limb's swing, once a stride, is taken for a step's rhythm where a walker's steps come slower
# than the swing's band reaches (tools/bench/mobifall.py, tools/bench/hugadb.py).
WALK_STEP_HZ = (1.2, 2.2)


def rhythm_steps(acc: FloatArray, fs: float, band_hz: tuple[float, float]) -> float:
    """Steps in a walk or jog sampled at `fs` from its rhythm: the magnitude's power peak in
    `band_hz`, over its length (a walk that pauses or turns gets more than it takes)."""
    mag = np.linalg.norm(acc, axis=1)
    return peak_hz(mag[:, None], fs, band_hz) * len(mag) / fs


def counted(steps: int, seconds: float, kind: str) -> str:
    """A table cell: the steps, and their rate (`rate`) in brackets."""
    return f"{steps:,} ({rate(steps, seconds, kind)})"


def rate(steps: int, seconds: float, kind: str) -> str:
    """Steps an hour (`kind` "no" or "maybe": not walking) or a minute ("yes": walking)."""
    if seconds <= 0:
        return "-"
    if kind == "yes":
        return f"{steps * 60.0 / seconds:.0f}/min"
    return f"{steps * 3600.0 / seconds:,.0f}/h"


def median_range(values: list[float], unit: str) -> str:
    """A table cell: the values' median and range, rounded ("-" for none)."""
    if not values:
        return "-"
    return f"{statistics.median(values):.0f}{unit} ({min(values):.0f}-{max(values):.0f}{unit})"


def read_folder[T](
    folder: Path, items: Callable[[], Iterable[T]], data_set: str, what: str
) -> list[T] | None:
    """Every item a bench's reader yields from `folder`; None, with the reason on stderr, when
    the folder is missing, a file cannot be read (the reader's ValueError) or it holds none."""
    if not folder.is_dir():
        print(f"error: {folder} is no folder: get the {data_set} data set", file=sys.stderr)
        return None
    try:
        out = list(items())
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return None
    if not out:
        print(f"error: no {what} under {folder}", file=sys.stderr)
        return None
    return out


def centred_mean(x: FloatArray, n: int) -> FloatArray:
    """The mean of the n samples centred on each sample along axis 0 (per column for 2-D `x`),
    over the real samples only: the window is cut at the recording's edges rather than padded
    with zeros, which would pull gravity towards zero there and read it as a jolt."""
    k = np.ones(n)
    count = np.convolve(np.ones(len(x)), k, mode="same")
    cols = x[:, None] if x.ndim == 1 else x
    out = np.stack([np.convolve(c, k, mode="same") / count for c in cols.T], axis=1)
    return np.asarray(out[:, 0] if x.ndim == 1 else out, dtype=np.float64)
