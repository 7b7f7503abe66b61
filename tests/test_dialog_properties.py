"""The invariants of triage-rules.md, checked on whole conversations through the dialog manager."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skill.content import content_dir
from skill.dialog.events import Advised, End, Heard, Segment, Utter
from skill.dialog.manager import DialogManager
from skill.dialog.phrasebook import Phrasebook
from skill.dialog.state import Config, State
from skill.triage.engine import GUIDE_SCREEN, assess, settled_level
from skill.triage.findings import EMERGENCY_SIGNS, SCHEMA, UNKNOWN, Disposition
from tests.sim_patient import play, report
from tests.strategies import truths

BOOK = Phrasebook.load(content_dir("dialogs", "en"))
MANAGER = DialogManager(BOOK, Config())
SAFETY_NET = set(BOOK._template_list("safety_net"))
SETTINGS = settings(max_examples=150, deadline=None)
FINDING_IDS = st.sampled_from(sorted(SCHEMA))


def _exempt(truth: dict, findings: dict) -> bool:
    """Invariant 4's own exception: unknown clot signs in a typical cramp that has eased."""
    eased = truth["duration"] in ("seconds", "minutes") and truth["eased_by_stretching"] is True
    return eased and any(findings.get(f) == UNKNOWN for f in ("swelling", "warmth", "redness"))


@SETTINGS
@given(truths(), st.sets(FINDING_IDS), st.sets(FINDING_IDS))
def test_never_below_what_the_truth_calls_for(truth, said, dont_know):
    """Invariants 1 and 4 over random openings, answer orders and "don't know"s."""
    talk = play(MANAGER, truth, {f: truth[f] for f in said}, dont_know - said)
    assert talk.advised is not None, [u.text for u in talk.lines]
    got = Disposition.from_id(talk.advised.disposition)
    if not _exempt(truth, talk.advised.findings):
        assert got >= assess(truth).disposition, (talk.advised, assess(truth))


@SETTINGS
@given(truths(), st.sets(FINDING_IDS), st.sampled_from(EMERGENCY_SIGNS[:6]))
def test_invariant_2_an_emergency_sign_ends_the_questioning_at_once(truth, said, sign):
    opening = {**{f: truth[f] for f in said}, sign: True}
    state, effects = MANAGER.step(State(), Heard(report(opening)))
    advised = [e for e in effects if isinstance(e, Advised)]
    assert advised and advised[0].disposition == "emergency"
    # The questioning is over: the only thing asked is "will you call now?" (invariant 12).
    assert state.pending is not None and state.pending.kind == "after"
    assert not any(isinstance(e, Utter) and e.asking for e in effects)
    assert [e for e in effects if isinstance(e, Utter) and e.expects_reply] == [effects[-1]]


@SETTINGS
@given(truths(), st.sets(FINDING_IDS), st.integers(min_value=0, max_value=6),
       st.sampled_from(EMERGENCY_SIGNS[:6]))
def test_invariant_2_an_emergency_aside_mid_dialog(truth, said, after, sign):
    """Mentioned at any later turn, inside whatever else was said, it ends the questioning."""
    state = State()
    heard = report({f: truth[f] for f in said}) or (Segment("ReportPain", {"pain_location": "calf"}),)
    for _ in range(after):
        state, effects = MANAGER.step(state, Heard(heard))
        if state.ended or state.disposition:  # advised already
            return
        heard = (Segment("Deny", {}),)
    state, effects = MANAGER.step(state, Heard((*heard, *report({sign: True}))))
    assert [e.disposition for e in effects if isinstance(e, Advised)] == ["emergency"]


@SETTINGS
@given(truths(), st.sets(FINDING_IDS), st.sets(FINDING_IDS))
def test_invariant_3_no_stretch_while_a_sign_is_present_or_unscreened(truth, said, dont_know):
    truth = {**truth, "cramp_now": True}
    talk = play(MANAGER, truth, {f: truth[f] for f in said | {"cramp_now"}}, dont_know - said)
    before = {}
    for turn in talk.turns:
        if any(isinstance(e, Utter) and e.guide for e in turn.effects):
            known = turn.state.findings
            assert all(f in known for f in GUIDE_SCREEN), known
            level = settled_level(known)
            assert level is None or level < Disposition.URGENT, known
        before = turn.state.findings


@SETTINGS
@given(truths(), st.sets(FINDING_IDS))
def test_invariant_6_self_care_and_doctor_endings_carry_the_safety_net(truth, said):
    talk = play(MANAGER, truth, {f: truth[f] for f in said})
    if talk.advised.disposition in ("self_care", "doctor"):
        assert SAFETY_NET & {u.text for u in talk.lines}


@SETTINGS
@given(truths(), st.sets(FINDING_IDS))
def test_a_cramp_happening_now_is_guided_after_at_most_one_question(truth, said):
    truth = {**truth, "cramp_now": True}
    opening = {f: truth[f] for f in said | {"cramp_now"}}
    talk = play(MANAGER, truth, opening)
    guided = [i for i, t in enumerate(talk.turns) if any(isinstance(e, Utter) and e.guide for e in t.effects)]
    if guided:
        assert guided[0] <= 1
