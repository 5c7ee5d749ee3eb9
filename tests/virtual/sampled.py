"""Noise-free samples of one span, for the signal-model tests: one sample rate and one renderer."""

from __future__ import annotations

from collections.abc import Sequence
import itertools

import numpy as np
import numpy.typing as npt

from custom_components.retrowalk.gait.types import Placement
from custom_components.retrowalk_virtual.imu import kinematics
from custom_components.retrowalk_virtual.model import ScenarioStream, parse_scenario
from custom_components.retrowalk_virtual.span import Span
from custom_components.retrowalk_virtual.vibration import wk

Array = npt.NDArray[np.float64]
RATE = 104.0  # Hz, the virtual wearable's default output rate
DT = 1.0 / RATE


def noise_free(
    span: Span, placement: Placement, t0: float, t1: float
) -> tuple[Array, Array, Array, Array]:
    """Sample times (n,), specific force and gyro (n, 3) and rotations (n, 3, 3) from t0 to t1."""
    n = int((t1 - t0) * RATE)
    force, gyro = kinematics(span, placement, t0, DT, n)
    t = t0 + DT * np.arange(n, dtype=np.float64)
    _, rot = span.pose(placement, t)
    return t, force.T, gyro.T, np.moveaxis(rot, 2, 0)


def assert_no_jumps(spans: Sequence[Span], placement: Placement) -> None:
    """Force and gyro run on across every span boundary: a jump would be a jolt no body makes."""
    for before, after in itertools.pairwise(spans):
        edge = after.start
        _, f0, w0, _ = noise_free(before, placement, edge - 0.3, edge)
        _, f1, w1, _ = noise_free(after, placement, edge, edge + 0.3)
        jump = np.linalg.norm(f1[0] - f0[-1])
        assert jump < 0.5, f"{placement} force jumps {jump:.2f} at {edge:.2f} s"
        assert np.linalg.norm(w1[0] - w0[-1]) < 0.2, f"{placement} gyro jumps at {edge:.2f}"


def weighted_rms(z: Array, top_hz: float) -> float:
    """ISO 2631-1 Wk-weighted RMS, the weighting applied in the frequency domain, 0.5 Hz to
    `top_hz` (a car seat's band ends at 25 Hz, a bicycle saddle's at 40)."""
    spectrum = np.fft.rfft(z - z.mean())
    freq = np.fft.rfftfreq(len(z), DT)
    weight = np.where((freq >= 0.5) & (freq <= top_hz), wk(np.maximum(freq, 0.5)), 0.0)
    return float(np.std(np.fft.irfft(spectrum * weight, len(z))))


def assert_reproducible(spec: str, placement: Placement) -> None:
    """The scenario's samples are the same for a seed, differ between seeds, and any chunking
    of the stream reads the same samples."""

    def read(seed: int) -> Array:
        stream = ScenarioStream(parse_scenario(spec), placement, seed=seed)
        acc: Array = stream.read(10**6).acc
        return acc

    np.testing.assert_array_equal(read(3), read(3))
    assert not np.allclose(read(3), read(4))
    stream = ScenarioStream(parse_scenario(spec), placement, seed=3)
    parts = [stream.read(n).acc for n in itertools.islice(itertools.cycle([7, 300, 4096]), 40)]
    joined = np.concatenate(parts)
    np.testing.assert_array_equal(joined, read(3)[: len(joined)])
