"""`build.py add PAGE.txt`: a pasted trending-papers page becomes a dated digest in content/digests/.

The page is checked with the same parser and messages as `check`, dated (from --date, a dated file
name, or its date line and the site's year), and saved as it was pasted, as
`content/digests/<date>.txt` (see `saving` for the rest).
"""

from __future__ import annotations

import datetime
from pathlib import Path

from site_src.add.saving import Added, save_new_digest, site_settings
from site_src.errors import Problems
from site_src.inputs import reader
from site_src.inputs.digest import GivenDate, parse_text_digest


def add_digest(
    page: Path,
    content_dir: Path,
    date: datetime.date | None = None,
    force: bool = False,
    today: datetime.date | None = None,
    strict: bool = False,
) -> Added:
    """Validate a pasted page and save it as the digest of its day; raises BuildError on any error
    (and, when `strict`, on any warning)."""
    problems = Problems()
    pasted = reader.read_text(page, problems)
    problems.raise_if_errors()
    assert pasted is not None
    given = GivenDate(date, "--date", "change --date") if date else None
    year = site_settings(content_dir, problems).year or (today or datetime.date.today()).year
    digest = parse_text_digest(pasted, year, problems, given)
    problems.raise_if_errors(strict)
    assert digest is not None
    return save_new_digest(content_dir, digest.date, ".txt", pasted.text, len(digest.entries), force, problems)
