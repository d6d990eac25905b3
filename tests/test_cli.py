"""The command line as a curator runs it: a real process, exit codes, no tracebacks."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from site_src.inputs.settings import NODE_MODULES_DIR, ROOT, TEMPLATES_DIR

from .golden import GOLDEN
from .helpers import ABSTRACT, TEMPLATE_BREAKS, at_template_line, write_content


def _run(*arguments: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), *arguments], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_check_validates_the_shipped_content_and_writes_nothing(tmp_path: Path) -> None:
    result = _run("check", "--out", str(tmp_path / "public"))
    assert result.returncode == 0, result.stderr
    summary, stages = result.stdout.splitlines()
    assert re.fullmatch(r"Checked 3 digests, 144 papers, 15 topics, \d+ pages in \d+\.\d\d s", summary)
    assert re.fullmatch(r"Stages: parse \d+\.\d\d s, catalog .*, pages .*, markdown .*, render .*", stages)  # no tty
    assert not (tmp_path / "public").exists()


def test_build_is_the_default_command(tmp_path: Path) -> None:
    result = _run("--out", str(tmp_path / "site"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Built 3 digests, 144 papers")
    assert (tmp_path / "site/index.html").is_file()


def test_bad_input_exits_1_with_located_messages_and_no_traceback(tmp_path: Path) -> None:
    write_content(tmp_path, {"digests/2025-06-26.txt": f"Jun 26\n\nA Title\n\n{ABSTRACT}\n\nOrphan\n"})
    result = _run("build", "--strict", "--content", "content", "--out", "public", cwd=tmp_path)  # "Orphan": a warning
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        'content/digests/2025-06-26.txt:7: title "Orphan" has no abstract '
        "(expected a paragraph after the title; add the abstract or delete the title)",
        "Build failed: 1 error; nothing was written.",
    ]
    assert not (tmp_path / "public").exists()


@pytest.mark.parametrize(
    ("base_url", "problem"),
    [
        ("javascript:alert(1)", '"javascript:alert(1)" is not a web address starting with https:// or http://'),
        ("https://digest example.org/", '"https://digest example.org/" is not a web address: it contains a space'),
        # every absolute address was made after it: https://example.org/?q=1#top/papers/...
        (
            "https://example.org/?q=1#top",
            '"https://example.org/?q=1#top" cannot be a base address: it has a query (?) or a fragment (#)',
        ),
        (
            "https://example.org/#",
            '"https://example.org/#" cannot be a base address: it has a query (?) or a fragment (#)',
        ),
        (
            "https://user:pass@example.org:8443/",
            '"https://user:pass@example.org:8443/" is not a web address: '
            "it names a user before the host (user@host), which no link should carry",
        ),
    ],
)
def test_bad_usage_exits_2(base_url: str, problem: str) -> None:
    result = _run("build", "--base-url", base_url)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1].endswith(f"argument --base-url: {problem}")


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        (["--port", "99999"], "argument --port: '99999' is not a port: a whole number from 0 to 65535"),
        (["--port", "-1"], "argument --port: '-1' is not a port: a whole number from 0 to 65535"),
        (
            ["--base-url", "https://example.org/digest/"],
            "--base-url with a folder: the preview serves the site at /, where links to /digest/ would all miss; "
            "build with it, or preview without it",
        ),
    ],
)
def test_serve_refuses_what_it_cannot_serve_as_usage(arguments: list[str], problem: str, tmp_path: Path) -> None:
    result = _run("serve", "--out", str(tmp_path / "preview"), *arguments)
    assert (result.returncode, result.stderr.splitlines()[-1]) == (2, f"build.py serve: error: {problem}")
    assert "Traceback" not in result.stderr and not (tmp_path / "preview").exists()


def test_serve_on_an_address_it_cannot_listen_on_says_so(tmp_path: Path) -> None:
    result = _run("serve", "--out", str(tmp_path / "preview"), "--host", "999.1.1.1", "--port", "8765")
    assert result.returncode == 1
    assert result.stderr.splitlines()[0].startswith("999.1.1.1:8765: cannot listen there: ")
    assert "Unexpected error" not in result.stderr and "Traceback" not in result.stderr


def test_long_builds_report_progress_by_stage_and_page(tmp_path: Path) -> None:
    from site_src.build.builder import build
    from site_src.inputs.settings import BuildOptions

    seen: list[tuple[str, int, int]] = []
    report = build(BuildOptions(out_dir=tmp_path / "public"), progress=lambda *event: seen.append(event))
    stages = list(dict.fromkeys(stage for stage, _, _ in seen))
    assert stages[:6] == ["inputs", "parse", "catalog", "templates", "search", "related"] and stages[-1] == "write"
    pages = [(done, total) for stage, done, total in seen if stage == "pages" and total]
    assert pages[-1] == (report.pages, report.pages)
    assert [done for done, _ in pages] == list(range(1, report.pages + 1))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    TEMPLATE_BREAKS[:2],
    ids=["syntax", "undefined"],
)
def test_check_reports_a_broken_template_as_build_does(tmp_path: Path, old: str, new: str, message: str) -> None:
    # A project of its own (the generator finds its templates beside its code), with paper.html broken.
    project = tmp_path / "project"
    shutil.copytree(ROOT / "site_src", project / "site_src", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "build.py", project / "build.py")
    (project / "node_modules").symlink_to(NODE_MODULES_DIR.resolve())
    shutil.copytree(TEMPLATES_DIR, project / "templates")
    paper = project / "templates/paper.html"
    text = paper.read_text(encoding="utf-8")
    assert old in text
    edited = text.replace(old, new)
    paper.write_text(edited, encoding="utf-8")
    message = at_template_line(message, edited, new)
    content = str(GOLDEN / "basic/content")
    results = {
        command: subprocess.run(
            [sys.executable, "build.py", command, "--content", content, "--out", "public"],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=120,
        )
        for command in ("build", "check")
    }
    for command, result in results.items():
        assert result.returncode == 1, (command, result.stderr)
        lines = result.stderr.splitlines()
        assert len(lines) == 2 and lines[0].startswith(message), (command, result.stderr)
        assert result.stdout == ""
    assert results["build"].stderr.splitlines()[1] == "Build failed: 1 error; nothing was written."
    assert results["check"].stderr.splitlines()[1] == "Check failed: 1 error."  # a check never writes
    assert results["check"].stderr.splitlines()[0] == results["build"].stderr.splitlines()[0]
    assert not (project / "public").exists()


def test_a_build_with_nothing_new_loads_none_of_the_heavy_libraries(tmp_path: Path) -> None:
    """The curator's most common build stops after hashing the inputs; importing numpy, scipy, Jinja and
    lunr would cost it more than the check itself."""
    content, out = tmp_path / "content", tmp_path / "public"
    shutil.copytree(GOLDEN / "basic/content", content)
    arguments = ["build", "--content", str(content), "--out", str(out)]
    assert _run(*arguments).returncode == 0
    probe = (
        "import sys; from site_src.cli import main; code = main(sys.argv[1:]); "
        "print(sorted(m for m in ('numpy', 'scipy', 'jinja2', 'lunr') if m in sys.modules))"
    )
    again = subprocess.run(
        [sys.executable, "-c", probe, *arguments], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    assert again.stdout.splitlines()[0].endswith("; 0 files changed")
    assert again.stdout.splitlines()[-1] == "[]"


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="counts threads in /proc")
def test_a_build_runs_no_idle_threads_and_pauses_the_collector_only_while_it_runs(tmp_path: Path) -> None:
    """numpy's OpenBLAS would start threads that spin between calls (0.26 CPU s of a day's build at
    10k papers, taken from the side processes' core); the build pauses Python's cycle collector, and
    a program that runs it in-process gets it back."""
    arguments = ["build", "--content", str(GOLDEN / "basic/content"), "--out", str(tmp_path / "public")]
    probe = (
        "import gc, os, sys; import site_src.cli as cli; seen = []; build = cli.build\n"
        "def spied(*args, **kwargs):\n    seen.append(gc.isenabled())\n    return build(*args, **kwargs)\n"
        "cli.build = spied; code = cli.main(sys.argv[1:])\n"
        "print(code, os.environ.get('OPENBLAS_NUM_THREADS'), 'numpy' in sys.modules, "
        "len(os.listdir('/proc/self/task')), seen, gc.isenabled())"
    )
    environment = {name: value for name, value in os.environ.items() if name != "OPENBLAS_NUM_THREADS"}
    result = subprocess.run(
        [sys.executable, "-c", probe, *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
    )
    assert result.returncode == 0, result.stderr
    code, threads_setting, numpy_loaded, threads, seen, collecting = result.stdout.splitlines()[-1].split(" ", 5)
    assert code == "0", result.stderr
    assert (threads_setting, numpy_loaded) == ("1", "True"), "OpenBLAS set to one thread before numpy loads"
    assert threads == "1", "no thread left running after the build (OpenBLAS starts one per extra core)"
    assert seen == "[False]", "the collector is paused while the build runs"
    assert collecting == "True", "and on again after it"


def _children(pid: int) -> int:
    """How many processes `pid` has started that are still running."""
    count = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        count += fields[1] == str(pid)
    return count


_SLOW_TO_IGNORE = f"""
import sys, time
sys.path.insert(0, {str(ROOT)!r})
from site_src.build import parallel
ignore = parallel.ignore_interrupts
def slowly() -> None:
    time.sleep(0.5)
    ignore()
