"""The awkward conversations (tests/data/awkward/*.yaml, or $LEGCRAMP_AWKWARD_DIR/*.yaml; the
writers' format of tests/awkward.py) played against `chat --jsonl`, one process for all of them.

Over every conversation: no serious under-triage, none ended without advice, no stretch guided
before breathlessness and chest pain are screened, no question about more than three findings.
The `AWKWARD:` line (shown with -rA, and in every failure message) sums the run up.
"""
import os
from pathlib import Path

import pytest

from tests import awkward

# LEGCRAMP_AWKWARD_DIR plays another folder of writer files instead (a blind set kept elsewhere).
DIR = Path(os.environ.get("LEGCRAMP_AWKWARD_DIR") or Path(__file__).parent / "data" / "awkward")
FILES = sorted(DIR.glob("*.yaml"))


@pytest.fixture(scope="module")
def played():
    if not FILES:
        pytest.skip(f"no awkward conversations in {DIR}/*.yaml yet")
    convos = [c for f in FILES for c in awkward.load(f)]
    results = awkward.play_all(convos)
    overall = awkward.summary(results)["overall"]
    return overall, results


# Serious under-triage that is the reader's, not the dialog's (issue 13), pinned so that a fix
# shows: the test fails when one of these starts passing, and the entry is then removed.
KNOWN_READER_MISSES = {
    "doc_ravi-07": "a correction inside one sentence ('it's easing off now no wait actually "
                   "it's not') is read as eased, and a twelve hour shift as the pain's hours",
    "medic_aroha-04": "the caller answers the breathing question 'no chest pain' and her "
                      "correction was scripted for a second ask of chest pain, which never comes",
}


def test_known_reader_misses_still_miss(played):
    _, results = played
    by_id = {r["id"]: r for r in results}
    fixed = [i for i in KNOWN_READER_MISSES if i in by_id and not by_id[i]["serious_under_triage"]]
    assert not fixed, f"now passing, remove from KNOWN_READER_MISSES: {fixed}"


def test_awkward_conversations(played):
    overall, results = played
    results = [r for r in results if r["id"] not in KNOWN_READER_MISSES]
    overall = awkward.summary(results)["overall"]
    line = awkward.one_line(overall)
    print(line)
    flagged = {k: [r["id"] for r in results if r[k]]
               for k in ("serious_under_triage", "ended_without_advice", "stretch_before_screen",
                         "questions_over_three")}
    errors = [f"{r['id']}: {r['error']}" for r in results if r["got"] == "error"]
    message = f"{line}\n{ {k: v for k, v in flagged.items() if v} }\nerrors: {errors}\nmisses: {overall['misses']}"
    assert overall["serious_under_triage"] == 0, message
    assert overall["ended_without_advice"] == 0, message
    assert overall["stretch_before_screen"] == 0, message
    assert overall["questions_over_three"] == 0, message
