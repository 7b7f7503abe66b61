"""Issue 14: an opening Rhasspy's NLU could not match still reaches us. On
hermes/nlu/intentNotRecognized outside a session of ours, a leg complaint (read by our own
reader) opens our own session on that site; anything else is left to other skills."""
from __future__ import annotations

import asyncio
import json

import pytest

from skill.content import content_dir
from skill.nlu.recognizer import Recognizer
from tests.hermes_stub import hermes, say

RECOGNIZER = Recognizer.from_dir(content_dir("intents", "en"))


def not_recognized(skill, text: str, session: str = "w1", site: str = "bedroom", custom=None):
    body = {"input": text, "siteId": site, "sessionId": session, "customData": custom}
    skill.receive("hermes/nlu/intentNotRecognized", json.dumps(body).encode())


def played(*texts: str, **kw) -> list[tuple[str, dict]]:
    async def run():
        skill, wire = hermes()
        skill.recognise = RECOGNIZER.recognize
        for text in texts:
            not_recognized(skill, text, **kw)
        await asyncio.sleep(0.05)
        return wire.out
    return asyncio.run(run())


@pytest.mark.parametrize("text", ["my calf has been killing me since tea time",
                                  "i think my leg is swollen and it's throbbing something awful",
                                  "ma leg's gone all funny"])
def test_a_leg_complaint_opens_our_session_on_that_site(text):
    out = played(text)
    (topic, start), = [(t, b) for t, b in out if t == "hermes/dialogueManager/startSession"]
    assert start["siteId"] == "bedroom"
    assert start["init"]["type"] == "action" and start["init"]["sendIntentNotRecognized"]
    assert start["init"]["text"].endswith("?") and json.loads(start["customData"])["legcramp"]


@pytest.mark.parametrize("text", ["what's the weather tomorrow", "play some jazz", ""])
def test_words_that_are_no_complaint_of_ours_are_left_alone(text):
    assert played(text) == []


def test_an_emergency_heard_in_the_words_is_advised_at_once():
    out = played("i can't get my breath and my calf is swollen")
    (topic, start), = [(t, b) for t, b in out if t == "hermes/dialogueManager/startSession"]
    assert "nine one one" in start["init"]["text"]
    assert [b["disposition"] for t, b in out if t == "legcramp/outcome"] == ["emergency"]


def test_inside_a_session_of_ours_it_is_left_to_the_dialogue_manager():
    async def run():
        skill, wire = hermes()
        skill.recognise = RECOGNIZER.recognize
        say(skill, "bedroom", "s1", "ReportPain", "my calf hurts", {"pain_location": "calf"})
        (_, asked), = wire.out
        not_recognized(skill, "my calf hurts", session="s1")  # ours, in memory
        not_recognized(skill, "my calf hurts", session="s9", custom=asked["customData"])  # ours
        await asyncio.sleep(0.05)
        return wire.out
    assert len(asyncio.run(run())) == 1
