"""What `legcramp wyoming` reads and writes on the wire, checked: events, transcripts, replies.

The wyoming package's reader drops a malformed event without a word and will read a `data`
block of any length it is told; this one says what was wrong (the shell logs it once) and
refuses a block over MAX_EVENT_BYTES. A transcript's fields are checked one by one: whatever
the network sends, the dialog sees a short string and a conversation id, or nothing.
"""
from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any, Optional

from wyoming.event import Event

MAX_EVENT_BYTES = 2 * 1024 * 1024
"""The most a data or payload block may claim; a transcript is a few hundred bytes."""
MAX_TEXT = 1000
"""Characters read of one transcript: a spoken sentence is a few hundred at most (as Hermes)."""
MAX_ID = 200
MAX_SITE = 100


class BadEvent(ValueError):
    """An event that cannot be read; the connection is closed after it."""


class BadTranscript(ValueError):
    """A transcript event whose fields are not what a transcript holds; it is answered."""


async def read_event(reader: asyncio.StreamReader) -> Optional[Event]:
    """The next event, None at the end of the stream, BadEvent for anything else."""
    try:
        line = await reader.readline()
    except ValueError:  # asyncio's own limit on one line (64 KiB)
        raise BadEvent("a header line over 64 KiB") from None
    if not line:
        return None
    try:
        header = json.loads(line)
    except ValueError:
        raise BadEvent("a header that is not JSON") from None
    if not isinstance(header, dict) or not isinstance(header.get("type"), str):
        raise BadEvent("a header without a type")
    data = header.get("data") or {}
    if not isinstance(data, dict):
        raise BadEvent("data that is not an object")
    data_length, payload_length = _length(header, "data_length"), _length(header, "payload_length")
    if data_length:
        try:
            extra = json.loads(await reader.readexactly(data_length))
        except (asyncio.IncompleteReadError, ValueError):
            raise BadEvent("a data block cut short or not JSON") from None
        if not isinstance(extra, dict):
            raise BadEvent("data that is not an object")
        data.update(extra)
    payload = None
    if payload_length:
        try:
            payload = await reader.readexactly(payload_length)
        except asyncio.IncompleteReadError:
            raise BadEvent("a payload cut short") from None
    return Event(type=header["type"], data=data, payload=payload)


def _length(header: dict, key: str) -> int:
    value = header.get(key) or 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise BadEvent(f"a {key} that is not a count of bytes")
    if value > MAX_EVENT_BYTES:
        raise BadEvent(f"a {key} of {value} bytes, over {MAX_EVENT_BYTES}")
    return value


@dataclass(frozen=True)
class Request:
    """One transcript, checked.

    `generated`: the client named no conversation, so it is keyed by the client's address (sent
    back in the reply's context): Home Assistant 2025.4's own Wyoming agent sends no id (its
    wyoming 1.5.4 drops the context it is given), and with one room at a time that still
    carries a conversation across its connections. `continues`: the client reopens the microphone after a question (our
    Home Assistant integration says so), so the answer hint is not needed. `site`: where the
    person is, for the diary and the outcome.
    """

    text: str
    conversation_id: str
    generated: bool
    site: str
    continues: bool
    language: Optional[str]


def read_transcript(data: dict[str, Any], peer: str = "unknown") -> Request:
    """A transcript's data as a Request; BadTranscript says which field is wrong."""
    text = data.get("text")
    if not isinstance(text, str):
        raise BadTranscript("a transcript without text")
    if len(text) > MAX_TEXT:
        raise BadTranscript(f"a transcript of {len(text)} characters, over {MAX_TEXT}")
    language = data.get("language")
    if language is not None and not isinstance(language, str):
        raise BadTranscript("a language that is not a string")
    context = data.get("context")
    if context is None:
        context = {}
    if not isinstance(context, dict):
        raise BadTranscript("a context that is not an object")
    conversation_id, generated = context.get("conversation_id"), False
    if conversation_id is None:
        conversation_id, generated = f"client:{peer}"[:MAX_ID], True
    if not isinstance(conversation_id, str) or not 0 < len(conversation_id) <= MAX_ID:
        raise BadTranscript("a conversation_id that is not a short string")
    site = context.get("site")
    site = site if isinstance(site, str) and 0 < len(site) <= MAX_SITE else "assist"
    return Request(text=text, conversation_id=conversation_id, generated=generated, site=site,
                   continues=context.get("continue_conversation") is True, language=language)


def same_language(asked: Optional[str], ours: str) -> bool:
    """"en-GB" and "en_US" are "en"; no language given is ours."""
    if not asked:
        return True
    return asked.replace("_", "-").split("-")[0].lower() == ours.lower()
