"""A one-page report of the diary for a doctor's visit: HTML with an inline SVG chart.

Why one self-contained page with no scripts or external assets: it is printed, emailed or shown
on a phone in a waiting room, often offline; it must look the same everywhere and carry no
tracking. The chart uses patterns and numbers as well as colour, so it still reads when printed
in black and white. Everything that came from the diary is escaped with html.escape.
"""
from __future__ import annotations

import math
from collections import Counter
from datetime import date, tzinfo
from html import escape
from typing import Optional, Sequence

from .store import DISPOSITIONS, Episode
from ..dialog.spoken import plural
from .summary import SIDES, local_datetime, recurring_findings, summarise, weekly_by_side
from .why import why

DISPOSITION_WORDS = {
    "emergency": "call the emergency number now",
    "urgent": "be seen today",
    "doctor": "book a routine appointment",
    "self_care": "self care: stretch, warmth, fluids",
}
SIDE_WORDS = {"left": "left leg", "right": "right leg", "both": "both legs", "unknown": "leg not known"}
SIDE_MARKS = {"left": "L", "right": "R", "both": "B", "unknown": "?"}
DURATION_WORDS = {"seconds": "seconds", "minutes": "minutes", "over_10_minutes": "over 10 minutes",
                  "hours": "hours", "days": "days"}
# Each says only what the skill asked about (dialogs/en/questions.yaml) or what a person says
# unasked (the last four): a doctor reads "water pills or statins or a new medicine", not
# "a medicine that can cause cramps", because that is all the answer covers.
FINDING_LABELS = {
    "cramp_now": "cramp still going on while talking",
    "eased_by_stretching": "eased by stretching, rubbing or walking on it",
    "pain_walking_eased_by_rest": "pain when walking that stops with rest",
    "back_pain_radiating": "pain running down from the back",
    "bruising": "a bruise on the calf or around the inside of the ankle",
    "recent_injury": "a fall or twist before it began",
    "swelling": "a swollen leg",
    "swelling=one_leg": "one leg swollen",
    "swelling=both_legs": "both legs swollen",
    "warmth": "the painful leg warm to the touch",
    "redness": "the painful leg red",
    "fever": "a fever or the shivers",
    "breathless": "trouble breathing",
    "chest_pain": "chest pain",
    "coughing_blood": "coughed up blood",
    "fainting": "felt faint or dizzy",
    "cold_pale_leg": "a foot that felt cold or looked pale",
    "numb_or_weak_leg": "a foot that felt numb or weak",
    "saddle_numbness_or_incontinence": "new numbness around the bottom or genitals, or new "
                                       "trouble controlling the bladder or bowels",
    "recent_surgery_or_bedrest": "lately an operation or bed rest",
    "long_travel": "lately a long journey sitting down",
    "pregnant_or_postpartum": "lately pregnant or had a baby",
    "previous_clot": "ever had a blood clot",
    "cancer": "cancer in the last six months",
    "hormone_medication": "takes the pill or hormones",
    "cramp_medication": "takes water pills or statins or a new medicine",
    "chronic_condition": "diabetes or another long term illness",
    "muscle_knot": "a hard knot in the muscle (said unasked)",
    "woke_from_sleep": "woke from sleep (said unasked)",
    "recent_exercise": "exercise beforehand (said unasked)",
    "dehydration": "a hot day, sweating, alcohol or little to drink (said unasked)",
}
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MAX_TABLE_ROWS = 14
"""Episode rows that fit on the page with everything else; the CSV export has them all."""


def finding_label(ident: str, value: object) -> str:
    """Plain words for a finding value, e.g. ("swelling", "one_leg") -> "swelling of one leg"."""
    label = FINDING_LABELS.get(f"{ident}={value}") or FINDING_LABELS.get(ident)
    if label:
        return label
    words = ident.replace("_", " ")
    return words if value is True else f"{words}: {str(value).replace('_', ' ')}"


def day_label(day: date, year: bool = False) -> str:
    """"Mon 3 Nov" (English on purpose: the report is written in English)."""
    text = f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]}"
    return f"{text} {day.year}" if year else text


def _week_label(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]}"


# --- the chart -----------------------------------------------------------------------------

