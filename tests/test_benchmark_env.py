"""The benchmark times builds as a curator runs them, not as the tests do."""

from __future__ import annotations

import os
import subprocess
import sys

from site_src.build.page_deps import CHECK_ENV

from .helpers import ROOT

PROBE = f"""
import os, sys
sys.path[:0] = ["bench", "."]
import latency, lighthouse, run, search_numbers
print(os.environ.get("{CHECK_ENV}"), run.BUILD_ENV.get("{CHECK_ENV}"), run.BUILD_ENV.get("PYTHONDONTWRITEBYTECODE"))
"""


def _probe(**extra: str) -> str:
    env = {name: value for name, value in os.environ.items() if name != CHECK_ENV}
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env={**env, **extra}, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_importing_the_benchmark_leaves_the_kept_pages_check_off() -> None:
    """Importing the benchmark's modules once imported the tests' conftest, which turned on the check
    of kept pages for every build timed: a day's build at 10k papers took 0.7 s more."""
    assert _probe() == "None None None"


def test_timed_builds_run_without_the_check_even_when_the_shell_sets_it() -> None:
    assert _probe(**{CHECK_ENV: "1", "PYTHONDONTWRITEBYTECODE": "1"}) == "1 None None"
