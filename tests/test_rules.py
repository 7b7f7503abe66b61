"""A table test for every rule of triage-rules.md: a case that it decides, and a near miss."""
import pytest

from skill.triage.engine import assess
from skill.triage.rules import RULES

# Findings of an ordinary cramp that has eased: self-care unless a row below changes it.
CRAMP = {
    "pain_location": "calf", "pain_side": "left", "duration": "minutes", "eased_by_stretching": True,
    "swelling": "none", "warmth": False, "redness": False,
}

# (rule, findings laid over CRAMP, disposition, rules that must all be among the matches)
CASES = [
    ("E1", {"breathless": True}, "emergency", ["E1"]),
    ("E1", {"chest_pain": True}, "emergency", ["E1"]),
    ("E1", {"coughing_blood": "unknown"}, "emergency", ["E1"]),
    ("E2", {"fainting": True}, "emergency", ["E2"]),
    ("E3", {"cold_pale_leg": True}, "emergency", ["E3"]),
    ("E3", {"numb_or_weak_leg": True}, "emergency", ["E3"]),
    ("E4", {"saddle_numbness_or_incontinence": True, "back_pain_radiating": True}, "emergency", ["E4"]),
    ("E5", {"fever": True, "redness": True}, "emergency", ["E5", "U2"]),
    ("E5", {"fever": True, "warmth": True}, "emergency", ["E5", "U2"]),
    ("U1", {"swelling": "one_leg"}, "urgent", ["U1"]),
    ("U1", {"swelling": "unknown", "duration": "hours"}, "urgent", ["U1"]),
    ("U2", {"warmth": True}, "urgent", ["U2"]),
    ("U2", {"redness": True}, "urgent", ["U2"]),
    ("U3", {"duration": "over_10_minutes", "eased_by_stretching": False}, "urgent", ["U3"]),
    ("U3", {"duration": "days", "eased_by_stretching": "unknown"}, "urgent", ["U3"]),
    ("U4", {"bruising": True}, "urgent", ["U4"]),
    ("U5", {"duration": "hours", "long_travel": True}, "urgent", ["U5"]),
    ("U5", {"duration": "days", "hormone_medication": True}, "urgent", ["U5"]),
    ("D1", {"pain_walking_eased_by_rest": True}, "doctor", ["D1"]),
    ("D2", {"cramps_per_week": 3}, "doctor", ["D2"]),
    ("D3", {"swelling": "both_legs"}, "doctor", ["D3"]),
    ("D4", {"back_pain_radiating": True}, "doctor", ["D4"]),
    ("D5", {"cramp_medication": True}, "doctor", ["D5"]),
    ("D6", {"chronic_condition": True}, "doctor", ["D6"]),
    ("D7", {"recent_injury": True}, "doctor", ["D7"]),
    ("D8", {"pain_location": "shin"}, "doctor", ["D8"]),
    ("D8", {"duration": "hours"}, "doctor", ["D8"]),
    ("S", {}, "self_care", ["S"]),
    ("S", {"swelling": "unknown"}, "self_care", ["S"]),  # invariant 4: an eased typical cramp
]

# Near misses: findings that look like the rule but must not trigger it.
NEAR_MISSES = [
    ("E5", {"fever": True}, "E5"),                       # fever without red or warm skin
    ("U1", {"swelling": "both_legs"}, "U1"),             # both legs: D3, not a clot sign
    ("U3", {"duration": "hours", "eased_by_stretching": True}, "U3"),
    ("U3", {"duration": "minutes", "eased_by_stretching": False}, "U3"),
    ("U5", {"duration": "minutes", "long_travel": True}, "U5"),
    ("U5", {"duration": "days", "pain_side": "both", "long_travel": True}, "U5"),
    ("D2", {"cramps_per_week": 2}, "D2"),
    ("D4", {"back_pain_radiating": True, "saddle_numbness_or_incontinence": True}, "D4"),
    ("D7", {"recent_injury": True, "swelling": "one_leg"}, "D7"),
    ("D8", {"pain_location": "foot"}, "D8"),
    ("S", {"cramp_now": True, "eased_by_stretching": "unknown"}, "S"),  # invariant 5
]


@pytest.mark.parametrize("rule,extra,disposition,rules", CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_rule_decides(rule, extra, disposition, rules):
    result = assess({**CRAMP, **extra})
    assert result.disposition.id == disposition
    assert set(rules) <= set(result.rules), result.rules


@pytest.mark.parametrize("rule,extra,absent", NEAR_MISSES,
                         ids=[f"{c[0]}-miss-{i}" for i, c in enumerate(NEAR_MISSES)])
def test_rule_does_not_fire_on_a_near_miss(rule, extra, absent):
    assert absent not in assess({**CRAMP, **extra}).rules


def test_every_rule_has_a_case_and_a_source():
    assert {r.id for r in RULES} == {c[0] for c in CASES}
    for rule in RULES:
        assert rule.source and rule.reason, rule.id


def test_the_word_cramp_alone_never_unlocks_self_care():
    # Invariant 5: a cramp happening now, with nothing else known, is not self-care yet.
    assert assess({"cramp_now": True, "pain_location": "calf"}).disposition.id != "self_care"
