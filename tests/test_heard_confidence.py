"""Issue 14: an answer that rules out an emergency sign, heard with low recogniser confidence,
is asked again once; an answer that raises a sign never is. Played with segments (no grammar)."""
from __future__ import annotations

from skill.content import content_dir
from skill.dialog.codec import decode, encode
from skill.dialog.events import Advised, Heard, NotUnderstood, Segment, Silence, Utter
from skill.dialog.manager import DialogManager
from skill.dialog.phrasebook import Phrasebook
from skill.dialog.state import Config, State

BOOK = Phrasebook.load(content_dir("dialogs", "en"))
MANAGER = DialogManager(BOOK, Config(confirm_below=0.6))
CALF = (Segment("ReportPain", {"pain_location": "calf", "duration": "days"}),)
YES, NO = (Segment("Affirm"),), (Segment("Deny"),)
LOW, HIGH = 0.3, 0.9


def turn(state: State, segments, confidence=None):
    state, effects = MANAGER.step(state, Heard(tuple(segments), "", confidence))
    return state, effects


def last_question(effects) -> Utter:
    return [e for e in effects if isinstance(e, Utter) and e.expects_reply][-1]


def opened() -> State:
    state, effects = turn(State(), CALF)
    assert state.pending.id == "breathing"
    return state


def test_a_confident_no_is_taken_without_a_question():
    state, effects = turn(opened(), NO, HIGH)
    assert state.findings["breathless"] is False and state.findings["chest_pain"] is False
    assert state.pending.kind == "question" and state.pending.id != "breathing"


def test_typed_text_has_no_confidence_and_is_never_said_back():
    state, _ = turn(opened(), NO, None)
    assert state.pending.kind == "question" and "breathless" in state.findings


def test_a_low_confidence_no_to_the_breathing_screen_is_asked_again_once():
    state, effects = turn(opened(), NO, LOW)
    question = last_question(effects)
    assert state.pending.kind == "heard" and state.pending.id == "breathing"
    assert "breathless" not in state.findings and "chest_pain" not in state.findings
    assert question.text == ("Sorry, I want to be sure I heard you. "
                             "Just yes or no. Do you have trouble breathing or chest pain?")
    assert question.asking == ("breathless", "chest_pain")
    state, effects = turn(state, NO, LOW)  # asked once only: now believed
    assert state.findings["breathless"] is False and state.findings["chest_pain"] is False
    assert state.pending.kind == "question" and state.pending.id != "breathing"


def test_a_yes_to_the_question_asked_again_is_the_emergency():
    state, _ = turn(opened(), NO, LOW)
    state, effects = turn(state, YES, HIGH)
    assert any(isinstance(e, Advised) and e.disposition == "emergency" for e in effects)


def test_a_yes_beside_a_denial_is_asked_again_whatever_the_confidence():
    """ "yeah i can catch my breath": the recogniser may have lost a "can't"."""
    contradiction = (Segment("Affirm"), Segment("ReportEmergency", {"breathless": "false"}))
    state, effects = turn(opened(), contradiction, HIGH)
    assert state.pending.kind == "heard" and state.pending.asking == ("breathless",)
    state, _ = turn(opened(), contradiction, None)  # typed: taken as written
    assert state.findings["breathless"] is False


def test_a_low_confidence_sign_is_never_doubted():
    state, effects = turn(opened(), (Segment("ReportEmergency", {"breathless": "true"}),), LOW)
    assert any(isinstance(e, Advised) and e.disposition == "emergency" for e in effects)


def test_a_sign_said_in_reply_to_the_question_asked_again_is_heard():
    state, _ = turn(opened(), NO, LOW)
    state, effects = turn(state, (Segment("ReportEmergency", {"chest_pain": "true"}),), HIGH)
    assert any(isinstance(e, Advised) and e.disposition == "emergency" for e in effects)


def test_a_low_confidence_answer_about_something_else_is_taken():
    state, _ = turn(opened(), NO, HIGH)
    state, _ = turn(state, NO, HIGH)  # coughing blood, fainting
    while state.pending.id in ("foot",):
        state, _ = turn(state, NO, HIGH)
    asked = state.pending
    state, _ = turn(state, NO, LOW)
    assert state.pending != asked and state.pending.kind != "heard"


def test_the_rest_of_a_doubted_answer_is_kept():
    both = (Segment("ReportEmergency", {"breathless": "false"}),
            Segment("ReportPain", {"pain_side": "left"}))
    state, _ = turn(opened(), both, LOW)
    assert state.pending.kind == "heard" and state.pending.asking == ("breathless",)
    assert state.findings["pain_side"] == "left"


def test_silence_and_misses_at_the_confirmation_never_take_the_denial():
    state, _ = turn(opened(), NO, LOW)
    for event in (Silence(), NotUnderstood("mmm"), NotUnderstood("mmm")):
        state, effects = MANAGER.step(state, event)
    advised = [e for e in effects if isinstance(e, Advised)]
    assert advised and advised[0].findings.get("breathless") is not False
    assert advised[0].disposition == "emergency"  # unanswered counts as possible


def test_the_confirmation_survives_custom_data():
    state, _ = turn(opened(), NO, LOW)
    again = decode(encode(state))
    assert again.pending == state.pending and again.checked == state.checked


def test_the_same_question_asked_again_and_again_ends_in_advice():
    """An answer that settles nothing, said over and over ("about three ouch"), never keeps the
    conversation going round without advice (invariant 8)."""
    state = opened()
    number = (Segment("AnswerNumber", {"number": "3"}), Segment("Distress"))
    advised = []
    for _ in range(12):
        state, effects = turn(state, number, HIGH)
        advised += [e for e in effects if isinstance(e, Advised)]
        if state.ended or advised:
            break
    assert advised, "no advice after twelve turns of the same reply"
