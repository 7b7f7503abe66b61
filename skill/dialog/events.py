"""What the dialog manager hears (events) and what it asks a shell to do (effects).

All values: the dialog manager never speaks, prints or publishes; a shell turns effects into a
terminal line, a JSON line or a Hermes message (see docs/style.md, h11).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional, Union

from ..nlu.segment import Segment


@dataclass(frozen=True)
class Heard:
    """The person said something that was recognised into one or more segments.

    `confidence` is the speech recogniser's, in [0, 1], when a shell knows it (Rhasspy passes
    it as asrConfidence); None for typed text. An answer that rules out an emergency sign,
    heard with low confidence, is confirmed once before it is believed (issue 14).
    """

    segments: tuple[Segment, ...]
    text: str = ""
    confidence: Optional[float] = None


@dataclass(frozen=True)
class NotUnderstood:
    """The person said something, but nothing in it was recognised."""

    text: str = ""


@dataclass(frozen=True)
class Silence:
    """The person said nothing before the listener gave up (a Hermes session timeout)."""


Event = Union[Heard, NotUnderstood, Silence]


@dataclass(frozen=True)
class Utter:
    """Speak one utterance.

    `pause_s` is how long to wait after speaking before the next utterance (a timed hold in a
    guided stretch). `guide` names the routine the line belongs to. `asking` lists the findings a
    question asks about; `expects_reply` marks the line after which the skill listens.
    """

    text: str
    pause_s: float = 0.0
    guide: Optional[str] = None
    asking: tuple[str, ...] = ()
    expects_reply: bool = False


@dataclass(frozen=True)
class Advised:
    """Advice was given: the disposition, the rules that matched, and the findings behind it."""

    disposition: str
    rules: tuple[str, ...]
    findings: Mapping[str, object]


@dataclass(frozen=True)
class End:
    """The conversation is over; the next utterance starts a new one."""


@dataclass(frozen=True)
class ForgetDiary:
    """The person confirmed: delete every episode in the cramp diary."""


Effect = Union[Utter, Advised, End, ForgetDiary]
