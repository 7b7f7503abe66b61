"""One turn's Lines as the one text a Wyoming `handled` event carries, written for the ear.

A Hermes shell speaks a guided stretch line by line and sleeps through each hold; a Wyoming
reply is a single text that the pipeline's speech engine reads at once. So the holds are
written out: a hold of N seconds (N of 5 or more, the shortest hold allowed) is counted aloud,
"One, and two, ..., and N.", which takes about N seconds at a usual speaking rate (about a
second a count with espeak-ng at 150 words a minute). Not SSML: Piper, the usual local engine
of Home Assistant, and the text shown in the Assist dialog would carry the tags as they are.
The short pauses between the steps (2 to 4 s) are left to the sentence breaks.

The few words this adds live in wyoming_words/<lang>.yaml, like every other spoken word.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from ..dialog.spoken import number_words
from .session import Line

WORDS_DIR = Path(__file__).resolve().parent / "wyoming_words"
MIN_HOLD_S = 5.0
"""A pause this long or longer is a hold, and is counted aloud (HOLD_RANGE starts at 5)."""
MAX_COUNT = 120


@dataclass(frozen=True)
class Words:
    """The shell's own words for one language."""

    answer_hint: str
    count_first: str
    count_next: str
    count_separator: str

    @staticmethod
    def load(lang: str) -> "Words":
        """Read wyoming_words/<lang>.yaml; a missing file or key is an error at start."""
        import yaml

        path = WORDS_DIR / f"{lang}.yaml"
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            count = data["count"]
            words = Words(str(data["answer_hint"]), str(count["first"]), str(count["next"]),
                          str(count["separator"]))
        except (OSError, KeyError, TypeError) as err:
            raise ValueError(f"{path}: cannot read the Wyoming shell's words ({err!r})") from None
        for template in (words.count_first, words.count_next):
            if "{n}" not in template:
                raise ValueError(f"{path}: count templates need {{n}}, got {template!r}")
        return words

    def count(self, seconds: float) -> str:
        """A hold counted aloud: "One, and two, and three." for three seconds."""
        n = max(1, min(MAX_COUNT, round(seconds)))
        parts = [self.count_first.format(n=number_words(1))]
        parts += [self.count_next.format(n=number_words(i)) for i in range(2, n + 1)]
        text = self.count_separator.join(parts) + "."
        return text[:1].upper() + text[1:]


def spoken_text(lines: Sequence[Line], words: Words, hint: bool) -> str:
    """The turn as one text: each line, each hold counted after it, and after a question the
    answer hint when `hint` (the client will not reopen the microphone)."""
    parts: list[str] = []
    for line in lines:
        parts.append(line.say)
        if line.pause_s >= MIN_HOLD_S:
            parts.append(words.count(line.pause_s))
    if hint and lines and lines[-1].expects_reply and not lines[-1].end:
        parts.append(words.answer_hint)
    return " ".join(part.strip() for part in parts if part.strip())
