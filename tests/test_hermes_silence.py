"""Invariant 8 over Hermes: a session of ours that times out (nothing heard) is asked once more in
a new session, and a second silence gets the advice, with what went unanswered counted as
possible; never a session left in silence."""
from __future__ import annotations

import asyncio
import json

from skill.content import content_dir
from skill.dialog.manager import DialogManager
from skill.dialog.phrasebook import Phrasebook
from skill.dialog.state import Config
from skill.shells.hermes import LegcrampHermes


class Wire:
    def __init__(self) -> None:
        self.out: list[tuple[str, dict]] = []

    def publish(self, topic: str, payload) -> None:
        self.out.append((topic, json.loads(payload)))

    def subscribe(self, *args) -> None:
        pass


def _skill() -> tuple[LegcrampHermes, Wire]:
    wire = Wire()
    book = Phrasebook.load(content_dir("dialogs", "en"))
    return LegcrampHermes(wire, DialogManager(book, Config()), fallback="sorry"), wire


def _say(hermes: LegcrampHermes, session: str, intent: str, text: str, slots: dict, custom=None):
    body = {"input": text, "rawInput": text, "siteId": "bedroom", "sessionId": session,
            "customData": custom, "intent": {"intentName": "Legcramp" + intent, "confidenceScore": 1.0},
            "slots": [{"entity": k, "slotName": k, "value": {"value": v}} for k, v in slots.items()]}
    hermes.receive(f"hermes/intent/Legcramp{intent}", json.dumps(body).encode())


def _timeout(hermes: LegcrampHermes, session: str, custom) -> None:
    body = {"sessionId": session, "siteId": "bedroom", "customData": custom,
            "termination": {"reason": "timeout"}}
    hermes.receive("hermes/dialogueManager/sessionEnded", json.dumps(body).encode())


def test_two_silences_ask_again_then_advise_in_new_sessions():
    async def run() -> list[tuple[str, dict]]:
        hermes, wire = _skill()
        _say(hermes, "s1", "ReportPain", "my calf hurts", {"pain_location": "calf"})
        (topic, asked), = wire.out
        assert topic.endswith("continueSession") and "breathing" in asked["text"]
        _timeout(hermes, "s1", asked["customData"])
        await asyncio.sleep(0.05)
        topic, again = wire.out[-1]
        assert topic == "hermes/dialogueManager/startSession"
        assert again["init"]["type"] == "action" and "still there" in again["init"]["text"]
        _timeout(hermes, "s2", again["customData"])
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
        hermes, wire = _skill()
        _say(hermes, "s1", "ReportEmergency", "my chest hurts", {"chest_pain": "true"})
        topic, advice = [(t, b) for t, b in wire.out if t.endswith("continueSession")][-1]
        assert advice["text"].endswith("now?")
        _timeout(hermes, "s1", advice["customData"])
        await asyncio.sleep(0.05)
        return wire.out
    out = asyncio.run(run())
    topic, closing = out[-1]
    assert closing["init"]["type"] == "notification" and "call nine one one" in closing["init"]["text"].lower()
    assert len([t for t, _ in out if t == "legcramp/outcome"]) == 1
