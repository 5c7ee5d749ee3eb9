"""The gait engine, device protocols and nudge policy must not depend on Home Assistant."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "custom_components" / "retrowalk"
PURE = ("gait", "devices", "nudge.py", "nudge")


def _pure_files() -> list[Path]:
    files: list[Path] = []
    for name in PURE:
        path = PACKAGE / name
        if path.is_dir():
            files.extend(sorted(path.rglob("*.py")))
        elif path.is_file():
            files.append(path)
    return files


def _imports_homeassistant(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "homeassistant"]
        elif (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and node.module
            and node.module.split(".")[0] == "homeassistant"
        ):
            found.append(node.module)
    return found


def test_pure_modules_exist() -> None:
    assert any(p.parent.name == "gait" for p in _pure_files())


@pytest.mark.parametrize("path", _pure_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_homeassistant_import(path: Path) -> None:
    assert _imports_homeassistant(path.read_text()) == []


def test_checker_catches_an_import() -> None:
    assert _imports_homeassistant("from homeassistant.core import HomeAssistant") == [
        "homeassistant.core"
    ]
    assert _imports_homeassistant("import homeassistant.helpers as h") == ["homeassistant.helpers"]
    assert _imports_homeassistant("from .homeassistant import x") == []


# What HACS installs is custom_components/retrowalk/ alone: the virtual wearable (a simulator for
# development, tests, the e2e suite and the soak) lives in dev/custom_components/retrowalk_virtual.
SIMULATOR = ("retrowalk_virtual", "virtual")
SIMULATOR_NAMES = ("VirtualWearable", "VirtualProxyScanner", "virtual_wearable")


def _simulator_uses(source: str) -> list[str]:
    """Imports of the simulator package, and definitions or uses of its names."""
    found = []
    for node in ast.walk(ast.parse(source)):
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            modules = [base, *(f"{base}.{a.name}" for a in node.names)]
        found += [m for m in modules if set(m.split(".")) & set(SIMULATOR)]
        name = next((getattr(node, a) for a in ("id", "name", "attr") if hasattr(node, a)), None)
        if isinstance(name, str) and any(s in name for s in SIMULATOR_NAMES):
            found.append(name)
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found += [s for s in SIMULATOR_NAMES if s in node.value and "\n" not in node.value]
    return found


def _shipped_files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_shipped_package_holds_no_simulator_folder() -> None:
    assert not [p for p in PACKAGE.rglob("*") if p.is_dir() and p.name in SIMULATOR]
    assert len(_shipped_files()) > 20


@pytest.mark.parametrize("path", _shipped_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_shipped_module_does_not_use_the_simulator(path: Path) -> None:
    assert _simulator_uses(path.read_text()) == []


def test_simulator_checker_catches_uses() -> None:
    assert _simulator_uses("from .virtual.setup import x") == [
        "virtual.setup",
        "virtual.setup.x",
    ]
    assert _simulator_uses("from . import virtual") == [".virtual"]
    assert _simulator_uses("import custom_components.retrowalk_virtual.model as m") == [
        "custom_components.retrowalk_virtual.model"
    ]
    assert _simulator_uses("class VirtualWearable: ...") == ["VirtualWearable"]
    assert _simulator_uses("hass.services.async_register(D, 'virtual_wearable_play', f)") == [
        "virtual_wearable"
    ]
    assert _simulator_uses("from .gait import Placement  # the virtual wearer walks") == []
