"""Write a benchmark corpus: N papers as digest files in the trending-page text format.

    python bench/make_corpus.py N OUT [--seed 7] [--metadata]

OUT becomes a content folder (digests/, topics.yaml, site.yaml) that `build.py --content OUT`
builds. Papers are derived from the three shipped samples with a fixed seed: abstracts recombine
sentences of the sample abstracts, and words in them are replaced by invented terms drawn from a
Pitman-Yor process, so that the number of distinct words grows with N roughly as in real
abstracts (Heaps' law, exponent about 0.6 overall) instead of staying at the samples' 4,357. Titles are
recombined the same way and made unique. Each digest holds 50-100 papers on consecutive dates,
and about one listing in ten repeats a paper from an earlier digest, as in the samples.

With --metadata the digests are YAML (as `build.py add --from-hf` writes them) and every paper
carries authors, a publication date and, for about one in six, a code link, as the samples' notes
do: authors are made of the samples' given names and surnames, drawn by a Pitman-Yor process so
that some write many papers (a third of them with an invented surname), their number per paper
drawn from the samples' own counts.
"""

from __future__ import annotations

import argparse
import datetime
import random
import re
import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from site_src.add.yaml_digest import digest_yaml  # noqa: E402 - after the path is set
from site_src.catalog.model import Entry, Metadata, identity  # noqa: E402
from site_src.errors import Source  # noqa: E402

SAMPLES = ROOT / "content"
BOILERPLATE = ["new", "Get trending papers in your email inbox!", "Subscribe", "byAK and the research community"]
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ne",
    "ru",
    "sa",
    "ti",
    "vo",
    "ze",
    "xu",
    "bra",
    "cle",
    "dri",
    "fla",
    "gro",
    "ple",
    "sti",
    "tra",
    "vel",
    "quo",
    "mor",
    "nex",
    "dyn",
    "sy",
    "pha",
]
SUFFIXES = ["", "", "", "net", "former", "GAN", "BERT", "-LM", "Flow", "Mix", "Diff", "RL"]
REPEAT_SHARE = 0.1
"""Share of listings that repeat a paper from an earlier digest (16 of 164 in the samples)."""
DISCOUNT, CONCENTRATION = 0.88, 50.0
"""Pitman-Yor parameters: the discount sets how fast new words keep appearing."""
REPLACE_SHARE = 0.18
"""Share of a sentence's longer words replaced by drawn terms."""


def sample_papers() -> list[tuple[str, str]]:
    """The shipped samples' (title, abstract) pairs, in file order."""
    papers = []
    for path in sorted((SAMPLES / "digests").glob("*.txt")):
        blocks = [b.strip() for b in path.read_text(encoding="utf-8").split("\n\n") if b.strip()]
        blocks = [b for b in blocks if b not in BOILERPLATE and not re.fullmatch(r"[A-Z][a-z]{2} \d{1,2}", b)]
        papers += list(zip(blocks[::2], blocks[1::2], strict=True))
    return papers


def invented(number: int) -> str:
    """A pronounceable made-up word for a term id, stable across runs."""
    rng = random.Random(number * 7919)
    word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
    return word + rng.choice(SUFFIXES)


class Vocabulary:
    """A Pitman-Yor process over invented words: each draw is either a word seen before (in
    proportion to its use) or a new one, with new words getting rarer as the corpus grows."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.draws: list[int] = []
        self.distinct = 0

    def draw(self) -> str:
        total = len(self.draws)
        new_chance = (CONCENTRATION + DISCOUNT * self.distinct) / (CONCENTRATION + total)
        if not self.draws or self.rng.random() < new_chance:
            term = self.distinct
            self.distinct += 1
        else:
            term = self.rng.choice(self.draws)
        self.draws.append(term)
        return invented(term)


def mutate(text: str, vocabulary: Vocabulary, rng: random.Random, share: float) -> str:
    """Replace a share of the longer words of a text by drawn terms."""

    def replace(match: re.Match[str]) -> str:
        return vocabulary.draw() if rng.random() < share else match.group(0)

    return re.sub(r"\b[a-z]{6,}\b", replace, text)


def make_papers(count: int, seed: int) -> list[tuple[str, str]]:
    """`count` distinct papers derived from the samples."""
    rng = random.Random(seed)
    vocabulary = Vocabulary(rng)
    samples = sample_papers()
    sentences = [s for _, a in samples for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", a) if len(s) > 30]
    seen: set[str] = set()
    papers = []
    while len(papers) < count:
        title, _ = rng.choice(samples)
        title = mutate(title, vocabulary, rng, 0.3)
        if rng.random() < 0.5:
            title = f"{vocabulary.draw().capitalize()}: {title}"
        while identity(title) in seen:
            title = f"{title} {vocabulary.draw().capitalize()}"
        seen.add(identity(title))
        abstract = " ".join(mutate(s, vocabulary, rng, REPLACE_SHARE) for s in rng.sample(sentences, rng.randint(5, 9)))
        papers.append((title, abstract))
    return papers


CODE_SHARE = 26 / 144
"""Share of papers with a code link (as in the samples)."""
AUTHOR_DISCOUNT, AUTHOR_CONCENTRATION = 0.8, 500.0
"""Pitman-Yor parameters for authors: at 10,000 papers about 25,000 people, most of whom write one
paper and the most prolific about 40."""
INVENTED_SURNAMES = 1 / 3
"""Share of new authors whose surname is invented, so that names keep growing the vocabulary."""


def sample_authors() -> tuple[list[str], list[str], list[int]]:
    """The samples' given names, surnames and authors per paper (from content/notes/)."""
    given, surnames, counts = [], [], []
    for path in sorted((SAMPLES / "notes").glob("*.md")):
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1]) or {}
        names = front.get("authors") or []
        counts.append(len(names))
        for name in names:
            *first, last = name.split()
            given.append(" ".join(first) or last)
            surnames.append(last)
    return given, surnames, [c for c in counts if c]


