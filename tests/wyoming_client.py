"""For tests: `legcramp wyoming` as a real process, and turns through the real wyoming client.

    with WyomingProcess("--test-expiry-seconds", "2") as service:
        reply = service.turn("my calf hurts", "kitchen-1")   # one connection, like Home Assistant
        reply.type, reply.text, reply.context
        service.warnings()                                    # WARNING lines on its stderr so far

Each turn opens a connection of its own, as Home Assistant's conversation agents do.
"""
from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from wyoming.asr import Transcript
from wyoming.client import AsyncTcpClient
from wyoming.event import Event

ROOT = Path(__file__).resolve().parents[1]
READY = re.compile(r"ready on tcp://([0-9.]+):(\d+)")


@dataclass
class Reply:
    type: str
    text: Optional[str]
    context: dict[str, Any] = field(default_factory=dict)


class WyomingProcess:
    """`python -m skill.cli wyoming` on a free port of 127.0.0.1, with its stderr kept."""

    def __init__(self, *flags: str, hold: str = "0.01", diary: Optional[str] = None) -> None:
        keep = ["--diary", diary] if diary else ["--no-diary"]
        self.cmd = [sys.executable, "-m", "skill.cli", "wyoming", "--uri", "tcp://127.0.0.1:0",
                    *keep, "--test-hold-seconds", hold, *flags]
        self.proc: Optional[subprocess.Popen] = None
        self.lines: list[str] = []
        self.port = 0
        self._ready = threading.Event()

    def __enter__(self) -> "WyomingProcess":
        self.proc = subprocess.Popen(self.cmd, cwd=ROOT, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        threading.Thread(target=self._pump, daemon=True).start()
        if not self._ready.wait(30):
            self.__exit__()
            raise RuntimeError("legcramp wyoming did not get ready:\n" + "".join(self.lines))
        return self

    def _pump(self) -> None:
        assert self.proc and self.proc.stderr
        for line in self.proc.stderr:
            self.lines.append(line)
            found = READY.search(line)
            if found:
                self.port = int(found.group(2))
                self._ready.set()

    def __exit__(self, *exc: Any) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def warnings(self) -> list[str]:
        time.sleep(0.05)  # the stderr pump runs in its own thread
        return [line for line in self.lines if line.startswith(("WARNING", "ERROR"))]

    def alive(self) -> bool:
        return bool(self.proc) and self.proc.poll() is None

    # --- the client ---------------------------------------------------------------------

    def turn(self, text: str, conversation_id: Optional[str] = None,
             language: Optional[str] = None, **context: Any) -> Reply:
        return asyncio.run(self.aturn(text, conversation_id, language, **context))

    async def aturn(self, text: str, conversation_id: Optional[str] = None,
                    language: Optional[str] = None, **context: Any) -> Reply:
        """One turn on a connection of its own; `context` adds to the transcript's context."""
        if conversation_id is not None:
            context["conversation_id"] = conversation_id
        event = Transcript(text, context=context or None, language=language).event()
        reply = await self.exchange(event)
        assert reply is not None, f"no reply to {text!r}"
        return Reply(reply.type, reply.data.get("text"), reply.data.get("context") or {})

    async def exchange(self, *events: Event, timeout: float = 20.0) -> Optional[Event]:
        """Send events on one new connection; the first event back (None if it closed)."""
        async with AsyncTcpClient("127.0.0.1", self.port) as client:
            for event in events:
                await client.write_event(event)
            return await asyncio.wait_for(client.read_event(), timeout)
