"""Other-person context (skill/nlu/others.py): someone else's history is no finding; a carer's
report on the patient, and the caller's own words after naming someone, are kept."""
import pytest

from skill.nlu.others import about_someone_else


@pytest.mark.parametrize("before, own", [
    (["my", "wife", "is"], ["on", "statins"]),
    (["my", "husband's", "the", "one"], ["on", "statins"]),
    ([], ["my", "mum", "had", "a", "clot"]),
    (["and", "she"], ["takes", "the", "pill"]),
])
def test_a_relative_as_subject_is_someone_else(before, own):
    assert about_someone_else(before, own)


@pytest.mark.parametrize("before, own", [
    (["my", "wife", "says"], ["i'm", "on", "too", "many", "tablets"]),
    (["my", "wife's", "asleep", "and"], ["i", "take", "statins"]),
    ([], ["i", "take", "a", "statin"]),
    (["my", "doctor", "put", "me"], ["on", "statins"]),
])
def test_the_caller_stays_the_caller(before, own):
    assert not about_someone_else(before, own)
