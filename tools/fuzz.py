"""Coverage-guided fuzzing (atheris/libFuzzer) of every wearable decoder and the recording reader.

    python -m tools.fuzz TARGET [libFuzzer args]        one target, e.g. -runs=200000 -max_len=512
    python -m tools.fuzz all [TARGET ...] [libFuzzer args]   each target (default: all) in turn

Each target runs in its own process (atheris.Setup/Fuzz run once per process) that starts from a
temporary corpus seeded with valid frames, so mutations begin from real structure. One summary
line per target: executions, wall time, "no crash" or the crash with its traceback and the input
libFuzzer saved (under artifacts/fuzz/ unless -artifact_prefix= says otherwise). Extra positional
paths after a single TARGET go to libFuzzer instead of the seeded corpus (a corpus directory to
keep, or crash files to replay).

The contract checked, the same as tests/devices/test_fuzz.py and tests/test_faults.py assert:
a decoder raises nothing but DecodeError and every SampleBatch it returns holds finite values
within ACC_LIMIT/GYRO_LIMIT, time strictly increasing within and across batches; read_recording
raises nothing but RecordingError (its message naming the file) and returns finite samples with
strictly increasing time. A violation raises ContractError, which atheris reports as a crash.

Decoder input format: records of [length u8][gap u8][length bytes of notification]; `gap` is
the receive-time step before the notification in 10 ms units (255: an hour, a long outage),
because the timelines use receive time to tell device clock jumps from gaps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
import inspect
import os
from pathlib import Path
import re
import struct
import subprocess
import sys
import tempfile
import time

import atheris
import numpy as np

from custom_components.retrowalk.devices import (
    ACC_LIMIT,
    DEG,
    GYRO_LIMIT,
    STANDARD_GRAVITY,
    DecodeError,
    Movesense,
    PolarH10,
    PolarVeritySense,
    RetrowalkImu,
    SampleBatch,
    Thingy52,
    WearableProtocol,
    WitMotion,
    polar,
    witmotion,
)
from custom_components.retrowalk.devices.movesense import (
    FIRST_PART_BYTES,
    STREAM_REFERENCE,
)
from custom_components.retrowalk.devices.retrowalk_imu_spec import (
    Frame,
    encode_frame,
)
from custom_components.retrowalk.gait.recording import (
    RecordingError,
    read_recording,
)

ROOT = Path(__file__).resolve().parents[1]

# What coverage feedback counts: the decoders and the recording reader, nothing else (not the
# gait engine, not Home Assistant, which the integration's package imports first).
INSTRUMENTED = ("custom_components.retrowalk.devices", "custom_components.retrowalk.gait.recording")


def instrument_loaded(prefixes: tuple[str, ...] = INSTRUMENTED) -> int:
    """Instrument, in place, every function and method of the loaded modules named by `prefixes`.

    atheris.instrument_imports only sees modules imported inside it; these were imported with
    the package. Nested functions and lambdas are instrumented with their enclosing function.
    Returns how many functions were instrumented.
    """
    done: set[int] = set()
    for name, module in list(sys.modules.items()):
        if not name.startswith(prefixes):
            continue
        for obj in vars(module).values():
            if getattr(obj, "__module__", None) != name:
                continue
            members = vars(obj).values() if inspect.isclass(obj) else [obj]
            for member in members:
                for fn in (
                    member,
                    getattr(member, "__func__", None),
                    getattr(member, "fget", None),
                ):
                    if inspect.isfunction(fn) and id(fn) not in done:
                        done.add(id(fn))
                        atheris.instrument_func(fn)
    return len(done)


TS0 = 700_000_000 * 10**9
SEED_GAP = 5  # 50 ms between notifications, as tests/devices/test_fuzz.py feeds them
DEFAULT_RUNS = 20_000
ARTIFACTS = ROOT / "artifacts" / "fuzz"
SCRATCH_ENV = "RETROWALK_FUZZ_SCRATCH"


class ContractError(AssertionError):
    """A decoder or the reader returned something its contract rules out."""


def require(condition: bool, what: str) -> None:
    # Not `assert`: the check must hold under python -O too.
    if not condition:
        raise ContractError(what)


# --- Decoders: set-up state and valid seed frames (shared with tests/devices/test_fuzz.py) -------


def wave(n: int, offset: int) -> np.ndarray:
    k = np.arange(n) + offset
    return np.column_stack([(40 * np.sin(k / 5)).astype(int), k % 7 - 3, 1000 + k % 11])


def pack_delta(samples: np.ndarray, width: int = 8) -> bytes:
    """Reference sample + one delta block, LSB-first (wire format in devices/polar.py)."""
    ref = struct.pack("<3h", *samples[0])
    deltas = np.diff(samples, axis=0).ravel()
    bits = 0
    for k, d in enumerate(deltas):
        bits |= (int(d) & ((1 << width) - 1)) << (k * width)
    nbytes = (len(deltas) * width + 7) // 8
    return ref + bytes([width, len(samples) - 1]) + bits.to_bytes(nbytes, "little")


def h10() -> WearableProtocol:
    device = PolarH10()
    # What start() stores once the device answers the START request.
    device.assume_started(polar.ACC, rate=50.0, factor=1.0)
    return device


def h10_frames() -> list[bytes]:
    frames = []
    for i in range(6):
        ts = TS0 + (10 * i + 9) * 20_000_000
        payload = b"".join(struct.pack("<3h", *s) for s in wave(10, 10 * i))
        frames.append(bytes([polar.ACC]) + ts.to_bytes(8, "little") + b"\x01" + payload)
    return frames


def verity() -> WearableProtocol:
    device = PolarVeritySense()
    device.assume_started(polar.ACC, rate=52.0, factor=0.244)
    device.assume_started(polar.GYRO, rate=52.0, factor=0.061)
    return device


def verity_frames() -> list[bytes]:
    period_ns = round(1e9 / 52)
    return [
        bytes([measurement])
        + (TS0 + (12 * i + 11) * period_ns).to_bytes(8, "little")
        + bytes([0x81 if measurement == polar.ACC else 0x80])
        + pack_delta(wave(12, 12 * i))
        for i in range(4)
        for measurement in (polar.ACC, polar.GYRO)
    ]


def movesense_frames() -> list[bytes]:
    frames = []
    for i in range(4):
        floats = [0.1 * k for k in range(24)] + [1.0 * k for k in range(24)]
        body = struct.pack("<I48f", round(i * 8000 / 104), *floats)
        # Split where the firmware splits (devices/movesense.py: FIRST_PART_BYTES).
        frames += [
            bytes([2, STREAM_REFERENCE]) + body[:FIRST_PART_BYTES],
            bytes([3, STREAM_REFERENCE]) + body[FIRST_PART_BYTES:],
        ]
    return frames


def thingy52_frames() -> list[bytes]:
    return [struct.pack("<9h", 10 * k, -5 * k, 1024, k, 2 * k, -k, 0, 0, 0) for k in range(8)]


def retrowalk_imu_frames() -> list[bytes]:
    n = 5
    return [
        encode_frame(
            Frame(
                seq=(0xFFFD + i) & 0xFFFF,  # wraps, and so does the µs clock
                t0_us=(2**32 - 100_000 + round(i * n * 1e6 / 104)) % 2**32,
                rate_hz=104,
                acc_range_g=16,
                gyro_range_dps=2000,
                acc=np.tile([0.5 * i, 0.0, 9.8], (n, 1)),
                gyro=np.tile([0.1 * i, -0.2, 0.0], (n, 1)),
            )
        )
        for i in range(6)
    ]


def witmotion_encode(
    acc: np.ndarray, gyro: np.ndarray, angle_deg: np.ndarray | None = None
) -> list[bytes]:
    """The notifications a WitMotion sensor sends for samples in m/s² and rad/s.

    One 20-byte `55 61` packet per sample (devices/witmotion.py); values are rounded to the
    packet's resolution and saturate at its full scale, as the sensor's would. Angles default to
    zero: the decoder does not use them. Send them at the protocol's `rate`, one per period.
    """
    n = len(acc)
    angle = np.zeros((n, 3)) if angle_deg is None else angle_deg
    full = witmotion.INT16_SCALE
    scaled = np.column_stack(
        [
            np.asarray(acc) / (witmotion.ACC_FULL_SCALE_G * STANDARD_GRAVITY),
            np.asarray(gyro) / (witmotion.GYRO_FULL_SCALE_DPS * DEG),
            angle / witmotion.ANGLE_FULL_SCALE_DEG,
        ]
    )
    raw = np.clip(np.rint(scaled * full), -full, full - 1).astype("<i2")
    head = bytes([witmotion.HEADER, witmotion.DATA])
    return [head + row.tobytes() for row in raw]


def witmotion_frames() -> list[bytes]:
    k = np.arange(6)[:, None]
    acc = np.column_stack([np.sin(k / 3), 0.1 * k, 9.8 + 0 * k]).astype(float)
    gyro = np.column_stack([0.5 * np.cos(k / 3), -0.01 * k, 0 * k]).astype(float)
    packets = witmotion_encode(acc, gyro)
    # A register reply between samples, as after a read command, and one sample split across
    # two notifications and two in one, which the sensor's byte-stream bridge may do.
    reply = bytes([witmotion.HEADER, witmotion.REPLY, 0x64, 0]) + (395).to_bytes(2, "little")
    # (Six samples 50 ms apart stay within the receive timeline's re-sync window at 100 Hz.)
    split = packets[2] + packets[3][:7]
    return [*packets[:2], reply + bytes(14), split, packets[3][7:], packets[4] + packets[5]]


def records(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(gap, notification) pairs of the decoder input format (module docstring)."""
    i = 0
    while i + 2 <= len(data):
        length, gap = data[i], data[i + 1]
        yield gap, data[i + 2 : i + 2 + length]
        i += 2 + length


