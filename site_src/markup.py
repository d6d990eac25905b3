"""Untrusted text, shown safely: cleaned to one line, shortened, turned into Markdown that shows it
literally, and Markdown into safe HTML.

Titles and abstracts come from a web page and may contain anything, including Markdown or HTML
syntax; they must show as the text they are. Web addresses in them become links. The renderer
has raw HTML off, and markdown-it's link validation drops `javascript:` and similar schemes.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")
"""Control characters but tab and line feed, and the noncharacters of the first plane (XML forbids
most of them, HTML all)."""
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
"""Bidirectional embeddings, overrides and isolates: one left open in a title or a name reverses the
text after it too, up to the end of the line (a co-author's name, the site's name in <title>)."""
_UNWANTED = re.compile(f"{CONTROL.pattern}|{_BIDI.pattern}")


IGNORABLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
"""Unicode's default-ignorable code points: drawn as nothing where they cannot join or shape
(soft hyphens, zero-width characters, variation selectors, Hangul fillers), and left out when
titles are compared (a soft hyphen copied from a web page makes no other paper)."""
_ASCII_SHOWN = re.compile("[!-~]")


def shows_nothing(text: str) -> bool:
    """Whether a text has no character that is drawn: only spaces, control and format characters,
    default-ignorable ones, and the blank braille pattern. A title of only these showed as an empty
    heading and an empty link."""
    if _ASCII_SHOWN.search(text):
        return False
    return all(unicodedata.category(c)[0] in "ZC" or c == "\u2800" or IGNORABLE.match(c) for c in text)


def clean_text(text: str) -> str:
    """One line of text: control characters turned into spaces (XML forbids them), bidirectional
    controls removed, whitespace collapsed; nothing at all when nothing in it would show."""
    if _UNWANTED.search(text):
        text = _BIDI.sub("", CONTROL.sub(" ", text))
    text = " ".join(text.split())
    return "" if text and shows_nothing(text) else text


_PARAGRAPH_BREAK = re.compile(r"(?>\r\n|\r|\n)[ \t]*(?>\r\n|\r|\n)")
"""A blank line, whichever line ends the text has (an API's text may end lines as Windows does)."""


def clean_paragraphs(text: str) -> str:
    """Text that may hold paragraphs (an abstract): each made one line (hard wraps undone by
    `clean_text`), one blank line between them."""
    return "\n\n".join(part for part in map(clean_text, _PARAGRAPH_BREAK.split(text)) if part)


def shorten(text: str, limit: int) -> str:
    """The start of a text (as one line), cut at a word boundary, with an ellipsis when anything was cut."""
    if "\n" in text:
        text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.-")
    return f"{cut}…"


def quoted(text: str, limit: int = 60) -> str:
    """A value quoted in a message: one line, at most `limit` characters, whatever the value holds."""
    return f'"{shorten(clean_text(text), limit)}"'


_URL = re.compile(r"(?<![\w@/.])(?:https?://|www\.)[^\s<>\"'`{}|\\^\[\]]+", re.IGNORECASE)
"""A web address: a scheme or www. followed by characters that may appear in one."""
_TRAILING = ".,;:!?*'\""
"""Punctuation that ends a sentence rather than an address."""
_CLOSERS = {")": "("}
_HOST = re.compile(r"(?:[\w-]+\.)+[\w-]{2,}(?::\d{1,5})?")
"""A host name with at least one dot (so not localhost), and maybe a port."""


@dataclass(frozen=True)
class WebLink:
    """A web address found in text (the interface markdown-it's linkify rule expects)."""

    index: int
    last_index: int
    text: str
    url: str
    schema: str = "https:"


def _trim(candidate: str) -> str:
    """Drop trailing punctuation, and closing brackets that the address did not open."""
    while candidate:
        last = candidate[-1]
        if last in _TRAILING or (last in _CLOSERS and candidate.count(last) > candidate.count(_CLOSERS[last])):
            candidate = candidate[:-1]
        else:
            break
    return candidate


def _link(match: re.Match[str]) -> WebLink | None:
    """The address a regex match holds, or None when it is no address (no dot in the host)."""
    raw = _trim(match.group(0))
    has_scheme = raw[:8].lower().startswith(("http://", "https://"))
    rest = raw.split("://", 1)[1] if has_scheme else raw
    if not _HOST.fullmatch(re.split(r"[/?#]", rest, maxsplit=1)[0]):
        return None
    url = raw if has_scheme else f"http://{raw}"
    return WebLink(match.start(), match.start() + len(raw), raw, url)


def find_links(text: str) -> list[WebLink]:
    """Every web address in a text, with its position; fast enough for 50k abstracts."""
    if "://" not in text and "www." not in text.lower():  # most abstracts: skip the regex scan
        return []
    return [link for match in _URL.finditer(text) if (link := _link(match))]


class _Linkify:
    """Plugs `find_links` into markdown-it, so that notes and abstracts find the same links."""

    def pretest(self, text: str) -> bool:
        return "://" in text or "www." in text.lower()

    def test(self, text: str) -> bool:
        return self.pretest(text) and bool(find_links(text))

    def match(self, text: str) -> list[WebLink]:
        return find_links(text)

    def match_at_start(self, text: str) -> WebLink | None:
        match = _URL.match(text)
        return _link(match) if match else None


_RENDERER = MarkdownIt("commonmark", {"html": False, "linkify": True}).enable(["linkify", "table", "strikethrough"])
_RENDERER.linkify = _Linkify()

_INLINE_SYNTAX = re.compile(r"([\\`*_\[\]<>!&~|#])")
"""Characters that can start Markdown syntax anywhere in a line."""
_ORDERED_LIST = re.compile(r"^(\d{1,9})([.)])")
"""A number that would start an ordered list at the beginning of a paragraph."""

CODE_HOSTS = frozenset(
    {"github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "huggingface.co", "hf.co", "sourceforge.net"}
)
"""Hosts whose links in an abstract are listed as the paper's code."""
_HUB_HOSTS = ("huggingface.co", "hf.co")
_HUB_KINDS = {"datasets": "Dataset", "spaces": "Demo"}
"""What the Hugging Face hub holds under these first parts of a path (`<kind>/<owner>/<name>`)."""
_HUB_SECTIONS = frozenset(
    {"docs", "blog", "papers", "collections", "learn", "models", "tasks", "posts", "chat", "organizations"}
    | {"transformers", "course", "api", "settings", "metrics", "join", "changelog", "users", "inference-endpoints"}
)
"""The hub's own pages, whose first part is no owner: `<owner>/<name>` anywhere else is a model."""


def _host(url: str) -> str:
    """An address's host without `www.`."""
    return (urlsplit(url).hostname or "").removeprefix("www.")


def code_label(url: str) -> str:
    """What a link listed with a paper's code holds: "Code", unless it is on the Hugging Face hub,
    which holds no code: a dataset, a space ("Demo"), a model, or any other page of the hub (a
    paper's, an organisation's, a collection: "Hugging Face"). Each of those was labelled "Code",
    and `has:code` found it."""
    host = _host(url)
    if host.endswith(tuple(f".{hub}" for hub in _HUB_HOSTS)):
        return "Hugging Face"  # its forum, its status page
    if host not in _HUB_HOSTS:
        return "Code"
    owner, _, name = urlsplit(url).path.strip("/").partition("/")
    if owner in _HUB_KINDS and name:
        return _HUB_KINDS[owner]
    return "Model" if name and owner not in _HUB_SECTIONS else "Hugging Face"


def _escape_plain(text: str, at_start: bool) -> str:
    escaped = _INLINE_SYNTAX.sub(r"\\\1", text)
    if at_start:
        escaped = _ORDERED_LIST.sub(r"\1\\\2", escaped)
        if escaped[:1] in ("-", "+", "="):  # a bullet list, a rule or a heading underline
            escaped = "\\" + escaped
    return escaped


def _link_target(url: str) -> str:
    """A link destination that cannot break out of `<...>` in Markdown."""
    return url.replace(" ", "%20").replace("<", "%3C").replace(">", "%3E")


def text_to_markdown(text: str) -> str:
    """Markdown that renders as exactly `text` (its paragraphs, see `clean_paragraphs`), with web
    addresses as links."""
    return "\n\n".join(map(_paragraph_to_markdown, clean_paragraphs(text).split("\n\n")))


def _paragraph_to_markdown(text: str) -> str:
    pieces: list[str] = []
    position = 0
    for link in find_links(text):
        pieces.append(_escape_plain(text[position : link.index], at_start=position == 0))
        label = _escape_plain(link.text, at_start=False)
        pieces.append(f"[{label}](<{_link_target(link.url)}>)")
        position = link.last_index
    pieces.append(_escape_plain(text[position:], at_start=position == 0))
    return "".join(pieces)


@functools.lru_cache(maxsize=1 << 16)
def code_links(text: str) -> tuple[str, ...]:
    """Addresses in a text that point at code hosts (GitHub, GitLab, Hugging Face, ...); remembered,
    as the preview looks for them in the same abstracts at every save."""
    found: list[str] = []
    for url in (link.url for link in find_links(text)):
        if _host(url) in CODE_HOSTS and url not in found:
            found.append(url)
    return tuple(found)


_GIT_HOSTS = frozenset({"github.com", "gitlab.com", "bitbucket.org", "codeberg.org"})
"""Hosts whose repository names are the same in any case."""
_HUB_DEFAULT = re.compile(r"^(/[^/]+/[^/]+)/tree/main$")
"""A repository of the hub at its default branch (always main there)."""
_HUB_PAPER = re.compile(r"^/papers/(?:arxiv:)?([^/]+?)(?:v\d+)?$")
_REPOSITORY = re.compile(r"^/([^/]+)/([^/]+?)(?:\.git)?(/.*)?$")
"""A path on a git host: the owner and the repository (whose names are the same in any case)."""


def link_place(url: str) -> str:
    """What an address points at, for telling two spellings of one apart: its host without `www.`
    (hf.co as huggingface.co), its path without a final slash; on a git host the owner and the
    repository in lower case and without `.git` (the rest of the path as written: files and
    branches differ by case); on the hub a repository without `/tree/main`, and a paper page
    without `arxiv:` or a version; and its query."""
    parts = urlsplit(url)
    host = _host(url)
    host = "huggingface.co" if host == "hf.co" else host
    path = parts.path.rstrip("/")
    if host in _GIT_HOSTS and (found := _REPOSITORY.match(path)):
        owner, repository, rest = found.groups()
        path = f"/{owner.lower()}/{repository.lower()}{rest or ''}"
    elif host == "huggingface.co":
        path = _HUB_PAPER.sub(r"/papers/\1", _HUB_DEFAULT.sub(r"\1", path))
    return f"{host}{path}?{parts.query}"


def distinct_links(urls: Iterable[str], listed: Collection[str] = ()) -> tuple[str, ...]:
    """The first of each place among `urls` (`link_place`), leaving out places `listed` elsewhere:
    a model written as huggingface.co/x/m and as hf.co/x/m was listed twice, and a paper's own
    Hugging Face page, linked with its arXiv id, again as a code link."""
    seen, kept = set(listed), []
    for url in urls:
        if (place := link_place(url)) not in seen:
            seen.add(place)
            kept.append(url)
    return tuple(kept)


def _relink(tokens: Sequence[Token], relink: Callable[[str], str]) -> None:
    """Pass every link's and image's address through `relink`, nested tokens included."""
    for token in tokens:
        attribute = {"link_open": "href", "image": "src"}.get(token.type)
        address = token.attrGet(attribute) if attribute else None
        if attribute and isinstance(address, str):
            token.attrSet(attribute, relink(address))
        if token.children:
            _relink(token.children, relink)


BARE_URL_CLASS = "bare-url"
"""The class of a link whose text is its own address (print shows the address after every other)."""
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def _shows_its_address(text: str, href: str) -> bool:
    """Whether a link's text is its address, give or take the scheme and a final slash."""

    def bare(url: str) -> str:
        return _SCHEME.sub("", unquote(url.strip())).rstrip("/").lower()

    return bare(text) == bare(href)


def _mark_bare_links(tokens: Sequence[Token]) -> None:
    """Give every link whose whole text is its address the class `BARE_URL_CLASS`."""
    for token in tokens:
        children = token.children or []
        for opening, text, closing in zip(children, children[1:], children[2:], strict=False):
            href = opening.attrGet("href") if opening.type == "link_open" else None
            if (
                isinstance(href, str)
                and text.type == "text"
                and closing.type == "link_close"
                and _shows_its_address(text.content, href)
            ):
                opening.attrJoin("class", BARE_URL_CLASS)


_CHECKER = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
_CHECKER.validateLink = lambda url: True  # type: ignore[method-assign] # every address is seen, to be checked here
_UNSAFE_SCHEME = re.compile(r"(?:javascript|vbscript|file|data):", re.IGNORECASE)
"""The schemes markdown-it's own link check drops (its pages never link to them)."""
_REMOTE = re.compile(r"(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)
"""An address with a scheme or a host: not a path of the site."""
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^>]*)>")
_ACTIVE_TAGS = frozenset(
    [
        "script",
        "style",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "svg",
        "math",
        "img",
        "image",
        "picture",
        "video",
        "audio",
        "source",
        "track",
        "form",
        "input",
        "button",
        "select",
        "textarea",
        "option",
        "link",
        "meta",
        "base",
        "template",
        "noscript",
        "title",
        "xmp",
        "plaintext",
        "marquee",
        "portal",
    ]
)
"""Elements that load, run or restyle something in the page that shows them; with any attribute
(an event handler, a link), any element can. A bare unknown tag (`<eos>`, `Vec<T>`, common in ML
notes) cannot, and an HTML comment neither."""


def _active_html(html: str) -> str | None:
    """The first tag in a piece of raw HTML that could load or run something, if any: never an end tag,
    which does neither (`<script>` and `</script>` in a line of text, two pieces of inline HTML, were
    two errors, the end tag's told first)."""
    for found in _TAG.finditer(html):
        if not found[1] and (found[2].lower() in _ACTIVE_TAGS or found[3].strip(" /")):
            return found[0]
    return None


class _Places:
    """Where things are in one block of Markdown (lines `start` to `end` of `lines`), found in the
    order the parser gives them: each search starts past the last thing found, so that two links to
    one address, or to addresses that begin alike, are each told at their own line."""

    def __init__(self, lines: list[str], start: int, end: int) -> None:
        self.lines, self.start, self.end = lines, start, end
        self.after = 0
        """Where in the block's text (lowercased) the next search starts."""

    @functools.cached_property
    def text(self) -> str:
        """The block, lowercased: made only for a block with a link, an image or a tag."""
        return "\n".join(self.lines[self.start : self.end]).lower()

    def line_of(self, least: int, *texts: str) -> int:
        """The line of the next occurrence of the first of `texts` found, but never before `least`
        (the line breaks counted before it), which it is when none is there as written (an entity
        decoded)."""
        for text in texts:
            found = self.text.find(text.lower(), self.after)
            if found >= 0:
                self.after = found + 1
                return max(least, self.start + self.text.count("\n", 0, found))
        return least


def markdown_problems(source: str) -> list[tuple[int, str, str]]:
    """What in the curator's Markdown the site's pages leave out or would show broken, but another
    Markdown reader of its published twin (index.md) would run: raw HTML that could load or run
    something (an element such as <script>, or any tag with attributes), links to javascript:,
    vbscript:, file: or data: addresses, and images from elsewhere (the site's security policy
    blocks them); and control characters, which no page can hold. Each as (line in `source`,
    counted from 0, as close as the parser tells; what; how to fix it)."""
    found = [
        (source.count("\n", 0, control.start()), f"character U+{ord(control.group()):04X}", "delete it")
        for control in CONTROL.finditer(source)
    ]
    if not any(mark in source for mark in ("<", ":", "&", "![")):  # most notes: nothing more (&colon; is ":")
        return found
    lines = source.split("\n")
    for token in _CHECKER.parse(source):
        start, end = token.map if token.map else (0, 1)
        places = _Places(lines, start, end)
        line = start  # an inline item's, at least: its paragraph's first line and the line breaks before it
        for item in [token, *(token.children or [])]:
            if item.type in ("softbreak", "hardbreak"):
                line += 1
            if item.type in ("html_block", "html_inline") and (tag := _active_html(item.content)):
                hint = "write it in Markdown, or escape the < as \\<"
                found.append((places.line_of(line, tag), f"raw HTML {quoted(tag, 40)}", hint))
            address = item.attrGet("href") if item.type == "link_open" else item.attrGet("src")
            if item.type not in ("link_open", "image") or not isinstance(address, str):
                continue
            # an address decoded from &colon; is not there as written, nor a reference image's
            at = places.line_of(line, address[:12], *([f"![{item.content}"] if item.type == "image" else []))
            if _UNSAFE_SCHEME.match(address) and item.type == "link_open":
                found.append((at, f"a link to {quoted(address, 30)}", "link to an https:// address"))
            elif item.type == "image" and _REMOTE.match(address):
                hint = "the site's security policy shows only its own images: link to it, [text](address)"
                found.append((at, f"an image from elsewhere, {quoted(address, 40)}", hint))
    return found


def render_markdown(source: str, relink: Callable[[str], str] | None = None) -> str:
    """HTML for a Markdown body: raw HTML is shown as text and unsafe link schemes are dropped.

    `relink` rewrites each link and image address (after markdown-it has checked and normalised
    it): the site passes `SiteUrls.site_link`, so that "/x" works on a site published below a folder.
    A link whose text is its address gets the class "bare-url", so that print does not repeat it.
    Each paragraph takes its direction from its own first letters (`dir="auto"`): an Arabic or
    Hebrew abstract under an English heading read from the left, its punctuation misplaced."""
    tokens = _RENDERER.parse(source)
    if relink is not None:
        _relink(tokens, relink)
    _mark_bare_links(tokens)
    for token in tokens:
        if token.type == "paragraph_open" and not token.hidden:
            token.attrSet("dir", "auto")
    html: str = _RENDERER.renderer.render(tokens, _RENDERER.options, {})
    return html
