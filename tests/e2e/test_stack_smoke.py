"""The e2e infrastructure itself, with no skill of ours: broker + real Rhasspy NLU + real dialogue
manager + a simulated user; the skill's part is played here by a tiny MQTT client.

They also pin down how the real Rhasspy 2.5 dialogue manager behaves (custom data, intent filter,
sendIntentNotRecognized, timeouts, sites, sounds), which the skill's own e2e tests rely on.
"""
from __future__ import annotations

import time
import typing
from pathlib import Path

import pytest

from tests.e2e.stack import (
    INTENTS_DIR,
    MqttClient,
    Record,
    RhasspyStack,
    continue_session,
    end_session,
)

pytestmark = pytest.mark.e2e

# A tiny grammar in Rhasspy 2.5 template syntax: optional words, alternatives, substitutions,
# tags, a rule, a slot list, a number range and a digit. (A sentence may not start with "[":
# configparser would read it as a section header, hence "\[about]".)
PLACEHOLDER_INI = r"""
[ReportLegSigns]
my (calf | leg){pain_location} is [all] (puffy:yes){swelling} and (hot:yes | warm:yes){warmth}
my <limb> is swollen
limb = ($body_part){pain_location}

[AnswerNumber]
\[about] (1..10){number}

[ReportBackground]
i get cramps 3 times a week
"""
PLACEHOLDER_SLOTS = {"body_part": "calf\nthigh\nankle:foot\n"}

SENTENCE = "my calf is all puffy and hot"


