"""Where the shared recordings live, for the engine and tools tests (no Home Assistant needed)."""

import os
from pathlib import Path

# Same place the benchmark reads (tools/bench/data.py): ../shared/data or $RETROWALK_DATA.
DATA = Path(
    os.environ.get("RETROWALK_DATA", Path(__file__).resolve().parents[1].parent / "shared" / "data")
)
