"""Debian's Chromium and the flags it runs with, for the browser tests and the benchmark.

Apart from the browser tests' conftest because importing a conftest runs the suite's set-up: the
benchmark imported `tests.browser.conftest` for these two names, and with it `tests.conftest`, which
turns on the kept pages' check (`page_deps.CHECK_ENV`) for every build the benchmark then timed."""

from __future__ import annotations

import shutil

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--no-sandbox",  # the tests run as root
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",  # this machine refuses outbound connections: don't try
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