parallel.ignore_interrupts = slowly
from site_src.cli import main
sys.exit(main())
"""
"""A build whose forked processes take half a second to start ignoring Ctrl+C: the moment a Ctrl+C
could reach a process forked a moment before, held open."""


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="lists processes through /proc")
@pytest.mark.parametrize("slow_to_ignore", [False, True])
def test_ctrl_c_during_a_build_ends_it_in_one_line_and_leaves_the_last_site(
    tmp_path: Path, slow_to_ignore: bool
) -> None:
    """Ctrl+C (SIGINT to the whole process group, as a terminal sends it) while page workers run
    printed a traceback from the build and one from each worker and side process. One that came as
    workers were forked killed one with a traceback; its pool forked another, which outlived the
    build holding the terminal's output open: the build never seemed to end (one time in five)."""
    papers = "".join(f"  - title: Paper Number {i}\n    abstract: {ABSTRACT}\n" for i in range(400))
    write_content(tmp_path, {"digests/2025-06-26.yaml": f"papers:\n{papers}"})
    arguments = ["--content", "content", "--out", "public"]
    assert _run("build", *arguments, cwd=tmp_path).returncode == 0
    before = {p: p.read_bytes() for p in (tmp_path / "public").rglob("*") if p.is_file()}
    more = papers.replace("Paper Number", "Another Paper")  # the next day: every page to make again
    (tmp_path / "content/digests/2025-06-27.yaml").write_text(f"papers:\n{more}", encoding="utf-8")
    command = ["-c", _SLOW_TO_IGNORE] if slow_to_ignore else [str(ROOT / "build.py")]
    build = subprocess.Popen(
        [sys.executable, *command, "build", *arguments],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # a shell's background job ignores it
    )
    deadline = time.monotonic() + 60
    while _children(build.pid) < 2:  # the page workers (a wait, not a measure)
        assert build.poll() is None and time.monotonic() < deadline
        time.sleep(0.01)
    os.killpg(build.pid, signal.SIGINT)
    out, err = build.communicate(timeout=60)
    assert (build.returncode, out, err) == (
        130,
        "",
        "\nInterrupted: public holds a whole site, never a mix of two builds.\n",
    )
    assert {p: p.read_bytes() for p in (tmp_path / "public").rglob("*") if p.is_file()} == before


