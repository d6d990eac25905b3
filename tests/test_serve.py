"""The preview server over HTTP: safe paths, right types, the site's 404, live state, busy ports."""

from __future__ import annotations

import contextlib
import http.client
import json
import queue
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from site_src.build.builder import BuildReport, Progress
from site_src.errors import BuildError
from site_src.inputs.settings import ROOT, BuildOptions
from site_src.serve.server import CODE_DIR, LiveState, Preview

from .helpers import load_cases, start_preview
from .netlify import headers_for, load_config

REQUESTS = load_cases("requests.yaml")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Preview]:
    """A preview that the tests only read from, with a symbolic link out of the site planted in it
    and a file far outside it (in the folder above the test's own) that a climbing path could reach."""
    root = tmp_path_factory.mktemp("served")
    running = start_preview(root)
    (root / "outside").mkdir()
    (root / "outside/secret.txt").write_text("not for the web", encoding="utf-8")
    (root.parent / "served-secret.txt").write_text("not for the web either", encoding="utf-8")
    (running.options.out_dir / "outside-link").symlink_to(root / "outside")
    yield running
    running.stop()


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[Preview]:
    """A preview of its own, for tests that edit its content."""
    running = start_preview(tmp_path)
    yield running
    running.stop()


def _get(preview: Preview, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", preview.server.server_address[1], timeout=10)
    connection.putrequest(method, path, skip_accept_encoding=True)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


@pytest.mark.parametrize("case", REQUESTS, ids=[c["path"] for c in REQUESTS])
def test_request_paths(served: Preview, case: dict[str, object]) -> None:
    preview = served
    status, headers, body = _get(preview, str(case["path"]))
    assert status == case["status"]
    if "location" in case:
        assert headers["location"] == case["location"]
        return
    expected = (preview.options.out_dir / str(case["file"])).read_bytes()
    if str(case["file"]).endswith(".html"):
        assert b"/_preview/live.js" in body  # the reload script, added as it is served...
        assert b"/_preview/live.js" not in expected  # ...never written to the site
        assert body.replace(body[body.rfind(b'<script src="/_preview/') : body.rfind(b"</body>")], b"") == expected
    else:
        assert body == expected
    assert b"not for the web" not in body


def _climbing_paths(site: Path, target: Path) -> list[str]:
    """Request paths that climb far above `site` (past the file system's root) and come down to
    `target`: plain, percent-encoded, with doubled slashes, with backslashes."""
    up = len(site.parts) + 5  # more `..` than there are folders above the site
    down = target.parts[1:]
    return [
        "/.." * up + "/" + "/".join(down),
        "/%2e%2e" * up + "/" + "/".join(down),
        "/" + "%2E%2E%2F" * up + "%2F".join(down),
        "//..//" * up + "//".join(down),
        "/papers/" + "../" * up + "/".join(down),
        "/" + "..\\" * up + "\\".join(down),
        "/" + "..%5c" * up + "%5c".join(down),
    ]


def test_paths_that_climb_far_above_the_site_are_refused(served: Preview) -> None:
    site = served.options.out_dir
    secret = site.parent.parent / "served-secret.txt"
    assert secret.is_file() and not secret.resolve().is_relative_to(site.resolve())
    passwd = Path("/etc/passwd")
    requests = [
        *_climbing_paths(site, secret),
        "/../../served-secret.txt",  # the short way up: site/ is in served<N>/, next to the secret
        *(_climbing_paths(site, passwd) if passwd.is_file() else []),
    ]
    not_found = (site / "404.html").read_bytes()
    not_found = not_found[: not_found.rfind(b"</body>")]  # the site's own 404 page, as served
    served_instead: dict[str, tuple[int, bytes]] = {}
    for path in requests:
        status, _, body = _get(served, path)
        if status != 404 or not body.startswith(not_found) or b"not for the web" in body or b"root:" in body:
            served_instead[path] = (status, body[:40])
    assert served_instead == {}


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/", "text/html; charset=utf-8"),
        ("/papers/music-transformer/index.md", "text/markdown; charset=utf-8"),
        ("/api/papers.json", "application/json"),
        ("/sitemap.xml", "application/xml; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/_preview/live.js", "text/javascript; charset=utf-8"),
    ],
)
def test_content_types(served: Preview, path: str, kind: str) -> None:
    status, headers, _ = _get(served, path)
    assert (status, headers["content-type"]) == (200, kind)


