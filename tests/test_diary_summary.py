"""Summaries of a diary: table-driven cases at the edges (windows, weeks, ties, nothing)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Optional

import pytest

from skill.diary.store import Episode
from skill.diary.summary import SIDES, History, recurring_findings, summarise, weekly_by_side

DAY = 86400.0
UTC = timezone.utc
NOW = datetime(2025, 11, 3, 8, 0, tzinfo=UTC).timestamp()  # a Monday


def ep(days_ago: float, side: Optional[str] = "left", cramp: bool = True, now: float = NOW,
       **findings: object) -> Episode:
    if side:
        findings["pain_side"] = side
    return Episode.from_findings(now - days_ago * DAY, "bedroom",
                                 "self_care" if cramp else "urgent", findings, cramp)


def at(when: datetime, side: Optional[str] = "left") -> Episode:
    return Episode.from_findings(when.timestamp(), "bedroom", "self_care",
                                 {"pain_side": side} if side else {}, True)


SUMMARIES = [
    ("nothing recorded", [], History(0, 0, 0, 0.0, None, None, None, 0)),
    ("exactly 7 days ago is outside the week, a second later is inside",
     [ep(7), ep(7 - 1 / DAY)], History(1, 2, 2, 7.0, NOW - (7 - 1 / DAY) * DAY, "left", "left", 2)),
    ("exactly now counts; 30 days ago does not",
     [ep(30), ep(0)], History(1, 1, 2, 30.0, NOW, "left", "left", 2)),
    ("an episode after now (a clock jump) counts only in the total",
     [ep(1), ep(-1)], History(1, 1, 2, 1.0, NOW + DAY, "left", "left", 2)),
    ("non-cramp episodes cover days but are not cramps, nor the last side",
     [ep(40, "right", cramp=False), ep(3, "left"), ep(1, "right", cramp=False)],
     History(1, 1, 1, 40.0, NOW - 3 * DAY, "left", "left", 1)),
    ("a left-right tie names no side",
     [ep(5, "left"), ep(4, "right"), ep(3, "right"), ep(2, "left")],
     History(4, 4, 4, 5.0, NOW - 2 * DAY, "left", None, 0)),
    ("both legs wins when it is most often",
     [ep(5, "left"), ep(4, "right"), ep(3, "both"), ep(2, "both")],
     History(4, 4, 4, 5.0, NOW - 2 * DAY, "both", "both", 2)),
    ("episodes with no side known name no side",
     [ep(2, None), ep(1, None)], History(2, 2, 2, 2.0, NOW - DAY, None, None, 0)),
    ("order of the input does not matter",
     [ep(1, "right"), ep(9, "left"), ep(60, "left")],
     History(1, 2, 3, 60.0, NOW - DAY, "right", "left", 2)),
]


@pytest.mark.parametrize("episodes, expected", [c[1:] for c in SUMMARIES],
                         ids=[c[0] for c in SUMMARIES])
def test_summarise(episodes, expected):
    assert summarise(episodes, NOW) == expected


def monday(y: int, m: int, d: int) -> date:
    day = date(y, m, d)
    assert day.weekday() == 0
    return day


WEEKS = [
    ("Sunday 23:59:59 and Monday 00:00 fall in different weeks",
     [at(datetime(2025, 10, 26, 23, 59, 59, tzinfo=UTC)), at(datetime(2025, 10, 27, tzinfo=UTC), "right")],
     UTC, {monday(2025, 10, 20): {"left": 1}, monday(2025, 10, 27): {"right": 1}}),
    ("the same instant lands a week later east of Greenwich",
     [at(datetime(2025, 10, 26, 20, 0, tzinfo=UTC))],
     timezone(timedelta(hours=10)), {monday(2025, 10, 27): {"left": 1}}),
    ("no side is unknown, and episodes before the window or after now are left out",
     [at(datetime(2025, 11, 3, 1, 0, tzinfo=UTC), None), at(datetime(2025, 9, 14, tzinfo=UTC)),
      at(datetime(2025, 11, 3, 9, 0, tzinfo=UTC))],
     UTC, {monday(2025, 11, 3): {"unknown": 1}}),
    ("the first day of the window counts",
     [at(datetime(2025, 9, 15, tzinfo=UTC), "both"), at(datetime(2025, 9, 15, 3, tzinfo=UTC), "both")],
     UTC, {monday(2025, 9, 15): {"both": 2}}),
]


@pytest.mark.parametrize("episodes, tz, nonzero", [c[1:] for c in WEEKS], ids=[c[0] for c in WEEKS])
def test_weekly_by_side(episodes, tz, nonzero):
    table = weekly_by_side(episodes, NOW, weeks=8, tz=tz)
    assert [start for start, _ in table] == [monday(2025, 9, 15) + timedelta(weeks=i) for i in range(8)]
    for start, counts in table:
        assert tuple(counts) == SIDES
        assert {s: n for s, n in counts.items() if n} == nonzero.get(start, {}), start


def test_weekly_by_side_can_show_more_weeks():
    assert len(weekly_by_side([], NOW, weeks=12, tz=UTC)) == 12


RECURRING = [
    ("nothing", [], 2, []),
    ("true bools and real enum values, most frequent first, ties by id",
     [ep(1, woke_from_sleep=True, swelling="one_leg", fever=False),
      ep(2, woke_from_sleep=True, swelling="one_leg", dehydration=True),
      ep(3, woke_from_sleep=True, dehydration=True, fever=True)],
     2, [("woke_from_sleep", True, 3), ("dehydration", True, 2), ("swelling", "one_leg", 2)]),
    ("false, none, unknown and numbers never recur; side, place and duration are shown elsewhere",
     [ep(d, fever=False, swelling="none", warmth="unknown", cramps_per_week=3, pain_location="calf",
         duration="minutes") for d in (1, 2, 3)], 2, []),
    ("min_count is a floor",
     [ep(1, fever=True), ep(2, fever=True), ep(3, redness=True)],
     1, [("fever", True, 2), ("redness", True, 1)]),
]


@pytest.mark.parametrize("episodes, min_count, expected", [c[1:] for c in RECURRING],
                         ids=[c[0] for c in RECURRING])
def test_recurring_findings(episodes, min_count, expected):
    assert recurring_findings(episodes, min_count=min_count) == expected
