"""Fuzzing every decoder with malformed input (random bytes, truncations, bit flips, repeats,
reordering): only DecodeError may escape, and nothing physically impossible comes out.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
import os

from hypothesis import HealthCheck, given, settings, strategies as st

from custom_components.retrowalk.devices.base import DecodeError, SampleBatch, WearableProtocol
from custom_components.retrowalk.devices.movesense import Movesense
from custom_components.retrowalk.devices.retrowalk_imu import RetrowalkImu
from custom_components.retrowalk.devices.thingy52 import Thingy52
from custom_components.retrowalk.devices.witmotion import WitMotion
from tools import fuzz  # the atheris fuzzers' set-up, seed frames and contract check, shared

FUZZ = settings(
    max_examples=int(os.environ.get("RETROWALK_FUZZ_EXAMPLES", "200")),
    deadline=None,
    # The suite's autouse Home Assistant fixture is function scoped; these tests do not use it.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

Stream = tuple[WearableProtocol, list[bytes]]


def stream(
    make: Callable[[], WearableProtocol], frames: Callable[[], list[bytes]]
) -> Callable[[], Stream]:
    return lambda: (make(), frames())


STREAMS: dict[str, Callable[[], Stream]] = {
    "h10": stream(fuzz.h10, fuzz.h10_frames),
    "verity": stream(fuzz.verity, fuzz.verity_frames),
    "movesense": stream(Movesense, fuzz.movesense_frames),
    "thingy52": stream(Thingy52, fuzz.thingy52_frames),
    "retrowalk_imu": stream(RetrowalkImu, fuzz.retrowalk_imu_frames),
    "witmotion": stream(WitMotion, fuzz.witmotion_frames),
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
        # The SampleBatch contract; fuzz.ContractError is an AssertionError.
        self.last_t = fuzz.check_batch(batch, self.last_t)


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
