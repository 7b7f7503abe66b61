"""One conversation as a shell holds it: recognise a line, step the dialog manager, render.

Shared by `legcramp chat` (one conversation after another in a terminal) and `legcramp wyoming`
(one Session per Home Assistant conversation id), so both hear and answer alike: the same
recogniser, the same safe fallback on a failure, the same diary writes, the same Lines.
Exceptions are caught once per line, logged, and answered with the fallback: a bad line never
loses the conversation.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Optional

from ..dialog.events import Advised, Effect, End, ForgetDiary, Heard, NotUnderstood, Silence, Utter
from ..dialog.manager import DialogManager
from ..dialog.state import State
from .provenance import explain

if TYPE_CHECKING:
    from ..diary.service import DiaryService

log = logging.getLogger(__name__)

Recognise = Callable[[str], tuple]


@dataclass
class Line:
    """One utterance as a shell renders it: the JSON line of docs/chat-jsonl.md."""

    say: str
    expects_reply: bool
    asking: list[str]
    findings: dict
    disposition: Optional[str]
    guide: Optional[str]
    pause_s: float
    end: bool


class Session:
    """Feeds utterances to the dialog manager and renders its effects as Lines.

    `site` names where the conversation happens, for the diary. After a turn, `outcome` is the
    advice given in it (None if none was), for shells that announce outcomes.
    """

    def __init__(self, manager: DialogManager, recognise: Recognise, fallback: str,
                 diary: Optional["DiaryService"] = None, site: str = "chat") -> None:
        self.manager = manager
        self.recognise = recognise
        self.fallback = fallback
        self.diary = diary
        self.site = site
        self.state = self._new()
        self.disposition: Optional[str] = None
        self.outcome: Optional[Advised] = None
        self.explained: list[dict] = []  # where this turn's findings came from (provenance.py)

    def _new(self) -> State:
        if self.diary is None:
            return State()
        self.diary.wait()  # the initial read, or the last conversation's write (bounded)
        return State(recent=self.diary.recent())

    def hear(self, text: str, confidence: Optional[float] = None) -> list[Line]:
        """One utterance; `confidence` is the speech recogniser's, when the shell knows it."""
        if self.state.ended or not self.state.started:
            self.state, self.disposition = self._new(), None
        self.outcome = None
        self.explained = []
        try:
            segments = self.recognise(text)
            # An empty line is nothing said: silence (invariant 8 asks once more, then advises).
            event = (Silence() if not text.strip() else
                     Heard(tuple(segments), text, confidence) if segments else NotUnderstood(text))
            before, pending = self.state.findings, self.state.pending
            self.state, effects = self.manager.step(self.state, event)
            self.explained = explain(before, self.state.findings, segments, text,
                                     pending.asking if pending else None)
            if self.explained and log.isEnabledFor(logging.DEBUG):
                log.debug("findings of this turn: %s", self.explained)
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
                self.disposition, self.outcome = effect.disposition, effect
                if self.diary:
                    self.diary.record(self.site, effect.disposition, effect.findings, effect.rules)
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
