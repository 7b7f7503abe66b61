"""Hostile fields through the Hermes shell, in process (tests/reliability does it over MQTT):
each is one warning line at most, never a traceback above debug, and the session is answered."""
from __future__ import annotations

import json
import logging

import pytest

from skill.dialog.codec import encode
from skill.dialog.state import Pending, State
from tests.hermes_stub import Wire, hermes

HUGE = int("9" * 400)
CANARY = "quokka"


class Msg:
    def __init__(self, topic: str, body: dict) -> None:
        self.topic, self.payload = topic, json.dumps(body).encode()


@pytest.fixture
def skill():
    return hermes()


def pain(session: str = "s1", **extra) -> dict:
    body = {"input": "my calf hurts", "siteId": "bedroom", "sessionId": session,
            "intent": {"intentName": "LegcrampReportPain", "confidenceScore": 1.0},
            "slots": [{"entity": "pain_location", "slotName": "pain_location",
                       "value": {"value": "calf"}, "confidence": 1.0}]}
    body.update(extra)
    return body


def answered(wire: Wire, session: str) -> bool:
    return any(topic.endswith(("continueSession", "endSession")) and body["sessionId"] == session
               and body.get("text") for topic, body in wire.out)


def above_debug(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno > logging.DEBUG]


@pytest.mark.parametrize("body", [
    pain(intent={"intentName": "LegcrampReportPain", "confidenceScore": HUGE}),
    pain(intent={"intentName": "LegcrampReportPain", "confidenceScore": -HUGE}),
    pain(asrConfidence=HUGE),
    pain(slots=[{"entity": "pain_location", "slotName": "pain_location",
                 "value": {"value": "calf"}, "confidence": HUGE}] * 3),
], ids=["confidenceScore", "negative confidenceScore", "asrConfidence", "slot confidence"])
def test_a_huge_number_is_one_warning_and_the_session_is_answered(skill, caplog, body):
    hermes, wire = skill
    caplog.set_level(logging.DEBUG, logger="legcramp")
    hermes.mqtt_on_message(None, None, Msg("hermes/intent/LegcrampReportPain", body))
    logged = above_debug(caplog)
    assert [r.levelno for r in logged] == [logging.WARNING], [r.getMessage() for r in logged]
    assert "finite" in logged[0].getMessage() and not logged[0].exc_info
    assert answered(wire, "s1")


def test_nan_and_infinity_are_read_as_absent(skill, caplog):
    hermes, wire = skill
    caplog.set_level(logging.DEBUG, logger="legcramp")
    payload = json.dumps(pain(asrConfidence=1.0)).replace('"asrConfidence": 1.0',
                                                         '"asrConfidence": NaN')
    hermes.receive("hermes/intent/LegcrampReportPain", payload.encode())
    assert [r.levelno for r in above_debug(caplog)] == [logging.WARNING]
    assert answered(wire, "s1")


def test_forged_pending_naming_a_finding_is_one_warning_and_the_session_goes_on(skill, caplog):
    """Before: it decoded, then the dialog manager raised KeyError('swelling') (logged at ERROR
    with the finding) and the session ended with the fallback."""
    hermes, wire = skill
    caplog.set_level(logging.DEBUG, logger="legcramp")
    hermes.receive("hermes/intent/LegcrampReportPain", json.dumps(pain()).encode())  # a session of ours
    wire.out.clear()
    forged = json.dumps({"legcramp": 1, "pending": ["question", "swelling"], "asking": ["swelling"]})
    hermes.receive("hermes/intent/LegcrampDeny", json.dumps({
        "input": "no", "siteId": "bedroom", "sessionId": "s1", "customData": forged,
        "intent": {"intentName": "LegcrampDeny", "confidenceScore": 1.0}}).encode())
    logged = above_debug(caplog)
    assert [r.levelno for r in logged] == [logging.WARNING], [r.getMessage() for r in logged]
    assert "swelling" not in logged[0].getMessage()
    assert answered(wire, "s1")
    assert not any(body.get("text") == "sorry" for _, body in wire.out)


def test_an_unexpected_failure_logs_its_kind_not_its_text(skill, caplog, monkeypatch):
    """An exception's text can hold what was said: above debug only its kind is logged."""
    hermes, wire = skill
    caplog.set_level(logging.DEBUG, logger="legcramp")

    def broken(state, event):
        raise KeyError(f"swelling {CANARY}")

    monkeypatch.setattr(hermes.manager, "step", broken)
    hermes.mqtt_on_message(None, None, Msg("hermes/intent/LegcrampReportPain", pain()))
    logged = above_debug(caplog)
    assert [r.levelno for r in logged] == [logging.ERROR]
    assert CANARY not in logged[0].getMessage() and "KeyError" in logged[0].getMessage()
    assert logged[0].exc_info is None
    debug = [r for r in caplog.records if r.levelno == logging.DEBUG and r.exc_info]
    assert debug, "the traceback still goes to debug"
    assert answered(wire, "s1")


def test_a_failure_outside_a_session_logs_its_kind_not_its_text(skill, caplog, monkeypatch):
    hermes, wire = skill
    caplog.set_level(logging.DEBUG, logger="legcramp")

    def broken(topic, payload):
        raise ValueError(f"my calf {CANARY}")

    monkeypatch.setattr(hermes, "receive", broken)
    hermes.mqtt_on_message(None, None, Msg("hermes/intent/LegcrampReportPain", pain()))
    logged = above_debug(caplog)
    assert len(logged) == 1 and CANARY not in logged[0].getMessage()
    assert logged[0].exc_info is None


def test_a_huge_number_said_as_an_answer_is_answered(skill, caplog):
    hermes, wire = skill
    caplog.set_level(logging.DEBUG, logger="legcramp")
    state = State(pending=Pending("question", "frequency", ("cramps_per_week",)), started=True)
    hermes.receive("hermes/intent/LegcrampAnswerNumber", json.dumps({
        "input": "lots", "siteId": "bedroom", "sessionId": "s9", "customData": encode(state),
        "intent": {"intentName": "LegcrampAnswerNumber", "confidenceScore": 1.0},
        "slots": [{"entity": "number", "slotName": "number", "value": {"value": HUGE}}]}).encode())
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert answered(wire, "s9")
