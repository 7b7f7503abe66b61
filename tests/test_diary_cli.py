"""`legcramp diary` through the real entry point, on real diary files."""
from __future__ import annotations

import csv
import io
import json
import random
import time
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import pytest

from skill.cli import main
from skill.diary.store import Diary
from tests.diary_seed import seed_history


@pytest.fixture
def diary_file(tmp_path) -> Path:
    """A diary holding the seeded eight weeks, ending now (so --since means something)."""
    path = tmp_path / "diary.sqlite3"
    with Diary.open(path) as diary:
        for episode in seed_history(now=time.time()):
            diary.record(episode)
    return path


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["diary", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_lists_the_episodes(capsys, diary_file):
    code, out, err = run(capsys, "--diary", str(diary_file))
    episodes = seed_history(now=time.time())
    lines = out.splitlines()
    assert code == 0 and err == ""
    assert lines[0].split() == ["When", "Leg", "Where", "How", "long", "Cramp", "Advice", "Site"]
    assert len(lines) == 1 + len(episodes) + 2
    cramps = sum(e.cramp for e in episodes)
    assert lines[-1] == f"{len(episodes)} episodes, {cramps} of them cramps, in {diary_file}"
    assert any("be seen today" in line and "right" in line for line in lines)


def test_since_keeps_only_recent_episodes(capsys, diary_file):
    code, out, _ = run(capsys, "--diary", str(diary_file), "--since", "7", "--csv", "-")
    now = time.time()
    everything = seed_history(now=now)
    recent = [e for e in everything if e.time >= now - 7 * 86400]
    assert code == 0 and len(list(csv.DictReader(io.StringIO(out)))) == len(recent) < len(everything)


def test_csv_parses_back_to_the_same_episodes(capsys, diary_file, tmp_path):
    target = tmp_path / "out.csv"
    code, out, _ = run(capsys, "--diary", str(diary_file), "--csv", str(target))
    assert code == 0 and str(target) in out
    with open(target, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ["time_iso", "site", "side", "location", "duration",
                                     "disposition", "cramp", "findings_json"]
        rows = list(reader)
    with Diary.open(diary_file) as diary:
        episodes = diary.episodes()
    assert len(rows) == len(episodes)
    for row, e in zip(rows, episodes):
        assert datetime.fromisoformat(row["time_iso"]).timestamp() == pytest.approx(e.time, abs=1)
        assert (row["site"], row["side"] or None, row["location"] or None, row["duration"] or None,
                row["disposition"], row["cramp"]) == (e.site, e.side, e.location, e.duration,
                                                      e.disposition, "true" if e.cramp else "false")
        assert json.loads(row["findings_json"]) == e.findings


def test_csv_on_stdout_is_only_csv(capsys, diary_file):
    code, out, err = run(capsys, "--diary", str(diary_file), "--csv", "-")
    assert code == 0 and out.startswith("time_iso,site,side,")
    assert err == ""


def test_report_and_chart_are_written_where_it_says(capsys, diary_file, tmp_path):
    report, chart = tmp_path / "visit.html", tmp_path / "chart.svg"
    code, out, _ = run(capsys, "--diary", str(diary_file), "--report", str(report),
                       "--chart", str(chart))
    assert code == 0
    assert f"Wrote the report to {report}" in out and f"Wrote the chart to {chart}" in out
    html = report.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and 'class="seg"' in html
    ET.fromstring(chart.read_text(encoding="utf-8"))


def test_a_missing_diary_is_not_created(capsys, tmp_path):
    path = tmp_path / "nowhere" / "diary.sqlite3"
    code, out, err = run(capsys, "--diary", str(path))
    assert (code, out, err) == (0, f"No diary at {path} yet.\n", "")
    assert not path.parent.exists()


def test_the_environment_names_the_diary(capsys, diary_file, monkeypatch):
    monkeypatch.setenv("LEGCRAMP_DIARY", str(diary_file))
    code, out, _ = run(capsys)
    assert code == 0 and str(diary_file) in out.splitlines()[-1]


def test_an_empty_diary_says_so(capsys, tmp_path):
    path = tmp_path / "diary.sqlite3"
    Diary.open(path).close()
    assert run(capsys, "--diary", str(path)) == (0, "No episodes recorded yet.\n", "")


def test_a_corrupt_diary_is_one_line_and_exit_1(capsys, tmp_path):
    path = tmp_path / "diary.sqlite3"
    path.write_bytes(random.Random(3).randbytes(8192))
    code, out, err = run(capsys, "--diary", str(path))
    assert (code, out) == (1, "")
    assert err.count("\n") == 1
    assert err.startswith(f"legcramp diary: the diary at {path} is not a database")


def test_an_unwritable_report_is_one_line_and_exit_1(capsys, diary_file, tmp_path):
    code, _, err = run(capsys, "--diary", str(diary_file), "--report",
                       str(tmp_path / "no" / "such" / "dir" / "r.html"))
    assert code == 1 and err.count("\n") == 1 and err.startswith("legcramp diary: cannot write")


def test_since_must_be_a_positive_number(capsys, diary_file):
    with pytest.raises(SystemExit):
        main(["diary", "--diary", str(diary_file), "--since", "-3"])
    assert "--since" in capsys.readouterr().err
