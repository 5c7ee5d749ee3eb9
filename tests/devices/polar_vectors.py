"""Polar's published PMD unit-test vectors, as test data with their provenance.

Every vector below is a byte sequence and the values a polar-ble-sdk unit test asserts for it,
copied from that test (no code). Repository polarofficial/polar-ble-sdk at commit 8fb5311c;
`ANDROID` and `IOS` are the two test directories, `Vector.test` the test's name there. Counted
per published test: the Android and iOS suites share several byte sequences, and each suite's
test counts once. tests/devices/test_polar_vectors.py runs the ones that apply; NOT_APPLICABLE
lists the rest with the reason (the module docstring of devices/polar.py says the same).

Units are the SDK's: ACC samples in mG (ints, truncated as AccData does), GYRO in deg/s,
timestamps in ns since 2000-01-01. `previous=None` is the SDK's previous timestamp 0 (no previous
frame) and `rate=0` its "no sample rate".

AccDataTest.kt also holds a constant `measurementFrameAccType0Short` that no test uses (its second
delta block is cut short); Retrowalk refuses it as a truncated block, as the SDK's array copy
would fail on it.
"""

from dataclasses import dataclass, field

REPO = "polarofficial/polar-ble-sdk"
COMMIT = "8fb5311c"
ANDROID = (
    "sources/Android/android-communications/library/src/test/java/com/polar/"
    "androidcommunications/api/ble/model/gatt/client/pmd/"
)
IOS = "sources/iOS/ios-communications/Tests/iOSCommunicationsTests/"


@dataclass(frozen=True)
class Source:
    path: str
    test: str

    def __str__(self) -> str:
        return f"{REPO}@{COMMIT}:{self.path} {self.test}"


# --- Data frames: header + samples + timestamps (AccDataTest, GyrDataTest) -----------------------

ACC_RAW_TYPE1 = bytes.fromhex(
    "02009435770000000001"
    "F7FFFFFFE703F8FFFEFFE503F9FFFFFFE503FAFFFFFFE603FAFFFEFFE603F9FFFFFFE503F8FFFFFFE603F8FFFEFF"
    "E603FAFFFFFFE503FAFFFFFFE703FAFFFFFFE503F8FFFFFFE603F7FFFFFFE603F8FFFEFFE603F9FFFEFFE703F9FF"
    "0000E603F9FFFFFFE603F7FFFEFFE503F9FFFFFFE503F9FFFFFFE503FAFF0000E603F9FFFEFFE603F8FFFFFFE603"
    "F8FFFFFFE503F9FFFFFFE603F9FFFFFFE503FAFFFFFFE603F9FFFFFFE503F9FFFFFFE503F8FFFEFFE603F9FFFFFF"
    "E603F9FFFFFFE603F9FF0000E503F9FFFEFFE603F8FFFEFFE603F7FFFEFFE603"
)
# Reference (1905, 27376, -29282) then one 10-bit block of 56 deltas.
ACC_COMPRESSED_TYPE0_PAYLOAD = bytes.fromhex(
    "7107F06A9E8D0A38BE5CBEBA2F96B3EE4BE5ADFB42B9EBBE4CFEBA2F92BFEE4BE4B1FB12B9ECBD3C3EBB2F8FD3DE"
    "4BE3B5F7D2B8EDBD307E7B2F8BE3CE8BE2BAF7A2B8EEBC20BE7B2F88F3CECBE1BDEF52F8EFBC18FE3B2F8403BFCB"
    "E0C2EF32B8F0BB044EBC2E8113AF0BE0C6EFF2F7F1B9FC7DBC2E7D279F4BDFCAEBC2F7F2B8ECCD7C2E7B378F4BDE"
    "CEE392F7F3B8E00DFD2D774B7FCBDDD2DF6237F5B7D44DBD2D745B6FCBDCD7D73237F6B5C88D7D2D716B4F4BDCDC"
    "D3F236F7B4BCDDFD2C6F7B3F4BDBE0CFD236F8B2B02DBE2C6C8F1FCBDAE3C7A276F9"
)
ACC_COMPRESSED_TYPE1_PAYLOAD = bytes.fromhex("F1FF1400F00306017B0F08")
GYRO_COMPRESSED_TYPE0_PAYLOAD = bytes.fromhex("EAFF08000D000301DF00")
# Reference float32 bits (1.0, 10.0, 20.0), one 28-bit block: (+0x1A00000, +0x800000, -0x2133333).
GYRO_COMPRESSED_TYPE1_PAYLOAD = bytes.fromhex("0000803F000020410000A0411C010000A001000008CDCCEC0D")
TS_2E9 = bytes.fromhex("0094357700000000")  # 2 000 000 000 ns


