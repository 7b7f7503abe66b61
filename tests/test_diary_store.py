"""The diary file, with real SQLite files: durability, concurrency, damage, locks, forgetting."""
from __future__ import annotations

import os
import random
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from skill.diary.store import SCHEMA_VERSION, Diary, DiaryError, Episode, default_path

ROOT = Path(__file__).resolve().parent.parent


def episode(t: float = 1.7e9, site: str = "bedroom", **findings: object) -> Episode:
    base = {"pain_side": "left", "pain_location": "calf", "duration": "minutes",
            "woke_from_sleep": True, "swelling": "none"}
    return Episode.from_findings(t, site, "self_care", {**base, **findings}, True)


def python(code: str, *args: str, **popen: object) -> subprocess.Popen:
    """Run `code` in a fresh interpreter, as a second Rhasspy site or skill would."""
    return subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- the basics ---------------------------------------------------------------------------

def test_round_trip_keeps_every_field_oldest_first(tmp_path):
    path = tmp_path / "diary.sqlite3"
    later = Episode.from_findings(2000.5, "kitchen", "urgent",
                                  {"pain_side": "right", "swelling": "one_leg", "warmth": True,
                                   "cramps_per_week": 3}, False)
    earlier = episode(1000.25)
    with Diary.open(path) as diary:
        ids = [diary.record(later), diary.record(earlier)]
        assert ids[0] != ids[1]
        assert diary.episodes() == [earlier, later]
        assert diary.episodes(since=1500) == [later]
        assert diary.episodes(until=2000.5) == [earlier]  # until is exclusive
    with Diary.open(path) as again:
        got = again.episodes()[1]
    assert got == later and got.findings["cramps_per_week"] == 3 and got.findings["warmth"] is True
    assert (got.side, got.location, got.duration, got.cramp) == ("right", None, None, False)


def test_from_findings_reads_side_location_duration_and_drops_unknown():
    e = Episode.from_findings(1, "chat", "doctor",
                              {"pain_side": "unknown", "pain_location": "whole_leg",
                               "duration": "over_10_minutes"}, True)
    assert (e.side, e.location, e.duration) == (None, "whole_leg", "over_10_minutes")
    with pytest.raises(ValueError):
        Episode.from_findings(1, "chat", "see a vet", {}, True)


def test_the_episode_keeps_its_own_copy_of_the_findings():
    findings = {"pain_side": "left"}
    e = Episode.from_findings(1, "chat", "doctor", findings, True)
    findings["fever"] = True
    assert "fever" not in e.findings
    same_but_findings = Episode.from_findings(1, "chat", "doctor", {"pain_side": "left", "x": 1}, True)
    assert hash(e) == hash(same_but_findings) and e != same_but_findings  # usable in a set


def test_a_finding_value_json_cannot_hold_is_kept_as_text(tmp_path):
    odd = Episode.from_findings(1, "chat", "doctor", {"pain_side": "left", "weird": {1, 2}}, True)
    with Diary.open(tmp_path / "diary.sqlite3") as diary:
        diary.record(odd)
        assert diary.episodes()[0].findings == {"pain_side": "left", "weird": "{1, 2}"}


def test_new_file_is_0600_in_0700_directories_and_uses_wal(tmp_path):
    path = tmp_path / "a" / "b" / "diary.sqlite3"
    with Diary.open(path) as diary:
        diary.record(episode())
        for name in ("diary.sqlite3", "diary.sqlite3-wal", "diary.sqlite3-shm"):
            assert mode(path.parent / name) == 0o600, name
    assert mode(path.parent) == 0o700 and mode(path.parent.parent) == 0o700
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def test_an_existing_file_is_tightened_to_0600_and_an_empty_one_becomes_a_diary(tmp_path):
    path = tmp_path / "diary.sqlite3"
    path.touch()
    os.chmod(path, 0o644)
    with Diary.open(path) as diary:
        diary.record(episode())
    assert mode(path) == 0o600


def test_a_diary_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "diary.sqlite3"
    Diary.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(DiaryError, match="newer version") as err:
        Diary.open(path)
    assert str(path) in str(err.value)


def test_default_path_honours_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("LEGCRAMP_DIARY", str(tmp_path / "mine.sqlite3"))
    assert default_path() == tmp_path / "mine.sqlite3"
    monkeypatch.delenv("LEGCRAMP_DIARY")
    import platformdirs

    assert default_path() == platformdirs.user_data_path("legcramp") / "diary.sqlite3"


