"""legcramp hermes against the real Rhasspy 2.5 dialogue manager and NLU (issue 3).

A person at a site wakes the assistant, speaks (hermes/asr/textCaptured), and hears what the
skill says through the dialogue manager's TTS requests. Nothing of Rhasspy is mocked.
"""
from __future__ import annotations

import json
import shlex
import sys
import threading
from pathlib import Path

import pytest
import yaml
from rhasspyhermes.dialogue import DialogueContinueSession, DialogueEndSession, DialogueStartSession

from tests.e2e.skill import SkillProcess, next_turn

DATA = Path(__file__).resolve().parents[1] / "data"
sys.path.insert(0, str(DATA))
import patient  # noqa: E402

HOLD = "0.2"
PUBLISHED = {"hermes/dialogueManager/continueSession": DialogueContinueSession,
             "hermes/dialogueManager/endSession": DialogueEndSession,
             "hermes/dialogueManager/startSession": DialogueStartSession}


@pytest.fixture
def talk(rhasspy_stack, tmp_path):
    """Start the stack for some sites and the skill beside it; returns (stack, skill, outcomes)."""
    started = []

    def start(site_ids=("default",), session_timeout=30.0, *args):
        stack = rhasspy_stack(site_ids, session_timeout=session_timeout)
        skill = SkillProcess(stack.broker.host, stack.broker.port, "--test-hold-seconds", HOLD,
                             *args, log_dir=tmp_path).start()
        started.append(skill)
        watcher = stack.client(topics=("legcramp/outcome",), name="outcomes")
        outcomes: list = []
        watcher.on("legcramp/outcome", lambda r: outcomes.append(r.json))
        return stack, skill, outcomes

    yield start
    for skill in started:
        skill.stop()


def converse(user, first: str, answer, outcomes, max_turns: int = 25):
    """Wake, say `first`, then answer each question with answer(text, asking); the transcript."""
    return carry_on(user, user.wake(), first, answer, outcomes, max_turns)


def carry_on(user, session: str, first: str, answer, outcomes, max_turns: int = 25):
    """In `session`, say `first`, then answer each question with answer(text, asking) until the
    skill ends the conversation: (transcript, the outcomes of its last session)."""
    transcript = []
    text = first
    for _ in range(max_turns):
        mark = user.mark()
        user.say(text)
        transcript.append(("user", text))
        turn = next_turn(user, session, mark, outcomes)
        transcript.append(("skill", turn.text))
        if turn.final:  # a person lets the speaker finish before waking it again
            user.session_ended(30, session_id=session, after=mark)
            return transcript, [o for o in outcomes if o["sessionId"] == session]
        session = turn.record.session_id or session
        text = answer(turn.text, turn.asking)
    raise AssertionError(f"no end after {max_turns} turns: {transcript}")


@pytest.fixture(scope="module")
def chat_results():
    args = type("A", (), {"file": str(DATA / "vignettes_public.yaml"), "verbose": False,
                          "cmd": f"{shlex.quote(sys.executable)} -m skill.cli chat --jsonl",
                          "phrasings": str(DATA / "phrasings.yaml")})
    _, results = patient.run_vignettes(args, patient.load_yaml(DATA / "findings.yaml"))
    return {r["id"]: r for r in results}


def test_every_public_vignette_reaches_the_same_disposition_as_chat(talk, chat_results):
    stack, skill, outcomes = talk()
    user = stack.user("default")
    data = yaml.safe_load((DATA / "vignettes_public.yaml").read_text())
    oracle = patient.Oracle(patient.load_yaml(DATA / "phrasings.yaml"),
                            patient.load_yaml(DATA / "findings.yaml"))
    differ, report = [], {}
    for case in data["vignettes"]:
        facts = {**data["defaults"], **case["facts"]}
        transcript, outcome = converse(
            user, case["opening"], lambda say, asking: oracle.answer(case["id"], facts, asking, say),
            outcomes)
        got = outcome[-1]["disposition"] if outcome else None
        report[case["id"]] = (got, sum(1 for who, _ in transcript if who == "user") - 1)
        if got != chat_results[case["id"]]["got"]:
            differ.append((case["id"], got, chat_results[case["id"]]["got"], transcript))
    (Path(skill.log_path).parent / "hermes-vignettes.json").write_text(json.dumps(report))
    assert not differ, differ


