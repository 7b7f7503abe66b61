"""Invariant 3 at the triage core: a stretch is guided only when nothing urgent is known. A
redness the person could not see counts as present while the cramp has not eased (invariant 4),
so the assessment is urgent and no stretch may be guided, though the screen itself (breathing,
chest, swelling) is all clear. Found by test_triage_robustness's property test."""
from __future__ import annotations

from skill.triage.engine import assess, guide_allowed
from skill.triage.findings import UNKNOWN

SCREENED = {"breathless": False, "chest_pain": False, "swelling": "none", "cramp_now": True,
            "duration": "seconds", "cold_pale_leg": False, "numb_or_weak_leg": False}


def test_an_unseen_redness_during_a_cramp_blocks_the_stretch():
    findings = {**SCREENED, "redness": UNKNOWN}
    assert assess(findings).disposition.name == "URGENT"
    assert not guide_allowed(findings)


def test_the_same_cramp_with_no_redness_may_be_stretched():
    assert guide_allowed({**SCREENED, "redness": False})