# --- many writers ---------------------------------------------------------------------------

WRITER = """
import sys, time
from pathlib import Path
from skill.diary.store import Diary, Episode
path, site, go = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
while not go.exists():
    time.sleep(0.005)
diary = Diary.open(path, timeout_s=20)
for i in range(50):
    print(diary.record(Episode.from_findings(1.7e9 + i, site, "self_care",
                                             {"pain_side": "left", "cramps_per_week": i}, True)))
"""


def test_eight_sites_writing_at_once_lose_nothing(tmp_path):
    """The file does not exist yet: the first-open race (WAL switch, schema) is part of it.

    A long timeout here because the test is about rows, not latency: 8 processes on a small
    machine can queue for longer than a conversation's 0.25 s.
    """
    path, go = tmp_path / "diary.sqlite3", tmp_path / "go"
    procs = [python(WRITER, str(path), f"site-{n}", str(go)) for n in range(8)]
    go.touch()
    ids = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        ids += [int(line) for line in out.split()]
    with Diary.open(path) as diary:
        rows = diary.episodes()
    assert len(rows) == 400 and len(set(ids)) == 400
    assert len({(e.site, e.findings["cramps_per_week"]) for e in rows}) == 400


def test_threads_sharing_one_diary_lose_nothing(tmp_path):
    with Diary.open(tmp_path / "diary.sqlite3", timeout_s=5) as diary:
        def write(n: int) -> None:
            for i in range(25):
                diary.record(episode(1.7e9 + i, site=f"thread-{n}"))
        threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(diary.episodes()) == 200


# --- crashes --------------------------------------------------------------------------------

CRASHER = """
import sys, time
from pathlib import Path
from skill.diary.store import Diary, Episode
diary = Diary.open(Path(sys.argv[1]))
for i in range(int(sys.argv[2])):
    diary.record(Episode.from_findings(1.7e9 + i, "committed", "self_care", {}, True))
conn = diary._conn
conn.execute("PRAGMA cache_size = 5")  # so uncommitted pages spill into the WAL file
conn.execute("BEGIN IMMEDIATE")
for i in range(3000):
    conn.execute("INSERT INTO episodes (time, site, disposition, cramp, findings) "
                 "VALUES (?, 'uncommitted', 'self_care', 1, ?)", (2e9 + i, '"' + 'x' * 200 + '"'))
print("mid-write", flush=True)
time.sleep(60)
"""


def test_a_crash_mid_write_keeps_exactly_what_was_committed(tmp_path):
    path = tmp_path / "diary.sqlite3"
    proc = python(CRASHER, str(path), "7")
    assert proc.stdout.readline().strip() == "mid-write", proc.stderr.read()
    assert b"uncommitted" in (tmp_path / "diary.sqlite3-wal").read_bytes()  # really mid-write
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=10)
    with Diary.open(path) as diary:
        assert [e.site for e in diary.episodes()] == ["committed"] * 7
        diary.record(episode())
        assert len(diary.episodes()) == 8


KILLED_WRITER = """
import sys
from pathlib import Path
from skill.diary.store import Diary, Episode
diary = Diary.open(Path(sys.argv[1]), timeout_s=20)
i = 0
while True:
    row = diary.record(Episode.from_findings(1.7e9 + i, sys.argv[2], "doctor", {}, True))
    print(row, flush=True)
    i += 1
"""


def test_writers_killed_at_random_keep_every_row_they_reported(tmp_path):
    path, rng = tmp_path / "diary.sqlite3", random.Random(6)
    Diary.open(path).close()
    procs = [python(KILLED_WRITER, str(path), f"site-{n}") for n in range(3)]
    for proc in procs:
        assert proc.stdout.readline()  # it has committed at least once
    time.sleep(rng.uniform(0.05, 0.3))
    reported = set()
    for proc in procs:
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate(timeout=10)
        reported |= {int(line) for line in out.split() if line.isdigit()}
    with Diary.open(path) as diary:
        saved = len(diary.episodes())
    rows = {r for (r,) in sqlite3.connect(path).execute("SELECT id FROM episodes")}
    assert reported <= rows and saved == len(rows)


# --- damage, locks and permissions ------------------------------------------------------------

def _random_bytes(path: Path) -> None:
    path.write_bytes(random.Random(0).randbytes(16384))