@pytest.fixture(scope="module")
def placeholder_intents(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("placeholder_intents")
    (root / "sentences.ini").write_text(PLACEHOLDER_INI.lstrip(), encoding="utf-8")
    (root / "slots").mkdir()
    for name, text in PLACEHOLDER_SLOTS.items():
        (root / "slots" / name).write_text(text, encoding="utf-8")
    return root


def slots_of(record: Record) -> dict[str, typing.Any]:
    return {slot["slotName"]: slot["value"]["value"] for slot in record.get("slots", [])}


def skill_stand_in(stack: RhasspyStack, answer: typing.Callable[[MqttClient, Record], None]) -> MqttClient:
    """A client on hermes/intent/# and hermes/dialogueManager/intentNotRecognized that calls
    answer(client, record) for each (in paho's thread), like a skill would."""
    skill = stack.client(topics=("hermes/intent/#", "hermes/dialogueManager/intentNotRecognized"),
                         name="skill")
    skill.on("hermes/intent/#", lambda r: answer(skill, r))
    skill.on("hermes/dialogueManager/intentNotRecognized", lambda r: answer(skill, r))
    return skill


def test_wake_listen_recognise_end_with_text(rhasspy_stack, placeholder_intents):
    """wake -> startListening -> textCaptured -> nlu query -> hermes/intent/<Name> with slots ->
    endSession with text -> tts/say -> sayFinished -> sessionEnded (nominal)."""
    stack = rhasspy_stack(intents_dir=placeholder_intents)
    skill = skill_stand_in(stack, lambda c, r: end_session(c, r.session_id, "Rest your leg and call your doctor."))
    user = stack.user()

    started = time.monotonic()
    session_id = user.wake()
    listening = user.wait_topic("hermes/asr/startListening", site_id="default", session_id=session_id)
    assert listening.get("wakewordId") == "default"

    user.say(SENTENCE)
    intent = skill.wait_topic("hermes/intent/ReportLegSigns")
    assert intent.session_id == session_id and intent.site_id == "default"
    # `input` is the text after substitutions, `rawInput` what was said.
    assert intent.get("rawInput") == SENTENCE
    assert intent.get("input") == "my calf is all yes and yes"
    assert slots_of(intent) == {"pain_location": "calf", "swelling": "yes", "warmth": "yes"}
    assert intent.get("customData") == "default"  # a wake session's customData is the wakeword id

    ended = user.session_ended(session_id=session_id)
    elapsed = time.monotonic() - started
    assert ended.termination.reason.value == "nominal"
    assert user.spoken(session_id) == ["Rest your leg and call your doctor."]

    # The real order on the bus: the text is said (and finished) before the session ends.
    topics = [r.topic for r in user.messages(after=listening.index)
              if r.site_id == "default" and r.topic.startswith(("hermes/tts/", "hermes/dialogueManager/"))]
    assert topics == ["hermes/tts/say", "hermes/tts/sayFinished", "hermes/dialogueManager/sessionEnded"]
    assert user.messages("hermes/nlu/query", session_id=session_id)[0].get("customData") == "default"
    assert elapsed < 5, f"one round trip took {elapsed:.2f} s"


def test_not_recognised_is_sent_only_when_asked(rhasspy_stack, placeholder_intents):
    """continueSession(sendIntentNotRecognized=True): an unknown sentence comes back as
    hermes/dialogueManager/intentNotRecognized and the session lives on; without the flag the
    dialogue manager ends the session itself (reason intentNotRecognized)."""
    stack = rhasspy_stack(intents_dir=placeholder_intents)
    answers = iter([
        lambda c, r: continue_session(c, r.session_id, "Anything else?", send_intent_not_recognized=True),
        lambda c, r: continue_session(c, r.session_id, "Sorry, say it again?"),  # flag off again
    ])
    skill = skill_stand_in(stack, lambda c, r: next(answers)(c, r))
    user = stack.user()

    session_id = user.wake()
    user.say(SENTENCE)
    user.wait_said("Anything else?")
    user.say("the moon is made of green cheese")
    not_recognised = skill.wait_topic("hermes/dialogueManager/intentNotRecognized", session_id=session_id)
    assert not_recognised.get("input") == "the moon is made of green cheese"
    assert not_recognised.site_id == "default"

    user.wait_said("Sorry, say it again?")
    user.say("purple elephants dancing")
    ended = user.session_ended(session_id=session_id)
    assert ended.termination.reason.value == "intentNotRecognized"
    assert not skill.messages("hermes/dialogueManager/intentNotRecognized", after=not_recognised.index + 1)


def test_custom_data_and_intent_filter(rhasspy_stack, placeholder_intents):
    """startSession's customData and intentFilter reach the NLU; continueSession replaces them
    (customData only when given; intentFilter always, None = all intents); endSession's customData
    is in sessionEnded. Number ranges come back as numbers."""
    stack = rhasspy_stack(intents_dir=placeholder_intents)
    seen: list[Record] = []

    def answer(client: MqttClient, record: Record) -> None:
        seen.append(record)
        if len(seen) == 1:
            continue_session(client, record.session_id, "How many?", custom_data="cd-2")
        else:
            end_session(client, record.session_id, custom_data="cd-3")

    skill = skill_stand_in(stack, answer)
    user = stack.user()

    session_id = user.start_session("Where does it hurt?", custom_data="cd-1",
                                    intent_filter=["AnswerNumber"], send_intent_not_recognized=True)
    assert user.wait_said().text == "Where does it hurt?"
    user.say(SENTENCE)  # a ReportLegSigns sentence, filtered out
    first = skill.wait_topic("hermes/dialogueManager/intentNotRecognized", session_id=session_id)
    assert first.get("customData") == "cd-1"

    user.wait_said("How many?")
    user.say("i get cramps 3 times a week")  # intentFilter is None now: every intent
    second = skill.wait_topic("hermes/intent/ReportBackground", session_id=session_id)
    assert second.get("customData") == "cd-2"
    # `3` in the grammar is compiled to "three" (Rhasspy's number replacement); the NLU also
    # turns digits in the input into words (--replace-numbers), so both spellings match.
    ended = user.session_ended(session_id=session_id)
    assert ended.custom_data == "cd-3" and ended.termination.reason.value == "nominal"


def test_numbers_slot_lists_and_rules(rhasspy_stack, placeholder_intents):
    stack = rhasspy_stack(intents_dir=placeholder_intents)
    skill = skill_stand_in(stack, lambda c, r: end_session(c, r.session_id))
    user = stack.user()
    for text, intent, slots in [
        ("about 7", "AnswerNumber", {"number": 7}),
        ("ten", "AnswerNumber", {"number": 10}),
        ("my ankle is swollen", "ReportLegSigns", {"pain_location": "foot"}),
        ("My Thigh is swollen", "ReportLegSigns", {"pain_location": "thigh"}),
    ]:
        mark = skill.mark()
        session_id = user.wake()
        user.say(text)
        record = skill.wait_topic(f"hermes/intent/{intent}", session_id=session_id, after=mark)
        assert slots_of(record) == slots, text
        user.session_ended(session_id=session_id)


def test_session_times_out_when_the_skill_never_answers(rhasspy_stack, placeholder_intents):
    """Nobody answers the intent: the dialogue manager ends the session with reason timeout,
    session_timeout seconds after it started listening (the recognised intent does not stop it)."""
    stack = rhasspy_stack(intents_dir=placeholder_intents, session_timeout=1.0)
    user = stack.user()
    session_id = user.wake()
    listening = user.wait_topic("hermes/asr/startListening", session_id=session_id)
    user.say(SENTENCE)
    user.wait_topic("hermes/intent/ReportLegSigns", session_id=session_id)
    ended = user.session_ended(timeout=5, session_id=session_id)
    waited = user.messages("hermes/dialogueManager/sessionEnded", session_id=session_id)[0].time - listening.time
    assert ended.termination.reason.value == "timeout"
    assert 0.9 <= waited < 3.0, waited


def test_two_sites_with_feedback_sounds(rhasspy_stack, placeholder_intents):
    """Each --site-id gets its own session; a site not served is ignored; with sounds the
    dialogue manager plays wake/recorded sounds (hermes/audioServer/<site>/playBytes) and the
    User answers playFinished."""
    stack = rhasspy_stack(("kitchen", "bedroom"), intents_dir=placeholder_intents, sounds=True)
    skill = skill_stand_in(stack, lambda c, r: end_session(c, r.session_id, f"Bye {r.site_id}."))
    kitchen, bedroom = stack.user("kitchen"), stack.user("bedroom")
    garage = stack.user("garage")

    garage.wake(wait=False)
    k_session, b_session = kitchen.wake(), bedroom.wake()
    assert k_session != b_session
    kitchen.say(SENTENCE)
    bedroom.say("my leg is puffy and warm")
    assert kitchen.session_ended(session_id=k_session).termination.reason.value == "nominal"
    assert bedroom.session_ended(session_id=b_session).termination.reason.value == "nominal"
    assert kitchen.spoken() == ["Bye kitchen."] and bedroom.spoken() == ["Bye bedroom."]
    assert len(kitchen.played) >= 2 and len(bedroom.played) >= 2  # wake + recorded
    assert kitchen.messages("hermes/audioServer/kitchen/playFinished")
    assert not garage.messages("hermes/dialogueManager/sessionStarted", site_id="garage")
    assert not skill.messages("hermes/intent/#", site_id="garage")


@pytest.mark.skipif(not (INTENTS_DIR / "sentences.ini").is_file(),
                    reason="intents/en/sentences.ini not written yet")
def test_our_grammar_in_the_real_nlu(rhasspy_stack):
    """Our grammar, compiled for and loaded by the real rhasspy-nlu-hermes, recognises a whole
    sentence exactly as our own recogniser does."""
    from skill.nlu.recognizer import Recognizer

    expected = Recognizer.from_dir(INTENTS_DIR).recognize(SENTENCE)
    assert len(expected) == 1, f"our recogniser splits {SENTENCE!r} into {expected}"
    stack = rhasspy_stack()
    skill = skill_stand_in(stack, lambda c, r: end_session(c, r.session_id))
    user = stack.user()
    session_id = user.wake()
    user.say(SENTENCE)
    record = skill.wait_topic(f"hermes/intent/Legcramp{expected[0].intent}", session_id=session_id)
    assert {k: str(v) for k, v in slots_of(record).items()} == dict(expected[0].slots)
    user.session_ended(session_id=session_id)
