"""pocketsphinx in-process, with the two language models of the voice test.

- "grammar": the model trained from our own grammar as Rhasspy 2.5 trains it (grammar_lm.py),
  with its dictionary: what a Rhasspy running legcramp recognises with.
- "open": pocketsphinx's bundled general en-US model and full cmudict: open vocabulary, a
  stand-in for a general recogniser (an Assist speech-to-text that knows nothing of legcramp).

Both use the bundled en-US acoustic model. The confidence is the posterior probability of
the whole hypothesis (pocketsphinx's `hyp().prob`, from the lattice), and each word's posterior
is kept too.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

RECOGNISERS = ("grammar", "open")


@dataclass(frozen=True)
class Heard:
    text: str
    confidence: float  # posterior probability of the hypothesis, in [0, 1]
    words: tuple[tuple[str, float], ...]  # each word and its posterior, fillers left out


class Recogniser:
    """One pocketsphinx decoder; `hear(pcm)` decodes one whole utterance."""

    def __init__(self, kind: str) -> None:
        from pocketsphinx import Decoder, get_model_path

        if kind not in RECOGNISERS:
            raise ValueError(f"no recogniser {kind!r}; there are {RECOGNISERS}")
        self.kind = kind
        model = Path(get_model_path()) / "en-us"
        kwargs = {"hmm": str(model / "en-us"), "samprate": 16000, "loglevel": "ERROR"}
        if kind == "grammar":
            from tests.voice.grammar_lm import train

            trained = train(balance_counts=True)
            kwargs.update(lm=str(trained.lm_bin), dict=str(trained.dictionary))
        else:
            kwargs.update(lm=str(model / "en-us.lm.bin"), dict=str(model / "cmudict-en-us.dict"))
        self.decoder = Decoder(**kwargs)

    def hear(self, pcm: bytes) -> Heard:
        d = self.decoder
        d.start_utt()
        d.process_raw(pcm, full_utt=True)
        d.end_utt()
        hyp = d.hyp()
        if hyp is None:
            return Heard("", 0.0, ())
        words = tuple((_word(s.word), float(s.prob)) for s in d.seg()
                      if not _filler(s.word))
        return Heard(" ".join(w for w, _ in words), float(hyp.prob), words)


def _filler(word: str) -> bool:
    return word.startswith(("<", "[", "+")) or word in ("<sil>",)


def _word(word: str) -> str:
    """cmudict's variant mark `word(2)` is the word."""
    return word.split("(", 1)[0]


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
