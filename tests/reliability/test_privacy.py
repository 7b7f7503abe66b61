"""Privacy: what people say and what they report stays out of the log unless --debug asks for
it, and the outcome message (which carries findings) can be switched off.

A whole conversation, spoken through the real Rhasspy dialogue manager and NLU, with the skill at
its default INFO level: its log must hold none of the person's words, none of the symptom words,
no finding id or value, no disposition. The same conversation at --debug must hold some of them
(else the scan would pass whatever the skill logged), and with --outcome-topic '' nothing is
published outside hermes/.
"""
from __future__ import annotations

import re

import pytest

from tests.e2e.skill import next_turn
from tests.e2e.stack import RhasspyStack, User
from tests.reliability.harness import report

OPENING = "i got off a nine hour flight yesterday and now my calf is sore and a bit swollen"
ANSWER = "no"
# What the person said, what they have, what the skill concluded: none of it belongs in a log.
SENSITIVE = ("swollen", "swelling", "calf", "flight", "sore", "breath", "one_leg", "long_travel",
             "pain_location", "findings", "urgent", "disposition", "nine hour")
# A finding with its value, however quoted or escaped: swelling=one_leg, \"long_travel\":true ...
FINDING_VALUE = re.compile(r"(swelling|long_travel|pain_location|breathless)[\\\"']*\s*[:=]\s*[\\\"']*"
                           r"(one_leg|true|calf)")


def converse(user: User, outcomes: list) -> tuple[list[str], str]:
    """Wake, tell the story, say no to every question; (what the skill said, its session)."""
    session = user.wake()
    said, text = [], OPENING
    for _ in range(12):
        mark = user.mark()
        user.say(text)
        turn = next_turn(user, session, mark, outcomes)
        said.append(turn.text)
        if turn.final:
            user.session_ended(30, session_id=session, after=mark)
            return said, session
        session = turn.record.session_id or session
        text = ANSWER
    raise AssertionError(f"no end after 12 turns: {said}")


def leaks(lines: list[str]) -> list[str]:
    text = "".join(lines).lower()
    found = [word for word in SENSITIVE if word in text]
    found += [m.group(0) for m in FINDING_VALUE.finditer(text)]
    return found + ([OPENING] if OPENING in text else [])


@pytest.fixture
def stack(rhasspy_stack) -> RhasspyStack:
    return rhasspy_stack(("bedroom",))


@pytest.mark.slow
def test_info_log_holds_nothing_the_person_said_or_has(stack: RhasspyStack, start_skill):
    watcher = stack.client(topics=("legcramp/outcome",), name="outcomes")
    outcomes: list = []
    watcher.on("legcramp/outcome", lambda r: outcomes.append(r.json))
    user = stack.user("bedroom")

    skill = start_skill(broker=stack.broker)  # INFO, the default
    said, session = converse(user, outcomes)
    # Bad messages that carry health data are logged too, as one line each, without it.
    spy = stack.client(topics=(), name="bad")
    spy.publish_raw("hermes/intent/LegcrampReportLegSigns", {"sessionId": session, "input": OPENING,
                                                      "slots": "swelling one_leg"})
    spy.publish_raw("hermes/intent/LegcrampReportPain", {"sessionId": "s2", "input": OPENING, "customData":
                                                 '{"legcramp": 1, "findings": {"swelling": "one_leg!"}}'})
    skill.wait_line("corrupt customData", 10)
    skill.stop()
    assert len(skill.warnings()) == 2, skill.log()
    assert [o["disposition"] for o in outcomes if o["sessionId"] == session] == ["urgent"], said
    info_leaks = leaks(skill.lines)
    assert info_leaks == [], "".join(skill.lines)
    info_lines = len(skill.lines)

    debug = start_skill("--outcome-topic", "", broker=stack.broker, debug=True)
    mark = user.mark()
    said_again, session = converse(user, outcomes)
    debug.stop()
    found = leaks(debug.lines)
    assert said_again == said
    assert FINDING_VALUE.search("".join(debug.lines).lower()) and "swelling" in found, found
    # Switched off: nothing of this conversation outside the Hermes topics, no outcome at all.
    published = [o for o in outcomes if o["sessionId"] == session]
    assert not published
    assert {r.topic.split("/")[0] for r in user.messages(after=mark)} == {"hermes"}
    report("privacy", turns=len(said), info_lines=info_lines, info_leaks=len(info_leaks),
           debug_lines=len(debug.lines), debug_leaks=len(found),
           outcome_off_published=len(published))
