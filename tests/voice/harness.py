"""The public vignettes heard, not typed: tests/data/patient.py's Oracle and `play` loop, with
every patient line spoken (audio.py), recognised (asr.py), and the recognised text (and the
recogniser's confidence) handed to an in-process Session, as `legcramp chat` builds one.

`run(kind, condition)` plays the 30 public vignettes through one recogniser in one condition
(kind None: typed, the reference). The vignettes are shared between worker processes (one a
core), each with its own decoder; the grammar's model is trained before they start.
"""
from __future__ import annotations

import dataclasses
import multiprocessing
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.voice.audio import CLEAN, CONDITIONS, Condition, speak

DATA = Path(__file__).resolve().parents[1] / "data"
if str(DATA) not in sys.path:
    sys.path.insert(0, str(DATA))
import patient  # noqa: E402  (tests/data/patient.py: the simulated patient)

LEVELS = patient.LEVELS


def normalise(text: str) -> list[str]:
    """Words as a recogniser writes them: lower case, no punctuation but the apostrophe."""
    return re.sub(r"[^a-z' ]+", " ", text.lower()).split()


def word_errors(ref: list[str], hyp: list[str]) -> int:
    """Substitutions + deletions + insertions (Levenshtein distance over words)."""
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1]


@dataclass
class Utterance:
    said: str
    heard: str
    confidence: float | None
    asking: list[str]  # what the skill had asked when this was said
    errors: int
    words: int
    rules_out: list[str] = field(default_factory=list)  # emergency signs the heard text denies
    truly_absent: bool = True  # the patient's facts agree with what it rules out

    @property
    def right(self) -> bool:
        return self.errors == 0


class VoiceSkill:
    """patient.py's Skill interface (say -> JSON line dicts) over an in-process Session."""

    def __init__(self, recogniser: Any, condition: Condition, confirm_below: float | None) -> None:
        from skill.content import content_dir
        from skill.dialog.manager import DialogManager
        from skill.dialog.phrasebook import Phrasebook
        from skill.dialog.state import Config
        from skill.nlu.recognizer import Recognizer
        from skill.shells.session import Session

        book = Phrasebook.load(content_dir("dialogs", "en"))
        self.reader = Recognizer.from_dir(content_dir("intents", "en"))
        # confirm_below: the dialog's threshold for confirming a heard "no" to an emergency sign
        # (None: the skill's default; 0: never confirm).
        has_threshold = "confirm_below" in {f.name for f in dataclasses.fields(Config)}
        config = (Config(confirm_below=confirm_below) if confirm_below is not None and has_threshold
                  else Config())
        self._new = lambda: Session(DialogManager(book, config), self.reader.recognize,
                                    book.say("error.fallback"))
        self.session = self._new()
        self.recogniser, self.condition = recogniser, condition
        self.asking: list[str] = []
        self.utterances: list[Utterance] = []
        self.last_findings: dict = {}

    def say(self, text: str) -> list[dict]:
        if self.recogniser is None:
            heard, confidence = " ".join(normalise(text)), None
        else:
            result = self.recogniser.hear(speak(text, self.condition))
            heard, confidence = result.text, result.confidence
        ref = normalise(text)
        self.utterances.append(Utterance(text, heard, confidence, list(self.asking),
                                         word_errors(ref, heard.split()), len(ref),
                                         rules_out=self._rules_out(heard)))
        lines = [line.__dict__ for line in self.session.hear(heard, confidence=confidence)]
        last = lines[-1] if lines else {"say": "", "asking": [], "end": True}
        self.asking = list(last.get("asking") or [])
        self.last_findings = dict(last.get("findings") or {})
        return lines or [last]

    def _rules_out(self, heard: str) -> list[str]:
        """The emergency signs asked about that the heard words deny (a no, or 'no X')."""
        from skill.triage.findings import EMERGENCY_SIGNS

        asked = [f for f in self.asking if f in EMERGENCY_SIGNS]
        denied = []
        for seg in self.reader.recognize(heard) if heard else ():
            if seg.intent == "Deny":
                denied += asked
            denied += [f for f, v in seg.slots.items() if f in EMERGENCY_SIGNS and v == "false"]
        return sorted(set(denied))

    def restart(self) -> None:
        self.session = self._new()


# -----------------------------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _init_worker(kind: str | None) -> None:
    from tests.voice.asr import Recogniser

    _WORKER["recogniser"] = Recogniser(kind) if kind else None