def _f32(bits: int) -> float:
    import struct

    return float(struct.unpack("<f", (bits & 0xFFFFFFFF).to_bytes(4, "little"))[0])


@dataclass(frozen=True)
class FrameVector:
    source: Source
    frame: bytes
    factor: float
    previous: int | None
    rate: int
    count: int
    # Sample index -> (x, y, z) in the SDK's unit.
    samples: dict[int, tuple[float, float, float]]
    # Sample index -> timestamp (ns); -1 is the last sample.
    times: dict[int, int] = field(default_factory=dict)
    # |value| bound the test asserts for every sample (mG), if any.
    bound: float | None = None


def _acc_type0(factor: float, raw: tuple[int, int, int]) -> tuple[float, float, float]:
    import numpy as np

    # AccData: (factor * sample * 1000f).toInt(), in float32 arithmetic.
    f = np.float32(factor)
    x, y, z = (int(f * np.float32(v) * np.float32(1000)) for v in raw)
    return (x, y, z)


_T0_ROUND = round(100 + (2_000_000_000 - 100) / 57)  # first sample of the 57 after previous 100

FRAME_VECTORS = [
    *(
        FrameVector(
            source,
            ACC_RAW_TYPE1,
            factor=1.0,
            previous=None,
            rate=52,
            count=36,
            samples={0: (-9, -1, 999), 1: (-8, -2, 997)},
            times={-1: 2_000_000_000},
        )
        for source in (
            Source(ANDROID + "model/AccDataTest.kt", "process acc raw data frame type 1"),
            Source(IOS + "AccDataTest.swift", "testProcessAccRawDataFrameType1"),
        )
    ),
    *(
        FrameVector(
            source,
            bytes.fromhex("02") + TS_2E9 + b"\x80" + ACC_COMPRESSED_TYPE0_PAYLOAD,
            factor=2.44e-4,
            previous=100,
            rate=0,
            count=57,
            samples={
                0: _acc_type0(2.44e-4, (1905, 27376, -29282)),
                1: _acc_type0(2.44e-4, (1905 + 190, 27376 - 105, -29282 - 85)),
            },
            times={0: _T0_ROUND, -1: 2_000_000_000},
            bound=8 * 1000,
        )
        for source in (
            Source(ANDROID + "model/AccDataTest.kt", "process acc compressed data type 0"),
            Source(IOS + "AccDataTest.swift", "testProcessAccCompressedFrameType0"),
        )
    ),
    # The two suites send the same frame stamped at its last sample, 101 ns and 102 ns.
    *(
        FrameVector(
            source,
            bytes.fromhex(f"02{timestamp:02X}0000000000000081") + ACC_COMPRESSED_TYPE1_PAYLOAD,
            factor=1.0,
            previous=100,
            rate=0,
            count=2,
            samples={0: (-15, 20, 1008), 1: (-15 - 5, 20 - 3, 1008)},
            times={0: timestamp - 1, 1: timestamp},
        )
        for source, timestamp in (
            (Source(ANDROID + "model/AccDataTest.kt", "process acc compressed data type 1"), 0x65),
            (Source(IOS + "AccDataTest.swift", "testProcessAccCompressedFrameType1"), 0x66),
        )
    ),
    *(
        FrameVector(
            source,
            bytes.fromhex("05FFFFFFFFFFFFFF7F80") + GYRO_COMPRESSED_TYPE0_PAYLOAD,
            factor=1.0,
            previous=100,
            rate=0,
            count=2,
            samples={0: (-22.0, 8.0, 13.0), 1: (-22.0 - 1, 8.0 + 3, 13.0 + 3)},
            times={-1: 9223372036854775807},
        )
        for source in (
            Source(ANDROID + "model/GyrDataTest.kt", "process gyro compressed data type 0"),
            Source(IOS + "GyrDataTest.swift", "testProcessCompressedDataType0"),
        )
    ),
    *(
        FrameVector(
            Source(ANDROID + "model/GyrDataTest.kt", test),
            bytes.fromhex("05") + TS_2E9 + b"\x81" + GYRO_COMPRESSED_TYPE1_PAYLOAD,
            factor=factor,
            previous=100,
            rate=0,
            count=2,
            samples={
                0: (
                    factor * _f32(0x3F800000),
                    factor * _f32(0x41200000),
                    factor * _f32(0x41A00000),
                ),
                1: (
                    factor * _f32(0x3F800000 + 0x1A00000),
                    factor * _f32(0x41200000 + 0x0800000),
                    factor * _f32(0x41A00000 + 0xFDECCCCD),
                ),
            },
            times={1: 2_000_000_000},
        )
        for test, factor in (
            ("process gyro compressed data type 1", 1.0),
            ("process gyro compressed data type 1 with factor", 0.5),
        )
    ),
]