def encode_records(frames: list[bytes], gap: int = SEED_GAP) -> bytes:
    return b"".join(bytes([len(f), gap]) + f for f in frames)


def check_batch(batch: SampleBatch, last_t: float) -> float:
    """The SampleBatch contract (tests/devices/test_fuzz.py checks its batches with this too)."""
    n = len(batch)
    require(n > 0, "empty batch")
    require(batch.acc.shape == (n, 3), f"acc shape {batch.acc.shape} for {n} samples")
    require(bool(np.all(np.isfinite(batch.acc))), "non-finite acceleration")
    require(bool(np.all(np.abs(batch.acc) <= ACC_LIMIT)), "acceleration beyond ACC_LIMIT")
    if batch.gyro is not None:
        require(batch.gyro.shape == (n, 3), f"gyro shape {batch.gyro.shape} for {n} samples")
        require(bool(np.all(np.isfinite(batch.gyro))), "non-finite angular rate")
        require(bool(np.all(np.abs(batch.gyro) <= GYRO_LIMIT)), "angular rate beyond GYRO_LIMIT")
    require(bool(np.all(np.isfinite(batch.t))), "non-finite time")
    require(bool(batch.t[0] > last_t), f"time went back: {batch.t[0]!r} after {last_t!r}")
    require(bool(np.all(np.diff(batch.t) > 0)), "time not increasing within the batch")
    require(batch.lost >= 0, f"lost {batch.lost}")
    require(0 <= batch.clipped <= n, f"clipped {batch.clipped} of {n}")
    return float(batch.t[-1])


