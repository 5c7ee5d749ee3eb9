"""Polar PMD: control point, settings, raw and delta frames, setup sequence.

Byte layouts per the wire format in devices/polar.py's docstring (polar-ble-sdk Android `pmd/`:
PmdControlPointResponse, PmdSetting, PmdDataFrame, AccData, GyrData, BlePMDClient delta parser).
"""

import asyncio
import struct

import numpy as np
import pytest

from custom_components.retrowalk.devices import polar, replies
from custom_components.retrowalk.devices.base import (
    DEG,
    STANDARD_GRAVITY,
    DecodeError,
    SampleBatch,
    SetupError,
)
from custom_components.retrowalk.devices.polar import (
    PMD_CP,
    PMD_DATA,
    PolarH10,
    PolarVeritySense,
    Setting,
    choose_settings,
    decode_delta_frames,
    encode_start,
    factor_from,
    parse_cp_response,
    parse_settings,
    sample_offsets_ns,
)
from tools.wire import pack_delta

from .fakes import FakeLink

MG = STANDARD_GRAVITY / 1000
# H10 ACC settings: rates 25/50/100/200 Hz, 16 bit, ±2/4/8 g (documentation/products/PolarH10.md).
H10_ACC_SETTINGS = bytes.fromhex("0004190032006400c800010110000203020004000800")
ACC_FACTOR = 8000 / 32768  # mG per count at ±8 g, 16 bit
GYRO_FACTOR = 2000 / 32768  # deg/s per count at ±2000 dps
VERITY_ACC_SETTINGS = bytes.fromhex("000134000101100002010800040103")
VERITY_GYRO_SETTINGS = bytes.fromhex("00013400010110000201d007040103")
TS0 = 700_000_000 * 10**9  # ns since 2000-01-01, ~2022


def wave(n: int, offset: int) -> np.ndarray:
    """n int samples (x swings ±40, y small, z about 1000), continuing at `offset`."""
    k = np.arange(n) + offset
    return np.column_stack([(40 * np.sin(k / 5)).astype(int), k % 7 - 3, 1000 + k % 11])


def factor_block(factor: float) -> bytes:
    return bytes([Setting.FACTOR, 1]) + struct.pack("<f", factor)


def frame(measurement: int, ts_ns: int, frame_type: int, payload: bytes) -> bytes:
    return bytes([measurement]) + ts_ns.to_bytes(8, "little") + bytes([frame_type]) + payload


def raw_acc(ts_ns: int, samples: list[tuple[int, int, int]]) -> bytes:
    payload = b"".join(struct.pack("<3h", *s) for s in samples)
    return frame(polar.ACC, ts_ns, 0x01, payload)


# Hand-built delta frame: reference (100, -200, 1000) int16; block width 4, count 2 with
# deltas (+1, -1, +2), (+3, 0, -8) packed LSB first -> F1 32 80; block width 3, count 1 with
# deltas (-4, +3, +1) -> 0b001_011_100 = 0x5C 0x00.
DELTA_PAYLOAD = bytes.fromhex("640038ffe8030402f1328003015c00")
DELTA_EXPECTED = np.array(
    [[100, -200, 1000], [101, -201, 1002], [104, -201, 994], [100, -198, 995]]
)


def test_delta_frame_hand_computed() -> None:
    np.testing.assert_array_equal(decode_delta_frames(DELTA_PAYLOAD, 3, 16), DELTA_EXPECTED)


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (DELTA_PAYLOAD[:5], "length"),
        (DELTA_PAYLOAD[:7], "length"),
        (DELTA_PAYLOAD[:-1], "length"),
        (DELTA_PAYLOAD[:6] + b"\x00\x02", "frame"),
        (DELTA_PAYLOAD[:6] + b"\x21\x01" + bytes(13), "frame"),
        (DELTA_PAYLOAD[:6] + (b"\x01\xff" + bytes(96)) * 9, "length"),
    ],
    ids=["no_reference", "block_header", "block_bits", "width_0", "width_33", "too_many"],
)
def test_delta_frame_malformed(payload: bytes, reason: str) -> None:
    with pytest.raises(DecodeError) as err:
        decode_delta_frames(payload, 3, 16)
    assert err.value.reason == reason


