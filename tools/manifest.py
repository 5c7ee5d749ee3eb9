"""Rewrite manifest.json's `bluetooth` matchers from the protocol registry.

    PYTHONPATH=.:dev python -m tools.manifest

Home Assistant reads the matchers from manifest.json, never from code, so the file holds a copy of
what devices/__init__.py's manifest_matchers() derives from PROTOCOLS; tests/test_manifest.py
fails until that copy is current, and this rewrites it (the rest of the file untouched).
"""

from __future__ import annotations

import json
from pathlib import Path
import sys

from custom_components.retrowalk.devices import manifest_matchers

MANIFEST = Path(__file__).resolve().parents[1] / "custom_components" / "retrowalk" / "manifest.json"


def render(text: str) -> str:
    """The manifest `text` with its bluetooth matchers taken from the registry."""
    manifest = json.loads(text)
    manifest["bluetooth"] = manifest_matchers()
    return json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    old = MANIFEST.read_text(encoding="utf-8")
    new = render(old)
    if new != old:
        MANIFEST.write_text(new, encoding="utf-8")
    print(f"{MANIFEST}: {'updated' if new != old else 'already current'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
