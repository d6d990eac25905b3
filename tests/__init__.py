"""Paper Digest's tests: unit cases from data files, golden sites, and browser tests."""