_W, _H, _LEFT, _RIGHT, _TOP, _PLOT_H = 640, 262, 48, 14, 18, 168
_BASE = _TOP + _PLOT_H
_DEFS = """<defs>
<pattern id="lc-right" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
<rect width="6" height="6" fill="#f2b36b"/>
<line x1="0" y1="0" x2="0" y2="6" stroke="#6b3500" stroke-width="2.4"/></pattern>
<pattern id="lc-both" width="7" height="7" patternUnits="userSpaceOnUse">
<rect width="7" height="7" fill="#9fd49f"/>
<path d="M0 0L7 7M7 0L0 7" stroke="#1d5e1d" stroke-width="1.2"/></pattern>
<pattern id="lc-unknown" width="6" height="6" patternUnits="userSpaceOnUse">
<rect width="6" height="6" fill="#e4e4e4"/><circle cx="3" cy="3" r="1.1" fill="#444"/></pattern>
</defs>"""
_FILLS = {"left": "#1f4e79", "right": "url(#lc-right)", "both": "url(#lc-both)",
          "unknown": "url(#lc-unknown)"}


def _scale(top: int) -> tuple[int, int]:
    """(axis maximum, tick step): at most 8 ticks on round numbers."""
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 10**9) if top / s <= 8)
    return max(step, math.ceil(top / step) * step), step


def _description(weeks: list[tuple[date, dict[str, int]]]) -> str:
    parts = []
    for start, counts in weeks:
        named = [f"{n} {side}" for side, n in counts.items() if n]
        parts.append(f"Week of {_week_label(start)}: {', '.join(named) if named else 'none'}.")
    return " ".join(parts)


def _bars(weeks: list[tuple[date, dict[str, int]]], ymax: int) -> list[str]:
    slot = (_W - _LEFT - _RIGHT) / len(weeks)
    width = slot * 0.62
    out = []
    for i, (start, counts) in enumerate(weeks):
        x = _LEFT + i * slot + (slot - width) / 2
        y = float(_BASE)
        for side in SIDES:
            n = counts[side]
            if not n:
                continue
            h = n * _PLOT_H / ymax
            y -= h
            out.append(
                f'<rect class="seg" data-week="{start.isoformat()}" data-side="{side}" '
                f'data-count="{n}" x="{x:.2f}" y="{y:.2f}" width="{width:.2f}" height="{h:.2f}" '
                f'fill="{_FILLS[side]}" stroke="#222" stroke-width="0.8">'
                f"<title>Week of {_week_label(start)}: {n} {escape(SIDE_WORDS[side])}</title></rect>")
            if h >= 13:
                out.append(f'<text class="n" x="{x + width / 2:.2f}" y="{y + h / 2 + 4:.2f}">{n}</text>')
        total = sum(counts.values())
        if total:
            out.append(f'<text class="total" x="{x + width / 2:.2f}" y="{y - 4:.2f}">{total}</text>')
        out.append(f'<text class="x" x="{x + width / 2:.2f}" y="{_BASE + 15}">{_week_label(start)}</text>')
    return out


def _axes(ymax: int, step: int) -> list[str]:
    out = []
    for tick in range(0, ymax + 1, step):
        y = _BASE - tick * _PLOT_H / ymax
        out.append(f'<line x1="{_LEFT}" y1="{y:.2f}" x2="{_W - _RIGHT}" y2="{y:.2f}" '
                   f'stroke="{"#222" if tick == 0 else "#ccc"}" stroke-width="{1 if tick == 0 else 0.6}"/>')
        out.append(f'<text class="y" x="{_LEFT - 6}" y="{y + 4:.2f}">{tick}</text>')
    out.append(f'<text class="axis" transform="translate(13 {_TOP + _PLOT_H / 2}) rotate(-90)">'
               "episodes</text>")
    out.append(f'<text class="axis" x="{_LEFT + (_W - _LEFT - _RIGHT) / 2}" y="{_BASE + 33}">'
               "week starting (Monday)</text>")
    return out


def _legend() -> list[str]:
    out, x = [], _LEFT
    for side in SIDES:
        out.append(f'<rect class="swatch" x="{x}" y="{_H - 20}" width="14" height="14" '
                   f'fill="{_FILLS[side]}" stroke="#222" stroke-width="0.8"/>')
        out.append(f'<text class="legend" x="{x + 20}" y="{_H - 9}">{SIDE_WORDS[side]}</text>')
        x += 130
    return out