class Authors:
    """Invented authors (a sample given name and a sample surname), drawn by a Pitman-Yor process."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.given, self.surnames, self.counts = sample_authors()
        self.people: list[str] = []
        self.draws: list[int] = []

    def draw(self) -> str:
        total, distinct = len(self.draws), len(self.people)
        new_chance = (AUTHOR_CONCENTRATION + AUTHOR_DISCOUNT * distinct) / (AUTHOR_CONCENTRATION + total)
        if not self.draws or self.rng.random() < new_chance:
            given = self.rng.choice(self.given)
            if self.rng.random() < INVENTED_SURNAMES:
                surname = invented(10_000_000 + distinct).capitalize()
            else:
                surname = self.rng.choice(self.surnames)
            self.people.append(f"{given} {surname}")
            person = distinct
        else:
            person = self.rng.choice(self.draws)
        self.draws.append(person)
        return self.people[person]

    def of_paper(self) -> tuple[str, ...]:
        """A paper's authors: as many as a random sample paper has, no one twice."""
        return tuple(dict.fromkeys(self.draw() for _ in range(self.rng.choice(self.counts))))


def metadata(papers: list[tuple[str, str]], first_listed: dict[str, datetime.date], seed: int) -> list[Metadata]:
    """Authors, a publication date (a year for one paper in three) before the paper's first
    listing, and a code link for some, for each paper."""
    rng = random.Random(seed + 2)
    authors = Authors(rng)
    found = []
    for title, _ in papers:
        names = authors.of_paper()
        published = first_listed[title] - datetime.timedelta(days=rng.randint(0, 3 * 365))
        code: tuple[str, ...] = ()
        if rng.random() < CODE_SHARE:
            code = (f"https://github.com/{re.sub('[^a-z]', '', names[0].lower())}/{identity(title).split()[-1]}",)
        date = published.isoformat() if rng.random() < 2 / 3 else str(published.year)
        found.append(Metadata(authors=names, published=date, code=code))
    return found


def digest_text(date: datetime.date, papers: list[tuple[str, str]]) -> str:
    """One digest in the trending-page format."""
    blocks = [*BOILERPLATE, f"{date:%b} {date.day}"]
    for title, abstract in papers:
        blocks += [title, abstract]
    return "\n\n".join(blocks) + "\n"


def write_corpus(
    count: int, out: Path, seed: int = 7, start: datetime.date = datetime.date(2023, 1, 2), with_metadata: bool = False
) -> int:
    """Write the corpus into `out` (replacing it); returns the number of distinct words."""
    rng = random.Random(seed + 1)
    papers = make_papers(count, seed)
    shutil.rmtree(out, ignore_errors=True)
    (out / "digests").mkdir(parents=True)
    for name in ("topics.yaml", "site.yaml"):
        shutil.copy(SAMPLES / name, out / name)
    days: list[tuple[datetime.date, list[tuple[str, str]]]] = []
    position, day = 0, start
    while position < len(papers):
        size = rng.randint(50, 100)
        new = papers[position : position + size]
        repeats = [rng.choice(papers[:position]) for _ in range(int(len(new) * REPEAT_SHARE))] if position else []
        listing = list(dict.fromkeys(new + repeats))
        rng.shuffle(listing)
        days.append((day, listing))
        position += size
        day += datetime.timedelta(days=1)
    if with_metadata:
        first_listed: dict[str, datetime.date] = {}
        for day, listing in days:
            for title, _ in listing:
                first_listed.setdefault(title, day)
        meta = dict(zip((t for t, _ in papers), metadata(papers, first_listed, seed), strict=True))
        source = Source("corpus")
        for day, listing in days:
            entries = [Entry(title, abstract, source, meta[title]) for title, abstract in listing]
            (out / "digests" / f"{day.isoformat()}.yaml").write_text(digest_yaml(day, entries), encoding="utf-8")
    else:
        for day, listing in days:
            (out / "digests" / f"{day.isoformat()}.txt").write_text(digest_text(day, listing), encoding="utf-8")
    words = {w for t, a in papers for w in re.findall(r"[a-z0-9]+", f"{t} {a}".lower())}
    return len(words)


OUT = ROOT / "bench" / "out"
"""Where the benchmark keeps its corpora, sites and results between runs."""


def corpus(papers: int) -> tuple[Path, int]:
    """The content folder for a size and its distinct words: the shipped content at 144, else a
    corpus generated once (again when this generator changes) and reused by every benchmark."""
    if papers == 144:
        return SAMPLES, 4357
    folder = OUT / f"corpus-{papers}"
    stamp = folder / "words.txt"
    generator = Path(__file__).stat().st_mtime_ns
    if not stamp.exists() or stamp.stat().st_mtime_ns < generator:
        words = write_corpus(papers, folder)
        stamp.write_text(str(words), encoding="utf-8")
    return folder, int(stamp.read_text(encoding="utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", type=int, help="number of distinct papers")
    parser.add_argument("out", type=Path, help="content folder to write (replaced)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--metadata", action="store_true", help="YAML digests with authors, dates and code links")
    args = parser.parse_args()
    distinct = write_corpus(args.count, args.out, args.seed, with_metadata=args.metadata)
    digests = len(list((args.out / "digests").glob("*.*")))
    print(f"{args.count} papers in {digests} digests, {distinct} distinct words -> {args.out}")


if __name__ == "__main__":
    main()
