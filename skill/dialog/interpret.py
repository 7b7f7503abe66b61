"""What an utterance means for the conversation: findings stated, an answer, commands, questions.

Recognition (local grammar or Rhasspy) yields segments; this turns them into one Interpretation.
Answers (yes, no, don't know, a number) only mean something against the open question, which
`apply_answer` resolves, including the implicature of a combined question ("Any of A, B or C?"
"Yes, B." means A and C are no).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Optional

from ..nlu.contract import COMMAND_INTENTS, DIARY_INTENTS, KNOWLEDGE_INTENTS, REPORT_INTENTS
from ..triage.findings import SCHEMA, UNKNOWN, InvalidFinding, Value, parse_value
from ..triage.questions import QUESTIONS_BY_ID, Question
from .events import Segment
from .state import Pending

log = logging.getLogger(__name__)

ANSWERS = {"Affirm": "yes", "Deny": "no", "DontKnow": "unknown"}


@dataclass
class Interpretation:
    findings: dict[str, Value] = field(default_factory=dict)
    answer: Optional[str] = None  # "yes" | "no" | "unknown"
    number: Optional[int] = None
    commands: list[str] = field(default_factory=list)
    knowledge: list[Segment] = field(default_factory=list)
    diary: list[Segment] = field(default_factory=list)
    thigh_part: Optional[str] = None

    @property
    def empty(self) -> bool:
        return not (self.findings or self.answer or self.number is not None
                    or self.commands or self.knowledge or self.diary)


def interpret(segments: tuple[Segment, ...]) -> Interpretation:
    """Fold segments into one interpretation; later statements of a finding win."""
    result = Interpretation()
    for segment in segments:
        if segment.intent in REPORT_INTENTS:
            for slot, raw in segment.slots.items():
                if slot == "thigh_part" and raw in ("front", "back"):
                    result.thigh_part = raw
                elif slot in SCHEMA:
                    try:
                        result.findings[slot] = parse_value(slot, raw)
                    except InvalidFinding as err:
                        log.debug("ignored slot: %s", err)
        elif segment.intent in ANSWERS:
            result.answer = result.answer or ANSWERS[segment.intent]
        elif segment.intent == "AnswerNumber":
            raw = str(segment.slots.get("number", ""))
            if raw.isdigit():
                result.number = int(raw)
        elif segment.intent in COMMAND_INTENTS:
            result.commands.append(segment.intent)
        elif segment.intent in KNOWLEDGE_INTENTS:
            result.knowledge.append(segment)
        elif segment.intent in DIARY_INTENTS:
            result.diary.append(segment)
        else:
            log.debug("ignored intent %s", segment.intent)
    return result


def is_positive(value: Value) -> bool:
    """A value that reports something is there (a yes, an unknown, a swollen leg)."""
    return value is True or value == UNKNOWN or value in ("one_leg", "both_legs")


@dataclass(frozen=True)
class Answered:
    """What an answer settled, and whether a plain yes needs a "which one?"."""

    values: dict[str, Value]
    ask_which: bool = False


def _question(pending: Pending) -> Question:
    if pending.kind == "question":
        return QUESTIONS_BY_ID[pending.id]
    return QUESTIONS_BY_ID["cramp_safety" if pending.kind == "which" else "leg_signs"]


def apply_answer(pending: Optional[Pending], said: Interpretation) -> Answered:
    """Values the answer gives to the open question's findings that were not stated outright."""
    if pending is None:
        return Answered({})
    question = _question(pending)
    stated = {f for f in pending.asking if f in said.findings}
    remaining = [f for f in pending.asking if f not in said.findings]
    if not remaining:
        return Answered({})
    named_one = any(is_positive(said.findings[f]) for f in stated)
    if said.answer == "unknown":
        return Answered({f: UNKNOWN for f in remaining})
    if said.answer == "no" or (named_one and said.answer != "yes"):
        return Answered(_values(question.no_value, remaining))
    if said.answer == "yes":
        if len(pending.asking) == 1:
            return Answered(_values(question.yes_value, remaining))
        if named_one:
            return Answered(_values(question.no_value, remaining))
        if pending.kind == "question" and question.which_on_yes:
            return Answered({}, ask_which=True)
        # A plain yes to a combined question of one urgency: one of them is there.
        return Answered({f: UNKNOWN for f in remaining})
    if said.number is not None and len(remaining) == 1 and SCHEMA[remaining[0]].type == "int":
        return Answered({remaining[0]: said.number})
    return Answered({})


def _values(pick, findings: list[str]) -> dict[str, Value]:
    values = {f: pick(f) for f in findings}
    return {f: v for f, v in values.items() if v is not None}