def render_svg(episodes: Sequence[Episode], now: float, tz: Optional[tzinfo] = None,
               weeks: int = 8) -> str:
    """The weekly chart alone, as a standalone SVG document (also inlined in the report)."""
    table = weekly_by_side(episodes, now, weeks, tz)
    ymax, step = _scale(max((sum(c.values()) for _, c in table), default=0))
    end = day_label(local_datetime(now, tz).date())
    title = f"Episodes of leg pain per week by leg, {weeks} weeks to {end}"
    style = ("<style>text{font-family:system-ui,sans-serif;font-size:11px;fill:#222}"  # scoped to
             "text.y{text-anchor:end}text.x,text.total,text.n,text.axis{text-anchor:middle}"  # SVG text:
             "text.total,text.n{font-weight:bold}"  # inline, these rules reach the whole page
             "text.n{paint-order:stroke;stroke:#fff;stroke-width:3px}text.axis{fill:#444}</style>")
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {_H}" width="{_W}" '
             f'height="{_H}" role="img" aria-labelledby="lc-title lc-desc">',
             f'<title id="lc-title">{escape(title)}</title>',
             f'<desc id="lc-desc">{escape(_description(table))}</desc>', style, _DEFS,
             *_axes(ymax, step), *_bars(table, ymax), *_legend(), "</svg>"]
    return "\n".join(parts)


def chart_text(episodes: Sequence[Episode], now: float, tz: Optional[tzinfo] = None,
               weeks: int = 8) -> str:
    """The same weekly chart as monospace bars, one mark per episode (L, R, B, ?)."""
    table = weekly_by_side(episodes, now, weeks, tz)
    top = max((sum(c.values()) for _, c in table), default=0)
    unit = max(1, math.ceil(top / 40))
    each = "one episode" if unit == 1 else f"{unit} episodes"
    lines = [f"Episodes per week by leg, {weeks} weeks to {day_label(local_datetime(now, tz).date())}",
             f"(each mark is {each}: L left, R right, B both, ? leg not known)", "",
             "week of"]
    for start, counts in table:
        bar = "".join(SIDE_MARKS[s] * (math.ceil(counts[s] / unit) if counts[s] else 0)
                      for s in SIDES)
        lines.append(f"{_week_label(start):>6}  {bar:<{max(1, math.ceil(top / unit))}}  "
                     f"{sum(counts.values())}")
    return "\n".join(lines)


# --- the page ------------------------------------------------------------------------------

_CSS = """@page{size:A4;margin:12mm}
body{font:9.5pt/1.35 system-ui,-apple-system,"Segoe UI",sans-serif;color:#111;
max-width:186mm;margin:0 auto;padding:4mm}
h1{font-size:15pt;margin:0 0 2mm}h2{font-size:10.5pt;margin:4mm 0 1.5mm}
p{margin:0 0 1.5mm}.headline{font-size:11pt}
svg{width:100%;height:auto;max-height:62mm}
table{border-collapse:collapse;width:100%;font-size:8.5pt}
th,td{text-align:left;padding:.4mm 2mm;border-bottom:.3mm solid #ccc}
th{border-bottom:.4mm solid #333}td.n{text-align:right}
.cols{display:flex;gap:8mm}.cols>section{flex:1}
ul{margin:0;padding-left:5mm;font-size:8.5pt}.serious{font-weight:bold}
@media print{body{padding:0}}.note,footer{color:#444;font-size:8.5pt}
footer{margin-top:3mm;border-top:.3mm solid #ccc;padding-top:1.5mm}
tr{break-inside:avoid}tr.why td{color:#333;font-size:8pt;padding-bottom:1mm}"""


def _counted(n: int, noun: str) -> str:
    return f"{n} {plural(n, noun)}"


def _span(days: float) -> str:
    """How long the diary covers, in words that do not claim more than it does."""
    if days < 1:
        return "less than a day"
    if days < 14:
        return _counted(math.ceil(days), "day")
    return f"about {round(days / 7)} weeks"


def _headline(episodes: Sequence[Episode], now: float, tz: Optional[tzinfo]) -> list[str]:
    if not episodes:
        return ['<p class="headline" id="headline">No episodes recorded yet.</p>']
    history = summarise(episodes, now)
    first = local_datetime(min(e.time for e in episodes), tz).date()
    n = len(episodes)
    # A weekly rate from under a week of diary would be a guess dressed as a figure.
    rate = (f", about {n / (history.days_covered / 7):.1f} episodes a week"
            if history.days_covered >= 7 else "")
    out = [f'<p class="headline" id="headline">From {day_label(first)} to '
           f"{day_label(local_datetime(now, tz).date(), year=True)} "
           f"({_span(history.days_covered)}): "
           f"<strong>{_counted(n, 'episode')}</strong> of leg pain, "
           f"<strong>{_counted(history.cramps_total, 'cramp')}</strong>{rate}.</p>",
           f"<p>Cramps in the last 7 days: {history.cramps_7d}. In the last 30 days: "
           f"{history.cramps_30d}."]
    if history.most_side:
        out[-1] += (f" Most often in the {SIDE_WORDS[history.most_side]} "
                    f"({history.most_side_count} of {_counted(history.cramps_total, 'cramp')}).")
    out[-1] += "</p>"
    return out


