"""Running the peers that live in the separate dev-only environment .venv-peers (mobgap, gaitmap).

They need older NumPy/numba than the project's Python 3.14 environment has, so the bench hands
them the recordings in a temporary .npz, runs tools/peers/run_<name>.py with .venv-peers' Python
and reads its arrays back: step times (run_peer: the daily bench) or whatever the runner writes
(run_peer_arrays: gaitmap's strides for the stride bench). ./scripts/setup_peers builds the
environment.
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


def write_streams(
    path: Path,
    streams: list[Recording],
    locations: list[str],
    extra: dict[str, npt.NDArray[np.generic]] | None = None,
) -> None:
    arrays: dict[str, npt.NDArray[np.generic]] = {"locations": np.array(locations)}
    for i, (t, acc, gyro) in enumerate(streams):
        arrays[f"t{i}"] = t
        arrays[f"acc{i}"] = acc
        if gyro is not None:
            arrays[f"gyro{i}"] = gyro
    arrays.update(extra or {})
    np.savez(path, **arrays)  # type: ignore[arg-type]


def run_peer_arrays(
    name: str,
    streams: list[Recording],
    locations: list[str],
    extra: dict[str, npt.NDArray[np.generic]] | None = None,
) -> dict[str, npt.NDArray[np.generic]]:
    """Every array tools/peers/run_<name>.py wrote, run in the peers' environment.

    `extra` adds arrays to its input (options a runner documents, e.g. run_gaitmap_strides.py's
    `calib{i}`).
    """
    python = peer_python()
    if not python.exists():
        raise PeerUnavailableError(f"{python} missing: run ./scripts/setup_peers")
    script = Path(__file__).with_name(f"run_{name}.py")
    with tempfile.TemporaryDirectory(prefix=f"retrowalk-{name}-") as tmp:
        src, dst = Path(tmp) / "in.npz", Path(tmp) / "out.npz"
        write_streams(src, streams, locations, extra)
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
        with np.load(dst) as npz:
            return {key: npz[key] for key in npz.files}


def run_peer(name: str, streams: list[Recording], locations: list[str]) -> list[FloatArray]:
    """Step times per stream from tools/peers/run_<name>.py in the peers' environment."""
    out = run_peer_arrays(name, streams, locations)
    return [out[f"steps{i}"].astype(np.float64) for i in range(len(streams))]
