"""A patient who answers the dialog manager in segments (no grammar), from a known truth.

Used by the dialog-manager tests to play whole conversations without recognition, so that a
failure points at the dialog or the core, not at the grammar.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from skill.dialog.events import Advised, End, Heard, Segment, Utter
from skill.dialog.manager import DialogManager
from skill.dialog.state import State
from skill.nlu.contract import REPORT_INTENTS
from skill.triage.findings import UNKNOWN

INTENT_OF = {slot: intent for intent, slots in REPORT_INTENTS.items() for slot in slots
             if intent != "ReportLegSigns" or slot not in ("pain_location", "pain_side")}


def as_slot(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def report(findings: dict) -> tuple[Segment, ...]:
    return tuple(Segment(INTENT_OF[f], {f: as_slot(v)}) for f, v in findings.items())


def is_positive(value) -> bool:
    return value is True or value in ("one_leg", "both_legs", UNKNOWN) or (
        isinstance(value, int) and not isinstance(value, bool) and value > 0)


@dataclass
class Turn:
    heard: tuple[Segment, ...]
    state: State
    effects: list


@dataclass
class Conversation:
    turns: list[Turn] = field(default_factory=list)

    @property
    def lines(self) -> list[Utter]:
        return [e for t in self.turns for e in t.effects if isinstance(e, Utter)]

    @property
    def advised(self):
        found = [e for t in self.turns for e in t.effects if isinstance(e, Advised)]
        return found[-1] if found else None

    @property
    def questions(self) -> int:
        return sum(1 for t in self.turns[:-1] if not any(isinstance(e, End) for e in t.effects))


def answer(asking: tuple[str, ...], truth: dict, dont_know: set) -> tuple[Segment, ...]:
    """Name what is there; say no when nothing is; "don't know" for the findings in dont_know."""
    if any(f in dont_know for f in asking):
        known = {f: truth[f] for f in asking if f not in dont_know and is_positive(truth[f])}
        return (Segment("DontKnow", {}), *report(known))
    if not asking:
        return (Segment("Affirm", {}),)
    if len(asking) == 1:
        return report({asking[0]: truth[asking[0]]})
    positive = {f: truth[f] for f in asking if is_positive(truth[f])}
    if positive:
        return (Segment("Affirm", {}), *report(positive))
    return (Segment("Deny", {}),)


def play(manager: DialogManager, truth: dict, opening: dict, dont_know: set = frozenset(),
         max_turns: int = 30) -> Conversation:
    """Say the opening, then answer every question from the truth, until the skill ends."""
    conversation, state = Conversation(), State()
    heard = report(opening) or (Segment("ReportPain", {"pain_location": as_slot(truth["pain_location"])}),)
    for _ in range(max_turns):
        state, effects = manager.step(state, Heard(heard))
        conversation.turns.append(Turn(heard, state, effects))
        if any(isinstance(e, End) for e in effects):
            return conversation
        last = [e for e in effects if isinstance(e, Utter)][-1]
        heard = answer(last.asking, truth, set(dont_know))
    raise AssertionError("the conversation did not end")
