"""Where the time goes: `legcramp hermes` under replayed load (py-spy), and `chat` recognition
(pyinstrument). Not part of `python -m benchmarks`: the profilers are not project dependencies.

    uv run --with py-spy --with pyinstrument python -m benchmarks.profiling [hermes|chat|all]

Why py-spy for the service: it samples from outside, every thread (paho's network thread and
the asyncio loop), without changing the process it measures. Why pyinstrument for recognition:
it runs in-process over the public utterances, which is all `chat` does per line.
Raw profiles go to benchmarks/results/; the top functions print as Markdown for PROFILE.md.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from .conversations import from_json
from .loadgen import Replay
from .procs import PYTHON, ROOT, Service, broker, skill_args, skill_command

RESULTS = ROOT / "benchmarks" / "results"


WRAPPERS = ("threading.py", "asyncio/runners.py", "asyncio/base_events.py", "asyncio/events.py",
            "<module> (legcramp", "skill/cli.py", "hermes_service.py", "loop_forever", "_thread_main")


def _frame(raw: str) -> str:
    """`func (a/b/c.py:12)` -> `func (b/c.py)`: one row per function, not per line."""
    name, _, where = raw.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    return f"{name} ({'/'.join(path.split('/')[-2:])})" if where else raw


def folded(path: Path) -> tuple[int, Counter[str], Counter[str], Counter[str], Counter[str]]:
    """Samples, and per thread / function inclusive / function self / file self sample counts."""
    threads: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    files: Counter[str] = Counter()
    total = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit() or not stack:
            continue
        samples = int(count)
        thread, *raw = stack.split(";")
        frames = [_frame(f) for f in raw] or [thread]
        total += samples
        threads["paho network thread" if "_thread_main" in thread else "asyncio (main) thread"] += samples
        for frame in set(frames):
            inclusive[frame] += samples
        own[frames[-1]] += samples
        files[frames[-1].rsplit("(", 1)[-1].rstrip(")")] += samples
    return total, threads, inclusive, own, files


def _table(title: str, counts: Counter[str], total: int, n: int, skip: tuple[str, ...] = ()) -> str:
    rows = [(k, c) for k, c in counts.most_common() if not any(w in k for w in skip)][:n]
    out = [f"| {title} | % of samples |", "|---|---:|"]
    out += [f"| `{k}` | {100 * c / total:.1f} |" for k, c in rows]
    return "\n".join(out)


def _print_folded(path: Path) -> None:
    total, threads, inclusive, own, files = folded(path)
    print(f"{total} samples (py-spy, busy threads only), {path.relative_to(ROOT)}\n")
    print(_table("thread", threads, total, 5) + "\n")
    print(_table("file (self time)", files, total, 15) + "\n")
    print(_table("function (self time)", own, total, 20) + "\n")
    print(_table("function (inclusive)", inclusive, total, 30, WRAPPERS))


def _recorded(work: Path):
    """The recorded public conversations (from a fresh grammar cache) and a private broker."""
    subprocess.run([PYTHON, "-m", "benchmarks.offline", str(work / "off.json")], cwd=ROOT, check=True,
                   env={**os.environ, "XDG_CACHE_HOME": str(work / "cache")})
    conversations = from_json(json.loads((work / "off.json").read_text())["conversations"])
    return conversations, broker(work / "broker")


def profile_hermes(turns: int, sites: int, flags: list[str]) -> None:
    spy = shutil.which("py-spy")
    if not spy:
        raise SystemExit("py-spy not found: uv run --with py-spy python -m benchmarks.profiling")
    RESULTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="legcramp-prof-") as tmp:
        work = Path(tmp)
        conversations, mosquitto = _recorded(work)
        try:
            cmd = skill_command(mosquitto.host, mosquitto.port)
            if flags:  # the skill with some of PROFILE.md's changes patched in
                cmd = [PYTHON, str(ROOT / "benchmarks" / "whatif_skill.py"), *flags,
                       *skill_args(mosquitto.host, mosquitto.port)]
            service = Service(cmd, "legcramp hermes: ready").start()
            replay = Replay(mosquitto.host, mosquitto.port, conversations, skill_mode=True)
            replay.run(1, sessions=len(conversations), record=False)  # warm, unprofiled
            out = RESULTS / f"profile-hermes{''.join(flags)}.folded"
            spy_proc = subprocess.Popen([spy, "record", "--pid", str(service.pid), "--format", "raw",
                                         "--rate", "500", "--threads", "-o", str(out)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            time.sleep(1.0)
            t0 = time.perf_counter()
            phase = replay.run(sites, turns=turns)
            wall = time.perf_counter() - t0
            spy_proc.send_signal(2)
            spy_proc.wait(30)
            replay.close()
            service.stop()
        finally:
            mosquitto.stop()
    print(f"## legcramp hermes {' '.join(flags)}, {phase.turns_done} turns at {sites} sites in {wall:.1f} s "
          f"({phase.turns_done / wall:.0f} turns/s under py-spy)\n")
    _print_folded(out)


def profile_chat() -> None:
    from pyinstrument import Profiler
    import yaml

    from skill.content import content_dir
    from skill.nlu.recognizer import Recognizer
    from .recognition import UTTERANCES

    texts = [u["text"] for u in yaml.safe_load(UTTERANCES.read_text(encoding="utf-8"))["utterances"]]
    lang_dir = content_dir("intents", "en")
    RESULTS.mkdir(parents=True, exist_ok=True)
    for name, runs in (("load", None), ("first-pass", 1), ("warm", 20)):
        profiler = Profiler(interval=0.0002)
        if runs is None:
            profiler.start()
            recognizer = Recognizer.from_dir(lang_dir)
            profiler.stop()
        else:
            if name == "warm":
                for text in texts:
                    recognizer.recognize(text)
            profiler.start()
            for _ in range(runs):
                for text in texts:
                    recognizer.recognize(text)
            profiler.stop()
        path = RESULTS / f"profile-chat-{name}.txt"
        path.write_text(profiler.output_text(unicode=False, color=False, show_all=False))
        print(f"## chat recognition: {name} -> {path.relative_to(ROOT)}\n")
        print(profiler.output_text(unicode=False, color=False)[:6000])


def whatif(turns: int) -> None:
    """The latency and throughput runs for the skill as it is and with PROFILE.md's changes
    patched in (benchmarks/whatif_skill.py), next to the no-op baseline, on one broker."""
    from . import mqtt_bench
    from .mqtt_bench import BASELINE, SKILL, Target

    def variant(name: str, *flags: str) -> Target:
        launcher = [PYTHON, str(ROOT / "benchmarks" / "whatif_skill.py"), *flags]
        return Target(name, lambda h, p: [*launcher, *skill_args(h, p)], "legcramp hermes: ready", True)

    targets = [BASELINE, SKILL, variant("+nodelay", "--nodelay"), variant("+fast-json", "--fast-json"),
               variant("+states=20000", "--states=20000"), variant("+memo", "--memo"),
               variant("+nodelay +fast-json +memo", "--nodelay", "--fast-json", "--memo"),
               variant("+nodelay +fast-json +memo +one-thread", "--nodelay", "--fast-json", "--memo",
                       "--one-thread")]
    mqtt_bench.SESSIONS = (200, 1500)
    rows = []
    with tempfile.TemporaryDirectory(prefix="legcramp-whatif-") as tmp:
        work = Path(tmp)
        conversations, mosquitto = _recorded(work)
        try:
            for target in targets:
                args = (mosquitto.host, mosquitto.port, mosquitto.proc.pid, conversations)
                got = mqtt_bench.latency(target, *args, turns=turns)
                lat = {f"sites_{n}": mqtt_bench.summary([run]) for n, run in got["runs"].items()}
                sat = mqtt_bench.saturation(target, *args)
                rows.append((target.name, lat, sat))
                print(f"done: {target.name}", file=sys.stderr, flush=True)
        finally:
            mosquitto.stop()
    base_lat, base_sat = rows[0][1], rows[0][2]
    print("| variant | p50 1 site | p99 1 site | p50 50 sites | p99 50 sites (x baseline) | turns/s "
          "(x baseline) | CPU % at saturation | peak RSS | off-script |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, lat, sat in rows:
        one, fifty = lat["sites_1"], lat["sites_50"]
        ratio = fifty["p99_ms"] / base_lat["sites_50"]["p99_ms"]
        tput = sat.get("turns_per_s") or 0
        print(f"| {name} | {one['p50_ms']:.2f} ms | {one['p99_ms']:.2f} ms | {fifty['p50_ms']:.1f} ms | "
              f"{fifty['p99_ms']:.1f} ms ({ratio:.1f}x) | {tput:.0f} ({tput / base_sat['turns_per_s']:.2f}x) | "
              f"{sat.get('cpu_pct', {}).get('target')} | {sat.get('end', {}).get('peak_rss_mb', 0):.1f} MB | "
              f"{one['mismatches'] + fifty['mismatches']} |")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profiling")
    parser.add_argument("what", nargs="?", default="all", choices=["hermes", "chat", "whatif", "all"])
    parser.add_argument("--turns", type=int, default=3000)
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--patch", action="append", default=[],
                        help="profile the skill with this whatif_skill.py change (repeatable)")
    args = parser.parse_args()
    if args.what in ("hermes", "all"):
        profile_hermes(args.turns, args.sites, args.patch)
    if args.what in ("chat", "all"):
        profile_chat()
    if args.what in ("whatif", "all"):
        whatif(args.turns)
    return 0


if __name__ == "__main__":
    sys.exit(main())
