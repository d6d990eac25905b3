"""Publishing is all or nothing: a build killed at any moment of its write stage leaves the whole
old site or the whole new one, the next build cleans up after it, and a build that fails leaves
every byte and time of the site it would have replaced."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from site_src.build import output
from site_src.build.builder import BuildReport, build
from site_src.build.output import MARKER, previous_folder, staging_prefix
from site_src.errors import BuildError
from site_src.inputs.settings import ROOT, TEMPLATES_DIR, BuildOptions
from site_src.serve.server import PREVIEW_DIR

from .golden import GOLDEN, files_of
from .helpers import ABSTRACT, start_preview, text_digest


def _options(content: Path, templates: Path, out: Path, strict: bool = False) -> BuildOptions:
    return BuildOptions(
        content_dir=content, out_dir=out, templates_dir=templates, base_url="https://x.org/", strict=strict
    )


@pytest.fixture
def workspace(tmp_path: Path) -> tuple[Path, Path]:
    """Copies of the golden site's content and of the templates, and that site built in `old/public`."""
    content, templates = tmp_path / "content", tmp_path / "templates"
    shutil.copytree(GOLDEN / "basic/content", content)
    shutil.copytree(TEMPLATES_DIR, templates)
    build(_options(content, templates, tmp_path / "old/public"))
    return content, templates


def _next_day(content: Path) -> None:
    """A new digest, and an old one deleted: new pages, changed pages and pages that go away."""
    papers = [("Pointer Networks", ABSTRACT), ("A Brand New Paper on Replay", ABSTRACT)]
    (content / "digests/2025-07-02.txt").write_text(text_digest("Jul 2", papers), encoding="utf-8")
    (content / "digests/2025-07-01.yaml").unlink()


def _beside(site: Path) -> list[str]:
    """What lies beside an output folder."""
    return sorted(os.listdir(site.parent))


def _staging(site: Path) -> list[str]:
    """The staging folders beside an output folder."""
    return [name for name in _beside(site) if "-staging-" in name]


@pytest.mark.parametrize("previous", [False, True], ids=["after a cold build", "after a warm build"])
def test_a_build_killed_at_any_moment_of_its_write_stage_leaves_the_old_site_or_the_new_one(
    workspace: tuple[Path, Path], tmp_path: Path, previous: bool
) -> None:
    content, templates = workspace
    if previous:  # a warm build keeps the site before it, which the next warm build starts from
        note = content / "notes/music-transformer.md"
        note.write_text(note.read_text(encoding="utf-8") + "\nRevisited.\n", encoding="utf-8")
        build(_options(content, templates, tmp_path / "old/public"))
    assert (tmp_path / "old/.public-previous").is_dir() == previous
    old = files_of(tmp_path / "old/public")
    _next_day(content)
    build(_options(content, templates, tmp_path / "new/public"))
    new = files_of(tmp_path / "new/public")
    assert old != new
    command = [sys.executable, "-m", "tests.killed_build", content, templates, tmp_path / "old", tmp_path / "trials"]
    lines = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True, timeout=300).stdout
    trials = [json.loads(line) for line in lines.splitlines()]
    complete, killed = trials[0], trials[1:]
    assert files_of(Path(complete["folder"]) / "public") == new
    assert len(killed) >= min(10, len(complete["changes"]))
    outcomes, leftovers = [], 0
    for trial in killed:
        site = Path(trial["folder"]) / "public"
        moment = f"killed before change {trial['kill_at']} of {len(complete['changes'])} ({trial['change']})"
        assert os.WIFSIGNALED(trial["status"]) and os.WTERMSIG(trial["status"]) == signal.SIGKILL, moment
        published = files_of(site)
        mixed = f"{moment}: {len(published.items() - old.items())} files of the new site among the old one's"
        assert published in (old, new), mixed
        assert (site / MARKER).exists(), moment
        outcomes.append("new" if published == new else "old")
    assert set(outcomes) == {"old", "new"}
    for trial in killed:  # the next build, after each of them
        site = Path(trial["folder"]) / "public"
        moment = f"killed before change {trial['kill_at']} ({trial['change']})"
        leftovers += bool(_staging(site))
        report = build(_options(content, templates, site))
        assert files_of(site) == new, moment
        beside = _beside(site)
        assert beside == [".public-cache", ".public-previous", "public"], f"{moment}: the next build left {beside}"
        assert build(_options(content, templates, site)).rendered == 0, moment
        assert report.warnings == (), moment
    assert leftovers > 0  # some killed builds did leave a staging folder, and the next build removed it


