"""The Hermes messages the skill reads and writes, as bytes on the wire: parsed and written by hand.

Why not rhasspyhermes' own `from_dict` / `payload()`: they go through dataclasses_json, which
re-reads every type hint on every message (4 ms a turn here, most of a turn's cost; see
benchmarks/PROFILE.md). The skill reads only a few fields of four incoming messages and writes
three outgoing ones, so both directions are spelled out below, and tests hold them equal to the
library's (tests/test_hermes_wire.py). The objects are still rhasspyhermes' classes.

Every field is type-checked: a payload from another client on the broker can be anything. A bad
one raises BadMessage naming the field, never echoing the payload (health data).
"""
from __future__ import annotations

import json
import math
from typing import Any, Callable, Optional, Union

from rhasspyhermes.dialogue import (
    DialogueAction,
    DialogueContinueSession,
    DialogueEndSession,
    DialogueIntentNotRecognized,
    DialogueNotification,
    DialogueSessionEnded,
    DialogueSessionStarted,
    DialogueSessionTermination,
    DialogueSessionTerminationReason,
    DialogueStartSession,
)
from rhasspyhermes.intent import Slot
from rhasspyhermes.nlu import Intent, NluIntent, NluIntentNotRecognized

Incoming = Union[NluIntent, NluIntentNotRecognized, DialogueIntentNotRecognized,
                 DialogueSessionStarted, DialogueSessionEnded]
Outgoing = Union[DialogueContinueSession, DialogueEndSession, DialogueStartSession]

INTENT_PREFIX = "hermes/intent/"
NOT_RECOGNIZED = "hermes/dialogueManager/intentNotRecognized"
NLU_NOT_RECOGNIZED = "hermes/nlu/intentNotRecognized"
SESSION_STARTED = "hermes/dialogueManager/sessionStarted"
SESSION_ENDED = "hermes/dialogueManager/sessionEnded"
CONTINUE_SESSION = "hermes/dialogueManager/continueSession"
END_SESSION = "hermes/dialogueManager/endSession"
START_SESSION = "hermes/dialogueManager/startSession"

MAX_SLOTS = 64
REASONS = {reason.value: reason for reason in DialogueSessionTerminationReason}


class BadMessage(ValueError):
    """A payload that is not the Hermes message its topic promises. The text names the field."""


# --- reading ----------------------------------------------------------------------------------


def _text(body: dict, key: str, required: bool = False) -> Optional[str]:
    value = body.get(key)
    if value is None:
        if required:
            raise BadMessage(f"{key} missing")
        return None
    if not isinstance(value, str):
        raise BadMessage(f"{key} is not a string")
    return value


def _site(body: dict) -> str:
    return _text(body, "siteId") or "default"


def _finite(value: Union[int, float], key: str, notes: list[str]) -> Optional[float]:
    """A JSON number as a float, or None (with a note naming the field) when it has none:
    a 400-digit integer overflows a float, and NaN or Infinity mean nothing as a confidence."""
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        notes.append(f"{key} is not a finite number")
        return None
    return number


def _number(body: dict, key: str, notes: list[str]) -> Optional[float]:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise BadMessage(f"{key} is not a number")
    return _finite(value, key, notes)


def _slot(raw: Any, notes: list[str]) -> Optional[Slot]:
    """One slot, or None when it carries nothing the skill could use (dropped, not fatal)."""
    if not isinstance(raw, dict):
        return None
    entity, name, value = raw.get("entity"), raw.get("slotName"), raw.get("value")
    if not isinstance(entity, str) or not isinstance(value, dict):
        return None
    confidence = raw.get("confidence")
    if type(confidence) in (int, float):
        confidence = _finite(confidence, "a slot's confidence", notes)
    return Slot(entity=entity, value=value, slot_name=name if isinstance(name, str) else None,
                raw_value=raw.get("rawValue") if isinstance(raw.get("rawValue"), str) else None,
                confidence=confidence if isinstance(confidence, float) else 0.0)


def _intent(topic: str, body: dict, notes: list[str]) -> NluIntent:
    intent = body.get("intent")
    if intent is None:
        intent = {}
    if not isinstance(intent, dict):
        raise BadMessage("intent is not an object")
    name = intent.get("intentName")
    if name is not None and not isinstance(name, str):  # checked before `or`: [] is no name
        raise BadMessage("intentName is not a string")
    name = name or topic[len(INTENT_PREFIX):]
    slots = body.get("slots")
    if slots is not None and not isinstance(slots, list):
        raise BadMessage("slots is not a list")
    return NluIntent(
        input=_text(body, "input") or "",
        intent=Intent(intent_name=name,
                      confidence_score=_number(intent, "confidenceScore", notes) or 0.0),
        site_id=_site(body), id=_text(body, "id"),
        slots=[slot for slot in (_slot(raw, notes) for raw in (slots or [])[:MAX_SLOTS])
               if slot is not None],
        session_id=_text(body, "sessionId"), custom_data=_text(body, "customData"),
        raw_input=_text(body, "rawInput"), lang=_text(body, "lang"),
        asr_confidence=_number(body, "asrConfidence", notes),
    )


