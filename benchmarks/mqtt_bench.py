"""Figures 1, 2 and 4: the skill and its no-op baseline under replayed conversations over MQTT.

Each target (the no-op baseline and `legcramp hermes --test-hold-seconds 0.01`) runs alone on the
same private mosquitto, one process at a time:
- latency, in ROUNDS rounds alternating baseline and skill: a fresh process, one unmeasured
  warm-up pass over every recorded conversation (the first turns fill the triage core's caches;
  a p99 over a cold start would measure that), then LATENCY_TURNS / ROUNDS turns at 1 site and
  as many at 50 sites; the rounds are pooled;
- saturation and memory: a fresh process, SESSIONS[-1] conversations at SATURATION_SITES sites
  at once (enough that the target always has turns waiting); peak RSS (VmHWM) is read when the
  1,000th and the 10,000th conversation finish, and throughput is the turns answered between
  those two moments divided by the time between them.
CPU use of the target, the broker and the generator is recorded for every run, so a reader can
see who was the bottleneck (the baseline's run shows the generator's own floor).
"""
from __future__ import annotations

import signal
import time
from dataclasses import dataclass
from typing import Any, Callable, Optional

from .conversations import Conversation
from .loadgen import Phase, Replay
from .procs import Service, baseline_command, cpu_seconds, skill_command
from .report import percentile

LATENCY_TURNS = 2000
ROUNDS = 3
SITES = (1, 50)
SATURATION_SITES = 100
SESSIONS = (1_000, 10_000)


@dataclass(frozen=True)
class Target:
    name: str
    command: Callable[[str, int], list[str]]
    ready_text: str
    skill_mode: bool


BASELINE = Target("baseline", baseline_command, "noop skill: ready", False)
SKILL = Target("legcramp", lambda h, p: skill_command(h, p), "legcramp hermes: ready", True)


Run = tuple[Phase, float, dict[str, float]]  # a phase, its wall time, CPU % per process


def summary(runs: list[Run]) -> dict[str, Any]:
    """Rounds of one measurement pooled: percentiles over every turn, CPU % weighted by time."""
    ms = [ns / 1e6 for phase, _, _ in runs for ns in phase.latencies]
    wall = sum(w for _, w, _ in runs)
    turns = sum(p.turns_done for p, _, _ in runs)
    cpu = {k: round(sum(c.get(k, 0) * w for _, w, c in runs) / wall, 1) for k in runs[0][2]} if wall else {}
    return {
        "rounds": len(runs), "turns": turns, "sessions": sum(p.sessions_done for p, _, _ in runs),
        "wall_s": wall, "turns_per_s": turns / wall if wall else None,
        "p50_ms": percentile(ms, 50), "p90_ms": percentile(ms, 90), "p99_ms": percentile(ms, 99),
        "max_ms": max(ms) if ms else None, "lost": sum(p.lost for p, _, _ in runs),
        "mismatches": sum(p.mismatches for p, _, _ in runs),
        "examples": [e for p, _, _ in runs for e in p.examples][:5], "cpu_pct": cpu,
    }


class CpuMeter:
    """CPU seconds of the target, the broker and this process, as % of one core over a run."""

    def __init__(self, target_pid: int, broker_pid: int) -> None:
        self.pids = {"target": target_pid, "broker": broker_pid}
        self.start()

    def start(self) -> None:
        self.t0 = time.perf_counter()
        self.own0 = time.process_time()
        self.cpu0 = {k: cpu_seconds(p) for k, p in self.pids.items()}

    def read(self) -> tuple[float, dict[str, float]]:
        wall = time.perf_counter() - self.t0
        pct = {k: 100 * (cpu_seconds(p) - self.cpu0[k]) / wall for k, p in self.pids.items()}
        pct["generator"] = 100 * (time.process_time() - self.own0) / wall
        return wall, {k: round(v, 1) for k, v in pct.items()}


def latency(target: Target, host: str, port: int, broker_pid: int, conversations: list[Conversation],
            turns: int, deadline_s: float = 60.0) -> dict[str, Any]:
    """A fresh process, one unmeasured pass over every conversation, then `turns` at each SITES:
    {"warmup": counts, "runs": {sites: Run}}."""
    service = Service(target.command(host, port), target.ready_text).start()
    replay = Replay(host, port, conversations, skill_mode=target.skill_mode)
    out: dict[str, Any] = {}
    try:
        warm = replay.run(1, sessions=len(conversations), record=False)
        out["warmup"] = {"turns": warm.turns_done, "lost": warm.lost, "mismatches": warm.mismatches,
                         "examples": warm.examples}
        for sites in SITES:
            meter = CpuMeter(service.pid, broker_pid)
            phase = replay.run(sites, turns=turns, deadline_s=deadline_s)
            wall, cpu = meter.read()
            out.setdefault("runs", {})[sites] = (phase, wall, cpu)
            if phase.lost or phase.mismatches:
                out.setdefault("log_tail", []).append(service.log(20))
    finally:
        replay.close()
        service.stop(how=signal.SIGTERM)  # its clean shutdown takes a second; nothing to save
    return out