def _template_error(content: Path, templates: Path) -> None:
    """A template that fails while pages render (an undefined name), with new content to render."""
    _next_day(content)
    paper = templates / "paper.html"
    text = paper.read_text(encoding="utf-8").replace("</article>", "{{ no_such_name.x }}</article>", 1)
    paper.write_text(text, encoding="utf-8")


def _strict_warning(content: Path, templates: Path) -> None:
    """New content, with a warning (a paper listed twice) that --strict turns into an error once the
    whole site has been rendered."""
    papers = [("A Brand New Paper on Replay", ABSTRACT)] * 2
    (content / "digests/2025-07-02.txt").write_text(text_digest("Jul 2", papers), encoding="utf-8")


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file under `folder`: its bytes, modification time and inode."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_ino)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("failure", [_template_error, _strict_warning])
def test_a_build_that_fails_while_or_after_rendering_leaves_every_byte_of_the_site(
    workspace: tuple[Path, Path], tmp_path: Path, failure: Callable[[Path, Path], None]
) -> None:
    content, templates = workspace
    site = tmp_path / "old/public"
    before = (_snapshot(site), _snapshot(tmp_path / "old/.public-cache"))
    failure(content, templates)
    with pytest.raises(BuildError) as raised:
        build(_options(content, templates, site, strict=True))
    assert raised.value.problems
    assert (_snapshot(site), _snapshot(tmp_path / "old/.public-cache")) == before
    assert _beside(site) == [".public-cache", "public"]


def test_a_warm_build_that_changes_nothing_swaps_nothing(workspace: tuple[Path, Path], tmp_path: Path) -> None:
    content, templates = workspace
    site = tmp_path / "old/public"
    folders = {p: p.stat().st_ino for p in [site, *site.rglob("*")] if p.is_dir()}
    report: BuildReport = build(_options(content, templates, site))
    assert (report.rendered, report.written) == (0, 0)
    assert {p: p.stat().st_ino for p in [site, *site.rglob("*")] if p.is_dir()} == folders


def test_git_ignores_the_folders_the_build_keeps_beside_the_output_folders() -> None:
    if shutil.which("git") is None or subprocess.run(["git", "rev-parse"], cwd=ROOT, check=False).returncode:
        pytest.skip("not a git work tree")
    for out in (BuildOptions().out_dir, PREVIEW_DIR):
        for folder in (out.parent / f"{staging_prefix(out)}x1y2z3", previous_folder(out)):
            file = (folder / "index.html").relative_to(ROOT)
            ignored = subprocess.run(["git", "check-ignore", "-q", str(file)], cwd=ROOT, check=False)
            assert ignored.returncode == 0, file


def test_the_preview_serves_the_new_site_once_it_is_swapped_in(tmp_path: Path) -> None:
    preview = start_preview(tmp_path)
    try:
        page = "papers/music-transformer/index.md"
        served = preview.url + page
        with urllib.request.urlopen(served) as response:
            assert b"relative attention" in response.read()
        note = tmp_path / "content/notes/music-transformer.md"
        note.write_text(
            note.read_text(encoding="utf-8").replace("relative attention", "relative timing"), encoding="utf-8"
        )
        report = preview.rebuild()
        assert report is not None and report.written > 0
        with urllib.request.urlopen(served) as response:
            assert response.read() == (preview.options.out_dir / page).read_bytes()
        assert b"relative timing" in (preview.options.out_dir / page).read_bytes()
        deadline = time.monotonic() + 30  # the watcher may be rebuilding the same change meanwhile
        while _staging(preview.options.out_dir) and time.monotonic() < deadline:
            time.sleep(0.05)
        expected = [".site-cache", ".site-previous", "content", "site", "templates"]
        assert _beside(preview.options.out_dir) == expected
    finally:
        preview.stop()


