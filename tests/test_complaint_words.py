"""An opening the grammar cannot read is still a leg complaint when it names a leg, a cramp or
pain (skill/nlu/complaint.py): the questions begin instead of "tell me again"."""
import pytest

from skill.nlu.complaint import mentions_leg


@pytest.mark.parametrize("text", [
    "my left calf's been acting up", "i've got a bad leg tonight", "my cavs been botherin me",
    "it hurts so much", "there's this ache", "charley horse",
    "yeah my lef caff's all balled up man it won't quit",
])
def test_a_leg_or_pain_is_a_complaint(text):
    assert mentions_leg(text)


@pytest.mark.parametrize("text", ["hello", "what time is it", "is this the right number", "",
                                  "it goes on for half an hour", "i feel fine", "i knew it",
                                  "what does that mean"])
def test_other_words_are_not(text):
    assert not mentions_leg(text)
