"""The preview server the curator keeps open all day: build, serve, watch, rebuild, reload.

It builds into its own folder (`.preview/`, never `public/`, so a preview with local addresses
can't be published by mistake), serves it on 127.0.0.1, and watches the content, the templates
and the generator's code. Each tab tells the server which page it shows. On a change to content
or templates the pages open in tabs are rendered first, alone (`fast_render`), and served from
memory; then the whole site is rebuilt incrementally (only what changed is parsed, rendered and
written) and the in-memory pages are dropped. A tab reloads, through server-sent events, whenever
the bytes its page is served with differ from the ones it shows; the reload script is added to
pages as they are served, never to the files. A build that fails leaves the last good site served
and shows its problems over the page, until the file is fixed. A save during the full build stops
it, and the next round starts with the new changes. A change to the generator's own code restarts
the server process, once the new code imports.
"""

from __future__ import annotations

import errno
import hashlib
import json
import mimetypes
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import watchfiles

from site_src.build.builder import BuildReport, Progress, build, load_cache
from site_src.build.cache import BuildCache
from site_src.build.keys import InputKeys, build_key
from site_src.build.output import MARKER
from site_src.errors import BuildError, Problem, Problems, Source
from site_src.inputs import reader
from site_src.inputs.settings import ROOT, BuildOptions
from site_src.pages.assets import ASSETS_FOLDER
from site_src.pages.urls import output_file
from site_src.serve.fast_render import edited_pages, fast_render

PREVIEW_DIR = ROOT / ".preview"
PREVIEW_PREFIX = "/_preview/"
EVENTS_PATH = PREVIEW_PREFIX + "events"
KEEPALIVE_SECONDS = 15.0
STOP_SECONDS = 60.0
"""How long `stop` waits for the background threads (a build stage that reports no progress)."""
IMMUTABLE = "public, max-age=31536000, immutable"
"""How the published site (netlify.toml) and the preview serve fingerprinted assets."""
PLACEHOLDER = "placeholder.html"
"""The name `lookup` gives what it serves when a file cannot be read."""
TABS_SECONDS = 2.0
"""How long the full build waits for the tabs to load the pages the fast render made (a reload takes
a tenth of a second or so; a tab closed without a goodbye is counted as open until its keep-alive)."""
WARNINGS_SHOWN = 100
"""Warnings of the last build sent to the tabs (every tab gets them with every state)."""
PENDING_SECONDS = 120.0
"""How long a request for a file not on disk waits while pages rendered ahead of the full build are
served: a fast-rendered page links to pages (a new paper's) that only the full build makes."""
CODE_DIR = ROOT / "site_src"

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".md": "text/markdown; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".opml": "text/x-opml; charset=utf-8",
}
"""Content types that must not depend on the machine's mime.types."""


def content_type(path: Path) -> str:
    """The Content-Type of a site file."""
    known = _TYPES.get(path.suffix.lower())
    return known or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


@dataclass(frozen=True)
class LiveState:
    """What the open tabs should show: the build they should be on, or the problems of the last try.

    A tab that said which page it shows gets a state of its own: `build` is then the hash of the
    bytes its page is served with now, and `reload` says whether they differ from the ones it shows."""

    build: str
    problems: tuple[str, ...] = ()
    reload: bool | None = None
    warnings: tuple[str, ...] = ()
    """The warnings of the last good build, the first `WARNINGS_SHOWN` (shown folded in a corner: the
    site was built)."""
    warning_count: int = 0
    """How many warnings it gave in all."""

    def as_event(self) -> bytes:
        """The state as one server-sent event."""
        fields: dict[str, object] = {
            "build": self.build,
            "problems": list(self.problems),
            "warnings": list(self.warnings),
            "warning_count": self.warning_count,
        }
        if self.reload is not None:
            fields["reload"] = self.reload
        data = json.dumps(fields, sort_keys=True)
        return f"event: state\ndata: {data}\n\n".encode()