def test_control_point_response_and_settings() -> None:
    response = parse_cp_response(bytes.fromhex("f001020000") + H10_ACC_SETTINGS)
    assert (response.op, response.measurement, response.status, response.more) == (1, 2, 0, False)
    settings = parse_settings(response.params)
    assert settings == {
        Setting.SAMPLE_RATE: [25, 50, 100, 200],
        Setting.RESOLUTION: [16],
        Setting.RANGE: [2, 4, 8],
    }
    assert choose_settings(settings, 52) == {
        Setting.SAMPLE_RATE: 50,
        Setting.RESOLUTION: 16,
        Setting.RANGE: 8,
    }


def test_error_response_has_no_parameters() -> None:
    response = parse_cp_response(bytes.fromhex("f002020a"))
    assert response.status == 10
    assert response.reason == "invalid_mtu"
    assert not response.more
    assert parse_cp_response(bytes.fromhex("f0020263")).reason == "status_99"
    with pytest.raises(SetupError):
        parse_cp_response(b"\x0f\x00")


def test_start_command_matches_the_h10_example() -> None:
    # Issue polar-ble-sdk #360: 02 02 | 02 01 0800 | 00 01 c800 | 01 01 1000 (order differs).
    selection = {Setting.RANGE: 8, Setting.SAMPLE_RATE: 200, Setting.RESOLUTION: 16}
    assert encode_start(polar.ACC, selection) == bytes.fromhex("02020001c8000101100002010800")


def test_settings_parsing_rejects_garbage() -> None:
    for bad in (b"\x00\x02\x34\x00", b"\x00"):
        with pytest.raises(SetupError):
            parse_settings(bad)
    with pytest.raises(SetupError):
        choose_settings({Setting.RESOLUTION: [16]}, 52)
    # A setting type newer than Retrowalk has no known width: it ends the list (iOS SDK
    # PmdSetting.parsePmdSettingsData does the same), what precedes it is kept.
    assert parse_settings(b"\x00\x01\x34\x00\x09\x01\x00\x00") == {Setting.SAMPLE_RATE: [52]}
    assert parse_settings(b"\x09\x01\x00\x00") == {}


def test_factor() -> None:
    assert factor_from(parse_settings(factor_block(0.25))) == 0.25
    assert factor_from({}) == 1.0
    with pytest.raises(SetupError):
        factor_from(parse_settings(factor_block(float("nan"))))


def started_h10() -> PolarH10:
    device = PolarH10()
    device.assume_started(polar.ACC, rate=50.0, factor=1.0)
    return device


def test_h10_raw_frames_timestamps_and_gaps() -> None:
    device = started_h10()
    period_ns = 20_000_000
    first = device.decode(raw_acc(TS0, [(0, 0, 1000), (10, -10, 990)]), received=1.0)
    assert first is not None
    np.testing.assert_allclose(first.acc, np.array([[0, 0, 1000], [10, -10, 990]]) * MG)
    assert first.gyro is None
    np.testing.assert_allclose(first.t, [0.0, 0.02])
    second = device.decode(raw_acc(TS0 + 2 * period_ns, [(0, 0, 1000)] * 2), received=1.04)
    assert second is not None
    assert second.lost == 0
    np.testing.assert_allclose(second.t, [0.04, 0.06], atol=1e-9)
    third = device.decode(raw_acc(TS0 + 9 * period_ns, [(0, 0, 1000)] * 2), received=1.2)
    assert third is not None
    assert third.lost == 5
    with pytest.raises(DecodeError) as err:
        device.decode(raw_acc(TS0 + 9 * period_ns, [(0, 0, 1000)] * 2), received=1.3)
    assert err.value.reason == "duplicate"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x02" + bytes(9), "length"),
        (frame(polar.GYRO, TS0, 0x80, DELTA_PAYLOAD), "frame_type"),
        (frame(polar.ACC, TS0, 0x05, bytes(6)), "frame_type"),
        (frame(polar.ACC, TS0, 0x01, bytes(7)), "length"),
        (raw_acc(TS0, [(16000, 0, 0)]), None),
        (frame(polar.ACC, TS0, 0x02, (2_000_000).to_bytes(3, "little", signed=True) * 3), "range"),
    ],
    ids=["short", "not_started", "frame_type", "partial_sample", "full_scale", "range"],
)
def test_h10_rejects(data: bytes, reason: str | None) -> None:
    device = started_h10()
    if reason is None:
        assert device.decode(data, received=0.0) is not None
        return
    with pytest.raises(DecodeError) as err:
        device.decode(data, received=0.0)
    assert err.value.reason == reason