def test_an_emergency_said_as_an_aside_mid_dialog_ends_it(talk):
    stack, _, outcomes = talk()
    user = stack.user("default")
    answers = iter(["i can't catch my breath", "yes i will"])  # then "will you call now?"
    transcript, outcome = converse(user, "my calf has been aching since this morning",
                                   lambda say, asking: next(answers), outcomes)
    assert outcome and outcome[-1]["disposition"] == "emergency", transcript
    assert "nine one one" in transcript[-1][1]


def test_not_recognised_gets_a_reprompt_not_the_end(talk):
    stack, _, outcomes = talk()
    user = stack.user("default")
    session = user.wake()
    user.say("my calf has been aching since this morning")
    question = next_turn(user, session, 0, outcomes)
    mark = user.mark()
    user.say("zebra xylophone quantum")
    user.wait_topic("hermes/dialogueManager/intentNotRecognized", 10, after=mark)
    reprompt = next_turn(user, session, mark, outcomes)
    assert not reprompt.final and reprompt.asking == question.asking
    assert reprompt.text != question.text and "sorry" in reprompt.text.lower()


def test_two_sites_talking_at_once_stay_independent(talk):
    stack, _, outcomes = talk(("kitchen", "bedroom"))
    kitchen, bedroom = stack.user("kitchen"), stack.user("bedroom")
    results = {}

    def person(user, first, reply):
        results[user.site_id] = converse(user, first, lambda say, asking: reply, outcomes)

    threads = [threading.Thread(target=person, args=(kitchen, "i'm short of breath and my leg hurts", "no")),
               threading.Thread(target=person, args=(bedroom, "my left calf is swollen and hot", "no"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert results["kitchen"][1][-1]["disposition"] == "emergency"
    assert results["bedroom"][1][-1]["disposition"] == "urgent"
    assert results["bedroom"][1][-1]["siteId"] == "bedroom"
    assert results["bedroom"][1][-1]["findings"].get("breathless") is not True


def test_a_guided_routine_is_spoken_step_by_step_then_asks_if_it_eased(talk):
    stack, _, outcomes = talk()
    user = stack.user("default")
    session = user.wake()
    user.say("my calf is cramping right now")
    next_turn(user, session, 0, outcomes)
    mark = user.mark()
    user.say("no")
    turn = next_turn(user, session, mark, outcomes)
    assert turn.asking == ["eased_by_stretching"] and "eased" in turn.text.lower()
    steps = [r for r in user.messages("hermes/dialogueManager/startSession", after=mark)
             if "legcramp_step" in (r.get("customData") or "")]
    spoken = user.spoken()
    assert len(steps) >= 5
    for step in steps:  # each step was really spoken, in order, and its session ended
        assert step.json["init"]["text"] in spoken
    assert not user.listening or user.listening == turn.record.session_id
    mark = user.mark()
    user.say("yes")
    after = next_turn(user, turn.record.session_id, mark, outcomes)
    assert not after.final and after.asking  # the triage carries on after the stretch


def test_silence_is_asked_again_then_advised_never_left_in_silence(talk):
    """Invariant 8 through the real dialogue manager: a session that times out is asked once
    more in a new session; a second silence gets the advice, with what went unanswered counted
    as possible, in a notification; then a new conversation starts fresh."""
    stack, skill, outcomes = talk(session_timeout=2.0)
    user = stack.user("default")
    session = user.wake()
    user.say("my calf has been aching since this morning")
    next_turn(user, session, 0, outcomes)
    ended = user.session_ended(15, session_id=session)
    assert ended.termination.reason.value == "timeout"
    again = user.wait_said("still there", 15)
    advice = user.wait_said("nine one one now", 30, after=again.index)
    assert "trouble breathing or chest pain" in advice.text, advice.text
    assert any(o["disposition"] == "emergency" for o in outcomes)
    # "Will you call now?" goes unanswered too: the skill closes with the call to make.
    closing = user.wait_said(lambda s: s.text == "Please call nine one one now.", 30,
                             after=advice.index)
    user.session_ended(30, session_id=closing.session_id, after=closing.index)
    assert skill.proc.poll() is None and "Traceback" not in skill.log()
    # A new conversation starts fresh.
    transcript, outcome = converse(user, "i'm short of breath", lambda s, a: "yes", outcomes)
    assert outcome[-1]["findings"] == {"breathless": True}


def test_every_message_the_skill_publishes_parses_with_rhasspyhermes(talk):
    stack, _, outcomes = talk()
    spy = stack.client(topics=tuple(PUBLISHED), name="spy")
    user = stack.user("default")
    converse(user, "my calf is cramping right now", lambda say, asking: "no", outcomes)
    records = spy.messages()
    assert records
    for record in records:
        PUBLISHED[record.topic].from_dict(record.json)


def _started_by_us(user, after: int):
    """The action session the skill asked for after `after`, once the dialogue manager started it."""
    action = user.wait_for(lambda r: r.topic == "hermes/dialogueManager/startSession"
                           and (r.json or {}).get("init", {}).get("type") == "action", 15,
                           after=after, what="the skill's own session")
    return user.wait_for(lambda r: r.topic == "hermes/dialogueManager/sessionStarted"
                         and r.get("customData") == action.get("customData"), 15,
                         after=action.index, what="the skill's session started")


def test_an_opening_rhasspy_cannot_match_still_reaches_the_skill(talk):
    """Issue 14: Rhasspy's NLU cannot match "ma leg's gone all funny", so Rhasspy's dialogue
    manager ends the session; our reader hears a leg complaint in the same words, and the skill
    opens its own session on that site and carries on to advice."""
    stack, skill, outcomes = talk()
    user = stack.user("default")
    session = user.wake()
    mark = user.mark()
    user.say("ma leg's gone all funny")
    user.wait_topic("hermes/nlu/intentNotRecognized", 10, after=mark)
    ended = user.session_ended(10, session_id=session, after=mark)
    assert ended.termination.reason.value == "intentNotRecognized"
    started = _started_by_us(user, mark)
    assert started.get("siteId") == "default"
    turn_text = user.wait_said(lambda s: s.session_id == started.session_id, 15, after=mark).text
    assert "breathing" in turn_text.lower()
    transcript, outcome = carry_on(
        user, started.session_id, "no",
        lambda say, asking: "the left" if "which leg" in say.lower() else "no", outcomes)
    assert outcome, transcript
    assert skill.proc.poll() is None and "Traceback" not in skill.log()


def test_a_low_confidence_no_to_an_emergency_question_is_asked_again(talk):
    """Issue 14: Rhasspy passes the recogniser's likelihood on as asrConfidence; a "no" to the
    breathing question heard with low confidence is asked again once, plainly, then believed."""
    stack, _, outcomes = talk()
    user = stack.user("default")
    session = user.wake()
    user.say("my calf has been aching since this morning")
    question = next_turn(user, session, 0, outcomes)
    assert question.asking == ["breathless", "chest_pain"]
    mark = user.mark()
    user.say("no", likelihood=0.05)
    again = next_turn(user, session, mark, outcomes)
    assert again.text == ("Sorry, I want to be sure I heard you. "
                          "Just yes or no. Do you have trouble breathing or chest pain?")
    assert again.asking == ["breathless", "chest_pain"]
    mark = user.mark()
    user.say("no", likelihood=0.05)  # asked once only: now believed
    after = next_turn(user, session, mark, outcomes)
    assert "breathless" not in after.asking and "cough" in after.text.lower()
    mark = user.mark()
    user.say("no", likelihood=0.95)  # a confident answer is taken as said
    assert "foot" in next_turn(user, session, mark, outcomes).text.lower()
