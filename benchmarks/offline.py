"""The work that needs the local recogniser, run in its own process: figures 5 and 6, and the
recording of the conversations the MQTT runs replay.

Why a separate process: loading the grammar imports rhasspynlu, networkx and numpy and leaves
tens of megabytes of automaton behind. Kept out of the benchmark's main process, it cannot slow
the load generator (garbage-collection pauses, cache pressure) during the latency runs.

    python -m benchmarks.offline OUT.json
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from . import conversations, dialog_bench, recognition


def main(argv: list[str]) -> int:
    out = Path(argv[0])
    t0 = time.perf_counter()
    recog, recognizer = recognition.measure()  # first: its first pass must be cold
    t1 = time.perf_counter()
    dialog = dialog_bench.measure(recognizer.recognize)
    t2 = time.perf_counter()
    recorded = conversations.record_public(recognizer.recognize)
    t3 = time.perf_counter()
    body = {
        "recognition": recog,
        "dialog": dialog,
        "conversations": conversations.to_json(recorded),
        "conversations_summary": conversations.summary(recorded),
        "seconds": {"recognition": t1 - t0, "dialog": t2 - t1, "record": t3 - t2},
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(body), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
