"""Random but valid edits to a site's inputs, for comparing warm builds with clean ones.

The content folder is described by a small model (`Content`): digests and their listings, papers,
notes, hand-written pages, topics and settings. An edit changes the model, and `Content.sync`
writes the files whose text changed and deletes the ones that went. The model keeps the inputs
valid by construction: every note names a listed paper, every topic a note or digest names exists,
no two digests share a day, no digest is empty, and titles never make the same slug. Templates and
static files are edited in place, by a marker that each edit renumbers.

Everything is drawn from one `random.Random(seed)` and iterates over lists or sorted keys only, so
a seed always gives the same series of edits.
"""

from __future__ import annotations

import datetime
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from site_src.pages.urls import slug_for

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
TEXT_HEADER = ["new", "Get trending papers in your email inbox!", "Subscribe", "byAK and the research community"]

ADJECTIVES = ["Sparse", "Robust", "Efficient", "Scalable", "Causal", "Hierarchical", "Contrastive", "Latent"]
NOUNS = ["Attention", "Transformers", "Diffusion", "Adapters", "Memories", "Priors", "Experts", "Tokenizers"]
TASKS = ["Music Generation", "Protein Design", "Continual Learning", "Code Search", "Speech", "Robotics"]
PHRASES = [
    "language model",
    "music",
    "midi",
    "song",
    "continual learning",
    "forgetting",
    "rehearsal",
    "pre-training",
    "graph networks",
    "protein folding",
    "speech recognition",
    "image segmentation",
    "reinforcement learning",
    "sparse retrieval",
]
SENTENCES = [
    "We study {a} and show that {b} improves accuracy on three public benchmarks.",
    "Our method combines {a} with {b}, which reduces the cost of training by half.",
    "Experiments on {a} show clear gains over strong baselines that rely on {b}.",
    "We release a dataset for {a} and measure how well current {b} methods transfer.",
    "A simple analysis explains why {a} helps {b} when data are scarce.",
]
NAMES = ["Ada Lovelace", "Alan Turing", "Grace Hopper", "Zoë Ñúñez", "李飞飞", "Jürgen Schmidhuber", "Tom and Jerry"]
PAGE_SLUGS = ["colophon", "contact", "faq", "privacy", "team", "press"]
TOPIC_POOL = [
    ("graphs", "Graphs", "Learning on graphs and networks.", ["graph networks", "graph"]),
    ("proteins", "Proteins", "Proteins, folding and design.", ["protein folding", "protein"]),
    ("speech", "Speech", "Speech recognition and synthesis.", ["speech recognition", "speech"]),
    ("vision", "Vision", "Images and segmentation.", ["image segmentation", "image"]),
    ("agents", "Agents", "Reinforcement learning and agents.", ["reinforcement learning", "agent"]),
]

MARK = re.compile(r"EDITMARK\d+")
TEMPLATE_TARGETS: list[tuple[str, str, str, str]] = [
    # (file, kind, anchor after which the marker goes, how the marker is written)
    ("paper.html", "page template", "{% block main %}", "<span hidden>EDITMARK0</span>"),
    ("digest.html", "page template", "{% block main %}", "<span hidden>EDITMARK0</span>"),
    ("topic.html", "page template", "{% block main %}", "<span hidden>EDITMARK0</span>"),
    ("home.html", "page template", "{% block main %}", "<span hidden>EDITMARK0</span>"),
    ("page.html", "page template", "{% block main %}", "<span hidden>EDITMARK0</span>"),
    ("topics.html", "page template", "{% block main %}", "<span hidden>EDITMARK0</span>"),
    ("base.html", "base template", '<main id="main" tabindex="-1">', "<span hidden>EDITMARK0</span>"),
    ("macros.html", "partial", '<div class="paper-meta">', "<span hidden>EDITMARK0</span>"),
    ("meta.html", "partial", "{% macro head_meta(page, site, canonical, description) %}", "<!-- EDITMARK0 -->"),
    ("feed.xml", "feed template", "<generator>Paper Digest</generator>", "<!-- EDITMARK0 -->"),
    ("static/style.css", "stylesheet", "", "\n/* EDITMARK0 */\n.edit-mark { margin: 0; }\n"),
    ("static/site.js", "script", "", "\n// EDITMARK0\n"),
    ("static/search-query.js", "imported module", "", "\n// EDITMARK0\n"),
]


