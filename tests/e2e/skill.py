"""Our skill as a process beside the real Rhasspy stack, and a patient who talks to it by voice."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from tests.e2e.stack import Record, User

ROOT = Path(__file__).resolve().parents[2]
QUESTION_TOPICS = ("hermes/dialogueManager/continueSession", "hermes/dialogueManager/endSession",
                   "hermes/dialogueManager/startSession")


class SkillProcess:
    """`legcramp hermes` started for real; waits for its readiness line on stderr."""

    def __init__(self, host: str, port: int, *args: str, log_dir: Path) -> None:
        self.log_path = log_dir / f"legcramp-{port}-{time.monotonic_ns()}.log"
        self.cmd = [sys.executable, "-m", "skill.cli", "hermes", "--host", host, "--port", str(port),
                    "--debug", *(() if any(a.startswith(("--diary", "--no-diary")) for a in args)
                                 else ("--no-diary",)), *args]
        self.proc: Optional[subprocess.Popen] = None
        self.lines: list[str] = []
        self.ready = threading.Event()
        self.grammar = threading.Event()  # the local grammar loaded (or given up on)

    def start(self, timeout: float = 20.0) -> "SkillProcess":
        self.proc = subprocess.Popen(self.cmd, cwd=ROOT, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True)
        threading.Thread(target=self._pump, daemon=True).start()
        if not (self.ready.wait(timeout) and self.grammar.wait(timeout)):
            self.stop()
            raise AssertionError("legcramp hermes never said it was ready:\n" + self.log())
        return self

    def _pump(self) -> None:
        assert self.proc and self.proc.stderr
        with open(self.log_path, "w", encoding="utf-8") as log:
            for line in self.proc.stderr:
                self.lines.append(line)
                log.write(line)
                log.flush()
                if "ready" in line:
                    self.ready.set()
                if "local grammar" in line:
                    self.grammar.set()

    def log(self) -> str:
        return "".join(self.lines[-80:])

    def stop(self) -> int:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode if self.proc else 0


@dataclass
class Turn:
    """What the skill did after the person spoke: a question (with its asking) or the end."""

    record: Record
    text: str
    asking: list[str] = field(default_factory=list)
    final: bool = False


def asking_of(custom_data: Optional[str]) -> list[str]:
    try:
        body = json.loads(custom_data or "")
    except ValueError:
        return []
    return list(body.get("asking") or []) if isinstance(body, dict) else []


def next_turn(user: User, session_id: str, after: int, outcomes: list, timeout: float = 30.0) -> Turn:
    """Wait for the skill's answer to what was just said in `session_id`.

    A continueSession is a question. An endSession is the end if an outcome was published for
    the session or nothing follows it, else the start of a routine, and the question comes in a
    new action session.
    """
    record = user.wait_for(
        lambda r: r.topic in QUESTION_TOPICS[:2] and r.get("sessionId") == session_id, timeout,
        after=after, what=f"the skill's answer in {session_id}")
    if record.topic.endswith("continueSession"):
        return Turn(record, record.get("text") or "", asking_of(record.get("customData")))
    deadline = time.monotonic() + timeout
    quiet_until = time.monotonic() + 2.0  # no routine step by then: the conversation is over
    while time.monotonic() < deadline:
        if any(o.get("sessionId") == session_id for o in outcomes):
            return Turn(record, record.get("text") or "", final=True)
        steps = user.messages("hermes/dialogueManager/startSession", after=record.index)
        if not steps and time.monotonic() > quiet_until:
            return Turn(record, record.get("text") or "", final=True)
        action = [r for r in user.messages("hermes/dialogueManager/startSession", after=record.index)
                  if (r.json or {}).get("init", {}).get("type") == "action"
                  and r.get("siteId") == user.site_id]
        if action:
            started = user.wait_for(lambda r: r.topic == "hermes/dialogueManager/sessionStarted"
                                    and r.get("customData") == action[0].get("customData"),
                                    timeout, after=action[0].index, what="the action session")
            return Turn(started, action[0].json["init"].get("text") or "",
                        asking_of(action[0].get("customData")))
        closing = [r for r in user.messages("hermes/dialogueManager/startSession", after=record.index)
                   if (r.json or {}).get("init", {}).get("type") == "notification"
                   and "legcramp_step" not in (r.get("customData") or "")]
        if closing:
            return Turn(record, record.get("text") or "", final=True)
        time.sleep(0.05)
    raise AssertionError(f"neither an outcome nor a question after the end of {session_id}")
