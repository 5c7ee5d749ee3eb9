"""The gait engine, device protocols, nudge policy, ledger, walk test and sessions must not depend
on Home Assistant."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "custom_components" / "retrowalk"
PURE = ("gait", "devices", "nudge.py", "nudge", "ledger.py", "walktest.py", "session.py")


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