def test_raw_int8_and_int24_acc() -> None:
    device = started_h10()
    batch = device.decode(frame(polar.ACC, TS0, 0x00, bytes([1, 0xFF, 100])), received=0.0)
    assert batch is not None
    np.testing.assert_allclose(batch.acc, [[1 * MG, -1 * MG, 100 * MG]])


def started_verity() -> PolarVeritySense:
    device = PolarVeritySense()
    device.assume_started(polar.ACC, rate=52.0, factor=ACC_FACTOR)
    device.assume_started(polar.GYRO, rate=52.0, factor=GYRO_FACTOR)
    return device


def test_verity_delta_acc_and_gyro_are_merged() -> None:
    device = started_verity()
    period_ns = round(1e9 / 52)
    ts = TS0 + 3 * period_ns
    assert device.decode(frame(polar.ACC, ts, 0x81, DELTA_PAYLOAD), received=0.0) is None
    batch = device.decode(frame(polar.GYRO, ts, 0x80, DELTA_PAYLOAD), received=0.01)
    assert batch is not None
    np.testing.assert_allclose(batch.acc, DELTA_EXPECTED * ACC_FACTOR * MG)
    assert batch.gyro is not None
    np.testing.assert_allclose(batch.gyro, DELTA_EXPECTED * GYRO_FACTOR * DEG)
    np.testing.assert_allclose(batch.t, np.arange(4) / 52, atol=1e-9)
    with pytest.raises(DecodeError) as err:
        device.decode(frame(polar.GYRO, ts, 0x80, DELTA_PAYLOAD), received=0.02)
    assert err.value.reason == "duplicate"


def test_verity_compressed_type0_acc_is_in_g() -> None:
    device = started_verity()
    device.streams[polar.ACC].factor = 1 / 4096
    data = frame(polar.ACC, TS0, 0x80, struct.pack("<3h", 0, 0, 4096))
    device.decode(data, received=0.0)
    batch = device.decode(frame(polar.GYRO, TS0, 0x80, bytes(6)), received=0.0)
    assert batch is not None
    np.testing.assert_allclose(batch.acc, [[0, 0, STANDARD_GRAVITY]])


def test_verity_gyro_out_of_range_rejected() -> None:
    device = started_verity()
    device.streams[polar.GYRO].factor = 1.0
    with pytest.raises(DecodeError) as err:
        device.decode(frame(polar.GYRO, TS0 + 10**9, 0x80, struct.pack("<3h", 30000, 0, 0)), 0.0)
    assert err.value.reason == "range"


