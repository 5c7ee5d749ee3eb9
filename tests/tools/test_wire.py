"""tools/wire.py: every protocol has an encoder, and what it sends its decoder reads back whole."""

from __future__ import annotations

import numpy as np
import pytest

from custom_components.retrowalk.devices import PROTOCOLS, Movesense
from custom_components.retrowalk.devices.base import DEG, STANDARD_GRAVITY, DecodeError
from custom_components.retrowalk.devices.movesense import FIRST_PART_BYTES
from tools.wire import ENCODERS, Encoder, encodes, missing

SECONDS = 6.0


def walk_like(rate: float) -> tuple[np.ndarray, np.ndarray]:
    """Smooth acc (about 1 g, swings of 0.8 g) and gyro (swings of 400 deg/s), within all ranges."""
    k = np.arange(int(SECONDS * rate))[:, None]
    phase = 2 * np.pi * 1.8 * k / rate + np.array([0.0, 1.0, 2.0])
    acc = (np.array([0.0, 0.0, 1.0]) + 0.8 * np.sin(phase)) * STANDARD_GRAVITY
    gyro = 400.0 * np.cos(phase) * DEG
    return acc, gyro


def test_encoders_follow_the_registry() -> None:
    # An encoder is optional (a new protocol needs only its module, tests and registry line; the
    # decoder bench names protocols without one), but every encoder is a registered protocol's,
    # in the registry's order, at the rate Retrowalk asks that device for.
    assert list(ENCODERS) == [p.key for p in PROTOCOLS if p.key not in missing()]
    assert missing() == [p.key for p in PROTOCOLS if p.key not in ENCODERS]
    for protocol in PROTOCOLS:
        if protocol.key in ENCODERS:
            assert ENCODERS[protocol.key].protocol is protocol
            assert ENCODERS[protocol.key].rate == protocol.nominal_rate


def test_a_second_encoder_for_a_protocol_is_refused() -> None:
    with pytest.raises(ValueError, match="a second encoder for movesense"):
        encodes(Movesense, acc_range_g=8.0, gyro_range_dps=None)(lambda *_: [])


@pytest.mark.parametrize("key", list(ENCODERS))
def test_round_trip(key: str) -> None:
    encoder: Encoder = ENCODERS[key]
    acc, gyro = walk_like(encoder.rate)
    decoder = encoder.decoder()
    batches = []
    for ready, data in encoder.encode(acc, gyro):
        try:
            batch = decoder.decode(data, received=100.0 + ready + 0.02)
        except DecodeError as err:
            pytest.fail(f"{key}: {err}")
        if batch is not None:
            batches.append(batch)
    assert not decoder.error_counts
    t = np.concatenate([b.t for b in batches])
    assert len(t) == len(acc)
    # Movesense stamps each notification in whole milliseconds.
    np.testing.assert_allclose(np.diff(t), 1.0 / encoder.rate, rtol=0.02, atol=1e-3)
    assert sum(b.lost for b in batches) == 0
    got_acc = np.concatenate([b.acc for b in batches])
    # Coarsest acc step: the Thingy's 1/1024 g (and its floor); Polar's 1 mG.
    np.testing.assert_allclose(got_acc, acc, atol=2.5e-3 * STANDARD_GRAVITY)
    if encoder.gyro_range_dps is None:
        assert all(b.gyro is None for b in batches)
        return
    assert all(b.gyro is not None for b in batches)
    got_gyro = np.concatenate([b.gyro for b in batches if b.gyro is not None])
    np.testing.assert_allclose(got_gyro, gyro, atol=0.07 * DEG)


def test_saturation_as_the_devices_do_it() -> None:
    acc = np.tile([3.0 * STANDARD_GRAVITY, 0.0, 0.0], (3, 1))
    gyro = np.tile([1500.0 * DEG, -1500.0 * DEG, 0.0], (3, 1))
    decoder = ENCODERS["nordic_thingy52"].decoder()
    for ready, data in ENCODERS["nordic_thingy52"].encode(acc, gyro):
        batch = decoder.decode(data, received=ready)
        assert batch is not None
        assert batch.clipped == 1
        assert batch.gyro is not None
        np.testing.assert_allclose(batch.gyro[0, :2], [1023 * DEG, -1024 * DEG])
        assert batch.acc[0, 0] < 2.0 * STANDARD_GRAVITY


def test_movesense_packets_are_split_where_the_firmware_splits() -> None:
    encoder = ENCODERS["movesense"]
    acc, gyro = walk_like(encoder.rate)
    packets = [data for _, data in encoder.encode(acc[:16], gyro[:16])]
    assert [(p[0], len(p)) for p in packets] == [(2, 2 + FIRST_PART_BYTES), (3, 48)] * 2
