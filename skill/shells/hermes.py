"""`legcramp hermes`: the skill as a Rhasspy 2.5 Hermes service over MQTT.

Built on rhasspyhermes' HermesClient and its message classes, overriding the habits that do not
suit a service left running for months beside a busy broker: it reconnects in a tight loop, it
stops its message loop on the first exception, it logs whole payloads (health data) when parsing
fails, and it (de)serialises through dataclasses_json, which costs more than a turn itself.
Each message is parsed by hermes_wire, handled on the loop's one thread (mqtt_loop), caught
once, and answered with a safe fallback where a session can be answered. Dialog state travels
in customData (skill/dialog/codec.py); the copy kept in memory is only a fallback and is
dropped when the session ends.
"""
from __future__ import annotations

import asyncio
import json
import logging
import sys
import uuid
from typing import TYPE_CHECKING, Any, Callable, Iterator, Optional

from rhasspyhermes.base import Message
from rhasspyhermes.client import HermesClient
from rhasspyhermes.dialogue import (
    DialogueContinueSession,
    DialogueEndSession,
    DialogueIntentNotRecognized,
    DialogueNotification,
    DialogueSessionEnded,
    DialogueSessionStarted,
    DialogueStartSession,
)
from rhasspyhermes.nlu import NluIntent, NluIntentNotRecognized

from ..dialog.codec import BadState, decode
from ..dialog.events import (Advised, Effect, Event, ForgetDiary, Heard, NotUnderstood, Segment,
                             Silence)
from ..dialog.manager import DialogManager
from ..dialog.state import State
from ..nlu.complaint import mentions_leg
from ..nlu.contract import DIARY_INTENTS, INTENTS, KNOWLEDGE_INTENTS, REPORT_INTENTS
from . import hermes_wire as wire
from .hermes_plan import Plan, plan, plan_new_session
from .hermes_wire import Incoming
from .provenance import explain
from .rhasspy_names import our_name, rhasspy_names

if TYPE_CHECKING:
    from ..diary.service import DiaryService

log = logging.getLogger("legcramp.hermes")

STEP_TAG = "legcramp_step"
MIN_CONFIDENCE = -1.0
# What is read of one utterance: a spoken sentence is a few hundred characters at most, and the
# cap keeps a hostile 1 MB "utterance" from holding the one thread every site shares.
MAX_TEXT = 1000
# Sessions remembered (about 2 KB each). The state travels in customData; memory is only a
# fallback, and a session whose end never comes (a dialogue manager that crashed, a client
# opening sessions with our intents) must not grow it for months.
MAX_SESSIONS = 4096
# Intents that can start a conversation in a session that is not ours yet (a wake-word session):
# a complaint of ours or a question only ours can answer. An answer or a command ("help",
# "stop", "yes") is another skill's business there, even with our prefix on it.
OPENING_INTENTS = frozenset({*REPORT_INTENTS, *KNOWLEDGE_INTENTS, *DIARY_INTENTS})
HANDLED = (NluIntent, NluIntentNotRecognized, DialogueIntentNotRecognized, DialogueSessionStarted,
           DialogueSessionEnded)
Recognise = Callable[[str], tuple[Segment, ...]]


def is_alarming(segment: Segment) -> bool:
    """An emergency sign reported present: never dropped, however poorly it was matched."""
    return segment.intent == "ReportEmergency" and any(
        v in ("true", "unknown") for v in segment.slots.values())


