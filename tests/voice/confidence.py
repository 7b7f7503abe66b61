"""Evidence for the confirmation threshold: how confident pocketsphinx is when a heard answer
rules out an emergency sign, right and wrong.

The vignettes alone rarely mis-hear a "yes" as a "no", so a threshold chosen from them has no
wrong rule-outs to catch. Here the patient's own answers to the emergency questions (from
tests/data/phrasings.yaml: every yes, every named sign, every "I don't know", every no) are said
by each of flite's voices, in each condition, to each recogniser, after the question that asks
for them; each decode that the skill's reader takes as ruling the sign out is kept with its
confidence, and marked right (the patient said no) or wrong (the patient said yes or did not know).

    uv run python -m tests.voice.confidence      (about 11 minutes on 2 cores: the open model
                                                 decodes the noisy room slowly)
"""
from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from tests.voice.audio import CONDITIONS, speak
from tests.voice.harness import DATA, patient

VOICES = ("slt", "rms", "awb", "kal16")
SIGNS = ("breathless", "chest_pain", "coughing_blood", "fainting", "cold_pale_leg",
         "numb_or_weak_leg", "saddle_numbness_or_incontinence")


def answers() -> list[tuple[str, str, bool]]:
    """(sign asked, answer, the sign is truly absent) for every answer the patient can give."""
    p = patient.load_yaml(DATA / "phrasings.yaml")
    out = []
    for sign in SIGNS:
        out += [(sign, text, False) for text in [*p["yes"], *p["bool"].get(sign, []), *p["unknown"]]]
        out += [(sign, text, True) for text in p["no"]]
    return out


_W: dict[str, Any] = {}


def _init(kind: str) -> None:
    from skill.content import content_dir
    from skill.nlu.recognizer import Recognizer

    from tests.voice.asr import Recogniser

    _W["asr"], _W["reader"] = Recogniser(kind), Recognizer.from_dir(content_dir("intents", "en"))


def _decode(job: tuple[str, str, bool, str, Any]) -> dict | None:
    sign, text, absent, voice, condition = job
    heard = _W["asr"].hear(speak(text, condition, voice))
    rules_out = False
    for seg in _W["reader"].recognize(heard.text) if heard.text else ():
        rules_out |= seg.intent == "Deny" or seg.slots.get(sign) == "false"
    if not rules_out:
        return None
    return {"sign": sign, "said": text, "heard": heard.text, "confidence": heard.confidence,
            "truly_absent": absent, "voice": voice, "condition": condition.name}


def rule_outs(kind: str, workers: int = 2) -> list[dict]:
    """Every decode of `kind` that rules an emergency sign out, over voices x conditions."""
    if kind == "grammar":
        from tests.voice.grammar_lm import train

        train()
    # The same answer is asked about each sign; said once per sign is the same audio, so the
    # words are decoded once and the sign only changes what "false" slot counts.
    jobs = [(sign, text, absent, voice, condition) for sign, text, absent in answers()
            for voice in VOICES for condition in CONDITIONS]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_init, initargs=(kind,)) as pool:
        return [r for r in pool.map(_decode, jobs, chunksize=8) if r]


def threshold_rows(found: list[dict], thresholds=(0.02, 0.05, 0.1, 0.12, 0.15, 0.2)) -> list[str]:
    right = [u["confidence"] for u in found if u["truly_absent"]]
    wrong = [u["confidence"] for u in found if not u["truly_absent"]]
    return [f"below {t:<5} re-asks {sum(c < t for c in right):>3} of {len(right)} right rule-outs, "
            f"catches {sum(c < t for c in wrong)} of {len(wrong)} wrong" for t in thresholds]


def main() -> int:
    for kind in ("grammar", "open"):
        found = rule_outs(kind)
        print(f"{kind}:")
        print("\n".join(f"  {row}" for row in threshold_rows(found)))
        for u in found:
            if not u["truly_absent"]:
                print(f"  WRONG ({u['voice']}, {u['condition']}, {u['sign']}): said {u['said']!r}, "
                      f"heard {u['heard']!r}, confidence {u['confidence']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