@dataclass
class PaperInfo:
    """A paper as the model knows it: one title wherever it is listed (so one slug)."""

    title: str
    arxiv: str
    """Its identifier, written in YAML listings only when `arxiv_listed` (else papers go by title)."""
    arxiv_listed: bool = False


@dataclass
class Listing:
    """A paper in one digest: its abstract there, and a YAML digest's extra keys."""

    paper: int
    abstract: str
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class DigestInfo:
    """One digest file."""

    fmt: str
    """"txt", "yaml" or "yml"."""
    listings: list[Listing]
    title: str = ""
    note: str = ""
    undated: bool = False
    """A text digest named without its date (e.g. aug-14.txt): its year is site.yaml's `year`."""


@dataclass
class NoteInfo:
    """A curator's note on a paper: its front matter keys and its body."""

    meta: dict[str, Any] = field(default_factory=dict)
    body: str = ""


@dataclass
class PageInfo:
    """A hand-written page: its front matter keys and its body."""

    meta: dict[str, Any]
    body: str


@dataclass
class Topic:
    """One topic of topics.yaml."""

    slug: str
    name: str
    description: str
    keywords: list[str]


@dataclass
class Content:
    """Everything in a content folder, as data."""

    papers: list[PaperInfo]
    digests: dict[datetime.date, DigestInfo]
    notes: dict[int, NoteInfo]
    pages: dict[str, PageInfo]
    topics: list[Topic]
    site: dict[str, Any]
    counter: int = 0
    """Numbers every new title, text and marker, so that no two are alike."""

    # ----- reading the golden site's content -----

    @classmethod
    def read(cls, folder: Path) -> Content:
        """The model of a content folder written in the forms this module writes (the golden site's)."""
        model = cls([], {}, {}, {}, [], yaml.safe_load((folder / "site.yaml").read_text(encoding="utf-8")))
        for item in yaml.safe_load((folder / "topics.yaml").read_text(encoding="utf-8")):
            model.topics.append(Topic(item["slug"], item["name"], item["description"], list(item["keywords"])))
        for path in sorted((folder / "digests").iterdir()):
            day = datetime.date.fromisoformat(path.stem)
            text = path.read_text(encoding="utf-8")
            if path.suffix == ".txt":
                blocks = [b.strip() for b in text.split("\n\n") if b.strip()][len(TEXT_HEADER) + 1 :]
                pairs = list(zip(blocks[::2], blocks[1::2], strict=True))
                listings = [Listing(model.paper_named(title), abstract) for title, abstract in pairs]
                model.digests[day] = DigestInfo("txt", listings)
                continue
            data = yaml.safe_load(text)
            listings = []
            for entry in data["papers"]:
                extra = {k: v for k, v in entry.items() if k not in ("title", "abstract", "arxiv")}
                paper = model.paper_named(entry["title"])
                if "arxiv" in entry:
                    model.papers[paper].arxiv, model.papers[paper].arxiv_listed = str(entry["arxiv"]), True
                listings.append(Listing(paper, entry["abstract"].rstrip("\n"), extra))
            model.digests[day] = DigestInfo(path.suffix[1:], listings, data.get("title", ""), data.get("note", ""))
        for path in sorted((folder / "notes").iterdir()):
            meta, body = _split(path.read_text(encoding="utf-8"))
            slugs = [slug_for(p.title) for p in model.papers]
            model.notes[slugs.index(path.stem)] = NoteInfo(meta, body)
        for path in sorted((folder / "pages").iterdir()):
            meta, body = _split(path.read_text(encoding="utf-8"))
            model.pages[path.stem] = PageInfo(meta, body)
        return model

    def undate_text_digests(self) -> None:
        """Name the text digests without their date, their year in site.yaml (from the newest one)."""
        days = [day for day in sorted(self.digests) if self.digests[day].fmt == "txt"]
        self.site["year"] = days[-1].year
        for day in days:
            self.digests[day].undated = day.year == self.site["year"]

    def paper_named(self, title: str) -> int:
        """The paper with this title, added if new."""
        for index, paper in enumerate(self.papers):
            if paper.title == title:
                return index
        self.papers.append(PaperInfo(title, f"2501.{10000 + len(self.papers):05d}"))
        return len(self.papers) - 1

    # ----- writing -----

    def listed(self) -> list[int]:
        """The papers that some digest lists, in order."""
        return sorted({listing.paper for d in self.digests.values() for listing in d.listings})

    def files(self) -> dict[str, str]:
        """Every content file's path and text."""
        files = {
            "site.yaml": _dump(self.site),
            "topics.yaml": _dump(
                [
                    {"slug": t.slug, "name": t.name, "description": t.description, "keywords": t.keywords}
                    for t in self.topics
                ]
            ),
        }
        for day in sorted(self.digests):
            digest = self.digests[day]
            name = f"digests/{day.isoformat()}.{digest.fmt}"
            if digest.undated:
                name = f"digests/{MONTHS[day.month - 1].lower()}-{day.day}.txt"
            if digest.fmt == "txt":
                blocks = [*TEXT_HEADER, f"{MONTHS[day.month - 1]} {day.day}"]
                for listing in digest.listings:
                    blocks += [self.papers[listing.paper].title, listing.abstract]
                files[name] = "\n\n".join(blocks) + "\n"
                continue
            data: dict[str, Any] = {"date": day}
            if digest.title:
                data["title"] = digest.title
            if digest.note:
                data["note"] = digest.note
            data["papers"] = [self._entry(listing) for listing in digest.listings]
            files[name] = _dump(data)
        for index in self.listed():
            if index in self.notes:
                note = self.notes[index]
                files[f"notes/{slug_for(self.papers[index].title)}.md"] = _document(note.meta, note.body)
        for slug in sorted(self.pages):
            files[f"pages/{slug}.md"] = _document(self.pages[slug].meta, self.pages[slug].body)
        return files

    def _entry(self, listing: Listing) -> dict[str, Any]:
        paper = self.papers[listing.paper]
        entry: dict[str, Any] = {"title": paper.title, "abstract": listing.abstract}
        if paper.arxiv_listed:
            entry["arxiv"] = paper.arxiv
        return {**entry, **listing.extra}

    def sync(self, folder: Path) -> None:
        """Write the files whose text changed and delete the ones the model no longer has."""
        files = self.files()
        for sub in ("digests", "notes", "pages"):
            (folder / sub).mkdir(exist_ok=True)
            for path in sorted((folder / sub).iterdir()):
                if f"{sub}/{path.name}" not in files:
                    path.unlink()
        for name, text in files.items():
            path = folder / name
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")

    # ----- keeping it valid -----

    def tidy(self) -> None:
        """Notes of papers no longer listed go (a note must name a paper); at least one paper stays visible."""
        listed = self.listed()
        self.notes = {i: n for i, n in sorted(self.notes.items()) if i in listed}
        visible = [i for i in listed if not self.notes.get(i, NoteInfo()).meta.get("hidden")]
        if not visible:
            self.notes[listed[0]].meta.pop("hidden")

    def next_number(self) -> int:
        self.counter += 1
        return self.counter

    def new_title(self, rng: random.Random) -> str:
        """A title whose slug no paper has had."""
        taken = [slug_for(p.title) for p in self.papers]
        while True:
            title = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} for {rng.choice(TASKS)} {self.next_number()}"
            if slug_for(title) not in taken:
                return title

    def new_abstract(self, rng: random.Random) -> str:
        phrases = PHRASES + [k for t in self.topics for k in t.keywords]
        sentences = [
            rng.choice(SENTENCES).format(a=rng.choice(phrases), b=rng.choice(phrases)) for _ in range(rng.randint(2, 3))
        ]
        if rng.random() < 0.2:
            sentences.append(f"Code is at https://github.com/example/repo-{self.next_number()}.")
        return " ".join(sentences)

    def new_paper(self, rng: random.Random) -> int:
        self.papers.append(PaperInfo(self.new_title(rng), f"2502.{10000 + len(self.papers):05d}"))
        return len(self.papers) - 1

    def free_day(self, rng: random.Random, year: int, month: int) -> datetime.date | None:
        days = [
            datetime.date(year, month, d) for d in range(1, 29) if datetime.date(year, month, d) not in self.digests
        ]
        return rng.choice(days) if days else None

    def yaml_extra(self, rng: random.Random) -> dict[str, Any]:
        """Some of the optional keys of a YAML digest's entry."""
        extra: dict[str, Any] = {}
        if rng.random() < 0.5:
            extra["authors"] = rng.sample(NAMES, rng.randint(1, 3))
        if rng.random() < 0.3:
            extra["published"] = rng.choice([2019, datetime.date(2024, rng.randint(1, 12), rng.randint(1, 28))])
        if rng.random() < 0.3:
            extra["code"] = f"https://github.com/example/code-{self.next_number()}"
        if rng.random() < 0.3:
            extra["topics"] = [t.slug for t in rng.sample(self.topics, min(len(self.topics), rng.randint(1, 2)))]
        return extra

    def new_listing(self, rng: random.Random, digest: DigestInfo) -> Listing:
        """A new paper, or one listed elsewhere (with its abstract there, or another: the latest wins)."""
        present = [listing.paper for listing in digest.listings]
        others = [i for i in self.listed() if i not in present]
        if others and rng.random() < 0.4:
            paper = rng.choice(others)
            abstracts = [x.abstract for d in self.digests.values() for x in d.listings if x.paper == paper]
            abstract = abstracts[0] if rng.random() < 0.7 else self.new_abstract(rng)
        else:
            paper, abstract = self.new_paper(rng), self.new_abstract(rng)
            if digest.fmt != "txt" and rng.random() < 0.5:
                self.papers[paper].arxiv_listed = True
        extra = self.yaml_extra(rng) if digest.fmt != "txt" else {}
        return Listing(paper, abstract, extra)

    def topic_refs(self) -> list[list[str]]:
        """Every list of topic slugs that a note or a YAML entry gives."""
        refs = [n.meta["topics"] for n in self.notes.values() if "topics" in n.meta]
        refs += [x.extra["topics"] for d in self.digests.values() for x in d.listings if "topics" in x.extra]
        return refs


