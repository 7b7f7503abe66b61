"""The hand-written Hermes codec agrees with rhasspyhermes' own, field for field.

hermes_wire exists for speed; these tests hold it to the library's meaning, so the two can never
drift: every message the skill writes serialises to exactly what `to_dict()` gives, and every
message it reads parses to what `from_dict()` builds from the same JSON.
"""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rhasspyhermes.dialogue import (
    DialogueAction,
    DialogueContinueSession,
    DialogueEndSession,
    DialogueIntentNotRecognized,
    DialogueNotification,
    DialogueSessionEnded,
    DialogueSessionStarted,
    DialogueStartSession,
)
from rhasspyhermes.nlu import NluIntent

from skill.shells import hermes_wire as wire

text = st.one_of(st.none(), st.text(max_size=30))
filters = st.one_of(st.none(), st.lists(st.text(min_size=1, max_size=12), max_size=4))


def library(message) -> dict:
    """What rhasspyhermes would put on the wire, as plain JSON values."""
    return json.loads(message.payload())


@given(st.builds(DialogueContinueSession, session_id=st.text(max_size=20), custom_data=text,
                 text=text, intent_filter=filters, send_intent_not_recognized=st.booleans(),
                 lang=text))
def test_continue_session_is_written_as_the_library_writes_it(message):
    topic, payload = wire.write(message)
    assert topic == DialogueContinueSession.topic()
    assert json.loads(payload) == library(message)


@given(st.builds(DialogueEndSession, session_id=st.text(max_size=20), text=text, custom_data=text))
def test_end_session_is_written_as_the_library_writes_it(message):
    topic, payload = wire.write(message)
    assert topic == DialogueEndSession.topic()
    assert json.loads(payload) == library(message)


inits = st.one_of(
    st.builds(DialogueNotification, text=st.text(max_size=30)),
    st.builds(DialogueAction, can_be_enqueued=st.booleans(), text=text, intent_filter=filters,
              send_intent_not_recognized=st.booleans()),
)


@given(st.builds(DialogueStartSession, init=inits, site_id=st.text(max_size=10), custom_data=text,
                 lang=text))
def test_start_session_is_written_as_the_library_writes_it(message):
    topic, payload = wire.write(message)
    assert topic == DialogueStartSession.topic()
    assert json.loads(payload) == library(message)


def test_a_message_the_skill_never_writes_is_refused():
    with pytest.raises(TypeError):
        wire.write(DialogueSessionStarted(session_id="s"))  # type: ignore[arg-type]


INTENT = {
    "input": "my calf is swollen", "rawInput": "My calf is swollen!",
    "intent": {"intentName": "ReportLegSigns", "confidenceScore": 0.75},
    "siteId": "bedroom", "id": "abc", "sessionId": "s1", "customData": "{}", "lang": "en",
    "asrConfidence": 0.9,
    "slots": [{"entity": "swelling", "slotName": "swelling", "rawValue": "swollen",
               "value": {"kind": "Unknown", "value": "one_leg"}, "confidence": 1.0,
               "range": {"start": 8, "end": 15, "rawStart": 8, "rawEnd": 15}}],
    "asrTokens": [[{"value": "my", "confidence": 1.0, "rangeStart": 0, "rangeEnd": 2}]],
    "wakewordId": None,
}


def test_an_intent_is_read_as_the_library_reads_it():
    ours = wire.read("hermes/intent/ReportLegSigns", json.dumps(INTENT).encode())
    theirs = NluIntent.from_dict(INTENT)
    assert isinstance(ours, NluIntent)
    for field in ("input", "raw_input", "site_id", "id", "session_id", "custom_data", "lang",
                  "asr_confidence"):
        assert getattr(ours, field) == getattr(theirs, field), field
    assert ours.intent == theirs.intent
    assert [(s.entity, s.slot_name, s.value, s.raw_value, s.confidence) for s in ours.slots] == \
        [(s.entity, s.slot_name, s.value, s.raw_value, s.confidence) for s in theirs.slots]


def test_an_intent_without_a_name_takes_it_from_the_topic():
    body = {"input": "hello", "sessionId": "s"}
    message = wire.read("hermes/intent/Help", json.dumps(body).encode())
    assert isinstance(message, NluIntent) and message.intent.intent_name == "Help"
    assert message.site_id == "default" and message.slots == []


@pytest.mark.parametrize("topic, cls, body", [
    (wire.NOT_RECOGNIZED, DialogueIntentNotRecognized,
     {"sessionId": "s", "siteId": "k", "input": "purple", "customData": None}),
    (wire.SESSION_STARTED, DialogueSessionStarted,
     {"sessionId": "s", "siteId": "k", "customData": "x", "lang": None}),
    (wire.SESSION_ENDED, DialogueSessionEnded,
     {"sessionId": "s", "siteId": "k", "customData": None, "termination": {"reason": "timeout"}}),
])
def test_dialogue_messages_are_read_as_the_library_reads_them(topic, cls, body):
    assert wire.read(topic, json.dumps(body).encode()) == cls.from_dict(body)


def test_an_unknown_termination_reason_still_ends_the_session():
    body = {"sessionId": "s", "termination": {"reason": "exploded"}}
    message = wire.read(wire.SESSION_ENDED, json.dumps(body).encode())
    assert isinstance(message, DialogueSessionEnded) and message.session_id == "s"


@pytest.mark.parametrize("topic, payload, why", [
    ("hermes/intent/Help", b"not json", "not JSON"),
    ("hermes/intent/Help", b"\xff\xfe", "not JSON"),
    ("hermes/intent/Help", b"[1, 2]", "not a JSON object"),
    ("hermes/intent/Help", b'{"input": 5}', "input is not a string"),
    ("hermes/intent/Help", b'{"intent": "Help"}', "intent is not an object"),
    ("hermes/intent/Help", b'{"slots": {}}', "slots is not a list"),
    ("hermes/intent/Help", b'{"sessionId": ["s"]}', "sessionId is not a string"),
    ("hermes/intent/Help", b'{"intent": {"confidenceScore": "high"}}', "confidenceScore is not a number"),
    (wire.SESSION_STARTED, b'{"siteId": "k"}', "sessionId missing"),
    (wire.SESSION_ENDED, b'{"sessionId": 7}', "sessionId is not a string"),
    (wire.NOT_RECOGNIZED, b"[" * 100_000 + b"]" * 100_000, "not JSON"),
    ("hermes/other", b"{}", "not a topic the skill reads"),
])
def test_a_bad_payload_is_a_named_error_that_does_not_echo_it(topic, payload, why):
    with pytest.raises(wire.BadMessage) as caught:
        wire.read(topic, payload)
    assert str(caught.value) == why


def test_malformed_slots_are_dropped_and_the_intent_kept():
    body = {"input": "no", "slots": [5, {"entity": "x"}, {"entity": "side", "value": {"value": "left"}}]}
    message = wire.read("hermes/intent/Deny", json.dumps(body).encode())
    assert [s.entity for s in message.slots] == ["side"]


@settings(max_examples=300)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=6),
                    max_leaves=20),
       st.sampled_from(["hermes/intent/ReportPain", wire.NOT_RECOGNIZED, wire.SESSION_STARTED,
                        wire.SESSION_ENDED]))
def test_any_json_either_parses_or_is_a_named_error(body, topic):
    try:
        wire.read(topic, json.dumps(body).encode())
    except wire.BadMessage:
        pass
