"""Polar PMD against polar-ble-sdk's own unit-test vectors (tests/devices/polar_vectors.py).

Each test id names the SDK test it reproduces; the vector's docstring-level provenance (repository,
commit, file, test) is in polar_vectors.Source.
"""

import asyncio
import math

import numpy as np
import pytest

from custom_components.retrowalk.devices import polar
from custom_components.retrowalk.devices.base import DEG, STANDARD_GRAVITY, DecodeError, SetupError
from custom_components.retrowalk.devices.polar import (
    PMD_CP,
    PolarVeritySense,
    Setting,
    decode_delta_frames,
    decode_values,
    delta_frame_ints,
    encode_start,
    factor_from,
    parse_cp_response,
    parse_data_frame,
    parse_settings,
    sample_offsets_ns,
)

from . import polar_vectors as pv
from .test_polar import (
    ACC_FACTOR,
    GYRO_FACTOR,
    VERITY_ACC_SETTINGS,
    VERITY_GYRO_SETTINGS,
    PolarDevice,
    verity_link,
)

MILLI_G = STANDARD_GRAVITY / 1000


def ids(vectors: list[object]) -> list[str]:
    return [str(getattr(v, "source", v)).rsplit(":", 1)[-1] for v in vectors]


def period_ns(rate: int) -> float:
    return 1e9 / rate if rate else math.nan


@pytest.mark.parametrize("v", pv.FRAME_VECTORS, ids=ids(pv.FRAME_VECTORS))
def test_data_frame(v: pv.FrameVector) -> None:
    frame = parse_data_frame(v.frame)
    values = decode_values(frame, v.factor)
    assert values.shape == (v.count, 3)
    if frame.measurement == polar.ACC:
        # The SDK's AccSample holds whole mG, truncated toward zero.
        got = np.trunc(np.round(values / MILLI_G, 6))
        for i, xyz in v.samples.items():
            assert tuple(got[i]) == xyz
        if v.bound is not None:
            assert np.all(np.abs(got) <= v.bound)
    else:
        for i, xyz in v.samples.items():
            np.testing.assert_allclose(values[i] / DEG, xyz, rtol=1e-7)
    times = frame.timestamp + sample_offsets_ns(
        v.previous, frame.timestamp, v.count, period_ns(v.rate)
    )
    for i, t in v.times.items():
        assert int(times[i]) == t


@pytest.mark.parametrize("v", pv.DELTA_VECTORS, ids=ids(pv.DELTA_VECTORS))
def test_delta_parser(v: pv.DeltaVector) -> None:
    ints = delta_frame_ints(v.payload, v.channels, v.resolution)
    assert ints.shape == (v.count, v.channels)
    mask = (1 << v.resolution) - 1
    for i, expected in v.samples.items():
        assert [int(x) & mask for x in ints[i]] == [e & mask for e in expected]


@pytest.mark.parametrize("v", pv.SETTINGS_VECTORS, ids=ids(pv.SETTINGS_VECTORS))
def test_settings(v: pv.SettingsVector) -> None:
    if v.expected is None:
        with pytest.raises(SetupError):
            parse_settings(v.data)
        return
    settings = parse_settings(v.data)
    assert {int(k): set(values) for k, values in settings.items()} == v.expected
    if v.serialized_size is not None:
        selection = {k: max(values) for k, values in settings.items()}
        assert len(encode_start(polar.ACC, selection)) - 2 == v.serialized_size


@pytest.mark.parametrize("v", pv.SERIALIZE_VECTORS, ids=ids(pv.SERIALIZE_VECTORS))
def test_selected_settings_round_trip(v: pv.SerializeVector) -> None:
    command = encode_start(polar.ACC, {Setting(k): value for k, value in v.selected.items()})
    parsed = parse_settings(command[2:])
    assert {int(k): values for k, values in parsed.items()} == {
        k: [value] for k, value in v.selected.items() if k != pv.FACTOR
    }


@pytest.mark.parametrize("v", pv.CP_VECTORS, ids=ids(pv.CP_VECTORS))
def test_control_point_response(v: pv.CpVector) -> None:
    response = parse_cp_response(v.data)
    assert (response.op, response.measurement, response.status) == (v.op, v.measurement, v.status)
    assert response.more is v.more
    assert response.params == v.params
    assert response.reason == v.reason


def test_start_reply_factor() -> None:
    # pv.START_FACTOR_SOURCE
    response = parse_cp_response(pv.START_FACTOR_REPLY)
    assert factor_from(parse_settings(response.params)) == pv.START_FACTOR


def test_start_command_streams_online() -> None:
    # pv.START_ONLINE_SOURCE: online measurements keep bit 7 of the measurement byte clear.
    command = encode_start(pv.START_ONLINE_MEASUREMENT, {Setting.SAMPLE_RATE: 130})
    assert command[1] == pv.START_ONLINE_MEASUREMENT