def test_the_site_kept_for_the_next_build_is_checked_not_trusted(workspace: tuple[Path, Path], tmp_path: Path) -> None:
    content, templates = workspace
    site = tmp_path / "old/public"
    note = content / "notes/music-transformer.md"
    note.write_text(note.read_text(encoding="utf-8") + "\nRevisited.\n", encoding="utf-8")
    build(_options(content, templates, site))
    kept = tmp_path / "old/.public-previous"
    (kept / "index.html").unlink()
    (kept / "index.html").write_text("not the home page", encoding="utf-8")  # another file, same name
    (kept / "stray.html").write_text("not a page of the site", encoding="utf-8")
    _next_day(content)
    build(_options(content, templates, tmp_path / "clean/public"))
    build(_options(content, templates, site))
    assert files_of(site) == files_of(tmp_path / "clean/public")
    shutil.rmtree(kept)
    kept.mkdir()
    (kept / "papers").write_text("a file where a folder goes", encoding="utf-8")
    (content / "digests/2025-07-02.txt").unlink()
    build(_options(content, templates, tmp_path / "clean2/public"))
    build(_options(content, templates, site))
    assert files_of(site) == files_of(tmp_path / "clean2/public")
    assert _staging(site) == []


@pytest.mark.parametrize("where", ["a folder inside it", "the kept site itself"])
def test_a_symbolic_link_in_the_kept_site_never_leads_the_build_elsewhere(
    workspace: tuple[Path, Path], tmp_path: Path, where: str
) -> None:
    content, templates = workspace
    site = tmp_path / "old/public"
    note = content / "notes/music-transformer.md"
    note.write_text(note.read_text(encoding="utf-8") + "\nRevisited.\n", encoding="utf-8")
    build(_options(content, templates, site))
    outside = tmp_path / "outside"
    (outside / "music-transformer").mkdir(parents=True)
    (outside / "music-transformer/index.html").write_text("precious", encoding="utf-8")
    (outside / "index.html").write_text("precious too", encoding="utf-8")
    kept = tmp_path / "old/.public-previous"
    link = kept / "papers" if where == "a folder inside it" else kept
    shutil.rmtree(link)
    link.symlink_to(outside, target_is_directory=True)  # as a pull request could commit it
    _next_day(content)
    build(_options(content, templates, tmp_path / "clean/public"))
    build(_options(content, templates, site))
    assert files_of(outside) == {"index.html": b"precious too", "music-transformer/index.html": b"precious"}
    assert files_of(site) == files_of(tmp_path / "clean/public")
    assert not any(p.is_symlink() for p in site.rglob("*"))


