"""manifest.json matches the protocols and what hassfest expects of a custom integration."""

import json
from pathlib import Path

from custom_components.retrowalk.devices import manifest_matchers

MANIFEST = (
    Path(__file__).resolve().parent.parent / "custom_components" / "retrowalk" / "manifest.json"
)


def test_bluetooth_matchers_come_from_the_protocols() -> None:
    assert json.loads(MANIFEST.read_text())["bluetooth"] == manifest_matchers()


def test_keys_ordered_domain_name_then_alphabetical() -> None:
    keys = list(json.loads(MANIFEST.read_text()))
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])


def test_required_custom_integration_keys() -> None:
    manifest = json.loads(MANIFEST.read_text())
    for key in ("codeowners", "documentation", "issue_tracker", "iot_class", "version"):
        assert manifest[key]
    assert manifest["config_flow"] is True
    assert manifest["dependencies"] == ["bluetooth_adapters"]
    assert manifest["integration_type"] == "device"
    assert manifest["documentation"].startswith("https://")
