"""Fuzzing every decoder with malformed input (random bytes, truncations, bit flips, repeats,
reordering): only DecodeError may escape, and nothing physically impossible comes out.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
import os
import struct

from hypothesis import HealthCheck, given, settings, strategies as st
import numpy as np

from custom_components.retrowalk.devices import polar
from custom_components.retrowalk.devices.base import (
    ACC_LIMIT,
    GYRO_LIMIT,
    DecodeError,
    SampleBatch,
    WearableProtocol,
)
from custom_components.retrowalk.devices.movesense import STREAM_REFERENCE, Movesense
from custom_components.retrowalk.devices.polar import PolarH10, PolarVeritySense
from custom_components.retrowalk.devices.retrowalk_imu import RetrowalkImu
from custom_components.retrowalk.devices.thingy52 import Thingy52
from tools.fuzz import pack_delta, retrowalk_imu_frames, wave  # the fuzzers' seeds, shared

FUZZ = settings(
    max_examples=int(os.environ.get("RETROWALK_FUZZ_EXAMPLES", "200")),
    deadline=None,
    # The suite's autouse Home Assistant fixture is function scoped; these tests do not use it.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TS0 = 700_000_000 * 10**9


def h10_stream() -> tuple[WearableProtocol, list[bytes]]:
    device = PolarH10()
    device.streams[polar.ACC] = polar._StreamConfig(rate=50.0, factor=1.0)
    frames: list[bytes] = []
    for i in range(6):
        samples = wave(10, 10 * i)
        ts = TS0 + (10 * i + 9) * 20_000_000
        payload = b"".join(struct.pack("<3h", *s) for s in samples)
        frames.append(bytes([polar.ACC]) + ts.to_bytes(8, "little") + b"\x01" + payload)
    return device, frames


def verity_stream() -> tuple[WearableProtocol, list[bytes]]:
    device = PolarVeritySense()
    device.streams[polar.ACC] = polar._StreamConfig(rate=52.0, factor=0.244)
    device.streams[polar.GYRO] = polar._StreamConfig(rate=52.0, factor=0.061)
    frames: list[bytes] = []
    period_ns = round(1e9 / 52)
    for i in range(4):
        ts = TS0 + (12 * i + 11) * period_ns
        frames.extend(
            bytes([measurement])
            + ts.to_bytes(8, "little")
            + bytes([0x81 if measurement == polar.ACC else 0x80])
            + pack_delta(wave(12, 12 * i))
            for measurement in (polar.ACC, polar.GYRO)
        )
    return device, frames


def movesense_stream() -> tuple[WearableProtocol, list[bytes]]:
    device = Movesense()
    device._max_payload = 158
    frames: list[bytes] = []
    for i in range(4):
        floats = [0.1 * k for k in range(24)] + [1.0 * k for k in range(24)]
        body = struct.pack("<I48f", round(i * 8000 / 104), *floats)
        packet = bytes([2, STREAM_REFERENCE]) + body
        frames += [packet[:158], bytes([3, STREAM_REFERENCE]) + packet[158:]]
    return device, frames


def thingy_stream() -> tuple[WearableProtocol, list[bytes]]:
    frames = [struct.pack("<9h", 10 * k, -5 * k, 1024, k, 2 * k, -k, 0, 0, 0) for k in range(8)]
    return Thingy52(), frames


def retrowalk_stream() -> tuple[WearableProtocol, list[bytes]]:
    return RetrowalkImu(), retrowalk_imu_frames()


STREAMS: dict[str, Callable[[], tuple[WearableProtocol, list[bytes]]]] = {
    "h10": h10_stream,
    "verity": verity_stream,
    "movesense": movesense_stream,
    "thingy52": thingy_stream,
    "retrowalk_imu": retrowalk_stream,
}


@dataclass
class Checker:
    """Feeds packets and checks every batch against the SampleBatch contract."""

    device: WearableProtocol
    received: float = 100.0
    last_t: float = float("-inf")
    reasons: list[str] = field(default_factory=list)

    def feed(self, packet: bytes) -> None:
        self.received += 0.05
        try:
            batch = self.device.decode(packet, received=self.received)
        except DecodeError as err:
            self.reasons.append(err.reason)
            return
        if batch is not None:
            self.check(batch)

    def check(self, batch: SampleBatch) -> None:
        n = len(batch)
        assert n > 0
        assert batch.acc.shape == (n, 3)
        assert np.all(np.isfinite(batch.acc))
        assert np.all(np.abs(batch.acc) <= ACC_LIMIT)
        if batch.gyro is not None:
            assert batch.gyro.shape == (n, 3)
            assert np.all(np.isfinite(batch.gyro))
            assert np.all(np.abs(batch.gyro) <= GYRO_LIMIT)
        assert np.all(np.isfinite(batch.t))
        assert batch.t[0] > self.last_t
        assert np.all(np.diff(batch.t) > 0)
        assert batch.lost >= 0
        assert 0 <= batch.clipped <= n
        self.last_t = float(batch.t[-1])


def run(name: str, packets: list[bytes]) -> None:
    device, _ = STREAMS[name]()
    checker = Checker(device)
    for packet in packets:
        checker.feed(packet)
    assert all(checker.reasons)


names = st.sampled_from(sorted(STREAMS))


@FUZZ
@given(name=names, blobs=st.lists(st.binary(max_size=260), max_size=8))
def test_random_bytes(name: str, blobs: list[bytes]) -> None:
    run(name, blobs)


@st.composite
def mutated_streams(draw: st.DrawFn) -> tuple[str, list[bytes]]:
    name = draw(names)
    _, frames = STREAMS[name]()
    packets = list(frames)
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["truncate", "flip", "duplicate", "swap", "drop", "extend"]))
        i = draw(st.integers(0, len(packets) - 1))
        packet = packets[i]
        if op == "truncate":
            packets[i] = packet[: draw(st.integers(0, max(0, len(packet) - 1)))]
        elif op == "flip" and packet:
            bit = draw(st.integers(0, 8 * len(packet) - 1))
            flipped = bytearray(packet)
            flipped[bit // 8] ^= 1 << (bit % 8)
            packets[i] = bytes(flipped)
        elif op == "duplicate":
            packets.insert(i, packet)
        elif op == "swap":
            j = draw(st.integers(0, len(packets) - 1))
            packets[i], packets[j] = packets[j], packets[i]
        elif op == "drop" and len(packets) > 1:
            packets.pop(i)
        elif op == "extend":
            packets[i] = packet + draw(st.binary(min_size=1, max_size=24))
    return name, packets


@FUZZ
@given(case=mutated_streams())
def test_mutated_valid_streams(case: tuple[str, list[bytes]]) -> None:
    name, packets = case
    run(name, packets)


def test_unmutated_streams_decode_without_errors_or_loss() -> None:
    for name, make in STREAMS.items():
        device, frames = make()
        checker = Checker(device)
        batches: list[SampleBatch] = []
        for packet in frames:
            checker.received += 0.05
            batch = device.decode(packet, received=checker.received)
            if batch is not None:
                checker.check(batch)
                batches.append(batch)
        assert batches, name
        assert sum(b.lost for b in batches) == 0, name
        assert not device.error_counts, name
