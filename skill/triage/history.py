"""What the cramp diary adds to the triage: how often cramps come, without asking at night.

Pure: the shells read the diary (skill/diary) and hand a `Recent` summary in; these functions
turn it into the finding `cramps_per_week` and decide which episodes count as cramps.

Why it matters: frequent cramps are a reason to see a doctor (rule D2: 3 or more a week; NHS
"Leg cramps": see a GP if cramps happen often; seed 002 "If cramps are frequent or severe"), and
people at 3 a.m. remember badly how many they had. Where the diary is silent or too young to
speak for a usual week, the person is asked, as before.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

from .findings import Value

FREQUENT = 3
"""Cramps a week from which rule D2 advises a doctor (triage-rules.md, D2)."""

ENOUGH_DAYS = 14
"""A diary younger than two weeks cannot tell a usual week; its count this week still can."""

WINDOW_DAYS = 30


@dataclass(frozen=True)
class Recent:
    """The diary's summary, as the dialog needs it: counts and the last episode, no more.

    `last_days_ago` / `last_weekday` (0 = Monday) are worked out by the shell in local time,
    so the core stays free of clocks and time zones.
    """

    cramps_7d: int = 0
    cramps_30d: int = 0
    cramps_total: int = 0
    days_covered: float = 0.0
    last_days_ago: Optional[int] = None
    last_weekday: Optional[int] = None
    last_side: Optional[str] = None
    most_side: Optional[str] = None
    most_side_count: int = 0


def this_week(recent: Recent) -> int:
    """Tonight's episode counted with the cramps of the past seven days.

    Tonight counts as a cramp before the triage knows it is one: over-counting can only move
    the advice towards a doctor, never away from one.
    """
    return recent.cramps_7d + 1


def cramps_per_week(recent: Optional[Recent]) -> Optional[int]:
    """`cramps_per_week` from the diary, or None when it cannot say (then the person is asked).

    - 3 or more this week, tonight included: that many (frequent, however young the diary);
    - else, with two weeks of diary or more: the weekly average over the last 30 days (or the
      days covered, if fewer), tonight included, rounded down;
    - else None.
    """
    if recent is None:
        return None
    week = this_week(recent)
    if week >= FREQUENT:
        return week
    if recent.days_covered < ENOUGH_DAYS:
        return None
    days = min(float(WINDOW_DAYS), recent.days_covered)
    return max(week, int((recent.cramps_30d + 1) * 7 / days))


def from_diary(recent: Optional[Recent]) -> bool:
    """True when the diary, not a guess, says this week's cramps reach the doctor threshold."""
    return recent is not None and this_week(recent) >= FREQUENT


CRAMP_SIGNS = ("cramp_now", "muscle_knot", "eased_by_stretching")
SHORT = ("seconds", "minutes", "over_10_minutes")
OTHER_CAUSES = ("pain_walking_eased_by_rest", "back_pain_radiating", "recent_injury")


def is_cramp(findings: Mapping[str, Value], disposition: str) -> bool:
    """Whether an episode goes in the diary's cramp count.

    A cramp is advised on at doctor or self-care level, has no other explanation the triage
    asks about (walking pain that rest eases, pain from the back, an injury), and either showed
    one of a cramp's own signs (happening now, a hard knot, eased by stretching) or was short
    (minutes, not hours). Urgent and emergency episodes are never counted as cramps.
    """
    if disposition not in ("doctor", "self_care"):
        return False
    if any(findings.get(cause) is True for cause in OTHER_CAUSES):
        return False
    return (any(findings.get(sign) is True for sign in CRAMP_SIGNS)
            or findings.get("duration") in SHORT)
