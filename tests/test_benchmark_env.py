"""The benchmark times builds as a curator runs them, not as the tests do."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from site_src.build.page_deps import CHECK_ENV

from .helpers import ROOT

PROBE = f"""
import importlib, os, sys
sys.path[:0] = ["bench", "."]
build_env = getattr(importlib.import_module(sys.argv[1]), "BUILD_ENV", None)
seen = [os.environ.get("{CHECK_ENV}")]
if build_env is not None:
    seen += [build_env.get("{CHECK_ENV}"), build_env.get("PYTHONDONTWRITEBYTECODE")]
print(*seen)
"""
"""What a benchmark script leaves in its own environment (where `latency` and `lighthouse` build
in-process) and, for `run`, in its builds' (`BUILD_ENV`)."""


def _probe(script: str, **extra: str) -> str:
    env = {name: value for name, value in os.environ.items() if name != CHECK_ENV}
    result = subprocess.run(
        [sys.executable, "-c", PROBE, script],
        cwd=ROOT,
        env={**env, **extra},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


@pytest.mark.parametrize("script", ["run", "latency", "lighthouse", "search_numbers"])
def test_importing_the_benchmark_leaves_the_kept_pages_check_off(script: str) -> None:
    """Importing the benchmark's modules once imported the tests' conftest, which turned on the check
    of kept pages for every build timed: a day's build at 10k papers took 0.7 s more."""
    assert _probe(script).startswith("None")


@pytest.mark.parametrize("script", ["run", "latency", "lighthouse"])
def test_timed_builds_run_without_the_check_even_when_the_shell_sets_it(script: str) -> None:
    """Builds in a process of their own (`run.BUILD_ENV`) and in the benchmark's (the preview's, the
    Lighthouse site's)."""
    found = _probe(script, **{CHECK_ENV: "1", "PYTHONDONTWRITEBYTECODE": "1"})
    assert found == ("None None None" if script == "run" else "None")


def test_the_benchmark_stops_if_the_code_changes_under_it() -> None:
    # A build after an edit to site_src/ finds the caches of the run unusable and builds cold: a 50k
    # run timed a "no-op" at 94.5 s that way. The run must refuse such numbers, not print them. (In a
    # process of its own: importing the benchmark takes the tests' check out of the environment.)
    script = """
import sys
sys.path[:0] = ["bench", "."]
import run
started = run.code_key()
run.same_code(started)  # unchanged: goes on
run.code_key = lambda: "another"
run.same_code(started)
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        == "The generator's code changed during the run: its builds are not comparable. Run it again."
    )
