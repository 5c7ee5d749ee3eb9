"""The decoder bench: one UCI run through a wearable's wire format scores like the run itself."""

from __future__ import annotations

import argparse

import pytest

from tools.bench import decoders, uci
from tools.wire import ENCODERS


def test_wire_round_trip_of_a_real_run_matches_the_direct_score() -> None:
    path = uci.runs(uci.CHECK_SESSION)[0]
    encoder = ENCODERS["movesense"]
    scores, stats = decoders.evaluate_wire(encoder, [path])
    direct = uci.evaluate([path], encoder.rate)
    assert stats.samples_out == stats.samples_sent > 0
    assert stats.without_gyro == 0
    assert stats.errors == {}
    # 8 samples (196 bytes) need DATA + DATA_PART2; a last frame of up to 6 (148 bytes) fits one.
    full, rest = divmod(stats.samples_sent, 8)
    assert stats.notifications == 2 * full + (0 if rest == 0 else 1 if rest <= 6 else 2)
    assert scores[0].confusion == direct[0].confusion
    assert stats.per_cpu_second(stats.notifications) > 0


def test_table_has_a_row_per_encoder(monkeypatch: pytest.MonkeyPatch) -> None:
    # One run per session keeps this to seconds; the rows are what is checked.
    monkeypatch.setattr(decoders, "runs", lambda session: uci.runs(session)[:1])
    text = decoders.decoders_table(argparse.Namespace(quick=True))
    for key in ENCODERS:
        assert sum(line.strip().startswith(key) for line in text.splitlines()) == 2
    assert "no encoder" not in text
