"""./scripts/bench [TABLE ...] [--quick]: print the benchmark tables."""

from __future__ import annotations

import argparse
import importlib
import sys
import time

from .data import DataMissingError
from .registry import TABLE_MODULES, TABLES


def main(argv: list[str] | None = None) -> int:
    missing: list[str] = []
    for name in TABLE_MODULES:
        try:
            importlib.import_module(f"{__package__}.{name}")
        except ModuleNotFoundError as err:
            if err.name != f"{__package__}.{name}":
                raise
            missing.append(name)
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__)
    parser.add_argument("tables", nargs="*", help=f"subset of: {', '.join(TABLES)}")
    parser.add_argument("--quick", action="store_true", help="fewer recordings, shorter runs")
    args = parser.parse_args(argv)
    unknown = [t for t in args.tables if t not in TABLES]
    if unknown:
        parser.error(f"unknown table(s) {', '.join(unknown)}; known: {', '.join(TABLES)}")
    for name in missing:
        print(f"(table module tools/bench/{name}.py not present; skipped)\n")
    for name in args.tables or list(TABLES):
        start = time.perf_counter()
        try:
            text = TABLES[name](args)
        except DataMissingError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        print(text)
        print(f"({name}: {time.perf_counter() - start:.1f} s)\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
