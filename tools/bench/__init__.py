"""Benchmarks of the gait engine on the shared real recordings (run with ./scripts/bench).

Each table is a function registered under a name with @table; modules listed in TABLE_MODULES are
imported on start so other tables (e.g. bandai.py) only need to decorate their function.
"""

from .registry import TABLES, table

__all__ = ["TABLES", "table"]
