"""History context, one marker at a time (skill/nlu/history.py): a sign of the distant past is
not a sign now; a recent one always is; history-by-nature findings keep their value."""
import pytest

from skill.nlu.history import HISTORY_MARKERS, in_the_past, without_the_past


@pytest.mark.parametrize("marker", HISTORY_MARKERS, ids=[" ".join(m) for m in HISTORY_MARKERS])
def test_each_marker_places_a_statement_in_the_past(marker):
    assert in_the_past(["once", *marker])


@pytest.mark.parametrize("after", [["an", "hour", "ago"], ["earlier"], ["this", "evening"],
                                   ["last", "night"], ["but", "years", "ago", "too"], []])
def test_recent_times_and_terminated_scopes_are_not_the_past(after):
    assert not in_the_past(after)


def test_the_past_drops_current_signs_and_keeps_history():
    slots = {"fainting": "true", "previous_clot": "true", "pain_location": "calf"}
    assert without_the_past(slots) == {"previous_clot": "true"}