def test_a_builds_warnings_come_in_file_and_line_order(tmp_path: Path) -> None:
    """As its errors do: they came in the order the stages found them (a paste's, then the catalog's)."""
    other = "We propose a simple method that improves accuracy while using far fewer parameters."
    write_content(
        tmp_path,
        {
            "digests/2025-06-01.yaml": f"papers:\n  - title: Alpha\n    abstract: {ABSTRACT}\n"
            f"  - title: Beta\n    abstract: {ABSTRACT}\n",
            "digests/2025-06-02.yaml": f"papers:\n  - title: Beta\n    abstract: {other}\n"
            f"  - title: Alpha\n    abstract: {other}\n",
            "digests/2025-06-03.txt": f"Jun 3\n\nGamma\n\n{ABSTRACT}\n\nOrphan\n",
        },
    )
    result = _run("build", "--content", "content", "--out", "public", cwd=tmp_path)
    assert result.returncode == 0
    places = [line.split(": warning: ")[0] for line in result.stderr.splitlines()]
    assert places == [
        "content/digests/2025-06-02.yaml:2",
        "content/digests/2025-06-02.yaml:4",
        "content/digests/2025-06-03.txt:7",
    ]


_INTERRUPTED_WHILE_IMPORTING = f"""
import runpy, sys
class Interrupt:
    def find_spec(self, name, path=None, target=None):
        if name == "site_src.cli":
            raise KeyboardInterrupt  # as Ctrl+C in the first 0.2 s of a command, while it imports
sys.meta_path.insert(0, Interrupt())
sys.path.insert(0, {str(ROOT)!r})
sys.argv = ["build.py", "build"]
runpy.run_path({str(ROOT / "build.py")!r}, run_name="__main__")
"""