def understand(intent: NluIntent, recognise: Optional[Recognise]) -> tuple[Segment, ...]:
    """What was said, as segments, from Rhasspy's intent and the words it heard.

    Rhasspy's NLU returns one intent per utterance, found by fuzzy matching that skips any
    words it does not know ("purple monkey dishwasher" is redness, from "purple"). Our own
    recogniser, run over the raw words, finds every phrase in them the way `chat` does, so a
    fact said in passing is not lost. Without it, a fuzzy match is trusted when at least a third
    of the words matched (Rhasspy's confidence is 1 - skipped / matched, so above -1), or when it
    reports an emergency sign.
    """
    rhasspy = segment_of(intent)
    if recognise is not None:
        ours = recognise((intent.raw_input or intent.input or "")[:MAX_TEXT])
        if ours:
            return tuple(ours)
    if not rhasspy.intent:  # not an intent of ours
        return ()
    confident = (intent.intent.confidence_score or 0) > MIN_CONFIDENCE
    return (rhasspy,) if confident or is_alarming(rhasspy) else ()


def asr_confidence(intent: NluIntent) -> Optional[float]:
    """The speech recogniser's confidence in the words, when Rhasspy passed one in [0, 1].
    Text typed or sent without it (a satellite, a test) has None: nothing is said back."""
    value = intent.asr_confidence
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if 0.0 <= value <= 1.0 else None


def segment_of(intent: NluIntent) -> Segment:
    """One Hermes intent as one segment: slot name -> slot value (as a string). The intent is
    named as in skill/nlu/contract.py; one that is not ours has no name ("")."""
    slots: dict[str, str] = {}
    for slot in intent.slots or []:
        name = slot.slot_name or slot.entity
        value = slot.value.get("value") if isinstance(slot.value, dict) else None
        if isinstance(name, str) and value is not None:
            slots[name] = str(value).lower() if isinstance(value, (str, bool)) else str(value)
    return Segment(our_name(intent.intent.intent_name) or "", slots, intent.input or "")


