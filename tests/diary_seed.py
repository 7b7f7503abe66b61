"""A deterministic eight-week cramp diary, for the diary tests and for looking at the report.

The story it tells is a common one before a doctor's visit: night cramps in the left calf that
grow more frequent week by week after a statin was started, a few in the right leg or both,
one that could not be placed, and one painful swollen warm right calf that was sent to be seen
the same day. All times are UTC, so the history is the same on every machine.

Render the report and print the text chart:

    uv run python -m tests.diary_seed [OUT.html]
"""
from __future__ import annotations

import random
import sys
import tempfile
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Optional, Sequence

from skill.diary.report import chart_text, render_html, render_svg
from skill.diary.store import Episode, Value

UTC = timezone.utc
NOW = datetime(2025, 11, 3, 8, 0, tzinfo=UTC).timestamp()
"""Monday 3 November 2025, 08:00 UTC: the morning of the doctor's visit."""

CRAMPS_PER_WEEK = (1, 2, 2, 3, 3, 4, 5, 1)
"""The ramp, oldest week first; the last week is only the night before NOW."""

SITES = ("bedroom", "bedroom", "bedroom", "chat", "guest-room")


def _night(rng: random.Random, day: date) -> float:
    """Somewhere between 01:00 and 04:59 on `day`, UTC."""
    moment = datetime.combine(day, time(rng.randint(1, 4), rng.randrange(0, 60, 5)), UTC)
    return moment.timestamp()


def _cramp_findings(rng: random.Random, per_week: int) -> dict[str, Value]:
    side = rng.choices(["left", "right", "both", None], weights=[12, 3, 2, 1])[0]
    findings: dict[str, Value] = {
        "pain_location": rng.choices(["calf", "foot", "thigh"], weights=[8, 2, 1])[0],
        "cramp_now": rng.random() < 0.7,
        "woke_from_sleep": True,
        "muscle_knot": rng.random() < 0.5,
        "eased_by_stretching": True,
        "duration": rng.choices(["seconds", "minutes", "over_10_minutes"], weights=[3, 6, 1])[0],
        "swelling": "none",
        "warmth": False,
        "redness": False,
        "cramps_per_week": per_week,
        "cramp_medication": True,
        "dehydration": rng.random() < 0.3,
    }
    if side is not None:
        findings["pain_side"] = side
    return findings


def _clot_findings() -> dict[str, Value]:
    return {"pain_location": "calf", "pain_side": "right", "duration": "days", "swelling": "one_leg",
            "warmth": True, "redness": True, "cramp_now": False, "eased_by_stretching": False,
            "long_travel": True, "breathless": False, "chest_pain": False}


def seed_history(now: float = NOW, weeks: int = 8, seed: int = 12) -> list[Episode]:
    """The episodes of the story above, oldest first; the same list for the same arguments."""
    rng = random.Random(seed)
    today = datetime.fromtimestamp(now, UTC).date()
    first_monday = today - timedelta(days=today.weekday(), weeks=weeks - 1)
    ramp = [CRAMPS_PER_WEEK[min(i, len(CRAMPS_PER_WEEK) - 1)] for i in range(weeks)]
    episodes = []
    for week, count in enumerate(ramp):
        days = [first_monday + timedelta(weeks=week, days=d) for d in range(7)]
        nights = sorted(rng.sample([d for d in days if d <= today], min(count, 7)))
        for day in nights:
            t = _night(rng, day)
            if t >= now:
                continue
            findings = _cramp_findings(rng, count)
            advice = "doctor" if count >= 4 else "self_care"
            episodes.append(Episode.from_findings(t, rng.choice(SITES), advice, findings, True))
    clot_day = first_monday + timedelta(weeks=weeks // 2, days=2)
    episodes.append(Episode.from_findings(_night(rng, clot_day) + 4 * 3600, "chat", "urgent",
                                          _clot_findings(), False))
    return sorted(episodes, key=lambda e: e.time)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Write the report (and its SVG chart) for the seeded history; print where, and the chart."""
    args = list(sys.argv[1:] if argv is None else argv)
    out = Path(args[0]) if args else Path(tempfile.gettempdir()) / "legcramp-diary-report.html"
    episodes = seed_history()
    out.write_text(render_html(episodes, NOW, title="Leg cramp diary (example)", tz=UTC),
                   encoding="utf-8")
    out.with_suffix(".svg").write_text(render_svg(episodes, NOW, tz=UTC), encoding="utf-8")
    print(f"report: {out}")
    print(f"chart:  {out.with_suffix('.svg')}")
    print()
    print(chart_text(episodes, NOW, tz=UTC))
    return 0


if __name__ == "__main__":
    sys.exit(main())
