"""How the Hermes shell reads a Rhasspy intent: our recogniser first, fuzzy matches with care."""
from rhasspyhermes.intent import Intent, Slot
from rhasspyhermes.nlu import NluIntent

from skill.dialog.events import Segment
from skill.shells.hermes import segment_of, understand
from skill.shells.rhasspy_names import rhasspy_name


def intent(name, slots=None, text="", confidence=1.0, raw=None):
    return NluIntent(input=text, raw_input=raw, intent=Intent(intent_name=rhasspy_name(name), confidence_score=confidence),
                     slots=[Slot(entity=k, slot_name=k, value={"kind": "Unknown", "value": v}, raw_value=v)
                            for k, v in (slots or {}).items()], site_id="default", session_id="s")


def test_slots_become_one_segment_with_string_values():
    seg = segment_of(intent("ReportBackground", {"cramps_per_week": 3, "cramp_medication": True}))
    assert seg == Segment("ReportBackground", {"cramps_per_week": "3", "cramp_medication": "true"}, "")


def test_our_recogniser_reads_every_fact_in_the_raw_words():
    ours = (Segment("ReportPain", {"pain_location": "calf"}), Segment("ReportEmergency", {"breathless": "true"}))
    heard = understand(intent("ReportPain", {"pain_location": "calf"}, confidence=-1.6,
                              raw="my calf hurts and i'm a bit out of breath but whatever"),
                       lambda text: ours if "breath" in text else ())
    assert heard == ours


def test_a_poor_fuzzy_match_is_not_trusted_without_our_recogniser():
    poor = intent("ReportLegSigns", {"redness": "true"}, text="purple monkey dishwasher", confidence=-1.0)
    assert understand(poor, None) == ()
    assert understand(poor, lambda text: ()) == ()


def test_a_poor_match_that_reports_an_emergency_sign_is_kept():
    poor = intent("ReportEmergency", {"breathless": "true"}, confidence=-2.0)
    assert understand(poor, None)[0].slots == {"breathless": "true"}


def test_a_fuzzy_match_of_a_long_sentence_is_trusted_when_a_third_of_it_matched():
    long = intent("ReportPain", {"pain_location": "foot"}, confidence=-0.5,
                  text="the arch of my foot just cramped up and my toes went all curled")
    assert understand(long, None)[0].slots == {"pain_location": "foot"}


def test_a_good_match_is_used_when_our_recogniser_finds_nothing():
    good = intent("Deny", confidence=1.0, text="nah")
    assert understand(good, lambda text: ()) == (Segment("Deny", {}, "nah"),)
