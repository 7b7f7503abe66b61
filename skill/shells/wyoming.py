"""`legcramp wyoming`: the skill as a Wyoming handle service, for Home Assistant's Assist.

Laid out like the Wyoming servers (wyoming-faster-whisper): `run` builds the Info once and
serves `AsyncServer.from_uri(uri)` with a handler per connection, whose `handle_event` is a
short dispatch on the event type. It holds no dialog logic: a transcript goes to the Session
(session.py, shared with `legcramp chat`) of its conversation id (wyoming_store.py), and the
turn's Lines come back as one spoken text (wyoming_speech.py).

- `describe` -> `info`, with one installed HandleProgram.
- `transcript` -> `handled` with the text to speak, and in its context whether a reply is
  expected (so our Home Assistant integration reopens the microphone), and after advice the
  outcome. `not-handled` when the words are not ours: no conversation of ours is open and
  nothing in them is a leg complaint or a question of ours (the pipeline may try another
  agent), or they are in another language, or the transcript is malformed.
- Anything else is logged once and ignored; a connection that sends what cannot be read is
  closed after one warning. A turn is answered even when its connection has gone: the person
  said it, and the next turn follows on.
"""
from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Optional

from wyoming.asr import Transcript
from wyoming.event import Event, async_write_event
from wyoming.handle import Handled, NotHandled
from wyoming.info import Attribution, Describe, HandleModel, HandleProgram, Info
from wyoming.server import AsyncEventHandler

from ..nlu.complaint import mentions_leg
from ..nlu.contract import DIARY_INTENTS, KNOWLEDGE_INTENTS, REPORT_INTENTS
from .session import Line, Recognise, Session
from .wyoming_speech import Words, spoken_text
from .wyoming_store import Conversations
from .wyoming_wire import BadEvent, BadTranscript, Request, read_event, read_transcript, same_language

log = logging.getLogger("legcramp.wyoming")

# What can open a conversation: what opens one over Hermes (a complaint, or a question only we
# answer), and, because a pipeline of its own ("Leg help") hears nothing else, a call for help:
# "call an ambulance", "ow, help me", "is it a clot". "Yes", "stop" or "turn on the light" said
# outside a conversation of ours is not ours.
OPENING_INTENTS = frozenset({*REPORT_INTENTS, *KNOWLEDGE_INTENTS, *DIARY_INTENTS,
                             "CallAmbulance", "Distress", "SuspectClot"})
IDLE_S = 300.0
"""A connection that sends nothing for this long is closed (Home Assistant uses one a turn)."""
DESCRIPTION = ("Leg pain at night: tells a muscle cramp from a possible blood clot or "
               "emergency, and guides a stretch. Triage advice, not a diagnosis.")


def build_info(lang: str, version: str) -> Info:
    """The one HandleProgram we are, with a model for the language served."""
    attribution = Attribution(name="legcramp", url="")
    model = HandleModel(name=f"legcramp-{lang}", attribution=attribution, installed=True,
                        description=DESCRIPTION, version=version, languages=[lang])
    return Info(handle=[HandleProgram(name="legcramp", attribution=attribution, installed=True,
                                      description=DESCRIPTION, version=version, models=[model])])


