"""One small content tree per failure mode (tests/invalid/*), with the exact messages a curator sees.

Every problem of a run is reported together, the exit code is 1, there is no traceback, and
nothing is written. Refresh the expected messages with `make golden`, then review the diff.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from site_src.add.saving import site_settings as add_settings
from site_src.errors import BuildError, Problems

from .golden import INVALID, run_invalid_site
from .helpers import ABSTRACT, build_into, text_digest, write_content

CASES = sorted(p.name for p in INVALID.iterdir() if p.is_dir())


@pytest.mark.parametrize("name", CASES)
def test_invalid_site_reports_every_problem(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stdout, stderr = run_invalid_site(INVALID / name, tmp_path, monkeypatch)
    assert code == 1
    assert stdout == ""
    assert "Traceback" not in stderr
    assert stderr == (INVALID / name / "expected.txt").read_text(encoding="utf-8")
    assert not (tmp_path / "public").exists()


def test_a_folder_that_cannot_be_read_is_a_located_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """chmod 000 stops nothing for root (whom the tests run as here), so the refusal is simulated."""

    notes = tmp_path / "content" / "notes"

    def refuse(real: Callable[[Any], Any]) -> Callable[[Any], Any]:
        def listing(path: Any) -> Any:
            if isinstance(path, str | os.PathLike) and Path(path).absolute() == notes:
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            return real(path)

        return listing

    monkeypatch.setattr(os, "listdir", refuse(os.listdir))
    monkeypatch.setattr(os, "scandir", refuse(os.scandir))
    code, stdout, stderr = run_invalid_site(INVALID / "unknown-note-slug", tmp_path, monkeypatch)
    assert (code, stdout) == (1, "")
    assert stderr.splitlines() == [
        "content/notes: cannot be read: Permission denied (check the folder's permissions)",
        "Build failed: 1 error; nothing was written.",
    ]


def test_notes_and_pages_saved_under_another_extension_are_named_not_dropped(tmp_path: Path) -> None:
    """A note saved as .txt or .markdown was ignored without a word: the paper showed no note."""
    content = write_content(
        tmp_path,
        {
            "digests/2025-06-26.txt": text_digest("Jun 26", [("Pointer Networks", ABSTRACT)]),
            "notes/pointer-networks.markdown": "Read this one.\n",
            "notes/pointer-networks.txt": "Read this one.\n",
            "pages/contact.txt": "---\ntitle: Contact\n---\nWrite to us.\n",
        },
    )
    report = build_into(content, tmp_path / "public")
    assert [(w.source.path.rsplit("/content/", 1)[1], w.message, w.hint) for w in report.warnings] == [
        ("notes/pointer-networks.markdown", "ignored: not a note", "notes end in .md"),
        ("notes/pointer-networks.txt", "ignored: not a note", "notes end in .md"),
        ("pages/contact.txt", "ignored: not a page", "pages end in .md"),
    ]


def test_a_file_name_that_is_not_utf8_is_a_located_error(tmp_path: Path) -> None:
    """Such a name reached the input keys, whose hash failed: 'Unexpected error', no line."""
    content = write_content(
        tmp_path, {"digests/2025-06-26.txt": text_digest("Jun 26", [("Pointer Networks", ABSTRACT)])}
    )
    (content / "notes").mkdir(exist_ok=True)
    (content / "pages").mkdir(exist_ok=True)
    names = [
        ("notes", b"caf\xe9.md"),
        ("digests", b"2025-07-02-\xff.yaml"),
        ("pages", b"Icon\r"),
        ("pages", b"\xe9.txt"),
    ]
    for folder, name in names:
        with open(os.path.join(os.fsencode(content / folder), name), "wb") as file:
            file.write(b"A note.\n")
    with pytest.raises(BuildError) as refused:
        build_into(content, tmp_path / "public")
    assert [(p.source.path.rsplit("/content/", 1)[1], p.message) for p in refused.value.problems] == [
        ("digests/2025-07-02-\\xff.yaml", "the file name is not printable UTF-8 text"),
        ("notes/caf\\xe9.md", "the file name is not printable UTF-8 text"),
        ("pages/Icon\\r", "ignored: not a page"),  # not an input (macOS's folder icon): a warning
        ("pages/\\xe9.txt", "ignored: not a page"),
    ]
    assert not (tmp_path / "public").exists()


def test_a_link_out_of_the_content_folder_is_refused_and_its_text_never_published(tmp_path: Path) -> None:
    """A committed link to /etc/passwd as a note, or to any file of the building machine, was read,
    and its text published on the paper's page. Links that stay inside the content folder still work."""
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    outside_digest = tmp_path / "elsewhere" / "2025-07-02.txt"
    outside_digest.parent.mkdir()
    outside_digest.write_text(text_digest("Jul 2", [("The Machine's Hostname", ABSTRACT)]), encoding="utf-8")
    content = write_content(
        tmp_path,
        {
            "digests/2025-06-26.txt": text_digest("Jun 26", [("Pointer Networks", ABSTRACT)]),
            "drafts/contact.md": "---\ntitle: Contact\n---\nWrite to us.\n",
        },
    )
    (content / "notes").mkdir()
    (content / "pages").mkdir()
    (content / "notes/pointer-networks.md").symlink_to(secret)
    (content / "digests/2025-07-02.txt").symlink_to(outside_digest)
    (content / "pages/contact.md").symlink_to("../drafts/contact.md")  # inside: read as before
    out = tmp_path / "public"
    with pytest.raises(BuildError) as refused:
        build_into(content, out)
    assert [(p.source.path.rsplit("/content/", 1)[1], p.message, p.warning) for p in refused.value.problems] == [
        ("digests/2025-07-02.txt", f"a link to a file outside the content folder ({outside_digest})", False),
        ("notes/pointer-networks.md", f"a link to a file outside the content folder ({secret})", False),
    ]
    assert not out.exists()
    (content / "notes/pointer-networks.md").unlink()
    (content / "digests/2025-07-02.txt").unlink()
    linked = tmp_path / "linked-content"  # a content folder named through a link is read as itself
    linked.symlink_to(content, target_is_directory=True)
    build_into(linked, out)
    assert "Write to us." in (out / "contact/index.html").read_text(encoding="utf-8")
    (content / "notes").rmdir()  # a folder of notes that is a link out: each note in it leads out
    (content / "notes").symlink_to(secret.parent / "elsewhere", target_is_directory=True)
    (secret.parent / "elsewhere/pointer-networks.md").write_text("root:x:0:0\n", encoding="utf-8")
    with pytest.raises(BuildError) as refused:
        build_into(linked, out)
    [problem] = [p for p in refused.value.problems if not p.warning]  # and a warning: 2025-07-02.txt is no note
    assert problem.message.startswith("a link to a file outside the content folder"), problem
    assert problem.source.path.endswith("notes/pointer-networks.md")
    assert add_settings(content, Problems()).title == "Paper Digest"  # add reads site.yaml as the build does
    (content / "site.yaml").unlink()
    (content / "site.yaml").symlink_to(secret)
    found = Problems()
    add_settings(content, found)
    assert [p.message for p in found.errors] == [f"a link to a file outside the content folder ({secret})"]


def test_a_digest_whose_papers_are_all_hidden_is_warned_about(tmp_path: Path) -> None:
    """It became "Latest digest: 0 papers" on the home page, without a word."""
    content = write_content(
        tmp_path,
        {
            "digests/2025-06-26.txt": text_digest("Jun 26", [("Pointer Networks", ABSTRACT)]),
            "digests/2025-06-27.txt": text_digest("Jun 27", [("Music Transformer", ABSTRACT)]),
            "notes/music-transformer.md": "---\nhidden: true\n---\n",
        },
    )
    report = build_into(content, tmp_path / "public")
    assert [(w.source.path.rsplit("/content/", 1)[1], w.source.line, w.message, w.hint) for w in report.warnings] == [
        (
            "digests/2025-06-27.txt",
            9,  # the date line
            "every paper of the digest is hidden (hidden: true in its note): the digest shows 0 papers",
            "show one of its papers, or delete the digest",
        ),
    ]
