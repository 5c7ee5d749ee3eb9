"""The AX3 reader (tools/bench/cwa.py) and the wrist-day bench (tools/bench/wrist_day.py) on files
built here: block layout, packed samples, fractional times, a logger's pause, broken blocks."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
from pathlib import Path
import struct

import numpy as np
import pytest

from tools.bench import cwa, wrist_day

RATE_CODE = 0x4A  # 100 Hz nominal (3200 / 2^5), the fixture's code
START = dt.datetime(2023, 6, 8, 12, 21, 4, tzinfo=dt.UTC)


def _packed_time(moment: dt.datetime) -> int:
    return (
        (moment.year - 2000) << 26
        | moment.month << 22
        | moment.day << 17
        | moment.hour << 12
        | moment.minute << 6
        | moment.second
    )


def _pack(x: int, y: int, z: int) -> int:
    """Three 1/256 g values in 10 bits each and a shared exponent (the smallest that fits)."""
    for e in range(4):
        parts = [v >> e for v in (x, y, z)]
        if all(-512 <= p < 512 and p << e == v for p, v in zip(parts, (x, y, z), strict=True)):
            return e << 30 | sum((p & 0x3FF) << (10 * k) for k, p in enumerate(parts))
    raise ValueError("not representable")


def _block(
    at: float, samples: list[tuple[int, int, int]], *, packed: bool = True, rate: float = 100.0
) -> bytes:
    """A data block whose first sample was taken at `at` (s since the epoch) at `rate`."""
    whole = int(at)
    part = round((at - whole) * 32768)
    # As the device stores it: the block's first sample was taken at the time given (whole
    # second and fraction), its index moved back by the whole samples the fraction spans.
    offset = -((part * int(rate)) // 32768)
    frac_word = 0x8000 | part
    body = (
        struct.pack(f"<{len(samples)}I", *(_pack(*s) for s in samples))
        if packed
        else struct.pack(f"<{3 * len(samples)}h", *(v for s in samples for v in s))
    )
    head = struct.pack(
        "<2sHHIIIHHBBBBhH",
        b"AX",
        508,
        frac_word,
        0,
        0,
        _packed_time(dt.datetime.fromtimestamp(whole, dt.UTC)),
        0x0BC,
        0,
        0,
        0,
        RATE_CODE,
        0x30 if packed else 0x32,
        offset,
        len(samples),
    )
    return _sealed((head + body).ljust(510, b"\0"))


def _sealed(block: bytes) -> bytes:
    """The block's first 510 bytes with the checksum word that makes its words sum to 0."""
    checksum = (-sum(struct.unpack("<255H", block[:510]))) & 0xFFFF
    return block[:510] + struct.pack("<H", checksum)


def _file(blocks: list[bytes]) -> bytes:
    header = b"MD" + struct.pack("<H", 1020) + b"\xff" * 1020
    return header + b"".join(blocks)


def _walk(n: int, k0: int = 0) -> list[tuple[int, int, int]]:
    return [(-64, 256 + (k % 7) * 8, 3 * (k % 5)) for k in range(k0, k0 + n)]


# Values past 10 bits (+-2 g and beyond at 1/256 g), which only a shared exponent represents.
STRONG = [(1024, -2048, 4), (-1536, 768, -512), (2044, -4, 0)]


def test_samples_times_and_pauses_are_read_as_the_device_recorded_them(tmp_path: Path) -> None:
    t0 = START.timestamp() + 0.5037  # 50.37 samples past the second: not a whole sample
    blocks = [_block(t0 + 1.2 * i, _walk(120, 120 * i)) for i in range(4)]
    blocks[1] = _block(t0 + 1.2, STRONG + _walk(117, 123))
    # The logger pauses 60 s, then records on (its clock jumped; nothing was measured between).
    blocks += [_block(t0 + 4.8 + 60.0 + 1.2 * i, _walk(120, 480 + 120 * i)) for i in range(2)]
    broken = bytearray(_block(t0 + 99.0, _walk(120)))
    broken[40] ^= 0xFF
    path = tmp_path / "day.cwa.gz"
    path.write_bytes(gzip.compress(_file([*blocks[:2], bytes(broken), *blocks[2:]])))
    rec = cwa.read_cwa(path)
    assert rec.bad_blocks == 1
    assert rec.acc.shape == (720, 3)
    assert rec.acc[:3].tolist() == [
        [-0.25, 1.0, 0.0],
        [-0.25, 1.03125, 3 / 256],
        [-0.25, 1.0625, 6 / 256],
    ]
    assert (rec.acc[120:123] * 256).tolist() == [list(v) for v in STRONG]
    assert rec.rate == pytest.approx(100.0, rel=1e-4)
    assert rec.t[0] == pytest.approx(t0, abs=2e-4)  # the fraction of a second kept
    steps = np.diff(rec.t)
    assert steps[:479] == pytest.approx(0.01, abs=1e-6)
    assert steps[479] == pytest.approx(60.01, abs=1e-3)  # the pause stays a pause
    assert steps[480:] == pytest.approx(0.01, abs=1e-6)


