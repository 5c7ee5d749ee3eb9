"""The BVH reader and IMU synthesis on motions with a known answer."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from custom_components.retrowalk.gait import FloatArray
from tools import bvh, bvh2rec

FPS = 30.0

HIERARCHY = """HIERARCHY
ROOT joint_Root
{
  OFFSET 0 0 0
  CHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation
  JOINT Hips
  {
    OFFSET 0 90 0
    CHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation
    JOINT Spine
    {
      OFFSET 20 0 0
      CHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation
      End Site
      {
        OFFSET 0 0 0
      }
    }
  }
}
"""


def make_bvh(hips: FloatArray) -> str:
    """A clip whose Hips channels per frame are `hips` (frames, 6: x y z in cm, z x y in deg)."""
    rows = []
    for h in hips:
        root = [0.0] * 6
        spine = [20.0, 0.0, 0.0, 0.0, 0.0, 0.0]
        rows.append(" ".join(f"{v:.6f}" for v in [*root, *h, *spine]))
    return (
        HIERARCHY
        + f"MOTION\nFrames: {len(hips)}\nFrame Time: {1 / FPS:.7f}\n"
        + "\n".join(rows)
        + "\n"
    )


def euler(z: float, x: float, y: float) -> FloatArray:
    """R = Rz Rx Ry (angles in degrees), the BVH channel order."""
    a, b, c = (math.radians(v) for v in (z, x, y))
    rz = np.array([[math.cos(a), -math.sin(a), 0], [math.sin(a), math.cos(a), 0], [0, 0, 1]])
    rx = np.array([[1, 0, 0], [0, math.cos(b), -math.sin(b)], [0, math.sin(b), math.cos(b)]])
    ry = np.array([[math.cos(c), 0, math.sin(c)], [0, 1, 0], [-math.sin(c), 0, math.cos(c)]])
    return rz @ rx @ ry


def test_static_pose_reads_gravity_up_and_no_rotation() -> None:
    pose = np.tile([5.0, 95.0, -3.0, 30.0, 20.0, -50.0], (60, 1))
    t, acc, gyro = bvh2rec.synthesise(bvh.parse(make_bvh(pose)), "waist", 100.0)
    up_in_segment = euler(30.0, 20.0, -50.0).T @ np.array([0.0, 1.0, 0.0])
    assert len(t) == 197  # 59 frame intervals at 30 fps = 1.967 s at 100 Hz
    assert np.allclose(t[1] - t[0], 0.01)
    assert np.allclose(acc, 9.81 * up_in_segment, atol=1e-9)
    assert np.allclose(gyro, 0.0, atol=1e-9)


@pytest.mark.parametrize("tilt", [0.0, 35.0])
def test_constant_rotation_gives_its_rate_in_the_segment_frame(tilt: float) -> None:
    rate = 90.0  # deg/s about the segment's own Y axis (the last, innermost rotation)
    frames = np.arange(90) / FPS
    hips = np.zeros((90, 6))
    hips[:, 1] = 95.0
    hips[:, 3] = tilt
    hips[:, 5] = rate * frames
    _, acc, gyro = bvh2rec.synthesise(bvh.parse(make_bvh(hips)), "waist", 100.0)
    inner = slice(20, -20)  # the natural spline relaxes at the clip's ends
    assert np.allclose(gyro[inner], [0.0, math.radians(rate), 0.0], atol=1e-3)
    # The centre of rotation is the sensor: only gravity, turning with the segment.
    assert np.allclose(np.linalg.norm(acc[inner], axis=1), 9.81, atol=1e-3)


def test_rotation_about_a_tilted_axis_matches_finite_differences() -> None:
    frames = np.arange(120) / FPS
    hips = np.zeros((120, 6))
    hips[:, 1] = 95.0
    hips[:, 3] = 40.0 * np.sin(2.0 * frames)
    hips[:, 4] = 25.0 * np.cos(1.3 * frames)
    hips[:, 5] = 60.0 * frames
    motion = bvh.parse(make_bvh(hips))
    t, _, gyro = bvh2rec.synthesise(motion, "waist", 100.0)
    _, rot = bvh.forward_kinematics(motion)
    r = rot[:, motion.index("Hips")]
    # Body rate from successive frames: log of R_k^T R_k+1 over the frame time.
    rel = np.einsum("nji,njk->nik", r[:-1], r[1:])
    angle = np.arccos(np.clip((np.trace(rel, axis1=1, axis2=2) - 1) / 2, -1, 1))
    axis = (
        np.stack(
            [rel[:, 2, 1] - rel[:, 1, 2], rel[:, 0, 2] - rel[:, 2, 0], rel[:, 1, 0] - rel[:, 0, 1]],
            axis=1,
        )
        / (2 * np.sin(angle))[:, None]
    )
    fd = axis * angle[:, None] * FPS
    mid = (np.arange(len(fd)) + 0.5) / FPS
    k = np.searchsorted(t, mid[10:-10])
    assert np.allclose(gyro[k], fd[10:-10], atol=0.03)


def test_linear_acceleration_appears_in_the_segment_frame() -> None:
    frames = np.arange(90) / FPS
    hips = np.zeros((90, 6))
    hips[:, 0] = 100.0 * 0.5 * 2.0 * frames**2  # x = a t^2 / 2 with a = 2 m/s^2, in cm
    hips[:, 1] = 95.0
    hips[:, 3] = 90.0  # segment X axis points up, segment Y points along -x (world)
    _, acc, _ = bvh2rec.synthesise(bvh.parse(make_bvh(hips)), "waist", 100.0)
    expected = euler(90.0, 0.0, 0.0).T @ np.array([2.0, 9.81, 0.0])
    assert np.allclose(expected, [9.81, -2.0, 0.0], atol=1e-9)
    assert np.allclose(acc[30:-30], expected, atol=2e-3)


def test_quaternions_round_trip_and_stay_continuous() -> None:
    rng = np.random.default_rng(0)
    angles = np.cumsum(rng.normal(0, 20, (500, 3)), axis=0)
    r = np.stack([euler(*a) for a in angles])
    q = bvh2rec.quat_from_matrix(r)
    assert np.allclose(bvh2rec.matrix_from_quat(q), r, atol=1e-12)
    assert np.allclose(np.linalg.norm(q, axis=1), 1.0)
    assert np.all(np.einsum("ij,ij->i", q[1:], q[:-1]) >= 0)


def test_real_walk_has_a_walking_step_frequency_at_the_foot(bandai_dir: Path) -> None:
    motion = bvh.load(bandai_dir / "dataset-1_walk_normal_001.bvh")
    _, acc, gyro = bvh2rec.synthesise(motion, "foot", 100.0)
    # Stance phases: the foot is still (little rotation) and feels only gravity.
    still = (np.linalg.norm(gyro, axis=1) < 1.0) & (np.abs(np.linalg.norm(acc, axis=1) - 9.81) < 3)
    onsets = np.flatnonzero(still[1:] & ~still[:-1])
    onsets = onsets[np.concatenate(([True], np.diff(onsets) > 30))]  # merge flicker
    stride = float(np.median(np.diff(onsets))) / 100.0
    assert 1.5 <= 2.0 / stride <= 2.5
    assert 9.0 < float(np.median(np.linalg.norm(acc[still], axis=1))) < 10.6


@pytest.mark.parametrize("location", bvh2rec.LOCATIONS)
def test_every_location_synthesises(bandai_dir: Path, location: str) -> None:
    motion = bvh.load(bandai_dir / "dataset-1_walk_normal_001.bvh")
    t, acc, gyro = bvh2rec.synthesise(motion, location, 50.0)
    assert acc.shape == gyro.shape == (len(t), 3)
    assert np.all(np.isfinite(acc))
    # Walking: about 1 g on average, never a spike beyond 5 g, rotation below 20 rad/s.
    assert 9.0 < float(np.median(np.linalg.norm(acc, axis=1))) < 13.5
    assert float(np.max(np.linalg.norm(acc, axis=1))) < 50.0
    assert float(np.max(np.linalg.norm(gyro, axis=1))) < 20.0


def test_cli_writes_an_engine_recording(tmp_path: Path) -> None:
    src = tmp_path / "still.bvh"
    src.write_text(make_bvh(np.tile([0.0, 95.0, 0.0, 0.0, 0.0, 0.0], (10, 1))))
    out = tmp_path / "rec.csv"
    args = [str(src), "--location", "waist", "-o", str(out), "--rate", "60", "--offset", "0,0,12"]
    assert bvh2rec.main(args) == 0
    lines = out.read_text().splitlines()
    assert lines[0] == "t,ax,ay,az,gx,gy,gz"
    table = np.loadtxt(out, delimiter=",", skiprows=1)
    assert table.shape == (18, 7)
    assert np.allclose(table[:, 2], 9.81)


def test_cli_reports_bad_input_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.bvh"
    bad.write_text("HIERARCHY\nROOT x\n{\n OFFSET 0 0\n")
    assert bvh2rec.main([str(bad), "--location", "waist", "-o", str(tmp_path / "o.csv")]) == 1
    assert "error:" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        bvh2rec.main([str(bad), "--location", "waist", "-o", "o.csv", "--offset", "1,2"])
    missing = tmp_path / "missing.bvh"
    assert bvh2rec.main([str(missing), "--location", "foot", "-o", str(tmp_path / "o.csv")]) == 1


@pytest.mark.parametrize(
    "text",
    [
        "",
        "HIERARCHY\nJOINT x",
        HIERARCHY.replace("Xrotation", "Wrotation")
        + "MOTION\nFrames: 1\nFrame Time: 0.1\n"
        + " ".join(["0"] * 18),
        HIERARCHY + "MOTION\nFrames: 1\nFrame Time: 0.1\n" + " ".join(["0"] * 17),
        HIERARCHY + "MOTION\nFrames: 1\nFrame Time: 0\n" + " ".join(["0"] * 18),
    ],
)
def test_malformed_bvh_is_rejected(text: str) -> None:
    with pytest.raises(bvh.BvhError):
        bvh.forward_kinematics(bvh.parse(text))


def test_unknown_location_and_joint() -> None:
    with pytest.raises(ValueError, match="unknown location"):
        bvh2rec.site_for("knee")
    motion = bvh.parse(make_bvh(np.zeros((3, 6))))
    with pytest.raises(KeyError):
        motion.index("Foot_L")
