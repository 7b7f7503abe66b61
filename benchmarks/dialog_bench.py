"""Figure 6: how many questions the skill asks, over the public vignettes, played as `chat` plays them.

The simulated patient (tests/data/patient.py) plays each vignette against the real chat path
(our recogniser, the dialog manager, the chat renderer) in this process: the same scoring as
`patient.py vignettes`, without a subprocess per run. Questions are counted as the patient counts
them: turns answered before the first advice; for a cramp happening now, the questions before
the first guided step.

Baseline: a fixed questionnaire that asks every question of the question table once
(skill/triage/questions.py without the two the dialog manager adds), which is what a form
would ask; the ratio is the share of that form the skill needed.
"""
from __future__ import annotations

from typing import Any, Callable

import yaml

from skill.content import content_dir
from skill.dialog.events import Segment
from skill.dialog.manager import DialogManager
from skill.dialog.phrasebook import Phrasebook
from skill.dialog.state import Config
from skill.shells.chat import ChatSession
from skill.triage.questions import DIALOG_ONLY, QUESTIONS

from .conversations import HOLD_S, VIGNETTES, load_patient
from .report import median

QUESTIONNAIRE = sum(1 for q in QUESTIONS if q.id not in DIALOG_ONLY)


class InProcessChat:
    """The `Skill` of patient.py (say -> JSON lines) over a ChatSession, without a subprocess."""

    def __init__(self, manager: DialogManager, recognise: Callable[[str], tuple[Segment, ...]],
                 fallback: str) -> None:
        self.session = ChatSession(manager, recognise, fallback)

    def say(self, text: str) -> list[dict[str, Any]]:
        return [dict(line.__dict__) for line in self.session.hear(text)]


def measure(recognise: Callable[[str], tuple[Segment, ...]]) -> dict[str, Any]:
    patient = load_patient()
    from .conversations import oracle  # the same Oracle the recording uses
    answerer = oracle()
    data = yaml.safe_load(VIGNETTES.read_text(encoding="utf-8"))
    book = Phrasebook.load(content_dir("dialogs", "en"))
    manager = DialogManager(book, Config(hold_seconds=HOLD_S))
    fallback = book.say("error.fallback")
    results = []
    for case in data["vignettes"]:
        result = patient.play(InProcessChat(manager, recognise, fallback), answerer, case,
                              data.get("defaults") or {})
        facts = {**(data.get("defaults") or {}), **(case.get("facts") or {})}
        result["cramp_now"] = facts.get("cramp_now") is True
        result.pop("transcript", None)
        results.append(result)
    questions = [r["questions"] for r in results if r["questions"] is not None]
    by: dict[str, dict[str, Any]] = {}
    for level in ("emergency", "urgent", "doctor", "self_care"):
        qs = [r["questions"] for r in results if r["got"] == level and r["questions"] is not None]
        if qs:
            by[level] = {"cases": len(qs), "median": median(qs), "max": max(qs)}
    guide = [r["questions_before_guide"] for r in results if r["cramp_now"]]
    return {
        "cases": len(results), "questionnaire": QUESTIONNAIRE,
        "exact": sum(1 for r in results if r["got"] == r["expected"]),
        "questions_median": median(questions) if questions else None,
        "questions_max": max(questions) if questions else None,
        "by_disposition": by,
        "cramp_now_cases": len(guide),
        "questions_before_guide": guide,
        "questions_before_guide_max": max((g for g in guide if g is not None), default=None),
        "cramp_now_never_guided": sum(1 for g in guide if g is None),
        "results": results,
    }