class LiveChannel:
    """The latest state, and the open tabs waiting to hear about the next one."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._state = LiveState(build="")
        self._version = 0
        self.closed = False

    def publish(self, state: LiveState) -> None:
        """Tell every waiting tab about a new state (nothing happens if it is the same one)."""
        with self._changed:
            if state != self._state:
                self._state, self._version = state, self._version + 1
                self._changed.notify_all()

    def notify(self) -> None:
        """Wake every waiting tab to look at its page again (pages were served from memory, or stopped being)."""
        with self._changed:
            self._version += 1
            self._changed.notify_all()

    @property
    def state(self) -> LiveState:
        """The latest state."""
        return self._state

    def next_state(self, seen: int, timeout: float) -> tuple[int, LiveState | None]:
        """Wait for a state newer than version `seen`; None after `timeout` or once closed."""
        with self._changed:
            self._changed.wait_for(lambda: self._version != seen or self.closed, timeout)
            newer = self._state if self._version != seen and not self.closed else None
            return self._version, newer

    def close(self) -> None:
        """Release every waiting tab (the server is stopping)."""
        with self._changed:
            self.closed = True
            self._changed.notify_all()


def _site_parts(request_path: str) -> tuple[str, list[str]] | None:
    """A URL path decoded and split into the site's path segments, or None when it could leave the
    site: `..` segments (also percent-encoded), backslashes, NUL bytes, hidden files."""
    path = unquote(urlsplit(request_path).path)
    if "\x00" in path or "\\" in path:
        return None
    parts = [part for part in path.split("/") if part not in ("", ".")]
    if any(part == ".." or part.startswith(".") for part in parts):
        return None
    return path, parts


def resolve_request(site: Path, request_path: str) -> tuple[Path | None, bool]:
    """The file a URL path names inside `site`, and whether a folder was asked for without its slash.

    Refuses anything that could leave the site (`_site_parts`) and symbolic links that point outside.
    """
    checked = _site_parts(request_path)
    if checked is None:
        return None, False
    path, parts = checked
    target = site.joinpath(*parts)
    try:
        if not target.resolve().is_relative_to(site.resolve()):
            return None, False
    except OSError:
        return None, False
    if target.is_dir():
        if not path.endswith("/"):
            return target, True
        target = target / "index.html"
    elif path.endswith("/"):
        return None, False  # a file asked for as a folder (`/robots.txt/`): the published site has none
    return (target, False) if target.is_file() else (None, False)


def overlay_key(request_path: str) -> str | None:
    """The output path a URL path names (a folder's index.html), as the in-memory pages are keyed;
    None for a path that could not be a file of the site."""
    checked = _site_parts(request_path)
    if checked is None:
        return None
    path, parts = checked
    joined = "/".join(parts)
    return output_file(joined + "/" if joined else "") if path.endswith("/") or not joined else joined


def page_hash(body: bytes) -> str:
    """What a tab is told about the page it shows: a hash of the bytes served (before the reload script)."""
    return hashlib.sha256(body).hexdigest()[:16]


@dataclass(frozen=True)
class Served:
    """The answer to a GET of a site path: status, body, the name that gives its type, a redirect."""

    status: HTTPStatus
    body: bytes
    name: str
    location: str = ""


def inject_live_script(html: bytes, build: str) -> bytes:
    """The page with the preview's reload script before `</body>` (served only, never written)."""
    tag = f'<script src="{PREVIEW_PREFIX}live.js" data-build="{build}" defer></script>\n'.encode()
    at = html.rfind(b"</body>")
    return html[:at] + tag + html[at:] if at != -1 else html + tag


class PreviewHandler(BaseHTTPRequestHandler):
    """Serves the preview folder safely, plus the live-reload script and event stream."""

    server: PreviewHTTPServer
    server_version = "PaperDigestPreview"

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the preview reports builds, not requests."""

    def do_GET(self) -> None:
        """Answer a GET."""
        self._respond(head=False)

    def do_HEAD(self) -> None:
        """Answer a HEAD: the GET's headers without its body."""
        self._respond(head=True)

    def _send(
        self,
        status: HTTPStatus,
        body: bytes,
        kind: str,
        head: bool,
        extra: Iterable[tuple[str, str]] = (),
        cache: str = "no-store",
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", cache)
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _respond(self, head: bool) -> None:
        request_path = urlsplit(self.path).path
        if request_path == EVENTS_PATH:
            self._stream_events()
            return
        if request_path.startswith(PREVIEW_PREFIX):
            asset = self.server.assets.get(request_path.removeprefix(PREVIEW_PREFIX))
            if asset is not None:
                self._send(HTTPStatus.OK, asset, content_type(Path(request_path)), head)
                return
        served = self.server.lookup(self.path)
        if served.status == HTTPStatus.NOT_FOUND and self.server.await_full_build(PENDING_SECONDS):
            served = self.server.lookup(self.path)
        if served.location:
            self._send(served.status, b"", "text/plain", head, [("Location", served.location)])
            return
        body = served.body
        if served.name.endswith(".html"):
            body = inject_live_script(body, page_hash(body))
        # as the published site: a fingerprinted asset never changes under its name (the tabs reload
        # without fetching them again); everything else is fetched afresh
        immutable = (
            served.status == HTTPStatus.OK
            and served.name != PLACEHOLDER  # a file that vanished under the request: never kept
            and request_path.startswith("/" + ASSETS_FOLDER)
        )
        cache = IMMUTABLE if immutable else "no-store"
        self._send(served.status, body, content_type(Path(served.name)), head, cache=cache)

    def _stream_events(self) -> None:
        """Server-sent events: the current state now, then every new one, until the tab goes away.

        A tab that names its page (`?page=/papers/x/&build=<hash it was served>`) is counted as
        viewing it, and gets its own state: told to reload only when its page's bytes changed."""
        server, channel = self.server, self.server.channel
        query = parse_qs(urlsplit(self.path).query)
        page, shown = query.get("page", [None])[0], query.get("build", [""])[0]
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        viewer = server.view(page, shown) if page is not None else None
        try:
            seen, _ = channel.next_state(-1, 0)
            sent = server.tab_state(page, shown) if page is not None else channel.state
            self.wfile.write(b"retry: 500\n\n" + sent.as_event())
            self.wfile.flush()
            while not channel.closed:
                seen, newer = channel.next_state(seen, KEEPALIVE_SECONDS)
                state = None if newer is None else server.tab_state(page, shown) if page is not None else newer
                if state is not None and state != sent:
                    sent = state
                    self.wfile.write(state.as_event())
                else:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
        except OSError:  # the tab was closed or reloaded
            return
        finally:
            if viewer is not None:
                server.unview(viewer)


class ClientsMayLeave(ThreadingHTTPServer):
    """A threading HTTP server for which a client that went away mid-answer (a tab closed or reloaded,
    `curl | head`, a browser cancelling a fetch) is no error: only anything else is logged, with its
    traceback. The tests serve built sites with it too."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


class PreviewHTTPServer(ClientsMayLeave):
    """A threading HTTP server that knows the preview folder and the live channel."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], site: Path, channel: LiveChannel, assets: dict[str, bytes]) -> None:
        self.site, self.channel, self.assets = site, channel, assets
        self._overlay: dict[str, bytes] = {}
        self._full_build_due = False
        """Pages are served ahead of a full build that is still to run (requests for the rest wait)."""
        self._overlay_replaced = threading.Condition()
        self._viewers: dict[int, tuple[str, str]] = {}
        """Each open tab's page (its URL path) and the hash of the bytes it was served."""
        self._viewers_changed = threading.Condition()
        self._next_viewer = 0
        self.on_site_missing: Callable[[], None] = lambda: None
        """Told when a request finds the output folder gone (deleted by hand while nothing builds)."""
        super().__init__(address, PreviewHandler)

    @property
    def overlay(self) -> dict[str, bytes]:
        """Files rendered ahead of the full build, by output path: served instead of the disk's until it
        is done. Always replaced whole, never changed in place, so a request sees one or the other."""
        return self._overlay

    @overlay.setter
    def overlay(self, files: dict[str, bytes]) -> None:
        with self._overlay_replaced:
            self._overlay, self._full_build_due = files, bool(files)
            self._overlay_replaced.notify_all()

    def full_build_off(self) -> None:
        """No full build is coming for the pages served ahead of it (the round ended without one, the
        generator's code failing to import): they stay served, and requests no longer wait."""
        with self._overlay_replaced:
            self._full_build_due = False
            self._overlay_replaced.notify_all()

    def await_full_build(self, seconds: float) -> bool:
        """Wait, at most `seconds`, until the full build that pages were served ahead of is over (done,
        or failed and the last good site is served whole); True if one was due. A link on a
        fast-rendered page then leads to its page once made, rather than to a 404."""
        with self._overlay_replaced:
            if not self._full_build_due:
                return False
            self._overlay_replaced.wait_for(lambda: not self._full_build_due, timeout=seconds)
            return True

    def lookup(self, request_path: str) -> Served:
        """What a GET of a site path answers: the in-memory file if there is one, else the disk's."""
        overlay, key = self.overlay, overlay_key(request_path)
        if key is not None and key in overlay:
            return Served(HTTPStatus.OK, overlay[key], key)
        path, query = urlsplit(request_path).path, urlsplit(request_path).query
        slash = request_path and not path.endswith("/")
        target, needs_slash = resolve_request(self.site, request_path)
        if needs_slash or (slash and key is not None and output_file(key + "/") in overlay):
            location = path + "/" + (f"?{query}" if query else "")
            return Served(HTTPStatus.MOVED_PERMANENTLY, b"", "", location)
        status = HTTPStatus.OK
        if target is None:
            if not (self.site / MARKER).exists():
                self.on_site_missing()
            status, target = HTTPStatus.NOT_FOUND, self.site / "404.html"
        try:
            return Served(status, target.read_bytes(), target.name)
        except OSError:
            return Served(status, self.placeholder(), PLACEHOLDER)

    def view(self, page: str, shown: str) -> int:
        """Count a tab as showing the page at a URL path, served as `shown`, until `unview` (its event
        stream closed)."""
        with self._viewers_changed:
            self._next_viewer += 1
            self._viewers[self._next_viewer] = (page, shown)
            self._viewers_changed.notify_all()
            return self._next_viewer

    def unview(self, viewer: int) -> None:
        """The tab no longer shows its page."""
        with self._viewers_changed:
            self._viewers.pop(viewer, None)
            self._viewers_changed.notify_all()

    def viewed(self) -> set[str]:
        """The output paths of the pages open in tabs now."""
        with self._viewers_changed:
            return {key for page, _ in self._viewers.values() if (key := overlay_key(page))}

    def await_tabs(self, seconds: float, cancelled: Callable[[], bool]) -> bool:
        """Wait until every page open in a tab is shown as it is served now (the tabs told to reload have
        loaded it again), at most `seconds` or until `cancelled`; True if they all are. A page counts
        as shown once one tab shows it: a reloaded tab's old event stream lingers until its next
        keep-alive, and is told apart from another tab on the same page by nothing."""
        deadline = time.monotonic() + seconds
        while True:
            with self._viewers_changed:
                tabs = list(self._viewers.values())
            shown: dict[str, bool] = {}  # the pages looked up outside the lock: tabs come and go meanwhile
            for page, served in tabs:
                shown[page] = shown.get(page, False) or page_hash(self.lookup(page).body) == served
            if all(shown.values()):
                return True
            left = deadline - time.monotonic()
            if left <= 0 or cancelled():
                return False
            with self._viewers_changed:
                if list(self._viewers.values()) == tabs:
                    self._viewers_changed.wait(min(left, 0.05))

    def tab_state(self, page: str, shown: str) -> LiveState:
        """The state of one tab: the hash of what its page is served with now, whether that is not
        what it shows (it reloads), and the problems of the last try."""
        now = page_hash(self.lookup(page).body)
        state = self.channel.state
        return replace(state, build=now, reload=now != shown)

    def placeholder(self) -> bytes:
        """What to serve before any build has succeeded: an empty page that shows the problems."""
        return b"<!doctype html><html lang=en><meta charset=utf-8><title>Preview</title><body></body></html>"


def free_port_after(host: str, port: int) -> int | None:
    """The first port after `port` that nothing listens on, to suggest when `port` is taken."""
    for candidate in range(port + 1, min(port + 50, 65536)):
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            try:
                probe.bind((host, candidate))
            except OSError:
                continue
            return candidate
    return None


def _code_imports() -> str:
    """ "" if the generator's changed code still imports, else the error it gives."""
    result = subprocess.run(
        [sys.executable, "-c", "import site_src.cli"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    return "" if result.returncode == 0 else (result.stderr.strip().splitlines() or ["import failed"])[-1]


class Superseded(Exception):
    """Files changed again while the full build ran: it stops, and the next round starts with them."""


def restart_process() -> None:
    """Replace this process by a fresh one with the same arguments (but no second --open)."""
    arguments = [a for a in sys.argv if a != "--open"]
    os.execv(sys.executable, [sys.executable, *arguments])  # noqa: S606 - our own command line


class Preview:
    """A build folder, a server for it and a watcher that keeps it current."""

    def __init__(
        self,
        options: BuildOptions,
        host: str = "127.0.0.1",
        port: int = 8000,
        log: Callable[[str], None] = print,
        restart: Callable[[], None] = restart_process,
    ) -> None:
        self.options = options
        self.log = log
        self.restart = restart
        self.channel = LiveChannel()
        self._stop = threading.Event()
        problems = Problems()
        assets = reader.load_static(Path(__file__).parent / "preview", problems)
        problems.raise_if_errors()
        try:
            self.server = PreviewHTTPServer((host, port), options.out_dir, self.channel, assets)
        except OSError as exc:
            where = Source(f"{host}:{port}")
            if exc.errno != errno.EADDRINUSE:  # a host that is no address of this machine, a privileged port
                reason = exc.strerror or str(exc)
                hint = "pass --host 127.0.0.1, or another address of this machine, and a --port above 1023"
                raise BuildError([Problem(where, f"cannot listen there: {reason}", hint)]) from None
            free = free_port_after(host, port)
            hint = f"try --port {free}" if free else "choose another port with --port"
            raise BuildError([Problem(where, "the port is in use", hint)]) from None
        self.url = f"http://{host}:{self.server.server_address[1]}/"
        if not options.base_url:
            self.options = replace(options, base_url=self.url)
        self.cache: BuildCache = load_cache(self.options)
        self.cache.input_keys = InputKeys()
        self.full_build: Callable[[Progress | None], BuildReport] = lambda progress: build(
            self.options, cache=self.cache, progress=progress
        )
        """The full build, told of its progress (tests wrap it, to see what is served while it runs)."""
        self._building = threading.Lock()
        self._gone_reported = False
        """A rebuild of the deleted output folder is asked for (one, until a build succeeds)."""
        self.server.on_site_missing = self._site_missing
        """One build or fast render at a time: they share the cache."""
        self._changes: set[Path] = set()
        """Files the watcher saw change and no round has handled yet."""
        self._changes_came = threading.Condition()
        self._threads: list[threading.Thread] = []

    def _failed(self, error: BuildError, what: str) -> None:
        lines = tuple(str(p) for p in sorted(error.problems, key=lambda p: p.warning))  # errors first
        self.channel.publish(replace(self.channel.state, problems=lines))  # the last good build's warnings kept
        self.log(f"{what} failed; still serving the last good build:\n  " + "\n  ".join(lines))

    def _check_superseded(self, stage: str, done: int, total: int) -> None:
        """The full build's progress: stop it (Superseded) if files changed again meanwhile, or the
        preview is stopping."""
        if self._changes or self._stop.is_set():
            raise Superseded(stage)

    def rebuild(self, interruptible: bool = False) -> BuildReport | None:
        """Build what changed and serve it all from disk; on success the tabs whose page changed reload,
        on failure they show the problems. An `interruptible` build stops when files change again
        (the viewed pages stay served from memory; the next round starts with the new changes)."""
        with self._building:
            try:
                report = self.full_build(self._check_superseded if interruptible else None)
            except Superseded:
                if not self._stop.is_set():  # else the preview is stopping (Ctrl+C): nothing starts over
                    self.log("Files changed again: the full build starts over.")
                return None
            except BuildError as error:
                self.server.overlay = {}  # the last good build, whole: no page of the build that failed
                self._failed(error, "Build")
                self.channel.notify()
                return None
            self.server.overlay = {}
            self._gone_reported = False
        shown = tuple(str(warning) for warning in report.warnings[:WARNINGS_SHOWN])
        self.channel.publish(LiveState(build_key(self.cache.files), warnings=shown, warning_count=len(report.warnings)))
        self.channel.notify()
        for warning in report.warnings:
            self.log(str(warning))
        self.log(report.summary())
        return report

    def render_viewed(self, changed: set[Path]) -> bool:
        """The fast phase: the pages open in tabs (and those of the edited files) rendered from the
        changed inputs and served from memory, so their tabs reload now; False when the inputs have
        problems (shown in the tabs; the full build is not worth running)."""
        wanted = self.server.viewed()
        if not wanted:
            return True  # nobody is looking: the full build alone
        wanted |= edited_pages(changed, self.options)
        with self._building:
            try:
                files = fast_render(self.options, self.cache, wanted)
            except BuildError as error:
                self.server.overlay = {}  # the last good build, whole
                self._failed(error, "Fast render")
                self.channel.notify()
                return False
            self.server.overlay = files
        self.channel.publish(replace(self.channel.state, problems=()))  # fixed: the overlay goes, the warnings stay
        self.channel.notify()
        return True

    def refresh(self, changed: set[Path]) -> BuildReport | None:
        """After a change to content or templates: the viewed pages first, then, once their tabs have
        loaded them (the full build runs in this process and would slow their requests down), the
        whole site."""
        if not self.render_viewed(changed):
            return None
        self.server.await_tabs(TABS_SECONDS, lambda: bool(self._changes) or self._stop.is_set())
        return self.rebuild(interruptible=True)

    def _watched(self) -> list[Path]:
        return [self.options.content_dir, self.options.templates_dir, CODE_DIR]

    def _site_missing(self) -> None:
        """The output folder was deleted while nothing was building (the watcher does not watch it):
        build it again, once, as if a file had changed."""
        if self._building.locked() or self._stop.is_set() or self._gone_reported or not self.cache.files:
            return  # the build under way makes it; or one is asked for; or no build has made a site yet
        self._gone_reported = True
        with self._changes_came:
            self._changes.add(self._site_gone)
            self._changes_came.notify()

    @property
    def _site_gone(self) -> Path:
        """The change that stands for a deleted output folder."""
        return self.options.out_dir / MARKER

    def _on_changes(self, changed: set[Path]) -> None:
        if changed == {self._site_gone}:
            self.log("The preview's folder is gone: building it again.")
            self.rebuild()
            return
        changed.discard(self._site_gone)
        if any(path.is_relative_to(CODE_DIR) and path.suffix == ".py" for path in changed):
            failure = _code_imports()
            if failure:
                self.channel.publish(replace(self.channel.state, problems=(f"site_src: {failure}",)))
                self.log(f"The generator's code does not import: {failure}")
                return
            self.log("The generator's code changed: restarting.")
            self.stop()
            self.restart()
            return
        self.refresh(changed)

    def _watch(self) -> None:
        """Collect changed files for `_work`, also while it builds (so that it can stop and start over)."""
        ignored = (self.options.out_dir.resolve(), PREVIEW_DIR.resolve())
        for changes in watchfiles.watch(*self._watched(), stop_event=self._stop, step=30, raise_interrupt=False):
            changed = {Path(path) for _, path in changes}
            changed = {p for p in changed if not any(p.is_relative_to(folder) for folder in ignored)}
            if changed and not self._stop.is_set():
                with self._changes_came:
                    self._changes |= changed
                    self._changes_came.notify()

    def _work(self) -> None:
        """Handle the changed files, all that came since the last round, one round at a time."""
        while not self._stop.is_set():
            with self._changes_came:
                self._changes_came.wait_for(lambda: bool(self._changes) or self._stop.is_set())
                changed, self._changes = self._changes, set()
            if changed and not self._stop.is_set():
                try:
                    self._on_changes(changed)
                finally:
                    with self._changes_came:
                        if not self._changes:  # no round follows to run the full build
                            self.server.full_build_off()

    def start(self) -> None:
        """Build once, then serve, watch and rebuild in background threads."""
        self.rebuild()
        for target in (self.server.serve_forever, self._watch, self._work):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self._threads.append(thread)

    def wait(self) -> None:
        """Block until the preview stops (Ctrl+C ends the wait)."""
        self._stop.wait()

    def stop(self) -> None:
        """Stop watching and serving; open tabs are released, and a full build in the background
        stops at its next page (waited for, so that nothing writes once the preview has stopped)."""
        self._stop.set()
        with self._changes_came:
            self._changes_came.notify_all()
        self.channel.close()
        self.server.overlay = {}  # requests waiting for the full build are answered now
        self.server.shutdown()
        self.server.server_close()
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(timeout=STOP_SECONDS)


def serve(options: BuildOptions, host: str, port: int, open_browser: bool) -> None:
    """Run the preview until Ctrl+C."""
    if options.out_dir.resolve() == (ROOT / "public").resolve():
        options = replace(options, out_dir=PREVIEW_DIR)
    preview = Preview(options, host, port)
    try:
        preview.start()
    except KeyboardInterrupt:  # during the first build: nothing is served or watched yet
        print()
        preview.server.server_close()
        return
    print(f"Serving {preview.url} from {reader.display_path(options.out_dir)}; watching content, templates and code.")
    print("Press Ctrl+C to stop.")
    if not (options.out_dir / MARKER).exists():
        print("The first build failed: fix the problems above, the preview rebuilds on save.")
    if open_browser:
        import webbrowser  # slow to import, and only needed here

        webbrowser.open(preview.url)
    try:
        preview.wait()
    except KeyboardInterrupt:
        print()
    finally:
        preview.stop()
