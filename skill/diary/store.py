"""The diary file: one SQLite database (standard library, WAL mode) of episodes.

Why SQLite in WAL mode: several Rhasspy sites (or a chat and a satellite) may finish a
conversation at the same moment, and a crash or power cut must not lose what was already saved.
WAL gives atomic commits, lets readers run beside a writer, and survives a killed process.

Why a short busy timeout and one named error: the diary must never hold up triage. A locked,
damaged or unwritable file fails fast with `DiaryError`, whose message is one sentence a person
can act on; the caller logs it and carries on with the conversation.

The file holds health data, so it is created 0600 inside a 0700 directory, and `forget` really
removes the bytes (secure_delete, VACUUM and a truncating checkpoint), not just the rows.
"""
from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping, Optional, Union

log = logging.getLogger(__name__)

Value = Union[bool, int, str]
"""A finding value, as in skill/triage/findings.py."""

DISPOSITIONS = ("emergency", "urgent", "doctor", "self_care")
"""The four outcomes, most urgent first (docs/findings.yaml)."""

SCHEMA_VERSION = 2
"""PRAGMA user_version of the files this module writes; a larger one is refused. Version 2
added `rules` (the rules that matched, so a report can say why the advice was given); a
version 1 file is brought up to it when opened, its episodes with no rules recorded."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS episodes (
    id          INTEGER PRIMARY KEY,
    time        REAL    NOT NULL,
    site        TEXT    NOT NULL,
    side        TEXT,
    location    TEXT,
    duration    TEXT,
    disposition TEXT    NOT NULL,
    cramp       INTEGER NOT NULL,
    findings    TEXT    NOT NULL,
    rules       TEXT    NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS episodes_time ON episodes (time);
"""

_COLUMNS = "time, site, side, location, duration, disposition, cramp, findings, rules"


def default_path() -> Path:
    """Where the diary lives unless `--diary` says otherwise.

    `LEGCRAMP_DIARY` wins so a service unit or a test can move it without a flag.
    """
    env = os.environ.get("LEGCRAMP_DIARY")
    if env:
        return Path(env).expanduser()
    import platformdirs  # imported here: only needed when no path is given

    return platformdirs.user_data_path("legcramp") / "diary.sqlite3"


class DiaryError(Exception):
    """The diary cannot be used. The message is one sentence naming the path and what to do."""


def _enum_finding(findings: Mapping[str, Value], ident: str) -> Optional[str]:
    value = findings.get(ident)
    return value if isinstance(value, str) and value != "unknown" else None


@dataclass(frozen=True)
class Episode:
    """One conversation that reached advice, as the diary keeps it."""

    time: float
    site: str
    side: Optional[str]
    location: Optional[str]
    duration: Optional[str]
    disposition: str
    findings: Mapping[str, Value] = field(hash=False)
    cramp: bool
    rules: tuple[str, ...] = ()
    """The triage rules that matched (skill/triage/rules.py ids), most urgent first; empty for
    an episode recorded before they were kept."""

    def __post_init__(self) -> None:
        if self.disposition not in DISPOSITIONS:
            raise ValueError(f"unknown disposition {self.disposition!r}")
        object.__setattr__(self, "findings", dict(self.findings))  # a private copy
        object.__setattr__(self, "rules", tuple(str(r) for r in self.rules))

    @classmethod
    def from_findings(cls, time: float, site: str, disposition: str,
                      findings: Mapping[str, Value], cramp: bool,
                      rules: tuple[str, ...] = ()) -> "Episode":
        """Build an episode, taking side, location and duration from the findings.

        "unknown" becomes None: the diary records what is known, not what was asked.
        """
        return cls(time=float(time), site=site, side=_enum_finding(findings, "pain_side"),
                   location=_enum_finding(findings, "pain_location"),
                   duration=_enum_finding(findings, "duration"), disposition=disposition,
                   findings=findings, cramp=bool(cramp), rules=tuple(rules))


def _message(path: Path, err: BaseException) -> str:
    """Turn a sqlite3 or OS error into one sentence a person can act on."""
    text = str(err).lower()
    if isinstance(err, sqlite3.DatabaseError) and (
            "not a database" in text or "malformed" in text or "corrupt" in text):
        return f"the diary at {path} is not a database (damaged?); move it away or run with --no-diary"
    if "locked" in text or "busy" in text:
        return (f"the diary at {path} is locked by another program; "
                "try again later or run with --no-diary")
    if "full" in text or getattr(err, "errno", None) == 28:
        return f"the disk holding the diary at {path} is full; free some space or run with --no-diary"
    if isinstance(err, OSError):
        reason = (err.strerror or str(err)).lower()
        return (f"the diary at {path} cannot be opened for writing ({reason}); "
                "choose another file with --diary PATH or run with --no-diary")
    if "readonly" in text or "read-only" in text or "unable to open" in text or "permission" in text:
        return (f"the diary at {path} cannot be opened for writing (check its permissions); "
                "choose another file with --diary PATH or run with --no-diary")
    return f"the diary at {path} could not be used ({err}); run with --no-diary to go on without it"


