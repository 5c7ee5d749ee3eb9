"""trunk_signal.causal_mean: a trailing mean, shorter at the start, always in float64."""

from __future__ import annotations

import numpy as np
import pytest

from custom_components.retrowalk.gait.trunk_signal import causal_mean


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64])
def test_a_trailing_mean_over_up_to_n_samples(dtype: type) -> None:
    x = np.array([[1, 10], [3, 20], [5, 30], [7, 40]], dtype=dtype)
    mean = causal_mean(x, 2)
    assert mean.dtype == np.float64
    assert mean.tolist() == [[1.0, 10.0], [2.0, 15.0], [4.0, 25.0], [6.0, 35.0]]
    # The divisors are cached by size and read-only; the result is the caller's own.
    mean[0, 0] = -1.0
    assert causal_mean(x, 2)[0, 0] == 1.0


def test_one_axis_and_a_window_longer_than_the_data() -> None:
    assert causal_mean(np.array([2.0, 4.0, 9.0]), 5).tolist() == [2.0, 3.0, 5.0]