@pytest.mark.parametrize("v", pv.HEADER_VECTORS, ids=ids(pv.HEADER_VECTORS))
def test_frame_header(v: pv.HeaderVector) -> None:
    frame = parse_data_frame(v.data)
    assert frame.measurement == v.measurement
    if v.timestamp is not None:
        assert frame.timestamp == v.timestamp
    assert (frame.compressed, frame.frame_type) == (v.compressed, v.frame_type)
    assert frame.payload == v.data[polar.HEADER_SIZE :]


def test_unsupported_frame_type_is_refused() -> None:
    # pv.UNSUPPORTED_FRAME_SOURCE
    device = PolarVeritySense()
    device.assume_started(polar.ACC, rate=52.0, factor=ACC_FACTOR)
    with pytest.raises(DecodeError):
        device.decode(pv.UNSUPPORTED_FRAME, received=0.0)
    frame = parse_data_frame(pv.UNSUPPORTED_FRAME + b"\x00")
    with pytest.raises(DecodeError) as err:
        decode_values(frame, 1.0)
    assert err.value.reason == "frame_type"


@pytest.mark.parametrize("v", pv.TIMESTAMP_VECTORS, ids=ids(pv.TIMESTAMP_VECTORS))
def test_sample_timestamps(v: pv.TimestampVector) -> None:
    if v.expected is None:
        with pytest.raises(DecodeError):
            sample_offsets_ns(v.previous, v.timestamp, v.n, period_ns(v.rate))
        return
    offsets = sample_offsets_ns(v.previous, v.timestamp, v.n, period_ns(v.rate))
    assert tuple(v.timestamp + int(o) for o in offsets) == v.expected


@pytest.mark.parametrize("v", pv.STOP_VECTORS, ids=ids(pv.STOP_VECTORS))
async def test_stop_notification(v: pv.StopVector) -> None:
    device = PolarDevice(
        {polar.ACC: VERITY_ACC_SETTINGS, polar.GYRO: VERITY_GYRO_SETTINGS},
        {polar.ACC: ACC_FACTOR, polar.GYRO: GYRO_FACTOR},
    )
    link = verity_link(device)
    protocol = PolarVeritySense()
    await protocol.start(link, lambda _: None)
    before = len(link.writes(PMD_CP))
    starts = [w for w in link.writes(PMD_CP) if w[0] == polar.OP_START]
    link.notify(PMD_CP, v.data)
    for _ in range(10):
        await asyncio.sleep(0)
    # Streams the notification lists and Retrowalk runs are closed and started again with the
    # settings chosen at setup; a listed stream it does not run (PPG) and unlisted ones are left.
    ours = [m for m in v.stopped if m in protocol.measurements]
    assert [w for w in link.writes(PMD_CP)[before:] if w[0] == polar.OP_START] == [
        w for w in starts if w[1] in ours
    ]
    assert protocol.error_counts["stream_stopped"] == 1
    assert set(protocol.streams) == {polar.ACC, polar.GYRO}
    assert protocol.streams[polar.ACC].factor == pytest.approx(ACC_FACTOR)


def test_every_published_test_is_accounted_for_once() -> None:
    sources = [
        str(v.source)
        for group in (
            pv.FRAME_VECTORS,
            pv.DELTA_VECTORS,
            pv.SETTINGS_VECTORS,
            pv.SERIALIZE_VECTORS,
            pv.CP_VECTORS,
            pv.STOP_VECTORS,
            pv.HEADER_VECTORS,
            pv.TIMESTAMP_VECTORS,
            pv.NOT_APPLICABLE,
        )
        for v in group
    ]
    sources += [
        str(s)
        for s in (pv.START_FACTOR_SOURCE, pv.START_ONLINE_SOURCE, pv.UNSUPPORTED_FRAME_SOURCE)
    ]
    assert len(sources) == len(set(sources))
    assert len(sources) == pv.APPLICABLE_COUNT + len(pv.NOT_APPLICABLE)
    # The module documents the ones that do not apply.
    doc = polar.__doc__ or ""
    for name in ("MagDataTest", "PmdActiveMeasurementTest", "status is fail", "previous timestamp"):
        assert name in doc
    assert f"runs the {pv.APPLICABLE_COUNT} that apply" in " ".join(doc.split())
    assert f"The {len(pv.NOT_APPLICABLE)} that do not apply" in doc


def test_delta_frames_as_floats_match_the_integers() -> None:
    v = pv.DELTA_VECTORS[-1]
    np.testing.assert_array_equal(
        decode_delta_frames(v.payload, 3, 16), delta_frame_ints(v.payload, 3, 16)
    )