class LegcrampHermes(HermesClient):
    """Answers our intents in their sessions and speaks guided routines at the right moments.

    Everything runs on the asyncio loop's one thread (see mqtt_loop.py): a message is parsed,
    stepped and answered inside paho's message callback, so one turn never waits behind a
    thread hand-over. Routines are asyncio tasks, because they wait (holds, spoken steps).
    """

    def __init__(self, mqtt_client: Any, manager: DialogManager, *, fallback: str,
                 site_ids: Optional[list[str]] = None, outcome_topic: str = "legcramp/outcome",
                 lang: Optional[str] = None, step_timeout_s: float = 60.0,
                 diary: Optional["DiaryService"] = None) -> None:
        super().__init__("legcramp", mqtt_client, site_ids=site_ids)
        self.manager = manager
        self.diary = diary
        self.fallback = fallback
        self.outcome_topic = outcome_topic
        self.lang = lang
        self.step_timeout_s = step_timeout_s
        self.recognise: Optional[Recognise] = None  # set once the compiled grammar is loaded
        # Each open session's state, with the customData we last sent in it: when the next turn
        # carries that same string back (it nearly always does), it need not be parsed again.
        self.sessions: dict[str, tuple[State, Optional[str]]] = {}
        self.steps_done: dict[str, asyncio.Event] = {}
        # Rhasspy's dialogue manager does not echo customData on notification sessions, so a
        # step's session is known as the next one started on its site after we asked for it.
        self.steps_waiting: dict[str, list[str]] = {}
        self.step_sessions: dict[str, str] = {}
        self.routines: dict[str, asyncio.Task] = {}
        self.subscribed_types.update(HANDLED)
        self.subscribe_topics(*(NluIntent.topic(intent_name=name) for name in rhasspy_names(INTENTS)))
        self.subscribe(NluIntentNotRecognized, DialogueIntentNotRecognized, DialogueSessionStarted,
                       DialogueSessionEnded)

    # --- the message loop ----------------------------------------------------------------

    def mqtt_on_message(self, client: Any, userdata: Any, msg: Any) -> None:
        """paho's callback, on the loop's thread: answer at once. Never raises."""
        try:
            self.receive(msg.topic, msg.payload)
        except Exception as err:  # noqa: BLE001 - the last line of defence for the message loop
            failed(f"could not handle a message on {_loggable(msg.topic)}", err)

    def receive(self, topic: str, payload: bytes) -> None:
        """One MQTT message: parse it (one log line, no payload, when it is bad) and handle it."""
        try:
            message: Optional[Incoming]
            message, notes = wire.read_noted(topic, payload)
        except wire.BadMessage as err:
            log.warning("ignored a malformed message on %s (%s)", _loggable(topic), err)
            message = salvage(topic, payload)
            if message is None:
                return
        else:
            if notes:
                log.warning("read a message on %s without its unusable fields (%s)",
                            _loggable(topic), "; ".join(dict.fromkeys(notes)))
        if self.valid_site_id(message.site_id):
            self.handle(message)

    def handle(self, message: Incoming) -> None:
        """Handle one message; on any failure, answer its session safely and carry on."""
        try:
            for reply in self.replies(message):
                self.publish(reply)
        except Exception as err:  # noqa: BLE001 - style rule 6: caught once per message
            failed(f"could not handle {type(message).__name__}; answered safely", err)
            session_id = getattr(message, "session_id", None)
            if session_id and isinstance(message, (NluIntent, DialogueIntentNotRecognized)):
                self.sessions.pop(session_id, None)
                self.publish(DialogueEndSession(session_id=session_id, text=self.fallback))

    def publish(self, message: Message, **topic_args: Any) -> None:
        """Our three outgoing messages, serialised by hand (hermes_wire), not by dataclasses_json."""
        topic, payload = wire.write(message)  # type: ignore[arg-type]
        if log.isEnabledFor(logging.DEBUG):
            log.debug("-> %s %s", topic, payload.decode("utf-8"))
        self.mqtt_client.publish(topic, payload)

    def replies(self, message: Incoming) -> Iterator[Message]:
        if isinstance(message, NluIntent):
            segments = understand(message, self.recognise)
            event: Event = (Heard(segments, message.input or "", asr_confidence(message))
                            if segments else NotUnderstood(message.input or ""))
            # One of our report intents opens a conversation even when we could not trust it:
            # the person spoke to us, and is asked again rather than met with silence.
            opens = our_name(message.intent.intent_name) in OPENING_INTENTS or any(
                s.intent in OPENING_INTENTS for s in segments)
        elif isinstance(message, DialogueIntentNotRecognized):
            event = NotUnderstood(message.input or "")
            opens = False
        elif isinstance(message, NluIntentNotRecognized):
            self.on_nlu_not_recognized(message)
            return
        elif isinstance(message, DialogueSessionStarted):
            self.on_session_started(message)
            return
        else:
            self.on_session_ended(message)
            return
        if not message.session_id:
            log.warning("ignored %s without a session id", type(message).__name__)
            return
        state = self.state_for(message.session_id, message.custom_data, opens)
        if state is None:
            log.debug("left a %s in a session that is not ours", type(message).__name__)
            return
        before, pending = state.findings, state.pending
        state, effects = self.manager.step(state, event)
        if log.isEnabledFor(logging.DEBUG):  # what was said is health data: debug only
            segments = event.segments if isinstance(event, Heard) else ()
            log.debug("findings of this turn: %s", explain(
                before, state.findings, segments, message.input or "",
                pending.asking if pending else None))
        turn = plan(effects, state, message.session_id, message.site_id or "default", self.lang)
        if self.diary is not None:
            self.keep_diary(effects, message.site_id or "default")
        self.sessions.pop(message.session_id, None)  # re-inserted last: the most recent
        if not state.ended:
            sent = next((m.custom_data for m in turn.now if isinstance(m, DialogueContinueSession)), None)
            self.sessions[message.session_id] = (state, sent)
            if len(self.sessions) > MAX_SESSIONS:  # the least recently heard, never ended
                del self.sessions[next(iter(self.sessions))]
        yield from turn.now
        self.after_turn(turn, message.site_id or "default")

    def state_for(self, session_id: str, custom_data: Optional[str],
                  opens: bool = True) -> Optional[State]:
        """customData first (it survives a restart), then memory, then a new conversation.

        None when the session is not ours and the message cannot open a conversation: a "stop"
        or "no" said to another skill is that skill's business.
        """
        remembered = self.sessions.get(session_id)
        if remembered is not None and custom_data is not None and custom_data == remembered[1]:
            return remembered[0]
        try:
            state = decode(custom_data)
        except BadState as err:
            log.warning("ignored corrupt customData in a session (%s)", type(err).__name__)
            state = None
        state = state or (remembered[0] if remembered else None)
        if state is None and opens:
            state = State(recent=self.diary.recent() if self.diary is not None else None)
        return state

    def keep_diary(self, effects: list[Effect], site_id: str) -> None:
        """Advice goes in the diary; "forget my history" empties it. Both off this thread."""
        assert self.diary is not None
        for effect in effects:
            if isinstance(effect, Advised):
                self.diary.record(site_id, effect.disposition, effect.findings, effect.rules)
            elif isinstance(effect, ForgetDiary):
                self.diary.forget()

    # --- routines and outcomes -----------------------------------------------------------

    def after_turn(self, turn: Plan, site_id: str) -> None:
        if turn.outcome and self.outcome_topic:
            self.mqtt_client.publish(self.outcome_topic, json.dumps(turn.outcome))
        if turn.steps or turn.then:
            previous = self.routines.pop(site_id, None)
            if previous:
                previous.cancel()
            self.routines[site_id] = asyncio.create_task(self.run_routine(turn, site_id))

    async def run_routine(self, turn: Plan, site_id: str) -> None:
        """Speak each step in its own notification session; wait for it to end, then hold."""
        try:
            for step in turn.steps:
                token = uuid.uuid4().hex
                done = self.steps_done[token] = asyncio.Event()
                self.steps_waiting.setdefault(site_id, []).append(token)
                self.publish(DialogueStartSession(
                    init=DialogueNotification(text=step.text), site_id=site_id,
                    custom_data=json.dumps({STEP_TAG: token}), lang=self.lang))
                try:
                    await asyncio.wait_for(done.wait(), timeout=self.step_timeout_s)
                except asyncio.TimeoutError:
                    log.warning("a routine step was not confirmed spoken on site %s; going on", site_id)
                finally:
                    self.steps_done.pop(token, None)
                    if token in self.steps_waiting.get(site_id, []):
                        self.steps_waiting[site_id].remove(token)
                await asyncio.sleep(step.pause_s)
            if turn.then:
                self.publish(turn.then)
        finally:
            if self.routines.get(site_id) is asyncio.current_task():
                del self.routines[site_id]

    @staticmethod
    def step_token(custom_data: Optional[str]) -> Optional[str]:
        if not custom_data or STEP_TAG not in custom_data:
            return None
        try:
            body = json.loads(custom_data)
        except (ValueError, RecursionError):
            return None
        token = body.get(STEP_TAG) if isinstance(body, dict) else None
        return token if isinstance(token, str) else None  # a forged list or dict is no token

    def on_session_started(self, message: DialogueSessionStarted) -> None:
        waiting = self.steps_waiting.get(message.site_id)
        token = self.step_token(message.custom_data)
        if waiting and (token in waiting or not message.custom_data):
            token = token if token in waiting else waiting[0]
            waiting.remove(token)
            self.step_sessions[message.session_id] = token
            return
        routine = self.routines.get(message.site_id)
        if routine and not decode_safe(message.custom_data):
            log.info("a new conversation on site %s interrupts a routine", message.site_id)
            routine.cancel()

    def on_session_ended(self, message: DialogueSessionEnded) -> None:
        remembered = self.sessions.pop(message.session_id, None)
        token = self.step_sessions.pop(message.session_id, None) or self.step_token(message.custom_data)
        if token and token in self.steps_done:
            self.steps_done[token].set()
        elif message.termination and str(message.termination.reason.value) == "timeout":
            log.info("a session timed out on site %s", message.site_id)
            state = decode_safe(message.custom_data) or (remembered[0] if remembered else None)
            if state is not None and not state.ended:
                self.after_silence(state, message.site_id or "default")

    def on_nlu_not_recognized(self, message: NluIntentNotRecognized) -> None:
        """Words Rhasspy's NLU could not match, outside a session of ours. Rhasspy's dialogue
        manager ends that session and no intent of ours is sent, so a person whose opening was
        out of the grammar would hear nothing. When our own reader hears a leg complaint in the
        words, the skill opens its own session on that site and carries on (issue 14). In our
        own sessions the dialogue manager forwards it as dialogueManager/intentNotRecognized."""
        session_id = message.session_id or ""
        if (session_id in self.sessions or session_id in self.step_sessions
                or decode_safe(message.custom_data) is not None):
            return
        text = (message.input or "")[:MAX_TEXT]
        segments = tuple(self.recognise(text)) if self.recognise is not None and text else ()
        if not (any(s.intent in OPENING_INTENTS for s in segments) or mentions_leg(text)):
            log.debug("left words Rhasspy could not match: not a leg complaint")
            return
        site_id = message.site_id or "default"
        log.info("opened a session on site %s for an opening Rhasspy could not match", site_id)
        state = State(recent=self.diary.recent() if self.diary is not None else None)
        event: Event = Heard(segments, text) if segments else NotUnderstood(text)
        state, effects = self.manager.step(state, event)
        if self.diary is not None:
            self.keep_diary(effects, site_id)
        self.after_turn(plan_new_session(effects, state, site_id, self.lang), site_id)

    def after_silence(self, state: State, site_id: str) -> None:
        """Nothing heard before Rhasspy gave up: never leave the person without advice
        (invariant 8). The skill asks once more, or advises, in a new session."""
        state, effects = self.manager.step(state, Silence())
        if self.diary is not None:
            self.keep_diary(effects, site_id)
        self.after_turn(plan_new_session(effects, state, site_id, self.lang), site_id)