def test_assets_have_their_types_and_head_has_no_body(served: Preview) -> None:
    css = next((served.options.out_dir / "assets").glob("style.*.css")).name
    status, headers, body = _get(served, f"/assets/{css}", method="HEAD")
    assert (status, headers["content-type"], body) == (200, "text/css; charset=utf-8", b"")
    assert int(headers["content-length"]) > 1000


def test_fingerprinted_assets_are_cached_as_the_published_site_caches_them_and_nothing_else_is(
    served: Preview,
) -> None:
    """A reload after a save fetches the page alone: its styles and scripts keep their names."""
    css = next((served.options.out_dir / "assets").glob("style.*.css")).name
    published = headers_for(f"/assets/{css}", load_config())["cache-control"]
    assert "immutable" in published
    assert _get(served, f"/assets/{css}")[1]["cache-control"] == published
    for path in ("/papers/music-transformer/", "/api/papers.json", "/assets/style.0000000000.css", "/"):
        assert _get(served, path)[1]["cache-control"] == "no-store", path


def test_event_stream_starts_with_the_current_state(served: Preview) -> None:
    preview = served
    connection = http.client.HTTPConnection("127.0.0.1", preview.server.server_address[1], timeout=10)
    connection.request("GET", "/_preview/events")
    response = connection.getresponse()
    assert response.getheader("content-type") == "text/event-stream"
    first = b""
    while b"data:" not in first:
        first += response.fp.readline()
    first += response.fp.readline()
    connection.close()
    assert LiveState(preview.channel.state.build).as_event().strip() in first


def test_broken_input_keeps_the_last_good_site_and_reports_problems(preview: Preview) -> None:
    digest = preview.options.content_dir / "digests/2025-06-26.txt"
    good = preview.channel.state
    page = (preview.options.out_dir / "index.html").read_bytes()
    text = digest.read_text(encoding="utf-8")
    digest.write_text(text.replace("\nJun 26\n", "\nJun 27\n"), encoding="utf-8")
    assert preview.rebuild() is None
    assert preview.channel.state.build == good.build
    assert [p.split(": ", 1)[1] for p in preview.channel.state.problems] == [
        "the date line says 2025-06-27 but the file name says 2025-06-26 (rename the file or correct the date line)"
    ]
    assert (preview.options.out_dir / "index.html").read_bytes() == page
    digest.write_text(text, encoding="utf-8")
    assert preview.rebuild() is not None
    assert preview.channel.state == good  # the same site as before: tabs clear the overlay, no reload


def test_code_change_restarts_only_when_the_new_code_imports(preview: Preview, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "site_src.serve.server._code_imports", lambda: "SyntaxError: invalid syntax (render.py, line 3)"
    )
    preview._on_changes({CODE_DIR / "render.py"})
    assert preview.restarts == []  # type: ignore[attr-defined]
    assert preview.channel.state.problems == ("site_src: SyntaxError: invalid syntax (render.py, line 3)",)
    monkeypatch.undo()
    preview._on_changes({CODE_DIR / "render.py"})  # the real check: the code as it is imports
    assert preview.restarts == [True]  # type: ignore[attr-defined]


