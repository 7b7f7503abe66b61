"""The Hermes shell keeps the diary: one episode per advised conversation, from many sites at
once, written off the message thread; the history of earlier nights travels in customData."""
from __future__ import annotations

import asyncio
import json
import time

from skill.diary.service import DiaryService
from skill.diary.store import Diary, Episode
from tests.hermes_stub import hermes, say


def skill(diary: DiaryService):
    return hermes(diary)


def test_many_sites_at_once_each_leave_one_episode(tmp_path):
    async def run() -> None:
        diary = DiaryService(tmp_path / "diary.sqlite3")
        hermes, wire = skill(diary)
        for n in range(40):  # forty rooms, each an emergency said in one breath
            say(hermes, f"room{n}", f"s{n}", "ReportEmergency", "my calf hurts and i can't breathe",
                {"breathless": "true", "pain_location": "calf"})
        advised = [body for topic, body in wire.out
                   if topic.endswith("continueSession") and "nine one one now" in body["text"]]
        assert len(advised) == 40  # every site advised before any write finished
        diary.close()
    asyncio.run(run())
    with Diary.open(tmp_path / "diary.sqlite3") as diary:
        episodes = diary.episodes()
    assert sorted(e.site for e in episodes) == sorted(f"room{n}" for n in range(40))
    assert {e.disposition for e in episodes} == {"emergency"} and not any(e.cramp for e in episodes)
    assert all("E1" in e.rules for e in episodes)  # why: kept for the report


def test_the_history_travels_in_custom_data_and_the_frequency_is_not_asked(tmp_path):
    path = tmp_path / "diary.sqlite3"
    with Diary.open(path) as store:
        for day in (1, 2, 3):
            store.record(Episode.from_findings(time.time() - day * 86_400, "bedroom", "self_care",
                                               {"cramp_now": True, "pain_side": "right"}, True))

    async def run() -> list[str]:
        diary = DiaryService(path)
        diary.wait()
        hermes, wire = skill(diary)
        say(hermes, "bedroom", "s1", "ReportPain", "my right calf cramped but it's gone now",
            {"pain_location": "calf", "pain_side": "right", "cramp_now": "false"})
        texts, custom = [], None
        for _ in range(10):
            topic, body = [(t, b) for t, b in wire.out if t.endswith(("continueSession", "endSession"))][-1]
            texts.append(body.get("text") or "")
            if topic.endswith("endSession"):
                break
            custom = body["customData"]
            assert json.loads(custom)["recent"][0] == 3  # three cramps in the past week
            asking = json.loads(custom)["asking"]
            answer = ("ReportPain", "a few seconds", {"duration": "seconds"}) if "duration" in asking \
                else ("Deny", "no", {})
            say(hermes, "bedroom", "s1", *answer, custom=custom)
        diary.close()
        return texts
    texts = asyncio.run(run())
    assert any("fourth cramp this week" in t for t in texts[-2:])  # the advice, then its reply
    assert not any("usual week" in t for t in texts)