class PolarDevice:
    """Plays a Polar device's control point: settings per measurement, start with a factor."""

    def __init__(self, settings: dict[int, bytes], factors: dict[int, float] | None = None) -> None:
        self.settings = settings
        self.factors = factors or {}
        self.start_status: list[int] = []
        self.split_settings = False
        self.data_before_reply: dict[int, list[bytes]] = {}

    def __call__(self, link: FakeLink, char: str, data: bytes) -> None:
        assert char == PMD_CP
        op, measurement = data[0], data[1]
        if op == polar.OP_GET_SETTINGS:
            params = self.settings[measurement]
            if self.split_settings:
                half = len(params) // 2
                link.notify(PMD_CP, bytes([0xF0, op, measurement, 0, 1]) + params[:half])
                link.notify(PMD_CP, bytes([0xF0, op, measurement, 0, 0]) + params[half:])
                return
            link.notify(PMD_CP, bytes([0xF0, op, measurement, 0, 0]) + params)
        elif op == polar.OP_START:
            status = self.start_status.pop(0) if self.start_status else 0
            for early in self.data_before_reply.pop(measurement, []):
                link.notify(PMD_DATA, early)
            factor = self.factors.get(measurement)
            params = factor_block(factor) if factor and status == 0 else b""
            link.notify(PMD_CP, bytes([0xF0, op, measurement, status, 0]) + params)
        elif op == polar.OP_STOP:
            link.notify(PMD_CP, bytes([0xF0, op, measurement, 0, 0]))


def verity_link(device: PolarDevice, mtu: int = 247) -> FakeLink:
    link = FakeLink(mtu=mtu, on_write=device)
    link.reads[PMD_CP] = [bytes([0x0F, 0b0010_0111, 0x00])]
    return link


async def test_verity_setup_sequence() -> None:
    device = PolarDevice(
        {polar.ACC: VERITY_ACC_SETTINGS, polar.GYRO: VERITY_GYRO_SETTINGS},
        {polar.ACC: ACC_FACTOR, polar.GYRO: GYRO_FACTOR},
    )
    device.split_settings = True
    link = verity_link(device)
    batches: list[SampleBatch] = []
    protocol = PolarVeritySense()
    await protocol.start(link, batches.append)
    assert link.ops()[:3] == [("notify", PMD_CP), ("notify", PMD_DATA), ("read", PMD_CP)]
    assert link.writes(PMD_CP) == [
        bytes.fromhex("0102"),
        bytes.fromhex("0202000134000101100002010800040103"),
        bytes.fromhex("0105"),
        bytes.fromhex("020500013400010110000201d007040103"),
    ]
    assert protocol.streams[polar.ACC].factor == pytest.approx(ACC_FACTOR)
    assert protocol.streams[polar.GYRO].factor == pytest.approx(GYRO_FACTOR)
    link.notify(PMD_DATA, frame(polar.ACC, TS0, 0x81, DELTA_PAYLOAD))
    link.notify(PMD_DATA, frame(polar.GYRO, TS0, 0x80, DELTA_PAYLOAD))
    link.notify(PMD_DATA, b"\x02junk")
    assert len(batches) == 1
    assert protocol.error_counts == {"length": 1}
    link.notify(PMD_CP, bytes([polar.CP_MEASUREMENT_STOPPED, polar.ACC]))
    link.notify(PMD_CP, bytes([0xF0, 0x05, 0x00, 0x00]))
    assert protocol.error_counts["stream_stopped"] == 1
    await protocol.stop(link)
    assert link.writes(PMD_CP)[-2:] == [bytes.fromhex("0302"), bytes.fromhex("0305")]


async def test_data_overtaking_the_start_reply_is_kept() -> None:
    device = PolarDevice(
        {polar.ACC: VERITY_ACC_SETTINGS, polar.GYRO: VERITY_GYRO_SETTINGS},
        {polar.ACC: ACC_FACTOR, polar.GYRO: GYRO_FACTOR},
    )
    device.data_before_reply = {
        polar.ACC: [frame(polar.ACC, TS0, 0x81, DELTA_PAYLOAD)],
        polar.GYRO: [frame(polar.GYRO, TS0, 0x80, DELTA_PAYLOAD)],
    }
    batches: list[SampleBatch] = []
    protocol = PolarVeritySense()
    await protocol.start(verity_link(device), batches.append)
    assert not protocol.error_counts
    assert len(batches) == 1
    np.testing.assert_allclose(batches[0].acc, DELTA_EXPECTED * ACC_FACTOR * MG)


