"""The question table: what the skill can ask, which findings each question asks, and what a
plain yes or no means for each.

The core asks the most urgent question whose answer could still change the disposition (see
engine.next_question): urgency comes from the rules a question's findings can still decide, the
table order breaks ties, so the rows are in order of danger. `when` narrows a question to where a
clinician would ask it. Question ids match dialogs/<lang> (`ask.<id>`).

Invariant 9 (the rule of three of voice design): a question names at most three findings at a
time, the most dangerous first, on one theme. The emergency screen is therefore three short
questions (breathing and chest; coughing blood and fainting; the foot's blood supply), not one
list of seven. A row may hold a fourth finding of its theme (how the leg looks): it is named
only once one of the first three is known, or the next time the question is asked, so a cramp
whose swelling was checked before the stretch hears "red, warm, or bruised?" in one question.
tests/test_questions.py holds every row to this.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional

from .conditions import Condition, any_, present
from .findings import SCHEMA, Value

MAX_THINGS = 3
"""The most findings one question may name (invariant 9)."""


@dataclass(frozen=True)
class Question:
    """One question. `yes`/`no` give the value a plain yes or no sets, where it is not True/False."""

    id: str
    findings: tuple[str, ...]
    when: Optional[Condition] = None
    yes: Mapping[str, Value] = field(default_factory=dict)
    no: Mapping[str, Value] = field(default_factory=dict)

    def yes_value(self, finding: str) -> Optional[Value]:
        """What a plain yes means for `finding`, or None when yes is no answer (how long?)."""
        if finding in self.yes:
            return self.yes[finding]
        return True if SCHEMA[finding].type == "bool" else None

    def no_value(self, finding: str) -> Optional[Value]:
        if finding in self.no:
            return self.no[finding]
        return False if SCHEMA[finding].type == "bool" else None

    def asks(self, findings: Mapping[str, Value]) -> tuple[str, ...]:
        """What this question names now: its findings not yet known, at most MAX_THINGS of them
        (invariant 9); the rest are named the next time it is asked."""
        return tuple(f for f in self.findings if f not in findings)[:MAX_THINGS]

    def hedged_value(self, finding: str) -> Optional[Value]:
        """What a hedge ("a bit", "sort of") still means after one clarification (invariant 10):
        a sign is there, and easing has not happened. None where a hedge is no answer."""
        if finding == "eased_by_stretching":
            return False
        return self.yes_value(finding)


SWELLING = {"swelling": "one_leg"}
NO_SWELLING = {"swelling": "none"}

QUESTIONS: tuple[Question, ...] = (
    # Asked before guiding a cramp that is happening now; chosen by the dialog manager. One
    # question is enough before a stretch (invariant 3): the two signs of a clot in the lungs,
    # which must not wait for a stretch, and the clot sign that stretching a leg must not meet.
    Question("cramp_safety", ("breathless", "chest_pain", "swelling"), yes=SWELLING, no=NO_SWELLING),
    # The emergency screen, one theme a question (rules E1, E2, E3).
    Question("breathing", ("breathless", "chest_pain")),
    Question("blood_faint", ("coughing_blood", "fainting")),
    Question("foot", ("cold_pale_leg", "numb_or_weak_leg")),
    # Cauda equina presents with back or sciatic pain (NHS sciatica red flags): ask it there.
    Question("saddle", ("saddle_numbness_or_incontinence",), when=present("back_pain_radiating")),
    # Red or warm skin first: with a fever it is an emergency (E5); swelling (U1) and a bruise
    # after sudden calf pain (U4) are urgent.
    Question("leg_signs", ("redness", "warmth", "swelling", "bruising"), yes=SWELLING, no=NO_SWELLING),
    # Fever matters only with red or warm skin (rule E5).
    Question("fever", ("fever",), when=any_(present("redness"), present("warmth"))),
    Question("duration", ("duration",)),
    Question("eased", ("eased_by_stretching",)),
    Question("recent_risks", ("recent_surgery_or_bedrest", "long_travel", "pregnant_or_postpartum")),
    Question("clot_history", ("previous_clot", "cancer", "hormone_medication")),
    Question("side", ("pain_side",)),
    Question("location", ("pain_location",)),
    Question("frequency", ("cramps_per_week",)),
    Question("medicines", ("cramp_medication", "chronic_condition")),
    Question("pain_pattern", ("pain_walking_eased_by_rest", "back_pain_radiating", "recent_injury")),
    # Asked by the dialog manager after a guided stretch.
    Question("eased_after_guide", ("eased_by_stretching",)),
)

QUESTIONS_BY_ID: dict[str, Question] = {q.id: q for q in QUESTIONS}

QUESTION_FINDINGS: dict[str, tuple[str, ...]] = {q.id: q.findings for q in QUESTIONS}
"""Question id -> the findings it asks about, in the order they are spoken."""

# Chosen by the dialog manager, never by next_question.
DIALOG_ONLY: frozenset[str] = frozenset({"cramp_safety", "eased_after_guide"})

# Findings for which the skill can help the person find out, once, after "I don't know"
# (triage-rules.md, Definitions: switch on a light, compare both calves, touch both).
CHECKABLE: tuple[str, ...] = (
    "swelling", "warmth", "redness", "bruising", "cold_pale_leg", "numb_or_weak_leg", "breathless",
)
