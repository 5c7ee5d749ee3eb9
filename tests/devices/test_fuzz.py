"""Fuzzing every decoder with malformed input (random bytes, truncations, bit flips, repeats,
reordering): only DecodeError may escape, and nothing physically impossible comes out.
"""

from dataclasses import dataclass, field
import os

from hypothesis import HealthCheck, given, settings, strategies as st

from custom_components.retrowalk.devices import PROTOCOLS
from custom_components.retrowalk.devices.base import DecodeError, SampleBatch, WearableProtocol
from tools import fuzz  # the atheris fuzzers' contract check, shared

FUZZ = settings(
    max_examples=int(os.environ.get("RETROWALK_FUZZ_EXAMPLES", "200")),
    deadline=None,
    # The suite's autouse Home Assistant fixture is function scoped; these tests do not use it.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Every registered protocol, with its example decoder and frames (a new one is fuzzed unasked).
BY_KEY: dict[str, type[WearableProtocol]] = {p.key: p for p in PROTOCOLS}


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
    checker = Checker(BY_KEY[name].example_decoder())
    for packet in packets:
        checker.feed(packet)
    assert all(checker.reasons)


names = st.sampled_from(sorted(BY_KEY))


@FUZZ
@given(name=names, blobs=st.lists(st.binary(max_size=260), max_size=8))
def test_random_bytes(name: str, blobs: list[bytes]) -> None:
    run(name, blobs)


@st.composite
def mutated_streams(draw: st.DrawFn) -> tuple[str, list[bytes]]:
    name = draw(names)
    packets = list(BY_KEY[name].example_frames)
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
    for name, protocol in BY_KEY.items():
        device = protocol.example_decoder()
        checker = Checker(device)
        batches: list[SampleBatch] = []
        for packet in protocol.example_frames:
            checker.received += 0.05
            batch = device.decode(packet, received=checker.received)
            if batch is not None:
                checker.check(batch)
                batches.append(batch)
        assert batches, name
        assert sum(b.lost for b in batches) == 0, name
        assert not device.error_counts, name