def decoder_target(make: Callable[[], WearableProtocol]) -> Callable[[bytes], None]:
    def one_input(data: bytes) -> None:
        device = make()
        received, last_t = 100.0, float("-inf")
        for gap, packet in records(data):
            received += 3600.0 if gap == 255 else gap * 0.01
            try:
                batch = device.decode(packet, received=received)
            except DecodeError as err:
                require(bool(err.reason), f"DecodeError without a reason: {err!r}")
                continue
            if batch is not None:
                last_t = check_batch(batch, last_t)
        require(all(device.error_counts), "error counted without a reason")

    return one_input


# --- The recording reader ------------------------------------------------------------------------


def recording_seeds() -> list[bytes]:
    rows = [f"{0.01 * k:.2f},0.1,{0.2 * k:.1f},9.8" for k in range(6)]
    gyro_rows = [r + f",0.0,0.1,{-0.05 * k:.2f}" for k, r in enumerate(rows)]
    return [
        ("\n".join(["t,ax,ay,az", *rows]) + "\n").encode(),
        ("\r\n".join(["t,ax,ay,az,gx,gy,gz", *gyro_rows]) + "\r\n").encode(),
        ("\n".join([" T , AX,ay,az,extra", *(r + ",x" for r in rows), ""])).encode(),
    ]


