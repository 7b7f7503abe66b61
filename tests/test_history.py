"""The diary in the triage: how often cramps come, from history, and what counts as a cramp.

Pure tables for skill/triage/history.py, then whole conversations through the dialog manager
with and without a history, so the difference the diary makes is shown, not assumed.
"""
from __future__ import annotations

import pytest

from skill.content import content_dir
from skill.dialog.events import Advised, ForgetDiary, Heard, Utter
from skill.dialog.manager import DialogManager
from skill.dialog.phrasebook import Phrasebook
from skill.dialog.state import Config, State
from skill.nlu.recognizer import Recognizer
from skill.triage.history import Recent, cramps_per_week, from_diary, is_cramp

R = Recent


@pytest.mark.parametrize("recent, expected, why", [
    (None, None, "no diary: ask"),
    (R(), None, "an empty, new diary: ask"),
    (R(cramps_7d=1, cramps_30d=1, days_covered=3), None, "young diary, 2 this week: ask"),
    (R(cramps_7d=2, cramps_30d=2, days_covered=3), 3, "third this week: frequent at once"),
    (R(cramps_7d=3, cramps_30d=3, days_covered=5), 4, "fourth this week"),
    (R(cramps_7d=0, cramps_30d=0, days_covered=60), 1, "long diary, quiet month: tonight only"),
    (R(cramps_7d=1, cramps_30d=8, days_covered=60), 2, "long diary: (8+1) * 7 / 30 = 2.1"),
    (R(cramps_7d=1, cramps_30d=12, days_covered=60), 3, "long diary: (12+1) * 7 / 30 = 3.03"),
    (R(cramps_7d=1, cramps_30d=4, days_covered=14), 2, "two weeks: (4+1) * 7 / 14 = 2.5"),
    (R(cramps_7d=1, cramps_30d=4, days_covered=13.9), None, "just under two weeks: ask"),
])
def test_cramps_per_week_from_the_diary(recent, expected, why):
    assert cramps_per_week(recent) == expected, why


def test_only_a_count_this_week_is_spoken_as_the_diary_s_reason():
    assert from_diary(R(cramps_7d=2)) and not from_diary(R(cramps_7d=1, cramps_30d=12, days_covered=60))


@pytest.mark.parametrize("findings, disposition, expected", [
    ({"cramp_now": True}, "self_care", True),
    ({"muscle_knot": True}, "doctor", True),
    ({"eased_by_stretching": True}, "self_care", True),
    ({"cramp_now": True, "swelling": "one_leg"}, "urgent", False),
    ({"cramp_now": True, "breathless": True}, "emergency", False),
    ({"pain_walking_eased_by_rest": True}, "doctor", False),
    ({"cramp_now": False, "eased_by_stretching": "unknown"}, "self_care", False),
    ({"cramp_now": False, "duration": "seconds"}, "doctor", True),
    ({"duration": "hours"}, "doctor", False),
    ({"duration": "minutes", "back_pain_radiating": True}, "doctor", False),
    ({"muscle_knot": True, "recent_injury": True}, "self_care", False),
])
def test_what_counts_as_a_cramp_in_the_diary(findings, disposition, expected):
    assert is_cramp(findings, disposition) is expected


# --- whole conversations ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def talk():
    recogniser = Recognizer.from_dir(content_dir("intents", "en"))
    manager = DialogManager(Phrasebook.load(content_dir("dialogs", "en")), Config())

    def run(lines: list[str], recent: Recent | None) -> tuple[list, State]:
        state, effects = State(recent=recent), []
        for line in lines:
            state, out = manager.step(state, Heard(tuple(recogniser.recognize(line)), line))
            effects += out
        return effects, state

    def step(state: State, line: str) -> tuple[list, State]:
        state, out = manager.step(state, Heard(tuple(recogniser.recognize(line)), line))
        return out, state
    run.step = step  # type: ignore[attr-defined]
    return run


OPENING = "my left calf cramped and woke me up but it's gone now"
ANSWERS = {"duration": "just a few seconds", "eased_by_stretching": "yes stretching helped",
           "cramps_per_week": "hardly ever"}  # every other question: "no"


