"""The preview server over HTTP: safe paths, right types, the site's 404, live state, busy ports."""

from __future__ import annotations

import http.client
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from site_src.errors import BuildError
from site_src.inputs.settings import BuildOptions
from site_src.serve.server import CODE_DIR, LiveState, Preview

from .helpers import load_cases, start_preview

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