async def test_already_running_stream_is_restarted() -> None:
    device = PolarDevice({polar.ACC: H10_ACC_SETTINGS})
    device.start_status = [polar.STATUS_ALREADY_IN_STATE, 0]
    link = verity_link(device)
    errors: list[DecodeError] = []
    protocol = PolarH10(on_error=errors.append)
    await protocol.start(link, lambda _: None)
    writes = link.writes(PMD_CP)
    assert writes[2] == bytes.fromhex("0302")
    assert writes[1] == writes[3]
    assert protocol.streams[polar.ACC].rate == 50
    link.notify(PMD_DATA, b"")
    assert [e.reason for e in errors] == ["length"]


@pytest.mark.parametrize(
    ("status", "reason"),
    [(10, "invalid_mtu"), (13, "device_in_charger"), (5, "invalid_parameter")],
)
async def test_refused_start_raises(status: int, reason: str) -> None:
    device = PolarDevice({polar.ACC: H10_ACC_SETTINGS})
    device.start_status = [status, status]
    with pytest.raises(SetupError) as err:
        await PolarH10().start(verity_link(device), lambda _: None)
    assert err.value.reason == reason


async def test_setup_checks_mtu_features_and_timeouts(monkeypatch: pytest.MonkeyPatch) -> None:
    device = PolarDevice({polar.ACC: H10_ACC_SETTINGS})
    with pytest.raises(SetupError) as err:
        await PolarH10().start(verity_link(device, mtu=185), lambda _: None)
    assert err.value.reason == "mtu"
    link = verity_link(device)
    link.reads[PMD_CP] = [bytes([0x0F, 0b0000_0100, 0])]
    with pytest.raises(SetupError) as err:
        await PolarVeritySense().start(link, lambda _: None)
    assert err.value.reason == "not_supported"
    link.reads[PMD_CP] = [bytes([0xF0, 0x01])]
    with pytest.raises(SetupError) as err:
        await PolarH10().start(link, lambda _: None)
    assert err.value.reason == "features"
    monkeypatch.setattr(replies, "REPLY_TIMEOUT_S", 0.01)
    silent = verity_link(device)
    silent.on_write = None
    with pytest.raises(SetupError) as err:
        await PolarH10().start(silent, lambda _: None)
    assert err.value.reason == "timeout"


async def test_stop_is_best_effort() -> None:
    protocol = started_h10()
    link = FakeLink()
    link.fail_writes = True
    await protocol.stop(link)
    await asyncio.sleep(0)


def test_matching() -> None:
    assert PolarH10.matches("Polar H10 A1B2C3D4", [], {107: b"\x00"})
    assert PolarVeritySense.matches("Polar Sense B5D1E2F3", [], {})
    assert not PolarVeritySense.matches("Polar H10 A1B2C3D4", [], {})
    assert not PolarH10.matches(None, [], {107: b""})
    assert PolarH10.manifest_matchers() == [{"local_name": "Polar H10*", "connectable": True}]


# --- Fixes reproducing polar-ble-sdk behaviour (issue 13) ----------------------------------------

VERITY_PERIOD_NS = round(1e9 / 52)
VERITY_FRAME = 57  # reference + 56 deltas, as AccDataTest's "process acc compressed data type 0"


def verity_frames(index: int, n: int = VERITY_FRAME) -> tuple[bytes, bytes]:
    """The acc and gyro twins of the `index`-th full Verity Sense frame."""
    ts = TS0 + (n * (index + 1) - 1) * VERITY_PERIOD_NS
    acc = pack_delta(wave(n, n * index), width=10)
    gyro = pack_delta(wave(n, n * index + 3), width=10)
    return frame(polar.ACC, ts, 0x81, acc), frame(polar.GYRO, ts, 0x80, gyro)


