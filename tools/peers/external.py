"""Running the peers that live in the separate dev-only environment .venv-peers (mobgap, gaitmap).

They need older NumPy/numba than the project's Python 3.14 environment has, so the bench hands
them the recordings in a temporary .npz, runs tools/peers/run_<name>.py with .venv-peers' Python
and reads step times back. ./scripts/setup_peers builds the environment.
"""

from __future__ import annotations

import os
from pathlib import Path
import subprocess
import tempfile

import numpy as np
import numpy.typing as npt

from custom_components.retrowalk.gait import FloatArray

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_S = 3600


class PeerUnavailableError(RuntimeError):
    """The peer could not run here; the message says what failed."""


def peer_python() -> Path:
    """.venv-peers' interpreter, or $RETROWALK_PEERS_PYTHON."""
    return Path(os.environ.get("RETROWALK_PEERS_PYTHON", ROOT / ".venv-peers" / "bin" / "python"))


Recording = tuple[FloatArray, FloatArray, FloatArray | None]  # t, acc, gyro or None


def write_streams(path: Path, streams: list[Recording], locations: list[str]) -> None:
    arrays: dict[str, npt.NDArray[np.generic]] = {"locations": np.array(locations)}
    for i, (t, acc, gyro) in enumerate(streams):
        arrays[f"t{i}"] = t
        arrays[f"acc{i}"] = acc
        if gyro is not None:
            arrays[f"gyro{i}"] = gyro
    np.savez(path, **arrays)  # type: ignore[arg-type]


def read_steps(path: Path, n: int) -> list[FloatArray]:
    with np.load(path) as npz:
        return [npz[f"steps{i}"].astype(np.float64) for i in range(n)]


def run_peer(name: str, streams: list[Recording], locations: list[str]) -> list[FloatArray]:
    """Step times per stream from tools/peers/run_<name>.py in the peers' environment."""
    python = peer_python()
    if not python.exists():
        raise PeerUnavailableError(f"{python} missing: run ./scripts/setup_peers")
    script = Path(__file__).with_name(f"run_{name}.py")
    with tempfile.TemporaryDirectory(prefix=f"retrowalk-{name}-") as tmp:
        src, dst = Path(tmp) / "in.npz", Path(tmp) / "out.npz"
        write_streams(src, streams, locations)
        proc = subprocess.run(
            [str(python), str(script), str(src), str(dst)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )
        if proc.returncode != 0:
            tail = " | ".join(proc.stderr.strip().splitlines()[-3:])
            raise PeerUnavailableError(f"{script.name} exited {proc.returncode}: {tail}")
        return read_steps(dst, len(streams))