def _play(args: tuple[dict, dict, Condition, float | None]) -> dict:
    case, defaults, condition, confirm_below = args
    schema = patient.load_yaml(DATA / "findings.yaml")
    oracle = patient.Oracle(patient.load_yaml(DATA / "phrasings.yaml"), schema)
    skill = VoiceSkill(_WORKER.get("recogniser"), condition, confirm_below)
    facts = {**defaults, **(case.get("facts") or {})}
    try:
        result = patient.play(skill, oracle, case, defaults)
    except Exception as err:  # noqa: BLE001 - a broken conversation is a result, and shown
        result = {"id": case["id"], "expected": case["expected"], "got": "error",
                  "error": f"{type(err).__name__}: {err}", "questions": None, "transcript": []}
    for u in skill.utterances:
        u.truly_absent = all(facts.get(f) is False for f in u.rules_out)
    result["findings"] = skill.last_findings
    result["utterances"] = [{**u.__dict__, "right": u.right} for u in skill.utterances]
    return result


def run(kind: str | None, condition: Condition = CLEAN, workers: int = 2,
        confirm_below: float | None = None, expected: tuple[str, ...] | None = None) -> list[dict]:
    """Every public vignette through recogniser `kind` ("grammar", "open"; None: typed); only
    those whose expected disposition is in `expected`, when given."""
    if kind == "grammar":
        from tests.voice.grammar_lm import train

        train(balance_counts=True)  # once, here, not in every worker
    data = patient.load_yaml(DATA / "vignettes_public.yaml")
    jobs = [(case, data.get("defaults") or {}, condition, confirm_below) for case in data["vignettes"]
            if expected is None or case["expected"] in expected]
    if kind is None or workers <= 1:
        _init_worker(kind)
        return [_play(job) for job in jobs]
    # spawn, not fork: the test suite may have threads running, and a forked child can inherit
    # a lock one of them held. Each worker imports afresh and builds its own decoder.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_init_worker, initargs=(kind,)) as pool:
        return list(pool.map(_play, jobs, chunksize=1))


def summarise(results: list[dict], typed: list[dict]) -> dict:
    """WER, findings error against the typed run, exact dispositions, serious under-triage."""
    rank = {level: i for i, level in enumerate(LEVELS)}
    typed_by_id = {r["id"]: r for r in typed}
    utterances = [u for r in results for u in r["utterances"]]
    errors = sum(u["errors"] for u in utterances)
    ref_words = sum(u["words"] for u in utterances)
    f_wrong = f_total = 0
    for r in results:
        want, got = typed_by_id[r["id"]]["findings"], r["findings"]
        f_total += len(want)
        f_wrong += sum(1 for k in set(want) | set(got) if want.get(k) != got.get(k))
    serious = [r for r in results if r["expected"] in ("emergency", "urgent")
               and rank.get(r["got"], -1) < rank[r["expected"]]]
    return {
        "cases": len(results),
        "exact": sum(r["got"] == r["expected"] for r in results),
        "typed_exact": sum(r["got"] == r["expected"] for r in typed),
        "serious_under_triage": len(serious),
        "serious_cases": [f"{r['id']}: expected {r['expected']}, got {r['got']}" for r in serious],
        "misses": [f"{r['id']}: expected {r['expected']}, got {r['got']}"
                   for r in results if r["got"] != r["expected"]],
        "utterances": len(utterances),
        "utterances_right": sum(u["right"] for u in utterances),
        "wer": errors / max(1, ref_words),
        "findings_error": f_wrong / max(1, f_total),
        "findings_wrong": f_wrong,
        "findings_typed": f_total,
    }


def rule_outs(results: list[dict]) -> list[dict]:
    """Every heard answer that rules out an emergency sign, with its confidence and whether the
    patient's facts agree (the confirmation step's candidates)."""
    return [u for r in results for u in r["utterances"] if u["rules_out"] and u["confidence"] is not None]


def threshold_table(rule_out: list[dict], thresholds=(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)):
    """For each threshold: right rule-outs re-asked, wrong (dangerous) rule-outs caught."""
    right = [u for u in rule_out if u["truly_absent"]]
    wrong = [u for u in rule_out if not u["truly_absent"]]
    return [{"threshold": t,
             "right_reasked": sum(u["confidence"] < t for u in right), "right": len(right),
             "wrong_caught": sum(u["confidence"] < t for u in wrong), "wrong": len(wrong)}
            for t in thresholds]


def run_all(kinds=("grammar", "open"), conditions=CONDITIONS, workers: int = 2) -> dict:
    """Every recogniser in every condition, with the typed reference and the seconds each took."""
    t0 = time.perf_counter()
    typed = run(None)
    out: dict[str, Any] = {"typed": {"results": typed, "summary": summarise(typed, typed),
                                     "seconds": time.perf_counter() - t0}}
    for kind in kinds:
        for condition in conditions:
            t0 = time.perf_counter()
            results = run(kind, condition, workers)
            out[f"{kind}/{condition.name}"] = {"results": results, "summary": summarise(results, typed),
                                              "seconds": time.perf_counter() - t0,
                                              "condition": condition.describe()}
    return out