def test_verity_gyro_compressed_type1_float_deltas() -> None:
    # polar-ble-sdk model/GyrData.dataFromCompressedType1, reproducing GyrDataTest "process gyro
    # compressed data type 1 with factor": float32 reference (1, 10, 20) deg/s and 28-bit deltas
    # on the bit patterns, times the factor 0.5. Rejected as an unsupported frame type before.
    device = started_verity()
    device.streams[polar.GYRO].factor = 0.5
    device.streams[polar.ACC].factor = 1.0
    ts = TS0 + VERITY_PERIOD_NS
    acc = frame(polar.ACC, ts, 0x81, bytes.fromhex("F1FF1400F00306017B0F08"))
    gyro = frame(polar.GYRO, ts, 0x81, bytes.fromhex(GYRO_TYPE1_PAYLOAD_HEX))
    assert device.decode(acc, received=0.0) is None
    batch = device.decode(gyro, received=0.0)
    assert batch is not None
    assert batch.gyro is not None
    np.testing.assert_allclose(batch.gyro / DEG, [[0.5, 5, 10], [5, 10, 0.55]], rtol=1e-6)
    np.testing.assert_allclose(batch.acc / MG, [[-15, 20, 1008], [-20, 17, 1008]])


GYRO_TYPE1_PAYLOAD_HEX = "0000803F000020410000A0411C010000A001000008CDCCEC0D"


def test_verity_gyro_twin_after_a_full_frame_of_acc_keeps_the_gyro() -> None:
    # A full 52 Hz frame spans 1.08 s, more than the merger's old fixed 1 s hold: acc notified
    # before its gyro twin was released without gyro, every frame.
    device = started_verity()
    total = 0
    for i in range(4):
        acc, gyro = verity_frames(i)
        assert device.decode(acc, received=i * 1.1) is None
        batch = device.decode(gyro, received=i * 1.1 + 0.01)
        assert batch is not None
        assert batch.gyro is not None
        total += len(batch)
    assert total == 4 * VERITY_FRAME
    assert not device.error_counts


def test_verity_acc_goes_without_gyro_when_gyro_stays_silent() -> None:
    device = started_verity()
    released = [device.decode(verity_frames(i)[0], received=i * 1.1) for i in range(2)]
    assert released[0] is None
    assert released[1] is not None
    assert released[1].gyro is None
    assert len(released[1]) == 2 * VERITY_FRAME


def test_zero_hz_rate_is_refused_at_setup() -> None:
    # polar-ble-sdk PmdTimeStampUtilsTest "assert on invalid input, both sample rate and
    # timestamp are zero": a 0 Hz rate cannot time samples. Refused when it is all there is...
    with pytest.raises(SetupError) as err:
        choose_settings({Setting.SAMPLE_RATE: [0], Setting.RESOLUTION: [16]}, 52)
    assert err.value.reason == "invalid_sample_rate"
    # ...and never chosen beside a real rate, even when nearest the preferred one.
    assert choose_settings({Setting.SAMPLE_RATE: [0, 52]}, 1)[Setting.SAMPLE_RATE] == 52


async def test_zero_hz_device_fails_setup_before_any_start() -> None:
    zero = bytes.fromhex("0001000001011000")  # rate 0 Hz only, resolution 16
    device = PolarDevice({polar.ACC: zero})
    link = verity_link(device)
    with pytest.raises(SetupError) as err:
        await PolarH10().start(link, lambda _: None)
    assert err.value.reason == "invalid_sample_rate"
    assert all(w[0] != polar.OP_START for w in link.writes(PMD_CP))


def test_zero_hz_stream_and_decoder_bugs_stay_out_of_the_callback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    device = started_h10()
    device.streams[polar.ACC].rate = 0.0
    link = FakeLink()
    batches: list[SampleBatch] = []
    link.callbacks[PMD_DATA] = lambda data: device._deliver(data, batches.append, 0.0)
    link.notify(PMD_DATA, raw_acc(TS0, [(0, 0, 1000)]))
    assert device.error_counts == {"rate": 1}

    def broken(data: bytes, received: float | None = None) -> SampleBatch | None:
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr(device, "decode", broken)
    link.notify(PMD_DATA, raw_acc(TS0, [(0, 0, 1000)]))
    assert device.error_counts["internal"] == 1
    assert not batches


SECURITY_BLOCK = bytes([Setting.SECURITY, 1]) + bytes(range(16))


