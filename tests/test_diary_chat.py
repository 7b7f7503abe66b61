"""The diary through `legcramp chat`, with real SQLite files: it remembers, it changes the
advice, and a damaged or locked diary never stops a conversation."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from skill.diary.store import Diary, Episode

ANSWERS = {"duration": "just a few seconds", "eased_by_stretching": "yes stretching helped",
           "cramps_per_week": "hardly ever"}
OPENING = "my left calf cramped and woke me up but it's gone now"


def converse(*args: str, env: dict | None = None) -> tuple[list[dict], str]:
    """One whole conversation through `chat --jsonl`, answering each question as it comes."""
    proc = subprocess.Popen([sys.executable, "-m", "skill.cli", "chat", "--jsonl", *args],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    assert proc.stdin and proc.stdout
    lines: list[dict] = []
    say = OPENING
    for _ in range(20):
        proc.stdin.write(say + "\n")
        proc.stdin.flush()
        while True:
            line = json.loads(proc.stdout.readline())
            lines.append(line)
            if line["expects_reply"] or line["end"]:
                break
        if line["end"]:
            break
        say = next((ANSWERS[f] for f in line["asking"] if f in ANSWERS), "no")
    proc.stdin.close()
    err = proc.stderr.read() if proc.stderr else ""
    assert proc.wait(timeout=30) == 0, err
    return lines, err


def cramps(path: Path, count: int, days_ago_start: float = 1.0) -> None:
    with Diary.open(path) as diary:
        for i in range(count):
            diary.record(Episode.from_findings(time.time() - (days_ago_start + i) * 86_400, "bedroom",
                                               "self_care", {"cramp_now": True, "pain_side": "left",
                                                             "pain_location": "calf"}, True))


def asked(lines: list[dict]) -> list[list[str]]:
    return [line["asking"] for line in lines if line["expects_reply"]]


def test_history_in_the_diary_changes_the_advice_and_is_added_to(tmp_path):
    path = tmp_path / "diary.sqlite3"
    cramps(path, 3)
    lines, _ = converse("--diary", str(path))
    assert ["cramps_per_week"] not in asked(lines)
    assert lines[-1]["disposition"] == "doctor"
    assert any("fourth cramp this week" in line["say"] for line in lines)
    with Diary.open(path) as diary:
        episodes = diary.episodes()
    assert len(episodes) == 4
    last = episodes[-1]
    assert (last.site, last.disposition, last.cramp, last.side) == ("chat", "doctor", True, "left")
    assert last.findings["cramps_per_week"] == 4
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_without_history_the_same_night_is_self_care_and_the_question_is_asked(tmp_path):
    lines, _ = converse("--diary", str(tmp_path / "new.sqlite3"))
    assert ["cramps_per_week"] in asked(lines)
    assert lines[-1]["disposition"] == "self_care"


def test_a_damaged_diary_is_one_clear_warning_and_the_conversation_completes(tmp_path):
    path = tmp_path / "diary.sqlite3"
    path.write_bytes(b"this is not a database, it was overwritten by accident" * 100)
    lines, err = converse("--diary", str(path))
    assert lines[-1]["end"] and lines[-1]["disposition"] == "self_care"
    warnings = [line for line in err.splitlines() if "diary" in line]
    assert warnings and all(str(path) in w for w in warnings), err
    assert "Traceback" not in err


def test_a_locked_diary_never_blocks_the_conversation(tmp_path):
    path = tmp_path / "diary.sqlite3"
    cramps(path, 1)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        lines, err = converse("--diary", str(path))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert lines[-1]["end"] and lines[-1]["disposition"] in ("self_care", "doctor")
    assert "locked" in err and "Traceback" not in err


def test_jsonl_keeps_no_diary_unless_asked_and_no_diary_means_none(tmp_path):
    env = {**os.environ, "LEGCRAMP_DIARY": str(tmp_path / "default.sqlite3")}
    converse(env=env)
    assert not (tmp_path / "default.sqlite3").exists()
    proc = subprocess.run([sys.executable, "-m", "skill.cli", "chat", "--no-diary"],
                          input=OPENING + "\n", capture_output=True, text=True, timeout=60, env=env)
    assert proc.returncode == 0 and not (tmp_path / "default.sqlite3").exists()


def test_interactive_chat_keeps_the_default_diary(tmp_path):
    env = {**os.environ, "LEGCRAMP_DIARY": str(tmp_path / "default.sqlite3")}
    answers = ["my calf hurts and i can't catch my breath"]  # an emergency: advice at once
    proc = subprocess.run([sys.executable, "-m", "skill.cli", "chat"], input="\n".join(answers) + "\n",
                          capture_output=True, text=True, timeout=60, env=env)
    assert proc.returncode == 0, proc.stderr
    with Diary.open(tmp_path / "default.sqlite3") as diary:
        assert [e.disposition for e in diary.episodes()] == ["emergency"]


@pytest.mark.parametrize("question, expected", [
    ("how many cramps have i had this week", "three cramps written down"),
    ("which leg gets cramps most often", "your left leg: three times out of three"),
])
def test_questions_are_answered_from_the_diary_file(tmp_path, question, expected):
    path = tmp_path / "diary.sqlite3"
    cramps(path, 3)
    proc = subprocess.run([sys.executable, "-m", "skill.cli", "chat", "--jsonl", "--diary", str(path)],
                          input=question + "\n", capture_output=True, text=True, timeout=60)
    said = " ".join(json.loads(line)["say"] for line in proc.stdout.splitlines())
    assert expected in said, said


def test_forget_my_history_empties_the_file_after_a_yes(tmp_path):
    path = tmp_path / "diary.sqlite3"
    cramps(path, 3)
    proc = subprocess.run([sys.executable, "-m", "skill.cli", "chat", "--jsonl", "--diary", str(path)],
                          input="forget my history\nyes\n", capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    with Diary.open(path) as diary:
        assert diary.episodes() == []