# --- Delta-frame parsing (BlePmdClientParsersTest) ------------------------------------------------


@dataclass(frozen=True)
class DeltaVector:
    source: Source
    payload: bytes
    channels: int
    resolution: int
    count: int
    # Sample index -> channel values; for resolution 32 the 32-bit patterns (compared mod 2^32).
    samples: dict[int, tuple[int, ...]]


_PARSERS = ANDROID + "BlePmdClientParsersTest.kt"
DELTA_VECTORS = [
    DeltaVector(
        Source(_PARSERS, "parse reference sample when resolution16 and type is unsigned int"),
        bytes.fromhex("FFFF0000FF7F0080"),
        channels=4,
        resolution=16,
        count=1,
        samples={0: (-1, 0, 32767, -32768)},
    ),
    DeltaVector(
        Source(_PARSERS, "parse reference sample when resolution32 and type is decimal IEEE 754"),
        bytes.fromhex("00000000FFFFFFFF00000080"),
        channels=3,
        resolution=32,
        count=1,
        samples={0: (0x00000000, 0xFFFFFFFF, 0x80000000)},
    ),
    DeltaVector(
        Source(_PARSERS, "test_parseDeltaFrameAllSamples_withResolution32_realVector1"),
        bytes.fromhex(
            "0000803F000020410000A0411C060000A001000008CDCCEC0D000008CDCCEC3D33331ACDCCEC3D33331A"
            "0000C03033331A0000C0A09999DA0000C0A09999DA6666A6A19999DA6666A60100000E20036666A60100"
            "00E000426C450E0000E000426C450E2BF8ED21000060FDBE93BAF0939B4CCF1C060000A001000008CDCC"
            "EC0D000008CDCCEC3D33331ACDCCEC3D33331A0000C03033331A0000C0A09999DA0000C0A09999DA6666"
            "A6A19999DA6666A60100000E20036666A6010000E000426C450E0000E000426C450E2BF8ED2100006"
            "0FDBE93BAF0939B4CCF"
        ),
        channels=3,
        resolution=32,
        count=1 + 6 + 3 + 6 + 3,
        samples={
            0: (0x3F800000, 0x41200000, 0x41A00000),
            1: (0x3F800000 + 0x1A00000, 0x41200000 + 0x0800000, 0x41A00000 + 0xFDECCCCD),
        },
    ),
    DeltaVector(
        Source(_PARSERS, "test_parseDeltaFrameAllSamples_withResolution32"),
        bytes.fromhex(
            "02000000193299E900DAFEFF2011173299E9E7A7651638DB0646E7A7651638DB064673413BB87A260401"
            "C90AFF597707D13287BF019F213E0D91E50176AD213E0D91E50176AD920138CDE50176AD920138CD0054"
            "8487920138CD0054848778CBEE400054848778CBEE40F1DECC8B78CBEE40F1DECC8B173299E9F1DECC8B"
            "173299E9E7A76516173299E9E7A7651638DB0646E7A7651638DB064673413BB87A260401C90AFF597707"
            "D13287BF019F213E0D91E50176AD213E0D91E50176AD920138CDE50176AD920138CD00548487920138CD"
            "0054848778CBEE40"
        ),
        channels=3,
        resolution=32,
        count=18,
        samples={
            0: (0x00000002, 0xE9993219, 0xFFFEDA00),
            1: (0x00000002 + 0xE9993217, 0xE9993219 + 0x1665A7E7, 0xFFFEDA00 + 0x4606DB38),
        },
    ),
    DeltaVector(
        Source(_PARSERS, "test_parseDeltaFrameAllSamples_multipleDeltas"),
        bytes.fromhex(
            "C9FF12001100030941FE2B0F9C0BBF15004F00041EF1EF00F0C123E4EDF4D1F1F1F5FF22DE3100F1FE21"
            "021F0E2B1F00E220000E02E11E20FFF1F102C5D002E0E102030A312EFBBA902BAA0E23409E030414E3EF"
            "F30F021F01E00F049E13E2D004E222E2C20E200F2002FE000F1C32EE030A890007087C00CE2FE83A9E03"
            "041E010011194F002F12FD13FF0E100000F1C012E4EF21000001F1FFFF0210102B510B4E31FC2EBF3114"
            "EC0E2F52EF030A069E040E02A888EEE0079A00040A1F211E4E2EFEC6C002EF030102EE11030AF8130000"
            "F040BFA5E7007600"
        ),
        channels=3,
        resolution=16,
        count=1 + 9 + 30 + 10 + 20 + 10 + 30 + 10 + 10 + 10,
        samples={0: (-55, 18, 17), 1: (-54, 18, 18)},
    ),
]


