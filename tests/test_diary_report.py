"""The doctor's-visit report, rendered for the seeded eight-week history and checked by parsing."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import datetime, timedelta
from html.parser import HTMLParser

import pytest

from skill.diary.report import (DISPOSITION_WORDS, MAX_TABLE_ROWS, chart_text, finding_label,
                                render_html, render_svg)
from skill.diary.store import Episode
from tests.diary_seed import NOW, UTC, main as render_seeded, seed_history

VOID = {"meta", "br", "img", "hr", "link", "input"}
SVG = "{http://www.w3.org/2000/svg}"


class Page(HTMLParser):
    """Strict enough: every tag closed in order; collects elements with their attributes and text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.elements: list[tuple[str, dict, list[str]]] = []
        self.open: list[tuple[str, dict, list[str]]] = []

    def handle_starttag(self, tag, attrs):
        element = (tag, dict(attrs), [])
        self.elements.append(element)
        if tag not in VOID:
            self.stack.append(tag)
            self.open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs), []))

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1:]}>"
        self.stack.pop()
        self.open.pop()

    def handle_data(self, data):
        for element in self.open:
            element[2].append(data)

    def find(self, tag=None, **attrs):
        return [(t, a, "".join(text)) for t, a, text in self.elements
                if (tag is None or t == tag) and all(a.get(k) == v for k, v in attrs.items())]


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    assert page.stack == [], f"unclosed: {page.stack}"
    return page


@pytest.fixture(scope="module")
def history() -> list[Episode]:
    return seed_history()


@pytest.fixture(scope="module")
def page(history) -> Page:
    return parse(render_html(history, NOW, tz=UTC))


def expected_weeks(history) -> Counter:
    """Independently of summary.py: (Monday, side) -> count for the 8 weeks up to NOW."""
    today = datetime.fromtimestamp(NOW, UTC).date()
    first = today - timedelta(days=today.weekday(), weeks=7)
    counts: Counter = Counter()
    for e in history:
        day = datetime.fromtimestamp(e.time, UTC).date()
        monday = day - timedelta(days=day.weekday())
        if first <= monday and e.time <= NOW:
            counts[(monday.isoformat(), e.side or "unknown")] += 1
    return counts


def test_the_seed_is_an_eight_week_story_and_deterministic(history):
    assert seed_history() == history
    assert NOW - history[0].time > 6 * 7 * 86400 and history[-1].time < NOW
    assert {e.disposition for e in history} >= {"self_care", "doctor", "urgent"}
    assert {e.side for e in history} >= {"left", "right", "both", None}


def test_the_page_is_self_contained(history):
    html = render_html(history, NOW, tz=UTC)
    page = parse(html)
    assert not page.find("script") and not page.find("link") and not page.find("img")
    refs = [v for _, a, _ in page.elements for k, v in a.items() if k in ("src", "href")]
    assert refs == []
    assert re.findall(r"https?://[^\"]+", html) == ["http://www.w3.org/2000/svg"]
    assert "@page{size:A4" in html
    assert render_html(history, NOW, tz=UTC) == html  # same input, same page


def test_one_bar_segment_per_nonzero_week_and_side_with_proportional_heights(page, history):
    segments = page.find("rect", **{"class": "seg"})
    got = {(a["data-week"], a["data-side"]): int(a["data-count"]) for _, a, _ in segments}
    assert len(segments) == len(got)
    assert got == dict(expected_weeks(history))
    per_episode = {round(float(a["height"]) / int(a["data-count"]), 2) for _, a, _ in segments}
    assert len(per_episode) == 1
    for _, a, text in segments:  # each segment says what it is, for a pointer or a reader
        assert a["data-count"] in text


def test_the_chart_is_labelled_for_people_and_screen_readers(page):
    svg = page.find("svg")[0][1]
    assert svg["role"] == "img" and svg["aria-labelledby"] == "lc-title lc-desc"
    assert "per week by leg" in page.find("title", id="lc-title")[0][2]
    desc = page.find("desc", id="lc-desc")[0][2]
    assert desc.count("Week of") == 8 and "15 Sep" in desc
    legend = [t for _, a, t in page.find("text", **{"class": "legend"})]
    assert legend == ["left leg", "right leg", "both legs", "leg not known"]
    fills = {a["fill"] for _, a, _ in page.find("rect", **{"class": "swatch"})}
    assert len(fills) == 4  # distinct fills: a colour and three patterns
    assert "episodes" in [t for _, a, t in page.find("text", **{"class": "axis"})]