@pytest.fixture(scope="module")
def night(talk):
    """An ordinary night cramp, answered question by question (whatever the order)."""
    def run(recent: Recent | None, opening: str = OPENING) -> list:
        effects, state = talk([opening], recent)
        every = list(effects)
        while not state.ended:
            question = [e for e in effects if isinstance(e, Utter) and e.expects_reply][-1]
            answer = next((ANSWERS[f] for f in question.asking if f in ANSWERS), "no")
            effects, state = talk.step(state, answer)
            every += effects
        return every
    return run


def asked(effects) -> list[tuple[str, ...]]:
    return [e.asking for e in effects if isinstance(e, Utter) and e.expects_reply]


def advised(effects) -> Advised:
    found = [e for e in effects if isinstance(e, Advised)]
    assert len(found) == 1, effects
    return found[0]


def spoken(effects) -> str:
    return " ".join(e.text for e in effects if isinstance(e, Utter))


def test_the_history_changes_the_advice_and_saves_a_question(night):
    without = night(None)
    assert ("cramps_per_week",) in asked(without)
    assert advised(without).disposition == "self_care"

    with_history = night(R(cramps_7d=3, cramps_30d=5, cramps_total=9, days_covered=20))
    assert ("cramps_per_week",) not in asked(with_history)
    advice = advised(with_history)
    assert advice.disposition == "doctor" and "D2" in advice.rules
    assert advice.findings["cramps_per_week"] == 4
    assert "fourth cramp this week" in spoken(with_history)


def test_what_the_person_says_wins_over_the_diary(night):
    effects = night(R(cramps_7d=3, cramps_30d=5, cramps_total=9, days_covered=20),
                    OPENING + " and i get them about once a week")
    assert advised(effects).findings["cramps_per_week"] == 1
    assert "cramp this week" not in spoken(effects)


def test_an_emergency_is_an_emergency_whatever_the_diary_says(talk):
    effects, _ = talk(["my calf hurts and i can't catch my breath"], R(cramps_7d=5, days_covered=30))
    assert advised(effects).disposition == "emergency"


@pytest.mark.parametrize("question, recent, expected", [
    ("how many cramps have i had this week", R(cramps_7d=3, cramps_30d=5, cramps_total=9), "seven days, I have three cramps"),
    ("how many cramps did i have this month", R(cramps_7d=3, cramps_30d=5, cramps_total=9), "thirty days, I have five cramps"),
    ("how many cramps have i had this week", R(cramps_7d=1, cramps_total=1), "one cramp written down"),
    ("how many cramps have i had this week", R(), "no cramps written down"),
    ("when was my last cramp", R(cramps_total=4, last_days_ago=3, last_weekday=3, last_side="left"),
     "three days ago, on Thursday, in your left leg"),
    ("when was my last cramp", R(cramps_total=4, last_days_ago=1, last_side="both"), "yesterday, in both legs"),
    ("when was my last cramp", R(), "don't have any cramps written down"),
    ("which leg gets cramps most often", R(cramps_total=9, most_side="left", most_side_count=7),
     "your left leg: seven times out of nine"),
    ("which leg gets cramps most often", R(cramps_total=4), "about evenly"),
    ("when was my last cramp", None, "not keeping a cramp diary"),
])
def test_questions_about_the_diary_are_answered_from_it(talk, question, recent, expected):
    effects, state = talk([question], recent)
    assert expected in spoken(effects)
    assert state.ended and not any(isinstance(e, Advised) for e in effects)


def test_forget_asks_first_and_deletes_only_on_a_yes(talk):
    recent = R(cramps_7d=2, cramps_total=5)
    effects, state = talk(["forget my history"], recent)
    assert "delete your whole cramp diary" in spoken(effects) and not state.ended
    assert not any(isinstance(e, ForgetDiary) for e in effects)

    effects, state = talk(["forget my history", "yes"], recent)
    assert any(isinstance(e, ForgetDiary) for e in effects) and state.ended
    assert state.recent == R()

    for answer in ("no", "banana", "i'm not sure"):
        effects, state = talk(["forget my history", answer], recent)
        assert not any(isinstance(e, ForgetDiary) for e in effects), answer
        assert state.recent == recent


def test_a_new_complaint_instead_of_yes_is_heard_and_deletes_nothing(talk):
    effects, state = talk(["forget my history", "actually my calf is all swollen and hot"], R(cramps_total=2))
    assert not any(isinstance(e, ForgetDiary) for e in effects)
    assert state.findings.get("swelling") == "one_leg"
