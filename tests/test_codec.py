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
