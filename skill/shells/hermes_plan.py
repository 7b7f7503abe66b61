"""From dialog effects to Hermes messages: a pure function, so the MQTT shell stays thin.

A turn becomes a Plan: what to publish now (continueSession or endSession in the person's
session), the steps of a guided routine (each spoken later in its own notification session,
after the previous one ended and its hold elapsed, so no step is cut off and the dialogue
manager is never left listening), and what to start after the steps (an action session that
asks "has it eased?", or a closing notification).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Optional, Union

from rhasspyhermes.dialogue import (
    DialogueAction,
    DialogueContinueSession,
    DialogueEndSession,
    DialogueNotification,
    DialogueStartSession,
)

from ..dialog.codec import encode
from ..dialog.events import Advised, Effect, End, Utter
from ..dialog.state import State
from ..nlu.contract import ALWAYS_ACCEPTED, ANSWER_INTENTS, REPORT_INTENTS
from .rhasspy_names import rhasspy_names

Message = Union[DialogueContinueSession, DialogueEndSession, DialogueStartSession]


@dataclass(frozen=True)
class Step:
    """One step of a routine: spoken in a notification session, then a wait of `pause_s`."""

    text: str
    pause_s: float


@dataclass
class Plan:
    now: list[Message] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    then: Optional[DialogueStartSession] = None
    outcome: Optional[dict[str, Any]] = None


def intent_filter(state: State) -> list[str]:
    """The intents that can answer the open question, plus emergencies, commands, questions,
    named as Rhasspy knows them (rhasspy_names)."""
    return list(_intent_filter(state.pending.asking if state.pending else ()))


@lru_cache(maxsize=256)
def _intent_filter(asking_order: tuple[str, ...]) -> tuple[str, ...]:
    """Memoised on the findings asked: a few dozen questions, asked every turn."""
    asking = set(asking_order)
    reports = [name for name, slots in REPORT_INTENTS.items() if asking & set(slots)]
    answers = [name for name in ANSWER_INTENTS
               if name != "AnswerNumber" or "cramps_per_week" in asking]
    names = [*reports, *answers, *ALWAYS_ACCEPTED]
    return tuple(rhasspy_names(dict.fromkeys(names)))


def _text(lines: list[Utter]) -> Optional[str]:
    return " ".join(u.text for u in lines) or None


def plan(effects: list[Effect], state: State, session_id: str, site_id: str,
         lang: Optional[str] = None) -> Plan:
    """The messages for one turn's effects, given the dialog state after the turn."""
    result = Plan()
    ended = any(isinstance(e, End) for e in effects)
    utters = [e for e in effects if isinstance(e, Utter)]
    first_guide = next((i for i, u in enumerate(utters) if u.guide), None)
    for effect in effects:
        if isinstance(effect, Advised):
            result.outcome = {
                "siteId": site_id, "sessionId": session_id, "disposition": effect.disposition,
                "rules": list(effect.rules), "findings": dict(effect.findings), "time": time.time(),
            }
    if first_guide is None:
        if ended:
            result.now.append(DialogueEndSession(session_id=session_id, text=_text(utters)))
        else:
            result.now.append(_continue(state, session_id, _text(utters), lang))
        return result
    last_guide = max(i for i, u in enumerate(utters) if u.guide)
    before, guide, after = utters[:first_guide], utters[first_guide:last_guide + 1], utters[last_guide + 1:]
    result.now.append(DialogueEndSession(session_id=session_id, text=_text(before)))
    result.steps = [Step(u.text, u.pause_s) for u in guide]
    if ended or not any(u.expects_reply for u in after):
        if after:
            result.then = DialogueStartSession(
                init=DialogueNotification(text=_text(after) or ""), site_id=site_id, lang=lang)
    else:
        result.then = DialogueStartSession(
            init=DialogueAction(can_be_enqueued=True, text=_text(after),
                                intent_filter=intent_filter(state), send_intent_not_recognized=True),
            site_id=site_id, custom_data=encode(state), lang=lang)
    return result


def _continue(state: State, session_id: str, text: Optional[str],
              lang: Optional[str]) -> DialogueContinueSession:
    return DialogueContinueSession(
        session_id=session_id, text=text, intent_filter=intent_filter(state),
        custom_data=encode(state), send_intent_not_recognized=True, lang=lang)


def plan_new_session(effects: list[Effect], state: State, site_id: str,
                     lang: Optional[str] = None) -> Plan:
    """A turn with no session of ours to answer in, so what the skill says goes out in a new
    session on the same site: an action that listens when a reply is expected, else a
    notification. Two cases: a session of ours timed out ("are you still there?", or the advice
    with what went unanswered, invariant 8), and an opening Rhasspy's NLU could not match that
    our reader hears as a leg complaint (issue 14): Rhasspy has ended that session."""
    result = Plan()
    utters = [e for e in effects if isinstance(e, Utter)]
    for effect in effects:
        if isinstance(effect, Advised):
            result.outcome = {
                "siteId": site_id, "sessionId": "", "disposition": effect.disposition,
                "rules": list(effect.rules), "findings": dict(effect.findings), "time": time.time(),
            }
    text = _text(utters) or ""
    if any(isinstance(e, End) for e in effects) or not any(u.expects_reply for u in utters):
        result.then = DialogueStartSession(init=DialogueNotification(text=text), site_id=site_id,
                                           lang=lang)
    else:
        result.then = DialogueStartSession(
            init=DialogueAction(can_be_enqueued=True, text=text, intent_filter=intent_filter(state),
                                send_intent_not_recognized=True),
            site_id=site_id, custom_data=encode(state), lang=lang)
    return result
