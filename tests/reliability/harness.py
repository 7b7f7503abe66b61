"""What the reliability tests share: the real `legcramp hermes` process, a stand-in for Rhasspy's
dialogue manager that plays recorded conversations turn by turn, and the numbers they report.

Built on the e2e and benchmark helpers (tests/e2e/skill.py, tests/e2e/stack.py,
benchmarks/procs.py, benchmarks/conversations.py); only what they lack is here:
- Skill: the console script `legcramp` of this venv (as a user starts it), at INFO level unless
  asked for --debug, with its own environment, and able to watch it exit on purpose.
- Player: plays one recorded conversation a turn at a time, so that a test can break something
  between two turns (the broker, the skill) and then check that the next turn is answered with
  exactly the words recorded. It answers the skill's own startSession (a routine step) the way
  the dialogue manager does, so a guided stretch never waits.
- report(): a "RELIABILITY:" line per test, printed at once (seen with -s) and again in the
  terminal summary (seen always).
"""
from __future__ import annotations

import argparse
import functools
import json
import os
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

from benchmarks.conversations import HOLD_S, Conversation
from benchmarks.procs import ROOT, legcramp_command, status_kb
from tests.e2e.skill import SkillProcess
from tests.e2e.stack import MqttClient, Record

CONTINUE = "hermes/dialogueManager/continueSession"
END = "hermes/dialogueManager/endSession"
START = "hermes/dialogueManager/startSession"
STARTED = "hermes/dialogueManager/sessionStarted"
ENDED = "hermes/dialogueManager/sessionEnded"
NOT_RECOGNIZED = "hermes/dialogueManager/intentNotRecognized"

REPORTED: list[str] = []


def report(test: str, **numbers: Any) -> str:
    """One line of numbers for the closing note: printed now and in the terminal summary."""
    line = "RELIABILITY: " + test + " " + " ".join(f"{k}={v}" for k, v in numbers.items())
    REPORTED.append(line)
    print(line, flush=True)
    return line


@functools.lru_cache(maxsize=None)
def hermes_flags() -> frozenset[str]:
    """The options `legcramp hermes` accepts (read from its parser, not guessed)."""
    from skill.cli import build_parser

    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return frozenset(o for a in commands.choices["hermes"]._actions for o in a.option_strings)