def _dump(data: Any) -> str:
    return str(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000))


def _document(meta: dict[str, Any], body: str) -> str:
    """Front matter (when there is any) and a Markdown body."""
    return (f"---\n{_dump(meta)}---\n" if meta else "") + body + ("\n" if body else "")


def _split(text: str) -> tuple[dict[str, Any], str]:
    if not text.startswith("---\n"):
        return {}, text.strip()
    _, meta, body = text.split("---\n", 2)
    return yaml.safe_load(meta) or {}, body.strip()


# ----- the edits -----

Check = Callable[[int, int], str]
"""Given the pages rendered and the pages there are, what is wrong with a warm build's amount of
work ("" when nothing): only for edits whose reach is clearly limited."""


def _no_check(rendered: int, pages: int) -> str:
    return ""


def _fewer_than_all(rendered: int, pages: int) -> str:
    return "" if rendered < pages else f"all {pages} pages were rendered again"


def _at_most(limit: int) -> Check:
    def check(rendered: int, pages: int) -> str:
        return "" if rendered <= limit else f"{rendered} pages were rendered again, expected at most {limit}"

    return check


@dataclass(frozen=True)
class Edit:
    description: str
    check: Check = _no_check


EditMaker = Callable[[Content, random.Random, Path], Edit]


def settings_year(model: Content, rng: random.Random, templates: Path) -> Edit:
    """site.yaml's `year`, which dates the digests named without a date: they move with it (to a
    year where none of their days is taken by a dated digest)."""
    undated = [day for day in sorted(model.digests) if model.digests[day].undated]
    dated = [day for day in model.digests if day not in undated]
    years = [
        year
        for year in (2024, 2025, 2026)
        if year != model.site.get("year") and not [d for d in undated if d.replace(year=year) in dated]
    ]
    if not years:
        return Edit("no year to move the undated digests to: nothing changed")
    year = rng.choice(years)
    model.site["year"] = year
    for day in undated:
        model.digests[day.replace(year=year)] = model.digests.pop(day)
    return Edit(f"set the site's year to {year}: the digests {[d.isoformat() for d in undated]} follow")


