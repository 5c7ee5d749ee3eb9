"""The atheris harness (tools/fuzz.py): every target fuzzes clean, and a planted bug is caught."""

from __future__ import annotations

from pathlib import Path
import re
import subprocess
import sys

import pytest

from tools.fuzz import TARGETS

ROOT = Path(__file__).resolve().parents[2]
RUNS = 5000


def fuzz(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tools.fuzz", *args, f"-artifact_prefix={tmp_path}/", "-seed=1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_every_target_runs_clean(tmp_path: Path) -> None:
    proc = fuzz("all", f"-runs={RUNS}", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for name in TARGETS:
        assert re.search(rf"^{name}: {RUNS} executions in [\d.]+ s, no crash$", proc.stdout, re.M)
    assert not list(tmp_path.iterdir())  # no crash input saved


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("selftest_raise", "ValueError: planted bug: an untyped exception"),
        ("selftest_range", "ContractError: acceleration beyond ACC_LIMIT"),
    ],
)
def test_a_planted_bug_is_a_crash(target: str, message: str, tmp_path: Path) -> None:
    proc = fuzz("all", target, f"-runs={RUNS}", tmp_path=tmp_path)
    assert proc.returncode == 1
    assert message in proc.stdout
    assert re.search(rf"^{target}: CRASH ", proc.stdout, re.M)
    # libFuzzer kept the input, and replaying it crashes the same way.
    (crash,) = tmp_path.glob("crash-*")
    replay = fuzz(target, str(crash), tmp_path=tmp_path)
    assert replay.returncode == 1
    assert message in replay.stdout
