"""Dialog state <-> a small tagged JSON object, for Hermes customData.

The state travels with the session, so a restarted skill carries on where it was. The object
is tagged (`{"legcramp": 1, ...}`) so that Rhasspy's own customData (a wake word id on the first
turn) or anything forged is recognised and refused: decode returns None and the shell starts a
fresh conversation instead of guessing. `asking` and `findings` are spelled as in chat-jsonl.md.
"""
from __future__ import annotations

import json
from typing import Any, Optional

from ..triage.findings import SCHEMA, InvalidFinding, parse_value
from ..triage.history import Recent
from .events import Utter
from .keys import QUESTION_FINDINGS, ROUTINES
from .state import Pending, State

TAG = "legcramp"
VERSION = 1
MAX_BYTES = 16_384
KINDS = ("question", "check", "which", "confirm")
CONFIRMS = ("forget_diary",)
SIDES = ("left", "right", "both")


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
    try:
        return _state(body)
    except (KeyError, TypeError, ValueError, OverflowError, InvalidFinding) as err:
        # OverflowError: a number too big for an int ("turn": 1e400) in forged customData.
        raise BadState(str(err)[:80]) from err


def _state(body: dict[str, Any]) -> State:
    if body[TAG] != VERSION:
        raise BadState(f"version {body[TAG]!r}")
    findings = {str(k): parse_value(str(k), v) for k, v in dict(body.get("findings") or {}).items()}
    asking = tuple(_finding(f) for f in body.get("asking") or [])
    pending = None
    if body.get("pending"):
        kind, ident = body["pending"]
        known = ident in CONFIRMS if kind == "confirm" else (ident in QUESTION_FINDINGS or ident in SCHEMA)
        if kind not in KINDS or not known:
            raise BadState(f"pending {kind!r} {str(ident)[:40]!r}")
        pending = Pending(kind, ident, asking)
    last = tuple(Utter(str(text), asking=tuple(_finding(f) for f in ask), expects_reply=True)
                 for text, ask in list(body.get("last") or [])[:3])
    return State(
        findings=findings, pending=pending, started=bool(body.get("started", True)),
        guided=bool(body.get("guided")),
        want_guide=_one_of(body.get("want_guide"), ("auto", *ROUTINES)),
        thigh_part=_one_of(body.get("thigh_part"), ("front", "back")),
        checked=frozenset(str(c) for c in body.get("checked") or []),
        misses=min(int(body.get("misses") or 0), 2), turn=int(body.get("turn") or 0),
        last_lines=last, recent=_recent_in(body.get("recent")),
    )


def _recent_out(recent: Optional[Recent]) -> Optional[list[Any]]:
    if recent is None:
        return None
    return [recent.cramps_7d, recent.cramps_30d, recent.cramps_total, round(recent.days_covered, 2),
            recent.last_days_ago, recent.last_weekday, recent.last_side, recent.most_side,
            recent.most_side_count]


def _count(value: object, most: int = 100_000) -> int:
    if type(value) is not int or not 0 <= value <= most:
        raise BadState(f"count {str(value)[:20]!r}")
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
        raise BadState(f"finding {value!r}")
    return value


def _one_of(value: object, allowed: tuple[str, ...]) -> Optional[str]:
    if value is None:
        return None
    if value not in allowed:
        raise BadState(f"value {str(value)[:40]!r}")
    return str(value)
