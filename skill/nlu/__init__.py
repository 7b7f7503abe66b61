"""Speech understanding: the intent grammar, text normalisation and the multi-segment recogniser."""
from __future__ import annotations

from pathlib import Path

from skill.nlu.recognizer import Recognizer

__all__ = ["Recognizer", "content_dir"]

_PACKAGE = Path(__file__).resolve().parent.parent  # skill/


def content_dir(kind: str, lang: str) -> Path:
    """Where the `kind` ("intents" or "dialogs") files for `lang` live.

    An installed wheel carries them as skill/_content/<kind>/<lang> (see pyproject.toml); a
    checkout has them at the repository root, <repo>/<kind>/<lang>.
    """
    if kind not in ("intents", "dialogs"):
        raise ValueError(f"unknown content kind {kind!r}")
    packaged = _PACKAGE / "_content" / kind / lang
    if packaged.is_dir():
        return packaged
    return _PACKAGE.parent / kind / lang
