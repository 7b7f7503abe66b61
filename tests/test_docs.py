"""A clone holds its own contracts: every document the README or a docstring points to is in
the repository (docs/), and nothing points outside it (../shared is not part of a clone)."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OUTSIDE = re.compile(r"\.\./shared|/work/shared")
# Files that still name ../shared, listed so that this test fails when one is mended (none now).
PENDING: set[str] = set()


def tracked() -> list[str]:
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True)
    return [p for p in out.stdout.splitlines()
            if p.endswith((".py", ".md", ".yaml", ".ini", ".toml", ".service")) and (ROOT / p).is_file()]


def test_nothing_points_outside_the_repository():
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    pointing = {p for p in tracked() if OUTSIDE.search((ROOT / p).read_text(encoding="utf-8"))}
    pointing -= {"tests/test_docs.py"}
    assert pointing - PENDING == set(), sorted(pointing - PENDING)
    assert PENDING <= pointing, f"mended, drop from PENDING: {sorted(PENDING - pointing)}"


def test_every_docs_path_named_in_the_readme_and_docstrings_exists():
    named = set()
    for path in [ROOT / "README.md", *ROOT.glob("skill/**/*.py"), *ROOT.glob("tests/*.py")]:
        named |= set(re.findall(r"docs/[\w.-]+\.(?:md|yaml)", path.read_text(encoding="utf-8")))
    assert "docs/chat-jsonl.md" in named
    missing = sorted(n for n in named if not (ROOT / n).is_file())
    assert not missing, missing


def test_the_findings_contract_in_docs_is_the_one_the_tests_hold_the_core_to():
    assert (ROOT / "docs" / "findings.yaml").read_bytes() == \
        (ROOT / "tests" / "data" / "findings.yaml").read_bytes()