@contextmanager
def _translated(path: Path) -> Iterator[None]:
    """Re-raise sqlite3 and OS failures as DiaryError, keeping the cause for the log."""
    try:
        yield
    except DiaryError:
        raise
    except (sqlite3.Error, OSError) as err:
        raise DiaryError(_message(path, err)) from err


def _make_dirs(directory: Path) -> None:
    """Create missing directories 0700, each one (os.makedirs only sets the last)."""
    missing = []
    while not directory.exists():
        missing.append(directory)
        directory = directory.parent
    for new in reversed(missing):
        new.mkdir(mode=0o700, exist_ok=True)
        os.chmod(new, 0o700)


def _touch_private(path: Path) -> None:
    """Create the file 0600 before SQLite does (SQLite would honour the umask), or tighten it."""
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


class Diary:
    """An open diary file. Thread-safe: one connection, guarded by a lock."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self._conn = conn
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: Path, timeout_s: float = 0.25) -> "Diary":
        """Open or create the diary at `path`. Raises DiaryError."""
        path = Path(path).expanduser()
        with _translated(path):
            _make_dirs(path.parent)
            _touch_private(path)
            conn = sqlite3.connect(path, timeout=timeout_s, isolation_level=None,
                                   check_same_thread=False)
        try:
            with _translated(path):
                _prepare(conn, path)
        except BaseException:
            conn.close()
            raise
        return cls(path, conn)

    def record(self, episode: Episode) -> int:
        """Save one episode in one transaction and return its row id.

        A finding value JSON cannot hold is stored as its str(): losing an exotic value is
        better than failing to record, and nothing here may raise anything but DiaryError.
        """
        row = (episode.time, episode.site, episode.side, episode.location, episode.duration,
               episode.disposition, int(episode.cramp),
               json.dumps(dict(episode.findings), sort_keys=True, default=str),
               json.dumps(list(episode.rules)))
        with self._lock, _translated(self.path):
            with _transaction(self._conn):
                cur = self._conn.execute(
                    f"INSERT INTO episodes ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
            return int(cur.lastrowid or 0)

    def episodes(self, since: Optional[float] = None,
                 until: Optional[float] = None) -> list[Episode]:
        """Episodes with since <= time < until, oldest first."""
        lo = float("-inf") if since is None else since
        hi = float("inf") if until is None else until
        with self._lock, _translated(self.path):
            rows = self._conn.execute(
                f"SELECT {_COLUMNS} FROM episodes WHERE time >= ? AND time < ? ORDER BY time, id",
                (lo, hi)).fetchall()
        return [_episode(self.path, row) for row in rows]

    def forget(self) -> int:
        """Delete every episode so that the bytes are gone from the disk too; return how many."""
        with self._lock, _translated(self.path):
            with _transaction(self._conn):
                count = self._conn.execute("DELETE FROM episodes").rowcount
            self._conn.execute("VACUUM")
            busy, _, _ = self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            log.warning("forgot %d episodes in %s, but another program has it open; "
                        "old bytes may stay in its -wal file until that program closes it",
                        count, self.path)
        return max(count, 0)

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> "Diary":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE ... COMMIT: take the write lock up front, so a busy file fails at once."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _prepare(conn: sqlite3.Connection, path: Path) -> None:
    """Check the file is a sound diary we understand, switch on WAL, create the schema."""
    conn.execute("PRAGMA secure_delete = ON")
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        log.warning("the diary at %s cannot use WAL mode here (got %s)", path, mode)
    conn.execute("PRAGMA synchronous = FULL")  # a committed episode survives a power cut
    problem = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
    if problem != "ok":
        raise sqlite3.DatabaseError(f"database disk image is malformed: {problem}")
    _check_version(conn, path)
    if conn.execute("PRAGMA user_version").fetchone()[0] == 0:
        with _transaction(conn):
            if conn.execute("PRAGMA user_version").fetchone()[0] == 0:
                for statement in filter(str.strip, _SCHEMA.split(";")):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    if conn.execute("PRAGMA user_version").fetchone()[0] == 1:
        with _transaction(conn):
            if conn.execute("PRAGMA user_version").fetchone()[0] == 1:
                conn.execute("ALTER TABLE episodes ADD COLUMN rules TEXT NOT NULL DEFAULT '[]'")
                conn.execute("PRAGMA user_version = 2")


def _check_version(conn: sqlite3.Connection, path: Path) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise DiaryError(f"the diary at {path} was written by a newer version of legcramp "
                         f"(schema {version}); upgrade legcramp or choose another file with --diary PATH")


def _episode(path: Path, row: tuple[Any, ...]) -> Episode:
    """A row back into an Episode; a row that does not parse means a damaged file."""
    time, site, side, location, duration, disposition, cramp, findings, rules = row
    try:
        parsed = json.loads(findings)
        if not isinstance(parsed, dict):
            raise ValueError("findings is not an object")
        matched = json.loads(rules)
        if not isinstance(matched, list):
            raise ValueError("rules is not a list")
        return Episode(time=float(time), site=site, side=side, location=location,
                       duration=duration, disposition=disposition, findings=parsed,
                       cramp=bool(cramp), rules=tuple(matched))
    except (TypeError, ValueError) as err:
        raise DiaryError(f"the diary at {path} has a damaged episode ({err}); "
                         "move it away to start a new one, or run with --no-diary") from err
