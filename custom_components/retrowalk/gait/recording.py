"""Recording CSV files: header t,ax,ay,az[,gx,gy,gz]; seconds, m/s^2 with gravity, rad/s.

Time must increase. A sample stamped with the same time as the one before it is dropped and
counted (loggers duplicate samples, or stamp them with a clock too coarse to tell them apart);
time going backwards means the file is out of order or spliced, and is an error.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
import math
from pathlib import Path

import numpy as np

from .types import FloatArray

ACC_COLUMNS = ("t", "ax", "ay", "az")
GYRO_COLUMNS = ("gx", "gy", "gz")


class RecordingError(ValueError):
    """A recording file cannot be used; the message says why in one line."""


class MissingColumnsError(RecordingError):
    """The header lacks a required column."""


class BadValueError(RecordingError):
    """A row holds a non-numeric, missing or non-finite value."""


class TimeOrderError(RecordingError):
    """Time goes backwards."""


class EmptyRecordingError(RecordingError):
    """No header or no samples."""


@dataclass(frozen=True, slots=True)
class Recording:
    """Samples of one recording, checked."""

    t: FloatArray  # (N,) seconds, strictly increasing
    acc: FloatArray  # (N, 3) m/s^2 including gravity
    gyro: FloatArray | None  # (N, 3) rad/s
    repeated: int = 0  # samples dropped because they repeated the previous sample's time

    def __len__(self) -> int:
        return len(self.t)


def read_recording(path: str | Path) -> Recording:
    """Parse and check a recording; raise a RecordingError subclass naming file and line."""
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise RecordingError(f"{path}: cannot read: {err}") from None
    if not rows:
        raise EmptyRecordingError(f"{path}: empty file (expected a header t,ax,ay,az[,gx,gy,gz])")
    header = [h.strip().lower() for h in rows[0]]
    missing = [c for c in ACC_COLUMNS if c not in header]
    if missing:
        raise MissingColumnsError(f"{path}: missing column(s) {', '.join(missing)} in header")
    present_gyro = [c for c in GYRO_COLUMNS if c in header]
    if present_gyro and len(present_gyro) < len(GYRO_COLUMNS):
        absent = sorted(set(GYRO_COLUMNS) - set(present_gyro))
        raise MissingColumnsError(f"{path}: gyro columns incomplete, missing {', '.join(absent)}")
    wanted = list(ACC_COLUMNS) + (list(GYRO_COLUMNS) if present_gyro else [])
    index = [header.index(c) for c in wanted]
    data = np.empty((len(rows) - 1, len(wanted)))
    count = 0
    for line_no, row in enumerate(rows[1:], start=2):
        if not row or all(not cell.strip() for cell in row):
            continue
        try:
            values = [float(row[i]) for i in index]
        except (ValueError, IndexError):
            raise BadValueError(
                f"{path}:{line_no}: non-numeric or missing value in {row!r}"
            ) from None
        if not all(math.isfinite(v) for v in values):
            raise BadValueError(f"{path}:{line_no}: non-finite value in {row!r}")
        data[count] = values
        count += 1
    if count == 0:
        raise EmptyRecordingError(f"{path}: no samples after the header")
    data = data[:count]
    t = data[:, 0]
    step = np.diff(t)
    back = np.flatnonzero(step < 0)
    if len(back):
        i = int(back[0]) + 1
        raise TimeOrderError(
            f"{path}: time goes backwards at sample {i + 1} (t={t[i]:g} after {t[i - 1]:g})"
        )
    keep = np.concatenate(([True], step > 0))
    data = data[keep]
    gyro = data[:, 4:7].copy() if present_gyro else None
    return Recording(data[:, 0].copy(), data[:, 1:4].copy(), gyro, len(keep) - len(data))


def write_recording(path: str | Path, rec: Recording) -> None:
    """Write a recording in the CSV format read_recording() accepts."""
    cols = [rec.t[:, None], rec.acc]
    header = list(ACC_COLUMNS)
    if rec.gyro is not None:
        cols.append(rec.gyro)
        header += GYRO_COLUMNS
    data = np.concatenate(cols, axis=1)
    with Path(path).open("w", newline="", encoding="utf-8") as fh:
        fh.write(",".join(header) + "\n")
        np.savetxt(fh, data, delimiter=",", fmt="%.9g")
