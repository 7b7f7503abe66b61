"""How a conversation ends: advice, and the one reply the skill listens for after it.

Invariant 8: every conversation in which a leg complaint was heard ends with exactly one of the
four dispositions, also after misses, silence or "stop"; what was asked and not answered counts
as unknown (so invariant 4 decides), and the skill says what it could not rule out. A
conversation with no complaint ends with the red flags to call for. Invariant 12: after the
advice the skill listens once more ("Will you call now?"), and what it says then keeps the
disposition and its time frame.
"""
from __future__ import annotations

from typing import Mapping

from ..triage.engine import Assessment, assess, settled_level
from ..triage.findings import UNKNOWN, Disposition, Value
from ..triage.history import from_diary, this_week
from .events import Advised, Effect, End, Utter
from .interpret import Interpretation, asked
from .speech import Speech
from .state import Pending, State, complaint_heard

Step = tuple[State, list[Effect]]

# Replies to the advice, most telling first: each keeps the disposition (invariant 12).
_REPLIES = ("Refuse", "CanIWait", "CanISleep")


class Endings:
    """Builds the endings; pure, like the manager that calls it."""

    def __init__(self, speech: Speech) -> None:
        self.speech = speech

    # --- advice --------------------------------------------------------------------------

    def advise(self, state: State, lines: list[Utter], asked_ambulance: bool = False) -> Step:
        """The advice for what is known, then one question that keeps the line open."""
        assessment = assess(state.findings)
        if asked_ambulance and assessment.disposition < Disposition.EMERGENCY:
            assessment = Assessment(Disposition.EMERGENCY, ("asked_ambulance",),
                                    (), ("asked_ambulance",))
        turn = state.turn
        lines = list(lines)
        if asked_ambulance:
            lines.append(self.speech.line("request.cannot_call", turn))
        recent = state.recent
        diary_week = (this_week(recent) if recent is not None and from_diary(recent)
                      and state.findings.get("cramps_per_week") == this_week(recent) else None)
        advised = Advised(assessment.disposition.id, assessment.rules, dict(state.findings))
        advice = self.speech.advice(assessment, turn, diary_week,
                                    not_eased=self._not_eased_after_guide(state))
        level = assessment.disposition.id
        ask = Utter(self.speech.say(f"after.ask.{level}", turn).text, expects_reply=True)
        state = state.with_(pending=Pending("after", level, ()), disposition=level,
                            last_lines=(ask,), misses=0)
        return state, [*lines, advised, *advice, ask]

    @staticmethod
    def _not_eased_after_guide(state: State) -> bool:
        """A cramp still there after the guided stretch: the ten-minute limit is told (U3)."""
        return state.guided and state.findings.get("eased_by_stretching") is False

    def give_up(self, state: State, silent: bool) -> Step:
        """After misses or silence: what was asked counts as unknown, and advice follows."""
        if not complaint_heard(state):
            return self.no_complaint(state, [self.speech.line(
                "silence.give_up" if silent else "misunderstood.give_up", state.turn)])
        return self._unknowns_then_advice(state, "silence.unsure" if silent else "misunderstood.unsure")

    def stop(self, state: State) -> Step:
        """"Stop": advice on what is known (invariant 8), or the red flags if nothing is."""
        if not complaint_heard(state):
            return self.no_complaint(state, [self.speech.line("command.stop", state.turn)])
        return self._unknowns_then_advice(state, "command.stop_unsure")

    def _unknowns_then_advice(self, state: State, key: str) -> Step:
        pending = state.pending
        open_items = ()
        if pending is not None and pending.kind in ("question", "which", "clarify", "item", "check",
                                                    "heard"):
            open_items = tuple(f for f in (pending.asking if pending.kind == "item" else asked(pending))
                               if f not in state.findings)
        findings: dict[str, Value] = {**state.findings, **{f: UNKNOWN for f in open_items}}
        state = state.with_(findings=findings)
        lines: list[Utter] = []
        if open_items:
            lines.append(self.speech.line(key, state.turn, items=self.speech.signs(open_items)))
        return self.advise(state, lines)

    def no_complaint(self, state: State, lines: list[Utter]) -> Step:
        """No leg complaint heard: the red flags to call for, then the end (invariant 8)."""
        flags = self.speech.say("red_flags", state.turn)
        return state.with_(ended=True, pending=None), [*lines, flags, End()]

    def so_far(self, state: State) -> list[Utter]:
        """"What should I do?" mid-way: never comfort before the screen (invariant 11).

        What already holds at urgent or above is said now; anything less is not advice yet, so
        the person hears the signs to call for, and the questions go on."""
        level = settled_level(state.findings)
        if level is not None and level >= Disposition.URGENT:
            assessment = assess(state.findings)
            return [self.speech.line("command.so_far", state.turn),
                    *self.speech.advice(assessment, state.turn)[:2],
                    self.speech.line("command.carry_on", state.turn)]
        return [self.speech.say("red_flags_first", state.turn)]

    # --- after the advice ----------------------------------------------------------------

    def after(self, state: State, said: Interpretation, findings: Mapping[str, Value]) -> Step:
        """The one reply after the advice: answered, never softened, then the end."""
        level = Disposition.from_id(state.pending.id if state.pending else "doctor")
        turn = state.turn
        new = dict(findings)
        if assess(new).disposition > level:  # a new sign changes the advice (invariant 2)
            return self.advise(state.with_(findings=new), [])
        key = self._reply_key(said, level)
        if key == "after.tips":
            lines = [self.speech.line("self_care.prevention", turn)]
        else:
            lines = [self.speech.say(key, turn)]
        return state.with_(ended=True, pending=None), [*lines, End()]

    @staticmethod
    def _reply_key(said: Interpretation, level: Disposition) -> str:
        name = level.id
        remedy = next((s.slots.get("remedy") for s in said.knowledge if s.intent == "AskRemedies"),
                      None)
        if remedy == "pain_relief":
            return f"after.pain_relief.{name}"
        for intent in _REPLIES:
            if intent in said.commands:
                return f"after.{intent}.{name}"
        if said.answer == "no" and level >= Disposition.URGENT:
            return f"after.Refuse.{name}"
        if said.answer == "yes" or "Ready" in said.commands:
            return "after.tips" if level == Disposition.SELF_CARE else f"after.yes.{name}"
        return f"after.close.{name}"
