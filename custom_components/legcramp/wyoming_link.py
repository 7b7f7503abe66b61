"""The Wyoming side of the integration: describe a service, and send it one turn.

Each call opens a connection of its own, as Home Assistant's own Wyoming agent does; the
conversation is carried by the conversation id in the transcript's context.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from wyoming.client import AsyncTcpClient
from wyoming.event import Event
from wyoming.handle import Handled, NotHandled
from wyoming.info import Describe, Info

from .const import PROGRAM, TIMEOUT_S


class LinkError(Exception):
    """The service could not be reached, or answered with something else."""


@dataclass
class Turn:
    """What the service said, and what its reply's context tells."""

    handled: bool
    text: str
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def expects_reply(self) -> bool:
        return self.context.get("expects_reply") is True

    @property
    def outcome(self) -> dict[str, Any] | None:
        outcome = self.context.get("outcome")
        return outcome if isinstance(outcome, dict) else None


async def describe(host: str, port: int) -> str:
    """The version of legcramp at host:port; LinkError if it is not legcramp."""
    try:
        async with asyncio.timeout(TIMEOUT_S), AsyncTcpClient(host, port) as client:
            await client.write_event(Describe().event())
            while True:
                event = await client.read_event()
                if event is None:
                    raise LinkError("connection closed before info")
                if Info.is_type(event.type):
                    break
    except (OSError, TimeoutError) as err:
        raise LinkError(f"cannot connect: {err}") from err
    info = Info.from_event(event)
    for program in info.handle:
        if program.name == PROGRAM and program.installed:
            return program.version or "unknown"
    raise LinkError("not a legcramp service")


def _transcript(text: str, language: str | None, context: dict[str, Any]) -> Event:
    """A transcript event, written out: the wyoming client Home Assistant 2025.4 installs
    (1.5.4) drops the context from Transcript.event() and has no language field, and the
    conversation id travels in that context."""
    data: dict[str, Any] = {"text": text, "context": context}
    if language:
        data["language"] = language
    return Event(type="transcript", data=data)


async def send_turn(host: str, port: int, text: str, language: str | None,
                    context: dict[str, Any]) -> Turn:
    """One transcript, and the service's handled or not-handled reply."""
    try:
        async with asyncio.timeout(TIMEOUT_S), AsyncTcpClient(host, port) as client:
            await client.write_event(_transcript(text, language, context))
            while True:
                event = await client.read_event()
                if event is None:
                    raise LinkError("connection closed before the reply")
                if Handled.is_type(event.type) or NotHandled.is_type(event.type):
                    break
    except (OSError, TimeoutError) as err:
        raise LinkError(f"cannot reach the service: {err}") from err
    data = event.data or {}
    reply_context = data.get("context")
    return Turn(handled=Handled.is_type(event.type), text=str(data.get("text") or ""),
                context=reply_context if isinstance(reply_context, dict) else {})
