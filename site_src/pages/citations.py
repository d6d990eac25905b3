"""Citations: BibTeX in the form arXiv recommends (a `@misc` with `eprint`, `archivePrefix`, `doi` and
`url` for a paper with an arXiv identifier, a `@misc` pointing at its page for one without), and
COinS, which lets a citation manager save every paper of a list at once.

Titles and names are untrusted text: TeX's special characters are written as commands and accented
Latin letters as TeX accents, so that BibTeX (8-bit) and biber both read every entry; other scripts
stay UTF-8, which both pass through. Braces are always balanced, whatever the text holds.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from slugify import slugify

from site_src.build.output import OutputFile
from site_src.catalog.model import Catalog, Paper
from site_src.pages.urls import SiteUrls, bibtex_file, digest_path, paper_path, query_string, topic_path

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
}
_ACCENTS = {
    "\u0300": "`",
    "\u0301": "'",
    "\u0302": "^",
    "\u0303": "~",
    "\u0304": "=",
    "\u0306": "u",
    "\u0307": ".",
    "\u0308": '"',
    "\u030a": "r",
    "\u030b": "H",
    "\u030c": "v",
    "\u0327": "c",
    "\u0328": "k",
}
"""Combining marks and the TeX accent commands that make them."""
_LETTERS = {
    "ß": r"{\ss}",
    "æ": r"{\ae}",
    "Æ": r"{\AE}",
    "œ": r"{\oe}",
    "Œ": r"{\OE}",
    "ø": r"{\o}",
    "Ø": r"{\O}",
    "ł": r"{\l}",
    "Ł": r"{\L}",
    "ı": r"{\i}",
    "đ": r"{\dj}",
    "Đ": r"{\DJ}",
}
_NEEDS_WORK = re.compile(r"[\\{}$&%#_^~<>]|[^\x00-\x7f]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _character(char: str) -> str:
    """One character as TeX: a command, a letter with its accent, or itself."""
    if char in _LETTERS:
        return _LETTERS[char]
    base, marks = (decomposed := unicodedata.normalize("NFD", char))[0], decomposed[1:]
    if marks and base.isascii() and all(mark in _ACCENTS for mark in marks):
        text = "\\i" if base == "i" else base  # a dotless i takes the accent
        for mark in marks:
            text = f"\\{_ACCENTS[mark]}{{{text}}}" if _ACCENTS[mark].isalpha() else f"\\{_ACCENTS[mark]}{text}"
        return "{" + text + "}"
    return char


_UNBALANCED = {"{": r"\textbraceleft{}", "}": r"\textbraceright{}"}
"""BibTeX counts every brace, escaped or not: braces that do not pair up are written as commands."""


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def tex(text: str) -> str:
    """Untrusted text as the value of a BibTeX field."""
    text = " ".join(_CONTROL.sub(" ", text).split())
    if not _NEEDS_WORK.search(text):
        return text
    special = _SPECIAL if _balanced(text) else {**_SPECIAL, **_UNBALANCED}
    return "".join((special.get(char) or _character(char)) if _NEEDS_WORK.match(char) else char for char in text)


def _name(name: str) -> str:
    """An author: "First Last" (or "Last, First", "Last, Jr, First") as BibTeX reads it; a name holding
    the word "and", or more than two commas (which BibTeX refuses: an organisation), kept whole."""
    written = tex(name)
    whole = written.count(",") > 2 or re.search(r"(?i)(?:^|\s)and(?:\s|$)", written)
    return f"{{{written}}}" if whole else written


@functools.lru_cache(maxsize=65536)
def _ascii_word(text: str) -> str:
    """A word in ASCII letters (slugify is slow, and the same words recur across thousands of titles;
    most are ASCII letters already, which slugify only lower-cases: a fifth of the citation keys'
    time in a day's build at 10k papers went to slugifying them)."""
    if text.isascii() and text.isalpha():
        return text.lower()
    return slugify(text, separator="")


_TITLE_WORD = re.compile(r"[^\W\d_]{3,}")
KEY_WORD_MAX = 20
"""Letters kept of the surname and of the title word in a key (a 400-letter word made a 400-letter key)."""
_SMALL_WORDS = frozenset(
    {"the", "and", "for", "with", "from", "into", "towards", "toward", "via", "are", "how", "what"}
)


@functools.lru_cache(maxsize=1 << 17)
def _base_key(title: str, first_author: str, year: str, slug: str) -> str:
    """Surname, year and first title word, as arXiv's and Google Scholar's keys are: smith2022closer
    (remembered: the preview makes every key at every save, 0.3 s at 50k papers otherwise)."""
    names = first_author.split(",", 1)[0].split()  # "Last, First" names its surname first
    surname = _ascii_word(names[-1])[:KEY_WORD_MAX] if names else ""
    found = (match.group() for match in _TITLE_WORD.finditer(title))  # up to the first word used, not all
    words = (w for w in map(_ascii_word, found) if w and w not in _SMALL_WORDS)
    key = f"{surname}{year}{next(words, '')[:KEY_WORD_MAX]}"
    if key:
        return key
    named = slug.replace("-", "")[:20]  # a slug of nothing but a fingerprint says "paper" already
    return named if named.startswith("paper") else f"paper{named}"


class _KeysMade(NamedTuple):
    """Keys made for a list of papers, with what remaking them for a few changed papers needs."""

    papers: list[Paper]
    bases: list[str]
    """Each paper's `_base_key`, in the papers' order."""
    members: dict[str, list[int]]
    """Each base key -> the places in `papers` of the papers that have it (in no particular order)."""
    keys: dict[str, str]
    """Paper slug -> its key."""


_LAST_KEYS: list[_KeysMade] = []
"""The keys made last: the preview asks at every save, mostly for the same papers (the same objects,
so comparing them is cheap), and making them took 0.1 s at 50k."""

_REMADE_UP_TO = 100
"""Changed papers (the same places, other objects) for which the last keys are remade in part rather
than all made again (a save in the preview changes one or a few: 25 ms at 10k papers otherwise)."""


def citation_keys(papers: Iterable[Paper]) -> Mapping[str, str]:
    """Each paper's key, unique across the site: papers with the same key are numbered in the order
    they were first listed (the first keeps the plain key), so a new digest never renames a key."""
    papers = list(papers)
    last = _LAST_KEYS[0] if _LAST_KEYS else None
    if last is not None and last.papers == papers:
        return last.keys
    made = (_remade_keys(last, papers) if last is not None else None) or _made_keys(papers)
    _LAST_KEYS[:] = [made]
    return made.keys


def _base_of(paper: Paper) -> str:
    """A paper's key before numbering (`_base_key`)."""
    author = paper.meta.authors[0] if paper.meta.authors else ""
    return _base_key(paper.title, author, paper.meta.year, paper.slug)


def _made_keys(papers: list[Paper]) -> _KeysMade:
    bases = [_base_of(paper) for paper in papers]
    members: dict[str, list[int]] = defaultdict(list)
    for place, base in enumerate(bases):
        members[base].append(place)
    keys: dict[str, str] = {}
    for base, places in members.items():
        _number(base, [papers[place] for place in places], keys)
    return _KeysMade(papers, bases, dict(members), keys)


def _number(base: str, group: list[Paper], keys: dict[str, str]) -> None:
    """The keys of the papers that share `base`: the first listed keeps it, the others are numbered."""
    if len(group) > 1:
        group.sort(key=lambda p: (p.first_seen, p.slug))
    for number, paper in enumerate(group, start=1):
        keys[paper.slug] = base if number == 1 else f"{base}{number}"


def _remade_keys(last: _KeysMade, papers: list[Paper]) -> _KeysMade | None:
    """`_made_keys(papers)`, from the last keys where `papers` differ from their papers only in a few
    places (not in their number): only the keys of the bases those places had or now have are made
    again. None otherwise."""
    if len(papers) != len(last.papers) or len(last.keys) != len(last.papers):
        return None  # (the second: two papers with one slug, which no catalog has)
    changed = [place for place, (old, new) in enumerate(zip(last.papers, papers, strict=True)) if old is not new]
    if len(changed) > _REMADE_UP_TO:
        return None
    bases, members, keys = list(last.bases), dict(last.members), dict(last.keys)
    touched: set[str] = set()
    for place in changed:
        old_base, new_base = bases[place], _base_of(papers[place])
        members[old_base] = [p for p in members[old_base] if p != place]
        members[new_base] = [*members.get(new_base, ()), place]
        bases[place] = new_base
        touched.update((old_base, new_base))
        del keys[last.papers[place].slug]
    for base in touched:
        if members[base]:
            _number(base, [papers[place] for place in members[base]], keys)
        else:
            del members[base]
    return _KeysMade(papers, bases, members, keys) if len(keys) == len(papers) else None


def doi(paper: Paper) -> str:
    """The DOI arXiv registers for every paper: 10.48550/arXiv.<identifier>."""
    return f"10.48550/arXiv.{paper.meta.arxiv}" if paper.meta.arxiv else ""


def coins(paper: Paper, page_url: str) -> str:
    """The paper as an OpenURL ContextObject (COinS: the `title` of a `<span class="Z3988">`)."""
    fields = [
        ("ctx_ver", "Z39.88-2004"),
        ("rft_val_fmt", "info:ofi/fmt:kev:mtx:journal"),
        ("rft.genre", "preprint"),
        ("rft.atitle", paper.title),
        *(("rft.au", name) for name in paper.meta.authors),
    ]
    if date := paper.meta.cited_date:
        fields.append(("rft.date", date))
    if paper.meta.arxiv:
        fields += [
            ("rft.jtitle", "arXiv"),
            ("rft_id", f"info:arxiv/{paper.meta.arxiv}"),
            ("rft_id", f"info:doi/{doi(paper)}"),
        ]
    fields.append(("rft_id", page_url))
    return query_string(fields)


@dataclass(frozen=True)
class Citations:
    """BibTeX for the papers of one site: its keys, its addresses, and what it calls itself."""

    keys: Mapping[str, str]
    urls: SiteUrls
    site_title: str

    @functools.cached_property
    def _entries(self) -> dict[str, str]:
        """Entries made so far, by slug: a paper's is on its page, in its .bib, its digests' and its topics'."""
        return {}

    def entry(self, paper: Paper) -> str:
        """One paper's entry."""
        made = self._entries.get(paper.slug)
        if made is None:
            made = self._entries[paper.slug] = self.new_entry(paper)
        return made

    def keep(self, entries: Mapping[str, str]) -> None:
        """Take these entries, by slug, as made (the last build made them from the same inputs: `paper_texts`)."""
        self._entries.update(entries)

    def new_entry(self, paper: Paper) -> str:
        """One paper's entry, made now: from the paper, its key, the site's address and title alone (a
        build keeps a paper's entry while its `page_deps` record and those are the same:
        `paper_texts`, so anything else read here would go stale)."""
        fields = [("title", tex(paper.title))]
        if paper.meta.authors:
            fields.append(("author", " and ".join(_name(n) for n in paper.meta.authors)))
        if paper.meta.year:
            fields.append(("year", paper.meta.year))
        if paper.meta.arxiv:
            fields += [
                ("eprint", paper.meta.arxiv),
                ("archivePrefix", "arXiv"),
                ("doi", doi(paper)),
                ("url", f"https://arxiv.org/abs/{paper.meta.arxiv}"),
            ]
        else:
            listed = paper.first_seen
            fields += [
                ("url", self.urls.absolute(paper_path(paper.slug))),
                ("note", tex(f"Listed in {self.site_title} on {listed.day} {listed:%B %Y}")),
            ]
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        return f"@misc{{{self.keys[paper.slug]},\n{body}\n}}\n"

    def listing(self, papers: Iterable[Paper]) -> bytes:
        """Several papers' entries, one blank line apart."""
        return "\n".join(self.entry(p) for p in papers).encode("utf-8")


def bibtex_files(catalog: Catalog, citations: Citations) -> Iterator[OutputFile]:
    """`index.bib` beside every digest page and the page of every topic that has papers (a
    paper's is made with its page: see `Page.bibtex`), made as they are staged."""
    papers = catalog.papers
    for d in catalog.digests:
        yield OutputFile(bibtex_file(digest_path(d.date)), citations.listing(papers[s] for s in d.slugs))
    for t in catalog.topics:
        if listed := catalog.papers_by_topic[t.slug]:
            yield OutputFile(bibtex_file(topic_path(t.slug)), citations.listing(listed))