def test_the_headline_totals_match(page, history):
    headline = page.find("p", id="headline")[0][2]
    cramps = sum(e.cramp for e in history)
    assert f"{len(history)} episodes" in headline and f"{cramps} cramps" in headline
    assert "Thu 18 Sep" in headline and "Mon 3 Nov 2025" in headline
    weeks = max(NOW - history[0].time, 7 * 86400) / (7 * 86400)
    assert f"about {len(history) / weeks:.1f} episodes a week" in headline


def test_the_dispositions_table_matches(page, history):
    rows = page.find("tr")
    table = {a["data-disposition"]: text for _, a, text in rows if "data-disposition" in a}
    counts = Counter(e.disposition for e in history)
    assert list(table) == ["emergency", "urgent", "doctor", "self_care"]
    for disposition, text in table.items():
        assert text == f"{DISPOSITION_WORDS[disposition]}{counts[disposition]}"


def test_the_recurring_findings_are_in_plain_words(page, history):
    items = page.find("li")
    medication = sum(1 for e in history if e.findings.get("cramp_medication") is True)
    assert items[0][2] == (f"takes water pills or statins or a new medicine: {medication} of "
                           f"{len(history)} episodes")
    assert all("_" not in text for _, _, text in items)
    assert not page.find("li", **{"data-finding": "pain_side"})


def test_the_episode_table_is_newest_first_and_fits_the_page(page, history):
    table = parse_table(page)
    assert len(table) == MAX_TABLE_ROWS
    assert table[0][:2] == ["Mon 3 Nov", "01:15"]
    urgent = [row for row in table if row[-1] == "be seen today"]
    assert urgent and urgent[0][2:5] == ["right", "calf", "days"]
    assert f"Showing the latest {MAX_TABLE_ROWS} of {len(history)}" in page.find("p", **{"class": "note"})[0][2]


def parse_table(page: Page) -> list[list[str]]:
    rows, row = [], None
    start = next(i for i, (t, a, _) in enumerate(page.elements) if a.get("id") == "episodes")
    for tag, attrs, text in page.elements[start + 1:]:
        if tag == "tr":
            row = [] if attrs.get("class") != "why" else None  # the line under each episode
            if row is not None:
                rows.append(row)
        elif tag == "td" and row is not None:
            row.append("".join(text))
        elif tag not in ("th", "td", "em"):
            break
    return [r for r in rows if r]


def test_everything_from_the_diary_is_escaped():
    odd = Episode(time=NOW - 3600, site="<b>site</b>", side="<i>", location="<script>x</script>",
                  duration="a&b", disposition="self_care",
                  findings={"<svg onload=x>": True, "also": True}, cramp=True)
    html = render_html([odd, odd], NOW, title="Ann's <diary> & more", tz=UTC)
    parse(html)
    assert "<script>x" not in html and "<svg onload" not in html and "<i>" not in html
    assert "Ann&#x27;s &lt;diary&gt; &amp; more" in html and "&lt;script&gt;x" in html


def test_an_empty_diary_still_renders_a_calm_page():
    page = parse(render_html([], NOW, tz=UTC))
    assert page.find("p", id="headline")[0][2] == "No episodes recorded yet."
    assert not page.find("rect", **{"class": "seg"})
    assert "Week of 3 Nov: none." in page.find("desc")[0][2]


def test_render_svg_alone_is_well_formed_xml(history):
    root = ET.fromstring(render_svg(history, NOW, tz=UTC))
    assert root.tag == f"{SVG}svg"
    segments = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "seg"]
    assert len(segments) == len(expected_weeks(history))


