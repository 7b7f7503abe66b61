"""What an utterance means for the conversation: findings stated, an answer, commands, questions.

Recognition (local grammar or Rhasspy) yields segments; this turns them into one Interpretation.
Answers (yes, no, don't know, a number) only mean something against the open question, which
`apply_answer` resolves. A combined question ("A, B or C?") answered "yes, B" says nothing of A
and C: they are asked again if they still matter (invariant 9).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import Optional

from ..nlu.complaint import PAIN_WORDS
from ..nlu.contract import (AFTER_INTENTS, COMMAND_INTENTS, DIARY_INTENTS, KNOWLEDGE_INTENTS,
                            REPORT_INTENTS)
from ..triage.findings import EMERGENCY_SIGNS, SCHEMA, UNKNOWN, InvalidFinding, Value, parse_value
from ..triage.questions import QUESTIONS_BY_ID, Question
from .events import Segment
from .state import Pending

log = logging.getLogger(__name__)

ANSWERS = {"Affirm": "yes", "Deny": "no", "DontKnow": "unknown", "Hedge": "hedge"}


@dataclass
class Interpretation:
    findings: dict[str, Value] = field(default_factory=dict)
    answer: Optional[str] = None  # "yes" | "no" | "unknown" | "hedge"
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
    """Fold segments into one interpretation; later statements of a finding win, but a later
    place named without pain (nor as a correction) does not move where it hurts."""
    result = Interpretation()
    for segment in segments:
        if segment.intent in REPORT_INTENTS:
            for slot, raw in segment.slots.items():
                if slot == "thigh_part" and raw in ("front", "back"):
                    result.thigh_part = raw
                elif slot == "pain_location" and slot in result.findings and not _moves_pain(segment):
                    # A later place said without pain is where a sign shows or how far it goes
                    # ("a bruise came up by my ankle"): the place that hurts stays.
                    continue
                elif slot in SCHEMA:
                    try:
                        result.findings[slot] = parse_value(slot, raw)
                    except InvalidFinding as err:
                        log.debug("ignored slot: %s", err)
        elif segment.intent in ANSWERS:
            result.answer = _later_answer(result.answer, ANSWERS[segment.intent])
        elif segment.intent == "AnswerNumber":
            raw = str(segment.slots.get("number", ""))
            if raw.isdigit():
                result.number = int(raw)
        elif segment.intent in COMMAND_INTENTS or segment.intent in AFTER_INTENTS:
            result.commands.append(segment.intent)
        elif segment.intent in KNOWLEDGE_INTENTS:
            result.knowledge.append(segment)
        elif segment.intent in DIARY_INTENTS:
            result.diary.append(segment)
        else:
            log.debug("ignored intent %s", segment.intent)
    return result


def _moves_pain(segment: Segment) -> bool:
    """The segment names where it hurts: pain words in it ("now my calf is hurting"), or a
    correction said just before it ("no wait, the back of my knee")."""
    return (bool(PAIN_WORDS & set(segment.text.split()))
            or segment.cue == "correction" or segment.cue.startswith("pain:"))


# A word that, said to this question, answers it rather than reporting a sign of its own: a
# foot asked "cold or pale?" and said to be "warm" is not cold, and says nothing of the skin
# over the painful calf (issue 11: answers are read against the question that was asked).
CONTRARY: dict[tuple[str, str, Value], tuple[str, Value]] = {
    ("cold_pale_leg", "warmth", True): ("cold_pale_leg", False),
}


_LEG_SIGNS = frozenset({"redness", "warmth", "swelling", "bruising"})


def read_against(pending: Optional[Pending], said: Interpretation) -> Interpretation:
    """`said`, with findings that answer the open question moved to the finding it asks."""
    if pending is None or pending.kind not in ASKED_KINDS:
        return said
    asking = set(asked(pending))
    findings = dict(said.findings)
    for (question_finding, heard, value), (finding, meaning) in CONTRARY.items():
        if (question_finding in asking and heard not in asking and finding not in findings
                and findings.get(heard) == value):
            del findings[heard]
            findings[finding] = meaning
    answer = said.answer
    if asking and asking <= _LEG_SIGNS and findings.get("pain_side") == "both":
        # Asked to compare the two legs, "both" is the comparison, not the painful side
        # ("they look the same, both skinny old legs"); alone, it says there is no difference.
        del findings["pain_side"]
        if not findings and answer is None:
            answer = "no"
    if findings == said.findings and answer == said.answer:
        return said
    return replace(said, findings=findings, answer=answer)


def _later_answer(before: Optional[str], now: str) -> str:
    """The later answer wins ("no wait, actually yes"), but a hedge beside a yes keeps the yes
    hedged ("yes, a bit", "a bit, yes"): invariant 10 reads it as a yes after one clarification."""
    if "hedge" in (before, now) and "yes" in (before, now):
        return "hedge"
    return now


def is_positive(value: Value) -> bool:
    """A value that reports something is there (a yes, an unknown, a swollen leg)."""
    return value is True or value == UNKNOWN or value in ("one_leg", "both_legs")


@dataclass(frozen=True)
class Answered:
    """What an answer settled, and what to ask next when it settled too little.

    `ask_which`: a plain yes to several things ("which one?", invariant 9). `clarify`: a hedge,
    asked once whether it is a yes (invariant 10). `one_by_one`: "I don't know" to several
    things, taken one at a time so that only what is truly unknown counts as unknown.
    """

    values: dict[str, Value]
    ask_which: bool = False
    clarify: bool = False
    one_by_one: bool = False


# Pending kinds whose answer was asked about the question's findings; "item" asks only the first.
ASKED_KINDS = ("question", "which", "clarify", "check", "item", "heard")


def asked(pending: Pending) -> tuple[str, ...]:
    """The findings the open question is asking about, in spoken order."""
    return pending.asking[:1] if pending.kind == "item" else pending.asking


def _question(pending: Pending) -> Question:
    if pending.kind == "check":
        return QUESTIONS_BY_ID["leg_signs"]
    return QUESTIONS_BY_ID[pending.id]


def apply_answer(pending: Optional[Pending], said: Interpretation) -> Answered:
    """Values the answer gives to the open question's findings that were not stated outright.

    Only what is denied is false (invariant 9): "no chest pain" answers chest pain alone, a yes
    to one thing says nothing of the others, and both leave the rest to be asked again.
    """
    if pending is None or pending.kind not in ASKED_KINDS:
        return Answered({})
    question = _question(pending)
    findings = asked(pending)
    remaining = [f for f in findings if f not in said.findings]
    if not remaining:
        return Answered({})
    several = len(remaining) > 1
    named = any(f in said.findings for f in findings)
    if said.answer == "unknown":
        if several and pending.kind == "question" and not named:
            return Answered({}, one_by_one=True)
        # "No redness, not sure about the rest": the rest is unknown (invariant 4 decides).
        return Answered({f: UNKNOWN for f in remaining})
    if named:
        # A yes or no said with named findings is about those: the rest stays open.
        return Answered({})
    if said.answer == "no":
        return Answered(_values(question.no_value, remaining))
    if said.answer == "hedge":
        if pending.kind in ("clarify", "check", "which"):
            return Answered(_values(question.hedged_value, remaining))
        return Answered({}, clarify=True)
    if said.answer == "yes":
        if several and pending.kind not in ("which", "clarify") and not _all_emergency(remaining):
            return Answered({}, ask_which=True)
        # One thing, an emergency sign among signs that all are (no time for "which one?"),
        # or a yes again after "which one?": each counts as there.
        return Answered(_values(question.yes_value, remaining))
    if said.number is not None and not several and SCHEMA[remaining[0]].type == "int":
        return Answered({remaining[0]: said.number})
    return Answered({})


def _all_emergency(findings: list[str]) -> bool:
    return all(f in EMERGENCY_SIGNS for f in findings)


def _values(pick, findings: list[str]) -> dict[str, Value]:
    values = {f: pick(f) for f in findings}
    return {f: v for f, v in values.items() if v is not None}
