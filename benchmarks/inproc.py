"""Per-turn CPU of the Hermes shell in one process, without a broker: a profiling aid.

The recorded public conversations go through `LegcrampHermes.receive` exactly as paho would
hand them over (sessionStarted, each turn with the customData of the previous reply,
sessionEnded), and the skill's publishes are captured instead of sent. What this measures is
the skill's own cost per turn (parse, understand, step, plan, write); the MQTT runs add paho
and the broker. Not part of `python -m benchmarks`.

    uv run python -m benchmarks.offline /tmp/off.json
    uv run python -m benchmarks.inproc /tmp/off.json [--profile]
"""
from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import time
from pathlib import Path
from typing import Any

from skill.content import content_dir
from skill.dialog.manager import DialogManager
from skill.dialog.phrasebook import Phrasebook
from skill.dialog.state import Config
from skill.shells.hermes import LegcrampHermes
from skill.shells.hermes_grammar import load

from .conversations import Conversation, from_json
from .loadgen import ENDED, STARTED


class Captured:
    """Stands in for paho's client: keeps the last reply per session."""

    def __init__(self) -> None:
        self.last: dict[str, Any] = {}

    def publish(self, topic: str, payload: bytes, *args: Any, **kwargs: Any) -> None:
        if topic.endswith(("continueSession", "endSession")):
            self.last = json.loads(payload)

    def __getattr__(self, name: str) -> Any:  # callbacks HermesClient sets, subscribe, ...
        return lambda *a, **k: (0, 0)


def replay(skill: LegcrampHermes, client: Captured, conversations: list[Conversation],
           rounds: int) -> int:
    turns = 0
    for n in range(rounds):
        for conv in conversations:
            session, site = f"s{n}-{conv.id}", "bench"
            custom = conv.turns[0].custom
            skill.receive(STARTED, json.dumps({"sessionId": session, "siteId": site,
                                               "customData": custom}).encode())
            for turn in conv.turns:
                body = {**turn.body, "sessionId": session, "siteId": site, "customData": custom}
                skill.receive(turn.topic, json.dumps(body).encode())
                custom = client.last.get("customData")
                turns += 1
            skill.receive(ENDED, json.dumps({"termination": {"reason": "nominal"},
                                             "sessionId": session, "siteId": site}).encode())
    return turns


async def measure(args: argparse.Namespace) -> None:
    """In a running loop, because a guided routine is an asyncio task (left pending here)."""
    conversations = from_json(json.loads(args.recorded.read_text())["conversations"])
    book = Phrasebook.load(content_dir("dialogs", "en"))
    client = Captured()
    skill = LegcrampHermes(client, DialogManager(book, Config(hold_seconds=0.01)),
                           fallback=book.say("error.fallback"), outcome_topic="legcramp/outcome")
    skill.loop = asyncio.get_running_loop()
    load(content_dir("intents", "en"), lambda recognise: setattr(skill, "recognise", recognise))
    replay(skill, client, conversations, 2)  # warm the caches, as the MQTT runs do
    profiler = cProfile.Profile() if args.profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    turns = replay(skill, client, conversations, args.rounds)
    if profiler:
        profiler.disable()
    elapsed = time.perf_counter() - started
    print(f"{turns} turns, {elapsed / turns * 1e6:.0f} us a turn, {turns / elapsed:,.0f} turns/s")
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
    for task in asyncio.all_tasks() - {asyncio.current_task()}:
        task.cancel()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("recorded", type=Path, help="the JSON benchmarks.offline wrote")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    asyncio.run(measure(args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
