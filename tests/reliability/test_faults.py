"""Faults: the broker restarts mid-conversation, the skill is killed mid-conversation, and one site
keeps the skill busy with 1 MB utterances and bad messages while other sites talk.

Every conversation is a recorded one (benchmarks/conversations.py), so "it carried on" means
each later turn got exactly the words recorded for it, and the outcome the recorded disposition.
"""
from __future__ import annotations

import json
import re
import threading
import time
import uuid
from pathlib import Path

import pytest

from benchmarks.conversations import Conversation
from benchmarks.loadgen import Replay
from tests.e2e.stack import MqttClient, Mosquitto
from tests.reliability.conftest import need_mosquitto
from tests.reliability.harness import CONTINUE, END, NOT_RECOGNIZED, Player, Talk, report

OUTCOME = "legcramp/outcome"


def long_ones(conversations: list[Conversation], turns: int) -> list[Conversation]:
    """Whole recorded conversations (not the part after a routine) of at least `turns` turns."""
    return [c for c in conversations
            if len(c.turns) >= turns and c.disposition and not c.id.endswith("+after")]


def outcome_of(watcher: MqttClient, talk: Talk, timeout: float = 10.0) -> str:
    """The disposition published for the last session of `talk` (its advice)."""
    record = watcher.wait_for(lambda r: r.topic == OUTCOME and (r.json or {}).get("siteId") == talk.site,
                              timeout, what=f"the outcome on {talk.site}")
    return (record.json or {})["disposition"]


@pytest.fixture
def own_broker(tmp_path: Path):
    """A broker of this test's own, to stop and start again on the same port."""
    broker = Mosquitto(tmp_path / "mosquitto", need_mosquitto())
    broker.start()
    yield broker
    broker.stop()


@pytest.mark.slow
def test_broker_restarts_mid_conversation_and_the_session_completes(own_broker, conversations,
                                                                     start_skill):
    conv = long_ones(conversations, 6)[0]
    skill = start_skill(broker=own_broker.address)
    player = Player(*own_broker.address, name="before")
    talk = player.begin(conv, "bedroom")
    player.turn(talk)
    player.turn(talk)
    faults, attempts = 0, []
    for how, down_s in (("stop", 3.5), ("kill", 0.0)):
        player.close()
        mark = skill.mark()
        own_broker.stop() if how == "stop" else own_broker.kill()
        skill.wait_line("lost the MQTT broker", 10, after=mark)
        time.sleep(down_s)  # long enough for two failed tries on the first outage
        own_broker.start(port=own_broker.port)
        skill.wait_line("reconnected to the MQTT broker and subscribed again", 40, after=mark)
        faults += 1
        assert skill.proc.poll() is None and not skill.errors()
        tries = [float(m) for m in re.findall(r"next try in (\d+) s", "".join(skill.since(mark)))]
        attempts.append(len(tries) + 1)
        # Backoff, not a tight loop: each wait twice the last (1, 2, 4 ... s), capped at 30 s.
        assert tries == [min(2.0 ** (i + 1), 30.0) for i in range(len(tries))], tries
        assert len(tries) <= 3, tries
        player = Player(*own_broker.address, name=f"after-{how}")
        if how == "stop":
            player.turn(talk)  # the turn after the outage, answered as recorded
            player.turn(talk)
    watcher = MqttClient(*own_broker.address, topics=(OUTCOME,), name="outcomes").connect()
    player.finish(talk)
    got = outcome_of(watcher, talk)
    watcher.close()
    player.close()
    reconnected = "".join(skill.lines).count("reconnected to the MQTT broker and subscribed again")
    report("broker_restart", outages=faults, reconnected=reconnected, tries_per_outage=attempts,
           turns=len(conv.turns), disposition=got, recorded=conv.disposition)
    assert got == conv.disposition and reconnected == faults


