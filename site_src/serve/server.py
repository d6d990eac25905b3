"""The preview server the curator keeps open all day: build, serve, watch, rebuild, reload.

It builds into its own folder (`.preview/`, never `public/`, so a preview with local addresses
can't be published by mistake), serves it on 127.0.0.1, and watches the content, the templates
and the generator's code. A change to content or templates is rebuilt incrementally (only what
changed is parsed, rendered and written) and every open tab reloads through server-sent events;
the reload script is added to pages as they are served, never to the files. A build that fails
leaves the last good site served and shows its problems over the page, until the file is fixed.
A change to the generator's own code restarts the server process, once the new code imports.
"""

from __future__ import annotations

import errno
import json
import mimetypes
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import watchfiles

from site_src.build.cache import BuildCache
from site_src.build.keys import build_key
from site_src.build.output import MARKER
from site_src.build.pipeline import BuildReport, build, load_cache
from site_src.errors import BuildError, Problem, Problems, Source
from site_src.inputs import reader
from site_src.inputs.settings import ROOT, BuildOptions

PREVIEW_DIR = ROOT / ".preview"
PREVIEW_PREFIX = "/_preview/"
EVENTS_PATH = PREVIEW_PREFIX + "events"
KEEPALIVE_SECONDS = 15.0
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
    """What the open tabs should show: the build they should be on, or the problems of the last try."""

    build: str
    problems: tuple[str, ...] = ()

    def as_event(self) -> bytes:
        """The state as one server-sent event."""
        data = json.dumps({"build": self.build, "problems": list(self.problems)}, sort_keys=True)
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


def resolve_request(site: Path, request_path: str) -> tuple[Path | None, bool]:
    """The file a URL path names inside `site`, and whether a folder was asked for without its slash.

    Refuses anything that could leave the site: `..` segments (also percent-encoded), backslashes,
    NUL bytes, hidden files and symbolic links that point outside.
    """
    path = unquote(urlsplit(request_path).path)
    if "\x00" in path or "\\" in path:
        return None, False
    parts = [part for part in path.split("/") if part not in ("", ".")]
    if any(part == ".." or part.startswith(".") for part in parts):
        return None, False
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
    return (target, False) if target.is_file() else (None, False)


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
        self, status: HTTPStatus, body: bytes, kind: str, head: bool, extra: Iterable[tuple[str, str]] = ()
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
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
        target, needs_slash = resolve_request(self.server.site, self.path)
        if needs_slash:
            query = urlsplit(self.path).query
            location = request_path + "/" + (f"?{query}" if query else "")
            self._send(HTTPStatus.MOVED_PERMANENTLY, b"", "text/plain", head, [("Location", location)])
            return
        status = HTTPStatus.OK
        if target is None:
            status, target = HTTPStatus.NOT_FOUND, self.server.site / "404.html"
        try:
            body = target.read_bytes()
        except OSError:
            body, target = self.server.placeholder(), Path("placeholder.html")
        if target.suffix == ".html":
            body = inject_live_script(body, self.server.channel.state.build)
        self._send(status, body, content_type(target), head)

    def _stream_events(self) -> None:
        """Server-sent events: the current state now, then every new one, until the tab goes away."""
        channel = self.server.channel
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        try:
            self.wfile.write(b"retry: 500\n\n" + channel.state.as_event())
            self.wfile.flush()
            seen, _ = channel.next_state(-1, 0)
            while not channel.closed:
                seen, state = channel.next_state(seen, KEEPALIVE_SECONDS)
                self.wfile.write(state.as_event() if state else b": keep-alive\n\n")
                self.wfile.flush()
        except OSError:  # the tab was closed or reloaded
            return


class PreviewHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server that knows the preview folder and the live channel."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], site: Path, channel: LiveChannel, assets: dict[str, bytes]) -> None:
        self.site, self.channel, self.assets = site, channel, assets
        super().__init__(address, PreviewHandler)

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
            if exc.errno != errno.EADDRINUSE:
                raise
            free = free_port_after(host, port)
            hint = f"try --port {free}" if free else "choose another port with --port"
            raise BuildError([Problem(Source(f"{host}:{port}"), "the port is in use", hint)]) from None
        self.url = f"http://{host}:{self.server.server_address[1]}/"
        if not options.base_url:
            self.options = replace(options, base_url=self.url)
        self.cache: BuildCache = load_cache(self.options)
        self._threads: list[threading.Thread] = []

    def rebuild(self) -> BuildReport | None:
        """Build what changed; on success the tabs reload, on failure they show the problems."""
        try:
            report = build(self.options, cache=self.cache)
        except BuildError as error:
            lines = tuple(str(p) for p in error.problems)
            self.channel.publish(LiveState(self.channel.state.build, lines))
            self.log("Build failed; still serving the last good build:\n  " + "\n  ".join(lines))
            return None
        build_id = build_key(self.cache.files)
        self.channel.publish(LiveState(build_id))
        for warning in report.warnings:
            self.log(str(warning))
        self.log(report.summary())
        return report

    def _watched(self) -> list[Path]:
        return [self.options.content_dir, self.options.templates_dir, CODE_DIR]

    def _on_changes(self, changed: set[Path]) -> None:
        if any(path.is_relative_to(CODE_DIR) and path.suffix == ".py" for path in changed):
            failure = _code_imports()
            if failure:
                self.channel.publish(LiveState(self.channel.state.build, (f"site_src: {failure}",)))
                self.log(f"The generator's code does not import: {failure}")
                return
            self.log("The generator's code changed: restarting.")
            self.stop()
            self.restart()
            return
        self.rebuild()

    def _watch(self) -> None:
        ignored = (self.options.out_dir.resolve(), PREVIEW_DIR.resolve())
        for changes in watchfiles.watch(*self._watched(), stop_event=self._stop, step=30, raise_interrupt=False):
            changed = {Path(path) for _, path in changes}
            changed = {p for p in changed if not any(p.is_relative_to(folder) for folder in ignored)}
            if changed and not self._stop.is_set():
                self._on_changes(changed)

    def start(self) -> None:
        """Build once, then serve and watch in background threads."""
        self.rebuild()
        for target in (self.server.serve_forever, self._watch):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self._threads.append(thread)

    def wait(self) -> None:
        """Block until the preview stops (Ctrl+C ends the wait)."""
        self._stop.wait()

    def stop(self) -> None:
        """Stop watching and serving; open tabs are released."""
        self._stop.set()
        self.channel.close()
        self.server.shutdown()
        self.server.server_close()


def serve(options: BuildOptions, host: str, port: int, open_browser: bool) -> None:
    """Run the preview until Ctrl+C."""
    if options.out_dir.resolve() == (ROOT / "public").resolve():
        options = replace(options, out_dir=PREVIEW_DIR)
    preview = Preview(options, host, port)
    preview.start()
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
