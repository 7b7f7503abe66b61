"""The processes a benchmark starts: the broker, the skill or its baseline, and what /proc says.

Why /proc: peak RSS (VmHWM) and CPU time (utime + stime) of a child are read from outside, so the
measured process carries no instrumentation. Only processes started here are ever stopped, by
their own Popen handle.
"""
from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parent.parent


def _e2e_stack() -> Any:
    """tests/e2e/stack.py, loaded by path: some dependency installs a top-level `tests` package
    into site-packages, which shadows ours whenever the repository root is not first on sys.path."""
    name = "legcramp_e2e_stack"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "tests" / "e2e" / "stack.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


_stack = _e2e_stack()
Mosquitto, StackError, find_mosquitto = _stack.Mosquitto, _stack.StackError, _stack.find_mosquitto
PYTHON = sys.executable
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def legcramp_command() -> list[str]:
    """How a user starts the skill: the `legcramp` console script of this environment."""
    script = Path(PYTHON).parent / "legcramp"
    return [str(script)] if script.exists() else [PYTHON, "-m", "skill.cli"]


def skill_args(host: str, port: int, *extra: str) -> list[str]:
    """`hermes` and its flags; holds of 0.01 s keep guided routines short under replay."""
    # No diary: the replay repeats the same nights thousands of times, and a diary would (rightly)
    # start to count them as frequent cramps and change the script the replay checks against.
    return ["hermes", "--host", host, "--port", str(port), "--test-hold-seconds", "0.01", "--no-diary",
            *extra]


def skill_command(host: str, port: int, *extra: str) -> list[str]:
    return [*legcramp_command(), *skill_args(host, port, *extra)]


def baseline_command(host: str, port: int) -> list[str]:
    return [PYTHON, str(ROOT / "benchmarks" / "noop_skill.py"), "--host", host, "--port", str(port)]


class Service:
    """A child that prints a readiness line on stderr; its stderr is kept for the report."""

    def __init__(self, cmd: list[str], ready_text: str, env: Optional[dict[str, str]] = None) -> None:
        self.cmd, self.ready_text, self.env = cmd, ready_text, env
        self.proc: Optional[subprocess.Popen[str]] = None
        self.lines: list[str] = []
        self.ready = threading.Event()
        self.started_at = 0.0
        self.ready_at = 0.0

    def start(self, timeout: float = 30.0) -> "Service":
        self.started_at = time.perf_counter()
        self.proc = subprocess.Popen(self.cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True, env=self.env)
        threading.Thread(target=self._pump, daemon=True).start()
        if not self.ready.wait(timeout):
            self.stop()
            raise RuntimeError(f"{self.cmd[0]} never said it was ready:\n{self.log()}")
        return self

    def _pump(self) -> None:
        assert self.proc and self.proc.stderr
        for line in self.proc.stderr:
            if not self.ready.is_set() and self.ready_text in line:
                self.ready_at = time.perf_counter()
                self.ready.set()
            self.lines.append(line)

    @property
    def startup_s(self) -> float:
        return self.ready_at - self.started_at

    @property
    def pid(self) -> int:
        assert self.proc
        return self.proc.pid

    def log(self, lines: int = 40) -> str:
        return "".join(self.lines[-lines:])

    def peak_rss_mb(self) -> float:
        return status_kb(self.pid, "VmHWM") / 1024

    def rss_mb(self) -> float:
        return status_kb(self.pid, "VmRSS") / 1024

    def cpu_s(self) -> float:
        return cpu_seconds(self.pid)

    def stop(self, timeout: float = 5.0, how: int = signal.SIGINT) -> None:
        """SIGINT by default (the skill's clean shutdown, ~1 s); SIGTERM when only the start matters."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(how)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout)


def status_kb(pid: int, key: str) -> int:
    """A `kB` line of /proc/<pid>/status (VmHWM: peak resident set, VmRSS: resident now)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise KeyError(key)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def broker(workdir: Path) -> Any:
    """A private mosquitto on a free port of 127.0.0.1 (tests/e2e/stack.py)."""
    if not find_mosquitto():
        raise StackError("mosquitto is not installed (apt-get install mosquitto)")
    mosquitto = Mosquitto(workdir)
    mosquitto.start()
    return mosquitto
