"""The diary as the shells use it: the triage never waits for it, and never fails because of it.

A conversation reads the diary's summary from memory (`recent()`), taken when the service
started and after every write. Writes (an episode after advice, "forget my history") run on one
worker thread, in order. A diary that is damaged, locked or on a full disk costs one warning in
the log and the summary it could not refresh; the conversation carries on as if no diary were
kept (the person is asked how often cramps come, as without a diary).
"""
from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Callable, Mapping, Optional

from ..triage.findings import Value
from ..triage.history import Recent, is_cramp
from .store import Diary, DiaryError, Episode
from .summary import History, summarise

log = logging.getLogger("legcramp.diary")

DAY = 86_400.0


def recent_of(history: History, now: float) -> Recent:
    """The summary as the dialog takes it, with the last cramp's day in local time."""
    ago = weekday = None
    if history.last_time is not None:
        today = datetime.fromtimestamp(now).date()
        last = datetime.fromtimestamp(history.last_time).date()
        ago, weekday = max(0, (today - last).days), last.weekday()
    return Recent(
        cramps_7d=history.cramps_7d, cramps_30d=history.cramps_30d,
        cramps_total=history.cramps_total, days_covered=history.days_covered,
        last_days_ago=ago, last_weekday=weekday, last_side=history.last_side,
        most_side=history.most_side, most_side_count=history.most_side_count,
    )


class DiaryService:
    """One diary file for every site this process serves (one household, one person's legs)."""

    def __init__(self, path: Path, clock: Callable[[], float] = time.time,
                 timeout_s: float = 0.25) -> None:
        self.path = path
        self.clock = clock
        self.timeout_s = timeout_s
        self._diary: Optional[Diary] = None
        self._recent: Optional[Recent] = None
        self._lock = threading.Lock()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="legcramp-diary")
        self.failures = 0
        self._worker.submit(self._refresh)

    def recent(self) -> Optional[Recent]:
        """The latest summary; None until the diary could be read (then no history is used)."""
        with self._lock:
            return self._recent

    def record(self, site: str, disposition: str, findings: Mapping[str, Value],
               rules: tuple[str, ...] = ()) -> Future:
        """Write the episode of a conversation that reached advice (in the background), with
        the rules that matched, so that a report can say why."""
        episode = Episode.from_findings(self.clock(), site, disposition, dict(findings),
                                        is_cramp(findings, disposition), tuple(rules))
        return self._worker.submit(self._write, episode)

    def forget(self) -> Future:
        return self._worker.submit(self._forget)

    def close(self, timeout_s: float = 5.0) -> None:
        """Finish pending writes (so `chat` never loses the last episode), then close."""
        self._worker.shutdown(wait=True)
        if self._diary is not None:
            self._diary.close()

    def wait(self) -> None:
        """Block until every write submitted so far is done (tests, and chat between turns)."""
        self._worker.submit(lambda: None).result()

    # --- on the worker thread ----------------------------------------------------------------

    def _open(self) -> Diary:
        if self._diary is None:
            self._diary = Diary.open(self.path, timeout_s=self.timeout_s)
        return self._diary

    def _refresh(self) -> None:
        try:
            now = self.clock()
            summary = recent_of(summarise(self._open().episodes(), now), now)
        except DiaryError as err:
            self._failed(err)
            return
        with self._lock:
            self._recent = summary

    def _write(self, episode: Episode) -> None:
        try:
            self._open().record(episode)
        except DiaryError as err:
            self._failed(err)
            return
        log.info("an episode was written to the diary")
        self._refresh()

    def _forget(self) -> None:
        try:
            count = self._open().forget()
        except DiaryError as err:
            self._failed(err)
            return
        log.info("the diary was emptied on request (%d episodes)", count)
        self._refresh()

    def _failed(self, err: DiaryError) -> None:
        self.failures += 1
        log.warning("diary unavailable, carrying on without it: %s", err)
        if self._diary is not None:  # reopen next time: the file may have been repaired
            try:
                self._diary.close()
            except Exception:  # noqa: BLE001 - closing a broken connection may fail too
                pass
            self._diary = None