# --- Settings (PmdSettingTest) -------------------------------------------------------------------

SAMPLE_RATE, RESOLUTION, RANGE, RANGE_MILLIUNIT, CHANNELS, FACTOR = range(6)
SETTINGS_WITH_RANGE = bytes.fromhex("00013400010110000204F500F401E803D007040103")
SETTINGS_MILLIUNIT = bytes.fromhex("0302FFFFFFFFFF0000000101" + "0E00")


@dataclass(frozen=True)
class SettingsVector:
    source: Source
    data: bytes
    # Setting type -> values as 32-bit patterns (Android reads them signed, iOS unsigned), or
    # None when the SDK throws for the data.
    expected: dict[int, set[int]] | None
    # Bytes of the settings part of a START built from each type's largest value, if asserted.
    serialized_size: int | None = None


SETTINGS_VECTORS = [
    *(
        SettingsVector(
            source,
            SETTINGS_WITH_RANGE,
            {SAMPLE_RATE: {52}, RESOLUTION: {16}, RANGE: {245, 500, 1000, 2000}, CHANNELS: {3}},
        )
        for source in (
            Source(ANDROID + "PmdSettingTest.kt", "testPmdSettingsWithRange"),
            Source(IOS + "PmdSettingTest.swift", "testPmdSettingsWithRange"),
        )
    ),
    SettingsVector(
        Source(ANDROID + "PmdSettingTest.kt", "testPmdSettingWithRangeMilliUnit"),
        SETTINGS_MILLIUNIT,
        {RANGE_MILLIUNIT: {-1 & 0xFFFFFFFF, 0xFF}, RESOLUTION: {14}},
    ),
    SettingsVector(
        Source(IOS + "PmdSettingTest.swift", "testPmdSetting"),
        SETTINGS_MILLIUNIT,
        {RANGE_MILLIUNIT: {0xFFFFFFFF, 0xFF}, RESOLUTION: {0x0E}},
        serialized_size=10,
    ),
    SettingsVector(
        Source(IOS + "PmdSettingTest.swift", "testPmdSettingThrows"),
        SETTINGS_MILLIUNIT[:-1],
        None,
    ),
]


