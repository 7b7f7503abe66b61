"""What a diary says, as numbers: pure functions over episodes, no I/O and no clock.

Why `now` and `tz` are arguments: the same history must give the same summary in a test, in a
report rendered next week, and in the voice skill at 3 a.m.; nothing here reads the clock or
the machine's time zone unless told to (`tz=None` means the local zone, as people read dates).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Optional, Sequence

from .store import Episode, Value

DAY = 86400.0

SIDES = ("left", "right", "both", "unknown")
"""The stacks of the weekly chart, bottom to top; "unknown" is an episode with no side known."""

SHOWN_ELSEWHERE = frozenset({"pain_side", "pain_location", "duration"})
"""Findings the report shows in their own columns, so not again among the recurring ones."""


@dataclass(frozen=True)
class History:
    """The cramp history the skill can mention ("your third cramp this week").

    most_side: the leg (left, right or both) named most often among cramp episodes with a side.
    A tie for first place gives None, with most_side_count 0: saying "mostly your left leg"
    would be untrue, and "both" already means "both legs at once".
    """

    cramps_7d: int
    cramps_30d: int
    cramps_total: int
    days_covered: float
    last_time: Optional[float]
    last_side: Optional[str]
    most_side: Optional[str]
    most_side_count: int


def summarise(episodes: Sequence[Episode], now: float) -> History:
    """Count cramp episodes in the 7 and 30 days up to `now` (now - 7 days < time <= now).

    Episodes after `now` (a clock that jumped) count in the total only.
    """
    cramps = sorted((e for e in episodes if e.cramp), key=lambda e: e.time)
    first = min((e.time for e in episodes), default=None)
    last = cramps[-1] if cramps else None
    most_side, most_count = _most_side(cramps)
    return History(
        cramps_7d=sum(1 for e in cramps if now - 7 * DAY < e.time <= now),
        cramps_30d=sum(1 for e in cramps if now - 30 * DAY < e.time <= now),
        cramps_total=len(cramps),
        days_covered=max(0.0, (now - first) / DAY) if first is not None else 0.0,
        last_time=last.time if last else None,
        last_side=last.side if last else None,
        most_side=most_side,
        most_side_count=most_count,
    )


def _most_side(cramps: Sequence[Episode]) -> tuple[Optional[str], int]:
    counts = Counter(e.side for e in cramps if e.side in ("left", "right", "both"))
    ranked = counts.most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return None, 0
    return ranked[0][0], ranked[0][1]


def local_datetime(t: float, tz: Optional[tzinfo] = None) -> datetime:
    """Unix seconds as an aware datetime in `tz` (None: this machine's local zone)."""
    return datetime.fromtimestamp(t, tz).astimezone(tz)


def week_start(t: float, tz: Optional[tzinfo] = None) -> date:
    """The Monday of the week holding `t`, in `tz`."""
    day = local_datetime(t, tz).date()
    return day - timedelta(days=day.weekday())


def weekly_by_side(episodes: Sequence[Episode], now: float, weeks: int = 8,
                   tz: Optional[tzinfo] = None) -> list[tuple[date, dict[str, int]]]:
    """Episodes (of any kind) per week for the `weeks` weeks ending with the week of `now`.

    Weeks start on Monday in `tz`; oldest first; every dict has all of SIDES as keys, in order.
    Episodes after `now` or before the first week are left out.
    """
    last = week_start(now, tz)
    starts = [last - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]
    table: dict[date, dict[str, int]] = {start: dict.fromkeys(SIDES, 0) for start in starts}
    for episode in episodes:
        if episode.time > now:
            continue
        bucket = table.get(week_start(episode.time, tz))
        if bucket is not None:
            bucket[episode.side if episode.side in SIDES else "unknown"] += 1
    return [(start, table[start]) for start in starts]


def _interesting(ident: str, value: Value) -> bool:
    """True bools and enum values other than none/unknown; numbers vary too much to recur."""
    if ident in SHOWN_ELSEWHERE:
        return False
    if isinstance(value, bool):
        return value
    return isinstance(value, str) and value not in ("none", "unknown")


def recurring_findings(episodes: Sequence[Episode],
                       min_count: int = 2) -> list[tuple[str, object, int]]:
    """(finding id, value, count) seen in at least `min_count` episodes, most frequent first.

    Ties are broken by id and value, so a report lists them in the same order every time.
    """
    counts: Counter[tuple[str, Value]] = Counter()
    for episode in episodes:
        counts.update((ident, value) for ident, value in episode.findings.items()
                      if _interesting(ident, value))
    rows = [(ident, value, n) for (ident, value), n in counts.items() if n >= min_count]
    rows.sort(key=lambda row: (-row[2], row[0], str(row[1])))
    return rows
