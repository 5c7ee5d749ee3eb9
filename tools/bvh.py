"""Minimal BVH reader and forward kinematics for the Bandai Namco Research motion data set.

The Bandai files give every joint six channels (``Xposition Yposition Zposition Zrotation
Xrotation Yrotation``). The position channels hold the joint's full translation in its parent's
frame (for ``Hips`` the world trajectory, for the others a constant equal to the OFFSET), so they
replace the OFFSET rather than add to it. Rotations are Euler angles in degrees applied in channel
order as intrinsic rotations: ``R_local = R_z @ R_x @ R_y`` maps child coordinates to parent
coordinates. The world is Y-up, centimetres.

Only what the IMU synthesis needs is here: the joint tree, per-frame world positions and world
rotation matrices (child to world) of every joint.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

_AXES = {"X": 0, "Y": 1, "Z": 2}


class BvhError(ValueError):
    """The file is not a BVH this reader understands."""


@dataclass
class Joint:
    """One joint of the hierarchy with its channel layout in a motion row."""

    name: str
    parent: int
    offset: npt.NDArray[np.float64]
    channels: list[str] = field(default_factory=list)
    first_channel: int = 0
    end_site: npt.NDArray[np.float64] | None = None


@dataclass
class Motion:
    """A parsed clip: joints (parents before children) and the raw channel matrix."""

    joints: list[Joint]
    frame_time: float
    data: npt.NDArray[np.float64]  # (frames, channels)

    @property
    def n_frames(self) -> int:
        """Number of frames in the clip."""
        return int(self.data.shape[0])

    def index(self, name: str) -> int:
        """Position of the joint called ``name``."""
        for i, j in enumerate(self.joints):
            if j.name == name:
                return i
        raise KeyError(f"no joint {name!r} in this BVH")


def parse(text: str) -> Motion:
    """Parse BVH text; raises :class:`BvhError` on anything malformed."""
    tokens = text.split()
    pos = 0

    def take() -> str:
        nonlocal pos
        if pos >= len(tokens):
            raise BvhError("unexpected end of file")
        tok = tokens[pos]
        pos += 1
        return tok

    def expect(word: str) -> None:
        tok = take()
        if tok != word:
            raise BvhError(f"expected {word!r}, got {tok!r}")

    def floats(n: int) -> npt.NDArray[np.float64]:
        try:
            return np.array([float(take()) for _ in range(n)], dtype=np.float64)
        except ValueError as err:
            raise BvhError(f"bad number: {err}") from err

    joints: list[Joint] = []
    n_channels = 0
    expect("HIERARCHY")
    stack: list[int] = []
    kind = take()
    if kind != "ROOT":
        raise BvhError("expected ROOT")
    while True:
        name = take()
        expect("{")
        expect("OFFSET")
        joint = Joint(name=name, parent=stack[-1] if stack else -1, offset=floats(3))
        expect("CHANNELS")
        count = int(take())
        joint.channels = [take() for _ in range(count)]
        joint.first_channel = n_channels
        n_channels += count
        joints.append(joint)
        stack.append(len(joints) - 1)
        # Walk children and closing braces until the next JOINT or the end of the hierarchy.
        while True:
            tok = take()
            if tok == "JOINT":
                break
            if tok == "End":
                expect("Site")
                expect("{")
                expect("OFFSET")
                joints[stack[-1]].end_site = floats(3)
                expect("}")
            elif tok == "}":
                stack.pop()
                if not stack:
                    break
            else:
                raise BvhError(f"unexpected token {tok!r} in hierarchy")
        if not stack:
            break
    expect("MOTION")
    expect("Frames:")
    n_frames = int(take())
    expect("Frame")
    expect("Time:")
    frame_time = float(take())
    data = floats(n_frames * n_channels).reshape(n_frames, n_channels)
    if frame_time <= 0:
        raise BvhError("frame time must be positive")
    return Motion(joints=joints, frame_time=frame_time, data=data)


def load(path: str | Path) -> Motion:
    """Read and parse a BVH file."""
    return parse(Path(path).read_text(encoding="utf-8"))


def _axis_rotation(axis: int, angle: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Rotation matrices (frames, 3, 3) about a principal axis, angle in radians."""
    c, s = np.cos(angle), np.sin(angle)
    r = np.zeros((angle.shape[0], 3, 3))
    i, j = [(1, 2), (2, 0), (0, 1)][axis]
    r[:, axis, axis] = 1.0
    r[:, i, i] = c
    r[:, j, j] = c
    r[:, i, j] = -s
    r[:, j, i] = s
    return r


def forward_kinematics(
    motion: Motion,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """World positions (frames, joints, 3) in metres and rotations (frames, joints, 3, 3).

    A rotation maps the joint's local coordinates to world coordinates.
    """
    n = motion.n_frames
    n_j = len(motion.joints)
    pos = np.zeros((n, n_j, 3))
    rot = np.zeros((n, n_j, 3, 3))
    for k, joint in enumerate(motion.joints):
        trans = np.broadcast_to(joint.offset, (n, 3)).copy()
        local = np.broadcast_to(np.eye(3), (n, 3, 3)).copy()
        for c, ch in enumerate(joint.channels):
            col = motion.data[:, joint.first_channel + c]
            axis = _AXES.get(ch[0])
            if axis is None:
                raise BvhError(f"unknown channel {ch!r}")
            if ch.endswith("position"):
                trans[:, axis] = col
            elif ch.endswith("rotation"):
                local = local @ _axis_rotation(axis, np.radians(col))
            else:
                raise BvhError(f"unknown channel {ch!r}")
        if joint.parent < 0:
            pos[:, k] = trans
            rot[:, k] = local
        else:
            p = joint.parent
            pos[:, k] = pos[:, p] + np.einsum("fij,fj->fi", rot[:, p], trans)
            rot[:, k] = rot[:, p] @ local
    return pos / 100.0, rot
