"""`legcramp chat`: the terminal shell, interactive or JSON lines (docs/chat-jsonl.md).

A thin loop: read a line, recognise it with our own grammar, step the dialog manager, and turn
effects into printed (or spoken) lines. Exceptions are caught once per line, logged, and answered
with a safe spoken fallback: a bad line never ends the program or loses the conversation.
"""
from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Callable, Optional

from ..dialog.events import Advised, Effect, End, ForgetDiary, Heard, NotUnderstood, Utter
from ..dialog.manager import DialogManager
from ..dialog.state import State

if TYPE_CHECKING:
    from ..diary.service import DiaryService

log = logging.getLogger(__name__)

Recognise = Callable[[str], tuple]


@dataclass
class Line:
    """One JSON line of chat-jsonl.md."""

    say: str
    expects_reply: bool
    asking: list[str]
    findings: dict
    disposition: Optional[str]
    guide: Optional[str]
    pause_s: float
    end: bool


class ChatSession:
    """Feeds utterances to the dialog manager and renders its effects as Lines."""

    def __init__(self, manager: DialogManager, recognise: Recognise, fallback: str,
                 diary: Optional["DiaryService"] = None) -> None:
        self.manager = manager
        self.recognise = recognise
        self.fallback = fallback
        self.diary = diary
        self.state = self._new()
        self.disposition: Optional[str] = None

    def _new(self) -> State:
        if self.diary is None:
            return State()
        self.diary.wait()  # the initial read, or the last conversation's write (bounded)
        return State(recent=self.diary.recent())

    def hear(self, text: str) -> list[Line]:
        if self.state.ended or not self.state.started:
            self.state, self.disposition = self._new(), None
        try:
            segments = self.recognise(text)
            event = Heard(tuple(segments), text) if segments else NotUnderstood(text)
            self.state, effects = self.manager.step(self.state, event)
        except Exception as err:  # one place per message: answer safely, keep the conversation
            # Only the kind of failure above debug: its text can hold what was said.
            log.error("could not handle a line; answered with the safe fallback (%s)",
                      type(err).__name__)
            log.debug("the failure was", exc_info=err)
            utter = Utter(self.fallback, expects_reply=not self.state.ended)
            effects = [utter] if not self.state.ended else [utter, End()]
        return self._render(effects)

    def _render(self, effects: list[Effect]) -> list[Line]:
        lines: list[Line] = []
        ended = any(isinstance(e, End) for e in effects)
        for effect in effects:
            if isinstance(effect, Advised):
                self.disposition = effect.disposition
                if self.diary:
                    self.diary.record("chat", effect.disposition, effect.findings, effect.rules)
            elif isinstance(effect, ForgetDiary) and self.diary:
                self.diary.forget()
            elif isinstance(effect, Utter):
                lines.append(Line(
                    say=effect.text, expects_reply=effect.expects_reply, asking=list(effect.asking),
                    findings=dict(self.state.findings), disposition=self.disposition,
                    guide=effect.guide, pause_s=effect.pause_s, end=False,
                ))
        if ended and lines:
            lines[-1].end = True
            lines[-1].expects_reply = False
        if ended and self.diary:
            self.diary.wait()  # the next conversation hears about this one (bounded: a locked
            # diary gives up after its timeout and is logged, never raised)
        return lines


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


def run_jsonl(session: ChatSession, inp: IO[str], out: IO[str]) -> int:
    for raw in inp:
        for line in session.hear(raw.rstrip("\n")):
            out.write(json.dumps(line.__dict__, ensure_ascii=False) + "\n")
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
