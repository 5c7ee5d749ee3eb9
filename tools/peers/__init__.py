"""Open step counters the benchmarks re-implement or drive (dev-only, never the integration's)."""
