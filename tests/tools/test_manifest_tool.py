"""tools/manifest.py writes exactly the bluetooth matchers tests/test_manifest.py expects."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from custom_components.retrowalk.devices import manifest_matchers
from tools import manifest


def test_render_restores_the_matchers_and_nothing_else() -> None:
    current = manifest.MANIFEST.read_text(encoding="utf-8")
    stale = json.loads(current)
    stale["bluetooth"] = stale["bluetooth"][:1]
    text = manifest.render(json.dumps(stale, indent=2) + "\n")
    assert json.loads(text)["bluetooth"] == manifest_matchers()
    assert text == current  # key order and formatting kept (the manifest is current)


def test_main_writes_only_a_stale_manifest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({"domain": "retrowalk", "name": "Retrowalk", "bluetooth": []}))
    monkeypatch.setattr(manifest, "MANIFEST", path)
    assert manifest.main() == 0
    assert json.loads(path.read_text())["bluetooth"] == manifest_matchers()
    assert manifest.main() == 0
    assert capsys.readouterr().out.splitlines()[-2:] == [
        f"{path}: updated",
        f"{path}: already current",
    ]
