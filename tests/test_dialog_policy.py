"""The dialog policy of issue 11, one behaviour a test, played with segments (no grammar) so a
failure points at the dialog manager: how a nurse on a triage line would answer."""
from __future__ import annotations

import pytest

from skill.content import content_dir
from skill.dialog.events import Advised, End, Heard, NotUnderstood, Segment, Silence, Utter
from skill.dialog.manager import DialogManager
from skill.dialog.phrasebook import Phrasebook
from skill.dialog.state import Config, State
from skill.triage.findings import UNKNOWN

BOOK = Phrasebook.load(content_dir("dialogs", "en"))
MANAGER = DialogManager(BOOK, Config())
CALF = Segment("ReportPain", {"pain_location": "calf"})
YES, NO, HEDGE = Segment("Affirm"), Segment("Deny"), Segment("Hedge")


def seg(intent: str, **slots: str) -> Segment:
    return Segment(intent, slots)


def play(*turns) -> tuple[State, list[list]]:
    """Each turn: a tuple of segments, a Silence() or a NotUnderstood(); returns the last state
    and every turn's effects."""
    state, out = State(), []
    for turn in turns:
        event = turn if isinstance(turn, (Silence, NotUnderstood)) else Heard(tuple(turn))
        state, effects = MANAGER.step(state, event)
        out.append(effects)
    return state, out


def said(effects) -> str:
    return " ".join(e.text for e in effects if isinstance(e, Utter))


def asked(effects) -> tuple[str, ...]:
    return [e for e in effects if isinstance(e, Utter) and e.expects_reply][-1].asking


def advised(effects):
    return next((e for e in effects if isinstance(e, Advised)), None)


def test_the_first_question_is_breathing_and_chest_pain_only():
    _, out = play((CALF,))
    assert asked(out[0]) == ("breathless", "chest_pain")


def test_a_part_answer_answers_only_its_part():
    state, out = play((CALF,), (seg("ReportEmergency", chest_pain="false"),))
    assert state.findings["chest_pain"] is False and "breathless" not in state.findings
    assert asked(out[1]) == ("breathless",)


def test_a_bare_yes_to_a_mixed_question_asks_which_one():
    state, out = play((seg("ReportPain", cramp_now="true", pain_location="calf"),), (YES,))
    assert state.pending.kind == "which" and "Which one" in said(out[1])
    assert not any(v is False for v in state.findings.values() if v is not True)


def test_a_bare_yes_to_emergency_signs_ends_at_once():
    _, out = play((CALF,), (YES,))
    assert advised(out[1]).disposition == "emergency"


def test_a_yes_to_one_item_leaves_the_others_open():
    state, out = play((CALF,), (NO,), (NO,), (NO,),
                      (YES, seg("ReportLegSigns", swelling="one_leg")))
    assert state.findings["swelling"] == "one_leg"
    assert "redness" not in state.findings and "warmth" not in state.findings


def test_a_hedge_is_asked_once_then_counts_as_there():
    state, out = play((CALF,), (HEDGE,))
    assert state.pending.kind == "clarify" and "even a little" in said(out[1])
    _, out = play((CALF,), (HEDGE,), (HEDGE,))
    assert advised(out[2]).disposition == "emergency"  # a hedged breathing sign is a yes


def test_a_hedge_about_easing_is_not_eased():
    cramp = (seg("ReportPain", cramp_now="true", pain_location="calf"),)
    state, out = play(cramp, (NO,), (HEDGE,), (HEDGE,))
    assert state.findings["eased_by_stretching"] is False


def test_fillers_and_what_repeat_the_question_and_are_not_misses():
    state, out = play((CALF,), (seg("Filler"),), (seg("Repeat"),), (seg("Filler"),))
    assert state.misses == 0 and state.pending.asking == ("breathless", "chest_pain")
    assert "Take your time" in said(out[1]) or "No rush" in said(out[1])


def test_a_miss_on_several_things_asks_them_one_at_a_time():
    state, out = play((CALF,), NotUnderstood("mmf"))
    assert state.pending.kind == "item" and asked(out[1]) == ("breathless",)
    assert said(out[1]).startswith("Sorry")


def test_three_misses_advise_with_the_unanswered_counted_as_possible():
    state, out = play((CALF,), NotUnderstood("a"), NotUnderstood("b"), NotUnderstood("c"))
    advice = advised(out[-1])
    assert advice is not None and advice.findings["breathless"] == UNKNOWN
    assert "trouble breathing" in said(out[-1]) and "play it safe" in said(out[-1])


def test_stop_mid_conversation_still_advises():
    state, out = play((CALF,), (NO,), (NO,), (NO,), (seg("Stop"),))
    advice = advised(out[-1])
    assert advice is not None and advice.disposition == "urgent"  # red, warm or swollen unknown


