"""Coverage-guided fuzzing (atheris/libFuzzer) of every wearable decoder and the recording reader.

    python -m tools.fuzz TARGET [libFuzzer args]        one target, e.g. -runs=200000 -max_len=512
    python -m tools.fuzz all [TARGET ...] [libFuzzer args]   each target (default: all) in turn

One target per protocol in the devices registry (PROTOCOLS), named by its key, plus "recording".
Each target runs in its own process (atheris.Setup/Fuzz run once per process) that starts from a
temporary corpus seeded with valid frames (the protocol's example_frames, fed to its
example_decoder), so mutations begin from real structure. One summary
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

from collections.abc import Callable, Iterator, Sequence
import inspect
import os
from pathlib import Path
import re
import subprocess
import sys
import tempfile
import time

import atheris  # type: ignore[import-untyped]
import numpy as np

from custom_components.retrowalk.devices import (
    ACC_LIMIT,
    GYRO_LIMIT,
    PROTOCOLS,
    DecodeError,
    SampleBatch,
    Thingy52,
    WearableProtocol,
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


# --- Decoders: each protocol's example_frames are its seeds, its example_decoder the state ----


def records(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(gap, notification) pairs of the decoder input format (module docstring)."""
    i = 0
    while i + 2 <= len(data):
        length, gap = data[i], data[i + 1]
        yield gap, data[i + 2 : i + 2 + length]
        i += 2 + length


def encode_records(frames: Sequence[bytes], gap: int = SEED_GAP) -> bytes:
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


def decoder_seeds(frames: Sequence[bytes]) -> Callable[[], list[bytes]]:
    # The whole valid stream, and each frame alone.
    return lambda: [encode_records(frames), *(encode_records([f]) for f in frames)]


def protocol_target(protocol: type[WearableProtocol]) -> Target:
    """A protocol's target: its example decoder fed mutations of its example frames."""
    return (
        lambda: decoder_target(protocol.example_decoder),
        decoder_seeds(protocol.example_frames),
    )


# One target per registered protocol, named by its key, so a new protocol is fuzzed unasked.
TARGETS: dict[str, Target] = {
    **{protocol.key: protocol_target(protocol) for protocol in PROTOCOLS},
    "recording": (recording_target, recording_seeds),
}


# Not part of `all`: each must crash (tests/tools/test_fuzz_atheris.py).
def selftest_target(mode: str) -> Target:
    return (
        lambda: decoder_target(lambda: BrokenThingy(mode)),
        decoder_seeds(Thingy52.example_frames),
    )


SELFTESTS: dict[str, Target] = {
    f"selftest_{mode}": selftest_target(mode) for mode in ("raise", "range")
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
