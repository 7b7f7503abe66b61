"""Hypothesis strategies for findings: partial findings, and a person's complete truth."""
from hypothesis import strategies as st

from skill.triage.findings import SCHEMA, UNKNOWN

LEVELS = ["self_care", "doctor", "urgent", "emergency"]


def values(finding: str, with_unknown: bool = True):
    spec = SCHEMA[finding]
    if spec.type == "bool":
        base = st.sampled_from([False, False, False, True])
    elif spec.type == "int":
        base = st.integers(min_value=0, max_value=7)
    else:
        base = st.sampled_from([v for v in spec.values if v != UNKNOWN])
    return st.one_of(base, st.just(UNKNOWN)) if with_unknown else base


@st.composite
def partial_findings(draw):
    """Some findings known, some unknown, some absent."""
    chosen = draw(st.sets(st.sampled_from(sorted(SCHEMA))))
    return {f: draw(values(f)) for f in sorted(chosen)}


@st.composite
def truths(draw):
    """A complete, definite episode. Saddle numbness comes with back pain: cauda equina
    presents with sciatic or back pain, and the skill asks about it there (questions.py)."""
    truth = {f: draw(values(f, with_unknown=False)) for f in SCHEMA}
    if truth["saddle_numbness_or_incontinence"] and not truth["back_pain_radiating"]:
        truth["saddle_numbness_or_incontinence"] = False
    return truth


def rank(disposition: str) -> int:
    return LEVELS.index(disposition)