def _dispositions(episodes: Sequence[Episode]) -> list[str]:
    counts = Counter(e.disposition for e in episodes)
    rows = "".join(f'<tr data-disposition="{d}"><td>{escape(DISPOSITION_WORDS[d])}</td>'
                   f'<td class="n">{counts[d]}</td></tr>' for d in DISPOSITIONS)
    return ["<section><h2>Advice given</h2>",
            f'<table id="dispositions"><tr><th>Advice</th><th>Times</th></tr>{rows}</table></section>']


def _recurring(episodes: Sequence[Episode]) -> list[str]:
    rows = recurring_findings(episodes)
    items = "".join(f'<li data-finding="{escape(ident)}">{escape(finding_label(ident, value))}: '
                    f"{n} of {len(episodes)} episodes</li>" for ident, value, n in rows)
    none = '<p id="recurring">None came up more than once.</p>'
    body = f'<ul id="recurring">{items}</ul>' if rows else none
    return ["<section><h2>What came up more than once</h2>", body, "</section>"]


def _cell(value: Optional[str], words: dict[str, str]) -> str:
    return escape(words.get(value, value.replace("_", " "))) if value else "&ndash;"


def _advice(disposition: str) -> str:
    return DISPOSITION_WORDS.get(disposition, disposition.replace("_", " "))


def _serious(episode: Episode) -> str:
    """Advice to be seen today or sooner stands out, for the reader who skims."""
    return ' class="serious"' if episode.disposition in ("emergency", "urgent") else ""


def _why_row(episode: Episode) -> str:
    """Under each episode: the reasons it was told, what it said yes to, what it did not know."""
    told = why(episode, finding_label)
    parts = []
    if told.reasons:
        parts.append(f"<em>Why:</em> {escape('; '.join(told.reasons))}.")
    if told.yes:
        parts.append(f"<em>Yes:</em> {escape('; '.join(told.yes))}.")
    if told.not_known:
        parts.append(f"<em>Did not know:</em> {escape('; '.join(told.not_known))}.")
    return f'<tr class="why"><td colspan="7">{" ".join(parts) or "&ndash;"}</td></tr>'


def _episode_table(episodes: Sequence[Episode], tz: Optional[tzinfo]) -> list[str]:
    if not episodes:
        return []
    shown = sorted(episodes, key=lambda e: e.time, reverse=True)[:MAX_TABLE_ROWS]
    rows = []
    for e in shown:
        when = local_datetime(e.time, tz)
        rows.append(f"<tr><td>{day_label(when.date())}</td><td>{when:%H:%M}</td>"
                    f"<td>{_cell(e.side, {})}</td><td>{_cell(e.location, {})}</td>"
                    f"<td>{_cell(e.duration, DURATION_WORDS)}</td><td>{'yes' if e.cramp else 'no'}</td>"
                    f"<td{_serious(e)}>{escape(_advice(e.disposition))}</td></tr>")
        rows.append(_why_row(e))
    out = ["<section><h2>Episodes, newest first</h2>",
           '<table id="episodes"><tr><th>Date</th><th>Time</th><th>Leg</th><th>Where</th>'
           f'<th>How long</th><th>Cramp</th><th>Advice</th></tr>{"".join(rows)}</table>']
    if len(episodes) > len(shown):
        out.append(f'<p class="note">Showing the latest {len(shown)} of {len(episodes)} episodes; '
                   "<code>legcramp diary --csv FILE</code> exports them all.</p>")
    return out + ["</section>"]


def render_html(episodes: Sequence[Episode], now: float, title: str = "Leg cramp diary",
                tz: Optional[tzinfo] = None) -> str:
    """The whole report: one printable A4 page, self-contained, no scripts."""
    printed = local_datetime(now, tz)
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
             f"<h1>{escape(title)}</h1>", *_headline(episodes, now, tz),
             "<section><h2>Episodes per week, by leg</h2>", render_svg(episodes, now, tz), "</section>",
             '<div class="cols">', *_dispositions(episodes), *_recurring(episodes), "</div>",
             *_episode_table(episodes, tz),
             f"<footer>Recorded by legcramp, a helper for night-time leg pain. It gives advice of the "
             f"kind a telephone nurse gives, not a diagnosis. Made {day_label(printed.date(), year=True)} "
             f"at {printed:%H:%M}.</footer>", "</body></html>"]
    return "\n".join(parts) + "\n"