def test_sixteen_bit_samples_and_a_plain_file(tmp_path: Path) -> None:
    t0 = START.timestamp()
    samples = [(-300, 700, 5)] * 80
    path = tmp_path / "day.cwa"
    path.write_bytes(_file([_block(t0 + 0.8 * i, samples, packed=False) for i in range(3)]))
    rec = cwa.read_cwa(path)
    assert rec.acc.shape == (240, 3)
    assert rec.acc[0].tolist() == [-300 / 256, 700 / 256, 5 / 256]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda b: b[:25] + b"\x62" + b[26:], "axes"),  # a 6-axis (gyroscope) block
        (lambda b: b[:19] + b"\x20" + b[20:], "AX6"),  # an encoded accelerometer range
    ],
)
def test_blocks_it_cannot_read_are_refused_not_misread(
    tmp_path: Path, mutate: object, message: str
) -> None:
    t0 = START.timestamp()
    good = [_block(t0 + 1.2 * i, _walk(120)) for i in range(2)]
    bad = _sealed(mutate(good[1]))  # type: ignore[operator]
    path = tmp_path / "x.cwa"
    path.write_bytes(_file([good[0], bad]))
    with pytest.raises(ValueError, match=message):
        cwa.read_cwa(path)


def test_a_block_whose_clock_was_never_set_is_named(tmp_path: Path) -> None:
    good = _block(START.timestamp(), _walk(120))
    bad = _sealed(good[:14] + b"\0\0\0\0" + good[18:])  # time 0: day and month 0
    path = tmp_path / "x.cwa"
    path.write_bytes(_file([good, bad]))
    with pytest.raises(ValueError, match="is no date"):
        cwa.read_cwa(path)


def test_steps_per_ten_minutes_of_the_day() -> None:
    t0 = START.timestamp()  # 12:21:04
    busy = t0 + np.arange(0, 12) * 0.5  # 12 steps in 12:20-12:30
    late = t0 + 1000 + np.arange(0, 5)  # 5 steps in 12:30-12:40: under MIN_IN_BIN for both
    text = wrist_day.by_bin(
        {"a": np.concatenate([busy, late]), "b": np.asarray(busy[:3], dtype=np.float64)},
        t0,
        t0 + 1500,
    )
    rows = [line.split() for line in text.splitlines()[2:]]
    assert rows == [["12:20-12:30", "12", "3"], ["all", "17", "3"]]


def test_not_a_cwa_file(tmp_path: Path) -> None:
    path = tmp_path / "x.cwa"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(ValueError, match="not a CWA file"):
        cwa.read_cwa(path)


def test_readings_and_the_span_without_stepcount_steps() -> None:
    t0 = START.timestamp()
    steps = t0 + np.array([10.0, 3000.0, 3001.0, 3002.0, 9000.0])
    r = wrist_day.reading("x", steps, (t0 + 100.0, t0 + 5000.0))
    assert (r.steps, r.outside) == (5, 2)
    assert r.at[2] == "13:11:05"  # the median step
    assert wrist_day.reading("y", np.empty(0), None) == wrist_day.Reading("y", 0, [], None)
    t = t0 + np.concatenate([np.arange(0, 600, 0.01), np.arange(900, 1200, 0.01)])
    # Outside the span: 60 s before it, and after it 100 s and 5 min of recording on either
    # side of a 5 min pause of the logger, which is no recording.
    assert wrist_day.quiet_hours(t, (t0 + 60.0, t0 + 500.0)) * 60 == pytest.approx(7.67, abs=0.01)


def test_the_forearm_turn_keeps_the_axes_right_handed() -> None:
    turned = wrist_day.forearm_on_x(np.eye(3))
    assert np.linalg.det(turned) == pytest.approx(1.0)
    assert turned[1].tolist() == [1.0, 0.0, 0.0]  # what was y is now x


def _model(total: int) -> dict[str, object]:
    at = {f"Steps{p}thAt": "13:00:00" for p in wrist_day.PERCENTILES}
    return {
        "info_exact": {"TotalSteps": total, **at},
        "step_times": {
            "first_time": "2023-06-08 12:21:05.250000000",
            "last_time": "2023-06-08 12:21:07",
        },
    }


def _baseline(recording: bytes) -> dict[str, object]:
    return {
        "fixture": {
            "sha256": hashlib.sha256(recording).hexdigest(),
            "info_exact": {
                "NumTicks": 600,
                "StartTime": "2023-06-08 12:21:04",
                "EndTime": "2023-06-08 12:21:09",
            },
        },
        "models": {"rf": _model(874), "ssl": _model(723)},
    }


def test_the_bench_reads_stepcount_only_for_its_own_recording(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    t0 = START.timestamp()
    data = gzip.compress(_file([_block(t0 + 1.2 * i, _walk(120, 120 * i)) for i in range(5)]))
    (tmp_path / wrist_day.RECORDING).write_bytes(data)
    (tmp_path / wrist_day.BASELINE).write_text(json.dumps(_baseline(data)))
    peer = wrist_day.published(tmp_path)
    assert peer is not None
    readings, span = peer
    assert [r.steps for r in readings] == [874, 723]
    assert span[0] == pytest.approx(t0 + 1.25)
    assert span[1] == pytest.approx(t0 + 3.0)
    assert wrist_day.main([str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "stepcount (random forest)" in out
    assert "600 samples" in out
    (tmp_path / wrist_day.BASELINE).write_text(json.dumps(_baseline(b"another file")))
    assert wrist_day.published(tmp_path) is None
    assert "another recording" in capsys.readouterr().err
    (tmp_path / wrist_day.BASELINE).unlink()
    assert wrist_day.published(tmp_path) is None


def test_the_bench_says_what_is_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert wrist_day.main([str(tmp_path)]) == 2
    assert "stepcount" in capsys.readouterr().err