@dataclass(frozen=True)
class SerializeVector:
    """Selected settings serialised into a START and parsed back: FACTOR is never sent."""

    source: Source
    selected: dict[int, int]


SERIALIZE_VECTORS = [
    SerializeVector(
        Source(ANDROID + "PmdSettingTest.kt", "testPmdSelectedSerialization"),
        {
            SAMPLE_RATE: 0x7FFF,
            RESOLUTION: 0,
            RANGE: 15,
            RANGE_MILLIUNIT: 2**31 - 1,
            CHANNELS: 4,
            FACTOR: 15,
        },
    ),
    SerializeVector(
        Source(IOS + "PmdSettingTest.swift", "testPmdSelectedSerialization"),
        {
            SAMPLE_RATE: 0xFFFF,
            RESOLUTION: 0,
            RANGE: 15,
            RANGE_MILLIUNIT: 0xFFFFFFFF,
            CHANNELS: 4,
            FACTOR: 15,
        },
    ),
]


# --- Control point (BlePmdClientControlPointResponseTest, BlePmdClientTest) ----------------------


@dataclass(frozen=True)
class CpVector:
    source: Source
    data: bytes
    op: int
    measurement: int
    status: int
    more: bool
    params: bytes
    reason: str


_CLIENT = ANDROID + "BlePmdClientTest.kt"
CP_SUCCESS_PASSTHROUGH = bytes.fromhex("F001000000000000700F")
CP_VECTORS = [
    CpVector(
        Source(
            ANDROID + "BlePmdClientControlPointResponseTest.kt",
            "success control point response for acc stream settings",
        ),
        bytes.fromhex("F001020000FFFFFF"),
        op=1,
        measurement=2,
        status=0,
        more=False,
        params=bytes.fromhex("FFFFFF"),
        reason="success",
    ),
    CpVector(
        Source(
            ANDROID + "BlePmdClientControlPointResponseTest.kt",
            "failing control point response for mag stream settings",
        ),
        bytes.fromhex("F001060700"),
        op=1,
        measurement=6,
        status=7,
        more=False,
        params=b"",
        reason="invalid_resolution",
    ),
    # The client hands the reply on unchanged; parsed, its parameters are what follows `more`.
    *(
        CpVector(
            source,
            CP_SUCCESS_PASSTHROUGH,
            op=1,
            measurement=0,
            status=0,
            more=False,
            params=CP_SUCCESS_PASSTHROUGH[5:],
            reason="success",
        )
        for source in (
            Source(_CLIENT, "process control point response when status is success"),
            Source(
                IOS + "BlePmdClientTest.swift", "testProcessControlPointResponseWhenStatusIsSuccess"
            ),
        )
    ),
    CpVector(
        Source(
            _CLIENT,
            "startMeasurement - device returns error status throws BleControlPointCommandError",
        ),
        bytes.fromhex("F002000C00"),
        op=2,
        measurement=0,
        status=12,
        more=False,
        params=b"",
        reason="invalid_state",
    ),
    CpVector(
        Source(
            _CLIENT,
            "startMeasurement - device returns ALREADY_IN_STATE throws BleControlPointCommandError",
        ),
        bytes.fromhex("F002020600"),
        op=2,
        measurement=2,
        status=6,
        more=False,
        params=b"",
        reason="already_in_state",
    ),
]

# START reply carrying FACTOR 2.5 (float32 0x40200000) as its parameter.
START_FACTOR_SOURCE = Source(
    _CLIENT, "startMeasurement - success response updates factor in currentSettings"
)
START_FACTOR_REPLY = bytes.fromhex("F002010000" + "0501" + "00002040")
START_FACTOR = 2.5

