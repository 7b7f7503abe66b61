"""Every test run keeps its cramp diaries in a temporary directory, never the user's own.

`legcramp chat` (interactive) and `legcramp hermes` keep a diary by default; a test that starts
one without --diary or --no-diary would otherwise write to the real user data directory, and
its episodes would change the advice of later tests (frequent cramps mean "see a doctor").
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

_DIARY_DIR = Path(tempfile.mkdtemp(prefix="legcramp-test-diary-"))
os.environ["LEGCRAMP_DIARY"] = str(_DIARY_DIR / "diary.sqlite3")