class Skill(SkillProcess):
    """`legcramp hermes` from this venv's console script; stderr kept line by line.

    INFO level unless debug=True (the e2e SkillProcess always runs with --debug). `env` replaces
    the environment (to pass LEGCRAMP_MQTT_PASSWORD). start() waits for the readiness line and
    the local grammar; run_to_exit() is for the runs that must fail.
    """

    def __init__(self, host: str, port: int, *args: str, log_dir: Path, debug: bool = False,
                 env: Optional[dict[str, str]] = None) -> None:
        super().__init__(host, port, *args, log_dir=log_dir)
        # Holds of 0.01 s, as the recorded conversations were played (the words say how long).
        # No cramp diary: what it remembers would change the questions of a replayed conversation,
        # and a test must never write into the user's own (LEGCRAMP_DIARY points into log_dir).
        no_diary = ["--no-diary"] if "--no-diary" in hermes_flags() else []
        self.cmd = [*legcramp_command(), "hermes", "--host", host, "--port", str(port),
                    "--test-hold-seconds", str(HOLD_S), *no_diary, *(["--debug"] if debug else []), *args]
        self.env = {**(os.environ if env is None else env),
                    "LEGCRAMP_DIARY": str(log_dir / "diary.sqlite3")}

    def spawn(self) -> "Skill":
        self.proc = subprocess.Popen(self.cmd, cwd=ROOT, stdout=subprocess.DEVNULL, env=self.env,
                                     stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.pump = threading.Thread(target=self._pump, daemon=True)
        self.pump.start()
        return self

    def start(self, timeout: float = 30.0) -> "Skill":
        self.spawn()
        if not (self.ready.wait(timeout) and self.grammar.wait(timeout)):
            self.stop()
            raise AssertionError("legcramp hermes never said it was ready:\n" + self.log())
        return self

    def run_to_exit(self, timeout: float = 15.0) -> int:
        """Start it and wait for it to exit by itself (it must); the exit status."""
        self.spawn()
        assert self.proc is not None
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"legcramp hermes still running after {timeout} s:\n{self.log()}")
        self.pump.join(5)
        return code

    def kill(self) -> None:
        """SIGKILL, as a crash or an out-of-memory kill would end it."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def rss_kb(self) -> int:
        return status_kb(self.pid, "VmRSS")

    def hwm_kb(self) -> int:
        return status_kb(self.pid, "VmHWM")

    def mark(self) -> int:
        return len(self.lines)

    def since(self, mark: int) -> list[str]:
        return list(self.lines[mark:])

    def warnings(self, mark: int = 0) -> list[str]:
        return [line for line in self.since(mark) if line.startswith("[WARNING:")]

    def errors(self, mark: int = 0) -> list[str]:
        """ERROR/CRITICAL records and traceback lines: a handled message never produces one."""
        return [line for line in self.since(mark)
                if line.startswith(("[ERROR:", "[CRITICAL:")) or line.startswith("Traceback")]

    def wait_line(self, needle: str, timeout: float = 10.0, *, after: int = 0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.since(after):
                if needle in line:
                    return line
            time.sleep(0.02)
        raise AssertionError(f"no {needle!r} in the skill's log within {timeout} s:\n{self.log()}")


# --- a stand-in for the dialogue manager, one turn at a time ----------------------------------


@dataclass
class Talk:
    """One recorded conversation in progress at one site."""

    conv: Conversation
    site: str
    index: int = 0
    session: str = ""
    custom: Optional[str] = None

    @property
    def done(self) -> bool:
        return self.index >= len(self.conv.turns)


class Player:
    """Rhasspy's dialogue manager as far as the skill can tell, for recorded conversations."""

    def __init__(self, host: str, port: int, name: str = "player",
                 setup: Optional[Callable[[Any], None]] = None) -> None:
        """`setup(paho_client)` runs before connecting (a login, TLS)."""
        self.client = MqttClient(host, port, topics=(CONTINUE, END, START), name=name)
        if setup is not None:
            setup(self.client.client)
        self.client.connect()
        self.client.on(START, self._speak)
        self.replies = 0

    def close(self) -> None:
        self.client.close()

    def _speak(self, record: Record) -> None:
        """The skill started a session (a routine step): open it, speak it, close it at once."""
        body = record.json or {}
        session = uuid.uuid4().hex
        common = {"sessionId": session, "siteId": body.get("siteId"),
                  "customData": body.get("customData")}
        self.client.publish_raw(STARTED, {**common, "lang": None}, wait=False)
        self.client.publish_raw(ENDED, {**common, "termination": {"reason": "nominal"}}, wait=False)

    def begin(self, conv: Conversation, site: str) -> Talk:
        return Talk(conv, site)

    def turn(self, talk: Talk, timeout: float = 10.0) -> Record:
        """Say the next recorded turn; the skill's reply, checked against the recording."""
        turn = talk.conv.turns[talk.index]
        if turn.new_session or not talk.session:
            talk.session, talk.custom = f"{talk.site}-{uuid.uuid4().hex[:12]}", turn.custom
            self.client.publish_raw(STARTED, {"sessionId": talk.session, "siteId": talk.site,
                                              "customData": talk.custom, "lang": None})
        body = {**turn.body, "sessionId": talk.session, "siteId": talk.site, "customData": talk.custom}
        mark = self.client.mark()
        self.client.publish_raw(turn.topic, json.dumps(body))
        reply = self.client.wait_for(
            lambda r: r.topic in (CONTINUE, END) and r.get("sessionId") == talk.session, timeout,
            after=mark, what=f"the reply to turn {talk.index} of {talk.conv.id}")
        self.replies += 1
        ended = reply.topic == END
        assert (ended, reply.get("text")) == (turn.reply == "end", turn.text), (
            f"{talk.conv.id} turn {talk.index}: got {reply.topic} {reply.get('text')!r}, "
            f"recorded {turn.reply} {turn.text!r}")
        talk.index += 1
        if ended:
            self.client.publish_raw(ENDED, {"sessionId": talk.session, "siteId": talk.site,
                                            "customData": talk.custom,
                                            "termination": {"reason": "nominal"}})
            talk.session = ""
        else:
            talk.custom = reply.get("customData")
        return reply

    def finish(self, talk: Talk, timeout: float = 10.0) -> int:
        """Play the rest of the conversation; the number of turns played."""
        played = 0
        while not talk.done:
            self.turn(talk, timeout)
            played += 1
        return played