def _pick_digest(model: Content, rng: random.Random, fmts: tuple[str, ...] = ("txt", "yaml", "yml")) -> datetime.date:
    days = [day for day in sorted(model.digests) if model.digests[day].fmt in fmts]
    return rng.choice(days)


def edit_title(model: Content, rng: random.Random, templates: Path) -> Edit:
    paper = rng.choice(model.listed())
    old, model.papers[paper].title = model.papers[paper].title, model.new_title(rng)
    return Edit(f"retitle {old!r} as {model.papers[paper].title!r} (its note follows)")


def recase_title(model: Content, rng: random.Random, templates: Path) -> Edit:
    """The same words in other letters: the paper keeps its identity, topics and related papers, but
    every page that shows its title (its neighbours', its related papers') must show the new one."""
    paper = rng.choice(model.listed())
    old = model.papers[paper].title
    words = old.split(" ")
    place = rng.randrange(len(words))
    words[place] = words[place][:1].swapcase() + words[place][1:]
    model.papers[paper].title = " ".join(words)
    return Edit(f"recase {old!r} as {model.papers[paper].title!r}", _fewer_than_all)


def edit_abstract(model: Content, rng: random.Random, templates: Path) -> Edit:
    day = _pick_digest(model, rng)
    listing = rng.choice(model.digests[day].listings)
    title = model.papers[listing.paper].title
    if rng.random() < 0.5:
        sentences = listing.abstract.split(". ")
        sentences[rng.randrange(len(sentences))] = model.new_abstract(rng).split(". ")[0]
        listing.abstract = ". ".join(sentences).rstrip(".") + "."
        return Edit(f"edit a sentence of the abstract of {title!r} in {day}", _fewer_than_all)
    # about another paper's subject: related papers change
    other = model.papers[rng.choice(model.listed())].title
    listing.abstract = f"We revisit {other.lower()} and extend it. " + model.new_abstract(rng)
    return Edit(f"rewrite the abstract of {title!r} in {day} after {other!r}", _fewer_than_all)