def saturation(target: Target, host: str, port: int, broker_pid: int,
               conversations: list[Conversation], deadline_s: float = 200.0) -> dict[str, Any]:
    service = Service(target.command(host, port), target.ready_text).start()
    replay = Replay(host, port, conversations, skill_mode=target.skill_mode)
    marks: dict[int, dict[str, Any]] = {}
    meter: Optional[CpuMeter] = None

    def mark(sessions: int) -> Callable[[], None]:
        def hook() -> None:
            nonlocal meter
            assert replay.phase is not None
            marks[sessions] = {"t": time.perf_counter(), "turns": replay.phase.turns_done,
                               "peak_rss_mb": service.peak_rss_mb(), "rss_mb": service.rss_mb()}
            if sessions == SESSIONS[0]:
                meter = CpuMeter(service.pid, broker_pid)
        return hook

    replay.checkpoints = {n: mark(n) for n in SESSIONS}
    out: dict[str, Any] = {"ready_rss_mb": service.rss_mb(), "sites": SATURATION_SITES}
    try:
        phase = replay.run(SATURATION_SITES, sessions=SESSIONS[-1], record=False, deadline_s=deadline_s)
        cpu = meter.read()[1] if meter else {}
        end = {"t": time.perf_counter(), "turns": phase.turns_done, "sessions": replay.sessions_total,
               "peak_rss_mb": service.peak_rss_mb(), "rss_mb": service.rss_mb()}
        out.update(lost=phase.lost, mismatches=phase.mismatches, examples=phase.examples,
                   turns=phase.turns_done, sessions=phase.sessions_done, cpu_pct=cpu,
                   end={k: v for k, v in end.items() if k != "t"})
        if phase.lost or phase.mismatches or SESSIONS[-1] not in marks:
            out["log_tail"] = service.log(20)
        out["after"] = {str(n): {k: v for k, v in m.items() if k != "t"} for n, m in marks.items()}
        first, last = marks.get(SESSIONS[0]), marks.get(SESSIONS[-1]) or end  # end: stopped at the deadline
        if first and last and last["t"] > first["t"]:
            out["turns_per_s"] = (last["turns"] - first["turns"]) / (last["t"] - first["t"])
            out["window_turns"] = last["turns"] - first["turns"]
            out["growth_pct"] = 100 * (last["peak_rss_mb"] - first["peak_rss_mb"]) / first["peak_rss_mb"]
    finally:
        replay.close()
        service.stop(how=signal.SIGTERM)  # its clean shutdown takes a second; nothing to save
    return out


def measure(host: str, port: int, broker_pid: int, conversations: list[Conversation],
            log: Callable[[str], None], budget_end: float) -> dict[str, Any]:
    """Both targets; a run that fails or overruns the time budget is recorded, not fatal.

    Latency runs alternate between the baseline and the skill in ROUNDS short rounds, pooled,
    so that a burst of load from elsewhere on the machine falls on both. The baseline's
    saturation run is done before and after the skill's, and its throughput is their mean.
    `budget_end` (time.monotonic()) bounds every phase, so the whole benchmark stays within its
    five minutes even if the skill gets much slower: the figure it could not reach is missing.
    """
    results: dict[str, dict[str, Any]] = {t.name: {} for t in (BASELINE, SKILL)}
    args = (host, port, broker_pid, conversations)
    rounds: dict[str, dict[int, list[Run]]] = {t.name: {s: [] for s in SITES} for t in (BASELINE, SKILL)}
    per_round = -(-LATENCY_TURNS // ROUNDS)
    for r in range(ROUNDS):
        for target in (BASELINE, SKILL):
            deadline = max(5.0, min(30.0, (budget_end - time.monotonic()) / 4))
            log(f"mqtt: {target.name} latency, round {r + 1} of {ROUNDS}")
            try:
                got = latency(target, *args, turns=per_round, deadline_s=deadline)
            except Exception as err:  # noqa: BLE001 - recorded and shown, the other figures go on
                log(f"mqtt: {target.name} latency failed: {err}")
                results[target.name]["latency"] = {"error": f"{type(err).__name__}: {err}"}
                continue
            results[target.name].setdefault("warmups", []).append(got["warmup"])
            if got.get("log_tail"):
                results[target.name].setdefault("log_tails", []).extend(got["log_tail"])
            for sites in SITES:
                rounds[target.name][sites].append(got["runs"][sites])
    for name, by_sites in rounds.items():
        if all(by_sites.values()):
            results[name]["latency"] = {f"sites_{s}": summary(runs) for s, runs in by_sites.items()}
    for step, target in enumerate((BASELINE, SKILL, BASELINE)):
        left = budget_end - time.monotonic()
        if step == 2 and left < 8:
            log("mqtt: no time left for the baseline's second saturation run")
            break
        # The skill's run is the long one: it gets all that is left but a few seconds for the
        # baseline's second run (4-5 s here) and the report.
        deadline = max(5.0, min(240.0, left - 10 if target is SKILL else left / 3))
        log(f"mqtt: {target.name} saturation and memory, {SESSIONS[-1]:,} conversations "
            f"(deadline {deadline:.0f} s)")
        try:
            got = saturation(target, *args, deadline_s=deadline)
        except Exception as err:  # noqa: BLE001
            log(f"mqtt: {target.name} saturation failed: {err}")
            got = {"error": f"{type(err).__name__}: {err}"}
        if step < 2:
            results[target.name]["saturation"] = got
            continue
        first = results[target.name].get("saturation", {})
        runs = [x["turns_per_s"] for x in (first, got) if x.get("turns_per_s")]
        first["turns_per_s_runs"] = runs
        if runs:
            first["turns_per_s"] = sum(runs) / len(runs)
    return results
