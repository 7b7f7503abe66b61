"""The dialog manager: `step(state, event) -> (state, effects)`, with no I/O.

It decides what to say next from what was heard: apply findings and answers, end at once on an
emergency sign (invariant 2), guide a stretch for a cramp happening now after one combined safety
check (invariant 3), ask the next question the triage core picks (invariant 7), or advise.
Shells (chat, hermes) turn the effects into speech, JSON lines or MQTT messages.
"""
from __future__ import annotations

from typing import Optional

from ..triage.engine import (assess, could_change, guide_allowed, next_question, settled_level,
                             unscreened_for_guide, unsure_for_guide)
from ..triage.findings import UNKNOWN, Disposition, Value
from ..triage.questions import QUESTIONS_BY_ID
from ..triage.rules import RULES_BY_ID
from ..triage.history import Recent, cramps_per_week, from_diary, this_week
from .events import Advised, Effect, End, Event, ForgetDiary, Heard, NotUnderstood, Silence, Utter
from .interpret import Interpretation, apply_answer, interpret
from .keys import CHECKABLE, QUESTION_FINDINGS
from .phrasebook import Phrasebook
from .speech import Speech
from .state import Config, Pending, State

Step = tuple[State, list[Effect]]

MAX_MISSES = 2

# What a check that finds nothing means for each checkable finding.
_CLEAR: dict[str, Value] = {f: "none" if f == "swelling" else False for f in CHECKABLE}


