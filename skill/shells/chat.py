"""`legcramp chat`: the terminal shell, interactive or JSON lines (docs/chat-jsonl.md).

A thin loop: read a line and hand it to a Session (session.py, shared with `legcramp wyoming`),
which recognises it with our own grammar, steps the dialog manager and renders the effects as
Lines; print (or speak) them. A bad line is answered with the safe fallback there: it never ends
the program or loses the conversation.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import time
from typing import IO, Callable

from .session import Line, Recognise, Session

__all__ = ["ChatSession", "Line", "Recognise", "Speaker", "run_interactive", "run_jsonl"]

ChatSession = Session
"""A terminal conversation: the shared Session, written to the diary as site "chat"."""


class Speaker:
    """Speaks lines with espeak-ng when asked to and installed."""

    def __init__(self, enabled: bool, err: IO[str]) -> None:
        self.binary = shutil.which("espeak-ng") if enabled else None
        if enabled and not self.binary:
            print("Speech is off: espeak-ng is not installed. Install it with "
                  "'apt-get install espeak-ng'. Carrying on with text.", file=err)

    def say(self, text: str) -> None:
        if self.binary:
            subprocess.run([self.binary, "-s", "150", text], check=False,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run_jsonl(session: ChatSession, inp: IO[str], out: IO[str], explain: bool = False) -> int:
    """docs/chat-jsonl.md. With `explain`, the first line of each turn also carries `explain`:
    where each finding the turn added or changed came from (skill/shells/provenance.py)."""
    for raw in inp:
        for n, line in enumerate(session.hear(raw.rstrip("\n"))):
            body = dict(line.__dict__)
            if explain and n == 0:
                body["explain"] = session.explained
            out.write(json.dumps(body, ensure_ascii=False) + "\n")
        out.flush()
    return 0


def run_interactive(session: ChatSession, welcome: str, inp: IO[str], out: IO[str],
                    speaker: Speaker, sleep: Callable[[float], None] = time.sleep) -> int:
    print(f"legcramp: {welcome}", file=out)
    speaker.say(welcome)
    print("(Type what you would say. Ctrl-D to quit. Not medical advice: in doubt, call for help.)",
          file=out)
    while True:
        print("you> ", end="", file=out, flush=True)
        raw = inp.readline()
        if not raw:
            print(file=out)
            return 0
        for line in session.hear(raw.strip()):
            print(f"legcramp: {line.say}", file=out, flush=True)
            speaker.say(line.say)
            if line.pause_s:
                sleep(line.pause_s)
            if line.end:
                print("-- conversation ended; say something to start again --", file=out)
