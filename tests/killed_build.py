"""Builds killed with SIGKILL at chosen moments of their write stage, for tests/test_publishing_atomic.py.

    python -m tests.killed_build CONTENT TEMPLATES OLD TRIALS [MOST]

OLD is a folder holding a built site (`public/`) and its cache. For each trial this process copies
OLD into a folder of TRIALS, forks a child that builds CONTENT into the copy, and the child sends
itself SIGKILL just before the Nth change its write stage makes to the file system. A first trial
that is not killed counts the changes; then up to MOST of them (spread out, plus those around the
exchange of folders) are each the moment of one killed build. Prints one JSON line per trial:
{"folder", "kill_at", "change", "status"}.

Python's audit hooks see every change the build makes (a file opened for writing, a rename, a link,
a new folder, a deletion); the exchange of folders goes through ctypes, which they do not see, so it
is counted as a change of its own.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from site_src.build import output
from site_src.build.builder import build
from site_src.inputs.settings import BuildOptions

CHANGES = {"os.rename", "os.link", "os.symlink", "os.mkdir", "os.remove", "os.rmdir", "os.chmod", "shutil.rmtree"}
WRITING = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
EXCHANGE = "exchange"


def _is_change(event: str, arguments: tuple[object, ...]) -> bool:
    if event == "open":
        flags = arguments[2]
        return isinstance(flags, int) and bool(flags & WRITING)
    return event in CHANGES


def _child(options: BuildOptions, kill_at: int, log: Path) -> None:
    """Build, noting each change of the write stage; SIGKILL just before change number `kill_at`."""
    changes: list[str] = []
    writing = False

    def note(event: str) -> None:
        if writing:
            changes.append(event)
            if len(changes) == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)

    def hook(event: str, arguments: tuple[object, ...]) -> None:
        if _is_change(event, arguments):
            note(event)

    def progress(stage: str, done: int, total: int) -> None:
        nonlocal writing
        writing = writing or stage == "write"

    exchange = output._exchange

    def counted_exchange(a: Path, b: Path) -> bool:
        note(EXCHANGE)
        return exchange(a, b)

    output._exchange = counted_exchange
    sys.addaudithook(hook)
    build(options, progress=progress)
    writing = False
    log.write_text(json.dumps(changes), encoding="utf-8")


def _trial(options: BuildOptions, old: Path, folder: Path, kill_at: int, log: Path) -> int:
    """One build into a copy of `old`, in a forked child; its wait status."""
    # cp -a keeps the times the cache's records name, and the hard links between the site and the
    # previous one that a warm build relies on.
    subprocess.run(["cp", "-a", str(old), str(folder)], check=True)
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            _child(options, kill_at, log)
        except BaseException:  # noqa: BLE001 - reported to the parent as the exit code
            code = 1
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    return status


def _moments(changes: list[str], most: int) -> list[int]:
    """Change numbers (1-based) to kill at: spread over all of them, and around the exchange."""
    count = len(changes)
    spread = {1 + round(i * (count - 1) / max(1, most - 1)) for i in range(min(most, count))}
    around = {n + d for n, change in enumerate(changes, 1) if change == EXCHANGE for d in (-1, 0, 1, 2)}
    return sorted(n for n in spread | around if 1 <= n <= count)


def main() -> None:
    content, templates, old, trials = map(Path, sys.argv[1:5])
    most = int(sys.argv[5]) if len(sys.argv) > 5 else 20
    trials.mkdir(parents=True, exist_ok=True)

    def options(folder: Path) -> BuildOptions:
        site = folder / "public"
        return BuildOptions(content_dir=content, out_dir=site, templates_dir=templates, base_url="https://x.org/")

    log = trials / "changes.json"
    counted = trials / "complete"
    status = _trial(options(counted), old, counted, 0, log)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, "the build that is not killed failed"
    changes = json.loads(log.read_text(encoding="utf-8"))
    print(json.dumps({"folder": str(counted), "kill_at": 0, "change": "", "status": status, "changes": changes}))
    for kill_at in _moments(changes, most):
        folder = trials / f"killed-{kill_at}"
        status = _trial(options(folder), old, folder, kill_at, log)
        print(json.dumps({"folder": str(folder), "kill_at": kill_at, "change": changes[kill_at - 1], "status": status}))


if __name__ == "__main__":
    main()