class DialogManager:
    """Holds the words and settings; every call to `step` is a pure function of its arguments."""

    def __init__(self, phrasebook: Phrasebook, config: Config = Config()) -> None:
        self.speech = Speech(phrasebook, config)

    def step(self, state: State, event: Event) -> Step:
        if state.ended:
            state = State(recent=state.recent)
        state = state.with_(turn=state.turn + 1, started=True)
        if isinstance(event, Silence):
            return self._end_safely(state, "silence.give_up")
        if isinstance(event, NotUnderstood):
            return self._miss(state)
        said = interpret(event.segments) if isinstance(event, Heard) else Interpretation()
        if said.empty:
            return self._miss(state)
        return self._heard(state, said)

    # --- hearing -------------------------------------------------------------------------

    def _heard(self, state: State, said: Interpretation) -> Step:
        pending = state.pending
        if pending and pending.kind == "confirm":
            return self._confirmed(state, said)
        answered = apply_answer(pending, said)
        findings = {**state.findings, **said.findings, **answered.values}
        if findings and "cramps_per_week" not in findings:
            known = cramps_per_week(state.recent)  # the diary knows: not asked at night
            if known is not None:
                findings["cramps_per_week"] = known
        progress = bool(said.findings or answered.values or answered.ask_which)
        checked = state.checked | ({pending.id} if pending and pending.kind == "check" else set())
        state = state.with_(findings=findings, checked=checked,
                            thigh_part=said.thigh_part or state.thigh_part)

        if "Stop" in said.commands and settled_level(findings) != Disposition.EMERGENCY:
            return self._stop(state)
        check = self._check_needed(state)
        if self._emergency(findings, check):
            return self._advise(state, [])

        lines: list[Utter] = []
        if "Repeat" in said.commands and not progress:
            return self._repeat(state)
        if "WhatShouldIDo" in said.commands:
            lines += self._so_far(state)
        if "Help" in said.commands:
            lines.append(self.speech.line("command.help", state.turn))
        for segment in said.diary:
            if segment.intent == "ForgetDiary" and state.recent is not None:
                return self._ask(state, lines, Pending("confirm", "forget_diary", ()))
            lines.append(self.speech.diary(segment, state.recent, state.turn))
        for segment in said.knowledge:
            if segment.intent == "AskStretch":
                state = state.with_(want_guide=segment.slots.get("routine") or "auto")
            else:
                answer = self.speech.knowledge(segment.intent, dict(segment.slots), state.turn)
                if answer:
                    lines.append(answer)
        if not (progress or lines or state.want_guide):
            return self._miss(state)
        state = state.with_(misses=0)
        if not progress and not state.want_guide:
            if state.pending:
                return self._ask(state, lines, state.pending)
            if not state.findings:  # a question asked out of the blue: answer it and close
                return state.with_(ended=True), [*lines, End()]
        if check:
            return self._ask(state, lines, Pending("check", check, (check,)))
        if answered.ask_which and pending:
            named = tuple(f for f in pending.asking if f not in said.findings)
            return self._ask(state, lines, Pending("which", pending.id, named))
        return self._next(state, lines)

    def _check_needed(self, state: State) -> Optional[str]:
        """A finding said to be unknown that the person could find out, once each.

        All of them, not just this turn's: "not sure about swelling or warmth" checks the
        swelling now and the warmth next, if its answer can still change the outcome.
        """
        unsure = [f for f in CHECKABLE
                  if state.findings.get(f) == UNKNOWN and f not in state.checked]
        for finding in unsure:
            # Judged as if the other checks come back clear: with swelling and warmth both
            # unknown, neither alone changes the outcome, yet each may once the other is known.
            others = {f: _CLEAR[f] for f in unsure if f != finding}
            if could_change({**state.findings, **others}, finding, _CLEAR[finding]):
                return finding
        return None

    @staticmethod
    def _emergency(findings: dict[str, Value], check: Optional[str]) -> bool:
        """An emergency sign holds, not counting an unknown we are about to help check."""
        if check:
            findings = {k: v for k, v in findings.items() if k != check}
        return settled_level(findings) == Disposition.EMERGENCY

    # --- choosing the next move ----------------------------------------------------------

    def _next(self, state: State, lines: list[Utter]) -> Step:
        findings = state.findings
        wants = state.want_guide or (findings.get("cramp_now") is True and not state.guided)
        if wants:
            if guide_allowed(findings):
                return self._guide(state, lines)
            unscreened = unscreened_for_guide(findings)
            level = settled_level(findings)
            urgent = level is not None and level >= Disposition.URGENT
            if state.want_guide and urgent:
                lines.append(self.speech.line("guide.refused", state.turn))
                state = state.with_(want_guide=None)
            elif unscreened and not urgent and "cramp_safety" not in state.checked:
                state = state.with_(checked=state.checked | {"cramp_safety"})
                return self._ask(state, lines, Pending("question", "cramp_safety", unscreened))
            elif unsure_for_guide(findings) and not unscreened and not urgent:
                # Invariant 4: still unknown after the check counts as present: say why no
                # stretch comes, once, and let the questions settle it.
                lines.append(self.speech.line("guide.withheld", state.turn))
                state = state.with_(want_guide=None, guided=True)
        question = next_question(findings)
        if question is None:
            return self._advise(state, lines)
        asking = tuple(f for f in question.findings if f not in findings)
        return self._ask(state, lines, Pending("question", question.id, asking))

    def _guide(self, state: State, lines: list[Utter]) -> Step:
        routine = self._routine(state)
        lines = [*lines, *self.speech.routine(routine, state.turn)]
        cramp_now = state.findings.get("cramp_now") is True and not state.guided
        state = state.with_(want_guide=None, guided=state.guided or cramp_now)
        if cramp_now:
            return self._ask(state, lines, Pending("question", "eased_after_guide",
                                                   ("eased_by_stretching",)))
        lines.append(self.speech.line("guide.finish", state.turn))
        if not set(state.findings) - set(unscreened_for_guide({})):
            return state.with_(ended=True), [*lines, End()]  # a stretch asked for, no complaint
        return self._next(state, lines)

    def _routine(self, state: State) -> str:
        if state.want_guide and state.want_guide != "auto":
            return state.want_guide
        location = state.findings.get("pain_location")
        if location in ("foot", "toes"):
            return "foot_stretch"
        if location == "thigh":
            return "quad_stretch" if state.thigh_part == "front" else "hamstring_stretch"
        return "calf_stretch"

    def _ask(self, state: State, lines: list[Utter], pending: Pending, again: bool = False) -> Step:
        question = self.speech.ask(pending, state.turn, again=again)
        state = state.with_(pending=pending, last_lines=(question,))
        return state, [*lines, question]

    def _confirmed(self, state: State, said: Interpretation) -> Step:
        """The answer to "delete your whole diary?": only a plain yes deletes anything."""
        state = state.with_(pending=None, misses=0)
        effects: list[Effect] = []
        if said.answer == "yes" and not said.findings:
            effects = [ForgetDiary(), self.speech.line("diary.forget.done", state.turn)]
            state = state.with_(recent=Recent())
        elif said.answer == "no":
            effects = [self.speech.line("diary.forget.kept", state.turn)]
        else:
            effects = [self.speech.line("diary.forget.unsure", state.turn)]
            if not said.empty and said.answer is None:  # they moved on: hear what they said
                state, more = self._heard(state, said)
                return state, [*effects, *more]
        if state.findings:
            state, more = self._next(state, [])
            return state, [*effects, *more]
        return state.with_(ended=True), [*effects, End()]

    # --- endings -------------------------------------------------------------------------

    def _advise(self, state: State, lines: list[Utter]) -> Step:
        assessment = assess(state.findings)
        advised = Advised(assessment.disposition.id, assessment.rules, dict(state.findings))
        recent = state.recent
        diary_week = (this_week(recent) if recent is not None and from_diary(recent)
                      and state.findings.get("cramps_per_week") == this_week(recent) else None)
        advice = self.speech.advice(assessment, state.turn, diary_week)
        state = state.with_(ended=True, pending=None, disposition=assessment.disposition.id)
        return state, [*lines, advised, *advice, End()]

    def _stop(self, state: State) -> Step:
        """Stop on request; give the advice if something urgent was heard, else the safety net."""
        assessment = assess(state.findings)
        ordinary = [r for r in assessment.rules if not RULES_BY_ID[r].fallback]
        if ordinary and assessment.disposition >= Disposition.URGENT:
            return self._advise(state, [])
        lines = [self.speech.line("safety_net", state.turn)] if ordinary else []
        lines.append(self.speech.line("command.stop", state.turn))
        return state.with_(ended=True, pending=None), [*lines, End()]

    def _end_safely(self, state: State, key: str) -> Step:
        lines = [self.speech.line(key, state.turn), self.speech.line("safety_net", state.turn)]
        return state.with_(ended=True, pending=None), [*lines, End()]

    def _miss(self, state: State) -> Step:
        """Not understood: rephrase once; the second miss in a row ends safely, never a loop."""
        misses = state.misses + 1
        if misses >= MAX_MISSES:
            return self._end_safely(state.with_(misses=misses), "misunderstood.give_up")
        state = state.with_(misses=misses)
        sorry = [self.speech.line("misunderstood.again", state.turn)]
        if state.pending:
            return self._ask(state, sorry, state.pending, again=True)
        welcome = Utter(self.speech.book.say("greeting.welcome", state.turn), expects_reply=True)
        return state.with_(last_lines=(welcome,)), [*sorry, welcome]

    # --- commands ------------------------------------------------------------------------

    def _repeat(self, state: State) -> Step:
        if state.last_lines:
            return state, list(state.last_lines)
        lines = [self.speech.line("command.nothing_to_repeat", state.turn)]
        welcome = Utter(self.speech.book.say("greeting.welcome", state.turn), expects_reply=True)
        return state, [*lines, welcome]

    def _so_far(self, state: State) -> list[Utter]:
        """The best advice so far, before carrying on with the questions."""
        if not state.findings:
            return []
        assessment = assess(state.findings)
        lines = [self.speech.line("command.so_far", state.turn)]
        lines += self.speech.advice(assessment, state.turn)[:2]
        lines.append(self.speech.line("command.carry_on", state.turn))
        return lines


def opening(phrasebook: Phrasebook, turn: int = 0) -> Utter:
    """What the skill says when woken with nothing said yet."""
    return Utter(phrasebook.say("greeting.welcome", turn), expects_reply=True)


__all__ = ["DialogManager", "Config", "State", "opening", "QUESTIONS_BY_ID", "QUESTION_FINDINGS"]