class Service:
    """Transcripts in, replies out, one Session per conversation id. Runs on one worker thread
    (the handlers hand it each transcript), so sessions, recogniser and diary see one turn at a
    time while the event loop keeps serving connections."""

    def __init__(self, make_session: Callable[[], Session], recognise: Recognise, words: Words,
                 lang: str, fallback: str, welcome: str,
                 conversations: Optional[Conversations[Session]] = None) -> None:
        self.recognise = recognise
        self.words = words
        self.lang = lang
        self.fallback = fallback
        self.welcome = welcome
        self.unnamed: set[str] = set()
        self.conversations = (conversations if conversations is not None
                              else Conversations(make_session))

    def answer(self, data: dict[str, Any], peer: str = "unknown") -> Event:
        """The reply to one transcript's data from the client at `peer`. Never raises: a
        failure is logged by kind and answered with the safe fallback."""
        try:
            request = read_transcript(data, peer)
        except BadTranscript as err:
            log.warning("refused %s; answered not-handled", err)
            return NotHandled(self.fallback).event()
        try:
            return self._answer(request)
        except Exception as err:  # one place per message: answer safely, keep serving
            log.error("could not answer a transcript; answered with the safe fallback (%s)",
                      type(err).__name__)
            log.debug("the failure was", exc_info=err)
            return NotHandled(self.fallback, self._context(request, expects_reply=True)).event()

    def _answer(self, request: Request) -> Event:
        if (request.generated and request.conversation_id not in self.unnamed
                and len(self.unnamed) < 1024):
            self.unnamed.add(request.conversation_id)  # once per client: stock HA never names one
            log.warning("a transcript without context.conversation_id: its client's transcripts "
                        "are one conversation (%s), one room at a time", request.conversation_id)
        if not same_language(request.language, self.lang):
            log.info("a transcript in %r, not %r: not handled", request.language, self.lang)
            return NotHandled(self.welcome, self._context(request)).event()
        session = self.conversations.peek(request.conversation_id)
        going = session is not None and session.state.started and not session.state.ended
        if not going and not self.opens(request.text):
            log.debug("not ours: %r", request.text)
            return NotHandled(self.welcome, self._context(request)).event()
        session = self.conversations.get(request.conversation_id)
        session.site = request.site
        lines = session.hear(request.text)
        text = spoken_text(lines, self.words, hint=not request.continues) or self.fallback
        return Handled(text, self._context(request, lines, session)).event()

    def opens(self, text: str) -> bool:
        """Can these words start a conversation of ours?"""
        return mentions_leg(text) or any(s.intent in OPENING_INTENTS for s in self.recognise(text))

    @staticmethod
    def _context(request: Request, lines: Optional[list[Line]] = None,
                 session: Optional[Session] = None, expects_reply: bool = False) -> dict[str, Any]:
        """What the client needs for the next turn, and what happened in this one."""
        last = lines[-1] if lines else None
        context: dict[str, Any] = {
            "conversation_id": request.conversation_id,
            "expects_reply": last.expects_reply if last else expects_reply,
            "end": last.end if last else not expects_reply,
            "asking": list(last.asking) if last else [],
            "disposition": last.disposition if last else None,
        }
        outcome = session.outcome if session else None
        if outcome is not None:
            context["outcome"] = {
                "siteId": request.site, "sessionId": request.conversation_id,
                "disposition": outcome.disposition, "rules": list(outcome.rules),
                "findings": dict(outcome.findings), "time": time.time(),
            }
        return context


class Handler(AsyncEventHandler):
    """One connection: describe, transcripts, and a warning for anything else."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                 service: Service, info: Event, worker: ThreadPoolExecutor) -> None:
        super().__init__(reader, writer)
        self.service = service
        self.info = info
        self.worker = worker
        peer = writer.get_extra_info("peername")
        self.peer = str(peer[0]) if isinstance(peer, tuple) and peer else "local"

    async def handle_event(self, event: Event) -> bool:
        if Describe.is_type(event.type):
            return await self._send(self.info)
        if Transcript.is_type(event.type):
            loop = asyncio.get_running_loop()
            reply = await loop.run_in_executor(self.worker, self.service.answer, event.data,
                                               self.peer)
            return await self._send(reply)
        log.warning("ignored an event of a type not served here: %r", event.type[:60])
        return True

    async def _send(self, event: Event) -> bool:
        if self.writer.is_closing():
            log.warning("the client left before its %s; the turn is kept", event.type)
            return False
        try:
            await async_write_event(event, self.writer)
        except (ConnectionError, RuntimeError) as err:
            log.warning("the client left before its %s (%s); the turn is kept", event.type,
                        type(err).__name__)
            return False
        return True

    async def run(self) -> None:
        """Like AsyncEventHandler.run, with our reader: one warning for what cannot be read,
        and idle connections closed."""
        try:
            while True:
                try:
                    event = await asyncio.wait_for(read_event(self.reader), IDLE_S)
                except BadEvent as err:
                    log.warning("closed a connection that sent %s", err)
                    return
                except (asyncio.TimeoutError, ConnectionError):
                    return
                if event is None or not await self.handle_event(event):
                    return
        finally:
            self.writer.close()
