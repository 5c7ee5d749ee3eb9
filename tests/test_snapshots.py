"""Every entity description of every platform appears in a platform snapshot.

snapshot_platform (tests/test_<platform>.py) fails when a registered entity has no snapshot; this
catches the other way round: a description that never becomes an entity on the snapshot scene,
or a platform without a snapshot test.
"""

from importlib import import_module
from pathlib import Path
import re

from homeassistant.helpers.device_registry import format_mac

from custom_components.retrowalk import PLATFORMS

from .common import ADDRESS

SNAPSHOTS = Path(__file__).parent / "snapshots"
# An entity's registry entry and its state, as snapshot_platform writes them.
ENTRY = re.compile(
    r"# name: test_all_entities\[(?P<entity_id>[\w.]+)-entry\]\n(?P<body>.*?)# ---", re.S
)


def is_description(value: object) -> bool:
    # By class name: Home Assistant builds the plain descriptions (EventEntityDescription(...))
    # from a thawed copy of EntityDescription that isinstance() does not recognise.
    return any(cls.__name__ == "EntityDescription" for cls in type(value).__mro__)


def descriptions(platform: str) -> set[str]:
    """The keys of all entity descriptions a platform module declares, alone or in tuples."""
    module = import_module(f"custom_components.retrowalk.{platform}")
    keys: set[str] = set()
    for value in vars(module).values():
        found = value if isinstance(value, tuple) else (value,)
        keys |= {d.key for d in found if is_description(d)}
    return keys


def snapshotted(platform: str) -> dict[str, str]:
    """Unique-id key → entity id of the entities with an entry and a state snapshot."""
    text = (SNAPSHOTS / f"test_{platform}.ambr").read_text()
    prefix = f"{format_mac(ADDRESS)}-"
    covered: dict[str, str] = {}
    for match in ENTRY.finditer(text):
        entity_id = match["entity_id"]
        unique_id = re.search(r"'unique_id': '([^']+)'", match["body"])
        assert unique_id is not None, entity_id
        assert unique_id[1].startswith(prefix), unique_id[1]
        if f"test_all_entities[{entity_id}-state]" in text:
            covered[unique_id[1].removeprefix(prefix)] = entity_id
    return covered


def test_every_entity_description_is_in_a_snapshot() -> None:
    total = 0
    for platform in PLATFORMS:
        keys = descriptions(platform.value)
        assert keys, f"{platform}: no entity descriptions found"
        covered = snapshotted(platform.value)
        missing = keys - set(covered)
        assert not missing, f"{platform}: no snapshot of {sorted(missing)}"
        assert set(covered) <= keys, f"{platform}: stale snapshots {sorted(set(covered) - keys)}"
        total += len(keys)
    assert total >= 38  # 28 sensors, 2 binary sensors, 4 buttons, 3 numbers, 2 events (today)
