"""Effects become the right Hermes messages: continue, end, routine steps, outcome."""
from rhasspyhermes.dialogue import (DialogueAction, DialogueContinueSession, DialogueEndSession,
                                    DialogueNotification)

from skill.content import content_dir
from skill.dialog.codec import decode
from skill.dialog.events import Heard, Segment
from skill.dialog.manager import DialogManager
from skill.dialog.phrasebook import Phrasebook
from skill.dialog.state import Config, State
from skill.shells.hermes_plan import intent_filter, plan

MANAGER = DialogManager(Phrasebook.load(content_dir("dialogs", "en")), Config(hold_seconds=5))


def turn(state, *segments):
    return MANAGER.step(state, Heard(tuple(segments)))


def test_a_question_continues_the_session_with_state_filter_and_not_recognised():
    state, effects = turn(State(), Segment("ReportPain", {"pain_location": "calf", "duration": "hours"}))
    p = plan(effects, state, "s1", "bedroom")
    [message] = p.now
    assert isinstance(message, DialogueContinueSession)
    assert message.session_id == "s1" and message.send_intent_not_recognized
    assert decode(message.custom_data) == state
    assert "LegcrampReportEmergency" in message.intent_filter and "LegcrampStop" in message.intent_filter
    assert set(message.intent_filter) >= {"LegcrampAffirm", "LegcrampDeny", "LegcrampDontKnow"}
    assert all(name.startswith("Legcramp") for name in message.intent_filter)
    assert p.steps == [] and p.then is None and p.outcome is None


def test_advice_keeps_the_session_for_one_reply_then_ends_it_and_reports_the_outcome():
    state, effects = turn(State(), Segment("ReportEmergency", {"breathless": "true"}))
    p = plan(effects, state, "s1", "bedroom")
    [message] = p.now
    # Invariant 12: "Will you call now?" is listened for in the same session.
    assert isinstance(message, DialogueContinueSession) and "nine one one" in message.text
    assert message.text.endswith("Will you call nine one one now?")
    after_state, after_effects = turn(state, Segment("Affirm", {}))
    [closing] = plan(after_effects, after_state, "s1", "bedroom").now
    assert isinstance(closing, DialogueEndSession) and "nine one one" in closing.text
    assert p.outcome["disposition"] == "emergency" and p.outcome["rules"] == ["E1"]
    assert p.outcome["siteId"] == "bedroom" and p.outcome["sessionId"] == "s1"
    assert p.outcome["findings"] == {"breathless": True}


def test_a_routine_ends_the_session_then_steps_then_asks_in_a_new_action_session():
    state, effects = turn(State(), Segment("ReportPain", {"pain_location": "calf", "cramp_now": "true"}))
    state, effects = turn(state, Segment("Deny", {}))
    p = plan(effects, state, "s1", "bedroom")
    assert isinstance(p.now[0], DialogueEndSession)
    assert len(p.steps) > 3 and 5.0 in [s.pause_s for s in p.steps]
    assert isinstance(p.then.init, DialogueAction) and p.then.site_id == "bedroom"
    assert p.then.init.intent_filter == intent_filter(state)
    assert decode(p.then.custom_data).pending.id == "eased_after_guide"


def test_a_stretch_asked_for_with_no_complaint_closes_with_a_notification():
    state, effects = turn(State(), Segment("AskStretch", {"routine": "bedtime_routine"}))
    state, effects = turn(state, Segment("Deny", {}))
    p = plan(effects, state, "s1", "default")
    assert p.steps and isinstance(p.then.init, DialogueNotification)