@pytest.mark.slow
def test_skill_killed_between_turns_the_next_one_carries_on_from_custom_data(
        mosquitto, conversations, start_skill):
    """kill -9 after turn k, a new process, turn k+1 carries the customData the old one gave."""
    routine = next(c for c in conversations if any(t.routine for t in c.turns))
    after = next(c for c in conversations if c.id == routine.id + "+after")
    plans = [(long_ones(conversations, 6)[1], 1), (long_ones(conversations, 5)[-1], 3),
             (routine, len(routine.turns))]  # the last: killed just after its routine started
    watcher = MqttClient(*mosquitto.address, topics=(OUTCOME,), name="outcomes").connect()
    player = Player(*mosquitto.address, name="restarts")
    skill = start_skill()
    kills, carried_on = 0, 0
    try:
        for conv, kill_after in plans:
            talk = player.begin(conv, f"site-{kills}")
            for _ in range(kill_after):
                player.turn(talk)
            skill.kill()
            kills += 1
            skill = start_skill()
            if talk.done:  # the talk goes on in the session the skill opens after the routine
                conv, talk = after, player.begin(after, talk.site)
            player.finish(talk)
            got = outcome_of(watcher, talk)
            carried_on += got == conv.disposition
            assert got == conv.disposition, conv.id
    finally:
        watcher.close()
        player.close()
    report("skill_restart", kills=kills, carried_on_to_the_recorded_advice=carried_on,
           conversations=[c.id for c, _ in plans])


@pytest.mark.slow
def test_a_flood_on_one_site_never_blocks_the_others(mosquitto, conversations, start_skill):
    """While one site sends 1 MB utterances and bursts of bad messages as fast as it is
    answered, ten other sites play 300 conversations: every one of their turns is answered
    with the recorded words, each 1 MB utterance is answered too, and each bad message is one
    warning line."""
    skill = start_skill()
    host, port = mosquitto.address
    flooder = MqttClient(host, port, topics=(CONTINUE, END), name="flooder").connect()
    replay = Replay(host, port, conversations, skill_mode=True, timeout_s=30.0)
    done = threading.Event()
    sent = {"huge": 0, "bad": 0}
    huge_text = "my calf hurts " * ((1 << 20) // 14)
    mark = skill.mark()

    def flood() -> None:
        while not done.is_set():
            session = f"flood-{uuid.uuid4().hex}"
            body = {"input": huge_text, "rawInput": huge_text, "sessionId": session, "siteId": "flood",
                    "intent": {"intentName": "LegcrampReportPain", "confidenceScore": 1.0}, "slots": []}
            at = flooder.mark()
            flooder.publish_raw("hermes/intent/LegcrampReportPain", json.dumps(body))
            sent["huge"] += 1
            for i in range(25):
                flooder.publish_raw(f"hermes/intent/Legcramp{'ReportPain' if i % 2 else 'Deny'}",
                                    b"{not json" * (1 + i * 100), wait=False)
                sent["bad"] += 1
            flooder.wait_for(lambda r: r.get("sessionId") == session, 30, after=at,
                             what="the answer to a 1 MB utterance")

    thread = threading.Thread(target=flood, daemon=True)
    thread.start()
    try:
        phase = replay.run(10, sessions=300, record=False, deadline_s=120)
    finally:
        done.set()
        thread.join(40)
        replay.close()
    flooder.publish_raw(NOT_RECOGNIZED, b"barrier")
    skill.wait_line("intentNotRecognized (not JSON)", 30, after=mark)
    flooder.close()
    assert not thread.is_alive()
    warnings, errors = len(skill.warnings(mark)) - 1, len(skill.errors(mark))  # less the barrier
    report("flood", huge_1mb_answered=sent["huge"], bad=sent["bad"], warning_lines=warnings,
           errors=errors, conversations=phase.sessions_done, turns=phase.turns_done,
           lost=phase.lost, mismatches=phase.mismatches)
    assert phase.lost == 0 and phase.mismatches == 0, phase.examples
    assert phase.sessions_done == 300
    assert sent["huge"] >= 3, sent  # the flood really ran alongside
    assert warnings == sent["bad"] and not errors