def recording_target() -> Callable[[bytes], None]:
    # One file rewritten per input: read_recording takes a path, and a fresh temporary file per
    # input would cost more than the parse. The directory is the parent's (run_target), which
    # removes it: libFuzzer ends this process without Python's clean-up.
    path = Path(
        os.environ.get(SCRATCH_ENV) or tempfile.mkdtemp(prefix="retrowalk-fuzz-"), "rec.csv"
    )

    def one_input(data: bytes) -> None:
        path.write_bytes(data)
        try:
            rec = read_recording(path)
        except RecordingError as err:
            require(str(err).startswith(str(path)), f"message does not name the file: {err}")
            return
        n = len(rec)
        require(n > 0, "empty recording accepted")
        require(rec.acc.shape == (n, 3), f"acc shape {rec.acc.shape} for {n} samples")
        require(rec.gyro is None or rec.gyro.shape == (n, 3), "gyro shape")
        require(bool(np.all(np.isfinite(rec.t)) and np.all(np.isfinite(rec.acc))), "non-finite")
        require(rec.gyro is None or bool(np.all(np.isfinite(rec.gyro))), "non-finite gyro")
        require(bool(np.all(np.diff(rec.t) > 0)), "time not strictly increasing")

    return one_input


# --- Self-test: a deliberately broken decoder, to prove the harness reports violations ----------


class BrokenThingy(Thingy52):
    """Thingy:52 with a planted bug for notifications whose first byte is odd (self-tests only)."""

    def __init__(self, mode: str) -> None:
        super().__init__()
        self.mode = mode

    def decode(self, data: bytes, received: float | None = None) -> SampleBatch | None:
        batch = super().decode(data, received)
        # The valid seeds all start with an even byte: one mutation away from the bug.
        if batch is not None and data[0] & 1:
            if self.mode == "raise":
                raise ValueError("planted bug: an untyped exception")
            # Skips check_physical, as a decoder that forgot it would.
            return SampleBatch(t=batch.t, acc=batch.acc + 2 * ACC_LIMIT, gyro=batch.gyro)
        return batch


# --- Registry and command line ------------------------------------------------------------------

type Target = tuple[Callable[[], Callable[[bytes], None]], Callable[[], list[bytes]]]


def decoder_seeds(frames: Callable[[], list[bytes]]) -> Callable[[], list[bytes]]:
    # The whole valid stream, and each frame alone.
    return lambda: [encode_records(frames()), *(encode_records([f]) for f in frames())]


TARGETS: dict[str, Target] = {
    "h10": (lambda: decoder_target(h10), decoder_seeds(h10_frames)),
    "verity": (lambda: decoder_target(verity), decoder_seeds(verity_frames)),
    "movesense": (lambda: decoder_target(Movesense), decoder_seeds(movesense_frames)),
    "thingy52": (lambda: decoder_target(Thingy52), decoder_seeds(thingy52_frames)),
    "retrowalk_imu": (lambda: decoder_target(RetrowalkImu), decoder_seeds(retrowalk_imu_frames)),
    "witmotion": (lambda: decoder_target(WitMotion), decoder_seeds(witmotion_frames)),
    "recording": (recording_target, recording_seeds),
}
# Not part of `all`: each must crash (tests/tools/test_fuzz_atheris.py).
SELFTESTS: dict[str, Target] = {
    f"selftest_{mode}": (
        lambda mode=mode: decoder_target(lambda: BrokenThingy(mode)),
        decoder_seeds(thingy52_frames),
    )
    for mode in ("raise", "range")
}
KNOWN: dict[str, Target] = {**TARGETS, **SELFTESTS}


