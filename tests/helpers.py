"""Shared helpers: small content trees, builds into temporary folders, and HTML reading."""

from __future__ import annotations

import contextlib
import functools
import io
import shutil
import threading
from collections.abc import Iterator, Mapping
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urlsplit

import lxml.html
import yaml

from site_src.build.builder import BuildReport, build
from site_src.cli import main
from site_src.inputs.settings import ROOT, TEMPLATES_DIR, BuildOptions
from site_src.serve.server import ClientsMayLeave, Preview

SHIPPED_CONTENT = ROOT / "content"
CASES = Path(__file__).parent / "cases"

ABSTRACT = (
    "We study how neural networks learn from data that arrives over time, and we propose a simple "
    "method that keeps what was learned before while learning new tasks. Experiments on three "
    "benchmarks show that the method forgets less than earlier approaches and needs no extra memory."
)
"""A realistic abstract: case files write ABSTRACT where they need one."""


def load_cases(name: str) -> list[dict[str, object]]:
    """The cases of a YAML case file in tests/cases/."""
    cases = yaml.safe_load((CASES / name).read_text(encoding="utf-8"))
    assert isinstance(cases, list) and cases
    return cases


NESTED = "[" * 5000 + "]" * 5000
"""A YAML list nested 5,000 levels deep: case files write NESTED where they need one."""


def expand(text: str) -> str:
    """Case text with its ABSTRACT and NESTED placeholders filled in."""
    return text.replace("ABSTRACT", ABSTRACT).replace("NESTED", NESTED)


def write_content(root: Path, files: Mapping[str, str | bytes], defaults: bool = True) -> Path:
    """A content folder under `root` holding `files` (paths relative to it), plus the shipped
    taxonomy and settings unless `files` gives its own or `defaults` is False."""
    content = root / "content"
    content.mkdir(parents=True, exist_ok=True)
    if defaults:
        for name in ("topics.yaml", "site.yaml"):
            if name not in files:
                shutil.copy(SHIPPED_CONTENT / name, content / name)
    for name, data in files.items():
        path = content / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    return content


def text_digest(date_line: str, papers: list[tuple[str, str]]) -> str:
    """A digest in the trending-page text format."""
    blocks = ["new", "Get trending papers in your email inbox!", "Subscribe", "byAK and the research community"]
    blocks.append(date_line)
    for title, abstract in papers:
        blocks += [title, abstract]
    return "\n\n".join(blocks) + "\n"


def build_into(content: Path, out: Path, **options: object) -> BuildReport:
    """Build `content` into `out`."""
    return build(BuildOptions(content_dir=content, out_dir=out, **options))  # type: ignore[arg-type]


def html(path: Path) -> lxml.html.HtmlElement:
    """A built page, parsed as a browser would."""
    return lxml.html.fromstring(path.read_bytes())


def page(out: Path, site_path: str) -> lxml.html.HtmlElement:
    """The built page for a site path such as "papers/x/"."""
    file = out / site_path / "index.html" if site_path.endswith("/") or not site_path else out / site_path
    return html(file)


def text_of(element: lxml.html.HtmlElement) -> str:
    """An element's visible text, whitespace collapsed."""
    return " ".join(element.text_content().split())


def resolve(out: Path, link: str, prefix: str = "/") -> Path | None:
    """The file a root-relative link serves from `out`, or None when nothing does."""
    path = unquote(urlsplit(link).path)
    if not path.startswith(prefix):
        return None
    relative = path[len(prefix) :]
    target = out / relative
    if target.is_dir() or relative == "" or relative.endswith("/"):
        target = target / "index.html"
    return target if target.is_file() else None


def internal_links(out: Path) -> Iterator[tuple[Path, str]]:
    """Every (page, link) pair whose link stays on the site: href and src of every HTML page."""
    for file in sorted(out.rglob("*.html")):
        tree = html(file)
        for element, attribute, link, _ in tree.iterlinks():
            if attribute not in ("href", "src") or element.tag == "form":
                continue
            target, _fragment = urldefrag(link)
            if target and not urlsplit(target).scheme and not target.startswith("//"):
                yield file, link


def start_preview(root: Path) -> Preview:
    """A running preview of copies of the golden site's content and of the templates, under `root`.

    Restarts (after a code change) are recorded in its `restarts` list instead of happening."""
    content, templates = root / "content", root / "templates"
    shutil.copytree(Path(__file__).parent / "golden/basic/content", content)
    shutil.copytree(TEMPLATES_DIR, templates)
    restarts: list[bool] = []
    running = Preview(
        BuildOptions(content_dir=content, out_dir=root / "site", templates_dir=templates),
        port=0,
        log=lambda _: None,
        restart=lambda: restarts.append(True),
    )
    running.restarts = restarts  # type: ignore[attr-defined]
    running.start()
    return running


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves files without a log line per request."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve_folder(folder: Path, handler: type[SimpleHTTPRequestHandler] = QuietHandler) -> Iterator[str]:
    """Serve a built site on 127.0.0.1 (a free port) for as long as the block runs; yields its URL."""
    server = ClientsMayLeave(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def run_add(*arguments: str) -> tuple[int, str, str]:
    """`build.py add …` on the working folder's content/: its exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["add", *arguments, "--content", "content"])
    return code, out.getvalue(), err.getvalue()


TEMPLATE_BREAKS = [
    (
        '<h1 dir="auto">{{ page.title }}</h1>',
        "{% if page.title %}",
        "templates/paper.html:{endblock}: Encountered unknown tag 'endblock'",
    ),
    (
        '<h1 dir="auto">{{ page.title }}</h1>',
        '<h1 dir="auto">{{ page.titel }}</h1>',
        "templates/paper.html:{edited}: 'site_src.pages.kinds.PaperPage object' has no attribute 'titel'",
    ),
    (
        '<h1 dir="auto">{{ page.title }}</h1>',
        "<h1>{{ site.asset('missing.css') }}</h1>",
        'templates/paper.html:{edited}: no static asset "missing.css" in templates/static/',
    ),
]
"""Ways to break paper.html (what to replace, with what) and the error they must give (see
`at_template_line`): a syntax error, an undefined variable, a missing asset."""


def at_template_line(message: str, template: str, edit: str) -> str:
    """An expected template error with its line filled in: {edited}, the line holding `edit`, or
    {endblock}, the template's last block end (where an unclosed tag is noticed)."""
    lines = template.splitlines()
    return message.format(
        edited=next(n for n, line in enumerate(lines, 1) if edit in line),
        endblock=max(n for n, line in enumerate(lines, 1) if "{% endblock %}" in line),
    )
