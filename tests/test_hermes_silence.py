"""Invariant 8 over Hermes: a session of ours that times out (nothing heard) is asked once more in
a new session, and a second silence gets the advice, with what went unanswered counted as
possible; never a session left in silence."""
from __future__ import annotations

import asyncio

from tests.hermes_stub import hermes, say, time_out


def _say(skill, session: str, intent: str, text: str, slots: dict, custom=None) -> None:
    say(skill, "bedroom", session, intent, text, slots, custom)


def _timeout(skill, session: str, custom) -> None:
    time_out(skill, "bedroom", session, custom)


def test_two_silences_ask_again_then_advise_in_new_sessions():
    async def run() -> list[tuple[str, dict]]:
        skill, wire = hermes()
        _say(skill, "s1", "ReportPain", "my calf hurts", {"pain_location": "calf"})
        (topic, asked), = wire.out
        assert topic.endswith("continueSession") and "breathing" in asked["text"]
        _timeout(skill, "s1", asked["customData"])
        await asyncio.sleep(0.05)
        topic, again = wire.out[-1]
        assert topic == "hermes/dialogueManager/startSession"
        assert again["init"]["type"] == "action" and "still there" in again["init"]["text"]
        _timeout(skill, "s2", again["customData"])
        await asyncio.sleep(0.05)
        return wire.out
    out = asyncio.run(run())
    topic, advice = out[-1]
    assert topic == "hermes/dialogueManager/startSession"
    text = advice["init"]["text"]
    # Breathing and chest pain went unanswered: they count as possible, so the advice is to call.
    assert "trouble breathing or chest pain" in text and "nine one one now" in text
    outcomes = [body for t, body in out if t == "legcramp/outcome"]
    assert [o["disposition"] for o in outcomes] == ["emergency"]


def test_silence_after_the_advice_closes_without_new_advice():
    async def run() -> list[tuple[str, dict]]:
        skill, wire = hermes()
        _say(skill, "s1", "ReportEmergency", "my chest hurts", {"chest_pain": "true"})
        topic, advice = [(t, b) for t, b in wire.out if t.endswith("continueSession")][-1]
        assert advice["text"].endswith("now?")
        _timeout(skill, "s1", advice["customData"])
        await asyncio.sleep(0.05)
        return wire.out
    out = asyncio.run(run())
    topic, closing = out[-1]
    assert closing["init"]["type"] == "notification" and "call nine one one" in closing["init"]["text"].lower()
    assert len([t for t, _ in out if t == "legcramp/outcome"]) == 1