def test_a_busy_port_suggests_the_next_free_one(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(BuildError) as caught:
            Preview(BuildOptions(out_dir=tmp_path / "site"), port=port, log=lambda _: None)
    message = str(caught.value.problems[0])
    assert message.startswith(f"127.0.0.1:{port}: the port is in use (try --port ")
    suggested = int(message.rsplit(" ", 1)[1].rstrip(")"))
    assert suggested > port


WAIT = 60.0
"""Seconds to wait for something that should happen (generous: the machine is shared); never a limit
the test measures."""


class Tab:
    """A tab as live.js makes one: the page fetched, then its event stream naming the page and the hash
    of the bytes it was served; it reloads when a state says so (`reload`, or without it a `build`
    other than the one it shows), as live.js decides."""

    def __init__(self, preview: Preview, path: str) -> None:
        self.preview, self.path = preview, path
        self.states: queue.Queue[dict[str, Any]] = queue.Queue()
        self.messages = 0
        """Everything the stream sent, keep-alive comments included."""
        self.seen: list[dict[str, Any]] = []
        self._connection: http.client.HTTPConnection | None = None
        self.load()

    def load(self) -> None:
        """(Re)load the page and listen for its states, until the first one has come (by then the
        server counts the page as viewed)."""
        self.close()
        status, _, self.body = _get(self.preview, self.path)
        assert status == 200
        found = re.search(rb'data-build="([^"]*)"', self.body)
        assert found is not None
        self.shown = found[1].decode()
        self.states = queue.Queue()
        query = urlencode({"page": self.path, "build": self.shown})
        connection = http.client.HTTPConnection("127.0.0.1", self.preview.server.server_address[1], timeout=WAIT)
        connection.request("GET", f"/_preview/events?{query}")
        assert connection.sock is not None
        self._socket: socket.socket = connection.sock  # the response takes it over from the connection
        response = connection.getresponse()
        self._connection = connection
        threading.Thread(target=self._listen, args=(response, self.states), daemon=True).start()
        first = self.next_state()
        assert not self.reloads(first), first

    def _listen(self, response: http.client.HTTPResponse, states: queue.Queue[dict[str, Any]]) -> None:
        try:
            while line := response.fp.readline():
                if line.startswith(b"data: "):
                    states.put(json.loads(line[6:]))
                if line.startswith((b"data: ", b": ")):
                    self.messages += 1
        except (OSError, ValueError):  # closed by the test
            return

    def next_state(self) -> dict[str, Any]:
        """The next state the server sends this tab."""
        state = self.states.get(timeout=WAIT)
        self.seen.append(state)
        return state

    def reloads(self, state: dict[str, Any]) -> bool:
        """Whether live.js would reload on this state (problems are shown instead)."""
        return not state["problems"] and bool(state.get("reload", state["build"] != self.shown))

    def until(self, wanted: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        """The first state for which `wanted` is true (failing on a reload that was not wanted)."""
        while not wanted(state := self.next_state()):
            assert not self.reloads(state), state
        return state

    def until_reload(self) -> None:
        """Wait for the server to say the page changed, then reload it."""
        self.until(self.reloads)
        self.load()

    def close(self) -> None:
        """Close the event stream as a browser does on a reload (the reading thread holds the socket
        open otherwise, and the server would count the old page as still shown)."""
        if self._connection is not None:
            with contextlib.suppress(OSError):
                self._socket.shutdown(socket.SHUT_RDWR)
            self._connection.close()
            self._connection = None


class HeldBuild:
    """The preview's full build held until `release()`: what the tabs get meanwhile comes from the
    fast phase. `rebuilt` is set once a rebuild has finished (tabs told, overlay dropped)."""

    def __init__(self, preview: Preview) -> None:
        self.started, self.finished, self.rebuilt = threading.Event(), threading.Event(), threading.Event()
        self._release = threading.Event()
        self.outcomes: list[str] = []
        """How each full build ended: "built", or the name of what it raised."""
        full_build, rebuild = preview.full_build, preview.rebuild

        def held(progress: Progress | None) -> BuildReport:
            self.started.set()
            assert self._release.wait(WAIT)
            try:
                report = full_build(progress)
            except Exception as error:
                self.outcomes.append(type(error).__name__)
                raise
            self.outcomes.append("built")
            self.finished.set()
            return report

        def rebuilt(interruptible: bool = False) -> BuildReport | None:
            try:
                return rebuild(interruptible)
            finally:
                self.rebuilt.set()

        preview.full_build = held
        preview.rebuild = rebuilt  # type: ignore[method-assign]

    def release(self) -> None:
        """Let the full build run, and wait until it is done and the tabs have been told."""
        self._release.set()
        assert self.rebuilt.wait(WAIT)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _quiet_after(tab: Tab) -> None:
    """Wait until the tab's stream has sent two more messages (with keep-alives every 0.1 s): by then it
    has looked at its page since whatever happened before, and any state it would send has come."""
    start = tab.messages
    deadline = time.monotonic() + WAIT
    while tab.messages < start + 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    while not tab.states.empty():
        assert not tab.reloads(tab.next_state()), tab.seen


PAPER, ABOUT = "/papers/music-transformer/", "/about/"


@pytest.fixture
def tabs(preview: Preview, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Tab, Tab]]:
    """A tab on a paper's page and one on the About page, keep-alives frequent (see `_quiet_after`)."""
    monkeypatch.setattr("site_src.serve.server.KEEPALIVE_SECONDS", 0.1)
    paper, about = Tab(preview, PAPER), Tab(preview, ABOUT)
    yield paper, about
    paper.close()
    about.close()


def test_a_note_edit_shows_in_its_tab_before_the_full_build_and_no_other_tab_reloads(
    preview: Preview, tabs: tuple[Tab, Tab]
) -> None:
    paper, about = tabs
    held = HeldBuild(preview)
    on_disk = preview.options.out_dir / "papers/music-transformer/index.html"
    _edit(preview.options.content_dir / "notes/music-transformer.md", "popular for", "famous and popular for")

    paper.until_reload()
    assert b"famous and popular for" in paper.body  # served from the fast phase...
    assert not held.finished.is_set() and b"famous and popular" not in on_disk.read_bytes()  # ...the full build held
    held.release()
    assert b"famous and popular for" in on_disk.read_bytes()
    _quiet_after(paper)  # the full build made the same page: no second reload
    _quiet_after(about)  # the About page never changed: never reloaded
    assert not any(about.reloads(state) for state in about.seen)


def test_the_full_build_waits_for_the_tabs_to_load_the_fast_pages_but_not_for_a_tab_that_never_does(
    preview: Preview, tabs: tuple[Tab, Tab], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The full build runs in the preview's process: started at once, it slowed the reloads down."""
    paper, _ = tabs
    held = HeldBuild(preview)
    monkeypatch.setattr("site_src.serve.server.TABS_SECONDS", 10 * WAIT)
    _edit(preview.options.content_dir / "notes/music-transformer.md", "popular for", "famous and popular for")
    paper.until(paper.reloads)
    assert not held.started.wait(0.5)  # the tab was told to reload and has not yet
    reloaded = Tab(preview, PAPER)  # as a browser reloads: the old page's stream lingers a while
    assert held.started.wait(WAIT)
    held.release()
    paper.close()
    paper = reloaded

    held = HeldBuild(preview)
    monkeypatch.setattr("site_src.serve.server.TABS_SECONDS", 0.2)
    _edit(preview.options.content_dir / "notes/music-transformer.md", "famous and", "well known and")
    paper.until(paper.reloads)  # and never reloads (a tab closed without a goodbye)
    assert held.started.wait(WAIT)
    held.release()
    paper.close()


LANTERNS = (
    "We light tiny robots with sparse lanterns, so that each robot sees only the lanterns near it. "
    "Robots that share a lantern learn to share a map, and a swarm of them maps a cave in an hour."
)


def test_a_new_paper_linked_from_a_fast_rendered_page_is_served_once_the_full_build_makes_it(
    preview: Preview, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fast render makes the open digest page, which links to a paper only the full build makes:
    following the link waits for that build rather than showing the 404 page."""
    monkeypatch.setattr("site_src.serve.server.KEEPALIVE_SECONDS", 0.1)
    digest = Tab(preview, "/digests/2025-06-26/")
    held = HeldBuild(preview)
    _edit(
        preview.options.content_dir / "digests/2025-06-26.txt",
        "\nMusic Transformer\n",
        f"\nSparse Lanterns for Tiny Robots\n\n{LANTERNS}\n\nMusic Transformer\n",
    )
    digest.until_reload()
    assert b'href="/papers/sparse-lanterns-for-tiny-robots/"' in digest.body  # linked before it exists
    assert held.started.wait(WAIT)
    answers: queue.Queue[tuple[int, dict[str, str], bytes]] = queue.Queue()
    threading.Thread(target=lambda: answers.put(_get(preview, "/papers/sparse-lanterns-for-tiny-robots/"))).start()
    with pytest.raises(queue.Empty):
        answers.get(timeout=0.5)  # not a 404: the request waits for the full build
    held.release()
    status, _, body = answers.get(timeout=WAIT)
    assert status == 200 and LANTERNS.encode() in body
    assert _get(preview, "/papers/no-such-paper/")[0] == 404  # nothing pending: at once
    digest.close()


def test_a_template_edit_shows_in_the_viewed_page_before_the_full_build(
    preview: Preview, tabs: tuple[Tab, Tab]
) -> None:
    paper, about = tabs
    held = HeldBuild(preview)
    _edit(preview.options.templates_dir / "paper.html", "Find this paper", "Look this paper up")

    paper.until_reload()
    assert b"Look this paper up" in paper.body and not held.finished.is_set()
    held.release()
    _quiet_after(about)  # page.html did not change
    assert not any(about.reloads(state) for state in about.seen)


def test_a_page_rendered_with_stale_related_papers_reloads_after_the_full_build(
    preview: Preview, tabs: tuple[Tab, Tab]
) -> None:
    paper, _ = tabs
    held = HeldBuild(preview)
    before = paper.body
    assert b"related through: data<" in before
    # Another paper's abstract now shares the music paper's words: its related papers change, but the
    # fast phase reuses the last build's, so the music paper's page is rendered as it was.
    _edit(
        preview.options.content_dir / "digests/2025-06-26.txt",
        "Continual learning is a setting where",
        "Piano music relies heavily on repetition and MIDI performances. Continual learning is a setting where",
    )
    assert held.started.wait(WAIT)  # the fast phase is over
    assert preview.server.overlay.get("papers/music-transformer/index.html") == _page_file(before)
    held.release()
    paper.until_reload()
    assert b"related through: data<" not in paper.body and b"related through: music, " in paper.body
    assert _page_file(paper.body) == (preview.options.out_dir / "papers/music-transformer/index.html").read_bytes()


def test_a_preview_of_an_unchanged_site_fast_renders_pages_with_their_related_papers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A preview started again on the same inputs builds nothing (no related papers made), yet its
    first fast render shows each paper's related papers: they come from the cache."""
    first = start_preview(tmp_path)
    options = first.options  # with the first preview's address as base URL: the same inputs again
    first.stop()
    logged: list[str] = []
    again = Preview(options, port=0, log=logged.append)
    again.start()
    try:
        assert logged[-1].endswith("; 0 files changed")
        monkeypatch.setattr("site_src.serve.server.KEEPALIVE_SECONDS", 0.1)
        paper = Tab(again, PAPER)
        held = HeldBuild(again)
        _edit(again.options.content_dir / "notes/music-transformer.md", "popular for", "famous and popular for")
        paper.until_reload()
        assert b"famous and popular for" in paper.body and not held.finished.is_set()
        assert b"related through: data<" in paper.body
        held.release()
        paper.close()
    finally:
        again.stop()


def _page_file(served: bytes) -> bytes:
    """A served page without the reload script the preview adds."""
    return served.replace(served[served.rfind(b'<script src="/_preview/') : served.rfind(b"</body>")], b"")


def test_a_broken_edit_shows_problems_and_serves_the_last_good_site(preview: Preview, tabs: tuple[Tab, Tab]) -> None:
    paper, about = tabs
    held = HeldBuild(preview)
    digest = preview.options.content_dir / "digests/2025-06-26.txt"
    good = digest.read_text(encoding="utf-8")
    digest.write_text(good.replace("\nJun 26\n", "\nJun 27\n"), encoding="utf-8")

    problems = paper.until(lambda state: bool(state["problems"]))["problems"]
    assert [p.split(": ", 1)[1] for p in problems] == [
        "the date line says 2025-06-27 but the file name says 2025-06-26 (rename the file or correct the date line)"
    ]
    assert about.until(lambda state: bool(state["problems"]))["problems"] == problems
    assert _get(preview, PAPER)[2] == paper.body and preview.server.overlay == {}  # the last good site
    assert not held.started.is_set()  # no full build after a failed fast phase

    digest.write_text(good, encoding="utf-8")
    for tab in tabs:  # fixed: the problems go, and the pages are as they were: no reload
        assert tab.until(lambda state: not state["problems"])["reload"] is False
    held.release()


def test_an_edit_during_the_full_build_stops_it_and_is_shown_first(preview: Preview, tabs: tuple[Tab, Tab]) -> None:
    paper, _ = tabs
    held = HeldBuild(preview)
    note = preview.options.content_dir / "notes/music-transformer.md"
    _edit(note, "popular for", "famous and popular for")
    paper.until_reload()
    assert held.started.wait(WAIT)  # the first edit's full build is about to run...
    _edit(note, "famous and popular", "famous, popular")
    deadline = time.monotonic() + WAIT  # ...when the watcher has seen the second edit (a wait, not a measure)
    while not preview._changes and time.monotonic() < deadline:
        time.sleep(0.02)
    held.release()
    paper.until_reload()
    assert b"famous, popular for" in paper.body
    assert held.outcomes[0] == "Superseded"  # it stopped at once rather than finish a stale site
    assert held.finished.wait(WAIT)
    assert b"famous, popular for" in (preview.options.out_dir / "papers/music-transformer/index.html").read_bytes()


def test_pages_in_memory_are_served_before_the_disk_and_whole(
    preview: Preview, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("site_src.serve.server.PENDING_SECONDS", 0.1)  # no full build will drop the overlay
    home = (preview.options.out_dir / "index.html").read_bytes()
    preview.server.overlay = {"index.html": b"<p>fresh home</p></body>", "new/index.html": b"<p>new</p></body>"}
    assert _page_file(_get(preview, "/")[2]) == b"<p>fresh home</p></body>"
    assert _page_file(_get(preview, "/new/")[2]) == b"<p>new</p></body>"
    status, headers, _ = _get(preview, "/new?x=1")  # only in memory, asked without its slash
    assert (status, headers["location"]) == (301, "/new/?x=1")
    assert _get(preview, "/new/../.hidden")[0] == 404
    preview.server.overlay = {}
    assert _page_file(_get(preview, "/")[2]) == home
    assert _get(preview, "/new/")[0] == 404


def test_a_client_gone_mid_answer_is_not_logged_as_an_error(
    served: Preview, capsys: pytest.CaptureFixture[str]
) -> None:
    """A tab closed or reloaded while a page was sent logged a whole traceback ("curl | head" too)."""
    for gone in (BrokenPipeError(), ConnectionResetError()):
        try:
            raise gone
        except OSError:
            served.server.handle_error(None, ("127.0.0.1", 1))
    assert capsys.readouterr().err == ""
    try:
        raise ValueError("a real fault")
    except ValueError:
        served.server.handle_error(None, ("127.0.0.1", 1))
    assert "ValueError: a real fault" in capsys.readouterr().err


def test_ctrl_c_during_the_first_build_stops_serve_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the wait after the first build caught Ctrl+C: during the build it ended in a traceback."""
    from site_src.serve import server

    def interrupted(self: Preview) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Preview, "rebuild", interrupted)
    options = BuildOptions(content_dir=ROOT / "content", out_dir=tmp_path / "preview")
    server.serve(options, "127.0.0.1", 0, open_browser=False)  # returns: no KeyboardInterrupt
    assert not (tmp_path / "preview").exists()


def test_a_preview_folder_deleted_while_idle_is_built_again_on_the_next_request(preview: Preview) -> None:
    """The output folder is not watched: deleted by hand (`git clean`, `rm -rf .preview`), every page
    was a 404 until the next save."""
    import shutil

    shutil.rmtree(preview.options.out_dir)
    assert _get(preview, "/")[0] == 404  # this request asks for the rebuild
    deadline = time.monotonic() + 30
    while _get(preview, "/")[0] != 200:
        assert time.monotonic() < deadline, "the deleted preview folder was not built again"
        time.sleep(0.1)
    assert _get(preview, "/about/")[0] == 200


def test_stopping_the_preview_during_a_full_build_does_not_say_the_build_starts_over(
    preview: Preview, tabs: tuple[Tab, Tab]
) -> None:
    """Ctrl+C while the full build ran logged "Files changed again: the full build starts over"."""
    logged: list[str] = []
    preview.log = logged.append
    held = HeldBuild(preview)
    _edit(preview.options.content_dir / "notes/music-transformer.md", "popular for", "famous and popular for")
    tabs[0].until_reload()
    assert held.started.wait(WAIT)
    stopping = threading.Thread(target=preview.stop)
    stopping.start()
    held.release()
    stopping.join(WAIT)
    assert held.outcomes == ["Superseded"]  # it stopped at its next page
    assert logged == []


def test_the_last_builds_warnings_reach_every_tab_until_fixed(
    preview: Preview, tabs: tuple[Tab, Tab], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A half-written digest builds, losing papers to warnings: the tabs are told (the first
    `WARNINGS_SHOWN`, and how many in all), not only the terminal; a failed build keeps them."""
    monkeypatch.setattr("site_src.serve.server.WARNINGS_SHOWN", 1)
    paper, about = tabs
    assert (paper.seen[-1]["warnings"], paper.seen[-1]["warning_count"]) == ([], 0)
    digest = preview.options.content_dir / "digests/2025-06-26.txt"
    good = digest.read_text(encoding="utf-8")
    digest.write_text(good + "\nA Title Without Its Abstract\n\nAnother Orphan Title\n", encoding="utf-8")
    state = about.until(lambda state: bool(state["warnings"]))
    assert [w.split(": ", 1)[1] for w in state["warnings"]] == [
        'warning: title "A Title Without Its Abstract" has no abstract (expected a paragraph after the title; '
        "add the abstract or delete the title)"
    ]
    assert state["warning_count"] == 2
    later = preview.options.content_dir / "digests/2025-07-02.yaml"  # after the warnings' file, by name
    later.write_text("papers:\n  - title: A Paper\n    abstrct: Misspelt.\n", encoding="utf-8")
    failed = about.until(lambda state: bool(state["problems"]))
    assert (failed["warnings"], failed["warning_count"]) == (state["warnings"], 2)  # still the last good build's
    assert [("2025-07-02.yaml" in p, "warning:" in p) for p in failed["problems"]] == [
        (True, False),  # the errors first (a key misspelt: one unknown, one missing)...
        (True, False),
        (False, True),  # ...then the warnings
        (False, True),
    ]
    later.unlink()
    digest.write_text(good, encoding="utf-8")
    assert about.until(lambda state: not state["warnings"])["problems"] == []


def test_pages_served_ahead_of_a_full_build_that_never_comes_make_no_request_wait(
    preview: Preview, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A round that ends without a full build (the generator's code fails to import) left every 404
    waiting for one, PENDING_SECONDS each."""
    monkeypatch.setattr("site_src.serve.server._code_imports", lambda: "SyntaxError: bad")
    preview.server.overlay = {"fresh/index.html": b"<p>fresh</p></body>"}  # as a fast render leaves it
    assert preview.server.await_full_build(0)  # a full build is due
    with preview._changes_came:
        preview._changes.add(CODE_DIR / "edited.py")
        preview._changes_came.notify()
    deadline = time.monotonic() + WAIT
    while preview.channel.state.problems != ("site_src: SyntaxError: bad",):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    while preview.server.await_full_build(0):  # the round's end, just after
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert _get(preview, "/papers/nothing-here/")[0] == 404
    assert _page_file(_get(preview, "/fresh/")[2]) == b"<p>fresh</p></body>"  # still served
