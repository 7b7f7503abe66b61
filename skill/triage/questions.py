"""The question table: what the skill can ask, and what a plain yes or no means for each.

The core asks the most urgent question whose answer could still change the disposition (see
engine.next_question): urgency comes from the rules a question's findings can still decide, the
table order breaks ties. `when` narrows a question to where a clinician would ask it.
Question ids match dialogs/<lang> (`ask.<id>`) and skill/dialog/keys.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional

from ..dialog.keys import QUESTION_FINDINGS
from .conditions import Condition, any_, present
from .findings import SCHEMA, Value


@dataclass(frozen=True)
class Question:
    """One question. `yes`/`no` give the value a plain yes or no sets, where it is not True/False."""

    id: str
    when: Optional[Condition] = None
    yes: Mapping[str, Value] = field(default_factory=dict)
    no: Mapping[str, Value] = field(default_factory=dict)
    # A plain yes names none of several findings that differ in urgency: ask which one.
    which_on_yes: bool = False

    @property
    def findings(self) -> tuple[str, ...]:
        return QUESTION_FINDINGS[self.id]

    def yes_value(self, finding: str) -> Optional[Value]:
        """What a plain yes means for `finding`, or None when yes is no answer (how long?)."""
        if finding in self.yes:
            return self.yes[finding]
        return True if SCHEMA[finding].type == "bool" else None

    def no_value(self, finding: str) -> Optional[Value]:
        if finding in self.no:
            return self.no[finding]
        return False if SCHEMA[finding].type == "bool" else None


SWELLING = {"swelling": "one_leg"}
NO_SWELLING = {"swelling": "none"}

QUESTIONS: tuple[Question, ...] = (
    # Asked before guiding a cramp that is happening now; chosen by the dialog manager.
    Question("cramp_safety", yes=SWELLING, no=NO_SWELLING, which_on_yes=True),
    Question("emergency_screen"),
    # Cauda equina presents with back or sciatic pain (NHS sciatica red flags): ask it there.
    Question("saddle", when=present("back_pain_radiating")),
    Question("leg_signs", yes=SWELLING, no=NO_SWELLING),
    # Fever matters only with red or warm skin (rule E5).
    Question("fever", when=any_(present("redness"), present("warmth"))),
    Question("duration"),
    Question("eased"),
    Question("recent_risks"),
    Question("clot_history"),
    Question("side"),
    Question("location"),
    Question("frequency"),
    Question("medicines"),
    Question("pain_pattern"),
    # Asked by the dialog manager after a guided stretch.
    Question("eased_after_guide"),
)

QUESTIONS_BY_ID: dict[str, Question] = {q.id: q for q in QUESTIONS}

# Chosen by the dialog manager, never by next_question.
DIALOG_ONLY: frozenset[str] = frozenset({"cramp_safety", "eased_after_guide"})
