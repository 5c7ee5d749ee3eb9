"""Polar PMD decoder throughput: notifications decoded per CPU-second.

    python -m tools.polar_throughput [--seconds S]

Streams are built the way the devices send them at their native rates and MTU 232 (the
minimum both Polar protocols accept): H10 raw int16 acc at 200 Hz, 36 samples a frame; Verity
Sense delta-compressed acc (type 1) and gyro (type 0) at 52 Hz, a reference sample plus one
10-bit block of 56 deltas a frame (the layout of polar-ble-sdk's AccDataTest "process acc
compressed data type 0" vector). Each stream is decoded from a fresh protocol instance until
S CPU-seconds have passed (time.process_time); one line per stream.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
import struct
import time

import numpy as np

from custom_components.retrowalk.devices import WearableProtocol, polar
from tools.wire import pack_delta

TS0 = 700_000_000 * 10**9


def _walk(n: int, offset: int, scale: float) -> np.ndarray:
    k = np.arange(n) + offset
    return np.column_stack(
        [scale * np.sin(k / 7.0), scale * np.cos(k / 11.0), 1000 + 0.2 * scale * np.sin(k / 3.0)]
    ).astype(int)


def h10_stream(frames: int) -> list[bytes]:
    n, period = 36, 5_000_000
    out = []
    for i in range(frames):
        payload = b"".join(struct.pack("<3h", *s) for s in _walk(n, n * i, 300))
        ts = TS0 + (n * (i + 1) - 1) * period
        out.append(bytes([polar.ACC]) + ts.to_bytes(8, "little") + b"\x01" + payload)
    return out


def verity_stream(frames: int) -> list[bytes]:
    n, period = 57, round(1e9 / 52)
    out = []
    for i in range(frames):
        ts = (TS0 + (n * (i + 1) - 1) * period).to_bytes(8, "little")
        acc = pack_delta(_walk(n, n * i, 200), 10)
        gyro = pack_delta(_walk(n, n * i + 5, 200), 10)
        out += [bytes([polar.ACC]) + ts + b"\x81" + acc, bytes([polar.GYRO]) + ts + b"\x80" + gyro]
    return out


def started(kind: str) -> WearableProtocol:
    if kind == "h10":
        h10 = polar.PolarH10()
        h10.assume_started(polar.ACC, rate=200.0, factor=1.0)
        return h10
    verity = polar.PolarVeritySense()
    verity.assume_started(polar.ACC, rate=52.0, factor=0.244)
    verity.assume_started(polar.GYRO, rate=52.0, factor=0.061)
    return verity


def measure(kind: str, stream: Callable[[int], list[bytes]], seconds: float) -> tuple[int, float]:
    packets = stream(200)
    done, start = 0, time.process_time()
    while time.process_time() - start < seconds:
        device, received = started(kind), 0.0
        for packet in packets:
            received += 0.05
            device.decode(packet, received=received)
        assert not device.error_counts, dict(device.error_counts)
        done += len(packets)
    return done, time.process_time() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args(argv)
    for kind, stream in (("h10", h10_stream), ("verity", verity_stream)):
        n, cpu = measure(kind, stream, args.seconds)
        print(f"{kind}: {n} notifications in {cpu:.2f} CPU-s = {n / cpu:.0f} notif/s")


if __name__ == "__main__":
    main()
