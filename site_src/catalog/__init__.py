"""The catalog: digests merged into papers, with topics and related papers; no I/O, no HTML."""
