"""Dialog state <-> a small tagged JSON object, for Hermes customData.

The state travels with the session, so a restarted skill carries on where it was. The object
is tagged (`{"legcramp": 1, ...}`) so that Rhasspy's own customData (a wake word id on the first
turn) or anything forged is recognised and refused: decode returns None and the shell starts a
fresh conversation instead of guessing. `asking` and `findings` are spelled as in chat-jsonl.md.
"""
from __future__ import annotations

import json
from typing import Any, Optional

from ..triage.findings import EMERGENCY_SIGNS, SCHEMA, InvalidFinding, parse_value
from ..triage.history import Recent
from ..triage.questions import QUESTIONS_BY_ID
from .events import Utter
from .keys import CHECKABLE, ROUTINES
from .state import MAX_MISSES, MAX_REPEATS, Pending, State

TAG = "legcramp"
VERSION = 1
MAX_BYTES = 16_384
# Kinds of open question whose id is a question of the table and whose findings are among that
# question's: asked, "which one?", asked once more after a hedge, asked one finding at a time.
QUESTION_KINDS = ("question", "which", "clarify", "item", "heard")
KINDS = (*QUESTION_KINDS, "check", "confirm", "after")
# The one reply after the advice (invariant 12): the pending id is the disposition given.
DISPOSITIONS = ("emergency", "urgent", "doctor", "self_care")
CONFIRMS = ("forget_diary",)
SIDES = ("left", "right", "both")
MAX_TURNS = 100_000
MAX_LINE = 2_000  # characters of a line said again on "repeat"


class BadState(ValueError):
    """customData that is ours but cannot be trusted (wrong shape, unknown ids, too big)."""


def encode(state: State) -> str:
    """The state as compact JSON."""
    pending = state.pending
    body: dict[str, Any] = {
        TAG: VERSION,
        "asking": list(pending.asking) if pending else [],
        "findings": dict(state.findings),
        "pending": [pending.kind, pending.id] if pending else None,
        "guided": state.guided,
        "want_guide": state.want_guide,
        "thigh_part": state.thigh_part,
        "checked": sorted(state.checked),
        "misses": state.misses,
        "repeats": state.repeats,
        "turn": state.turn,
        "last": [[u.text, list(u.asking)] for u in state.last_lines],
        "started": state.started,
        "recent": _recent_out(state.recent),
    }
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False)


def _body(custom_data: Optional[str]) -> Optional[dict[str, Any]]:
    """The parsed customData when it looks like our tagged object (it may still be corrupt)."""
    if not custom_data or len(custom_data) > MAX_BYTES or not custom_data.lstrip().startswith("{"):
        return None
    try:
        body = json.loads(custom_data)
    except (ValueError, RecursionError):
        return None
    return body if isinstance(body, dict) and TAG in body else None


def is_ours(custom_data: Optional[str]) -> bool:
    """True when customData looks like our tagged object (it may still be corrupt)."""
    return _body(custom_data) is not None


def decode(custom_data: Optional[str]) -> Optional[State]:
    """The state in customData; None when it is not ours. Raises BadState when ours but corrupt."""
    body = _body(custom_data)
    if body is None:
        return None
    # A BadState names the field, never its value (it may be logged); other errors are named by
    # their kind alone, since their text can hold one ("swelling: 'purple'...").
    try:
        return _state(body)
    except BadState:
        raise
    except InvalidFinding as err:
        raise BadState("a finding's value") from err
    except (KeyError, TypeError, ValueError, OverflowError) as err:
        # OverflowError: a number too big for an int ("turn": 1e400) in forged customData.
        raise BadState(f"the shape of the state ({type(err).__name__})") from err


