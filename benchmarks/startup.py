"""Figure 3: start-up of `legcramp hermes`, and what it imports.

Start-up is the time from starting the process (the `legcramp` console script, as a user or
systemd does) to its readiness line on stderr, which it prints once every subscription is
acknowledged by the broker. Baseline: `python -c "import paho.mqtt.client"` in the same
environment, from start to exit: the least any paho-based skill pays. Runs alternate between the
two, and the median of each is kept, so a burst of noise hits both.

The import check runs the same command under `python -X importtime` and reads which modules were
imported before the readiness line: the recogniser's heavy stack (rhasspy-nlu, networkx,
numpy) must not be among them, since Rhasspy does the recognition for a Hermes skill.
"""
from __future__ import annotations

import signal
import subprocess
import time
from typing import Any

from .procs import PYTHON, Service, legcramp_command, skill_command
from .report import median

READY = "legcramp hermes: ready"
FORBIDDEN = ("rhasspynlu", "networkx", "numpy")


def _baseline_s() -> float:
    t0 = time.perf_counter()
    subprocess.run([PYTHON, "-c", "import paho.mqtt.client"], check=True)
    return time.perf_counter() - t0


def _skill_s(host: str, port: int) -> float:
    service = Service(skill_command(host, port), READY).start()
    try:
        return service.startup_s
    finally:
        service.stop(how=signal.SIGTERM)


def imports(host: str, port: int) -> dict[str, Any]:
    """Modules imported before ready, the forbidden ones among them, and the slowest."""
    launcher = legcramp_command()  # [script] or [python, -m, skill.cli]
    args = skill_command(host, port)[len(launcher):]
    cmd = [PYTHON, "-X", "importtime", *(launcher[1:] if launcher[0] == PYTHON else launcher), *args]
    service = Service(cmd, READY).start()
    service.stop(how=signal.SIGTERM)
    rows: list[tuple[int, str]] = []
    for line in service.lines:
        if READY in line:
            break
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = (part.strip() for part in line.split(":", 1)[1].split("|"))
            if cumulative.isdigit():
                rows.append((int(cumulative), name))
    names = {name for _, name in rows}
    forbidden = sorted({n for n in names if n.split(".")[0] in FORBIDDEN})
    top = sorted(rows, reverse=True)[:15]
    return {"modules": len(names), "forbidden": forbidden,
            "forbidden_roots": sorted({n.split(".")[0] for n in forbidden}),
            "slowest_cumulative_ms": [(name, round(us / 1000, 1)) for us, name in top]}


def measure(host: str, port: int, runs: int = 7) -> dict[str, Any]:
    skill_runs, base_runs = [], []
    _baseline_s()  # warm the page cache for both before timing
    _skill_s(host, port)
    for _ in range(runs):
        base_runs.append(_baseline_s())
        skill_runs.append(_skill_s(host, port))
    return {"ready_s": median(skill_runs), "baseline_s": median(base_runs),
            "ready_runs_s": skill_runs, "baseline_runs_s": base_runs, "imports": imports(host, port)}