def salvage(topic: str, payload: bytes) -> Optional[DialogueIntentNotRecognized]:
    """A malformed answer in a session that may be ours, as "not understood", so the session
    is asked again instead of left in silence (state_for keeps it to sessions that are ours)."""
    if not (topic.startswith(wire.INTENT_PREFIX) or topic == wire.NOT_RECOGNIZED):
        return None
    try:
        body = json.loads(payload)
    except (ValueError, RecursionError):
        return None
    if not isinstance(body, dict) or not isinstance(body.get("sessionId"), str):
        return None
    site, custom = body.get("siteId"), body.get("customData")
    # customData that is not a state of ours is dropped here, unread: the message has had its
    # one warning line, and the session's state is then the one remembered for it.
    return DialogueIntentNotRecognized(
        session_id=body["sessionId"], site_id=site if isinstance(site, str) else "default",
        custom_data=custom if isinstance(custom, str) and decode_safe(custom) else None)


def decode_safe(custom_data: Optional[str]) -> Optional[State]:
    try:
        return decode(custom_data)
    except BadState:
        return None


def failed(what: str, err: BaseException) -> None:
    """An unexpected failure: at ERROR only its kind, because an exception's text can hold what
    a person said (a KeyError names a finding); the text and the traceback go to debug."""
    log.error("%s (%s)", what, type(err).__name__)
    log.debug("the failure was", exc_info=err)


def _loggable(topic: str) -> str:
    """A topic fit for a warning: an intent's name says what was heard (health data), so only
    debug-level logs may carry it."""
    if topic.startswith("hermes/intent/"):
        log.debug("the topic was %s", topic)
        return "hermes/intent/#"
    return topic