def _truncated(path: Path) -> None:
    with Diary.open(path) as diary:
        for i in range(300):
            diary.record(episode(1.7e9 + i, site="x" * 60))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _scribbled(path: Path) -> None:
    _truncated(path.with_name("whole.sqlite3"))
    data = bytearray(path.with_name("whole.sqlite3").read_bytes())
    data[8192:12288] = random.Random(1).randbytes(4096)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", [_random_bytes, _truncated, _scribbled])
def test_a_damaged_file_is_a_clear_error_naming_the_path(tmp_path, damage):
    path = tmp_path / "diary.sqlite3"
    damage(path)
    started = time.monotonic()
    with pytest.raises(DiaryError) as err:
        Diary.open(path)
    assert time.monotonic() - started < 5
    assert str(err.value) == (f"the diary at {path} is not a database (damaged?); "
                              "move it away or run with --no-diary")


def test_a_locked_diary_fails_fast_and_works_again_when_released(tmp_path):
    path = tmp_path / "diary.sqlite3"
    Diary.open(path).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    with Diary.open(path, timeout_s=0.25) as diary:  # readers still read beside a WAL writer
        started = time.monotonic()
        with pytest.raises(DiaryError, match="locked by another program") as err:
            diary.record(episode())
        assert time.monotonic() - started < 5
        assert str(path) in str(err.value)
        other.execute("ROLLBACK")
        diary.record(episode())
        assert len(diary.episodes()) == 1
    other.close()


def test_a_locked_database_not_yet_in_wal_mode_fails_at_open(tmp_path):
    path = tmp_path / "diary.sqlite3"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("CREATE TABLE t (x)")
    other.execute("BEGIN EXCLUSIVE")
    started = time.monotonic()
    with pytest.raises(DiaryError, match="locked by another program"):
        Diary.open(path, timeout_s=0.25)
    assert time.monotonic() - started < 5
    other.close()


def test_a_path_that_cannot_be_created_is_a_clear_error(tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    with pytest.raises(DiaryError, match=r"cannot be opened for writing \(not a directory\)") as err:
        Diary.open(blocker / "diary.sqlite3")
    assert str(blocker / "diary.sqlite3") in str(err.value)


@pytest.mark.skipif(getattr(os, "geteuid", lambda: 0)() == 0, reason="root can write anywhere")
def test_a_read_only_directory_is_a_clear_error(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    with pytest.raises(DiaryError, match="cannot be opened for writing"):
        Diary.open(locked / "diary.sqlite3")


# --- forgetting ---------------------------------------------------------------------------

def test_forget_removes_every_episode_and_its_bytes(tmp_path):
    path, marker = tmp_path / "diary.sqlite3", "zebra-crossing-7731"
    with Diary.open(path) as diary:
        for i in range(200):
            diary.record(episode(1.7e9 + i, site=marker))
        files = lambda: b"".join(p.read_bytes() for p in tmp_path.glob("diary.sqlite3*"))  # noqa: E731
        assert marker.encode() in files()
        assert diary.forget() == 200
        assert diary.episodes() == []
        assert marker.encode() not in files()
        diary.record(episode(site="after"))
    with Diary.open(path) as diary:
        assert [e.site for e in diary.episodes()] == ["after"]


def test_a_diary_of_schema_1_is_brought_up_to_date_and_keeps_its_episodes(tmp_path):
    """Schema 2 keeps the rules that matched; a file written before is migrated in place."""
    path = tmp_path / "diary.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript("""
        CREATE TABLE episodes (id INTEGER PRIMARY KEY, time REAL NOT NULL, site TEXT NOT NULL,
            side TEXT, location TEXT, duration TEXT, disposition TEXT NOT NULL,
            cramp INTEGER NOT NULL, findings TEXT NOT NULL);
        CREATE INDEX episodes_time ON episodes (time);
        INSERT INTO episodes (time, site, side, location, duration, disposition, cramp, findings)
            VALUES (1.7e9, 'bedroom', 'left', 'calf', 'minutes', 'self_care', 1, '{"cramp_now": true}');
        PRAGMA user_version = 1;""")
    conn.close()
    with Diary.open(path) as diary:
        [old] = diary.episodes()
        assert old.rules == () and old.findings == {"cramp_now": True}
        diary.record(Episode.from_findings(1.7e9 + 60, "bedroom", "urgent", {"swelling": "one_leg"},
                                           False, rules=("U1",)))
        assert [e.rules for e in diary.episodes()] == [(), ("U1",)]
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
    conn.close()