def test_chart_text_draws_the_same_weeks(history):
    rows = chart_text(history, NOW, tz=UTC).splitlines()[4:]
    expected = expected_weeks(history)
    today = datetime.fromtimestamp(NOW, UTC).date()
    mondays = [today - timedelta(days=today.weekday(), weeks=7 - i) for i in range(8)]
    assert len(rows) == 8
    for monday, row in zip(mondays, rows):
        label, bar, total = row[:6].strip(), row.split()[2], int(row.split()[-1])
        marks = {"left": "L", "right": "R", "both": "B", "unknown": "?"}
        want = "".join(marks[s] * expected[(monday.isoformat(), s)] for s in marks)
        assert (label, bar, total) == (f"{monday.day} {monday:%b}", want, len(want))


def test_finding_labels_cover_every_finding_in_the_schema():
    from skill.triage.findings import SCHEMA

    for ident, spec in SCHEMA.items():
        if ident in ("pain_side", "pain_location", "duration", "cramps_per_week"):
            continue
        values = [v for v in spec.values if v not in ("none", "unknown")] or [True]
        for value in values:
            assert "_" not in finding_label(ident, value), (ident, value)


def test_the_helper_writes_the_report_where_it_says(tmp_path, capsys):
    out = tmp_path / "report.html"
    assert render_seeded([str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"report: {out}" in printed and "15 Sep" in printed
    parse(out.read_text(encoding="utf-8"))
    ET.fromstring(out.with_suffix(".svg").read_text(encoding="utf-8"))


DAY = 86400.0


def _headline(episodes) -> str:
    return parse(render_html(episodes, NOW, tz=UTC)).find("p", id="headline")[0][2]


def _cramp(hours_ago: float, **findings) -> Episode:
    return Episode.from_findings(NOW - hours_ago * 3600, "bedroom", "self_care",
                                 {"pain_side": "left", **findings}, True)


@pytest.mark.parametrize("hours, span", [(12, "less than a day"), (30, "2 days"),
                                         (24 * 6, "6 days")])
def test_a_short_diary_says_how_short_and_gives_no_weekly_rate(hours, span):
    """Before: "(1 days)" and "about 7.0 episodes a week" from one episode of this morning."""
    text = _headline([_cramp(hours)])
    assert f"({span})" in text and "1 episode " in text and "1 cramp" in text
    assert "a week" not in text and "1 days" not in text and "1 episodes" not in text


def test_a_week_or_more_of_diary_gives_the_weekly_rate():
    text = _headline([_cramp(24 * 13), _cramp(24)])
    assert "(13 days)" in text and "about 1.1 episodes a week" in text


def test_one_cramp_on_one_side_is_not_one_of_one_cramps():
    page = parse(render_html([_cramp(5)], NOW, tz=UTC))
    text = " ".join(t for _, _, t in page.find("p"))
    assert "1 of 1 cramp)" in text and "1 cramps" not in text


def _why_rows(episodes) -> list[str]:
    page = parse(render_html(episodes, NOW, tz=UTC))
    return [text for _, attrs, text in page.find("tr") if attrs.get("class") == "why"]


def test_each_episode_says_why_and_what_was_answered_yes_or_not_known():
    urgent = Episode.from_findings(
        NOW - 3600, "bedroom", "urgent",
        {"pain_side": "right", "pain_location": "calf", "swelling": "one_leg", "warmth": "unknown",
         "cramp_medication": True, "chronic_condition": False, "previous_clot": "unknown"},
        False, rules=("U1", "U2", "D5"))
    [row] = _why_rows([urgent])
    assert "Why: one swollen leg can mean a blood clot; warmth or redness" in row
    assert "D5" not in row and "medicine" not in row.split("Yes:")[0]  # only the deciding ones
    yes = row.split("Yes:")[1].split("Did not know:")[0]
    assert "one leg swollen" in yes and "takes water pills or statins or a new medicine" in yes
    assert "diabetes" not in row  # answered no
    assert "Did not know: ever had a blood clot; the painful leg warm to the touch." in row


def test_an_episode_kept_before_its_rules_were_has_them_worked_out_again():
    old = Episode.from_findings(NOW - 3600, "bedroom", "urgent", {"swelling": "one_leg",
                                                                   "pain_location": "calf"}, False)
    assert old.rules == ()
    [row] = _why_rows([old])
    assert "one swollen leg can mean a blood clot" in row