# The START command's measurement byte for an online (streamed) measurement: bit 7 clear.
START_ONLINE_SOURCE = Source(
    _CLIENT, "startMeasurement - online recording type has high bit clear in first byte"
)
START_ONLINE_MEASUREMENT = 0x00  # ECG, as in the test: ONLINE (0) | ECG (0)


@dataclass(frozen=True)
class StopVector:
    """Device-initiated `01 <types...>`: those streams end (closed); the others go on."""

    source: Source
    data: bytes
    stopped: tuple[int, ...]


STOP_VECTORS = [
    StopVector(
        Source(_CLIENT, "process measurement stop control point command from service no content"),
        bytes.fromhex("01"),
        stopped=(),
    ),
    *(
        StopVector(source, bytes.fromhex("010102"), stopped=(1, 2))
        for source in (
            Source(_CLIENT, "process measurement stop control point command"),
            Source(IOS + "BlePmdClientTest.swift", "testProcessMeasurementStopControlPointCommand"),
        )
    ),
]


# --- Data frame headers (BlePmdClientTest "process ... data") -----------------------------------


@dataclass(frozen=True)
class HeaderVector:
    source: Source
    data: bytes
    measurement: int
    timestamp: int | None
    compressed: bool
    frame_type: int


HEADER_VECTORS = [
    HeaderVector(Source(_CLIENT, f"process {name} data"), bytes.fromhex(hex_), *fields)
    for name, hex_, fields in (
        ("ecg", "00386C3172A4D3230D0300120311100400", (0, 946833049921875000, False, 3)),
        ("ppg", "01000000000000007080FF", (1, 8070450532247928832, True, 0)),
        ("acc", "0201000000000000008300", (2, 1, True, 3)),
        ("ppi", "0300000000000000000000", (3, 0, False, 0)),
        ("gyro", "05010000000000000080EAFF08000D000301DF00", (5, 1, True, 0)),
        ("magnetometer", "06000000000000007080FF", (6, 8070450532247928832, True, 0)),
        ("location", "0A386C3172A4D3230D0012", (10, None, False, 0)),
        ("pressure", "0B01000000000000008300", (11, None, True, 3)),
        ("temperature", "0C010000000000000080FF", (12, None, True, 0)),
    )
]

# A frame type no parser knows (7F) on a 10-byte frame: refused.
UNSUPPORTED_FRAME_SOURCE = Source(_CLIENT, "process not supported frame type")
UNSUPPORTED_FRAME = bytes.fromhex("01386C3172A4D3230D7F")


# --- Sample timestamps (PmdTimeStampUtilsTest) ---------------------------------------------------


@dataclass(frozen=True)
class TimestampVector:
    source: Source
    previous: int | None
    timestamp: int
    n: int
    rate: int
    # Every sample's timestamp, or None when the SDK refuses the input.
    expected: tuple[int, ...] | None


_TS_ANDROID = ANDROID + "model/PmdTimeStampUtilsTest.kt"
_TS_IOS = IOS + "PmdTimeStampUtilsTest.swift"
_SECONDS = tuple(k * 1_000_000_000 for k in range(12))
TIMESTAMP_VECTORS = [
    TimestampVector(Source(path, test), *case)
    for (android, ios, case) in (
        (
            "assert on invalid input, both sample rate and timestamp are zero",
            "testAssertInvalidInputSampleRateAndTimeStampZero",
            (None, 100_000, 100, 0, None),
        ),
        (
            "assert on invalid input, time stamps are negative",
            "testAssertInvalidInputTimeStampsGoesNegative",
            (None, 100_000, 100, 52, None),
        ),
        (
            "samples time stamps based on frequency",
            "testSamplesTimeStampsBasedOnFrequency",
            (None, 10 * 10**9, 10, 1, _SECONDS[1:11]),
        ),
        (
            "samples time based on frequency only one sample",
            "testSamplesTimeBasedOnFrequencyOnlyOneSample",
            (None, 10**9, 1, 1, (10**9,)),
        ),
        (
            "samples time stamps based on previous time stamp test 1",
            "testSamplesTimeStampsBasedOnPreviousTimeStampTest1",
            (10**9, 11 * 10**9, 10, 1, _SECONDS[2:12]),
        ),
        (
            "samples time stamps based on previous time stamp test 2",
            "testSamplesTimeStampsBasedOnPreviousTimeStampTest2",
            (100, 2 * 10**9, 3, 1, (round(666666733.33), round(1333333366.66), 2 * 10**9)),
        ),
        (
            "samples time stamps based on previous time stamp only one sample",
            "testSamplesTimeStampsBasedOnPreviousTimeStampOnlyOneSample",
            (10**9, 2 * 10**9, 1, 1, (2 * 10**9,)),
        ),
    )
    for path, test in ((_TS_ANDROID, android), (_TS_IOS, ios))
]


