"""One small content tree per failure mode (tests/invalid/*), with the exact messages a curator sees.

Every problem of a run is reported together, the exit code is 1, there is no traceback, and
nothing is written. Refresh the expected messages with `make golden`, then review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .golden import INVALID, run_invalid_site

CASES = sorted(p.name for p in INVALID.iterdir() if p.is_dir())


@pytest.mark.parametrize("name", CASES)
def test_invalid_site_reports_every_problem(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stdout, stderr = run_invalid_site(INVALID / name, tmp_path, monkeypatch)
    assert code == 1
    assert stdout == ""
    assert "Traceback" not in stderr
    assert stderr == (INVALID / name / "expected.txt").read_text(encoding="utf-8")
    assert not (tmp_path / "public").exists()
