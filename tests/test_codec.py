"""Dialog state survives a trip through Hermes customData; anything else is refused."""
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skill.dialog.codec import BadState, decode, encode, is_ours
from skill.dialog.events import Utter
from skill.dialog.state import Pending, State
from tests.strategies import partial_findings


@settings(max_examples=200, deadline=None)
@given(partial_findings())
def test_round_trip(findings):
    state = State(findings=findings, pending=Pending("question", "leg_signs", ("swelling", "redness")),
                  started=True, guided=True, checked=frozenset({"swelling"}), misses=1, turn=4,
                  last_lines=(Utter("Is it swollen?", asking=("swelling",), expects_reply=True),))
    back = decode(encode(state))
    assert back == state


def test_carries_asking_and_findings_as_in_chat_jsonl():
    body = json.loads(encode(State(findings={"swelling": "one_leg"},
                                   pending=Pending("question", "duration", ("duration",)))))
    assert body["legcramp"] == 1 and body["asking"] == ["duration"]
    assert body["findings"] == {"swelling": "one_leg"}


@pytest.mark.parametrize("custom_data", [None, "", "porcupine", "hey_mycroft_v1", "[1, 2]",
                                         '{"other": 1}', "{not json", "x" * 20000])
def test_foreign_custom_data_is_not_ours(custom_data):
    assert not is_ours(custom_data)
    assert decode(custom_data) is None


@pytest.mark.parametrize("body", [
    {"legcramp": 2},
    {"legcramp": 1, "findings": {"swelling": "enormous"}},
    {"legcramp": 1, "findings": {"nope": True}},
    {"legcramp": 1, "findings": [1, 2]},
    {"legcramp": 1, "pending": ["question", "what"], "asking": []},
    {"legcramp": 1, "pending": ["question", "leg_signs"], "asking": ["not_a_finding"]},
    {"legcramp": 1, "misses": "many"},
    {"legcramp": 1, "want_guide": "x" * 100},
    {"legcramp": 1, "want_guide": "cartwheel"},
    {"legcramp": 1, "thigh_part": "middle"},
])
def test_forged_or_corrupt_state_is_refused(body):
    with pytest.raises(BadState):
        decode(json.dumps(body))


@pytest.mark.parametrize("pending, asking", [
    (["question", "swelling"], ["swelling"]),        # a finding where a question id goes
    (["question", "redness"], ["redness"]),
    (["which", "duration_of_pain"], ["duration"]),
    (["check", "duration"], ["duration"]),           # not a sign the skill helps to check
    (["check", "swelling"], ["redness"]),            # checks one sign, not another
    (["check", "swelling"], []),
    (["confirm", "forget_diary"], ["swelling"]),
    (["question", "duration"], ["swelling"]),        # a finding that question does not ask
    (["question", "duration"], []),
    (["question"], ["duration"]),
    ("duration", ["duration"]),
])
def test_pending_is_checked_against_the_question_table(pending, asking):
    with pytest.raises(BadState):
        decode(json.dumps({"legcramp": 1, "pending": pending, "asking": asking}))


@pytest.mark.parametrize("field, value", [
    ("checked", ["duration_of_pain"]), ("checked", [None]), ("checked", "swelling"), ("misses", 7),
    ("misses", -1), ("turn", -3), ("turn", 10 ** 400), ("turn", "7"), ("guided", "yes"),
    ("started", 1), ("last", [["x" * 5000, []]]), ("last", "hello"), ("findings", [["swelling", "none"]]),
], ids=lambda v: str(v)[:24])
def test_every_field_is_checked(field, value):
    with pytest.raises(BadState):
        decode(json.dumps({"legcramp": 1, field: value}))


@pytest.mark.parametrize("body", [
    {"legcramp": 1, "findings": {"swelling": "purple_quokka"}},
    {"legcramp": 1, "pending": ["question", "quokka"], "asking": ["swelling"]},
    {"legcramp": 1, "asking": ["quokka"]},
    {"legcramp": 1, "want_guide": "quokka"},
    {"legcramp": 1, "findings": {"quokka": True}},
    {"legcramp": 1, "checked": ["quokka"]},
])
def test_a_refusal_names_the_field_never_the_value(body):
    with pytest.raises(BadState) as refused:
        decode(json.dumps(body))
    assert "quokka" not in str(refused.value)


def test_every_state_of_the_recorded_conversations_decodes_as_written():
    """The checks refuse nothing the dialog manager writes: every customData of every public
    vignette, played as `legcramp hermes` plays it, reads back and writes out the same."""
    from benchmarks.conversations import record_public
    from skill.content import content_dir
    from skill.nlu.recognizer import Recognizer

    recognise = Recognizer.from_dir(content_dir("intents", "en")).recognize
    customs = [t.custom for c in record_public(recognise) for t in c.turns if t.custom]
    assert len(customs) > 50
    for custom in customs:
        assert encode(decode(custom)) == custom