# --- Published tests that do not apply to what Retrowalk decodes --------------------------------


@dataclass(frozen=True)
class NotApplicable:
    source: Source
    reason: str


_MAG = "magnetometer frames; Retrowalk never starts MAGNETOMETER"
_STATUS = "GET_MEASUREMENT_STATUS reply, a request Retrowalk never makes"
_UNUSED_START = "a measurement, recording mode or encryption Retrowalk never uses"
NOT_APPLICABLE = [
    *(
        NotApplicable(Source(ANDROID + "model/MagDataTest.kt", test), _MAG)
        for test in (
            "process magnetometer compressed data type 0",
            "process magnetometer compressed data type 1",
            "process magnetometer compressed data type 1 with factor",
        )
    ),
    *(
        NotApplicable(Source(IOS + "MagDataTest.swift", test), _MAG)
        for test in (
            "testProcessMagnetometerCompressedDataType0",
            "testProcessMagnetometerCompressedDataType1",
            "testProcessMagnetometerCompressedDataType1WithFactor",
        )
    ),
    *(
        NotApplicable(Source(ANDROID + "PmdActiveMeasurementTest.kt", test), _STATUS)
        for test in (
            "test offline recording is active",
            "test online recording is active",
            "test online and offline recording is active",
            "test no active recording",
        )
    ),
    NotApplicable(
        Source(_TS_IOS, "testPerformanceExample"),
        "a timing benchmark; it asserts no values",
    ),
    NotApplicable(
        Source(_CLIENT, "process control point response when status is fail"),
        "the ATT status of the GATT operation; bleak raises it before any PMD parsing",
    ),
    NotApplicable(
        Source(_CLIENT, "test previous timestamp"),
        "mocks the sample parser; its frames (ACC compressed type 3) are undecodable, and the "
        "previous timestamp is kept per started stream",
    ),
    NotApplicable(
        Source(_CLIENT, "test previous timestamp reset"),
        "reset on disconnect; Retrowalk makes a fresh protocol object per connection",
    ),
    *(
        NotApplicable(Source(_CLIENT, test), _UNUSED_START)
        for test in (
            "startMeasurement - succeeds with online ECG and stores setting",
            "startMeasurement - succeeds with offline ACC and stores setting",
            "startMeasurement - notifications not enabled throws "
            "BleCharacteristicNotificationNotEnabled",
            "startMeasurement - with secret serializes secret into command bytes",
            "startMeasurement - offline recording type sets high bit in first byte",
        )
    ),
]

APPLICABLE_COUNT = (
    len(FRAME_VECTORS)
    + len(DELTA_VECTORS)
    + len(SETTINGS_VECTORS)
    + len(SERIALIZE_VECTORS)
    + len(CP_VECTORS)
    + 2  # START_FACTOR, START_ONLINE
    + len(STOP_VECTORS)
    + len(HEADER_VECTORS)
    + 1  # UNSUPPORTED_FRAME
    + len(TIMESTAMP_VECTORS)
)
