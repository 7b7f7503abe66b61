"""The dialog manager's state: a value, small enough to travel in Hermes customData as JSON."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Mapping, Optional

from ..triage.findings import Value
from ..triage.history import Recent
from .events import Utter


MAX_MISSES = 3
"""Misses in a row (not understood, or silence) before the skill advises on what it has."""

MAX_REPEATS = 4
"""Times in a row the same question may be asked again, whatever the replies (fillers, answers
that settle nothing, a stretch asked for again): then the skill advises on what it has. No
conversation goes round for ever without advice (invariant 8)."""


@dataclass(frozen=True)
class Config:
    """Settings a shell passes in from its command line."""

    emergency_number: str = "911"
    hold_seconds: float = 30.0
    # Below this recogniser confidence, an answer that rules out an emergency sign is asked
    # again once ("Sorry, I want to be sure I heard you. Just yes or no. Do you have trouble
    # breathing?"). Chosen from the voice test (tests/voice/README.md): pocketsphinx's posterior
    # of the whole hypothesis; a right "no" scores 0.12 to 0.4 (the mass is shared with "nope"
    # and "now"), and 2 of the 3 dangerous mishearings found scored 0.1 or less.
    confirm_below: float = 0.1


@dataclass(frozen=True)
class Pending:
    """What the skill is waiting for an answer to.

    kind: "question" (a row of the question table), "check" (helping the person find out one
    finding after "I don't know"), "which" (after a plain yes to a question of several things),
    "clarify" (once, after a hedge), "item" (the question's findings one at a time, after a miss
    or "I don't know": the first is asked), "confirm" (a yes or no before doing something that
    cannot be undone; id names it), "heard" (an answer that ruled out emergency signs, heard
    with low confidence, asked again once: `asking` holds those signs, id their question), or
    "after" (the one reply after the advice; id is the disposition).
    `asking` is the findings still unknown when it was asked, in spoken order.
    """

    kind: str
    id: str
    asking: tuple[str, ...]


@dataclass(frozen=True)
class State:
    """One conversation. A new State() is the start of one; `ended` marks its close."""

    findings: Mapping[str, Value] = field(default_factory=dict)
    pending: Optional[Pending] = None
    started: bool = False
    ended: bool = False
    guided: bool = False          # the cramp happening now has had its stretch, or was told why not
    want_guide: Optional[str] = None  # a routine the person asked for, not yet given
    thigh_part: Optional[str] = None
    checked: frozenset[str] = frozenset()
    misses: int = 0
    repeats: int = 0              # the same question asked again in a row (MAX_REPEATS)
    turn: int = 0
    last_lines: tuple[Utter, ...] = ()
    disposition: Optional[str] = None
    recent: Optional[Recent] = None   # the cramp diary's summary, when a diary is kept

    def with_(self, **changes: Any) -> "State":
        """A copy with `changes`. Not dataclasses.replace, which re-runs __init__ over every
        field: this runs three to five times a turn, and the state is a plain frozen value."""
        unknown = changes.keys() - _STATE_FIELDS
        if unknown:
            raise TypeError(f"State has no field {sorted(unknown)[0]!r}")
        new = object.__new__(State)
        new.__dict__.update(self.__dict__)
        new.__dict__.update(changes)
        return new


_STATE_FIELDS = frozenset(f.name for f in fields(State))


def complaint_heard(state: State) -> bool:
    """A leg complaint was heard: some finding, or the triage has begun (invariant 8 then
    requires advice, not just the red flags)."""
    return bool(state.findings) or (state.pending is not None and state.pending.kind != "confirm")
