"""Where the voice test keeps what it makes once: synthesised speech and the trained model."""
from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """~/.cache/legcramp-voice, or $XDG_CACHE_HOME/legcramp-voice; made on first use."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    where = base / "legcramp-voice"
    where.mkdir(parents=True, exist_ok=True)
    return where


def prune(prefix: str, keep: int = 2) -> None:
    """Drop all but the `keep` newest entries named `prefix`* (a grammar change makes new ones:
    the counts are some 100 MB)."""
    import shutil

    entries = sorted(cache_dir().glob(f"{prefix}*"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[keep:]:
        if old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink(missing_ok=True)
