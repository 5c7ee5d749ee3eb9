"""The gait engine, device protocols, nudge policy, ledger, walk test and sessions must not depend
on Home Assistant."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "custom_components" / "retrowalk"
PURE = (
    "gait",
    "devices",
    "nudge.py",
    "nudge",
    "ledger.py",
    "walktest.py",
    "session.py",
    "counted.py",
)


def _pure_files() -> list[Path]:
    files: list[Path] = []
    for name in PURE:
        path = PACKAGE / name
        if path.is_dir():
            files.extend(sorted(path.rglob("*.py")))
        elif path.is_file():
            files.append(path)
    return files


def _imports(node: ast.AST) -> list[str]:
    """What an import statement names: its modules, and for `from m import a` also m.a (a may be
    a module); relative ones keep their leading dots."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if isinstance(node, ast.ImportFrom):
        base = "." * node.level + (node.module or "")
        joint = "." if node.module else ""
        return [base, *(f"{base}{joint}{a.name}" for a in node.names)]
    return []


def _imports_homeassistant(source: str) -> list[str]:
    return [
        name
        for node in ast.walk(ast.parse(source))
        for name in _imports(node)
        if name.split(".")[0] == "homeassistant"
    ]


def test_pure_modules_exist() -> None:
    assert any(p.parent.name == "gait" for p in _pure_files())


@pytest.mark.parametrize("path", _pure_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_homeassistant_import(path: Path) -> None:
    assert _imports_homeassistant(path.read_text()) == []


def test_checker_catches_an_import() -> None:
    assert _imports_homeassistant("from homeassistant.core import HomeAssistant") == [
        "homeassistant.core",
        "homeassistant.core.HomeAssistant",
    ]
    assert _imports_homeassistant("import homeassistant.helpers as h") == ["homeassistant.helpers"]
    assert _imports_homeassistant("from .homeassistant import x") == []
    assert _imports(ast.parse("from .. import gait").body[0]) == ["..", "..gait"]


# What HACS installs is custom_components/retrowalk/ alone: the virtual wearable (a simulator for
# development, tests, the e2e suite and the soak) lives in dev/custom_components/retrowalk_virtual.
SIMULATOR = ("retrowalk_virtual", "virtual")
SIMULATOR_NAMES = ("VirtualWearable", "VirtualProxyScanner", "virtual_wearable")


def _simulator_uses(source: str) -> list[str]:
    """Imports of the simulator package, and definitions or uses of its names."""
    found = []
    for node in ast.walk(ast.parse(source)):
        found += [m for m in _imports(node) if set(m.split(".")) & set(SIMULATOR)]
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
        ".virtual.setup",
        ".virtual.setup.x",
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


# tools/ (benchmarks, fuzzing, the soak) use the integration's public API only: the names the
# packages export and public module names. Reaching into privates ties a tool to one version of
# an internal; patching a private method measures or changes code the integration does not run.
TOOLS = PACKAGE.parent.parent / "tools"
PATCHERS = {"setattr", "delattr", "object", "setitem"}


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _root(node: ast.expr) -> ast.expr:
    while isinstance(node, ast.Attribute | ast.Subscript | ast.Call):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node


def _private_uses(source: str) -> list[str]:
    """Private names a tool imports from the integration, reads off objects, or patches."""
    found = []
    for node in ast.walk(ast.parse(source)):
        found += [
            f"import {name}"
            for name in _imports(node)
            if name.startswith("custom_components") and any(map(_private, name.split(".")))
        ]
        if isinstance(node, ast.Attribute) and _private(node.attr):
            root = _root(node.value)
            if not (isinstance(root, ast.Name) and root.id in {"self", "cls"}):
                found.append(f"attribute {node.attr}")
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            strings = [
                a.value
                for a in node.args
                if isinstance(a, ast.Constant) and isinstance(a.value, str)
            ]
            if name in PATCHERS | {"patch"} and any(_private(s.split(".")[-1]) for s in strings):
                found.append(f"patch {strings}")
        elif isinstance(node, ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                # Faking a package in sys.modules hides which code a tool really runs.
                if isinstance(target, ast.Subscript) and ast.unparse(target.value) == "sys.modules":
                    found.append("sys.modules assignment")
    return found


def _tool_files() -> list[Path]:
    return sorted(TOOLS.rglob("*.py"))


@pytest.mark.parametrize("path", _tool_files(), ids=lambda p: str(p.relative_to(TOOLS)))
def test_tools_use_the_public_api(path: Path) -> None:
    assert _private_uses(path.read_text()) == []


def test_private_use_checker_catches_each_kind() -> None:
    assert _private_uses("from custom_components.retrowalk.devices.polar import _StreamConfig") == [
        "import custom_components.retrowalk.devices.polar._StreamConfig"
    ]
    assert _private_uses("import custom_components.retrowalk._util as u") == [
        "import custom_components.retrowalk._util"
    ]
    assert _private_uses("x = polar._StreamConfig(rate=1.0, factor=1.0)") == [
        "attribute _StreamConfig"
    ]
    assert _private_uses("n = device._max_payload()") == ["attribute _max_payload"]
    assert _private_uses("Coordinator._async_on_batch = timed") == ["attribute _async_on_batch"]
    assert _private_uses("monkeypatch.setattr(Coordinator, '_async_on_batch', f)") == [
        "patch ['_async_on_batch']"
    ]
    assert _private_uses("patch('custom_components.retrowalk.coordinator._tick')") == [
        "patch ['custom_components.retrowalk.coordinator._tick']"
    ]
    assert _private_uses("sys.modules['custom_components.retrowalk'] = fake") == [
        "sys.modules assignment"
    ]
    assert _private_uses("self._cache = {}\nfrom custom_components.retrowalk.gait import x") == []
    assert _private_uses("size = obj.__sizeof__()") == []
