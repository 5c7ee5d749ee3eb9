"""Reading an Axivity AX3 recording (.cwa, optionally gzipped) for the benches.

Written from Open Movement's published description of the format (the `cwa-convert` notes and
the `OmApi` headers' block layout; nothing copied). A file is a metadata header ("MD") followed
by 512-byte data blocks ("AX"); each block holds its own sample count, rate code, a packed
wall-clock time with an optional fraction of a second, and the index of the sample that time
belongs to. Samples are 3-axis accelerations either packed (three signed 10-bit values and a
shared 2-bit exponent in 32 bits) or as 16-bit integers, in units of 1/256 g either way.

Times: a block's (sample index, time) is an anchor; between anchors times are interpolated, so the
device's clock, not its nominal rate, says when each sample was taken (an AX3 at "100 Hz" runs near
97.6 Hz). Where consecutive anchors disagree with the recording's rate by more than GAP_TOLERANCE
the logger stopped for a while: no time is interpolated across it, the samples on either side take
their own block's anchor and the recording's rate, and the gap stays a gap (the engine then sees
missing data, not slow samples). Blocks whose checksum fails are skipped and counted: their samples
are missing, which the next anchors show as a gap. AX6 blocks (a gyroscope, or an accelerometer
range encoded in the block) are refused rather than misread.
"""

from __future__ import annotations

from dataclasses import dataclass
import datetime as dt
import gzip
from pathlib import Path
import struct

import numpy as np
import numpy.typing as npt

from custom_components.retrowalk.gait import FloatArray

BLOCK = 512
UNITS_PER_G = 256.0
# Consecutive anchors whose implied sample spacing differs from the recording's by more than
# this fraction are not one stretch of recording (a clock step or a pause of the logger).
GAP_TOLERANCE = 0.05


@dataclass(frozen=True, slots=True)
class CwaRecording:
    t: FloatArray  # s since the epoch, the logger's wall clock read as UTC
    acc: FloatArray  # (N, 3) in g
    rate: float  # samples per second the device's clock measured (median over the file)
    bad_blocks: int  # data blocks skipped for a failed checksum


@dataclass(frozen=True, slots=True)
class _Block:
    samples: npt.NDArray[np.int64]  # (n, 3), 1/256 g
    anchor_index: float  # position of the timed sample, counted from this block's first sample
    anchor_time: float  # s since the epoch


def _wall_clock(packed: int) -> float:
    """A block's packed time (6-bit year since 2000, month, day, hour, minute, second), read as
    UTC; ValueError if it is no date (0: the logger's clock was never set)."""
    try:
        moment = dt.datetime(
            2000 + ((packed >> 26) & 0x3F),
            (packed >> 22) & 0x0F,
            (packed >> 17) & 0x1F,
            (packed >> 12) & 0x1F,
            (packed >> 6) & 0x3F,
            packed & 0x3F,
            tzinfo=dt.UTC,
        )
    except ValueError as err:
        raise ValueError(f"a block's time {packed:#010x} is no date ({err})") from err
    return moment.timestamp()


def _signed10(x: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    x = x & 0x3FF
    return np.where(x >= 0x200, x - 0x400, x)


def _samples(block: bytes, count: int, axes_code: int) -> npt.NDArray[np.int64]:
    axes, packing = axes_code >> 4, axes_code & 0x0F
    if axes != 3:
        raise ValueError(f"a block with {axes} axes: only AX3 accelerometer blocks are read")
    if packing == 0:  # three signed 10-bit values shifted left by a shared 2-bit exponent
        words = np.frombuffer(block, dtype="<u4", count=count, offset=30).astype(np.int64)
        shift = (words >> 30) & 0x3
        return np.stack([_signed10(words >> (10 * k)) << shift for k in range(3)], axis=1)
    if packing == 2:
        raw = np.frombuffer(block, dtype="<i2", count=3 * count, offset=30)
        return raw.reshape(count, 3).astype(np.int64)
    raise ValueError(f"unknown sample packing {packing}")


def _block(block: bytes) -> _Block | None:
    """One data block, or None if its checksum fails."""
    if sum(struct.unpack("<256H", block)) & 0xFFFF:
        return None
    fraction, packed_time, light = struct.unpack_from("<H8xIH", block, 4)
    rate_code, axes_code, offset, count = struct.unpack_from("<BBhH", block, 24)
    if light >> 13:
        raise ValueError("a block with an encoded accelerometer range (AX6): not read")
    rate = 3200.0 / (1 << (15 - (rate_code & 0x0F)))
    anchor_time = _wall_clock(packed_time)
    anchor_index = float(offset)
    if fraction & 0x8000:
        # The time has a fraction of a second (in 1/32768 s). The device moved the offset back
        # by the whole samples that fraction spans, so that readers ignoring the fraction are
        # right to within a sample; moved forward again, it is the sample taken at that time.
        part = fraction & 0x7FFF
        anchor_time += part / 32768.0
        anchor_index += (part * int(rate)) // 32768
    return _Block(_samples(block, count, axes_code), anchor_index, anchor_time)


def _times(blocks: list[_Block]) -> tuple[FloatArray, float]:
    """Each sample's time from the blocks' anchors (the module docstring), and the rate."""
    if len(blocks) < 2:
        raise ValueError("fewer than two data blocks: no rate can be measured")
    starts = np.cumsum([0] + [len(b.samples) for b in blocks])
    index = np.array([s + b.anchor_index for s, b in zip(starts, blocks, strict=False)])
    time = np.array([b.anchor_time for b in blocks])
    spacing = np.diff(time) / np.diff(index)
    step = float(np.median(spacing))
    breaks = np.flatnonzero(np.abs(spacing / step - 1.0) > GAP_TOLERANCE) + 1
    t = np.empty(int(starts[-1]))
    for run in np.split(np.arange(len(blocks)), breaks):
        lo, hi = int(starts[run[0]]), int(starts[run[-1] + 1])
        i = np.arange(lo, hi, dtype=np.float64)
        ai, at = index[run], time[run]
        stretch = np.interp(i, ai, at)
        before, after = i < ai[0], i > ai[-1]
        stretch[before] = at[0] + (i[before] - ai[0]) * step
        stretch[after] = at[-1] + (i[after] - ai[-1]) * step
        t[lo:hi] = stretch
    return t, 1.0 / step


def read_cwa(path: Path) -> CwaRecording:
    """The recording in `path` (.cwa or .cwa.gz); ValueError if it is not a readable AX3 file."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        raw = f.read()
    if raw[:2] != b"MD":
        raise ValueError(f"{path}: not a CWA file (no metadata header)")
    start = struct.unpack_from("<H", raw, 2)[0] + 4
    blocks: list[_Block] = []
    bad = 0
    for at in range(start, len(raw) - BLOCK + 1, BLOCK):
        chunk = raw[at : at + BLOCK]
        if chunk[:2] != b"AX":
            continue
        block = _block(chunk)
        if block is None:
            bad += 1
        elif len(block.samples):
            blocks.append(block)
    t, rate = _times(blocks)
    acc = np.concatenate([b.samples for b in blocks]) / UNITS_PER_G
    return CwaRecording(t, acc, rate, bad)
