"""The dialog manager: `step(state, event) -> (state, effects)`, with no I/O.

It decides what to say next from what was heard, the way a nurse on a triage line would: apply
findings and answers, end at once on an emergency sign (invariant 2), guide a stretch for a cramp
happening now after one safety check (invariant 3), ask the next question the triage core picks
(invariant 7), and when it cannot understand, fail safe: a miss on a several-thing question is
asked again one thing at a time, and a conversation that cannot go on still ends with advice
(invariant 8). The endings (advice, giving up, the one reply after the advice) are in endings.py.
Shells (chat, hermes, wyoming) turn the effects into speech, JSON lines or messages.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Optional

from ..triage.engine import (could_change, guide_allowed, next_question, settled_level,
                             unscreened_for_guide, unsure_for_guide, worth_asking)
from ..triage.findings import EMERGENCY_SIGNS, UNKNOWN, Disposition, Value
from ..triage.history import Recent, cramps_per_week
from ..triage.questions import CHECKABLE, QUESTION_FINDINGS, QUESTIONS_BY_ID

# The question of the emergency screen that asks each sign (not the check before a stretch).
QUESTION_OF: dict[str, str] = {}
for _qid, _findings in QUESTION_FINDINGS.items():
    for _finding in _findings:
        if _qid != "cramp_safety":
            QUESTION_OF.setdefault(_finding, _qid)
from ..nlu.complaint import mentions_leg
from .endings import Endings
from .events import Effect, End, Event, ForgetDiary, Heard, NotUnderstood, Silence, Utter
from .interpret import Answered, Interpretation, apply_answer, asked, interpret, read_against
from .phrasebook import Phrasebook
from .speech import Speech
from .state import MAX_MISSES, MAX_REPEATS, Config, Pending, State, complaint_heard

Step = tuple[State, list[Effect]]

# Said without a finding, these still start or steer the triage: they are a complaint.
_TRIAGE_COMMANDS = frozenset({"Distress", "SuspectClot", "WhatShouldIDo", "Refuse", "CanIWait",
                              "CanISleep"})

# What a check that finds nothing means for each checkable finding.
_CLEAR: dict[str, Value] = {f: "none" if f == "swelling" else False for f in CHECKABLE}


class DialogManager:
    """Holds the words and settings; every call to `step` is a pure function of its arguments."""

    def __init__(self, phrasebook: Phrasebook, config: Config = Config()) -> None:
        self.speech = Speech(phrasebook, config)
        self.endings = Endings(self.speech)
        self.confirm_below = config.confirm_below

    def step(self, state: State, event: Event) -> Step:
        if state.ended:
            state = State(recent=state.recent)
        state = state.with_(turn=state.turn + 1, started=True)
        said = interpret(event.segments) if isinstance(event, Heard) else Interpretation()
        if state.pending and state.pending.kind == "after":
            return self.endings.after(state, said, self._heard_findings(state, said))
        if isinstance(event, Silence):
            return self._miss(state, silent=True)
        text = event.text if isinstance(event, (Heard, NotUnderstood)) else ""
        if isinstance(event, NotUnderstood) or said.empty:
            return self._miss(state, text=text)
        confidence = event.confidence if isinstance(event, Heard) else None
        return self._heard(state, said, text, confidence)

    # --- hearing -------------------------------------------------------------------------

    def _heard(self, state: State, said: Interpretation, text: str = "",
               confidence: Optional[float] = None) -> Step:
        """One understood utterance, in named steps: take what it says, then act on it."""
        pending = state.pending
        if pending and pending.kind == "confirm":
            return self._confirmed(state, said)
        said = read_against(pending, said)
        answered = apply_answer(pending, said)
        doubted = self._doubted(state, said, answered, confidence)
        if doubted:
            said, answered = _without(said, answered, doubted)
        state = self._take(state, said, answered)
        check = self._check_needed(state)
        if self._emergency(state.findings, check):
            return self.endings.advise(state, [])
        if doubted:
            qid = (pending.id if pending and pending.id in QUESTION_FINDINGS
                   and doubted[0] in QUESTION_FINDINGS[pending.id] else QUESTION_OF[doubted[0]])
            doubted = tuple(f for f in doubted if QUESTION_OF[f] == qid)
            checked = state.checked | {f"heard.{f}" for f in doubted}
            return self._ask(state.with_(misses=0, checked=checked),
                             self._answers_to_questions(state, said),
                             Pending("heard", qid, doubted))
        if "CallAmbulance" in said.commands:
            return self.endings.advise(state, [], asked_ambulance=True)
        if "Stop" in said.commands:
            return self.endings.stop(state)
        progress = bool(said.findings or answered.values or answered.ask_which
                        or answered.clarify or answered.one_by_one)
        if not progress:
            if (not complaint_heard(state) and mentions_leg(text)
                    and not (self._moves_on(said) or self._asked_for_something(said))):
                return self._leg_not_understood(state)
            if "Repeat" in said.commands:
                return self._repeat(state)
            if "Filler" in said.commands and not self._asked_for_something(said):
                return self._again(state, "filler.wait")
        lines = self._answers_to_questions(state, said)
        state = self._opened_by(state, said)
        if not (progress or lines or said.knowledge or said.diary or self._moves_on(said)):
            return self._miss(state, text=text)
        state = state.with_(misses=0)
        return self._move(state, lines, said, answered, check)

    def _doubted(self, state: State, said: Interpretation, answered: Answered,
                 confidence: Optional[float]) -> tuple[str, ...]:
        """Emergency signs this answer would rule out, when the recogniser was unsure of it.

        A misheard "no" costs a life where a misheard "yes" costs a question, so only an answer
        that rules a sign out is said back, never one that raises a sign, and each sign once.
        """
        if confidence is None:
            return ()  # typed: the words are the person's own
        values = {**said.findings, **answered.values}
        if any(values.get(f) is True or values.get(f) == UNKNOWN for f in EMERGENCY_SIGNS):
            return ()  # a sign raised: the emergency advice, not a question
        ruled_out = tuple(f for f in EMERGENCY_SIGNS
                          if values.get(f) is False and state.findings.get(f) is not False
                          and f"heard.{f}" not in state.checked)
        # "yeah i can catch my breath": a yes beside a denial is a "can't" the recogniser may
        # have lost, whatever its confidence (tests/voice/README.md).
        contradicted = said.answer == "yes" and bool(said.findings)
        return ruled_out if confidence < self.confirm_below or contradicted else ()

    def _take(self, state: State, said: Interpretation, answered: Answered) -> State:
        """The state with what was said and answered, and what the diary knows."""
        pending = state.pending
        findings = self._heard_findings(state, said)
        findings.update(answered.values)
        checked = state.checked | ({pending.id} if pending and pending.kind == "check" else set())
        return state.with_(findings=findings, checked=checked,
                           thigh_part=said.thigh_part or state.thigh_part)

    @staticmethod
    def _heard_findings(state: State, said: Interpretation) -> dict[str, Value]:
        findings = {**state.findings, **said.findings}
        if findings and "cramps_per_week" not in findings:
            known = cramps_per_week(state.recent)  # the diary knows: not asked at night
            if known is not None:
                findings["cramps_per_week"] = known
        return findings

    @staticmethod
    def _asked_for_something(said: Interpretation) -> bool:
        return bool(said.knowledge or said.diary or set(said.commands) - {"Filler"})

    @staticmethod
    def _moves_on(said: Interpretation) -> bool:
        """Said without a finding, yet it starts or steers the triage."""
        return bool(_TRIAGE_COMMANDS & set(said.commands)
                    or any(s.intent == "AskCrampOrClot" for s in said.knowledge))

    def _opened_by(self, state: State, said: Interpretation) -> State:
        """Distress ("ow", "help me") with nothing else known is a cramp happening now."""
        if "Distress" in said.commands and "cramp_now" not in state.findings:
            return state.with_(findings={**state.findings, "cramp_now": True})
        return state

    def _answers_to_questions(self, state: State, said: Interpretation) -> list[Utter]:
        """What the person asked of us, answered before the triage goes on."""
        lines: list[Utter] = []
        turn = state.turn
        if "WhatShouldIDo" in said.commands:
            lines += self.endings.so_far(state)
        if "Help" in said.commands:
            lines.append(self.speech.line("command.help", turn))
        if {"Refuse", "CanIWait", "CanISleep"} & set(said.commands):
            lines.append(self.speech.line("command.before_advice", turn))
        for segment in said.diary:
            if segment.intent != "ForgetDiary" or state.recent is None:
                lines.append(self.speech.diary(segment, state.recent, turn))
        fears_clot = "SuspectClot" in said.commands
        for segment in said.knowledge:
            if segment.intent == "AskCrampOrClot" and not complaint_heard(state):
                fears_clot = True  # "is it a clot?" as an opening: briefly, then the triage
            elif segment.intent != "AskStretch":
                answer = self.speech.knowledge(segment.intent, dict(segment.slots), turn)
                if answer:
                    lines.append(answer)
        if fears_clot:
            lines.append(self.speech.line("knowledge.suspect_clot", turn))
        return lines

    def _move(self, state: State, lines: list[Utter], said: Interpretation,
              answered: Answered, check: Optional[str]) -> Step:
        """After the words are taken: confirm, check, clarify, split, or go on."""
        if any(s.intent == "ForgetDiary" for s in said.diary) and state.recent is not None:
            return self._ask(state, lines, Pending("confirm", "forget_diary", ()))
        stretch = next((s for s in said.knowledge if s.intent == "AskStretch"), None)
        if stretch is not None:
            state = state.with_(want_guide=stretch.slots.get("routine") or "auto")
        pending = state.pending
        if check:
            return self._ask(state, lines, Pending("check", check, (check,)))
        open_items = self._still_asked(state)
        if pending and open_items:
            if answered.ask_which:
                return self._ask(state, lines, Pending("which", pending.id, open_items))
            if answered.clarify:
                return self._ask(state, lines, Pending("clarify", pending.id, open_items))
            if answered.one_by_one:
                first = open_items[0]
                if first in CHECKABLE and first not in state.checked:
                    # "I can't tell, it's dark": the check is the help (switch on a light,
                    # compare both legs), one sign at a time, never a jump to the worst.
                    state = state.with_(findings={**state.findings, first: UNKNOWN})
                    return self._ask(state, lines, Pending("check", first, (first,)))
                return self._ask(state, lines, Pending("item", pending.id, open_items))
        if pending and open_items == asked(pending) and not said.findings and lines:
            # They asked something back ("just tell me what to do"): answered, and then the
            # same question again, not the next one (the stretch still waits for its check).
            return self._ask(state, lines, pending, again=pending.kind == "question")
        if pending and pending.kind == "item":
            rest = tuple(f for f in pending.asking[1:] if f not in state.findings)
            if rest and worth_asking(pending.id, state.findings):
                return self._ask(state, lines, Pending("item", pending.id, rest))
        if not (complaint_heard(state) or state.want_guide or self._moves_on(said)):
            return self.endings.no_complaint(state, lines)
        return self._next(state, lines)

    @staticmethod
    def _still_asked(state: State) -> tuple[str, ...]:
        pending = state.pending
        if pending is None or pending.kind not in ("question", "which", "clarify", "item", "heard"):
            return ()
        return tuple(f for f in asked(pending) if f not in state.findings)


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
        """An emergency sign holds, not counting unknowns the person can still check: "I can't
        see, it's dark" gets the light switched on, not the emergency number (invariant 10)."""
        if check:
            findings = {k: v for k, v in findings.items()
                        if not (k in CHECKABLE and v == UNKNOWN)}
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
            elif not urgent and (unscreened or unsure_for_guide(findings)):
                # The safety check did not settle: say once why no stretch comes, and let the
                # questions settle it (invariant 3 and 4).
                lines.append(self.speech.line("guide.withheld", state.turn))
                state = state.with_(want_guide=None, guided=True)
        question = next_question(findings)
        if question is None:
            return self.endings.advise(state, lines)
        asking = question.asks(findings)
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
        repeats = state.repeats + 1 if pending == state.pending else 0
        if repeats > MAX_REPEATS and complaint_heard(state):
            # The same question over and over ("about three ouch", a stretch asked for again and
            # again): what it asks counts as unknown, and the advice comes (invariant 8).
            state, effects = self.endings.give_up(state, silent=False)
            return state, [*lines, *effects]
        question = self.speech.ask(pending, state.turn, again=again)
        state = state.with_(pending=pending, last_lines=(question,), repeats=repeats)
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

    # --- not understood ------------------------------------------------------------------

    def _miss(self, state: State, silent: bool = False, text: str = "") -> Step:
        """Not understood, or nothing heard: ask again more simply, a several-thing question one
        thing at a time; after MAX_MISSES in a row, advise on what is known (invariant 8)."""
        if not complaint_heard(state) and mentions_leg(text):
            return self._leg_not_understood(state)
        misses = state.misses + 1
        state = state.with_(misses=misses)
        pending = state.pending
        # Each silence is a listener's whole timeout: once "are you still there?", then advice.
        limit = MAX_MISSES - 1 if silent or not complaint_heard(state) else MAX_MISSES
        if misses >= limit:
            return self.endings.give_up(state, silent)
        sorry = [self.speech.line("silence.again" if silent else "misunderstood.again", state.turn)]
        if pending is None or pending.kind in ("confirm",):
            welcome = Utter(self.speech.book.say("greeting.welcome", state.turn), expects_reply=True)
            return state.with_(last_lines=(welcome,)), [*sorry, welcome]
        items = self._still_asked(state)
        if len(items) > 1 and not silent:
            return self._ask(state, sorry, Pending("item", pending.id, items))
        return self._ask(state, sorry, pending, again=True)

    def _leg_not_understood(self, state: State) -> Step:
        """An opening about a leg that could not be read: a complaint all the same (invariant
        8), so the questions begin, most urgent first, instead of "tell me again"."""
        return self._next(state.with_(misses=0), [self.speech.line("complaint.unclear", state.turn)])

    def _again(self, state: State, key: str) -> Step:
        """A filler ("hang on", "um"): no miss, the question again after a moment."""
        line = self.speech.line(key, state.turn)
        if state.pending is None:
            welcome = Utter(self.speech.book.say("greeting.welcome", state.turn), expects_reply=True)
            return state, [line, welcome]
        return self._ask(state, [line], state.pending, again=True)

    def _repeat(self, state: State) -> Step:
        if state.last_lines:
            return state, list(state.last_lines)
        lines = [self.speech.line("command.nothing_to_repeat", state.turn)]
        welcome = Utter(self.speech.book.say("greeting.welcome", state.turn), expects_reply=True)
        return state, [*lines, welcome]


def _without(said: Interpretation, answered: Answered,
             doubted: tuple[str, ...]) -> tuple[Interpretation, Answered]:
    """The utterance less the values of the doubted signs: the rest of it is taken now."""
    findings = {f: v for f, v in said.findings.items() if f not in doubted}
    values = {f: v for f, v in answered.values.items() if f not in doubted}
    return replace(said, findings=findings), replace(answered, values=values)


def opening(phrasebook: Phrasebook, turn: int = 0) -> Utter:
    """What the skill says when woken with nothing said yet."""
    return Utter(phrasebook.say("greeting.welcome", turn), expects_reply=True)


__all__ = ["DialogManager", "Config", "State", "opening", "QUESTIONS_BY_ID", "QUESTION_FINDINGS"]
