"""A real feed reader, Debian's newsboat, subscribes through feeds.opml and reads the feeds from a local
server, as a subscriber's reader reads the live site. Skipped without newsboat (`make test` installs
it where it can, as it does Chromium)."""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .helpers import SHIPPED_CONTENT, build_into, serve_folder

NEWSBOAT = shutil.which("newsboat")
pytestmark = pytest.mark.skipif(NEWSBOAT is None, reason="newsboat not installed (apt-get install newsboat)")


@pytest.fixture(scope="module")
def served_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The shipped digests built for, and served at, a local address: every link in the feeds and
    the OPML file points at this server."""
    out = tmp_path_factory.mktemp("served") / "public"
    out.mkdir()
    with serve_folder(out) as url:
        build_into(SHIPPED_CONTENT, out, base_url=url + "/")
        yield out, url + "/"


def _newsboat(home: Path, *arguments: str) -> None:
    """Run newsboat without a terminal; its subscriptions, cache and (empty) settings live in `home`."""
    assert NEWSBOAT is not None
    (home / "config").touch()
    files = ["-u", str(home / "urls"), "-c", str(home / "cache.db"), "-C", str(home / "config")]
    environment = {**os.environ, "HOME": str(home)}
    subprocess.run([NEWSBOAT, *files, *arguments], env=environment, check=True, capture_output=True, timeout=120)


def _read_feeds(home: Path) -> dict[str, list[str]]:
    """Each feed newsboat fetched and parsed (it has a title), with the links of the items it keeps
    under that feed (it keeps one item per entry id across all feeds)."""
    with contextlib.closing(sqlite3.connect(home / "cache.db")) as db:
        feeds = [url for url, title in db.execute("SELECT rssurl, title FROM rss_feed") if title]
        query = "SELECT url FROM rss_item WHERE feedurl = ?"
        return {feed: [row[0] for row in db.execute(query, (feed,))] for feed in feeds}


def _api(out: Path, name: str) -> list[dict[str, Any]]:
    data = json.loads((out / "api" / name).read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


def test_newsboat_subscribes_to_every_feed_of_the_opml_in_its_folders(
    served_site: tuple[Path, str], tmp_path: Path
) -> None:
    out, base = served_site
    _newsboat(tmp_path, "-i", str(out / "feeds.opml"))
    subscribed = {url: tags for url, *tags in map(shlex.split, (tmp_path / "urls").read_text().splitlines())}
    assert subscribed == {
        base + "feed.xml": [],
        **{d["url"] + "feed.xml": ["Digests"] for d in _api(out, "digests.json")},
        **{t["url"] + "feed.xml": ["Topics"] for t in _api(out, "topics.json")},
    }
    _newsboat(tmp_path, "-x", "reload")
    feeds = _read_feeds(tmp_path)
    assert set(feeds) == set(subscribed), "newsboat could not read every feed"
    assert {link for links in feeds.values() for link in links} == {p["url"] for p in _api(out, "papers.json")}


def test_newsboat_reads_every_paper_of_the_newest_digest_from_the_site_feed(
    served_site: tuple[Path, str], tmp_path: Path
) -> None:
    out, base = served_site
    papers = {p["slug"]: p["url"] for p in _api(out, "papers.json")}
    newest = [papers[slug] for slug in _api(out, "digests.json")[0]["papers"]]
    (tmp_path / "urls").write_text(base + "feed.xml\n", encoding="utf-8")
    _newsboat(tmp_path, "-x", "reload")
    read = _read_feeds(tmp_path)[base + "feed.xml"]
    assert len(newest) > 50 and set(newest) <= set(read)