def fuzz_in_process(name: str, libfuzzer_args: list[str]) -> None:
    """Run one target here; never returns (libFuzzer exits the process)."""
    make, _ = KNOWN[name]
    # Only the fuzzing process instruments; the parent merely writes seeds and reports.
    instrument_loaded()
    atheris.Setup([sys.argv[0], *libfuzzer_args], make())
    atheris.Fuzz()


DONE = re.compile(r"^Done (\d+) runs in (\d+) second", re.MULTILINE)
STATUS = re.compile(r"^#(\d+)\s", re.MULTILINE)


def run_target(name: str, libfuzzer_args: list[str], paths: list[str], *, echo: bool) -> bool:
    """Fuzz one target in a child process; print its summary line; True when nothing crashed.

    `echo` streams libFuzzer's own output; otherwise it is shown only for a crash.
    """
    _, seeds = KNOWN[name]
    args = list(libfuzzer_args)
    # Given files, libFuzzer replays each -runs times instead of fuzzing.
    replay = bool(paths) and all(Path(p).is_file() for p in paths)
    if not replay and not any(a.startswith(("-runs=", "-max_total_time=")) for a in args):
        args.append(f"-runs={DEFAULT_RUNS}")
    if not any(a.startswith("-artifact_prefix=") for a in args):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        args.append(f"-artifact_prefix={ARTIFACTS}/{name}-")
    with tempfile.TemporaryDirectory(prefix=f"retrowalk-fuzz-{name}-") as tmp:
        corpus = Path(tmp, "corpus")
        corpus.mkdir()
        for i, seed in enumerate(seeds()):
            (corpus / f"seed-{i}").write_bytes(seed)
        cmd = [sys.executable, "-m", "tools.fuzz", "--in-process", name, *args]
        start = time.perf_counter()
        with subprocess.Popen(
            [*cmd, *(paths or [str(corpus)])],
            cwd=ROOT,
            env={**os.environ, SCRATCH_ENV: tmp},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        ) as proc:
            assert proc.stdout is not None
            lines = []
            for line in proc.stdout:
                lines.append(line)
                if echo:
                    print(line, end="", flush=True)
        wall = time.perf_counter() - start
    output = "".join(lines)
    done = DONE.search(output)
    if proc.returncode == 0 and (done or replay):
        runs = int(done.group(1)) if done else output.count("\nExecuted ")
        print(f"{name}: {runs} executions in {wall:.1f} s, no crash", flush=True)
        return True
    seen = STATUS.findall(output)
    after = f"after ~{seen[-1]} executions " if seen else ""
    if not echo:
        print(output[-6000:])
    print(f"{name}: CRASH {after}in {wall:.1f} s (exit {proc.returncode}; see above)", flush=True)
    return False


def main(argv: list[str]) -> int:
    names = [a for a in argv if not a.startswith("-")]
    flags = [a for a in argv if a.startswith("-")]
    if "--in-process" in flags:
        flags.remove("--in-process")
        fuzz_in_process(names[0], [*flags, *names[1:]])
        return 1  # not reached
    if not names or names[0] not in {"all", *KNOWN}:
        print(__doc__, file=sys.stderr)
        print(f"targets: {', '.join(TARGETS)} (self-tests: {', '.join(SELFTESTS)})")
        return 2
    if names[0] == "all":
        chosen, paths = names[1:] or list(TARGETS), []
        unknown = [n for n in chosen if n not in KNOWN]
        if unknown:
            print(f"unknown target(s): {', '.join(unknown)}; known: {', '.join(KNOWN)}")
            return 2
    else:
        chosen, paths = names[:1], names[1:]
    results = [run_target(name, flags, paths, echo=names[0] != "all") for name in chosen]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
