"""Registration point for benchmark tables."""

from __future__ import annotations

import argparse
from collections.abc import Callable

TableFn = Callable[[argparse.Namespace], str]
TABLES: dict[str, TableFn] = {}
# Imported in this order by __main__; a missing optional module is reported, not fatal.
TABLE_MODULES = (
    "uci",
    "oxford",
    "bandai",
    "speed",
    "decoders",
    "daily",
    "stride",
    "umafall_sync",
    "jog_rate",
    "facing",
)


def table(name: str) -> Callable[[TableFn], TableFn]:
    """Register fn(args) -> printable text as benchmark table `name`."""

    def register(fn: TableFn) -> TableFn:
        TABLES[name] = fn
        return fn

    return register