def add_entry(model: Content, rng: random.Random, templates: Path) -> Edit:
    day = _pick_digest(model, rng)
    digest = model.digests[day]
    listing = model.new_listing(rng, digest)
    digest.listings.insert(rng.randint(0, len(digest.listings)), listing)
    return Edit(f"list {model.papers[listing.paper].title!r} in {day}")


def remove_entry(model: Content, rng: random.Random, templates: Path) -> Edit:
    days = [day for day in sorted(model.digests) if len(model.digests[day].listings) > 1]
    if not days:
        return add_entry(model, rng, templates)
    day = rng.choice(days)
    listing = model.digests[day].listings.pop(rng.randrange(len(model.digests[day].listings)))
    return Edit(f"remove {model.papers[listing.paper].title!r} from {day}")


def _add_digest(model: Content, rng: random.Random, day: datetime.date, where: str) -> Edit:
    digest = DigestInfo(rng.choice(["txt", "yaml", "yml"]), [])
    if digest.fmt != "txt" and rng.random() < 0.5:
        digest.title, digest.note = f"Picked {model.next_number()}", "A few papers I *liked*."
    for _ in range(rng.randint(1, 3)):
        digest.listings.append(model.new_listing(rng, digest))
    digest.undated = digest.fmt == "txt" and day.year == model.site.get("year") and rng.random() < 0.5
    model.digests[day] = digest
    titles = [model.papers[x.paper].title for x in digest.listings]
    return Edit(f"add a {digest.fmt} digest {day} ({where}) listing {titles}")


