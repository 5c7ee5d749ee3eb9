"""Open step counters re-implemented or driven by the benchmarks (dev-only, never the integration's)."""