async def test_security_setting_is_parsed_and_never_chosen() -> None:
    # polar-ble-sdk PmdSetting.PmdSettingType.SECURITY(6), field size 16 (PmdSetting.kt
    # typeToFieldSize): settings carrying it made parsing fail before.
    settings = parse_settings(VERITY_ACC_SETTINGS + SECURITY_BLOCK)
    assert settings[Setting.SECURITY] == [int.from_bytes(bytes(range(16)), "little")]
    assert Setting.SECURITY not in choose_settings(settings, 52)
    device = PolarDevice(
        {
            polar.ACC: VERITY_ACC_SETTINGS + SECURITY_BLOCK,
            polar.GYRO: VERITY_GYRO_SETTINGS + SECURITY_BLOCK,
        },
        {polar.ACC: ACC_FACTOR, polar.GYRO: GYRO_FACTOR},
    )
    link = verity_link(device)
    await PolarVeritySense().start(link, lambda _: None)
    starts = [w for w in link.writes(PMD_CP) if w[0] == polar.OP_START]
    assert starts == [
        bytes.fromhex("0202000134000101100002010800040103"),
        bytes.fromhex("020500013400010110000201d007040103"),
    ]


def h10_stream(frames: int, period_ns: float, n: int = 36, skip: int | None = None) -> list[bytes]:
    """H10 raw frames of `n` samples whose device clock ticks every `period_ns`."""
    out = []
    for i in range(frames):
        if i == skip:
            continue
        ts = TS0 + round((n * (i + 1) - 1) * period_ns)
        out.append(raw_acc(ts, [tuple(int(v) for v in s) for s in wave(n, n * i)]))
    return out


@pytest.mark.parametrize("off", [1.07, 1 / 1.07, 1.03, 1.0])
def test_device_clock_off_nominal_keeps_every_frame(off: float) -> None:
    # polar-ble-sdk PmdTimeStampUtils.getTimeStamps spreads a frame's samples since the previous
    # frame's timestamp, whatever the device's real rate; Retrowalk learns that rate, so frames
    # of a clock 7 % fast were judged stale every other frame and 7 % slow ones lost samples.
    device = started_h10()
    real_ns = 20_000_000 / off
    lost = 0
    n_samples = 0
    for k, data in enumerate(h10_stream(40, real_ns)):
        batch = device.decode(data, received=k * 0.72)
        assert batch is not None
        lost += batch.lost
        n_samples += len(batch)
        if k:  # the first frame has no previous one: its samples lie at the nominal rate
            assert np.all(np.abs(np.diff(batch.t) - real_ns * 1e-9) < 1e-6)
    assert not device.error_counts
    assert lost == 0
    assert n_samples == 40 * 36
    assert device.streams[polar.ACC].period_ns() == pytest.approx(real_ns, rel=1e-6)


def test_lost_frame_counted_at_the_learned_rate() -> None:
    device = started_h10()
    real_ns = 20_000_000 / 1.07
    lost = sum(
        batch.lost
        for k, data in enumerate(h10_stream(12, real_ns, skip=8))
        if (batch := device.decode(data, received=k * 0.72)) is not None
    )
    assert lost == 36
    assert not device.error_counts


def test_frame_timestamp_before_the_device_epoch_is_refused() -> None:
    # polar-ble-sdk PmdTimeStampUtilsTest "assert on invalid input, time stamps are negative".
    device = started_h10()
    with pytest.raises(DecodeError) as err:
        device.decode(raw_acc(10, [(0, 0, 1000)] * 2), received=0.0)
    assert err.value.reason == "timestamp"


async def started_verity_link() -> tuple[
    PolarVeritySense, FakeLink, PolarDevice, list[SampleBatch]
]:
    device = PolarDevice(
        {polar.ACC: VERITY_ACC_SETTINGS, polar.GYRO: VERITY_GYRO_SETTINGS},
        {polar.ACC: ACC_FACTOR, polar.GYRO: GYRO_FACTOR},
    )
    link = verity_link(device)
    batches: list[SampleBatch] = []
    protocol = PolarVeritySense()
    await protocol.start(link, batches.append)
    return protocol, link, device, batches