def add_digest_same_month(model: Content, rng: random.Random, templates: Path) -> Edit:
    month = _pick_digest(model, rng)
    day = model.free_day(rng, month.year, month.month)
    if day is None:
        return add_digest_later_month(model, rng, templates)
    return _add_digest(model, rng, day, "a month that has digests")


def _months_after(day: datetime.date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def add_digest_later_month(model: Content, rng: random.Random, templates: Path) -> Edit:
    year, month = _months_after(max(model.digests), rng.randint(1, 2))
    day = model.free_day(rng, year, month)
    assert day is not None
    return _add_digest(model, rng, day, "a later month")


def delete_digest(model: Content, rng: random.Random, templates: Path) -> Edit:
    if len(model.digests) < 2:
        return add_digest_later_month(model, rng, templates)
    day = _pick_digest(model, rng)
    del model.digests[day]
    return Edit(f"delete the digest of {day}")


def move_digest(model: Content, rng: random.Random, templates: Path) -> Edit:
    old = _pick_digest(model, rng)
    year, month = _months_after(old, rng.choice([-1, 0, 0, 1]))
    new = model.free_day(rng, year, month)
    if new is None:
        return delete_digest(model, rng, templates)
    model.digests[new] = model.digests.pop(old)
    model.digests[new].undated &= new.year == model.site.get("year")
    return Edit(f"rename the digest of {old} to {new}")


def edit_yaml_digest(model: Content, rng: random.Random, templates: Path) -> Edit:
    days = [day for day in sorted(model.digests) if model.digests[day].fmt != "txt"]
    if not days:
        return add_digest_same_month(model, rng, templates)
    day = rng.choice(days)
    digest = model.digests[day]
    what = rng.choice(["title", "note", "entry keys"])
    if what == "title":
        digest.title = "" if digest.title and rng.random() < 0.3 else f"Hand-picked {model.next_number()}"
    elif what == "note":
        digest.note = f"Papers I **liked**, batch {model.next_number()}."
    else:
        listing = rng.choice(digest.listings)
        listing.extra = model.yaml_extra(rng)
    return Edit(f"change the {what} of the YAML digest {day}")


def _note_of(model: Content, rng: random.Random) -> tuple[int, NoteInfo, str]:
    paper = rng.choice(model.listed())
    return paper, model.notes.setdefault(paper, NoteInfo()), model.papers[paper].title


def note_body(model: Content, rng: random.Random, templates: Path) -> Edit:
    _, note, title = _note_of(model, rng)
    note.body = f"Read section {model.next_number()}; the [code](https://example.org/c) is *clean*."
    return Edit(f"write the note on {title!r}", _fewer_than_all)


def note_topics(model: Content, rng: random.Random, templates: Path) -> Edit:
    _, note, title = _note_of(model, rng)
    if "topics" in note.meta and rng.random() < 0.3:
        del note.meta["topics"]
    else:
        note.meta["topics"] = [t.slug for t in rng.sample(model.topics, min(len(model.topics), rng.randint(1, 3)))]
    return Edit(f"topics of {title!r} chosen in its note: {note.meta.get('topics')}")


def note_hidden(model: Content, rng: random.Random, templates: Path) -> Edit:
    _, note, title = _note_of(model, rng)
    if note.meta.get("hidden"):
        del note.meta["hidden"]
    else:
        note.meta["hidden"] = True
    return Edit(f"{title!r} hidden: {note.meta.get('hidden', False)} (unless it was the last one shown)")


def note_metadata(model: Content, rng: random.Random, templates: Path) -> Edit:
    paper, note, title = _note_of(model, rng)
    note.meta["arxiv"] = model.papers[paper].arxiv
    note.meta["authors"] = rng.sample(NAMES, rng.randint(1, 4))
    if rng.random() < 0.5:
        note.meta["published"] = datetime.date(2023, rng.randint(1, 12), rng.randint(1, 28))
    if rng.random() < 0.5:
        note.meta["url"] = f"https://example.org/paper-{model.next_number()}"
    if rng.random() < 0.3:
        note.meta["code"] = f"https://github.com/example/note-{model.next_number()}"
    return Edit(f"metadata of {title!r} in its note: {note.meta}")


def note_delete(model: Content, rng: random.Random, templates: Path) -> Edit:
    noted = sorted(model.notes)
    if not noted:
        return note_body(model, rng, templates)
    paper = rng.choice(noted)
    del model.notes[paper]
    return Edit(f"delete the note on {model.papers[paper].title!r}")


def page_add(model: Content, rng: random.Random, templates: Path) -> Edit:
    free = [slug for slug in PAGE_SLUGS if slug not in model.pages]
    if not free:
        return page_edit(model, rng, templates)
    slug = rng.choice(free)
    meta: dict[str, Any] = {"title": f"The {slug} page"}
    if rng.random() < 0.5:
        meta["menu"] = slug.capitalize()
    if rng.random() < 0.3:
        meta["updated"] = datetime.date(2025, rng.randint(1, 12), rng.randint(1, 28))
    model.pages[slug] = PageInfo(meta, f"Written by hand, version {model.next_number()}.")
    return Edit(f"add the page {slug} {meta}")


def page_delete(model: Content, rng: random.Random, templates: Path) -> Edit:
    if not model.pages:
        return page_add(model, rng, templates)
    slug = rng.choice(sorted(model.pages))
    del model.pages[slug]
    return Edit(f"delete the page {slug}")


def page_edit(model: Content, rng: random.Random, templates: Path) -> Edit:
    if not model.pages:
        return page_add(model, rng, templates)
    slug = rng.choice(sorted(model.pages))
    page = model.pages[slug]
    what = rng.choice(["body", "title", "menu", "description"])
    if what == "body":
        page.body = f"Rewritten, version {model.next_number()}, with a [link](https://example.org/)."
        return Edit(f"edit the text of the page {slug}", _at_most(1))
    if what == "title":
        page.meta["title"] = f"Page {slug}, take {model.next_number()}"
    elif what == "description":
        page.meta["description"] = f"What the {slug} page says, take {model.next_number()}."
    elif "menu" in page.meta and rng.random() < 0.5:
        del page.meta["menu"]
    else:
        page.meta["menu"] = f"{slug.capitalize()} {model.next_number()}"
    return Edit(f"change the {what} of the page {slug}: {page.meta}")


def topic_add(model: Content, rng: random.Random, templates: Path) -> Edit:
    free = [t for t in TOPIC_POOL if t[0] not in [x.slug for x in model.topics]]
    if not free:
        return topic_keywords(model, rng, templates)
    slug, name, description, keywords = rng.choice(free)
    model.topics.insert(rng.randint(0, len(model.topics)), Topic(slug, name, description, list(keywords)))
    return Edit(f"add the topic {slug}")


def topic_keywords(model: Content, rng: random.Random, templates: Path) -> Edit:
    topic = rng.choice(model.topics)
    if len(topic.keywords) > 1 and rng.random() < 0.4:
        topic.keywords.pop(rng.randrange(len(topic.keywords)))
    else:
        topic.keywords.append(rng.choice([p for p in PHRASES if p not in topic.keywords] or ["novelty"]))
    return Edit(f"keywords of {topic.slug} now {topic.keywords}")


def topic_rename(model: Content, rng: random.Random, templates: Path) -> Edit:
    topic = rng.choice(model.topics)
    if rng.random() < 0.5:
        topic.name = f"{topic.name.split(' #')[0]} #{model.next_number()}"
        topic.description = f"{topic.description.split(' (')[0]} ({model.next_number()})."
        return Edit(f"rename the topic {topic.slug} to {topic.name!r}")
    old, topic.slug = topic.slug, f"{topic.slug.split('-v')[0]}-v{model.next_number()}"
    for ref in model.topic_refs():
        ref[:] = [topic.slug if slug == old else slug for slug in ref]
    return Edit(f"rename the topic slug {old} to {topic.slug} (notes and digests follow)")


def edit_settings(model: Content, rng: random.Random, templates: Path) -> Edit:
    what = rng.choice(["title", "description", "author"])
    model.site[what] = f"{what.capitalize()} {model.next_number()}"
    return Edit(f"set the site's {what} to {model.site[what]!r}")


def _edit_template(model: Content, rng: random.Random, templates: Path, kinds: tuple[str, ...]) -> Edit:
    name, kind, anchor, marker = rng.choice([t for t in TEMPLATE_TARGETS if t[1] in kinds])
    path = templates / name
    text = path.read_text(encoding="utf-8")
    number = model.next_number()
    if MARK.search(text):
        text = MARK.sub(f"EDITMARK{number}", text)
    elif anchor:
        assert anchor in text, (name, anchor)
        text = text.replace(anchor, anchor + MARK.sub(f"EDITMARK{number}", marker), 1)
    else:
        text += MARK.sub(f"EDITMARK{number}", marker)
    path.write_text(text, encoding="utf-8")
    listed = model.listed()
    visible = [i for i in listed if not model.notes.get(i, NoteInfo()).meta.get("hidden")]
    limits = {"page.html": len(model.pages), "paper.html": len(visible), "digest.html": len(model.digests)}
    return Edit(f"edit the {kind} {name}", _at_most(limits[name]) if name in limits else _no_check)


def template_page(model: Content, rng: random.Random, templates: Path) -> Edit:
    return _edit_template(model, rng, templates, ("page template",))


def template_partial(model: Content, rng: random.Random, templates: Path) -> Edit:
    return _edit_template(model, rng, templates, ("base template", "partial", "feed template"))


def template_static(model: Content, rng: random.Random, templates: Path) -> Edit:
    return _edit_template(model, rng, templates, ("stylesheet", "script", "imported module"))


EDIT_MAKERS: list[EditMaker] = [
    recase_title,
    edit_title,
    edit_abstract,
    edit_abstract,
    add_entry,
    remove_entry,
    add_digest_same_month,
    add_digest_later_month,
    delete_digest,
    move_digest,
    edit_yaml_digest,
    note_body,
    note_topics,
    note_hidden,
    note_metadata,
    note_delete,
    page_add,
    page_edit,
    page_delete,
    topic_add,
    topic_keywords,
    topic_rename,
    edit_settings,
    settings_year,
    template_page,
    template_partial,
    template_static,
]
"""Every kind of edit; a series deals them like cards (each once, in a random order, then again)."""


class EditSeries:
    """Random edits to a content model and a templates folder, from one seed."""

    def __init__(self, model: Content, templates: Path, seed: int) -> None:
        self.model, self.templates, self.rng = model, templates, random.Random(seed)
        self.deck: list[EditMaker] = []

    def next(self) -> Edit:
        """The next edit, applied to the model (tidied) and the templates; the content is not yet written."""
        if not self.deck:
            self.deck = self.rng.sample(EDIT_MAKERS, len(EDIT_MAKERS))
        maker = self.deck.pop()
        edit = maker(self.model, self.rng, self.templates)
        self.model.tidy()
        return Edit(f"{maker.__name__}: {edit.description}", edit.check)