def _not_recognized(body: dict) -> DialogueIntentNotRecognized:
    return DialogueIntentNotRecognized(
        session_id=_text(body, "sessionId", required=True) or "", site_id=_site(body),
        input=_text(body, "input"), custom_data=_text(body, "customData"))


def _nlu_not_recognized(body: dict) -> NluIntentNotRecognized:
    """Rhasspy's NLU matched nothing; the session (if any) may be anyone's."""
    return NluIntentNotRecognized(
        input=_text(body, "input") or "", site_id=_site(body), id=_text(body, "id"),
        session_id=_text(body, "sessionId"), custom_data=_text(body, "customData"))


def _started(body: dict) -> DialogueSessionStarted:
    return DialogueSessionStarted(
        session_id=_text(body, "sessionId", required=True) or "", site_id=_site(body),
        custom_data=_text(body, "customData"), lang=_text(body, "lang"))


def _ended(body: dict) -> DialogueSessionEnded:
    termination = body.get("termination")
    reason = termination.get("reason") if isinstance(termination, dict) else None
    # An unknown or missing reason still ends the session: its memory must be freed.
    return DialogueSessionEnded(
        termination=DialogueSessionTermination(
            reason=REASONS.get(reason, DialogueSessionTerminationReason.ERROR)
            if isinstance(reason, str) else DialogueSessionTerminationReason.ERROR),
        session_id=_text(body, "sessionId", required=True) or "", site_id=_site(body),
        custom_data=_text(body, "customData"))


READERS: dict[str, Callable[[dict], Incoming]] = {
    NOT_RECOGNIZED: _not_recognized,
    NLU_NOT_RECOGNIZED: _nlu_not_recognized,
    SESSION_STARTED: _started,
    SESSION_ENDED: _ended,
}


def handled(topic: str) -> bool:
    return topic.startswith(INTENT_PREFIX) or topic in READERS


def read(topic: str, payload: bytes) -> Incoming:
    """The message on `topic`. Raises BadMessage for a payload that is not that message."""
    return read_noted(topic, payload)[0]


def read_noted(topic: str, payload: bytes) -> tuple[Incoming, list[str]]:
    """The message on `topic`, and the fields it carried that could not be used (a number too
    big for a float, NaN): those are read as absent, so the message is still answered, and the
    notes name them for one warning line. Raises BadMessage as `read` does."""
    try:
        body = json.loads(payload)
    except (ValueError, RecursionError) as err:  # UnicodeDecodeError is a ValueError
        raise BadMessage("not JSON") from err
    if not isinstance(body, dict):
        raise BadMessage("not a JSON object")
    if topic.startswith(INTENT_PREFIX):
        notes: list[str] = []
        return _intent(topic, body, notes), notes
    reader = READERS.get(topic)
    if reader is None:
        raise BadMessage("not a topic the skill reads")
    return reader(body), []


# --- writing ----------------------------------------------------------------------------------


def _init(init: Union[DialogueAction, DialogueNotification]) -> dict[str, Any]:
    if isinstance(init, DialogueNotification):
        return {"text": init.text, "type": "notification"}
    return {"canBeEnqueued": init.can_be_enqueued, "type": "action", "text": init.text,
            "intentFilter": init.intent_filter,
            "sendIntentNotRecognized": init.send_intent_not_recognized}


def as_dict(message: Outgoing) -> dict[str, Any]:
    """The message as rhasspyhermes' to_dict() gives it (every field, camelCase, None as null)."""
    if isinstance(message, DialogueContinueSession):
        return {"sessionId": message.session_id, "customData": message.custom_data,
                "text": message.text, "intentFilter": message.intent_filter,
                "sendIntentNotRecognized": message.send_intent_not_recognized,
                "slot": message.slot, "lang": message.lang}
    if isinstance(message, DialogueEndSession):
        return {"sessionId": message.session_id, "text": message.text,
                "customData": message.custom_data}
    if isinstance(message, DialogueStartSession):
        return {"init": _init(message.init), "siteId": message.site_id,
                "customData": message.custom_data, "lang": message.lang}
    raise TypeError(f"not a message the skill writes: {type(message).__name__}")


TOPICS: dict[type, str] = {
    DialogueContinueSession: CONTINUE_SESSION,
    DialogueEndSession: END_SESSION,
    DialogueStartSession: START_SESSION,
}


def write(message: Outgoing) -> tuple[str, bytes]:
    """The topic and payload to publish.

    A lone surrogate (a session or site id sent as "\\udfff" by some client) has no UTF-8 form:
    such a message is written with JSON escapes instead, which read back as the same string.
    """
    body = as_dict(message)  # a TypeError for a message the skill never writes
    topic = TOPICS[type(message)]
    try:
        return topic, json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:
        return topic, json.dumps(body, separators=(",", ":")).encode("ascii")