def test_ctrl_c_while_the_command_starts_is_one_line(tmp_path: Path) -> None:
    """Before the command's own handling began (its imports take a fifth of a second), Ctrl+C printed
    a traceback through the imports and ended the process by the signal."""
    result = subprocess.run(
        [sys.executable, "-c", _INTERRUPTED_WHILE_IMPORTING], cwd=tmp_path, capture_output=True, text=True
    )
    assert (result.returncode, result.stdout, result.stderr) == (130, "", "\nInterrupted.\n")


@pytest.mark.parametrize("command", ["build", "topics"])
def test_output_piped_to_a_command_that_stops_reading_ends_without_a_traceback(command: str, tmp_path: Path) -> None:
    """`build.py build | head -1` and the like: the reader gone before the summary, it printed a
    traceback through `print` (`topics`: "Unexpected error"). A site is built all the same; the exit
    code says the output was lost."""
    options = ["--out", str(tmp_path / "public")] if command == "build" else []
    build = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), command, *options],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert build.stdout is not None and build.stderr is not None
    build.stdout.close()  # long before the build ends and prints its summary
    errors = build.stderr.read()
    assert build.wait(timeout=120) == 1
    assert errors == ""
    assert (tmp_path / "public/index.html").is_file() or command == "topics"


_LEAVES_A_CHILD = f"""
import multiprocessing, runpy, sys, time
sys.path.insert(0, {str(ROOT)!r})
import site_src.cli
def main():
    child = multiprocessing.get_context("fork").Process(target=time.sleep, args=(60,), daemon=True)
    child.start()
    print(child.pid, flush=True)
    return 0
site_src.cli.main = main
sys.argv = ["build.py"]
runpy.run_path({str(ROOT / "build.py")!r}, run_name="__main__")
"""
"""A command that returns with a process of its own still running (as the preview can, stopped in the
middle of a build whose search process was spawned)."""


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="looks at processes through /proc")
def test_the_command_ends_at_once_only_when_nothing_else_runs() -> None:
    """build.py skips Python's slow exit (`os._exit`) after a build; with a process of the command
    still running, it exits as Python does, which stops that process rather than leave it behind."""
    result = subprocess.run([sys.executable, "-c", _LEAVES_A_CHILD], capture_output=True, text=True, timeout=20)
    assert result.returncode == 0, result.stderr
    child = int(result.stdout.split()[0])
    deadline = time.monotonic() + 5
    while _running(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(child), "the command's process was left running"


_MARKS_A_SLOW_EXIT = f"""
import atexit, pathlib, runpy, sys
mark = pathlib.Path(sys.argv.pop())
atexit.register(lambda: mark.write_text("slow"))
sys.argv = ["build.py", *sys.argv[1:]]
runpy.run_path({str(ROOT / "build.py")!r}, run_name="__main__")
"""
"""build.py with an exit handler that writes to the file named last, which only a normal exit runs."""


@pytest.mark.parametrize("terminal", [False, True])
def test_a_build_ends_without_pythons_slow_exit_on_a_terminal_too(terminal: bool, tmp_path: Path) -> None:
    """A curator's build on a terminal shows a progress bar, whose library left a monitor thread
    running: the build then took Python's normal exit, 0.05 s slower at 10k papers."""
    import pty

    mark = tmp_path / "exit"
    arguments = [sys.executable, "-c", _MARKS_A_SLOW_EXIT, "build", "--out", str(tmp_path / "public"), str(mark)]
    ours, theirs = pty.openpty() if terminal else (None, None)
    try:
        result = subprocess.run(arguments, cwd=ROOT, capture_output=not terminal, stderr=theirs, timeout=120)
    finally:
        for descriptor in (ours, theirs):
            if descriptor is not None:
                os.close(descriptor)
    assert result.returncode == 0
    assert not mark.exists(), "the build took Python's normal exit"


def test_a_profiled_build_still_reports(tmp_path: Path) -> None:
    """Ending at once would cut off what a profiler (or coverage) reports when the script ends."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cProfile",
            "-s",
            "tottime",
            str(ROOT / "build.py"),
            "build",
            "--out",
            str(tmp_path / "p"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    assert "function calls" in result.stdout
