"""README's "Supported wearables" table is exactly what the protocol registry says."""

from __future__ import annotations

from pathlib import Path

from custom_components.retrowalk.devices import PROTOCOLS
from custom_components.retrowalk.gait.advice import BACKWARD_AT, Backward, backward_advice
from custom_components.retrowalk.gait.types import Placement
from tools import wearables_table

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_table() -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split("### Supported wearables\n", 1)[1]
    lines = section.lstrip("\n").splitlines()
    table = []
    for line in lines:
        if not line.startswith("|"):
            break
        table.append(line)
    return "\n".join(table)


def test_readme_table_is_generated_from_the_registry() -> None:
    # Regenerate with: PYTHONPATH=.:dev python -m tools.wearables_table, then paste it over
    # the README's table.
    assert readme_table() == wearables_table.markdown()


def test_every_protocol_and_placement_has_a_row_with_its_labels() -> None:
    rows = wearables_table.rows()
    assert len(rows) == len(PROTOCOLS) + 1  # and the virtual wearable
    labels = wearables_table.placement_labels()
    assert set(labels) == {str(p) for p in Placement}
    for protocol, row in zip(PROTOCOLS, rows, strict=False):
        assert row[2].split("; ")[0] == labels[str(protocol.placements[0])]
        assert row[3] == backward_advice(protocol.placements)
    assert "`hang`" in rows[-1][4]


def test_advice_names_the_reliable_placement() -> None:
    assert set(BACKWARD_AT) == set(Placement)
    assert BACKWARD_AT[Placement.FOOT] is Backward.RELIABLE
    assert BACKWARD_AT[Placement.WRIST] is Backward.COUNTS_ONLY
    assert backward_advice([Placement.FOOT, Placement.WRIST]) == (
        "Backward steps are measured reliably at the foot (shoe);"
        " not told from forward at the wrist/arm (steps are still counted)."
    )
    assert backward_advice([Placement.WAIST]) == (
        "Backward steps are mostly right at the waist/hip."
        " Reliable backward counts need a wearable at the foot (shoe)."
    )
