"""Print README.md's "Supported wearables" table from the protocol registry.

    PYTHONPATH=.:dev python -m tools.wearables_table

(dev/ holds the virtual wearable, custom_components.retrowalk_virtual, whose row ends the table.)

Every row comes from devices/__init__.py's PROTOCOLS (class attributes), the placement labels
from translations/en.json, the backward-step and running advice from gait/advice.py and the last
row from the virtual wearable's own constants, so the README cannot drift from the code:
tests/tools/test_wearables_table.py checks the README holds exactly this output.
"""

from __future__ import annotations

import json
from pathlib import Path

from custom_components.retrowalk.devices import PROTOCOLS, WearableProtocol
from custom_components.retrowalk.gait import Placement, backward_advice
from custom_components.retrowalk.gait.advice import running_advice
from custom_components.retrowalk_virtual.device import FAULTS, SUPPORTED_RATE

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "custom_components" / "retrowalk" / "translations" / "en.json"
# The ATT minimum: a protocol needing no more says nothing about the MTU.
DEFAULT_MTU = 23
HEADER = ["Wearable", "Data", "Placements (first: the default)", "Backward steps", "Notes"]


def placement_labels() -> dict[str, str]:
    """The placement selector's labels, as the config flow shows them."""
    strings = json.loads(TRANSLATIONS.read_text(encoding="utf-8"))
    labels: dict[str, str] = strings["selector"]["placement"]["options"]
    return labels


def _data(has_gyro: bool, rate: float) -> str:
    return f"{'acc + gyro' if has_gyro else 'acc only'}, {rate:g} Hz"


def _notes(protocol: type[WearableProtocol]) -> str:
    notes = [protocol.notes] if protocol.notes else []
    if protocol.requires_bonding:
        notes.append("needs bonding")
    if protocol.min_mtu > DEFAULT_MTU:
        notes.append(f"needs MTU ≥ {protocol.min_mtu}")
    running = running_advice(protocol.placements)
    return "; ".join(notes) + (f". {running}" if notes and running else running)


def rows() -> list[list[str]]:
    labels = placement_labels()
    out = [
        [
            p.model if p.model.startswith(p.manufacturer) else f"{p.manufacturer} {p.model}",
            _data(p.has_gyro, p.nominal_rate),
            "; ".join(labels[str(place)] for place in p.placements),
            backward_advice(p.placements),
            _notes(p),
        ]
        for p in PROTOCOLS
    ]
    out.append(
        [
            "Virtual wearable (`./scripts/develop`)",
            _data(True, SUPPORTED_RATE),
            "any (YAML `placement`)",
            backward_advice(Placement),
            "speaks the Retrowalk IMU profile; faults: "
            + ", ".join(f"`{f}`" for f in FAULTS)
            + f". {running_advice(Placement)}",
        ]
    )
    return out


def markdown() -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + " --- |" * len(HEADER)]
    lines += ["| " + " | ".join(cells) + " |" for cells in rows()]
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown())
