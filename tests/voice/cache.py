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