def test_without_an_atomic_exchange_the_site_is_renamed_aside_then_into_place(
    workspace: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(output, "_exchange", lambda a, b: False)  # as on a system without renameat2
    content, templates = workspace
    site = tmp_path / "old/public"
    _next_day(content)
    build(_options(content, templates, tmp_path / "clean/public"))
    build(_options(content, templates, site))
    assert files_of(site) == files_of(tmp_path / "clean/public")
    assert _beside(site) == [".public-cache", ".public-previous", "public"]


def _revisit(content: Path) -> None:
    """An edited note: its paper's page changes, and nothing else."""
    note = content / "notes/music-transformer.md"
    note.write_text(note.read_text(encoding="utf-8") + "\nRevisited.\n", encoding="utf-8")


def test_the_kept_site_brought_up_to_date_in_a_side_process_publishes_the_right_files(
    workspace: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a large site a side process links the claimed kept site up to date with the live one while
    the build reads its inputs: a page the last build changed is published in its new version,
    not in the one of two builds ago."""
    from site_src.build import parallel, pipeline

    monkeypatch.setattr(parallel, "_cores", lambda: 2)
    monkeypatch.setattr(pipeline, "MIRROR_APART_FROM", 0)
    content, templates = workspace
    site = tmp_path / "old/public"
    published: list[bool] = []
    publish = output.Staging.publish

    def noted(staging: output.Staging, mirrored: frozenset[str] | None = None) -> output.PublishReport:
        if staging.out_dir == site:
            published.append(mirrored is not None)
        return publish(staging, mirrored)

    monkeypatch.setattr(output.Staging, "publish", noted)
    for number, change in enumerate([_revisit, _next_day, _revisit]):
        change(content)
        build(_options(content, templates, site))
        build(_options(content, templates, tmp_path / f"clean{number}/public"))
        assert files_of(site) == files_of(tmp_path / f"clean{number}/public"), number
        assert _beside(site) == [".public-cache", ".public-previous", "public"]
    assert published == [False, True, True]  # the first had no kept site to start from


def test_a_failed_warm_build_puts_the_kept_site_back(workspace: tuple[Path, Path], tmp_path: Path) -> None:
    """The build claims the kept site as it starts; failing, it puts it back, and the next build
    starts from it (the new site is made out of that folder)."""
    content, templates = workspace
    site = tmp_path / "old/public"
    _revisit(content)
    build(_options(content, templates, site))
    folder = previous_folder(site).stat().st_ino
    _template_error(content, templates)
    with pytest.raises(BuildError):
        build(_options(content, templates, site))
    assert _beside(site) == [".public-cache", ".public-previous", "public"]
    assert previous_folder(site).stat().st_ino == folder
    shutil.copy(TEMPLATES_DIR / "paper.html", templates / "paper.html")
    build(_options(content, templates, site))
    build(_options(content, templates, tmp_path / "clean/public"))
    assert files_of(site) == files_of(tmp_path / "clean/public")
    assert site.stat().st_ino == folder


def test_memos_that_cannot_be_read_once_the_kept_site_is_claimed_give_a_cold_build(
    workspace: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A warm build claims the kept site, and forks the process that brings it up to date, before it
    reads the memos. Memos that cannot be read take the cache's records with them: the build
    stops that process, puts the kept site back and starts again cold, with a warning, and makes
    the site a clean build makes."""
    from site_src.build import parallel, pipeline
    from site_src.build.cache import MEMO_FILE, cache_folder

    monkeypatch.setattr(parallel, "_cores", lambda: 2)
    monkeypatch.setattr(pipeline, "MIRROR_APART_FROM", 0)  # that process even for this small site
    content, templates = workspace
    site = tmp_path / "old/public"
    _revisit(content)
    build(_options(content, templates, site))
    memos = cache_folder(site) / MEMO_FILE
    memos.write_bytes(memos.read_bytes()[:-50])  # cut short
    _next_day(content)
    report = build(_options(content, templates, site))
    assert report.rendered == report.pages
    assert ["the build cache was ignored" in w.message for w in report.warnings] == [True]
    build(_options(content, templates, tmp_path / "clean/public"))
    assert files_of(site) == files_of(tmp_path / "clean/public")
    assert _beside(site) == [".public-cache", "public"]  # a cold build keeps no site from before it


def test_a_build_interrupted_while_it_reads_the_memos_puts_the_kept_site_back(
    workspace: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kept site is claimed before the memos are read: Ctrl+C then leaves it where it was, and
    no staging folder beside the site."""
    from site_src.build.cache import BuildCache

    content, templates = workspace
    site = tmp_path / "old/public"
    _revisit(content)
    build(_options(content, templates, site))
    folder = previous_folder(site).stat().st_ino

    def interrupted(cache: BuildCache) -> bool:
        raise KeyboardInterrupt

    monkeypatch.setattr(BuildCache, "load_memos", interrupted)
    _next_day(content)
    with pytest.raises(KeyboardInterrupt):
        build(_options(content, templates, site))
    assert _beside(site) == [".public-cache", ".public-previous", "public"]
    assert previous_folder(site).stat().st_ino == folder


def test_a_kept_site_a_killed_build_had_claimed_is_where_the_next_build_starts(
    workspace: tuple[Path, Path], tmp_path: Path
) -> None:
    content, templates = workspace
    site = tmp_path / "old/public"
    _revisit(content)
    build(_options(content, templates, site))
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, check=True)
    kept = previous_folder(site)
    claimed = site.parent / f"{staging_prefix(site).rsplit('-', 2)[0]}-{int(ended.stdout)}-abc123-site"
    kept.rename(claimed)  # as a build killed after claiming it leaves it
    folder = claimed.stat().st_ino
    _next_day(content)
    build(_options(content, templates, site))
    build(_options(content, templates, tmp_path / "clean/public"))
    assert files_of(site) == files_of(tmp_path / "clean/public")
    assert _beside(site) == [".public-cache", ".public-previous", "public"]
    assert site.stat().st_ino == folder  # the new site was made out of the claimed tree, not linked anew


_KILLED_SIDE_PROCESS = """
import os, signal, sys
from pathlib import Path
from site_src.build import output, parallel, pipeline
from site_src.build.builder import build
from site_src.inputs.settings import BuildOptions

parallel._cores = lambda: 2
pipeline.MIRROR_APART_FROM = 0
output.mirror_live = lambda *arguments: os.kill(os.getpid(), signal.SIGKILL)
content, templates, out = map(Path, sys.argv[1:])
build(BuildOptions(content_dir=content, out_dir=out, templates_dir=templates, base_url="https://x.org/"))
"""
"""A build whose kept-site process kills itself: run in a process of its own, which has no other
threads and so forks it (a killed side process must not be this test process)."""


def test_a_side_process_killed_while_it_links_the_kept_site_costs_only_time(
    workspace: tuple[Path, Path], tmp_path: Path
) -> None:
    """The process that links the kept site up to date is an aid: killed (out of memory, say), the
    build checks every file itself and publishes the same site."""
    content, templates = workspace
    site = tmp_path / "old/public"
    _revisit(content)
    build(_options(content, templates, site))
    _next_day(content)
    command = [sys.executable, "-c", _KILLED_SIDE_PROCESS, str(content), str(templates), str(site)]
    subprocess.run(command, cwd=ROOT, check=True, timeout=300)
    build(_options(content, templates, tmp_path / "clean/public"))
    assert files_of(site) == files_of(tmp_path / "clean/public")
    assert _beside(site) == [".public-cache", ".public-previous", "public"]


def test_a_side_process_that_cannot_start_puts_the_kept_site_back(
    workspace: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kept site is claimed before its process starts: if no process can (fork fails for want
    of memory), the build fails and the kept site is where it was."""
    from site_src.build import parallel, pipeline

    monkeypatch.setattr(parallel, "_cores", lambda: 2)
    monkeypatch.setattr(pipeline, "MIRROR_APART_FROM", 0)
    content, templates = workspace
    site = tmp_path / "old/public"
    _revisit(content)
    build(_options(content, templates, site))

    def no_fork(self: parallel.SideWork[object]) -> parallel.SideWork[object]:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(parallel.SideWork, "__enter__", no_fork)
    _next_day(content)
    with pytest.raises(OSError, match="temporarily unavailable"):
        build(_options(content, templates, site))
    assert _beside(site) == [".public-cache", ".public-previous", "public"]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="zombies are told apart where /proc shows them")
def test_a_killed_build_not_yet_waited_for_leaves_nothing_behind(workspace: tuple[Path, Path], tmp_path: Path) -> None:
    """A build killed with its parent (`timeout -s KILL`) stays a zombie until someone waits for it:
    it writes nothing more, so the next build deletes the staging folder it left."""
    content, templates = workspace
    site = tmp_path / "old/public"
    build(_options(content, templates, site))
    ended = subprocess.Popen([sys.executable, "-c", "pass"])  # not waited for: a zombie once it ends
    try:
        deadline = time.monotonic() + 30
        while not output._ended(ended.pid):
            assert time.monotonic() < deadline, "the child never ended"
            time.sleep(0.01)
        left = site.parent / f"{staging_prefix(site).rsplit('-', 2)[0]}-{ended.pid}-abc123"
        (left / "papers").mkdir(parents=True)
        _next_day(content)
        build(_options(content, templates, site))
        assert _beside(site) == [".public-cache", ".public-previous", "public"]
    finally:
        ended.wait()
