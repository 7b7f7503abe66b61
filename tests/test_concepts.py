"""The second reader (skill/nlu/concepts.py, intents/en/concepts.yaml), tested like code: each
rule reads its concept in words no template holds, and context (negation, hypothesis, history,
exceptions) keeps it from reading what was not said. It adds, never removes."""
from __future__ import annotations

import pytest

from skill.content import content_dir
from skill.dialog.interpret import interpret
from skill.nlu.concepts import ConceptReader
from skill.nlu.recognizer import Recognizer, grammar_graph, read_grammar_dir

LANG_DIR = content_dir("intents", "en")
READER = Recognizer.from_dir(LANG_DIR)


def findings(text: str) -> dict:
    return interpret(READER.recognize(text)).findings


READS = [
    ("breathing is hard tonight", {"breathless": True}),
    ("i do be puffing going up the stairs", {"breathless": True}),
    ("my chest is not right", {"chest_pain": True}),
    ("every time i cough a little blood coming up", {"coughing_blood": True}),
    ("i nearly passed out on the bathroom floor", {"fainting": True}),
    ("my heart's going like a drum", {"fainting": True}),
    ("my whole foot gone pale and cold like ice", {"cold_pale_leg": True}),
    ("the pain in my left calf is bad and i can't feel that foot at all",
     {"pain_side": "left", "pain_location": "calf", "numb_or_weak_leg": True}),
    ("i can't feel anything down around my bottom when i wipe",
     {"saddle_numbness_or_incontinence": True}),
    ("it's shooting from the small of my back right down the back of the leg",
     {"back_pain_radiating": True}),
    ("it comes on when i walk to the end of the lane and goes off after i sit down a few minutes",
     {"pain_walking_eased_by_rest": True}),
    ("i drove my rig fourteen hours straight from texas today", {"long_travel": True}),
    ("i got sugar and my kidneys not so good", {"chronic_condition": True}),
    ("the baby is only ten days old", {"pregnant_or_postpartum": True}),
]


@pytest.mark.parametrize("text, expected", READS)
def test_a_concept_said_in_other_words_is_read(text, expected):
    assert findings(text) == expected


NOT_READ = [
    "what if i can't get a full breath tonight",     # hypothetical
    "my breathing is fine",                          # an exception
    "i put an ice pack on my calf",                  # ice pack
    "my leg hurts and i feel cold",                  # a new subject: no cold leg
    "i had a blood test and i've been coughing",     # blood test, no blood coughed
    "i'm worried about a blood clot",
    "my feet are always cold",
    "i passed out as a teenager",                    # the distant past
    "my mum is diabetic",                            # someone else's condition
    "i was gaming for twelve hours",                 # a time about something else
]


@pytest.mark.parametrize("text", NOT_READ)
def test_context_keeps_a_concept_from_being_read(text):
    got = findings(text)
    assert not {k for k, v in got.items() if v is True or v in ("one_leg", "both_legs")} - {
        "pain_location", "pain_side"}, got
    assert "duration" not in got


def test_a_denial_between_the_words_denies_it():
    assert findings("my chest doesn't hurt").get("chest_pain") is not True


def test_it_never_removes_what_the_grammar_read():
    """A finding the grammar stated is left as it is, true or false."""
    assert findings("no chest pain and my breathing fine")["chest_pain"] is False
    assert findings("i can't breathe")["breathless"] is True


def test_words_inside_a_phrase_the_grammar_read_are_left_to_it():
    got = findings("the chest sort of feels tight and heavy with every breath")
    assert got == {"chest_pain": True}


def test_every_word_that_can_raise_a_concept_is_a_word_of_the_grammar():
    """One vocabulary, two uses: a Rhasspy speech recogniser trained on sentences.ini writes
    only its words, so a concept word missing there could never be heard over Rhasspy."""
    ini, slots = read_grammar_dir(LANG_DIR)
    vocabulary = {data["word"] for _, data in grammar_graph(ini, slots).nodes(data=True)
                  if data.get("word")}
    reader = ConceptReader.from_dir(LANG_DIR)
    used = {w for rule in reader.rules for group in rule.groups for phrase in group for w in phrase}
    assert sorted(used - vocabulary) == []


def test_the_rules_are_sound():
    reader = ConceptReader.from_dir(LANG_DIR)
    assert reader.rules and all(rule.why for rule in reader.rules)
    for rule in reader.rules:
        assert all(rule.groups) and all(all(p) for g in rule.groups for p in g)
    words = reader.words()
    assert "false" not in words and "true" not in words  # an unquoted YAML no or yes