def test_no_complaint_ends_with_the_red_flags():
    state, out = play(NotUnderstood("hello"), NotUnderstood("hello"))
    assert state.ended and not advised(out[-1])
    assert "chest pain" in said(out[-1]) and "nine one one" in said(out[-1])


def test_what_should_i_do_first_gets_the_red_flags_then_the_questions():
    state, out = play((seg("WhatShouldIDo"),))
    text = said(out[0])
    assert "nine one one" in text and "appointment" not in text and "ordinary" not in text
    assert asked(out[0]) == ("breathless", "chest_pain")


def test_distress_is_a_cramp_happening_now():
    state, out = play((seg("Distress"),))
    assert state.findings.get("cramp_now") is True and state.pending.id == "cramp_safety"
    state, out = play((seg("Distress"),), (NO,))
    assert any(isinstance(e, Utter) and e.guide for e in out[1])


def test_call_an_ambulance_is_the_emergency_advice_at_once():
    _, out = play((seg("CallAmbulance"),))
    assert advised(out[0]).disposition == "emergency"
    assert "can't make the call" in said(out[0])


def test_i_think_it_is_a_clot_starts_the_screen():
    _, out = play((seg("SuspectClot"),))
    assert asked(out[0]) == ("breathless", "chest_pain") and "right to check" in said(out[0])


@pytest.mark.parametrize("reply, words", [
    (seg("CanIWait"), "don't wait until the morning"),
    (seg("CanISleep"), "first arrange to be seen"),
    (seg("Refuse"), "still needs to be seen today"),
    (seg("AskRemedies", remedy="pain_relief"), "still need to be seen today"),
])
def test_replies_to_urgent_advice_keep_it(reply, words):
    swollen = (CALF, seg("ReportLegSigns", swelling="one_leg"))
    state, out = play(swollen, (NO,), (NO,), (NO,), (NO,), (NO,))
    assert advised(out[-1]).disposition == "urgent"
    state, out = play(swollen, (NO,), (NO,), (NO,), (NO,), (NO,), (reply,))
    assert words in said(out[-1]).lower() and state.ended
    assert "pharmacist" in said(out[-1]).lower() or reply.intent != "AskRemedies"


@pytest.mark.parametrize("reply", [seg("Refuse"), seg("CanIWait"), seg("CanISleep"), NO, YES])
def test_replies_to_emergency_advice_still_say_call(reply):
    state, out = play((seg("ReportEmergency", chest_pain="true"),), (reply,))
    assert "call nine one one" in said(out[-1]).lower() and state.ended
    assert not any(isinstance(e, Advised) for e in out[-1])  # one disposition, not two


def test_a_new_emergency_sign_after_the_advice_changes_it():
    swollen = (CALF, seg("ReportLegSigns", swelling="one_leg"))
    _, out = play(swollen, (NO,), (NO,), (NO,), (NO,), (NO,),
                  (seg("ReportEmergency", chest_pain="true"),))
    assert advised(out[-1]).disposition == "emergency"


def test_a_cramp_that_does_not_ease_hears_the_ten_minute_limit():
    cramp = (seg("ReportPain", cramp_now="true", pain_location="calf"),)
    minutes = (seg("ReportPain", duration="minutes"),)
    state, out = play(cramp, (NO,), (NO,), (NO,), (NO,), (NO,), (NO,), minutes, *[(NO,)] * 3)
    advice = next(effects for effects in out if advised(effects))
    assert advised(advice).disposition == "doctor"  # not a typical cramp: it did not ease
    assert "ten minutes after it began, you need to be seen today" in said(advice)


def test_a_warm_foot_said_to_the_cold_foot_question_is_not_cold_and_not_warm_skin():
    """Answers are read against the question: "no, it's warm" about the foot."""
    state, _ = play((CALF,), (NO,), (NO,), (NO, seg("ReportLegSigns", warmth="true")))
    assert state.findings["cold_pale_leg"] is False and "warmth" not in state.findings


def test_both_look_the_same_to_the_leg_signs_question_is_a_no():
    state, _ = play((CALF,), (NO,), (NO,), (NO,), (seg("ReportPain", pain_side="both"),))
    assert state.findings.get("redness") is False and "pain_side" not in state.findings


def test_both_legs_compared_do_not_change_the_painful_side():
    left = (seg("ReportPain", pain_location="calf", pain_side="left"),)
    state, _ = play(left, (NO,), (NO,), (NO,), (NO, seg("ReportPain", pain_side="both")))
    assert state.findings["pain_side"] == "left" and state.findings["redness"] is False
