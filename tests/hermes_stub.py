"""The Hermes shell in process, for tests that need no broker: a stand-in for paho's client
that keeps what the skill publishes, and helpers to say an intent or end a session."""
from __future__ import annotations

import json
from typing import Optional

from skill.content import content_dir
from skill.dialog.manager import DialogManager
from skill.dialog.phrasebook import Phrasebook
from skill.dialog.state import Config
from skill.shells.hermes import LegcrampHermes


class Wire:
    """Stands in for paho's client: what the skill publishes, in order."""

    def __init__(self) -> None:
        self.out: list[tuple[str, dict]] = []

    def publish(self, topic: str, payload) -> None:
        self.out.append((topic, json.loads(payload)))

    def subscribe(self, *args) -> None:
        pass


def hermes(diary=None) -> tuple[LegcrampHermes, Wire]:
    """A Hermes shell with the real dialogs, publishing to a Wire."""
    wire = Wire()
    book = Phrasebook.load(content_dir("dialogs", "en"))
    return LegcrampHermes(wire, DialogManager(book, Config()), fallback="sorry", diary=diary), wire


def say(skill: LegcrampHermes, site: str, session: str, intent: str, text: str, slots: dict,
        custom: Optional[str] = None) -> None:
    """One of our intents, as Rhasspy's NLU publishes it (prefixed name, string slot values)."""
    body = {"input": text, "rawInput": text, "siteId": site, "sessionId": session,
            "customData": custom,
            "intent": {"intentName": "Legcramp" + intent, "confidenceScore": 1.0},
            "slots": [{"entity": k, "slotName": k, "value": {"value": v}} for k, v in slots.items()]}
    skill.receive(f"hermes/intent/Legcramp{intent}", json.dumps(body).encode())


def time_out(skill: LegcrampHermes, site: str, session: str, custom: Optional[str]) -> None:
    """Rhasspy's dialogue manager ending a session that heard nothing."""
    body = {"sessionId": session, "siteId": site, "customData": custom,
            "termination": {"reason": "timeout"}}
    skill.receive("hermes/dialogueManager/sessionEnded", json.dumps(body).encode())
