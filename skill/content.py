"""Where the content files are: inside the installed wheel, or beside the package in a checkout."""
from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def content_dir(kind: str, lang: str) -> Path:
    """`intents/<lang>` or `dialogs/<lang>`: the wheel's copy when installed, else the repo's."""
    if kind not in ("intents", "dialogs"):
        raise ValueError(f"unknown content kind {kind!r}")
    for base in (PACKAGE / "_content", PACKAGE.parent):
        path = base / kind / lang
        if path.is_dir():
            return path
    raise FileNotFoundError(f"no {kind} for language {lang!r} (looked in {PACKAGE})")