async def settle() -> None:
    for _ in range(10):
        await asyncio.sleep(0)


async def test_stopped_stream_is_restarted_and_streams_again() -> None:
    # polar-ble-sdk BlePmdClientTest "process measurement stop control point command": `01 01 02`
    # closes the PPG and ACC streams. Retrowalk closes its ACC stream and starts it again.
    protocol, link, device, batches = await started_verity_link()
    acc, gyro = verity_frames(0)
    link.notify(PMD_DATA, acc)
    link.notify(PMD_DATA, gyro)
    device.factors[polar.ACC] = ACC_FACTOR / 2  # the restarted stream reports its own factor
    link.notify(PMD_CP, bytes.fromhex("010102"))
    assert polar.ACC not in protocol.streams
    # Frames of the closed stream wait for its restart, as at setup.
    link.notify(PMD_DATA, verity_frames(1)[0])
    await settle()
    assert protocol.streams[polar.ACC].factor == pytest.approx(ACC_FACTOR / 2)
    for data in (verity_frames(1)[1], *verity_frames(2)):
        link.notify(PMD_DATA, data)
    assert [b.gyro is not None for b in batches] == [True, True, True]
    assert sum(len(b) for b in batches) == 3 * VERITY_FRAME
    assert sum(b.lost for b in batches) == 0
    np.testing.assert_allclose(
        batches[2].acc, decode_delta_frames(verity_frames(2)[0][10:], 3, 16) * ACC_FACTOR / 2 * MG
    )
    assert dict(protocol.error_counts) == {"stream_stopped": 1}


async def test_failed_restart_is_reported() -> None:
    protocol, link, device, _ = await started_verity_link()
    device.start_status = [13]  # device_in_charger
    link.notify(PMD_CP, bytes.fromhex("0102"))
    await settle()
    assert protocol.error_counts["restart_failed"] == 1
    assert polar.ACC not in protocol.streams


async def test_stop_cancels_a_pending_restart() -> None:
    protocol, link, _, _ = await started_verity_link()
    before = len(link.writes(PMD_CP))
    link.notify(PMD_CP, bytes.fromhex("0105"))
    await protocol.stop(link)
    await settle()
    assert link.writes(PMD_CP)[before:] == [bytes.fromhex("0302"), bytes.fromhex("0305")]


def test_stop_notification_outside_the_event_loop_is_reported() -> None:
    protocol = started_verity()
    protocol._running, protocol._link, protocol._early = True, FakeLink(), None  # as after setup
    protocol._unsolicited(bytes.fromhex("0102"))
    assert protocol.error_counts["restart_failed"] == 1
    assert protocol._early is None  # nothing piles up for a restart that never comes
    protocol._unsolicited(bytes.fromhex("f00205000000"))  # a stray reply: ignored
    assert protocol.error_counts["restart_failed"] == 1


def test_sample_times_refuse_impossible_frames() -> None:
    with pytest.raises(DecodeError) as err:
        sample_offsets_ns(None, TS0, 0, 1e6)
    assert err.value.reason == "length"
    for previous, timestamp in ((TS0, TS0), (TS0, TS0 - 1), (0, 2**64 - 1)):
        with pytest.raises(DecodeError) as err:
            sample_offsets_ns(previous, timestamp, 3, 1e6)
        assert err.value.reason == "timestamp"


def test_learned_rate_follows_drift() -> None:
    stream = polar._StreamConfig(rate=50.0, factor=1.0)
    for _ in range(1000):
        stream.learn(36 * 19_000_000, 36)
    # Older frames weigh half at every forgetting step, the estimate stays exact meanwhile.
    assert stream.learned_n <= polar._FORGET_SAMPLES
    assert stream.period_ns() == pytest.approx(19_000_000)
    for _ in range(2000):
        stream.learn(36 * 19_100_000, 36)
    assert stream.period_ns() == pytest.approx(19_100_000, rel=1e-3)
