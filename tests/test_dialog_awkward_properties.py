"""Whole conversations with an awkward caller (hypothesis): misses, fillers, "what?", silences,
hedges, part-answers, "don't know", "what should I do?" and "stop" at any turn, then a reply to
the advice. Invariants 1-3 and 8-12 of triage-rules.md must hold, against tests/reference_rules.py
(an independent reading of the rules), not against the engine under test.
"""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from skill.content import content_dir
from skill.dialog.events import Advised, End, Heard, NotUnderstood, Segment, Silence, Utter
from skill.dialog.manager import DialogManager
from skill.dialog.phrasebook import Phrasebook
from skill.dialog.state import Config, State
from skill.triage.findings import EMERGENCY_SIGNS, UNKNOWN
from skill.triage.questions import MAX_THINGS
from tests.reference_rules import reference
from tests.sim_patient import answer, is_positive, report
from tests.strategies import rank, truths

BOOK = Phrasebook.load(content_dir("dialogs", "en"))
MANAGER = DialogManager(BOOK, Config())
SETTINGS = settings(max_examples=300, deadline=None)
MAX_TURNS = 60
SCREEN = ("breathless", "chest_pain", "swelling")  # the one check before a stretch
# Lines that give lower-than-urgent advice: never before the emergency signs are asked (inv. 11).
COMFORT = {BOOK.say(k, v) for k in ("advice.self_care", "advice.doctor")
           for v in range(BOOK.variants(k))}

MOVES = ["answer"] * 6 + ["part", "hedge", "dont_know", "filler", "what", "miss", "silence",
                          "what_should_i_do", "stop"]
REPLIES = ["Affirm", "Deny", "CanIWait", "CanISleep", "Refuse", "Stop", None]


def _move(draw, move: str, asking: tuple[str, ...], truth: dict):
    """One turn of the caller: an event, and whether it may leave findings unknown."""
    if move == "answer" or (move == "part" and len(asking) < 2):
        return Heard(answer(asking, truth, set())), False
    if move == "part":  # only the first thing, said outright: "no chest pain"
        return Heard(report({asking[0]: truth[asking[0]]})), False
    if move == "hedge":
        return Heard((Segment("Hedge", {}),)), False
    if move == "dont_know":
        return Heard((Segment("DontKnow", {}),)), True
    if move == "filler":
        return Heard((Segment("Filler", {}),)), False
    if move == "what":
        return Heard((Segment("Repeat", {}),)), False
    if move == "miss":
        return NotUnderstood("mumble"), True
    if move == "silence":
        return Silence(), True
    if move == "what_should_i_do":
        return Heard((Segment("WhatShouldIDo", {}),)), False
    return Heard((Segment("Stop", {}),)), True


def _advice_turns(turns):
    return [i for i, (_, effects) in enumerate(turns) if any(isinstance(e, Advised) for e in effects)]


@SETTINGS
@given(truths(), st.data())
def test_an_awkward_caller_always_gets_safe_advice(truth, data):
    state = State()
    opening = (Segment("ReportPain", {"pain_location": str(truth["pain_location"])}),)
    event = Heard(opening)
    turns: list[tuple[object, list]] = []
    lossy = False  # the caller left something unanswered: compare with what was said, not truth
    for _ in range(MAX_TURNS):
        state, effects = MANAGER.step(state, event)
        turns.append((event, effects))
        if any(isinstance(e, End) for e in effects):
            break
        asked = [e for e in effects if isinstance(e, Utter) and e.expects_reply]
        assert len(asked) == 1, effects  # one question, at the end of the turn
        if state.pending is not None and state.pending.kind == "after":
            reply = data.draw(st.sampled_from(REPLIES), label="reply to the advice")
            event = Heard((Segment(reply, {}),)) if reply else Silence()
            continue
        move = data.draw(st.sampled_from(MOVES), label="move")
        event, unanswered = _move(data.draw, move, asked[0].asking, truth)
        lossy = lossy or unanswered or move == "hedge"
    else:
        raise AssertionError("the conversation did not end")

    advised = [e for _, effects in turns for e in effects if isinstance(e, Advised)]
    # 8: exactly one disposition, spoken.
    assert len(advised) == 1, advised
    got = rank(advised[0].disposition)
    findings = dict(advised[0].findings)
    # 1 (and 4, 10): never below what the known findings call for.
    assert got >= rank(reference(findings)[0]), (findings, advised[0])
    # 9, 10: only what the caller denied is false; a yes, a hedge or a part-answer never is.
    for finding, value in findings.items():
        if value in (False, "none") and finding in truth:
            assert not is_positive(truth[finding]), (finding, findings)
    # 1 against the truth, when every answer was given plainly.
    if not lossy:
        eased = truth["duration"] in ("seconds", "minutes") and truth["eased_by_stretching"] is True
        exempt = eased and any(findings.get(f) == UNKNOWN for f in ("swelling", "warmth", "redness"))
        if not exempt:
            assert got >= rank(reference(truth)[0]), (truth, findings)

    first_advice = _advice_turns(turns)[0]
    # 8: what was asked and went unanswered (stop, silence, misses) counts as unknown.
    if first_advice > 0:
        last_asked = [e for e in turns[first_advice - 1][1] if isinstance(e, Utter) and e.expects_reply]
        event = turns[first_advice][0]
        gave_up = not isinstance(event, Heard) or any(s.intent == "Stop" for s in event.segments)
        if gave_up and last_asked:
            assert set(last_asked[0].asking) <= set(findings), (last_asked[0], findings)
    for i, (event, effects) in enumerate(turns):
        utters = [e for e in effects if isinstance(e, Utter)]
        # 9: at most three things in any question.
        assert all(len(u.asking) <= MAX_THINGS for u in utters), utters
        # 11: no comfort before the advice is due.
        if i < first_advice:
            assert not COMFORT & {u.text for u in utters}, utters
        # 2: an emergency sign said ends the questioning in that turn.
        said = event.segments if isinstance(event, Heard) else ()
        if any(s.slots.get(f) == "true" for s in said for f in EMERGENCY_SIGNS):
            assert i == first_advice and advised[0].disposition == "emergency"
    # 12: the reply to the advice keeps it: an emergency still says to call.
    if advised[0].disposition == "emergency" and len(turns) > first_advice + 1:
        closing = " ".join(e.text for e in turns[-1][1] if isinstance(e, Utter)).lower()
        assert "call" in closing, closing


@SETTINGS
@given(truths(), st.data())
def test_no_stretch_before_the_safety_check_whatever_the_caller_does(truth, data):
    """Invariant 3 with an awkward caller: a cramp happening now is stretched only after the
    safety check is answered, with nothing left unknown and nothing urgent known."""
    truth = {**truth, "cramp_now": True}
    state = State()
    event = Heard((Segment("ReportPain", {"cramp_now": "true", "pain_location": "calf"}),))
    for _ in range(MAX_TURNS):
        state, effects = MANAGER.step(state, event)
        if any(isinstance(e, Utter) and e.guide for e in effects):
            known = state.findings
            assert all(f in known and known[f] != UNKNOWN for f in SCREEN), known
            assert rank(reference(known)[0]) < rank("urgent"), known
        if any(isinstance(e, End) for e in effects):
            return
        asked = [e for e in effects if isinstance(e, Utter) and e.expects_reply][-1]
        if state.pending is not None and state.pending.kind == "after":
            event = Heard((Segment("Deny", {}),))
            continue
        event, _ = _move(data.draw, data.draw(st.sampled_from(MOVES), label="move"), asked.asking, truth)
    raise AssertionError("the conversation did not end")