def _state(body: dict[str, Any]) -> State:
    """Every field checked against what the dialog manager can have written: a value it could
    never have put there (a finding as a question id, a sign that cannot be checked) would fail
    later, inside a turn, where the session can only be ended with the fallback."""
    if body[TAG] != VERSION:
        raise BadState("version")
    raw_findings = body.get("findings") or {}
    if not isinstance(raw_findings, dict):
        raise BadState("findings")
    findings = {str(k): parse_value(str(k), v) for k, v in raw_findings.items()}
    asking = tuple(_finding(f) for f in _list(body.get("asking")))
    pending = _pending(body.get("pending"), asking)
    last = tuple(Utter(_line(text), asking=tuple(_finding(f) for f in _list(ask)),
                       expects_reply=True)
                 for text, ask in _list(body.get("last"))[:3])
    return State(
        findings=findings, pending=pending, started=_flag(body.get("started", True)),
        guided=_flag(body.get("guided")),
        want_guide=_one_of(body.get("want_guide"), ("auto", *ROUTINES)),
        thigh_part=_one_of(body.get("thigh_part"), ("front", "back")),
        checked=frozenset(_member(c, _checked()) for c in _list(body.get("checked"))),
        misses=_count(body.get("misses") or 0, MAX_MISSES),
        repeats=_count(body.get("repeats") or 0, MAX_REPEATS + 1),
        turn=_count(body.get("turn") or 0, MAX_TURNS),
        last_lines=last, recent=_recent_in(body.get("recent")),
        disposition=pending.id if pending is not None and pending.kind == "after" else None,
    )


def _pending(raw: object, asking: tuple[str, ...]) -> Optional[Pending]:
    """The open question, checked against the question table (skill/triage/questions.py)."""
    if not raw:
        return None
    if not isinstance(raw, list) or len(raw) != 2:
        raise BadState("pending")
    kind, ident = raw
    if kind in QUESTION_KINDS and isinstance(ident, str) and ident in QUESTIONS_BY_ID:
        allowed: tuple[str, ...] = QUESTIONS_BY_ID[ident].findings
        ok = bool(asking) and set(asking) <= set(allowed)
    elif kind == "check" and ident in CHECKABLE:
        ok = asking == (ident,)
    elif kind == "confirm" and ident in CONFIRMS:
        ok = not asking
    elif kind == "after" and ident in DISPOSITIONS:
        ok = not asking
    else:
        ok = False
    if not ok:
        raise BadState("pending")
    return Pending(kind, ident, asking)


def _list(value: object) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadState("not a list")
    return value


def _flag(value: object) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise BadState("not a flag")
    return value


def _checked() -> tuple[str, ...]:
    """What `checked` may hold: the signs helped to check, and the questions asked once only
    (the manager marks the cramp safety question there), and the emergency signs whose
    low-confidence denial was said back once."""
    return (*CHECKABLE, *QUESTIONS_BY_ID, *(f"heard.{f}" for f in EMERGENCY_SIGNS))


def _member(value: object, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise BadState("not one of the allowed values")
    return value


def _line(value: object) -> str:
    if not isinstance(value, str) or len(value) > MAX_LINE:
        raise BadState("last line")
    return value


def _recent_out(recent: Optional[Recent]) -> Optional[list[Any]]:
    if recent is None:
        return None
    return [recent.cramps_7d, recent.cramps_30d, recent.cramps_total, round(recent.days_covered, 2),
            recent.last_days_ago, recent.last_weekday, recent.last_side, recent.most_side,
            recent.most_side_count]


def _count(value: object, most: int = 100_000) -> int:
    if type(value) is not int or not 0 <= value <= most:
        raise BadState("a count out of range")
    return value


def _recent_in(raw: object) -> Optional[Recent]:
    """The diary summary, every field checked: it decides whether a question is asked."""
    if raw is None:
        return None
    if not isinstance(raw, list) or len(raw) != 9:
        raise BadState("recent")
    c7, c30, total, days, ago, weekday, last_side, most_side, most_count = raw
    if type(days) not in (int, float) or not 0 <= days <= 100_000:
        raise BadState("recent days")
    return Recent(
        cramps_7d=_count(c7), cramps_30d=_count(c30), cramps_total=_count(total),
        days_covered=float(days),
        last_days_ago=None if ago is None else _count(ago),
        last_weekday=None if weekday is None else _count(weekday, 6),
        last_side=_one_of(last_side, SIDES), most_side=_one_of(most_side, SIDES),
        most_side_count=_count(most_count),
    )


def _finding(value: object) -> str:
    if not isinstance(value, str) or value not in SCHEMA:
        raise BadState("not a finding of findings.yaml")
    return value


def _one_of(value: object, allowed: tuple[str, ...]) -> Optional[str]:
    if value is None:
        return None
    if value not in allowed:
        raise BadState("not one of the allowed values")
    return str(value)
