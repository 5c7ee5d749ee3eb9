"""tools/polar_throughput.py: its streams decode without errors or loss, and it reports a rate."""

import re

import pytest

from tools import polar_throughput as pt


@pytest.mark.parametrize("kind", ["h10", "verity"])
def test_streams_decode_cleanly(kind: str) -> None:
    device = pt.started(kind)
    samples = lost = 0
    for k, packet in enumerate(pt.h10_stream(5) if kind == "h10" else pt.verity_stream(5)):
        batch = device.decode(packet, received=0.05 * k)
        if batch is not None:
            samples += len(batch)
            lost += batch.lost
            assert kind == "h10" or batch.gyro is not None
    assert not device.error_counts
    assert lost == 0
    assert samples == 5 * (36 if kind == "h10" else 57)


def test_main_prints_one_rate_per_stream(capsys: pytest.CaptureFixture[str]) -> None:
    pt.main(["--seconds", "0.05"])
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["h10", "verity"]
    assert all(re.search(r"= \d+ notif/s$", line) for line in lines)
