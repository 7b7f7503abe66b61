"""Soak: 10,000 recorded conversations through mosquitto at 50 sites at once, closed loop.

benchmarks/loadgen.Replay plays Rhasspy's dialogue manager for every site: each turn carries the
customData the skill returned, and each reply must be the recorded one (continue or end, same
words). A turn with no reply within 10 s is lost. Memory is read from /proc at the start, when
the 1,000th conversation ends (the caches are warm by then) and when the 10,000th does.
"""
from __future__ import annotations

from collections import Counter

import pytest

from benchmarks.conversations import Conversation
from benchmarks.loadgen import Replay
from tests.e2e.stack import MqttClient
from tests.reliability.harness import CONTINUE, END, report

SITES = 50
CONVERSATIONS = 10_000
WARM = 1_000
MAX_GROWTH = 0.05


@pytest.mark.slow
def test_ten_thousand_conversations_none_lost_memory_flat(mosquitto, conversations: list[Conversation],
                                                          start_skill):
    skill = start_skill()
    replay = Replay(*mosquitto.address, conversations, skill_mode=True, timeout_s=10.0)
    memory: dict[str, tuple[int, int]] = {"start": (skill.rss_kb(), skill.hwm_kb())}

    def at(name: str):
        return lambda: memory.__setitem__(name, (skill.rss_kb(), skill.hwm_kb()))

    replay.checkpoints = {WARM: at("1000"), CONVERSATIONS: at("10000")}
    try:
        phase = replay.run(SITES, sessions=CONVERSATIONS, record=False, deadline_s=240)
    finally:
        replay.close()
    played = Counter(t.topic.rsplit("/", 1)[1] for c in conversations for t in c.turns)
    (rss0, _), (rss1, hwm1), (rss2, hwm2) = memory["start"], memory["1000"], memory["10000"]
    growth = (rss2 - rss1) / rss1
    report("soak", conversations=phase.sessions_done, turns=phase.turns_done, sites=SITES,
           lost=phase.lost, mismatches=phase.mismatches, rss_start_mb=round(rss0 / 1024, 1),
           rss_1000_mb=round(rss1 / 1024, 1), rss_10000_mb=round(rss2 / 1024, 1),
           hwm_1000_mb=round(hwm1 / 1024, 1), hwm_10000_mb=round(hwm2 / 1024, 1),
           growth_pct=round(100 * growth, 2), intents=len(played))
    assert phase.lost == 0, phase.examples
    assert phase.mismatches == 0, phase.examples
    assert phase.sessions_done == CONVERSATIONS and phase.turns_done == phase.turns_sent
    assert growth < MAX_GROWTH, memory
    assert skill.proc.poll() is None and not skill.errors() and not skill.warnings()


ABANDONED = (6_000, 24_000)


@pytest.mark.slow
def test_sessions_that_never_end_do_not_grow_memory(mosquitto, start_skill):
    """Conversations opened and never ended (a dialogue manager that crashed, or a client on
    the broker opening sessions with our intents): the skill remembers a bounded number."""
    skill = start_skill()
    client = MqttClient(*mosquitto.address, topics=(CONTINUE, END), name="abandoner").connect()
    body = {"input": "my calf hurts", "rawInput": "my calf hurts", "siteId": "abandoned",
            "intent": {"intentName": "LegcrampReportPain", "confidenceScore": 1.0}, "slots": []}
    rss = []
    try:
        for count in ABANDONED:
            for start in range(0, count, 250):
                mark = client.mark()
                for i in range(start, min(count, start + 250)):
                    last = f"abandoned-{count}-{i}"
                    client.publish_raw("hermes/intent/LegcrampReportPain", {**body, "sessionId": last},
                                       wait=False)
                client.wait_for(lambda r, s=last: r.get("sessionId") == s, 30, after=mark,
                                what="the answer to the last opening of a batch")
            rss.append(skill.rss_kb())
    finally:
        client.close()
    growth = (rss[1] - rss[0]) / rss[0]
    report("abandoned_sessions", opened=sum(ABANDONED), rss_after_6000_mb=round(rss[0] / 1024, 1),
           rss_after_30000_mb=round(rss[1] / 1024, 1), growth_pct=round(100 * growth, 2))
    assert growth < MAX_GROWTH, rss
